// Before the first step touches a target: the guard decides whether it may be written, and the
// device mapping finds what iostat must watch on the node owning the backing device.
import type { Plan, PlanTarget } from '../../../shared/bench/plan.js';
import { AppError, isAppError } from '../../../shared/result.js';
import type { SshPool } from '../ssh/types.js';
import { mapHostDevice } from './device-map.js';
import { guardTarget, type GuardedTarget } from './guard.js';
import type { LabNodes } from './lab-nodes.js';
import { poolShell } from './shell.js';

export type Sampling =
  | { node: string; device: string; chain: string[]; filesystem: string | null; overridden: boolean }
  | { node: string; device: null; problem: string };

export interface PreparedTarget {
  /** The plan's target with the path the guard checked (symlinks resolved). */
  target: PlanTarget;
  guarded: GuardedTarget;
  sampling: Sampling;
}

function where(t: PlanTarget): string {
  return `target "${t.name}" on node "${t.node}"`;
}

async function guardOne(pool: SshPool, nodes: LabNodes, t: PlanTarget, signal?: AbortSignal): Promise<GuardedTarget> {
  const shell = poolShell(pool, await nodes.endpoint(t.node));
  const guarded = await guardTarget((cmd, o) => shell(cmd, { ...o, ...(signal ? { signal } : {}) }), { targetName: t.name, nodeName: t.node, path: t.path, confirm: t.confirm });
  if (t.kind === 'device' && guarded.kind !== 'device') {
    throw new AppError('INVALID_ARGUMENT', `${where(t)}: ${t.path} is not a block device on the node; use kind "file" for a test file`, { reason: 'not-a-target', path: t.path });
  }
  return guarded;
}

/** Guards every target of a plan (all of them, before anything runs); throws the first refusal. */
export async function guardPlanTargets(pool: SshPool, nodes: LabNodes, plan: Plan, signal?: AbortSignal): Promise<Map<string, GuardedTarget>> {
  const out = new Map<string, GuardedTarget>();
  for (const t of plan.targets) out.set(t.name, await guardOne(pool, nodes, t, signal));
  return out;
}

async function mapSampling(pool: SshPool, nodes: LabNodes, t: PlanTarget, path: string): Promise<Sampling> {
  const node = t.hostNode ?? t.node;
  try {
    if (node !== t.node && t.hostDevice === undefined) {
      return { node, device: null, problem: `${where(t)} is sampled on node "${node}", where its path means nothing; set hostDevice (the disk on "${node}") to sample it` };
    }
    const mapping = await mapHostDevice(poolShell(pool, await nodes.endpoint(node)), path, where(t), t.hostDevice);
    return { node, ...mapping };
  } catch (e) {
    if (!isAppError(e) || e.code === 'CANCELLED') throw e;
    return { node, device: null, problem: e.message };
  }
}

/** Guards (unless already guarded) and maps every target; a target that cannot be sampled still runs. */
export async function prepareTargets(pool: SshPool, nodes: LabNodes, plan: Plan, guarded?: Map<string, GuardedTarget>, signal?: AbortSignal): Promise<Map<string, PreparedTarget>> {
  const checked = guarded ?? (await guardPlanTargets(pool, nodes, plan, signal));
  const out = new Map<string, PreparedTarget>();
  for (const t of plan.targets) {
    const g = checked.get(t.name);
    if (!g) throw new AppError('INTERNAL', `${where(t)} was not checked by the guard`);
    out.set(t.name, { target: { ...t, path: g.path }, guarded: g, sampling: await mapSampling(pool, nodes, t, g.path) });
  }
  return out;
}
