import type { Lab, LabNode } from '../../../shared/model.js';
import type { CliSession } from '../context.js';
import { CliFailure } from '../context.js';

export async function findLab(call: CliSession['call'], name: string): Promise<Lab> {
  const lab = (await call('lab.list', {})).find((l) => l.name === name || String(l.id) === name);
  if (!lab) throw new CliFailure({ code: 'NOT_FOUND', message: `no lab named "${name}" (see: iovlab lab list)` });
  return lab;
}

export async function findNode(call: CliSession['call'], labName: string, nodeName: string): Promise<{ lab: Lab; node: LabNode }> {
  const lab = await findLab(call, labName);
  const node = lab.nodes.find((n) => n.name === nodeName || String(n.id) === nodeName);
  if (!node) throw new CliFailure({ code: 'NOT_FOUND', message: `lab "${lab.name}" has no node named "${nodeName}"` });
  return { lab, node };
}
