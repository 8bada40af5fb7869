// The plan builder's form state and its translation to a plan (and back, for a pasted plan the
// form can show). Inputs stay strings while typed; parsePlan (shared/bench/plan.ts) is the one
// validator, so the form shows exactly the messages a YAML file would get.
import { DEFAULT_CONFIG_NAME, DEFAULT_IPERF3_PORT, parsePlan, type Plan, type PlanInput } from '../../../../shared/bench/plan.js';
import { expandPlan } from '../../../../shared/bench/expand.js';
import { formatSize } from '../../../../shared/bench/units.js';
import { isAppError } from '../../../../shared/result.js';

/** Where the workbench creates its file targets on a node (electron/core/bench/target-path.ts). */
export const TARGET_DIR = '/var/tmp/iovlab';

export interface TargetForm {
  key: number;
  name: string;
  node: string;
  kind: 'file' | 'device';
  path: string;
  /** Optional: the expected size, recorded with the run. */
  size: string;
  /** A device target needs the user to type "<device> <size>" (the guard's consent). */
  confirm: string;
}

interface Sized {
  size: string;
  blockSize: string;
}
export type DdForm = Sized & { key: number; id: string; tool: 'dd'; op: 'write' | 'read'; mode: 'fdatasync' | 'direct' | 'dropcache' };
export type FioForm = Sized & { key: number; id: string; tool: 'fio'; op: 'write' | 'read'; ioengine: 'psync' | 'libaio'; iodepth: string };
export interface Iperf3Form {
  key: number;
  id: string;
  tool: 'iperf3';
  direction: 'send' | 'receive';
  client: string;
  server: string;
  durationS: string;
  parallel: string;
}
export type WorkloadForm = DdForm | FioForm | Iperf3Form;
export type WorkloadKind = 'dd-write' | 'dd-read' | 'fio' | 'iperf3';

export interface PlanForm {
  name: string;
  repeats: string;
  targets: TargetForm[];
  workloads: WorkloadForm[];
}

let nextKey = 1;
const key = () => nextKey++;

/** The paper's size (20 GB, more than the hosts' RAM) in its 64 kB blocks. */
const DEFAULT_SIZE = '20G';
const DEFAULT_BS = '64k';

function unique(base: string, taken: readonly string[]): string {
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

export function newTarget(nodes: readonly string[], form: PlanForm): TargetForm {
  const name = unique('scratch', form.targets.map((t) => t.name));
  return { key: key(), name, node: nodes[0] ?? '', kind: 'file', path: `${TARGET_DIR}/${name}.dat`, size: '', confirm: '' };
}

export function newWorkload(kind: WorkloadKind, nodes: readonly string[], form: PlanForm): WorkloadForm {
  const taken = form.workloads.map((w) => w.id);
  switch (kind) {
    case 'dd-write':
      return { key: key(), id: unique('dd-write', taken), tool: 'dd', op: 'write', mode: 'fdatasync', size: DEFAULT_SIZE, blockSize: DEFAULT_BS };
    case 'dd-read':
      return { key: key(), id: unique('dd-read', taken), tool: 'dd', op: 'read', mode: 'direct', size: DEFAULT_SIZE, blockSize: DEFAULT_BS };
    case 'fio':
      return { key: key(), id: unique('fio-write', taken), tool: 'fio', op: 'write', ioengine: 'psync', iodepth: '1', size: DEFAULT_SIZE, blockSize: DEFAULT_BS };
    case 'iperf3':
      return { key: key(), id: unique('iperf3-send', taken), tool: 'iperf3', direction: 'send', client: nodes[0] ?? '', server: nodes[1] ?? nodes[0] ?? '', durationS: '10', parallel: '1' };
  }
}

export function emptyForm(nodes: readonly string[]): PlanForm {
  const form: PlanForm = { name: 'my benchmark', repeats: '3', targets: [], workloads: [] };
  // The paper's pair: a dd write then a dd read of the same file.
  form.targets.push(newTarget(nodes, form));
  form.workloads.push(newWorkload('dd-write', nodes, form));
  form.workloads.push(newWorkload('dd-read', nodes, form));
  return form;
}

/** Numbers typed in the form: a blank or a non-number stays as typed, so parsePlan names the field. */
const num = (s: string): number | string => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

export function planFromForm(form: PlanForm): PlanInput {
  const targets = form.targets.map((t) => ({
    name: t.name,
    node: t.node,
    kind: t.kind,
    path: t.path,
    ...(t.size.trim() ? { sizeBytes: t.size.trim() } : {}),
    ...(t.kind === 'device' && t.confirm.trim() ? { confirm: t.confirm } : {}),
  }));
  const workloads = form.workloads.map((w) => {
    switch (w.tool) {
      case 'dd':
        return { id: w.id, tool: w.tool, op: w.op, mode: w.mode, size: w.size, blockSize: w.blockSize };
      case 'fio':
        return { id: w.id, tool: w.tool, op: w.op, ioengine: w.ioengine, iodepth: num(w.iodepth), size: w.size, blockSize: w.blockSize };
      case 'iperf3':
        return { id: w.id, tool: w.tool, direction: w.direction, client: w.client, server: w.server, durationS: num(w.durationS), parallel: num(w.parallel) };
    }
  });
  return { name: form.name, repeats: num(form.repeats), targets, workloads } as PlanInput;
}

export type Checked = { ok: true; plan: Plan; steps: number } | { ok: false; error: string };

/** A plan and its step count, or parsePlan's one-line message. */
export function checkPlan(build: () => Plan): Checked {
  try {
    const plan = build();
    return { ok: true, plan, steps: expandPlan(plan).length };
  } catch (e) {
    return { ok: false, error: isAppError(e) || e instanceof Error ? e.message : String(e) };
  }
}

export const checkForm = (form: PlanForm): Checked => checkPlan(() => parsePlan(planFromForm(form)));

/** The form for a validated plan, or why the form cannot show it (it is then started as pasted). */
export function formFromPlan(plan: Plan): PlanForm | string {
  const configs = plan.configs;
  if (configs.length !== 1 || configs[0]?.name !== DEFAULT_CONFIG_NAME || configs[0].vm || Object.keys(configs[0].tags).length > 0) {
    return 'it has configurations (the form runs the lab as it is)';
  }
  const odd = plan.targets.find((t) => t.hostNode !== undefined || t.hostDevice !== undefined);
  if (odd) return `target "${odd.name}" names its iostat host or device`;
  const nbd = plan.targets.find((t) => t.nbd !== undefined);
  if (nbd) return `target "${nbd.name}" is reached over NBD from another node`;
  const workloads: WorkloadForm[] = [];
  for (const w of plan.workloads) {
    const sized = 'size' in w ? { size: formatSize(w.size), blockSize: formatSize(w.blockSize) } : { size: '', blockSize: '' };
    if (w.tool === 'dd') workloads.push({ key: key(), id: w.id, tool: 'dd', op: w.op, mode: w.mode, ...sized });
    else if (w.tool === 'fio' && w.profile === undefined && w.direct === undefined) workloads.push({ key: key(), id: w.id, tool: 'fio', op: w.op, ioengine: w.ioengine, iodepth: String(w.iodepth), ...sized });
    else if (w.tool === 'iperf3' && w.serverAddress === undefined && w.port === DEFAULT_IPERF3_PORT) {
      workloads.push({ key: key(), id: w.id, tool: 'iperf3', direction: w.direction, client: w.client, server: w.server, durationS: String(w.durationS), parallel: String(w.parallel) });
    } else return `workload "${w.id}" uses ${w.tool} options the form does not edit`;
  }
  const targets = plan.targets.map((t) => ({ key: key(), name: t.name, node: t.node, kind: t.kind, path: t.path, size: t.sizeBytes === undefined ? '' : formatSize(t.sizeBytes), confirm: t.confirm ?? '' }));
  return { name: plan.name, repeats: String(plan.repeats), targets, workloads };
}
