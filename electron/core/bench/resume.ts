// Who owns a run, and is that owner still there? A run is stamped with the pid and host of
// the process running it; a run still marked 'running' whose owner process is gone (crash,
// SIGKILL, power cut) is interrupted and may be resumed: its finished steps stay, the others
// run again.
import { hostname } from 'node:os';
import type { RunRecord } from '../../../shared/bench/types.js';
import { AppError, isAppError } from '../../../shared/result.js';
import type { SshPool } from '../ssh/types.js';
import type { RunStore } from '../store/run-types.js';
import type { LabNodes } from './lab-nodes.js';
import { killTaggedScript } from './leftovers.js';

export type RunOwner = NonNullable<RunRecord['owner']>;

export function selfOwner(): RunOwner {
  return { pid: process.pid, host: hostname() };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner process still runs. Another host's process cannot be checked from here,
 * so it counts as alive (resume it on its own host). This process counts as dead: a run it
 * owns but does not run any more (a closed backend) is interrupted; the caller filters out
 * the runs it is running.
 */
export function ownerAlive(owner: RunOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return false;
  return pidAlive(owner.pid);
}

export function interruptedRuns(runs: RunStore, runningHere: (runId: number) => boolean): RunRecord[] {
  return runs.interrupted(ownerAlive).filter((r) => !runningHere(r.id));
}

/** Throws when a run may not be resumed now; returns it otherwise. */
export function checkResumable(runs: RunStore, runId: number, runningHere: (runId: number) => boolean): RunRecord {
  const run = runs.get(runId);
  if (runningHere(runId)) throw new AppError('ALREADY_EXISTS', `run ${runId} ("${run.label}") is already running in this process`);
  if (run.status === 'running' && run.owner && ownerAlive(run.owner)) {
    throw new AppError('ALREADY_EXISTS', `run ${runId} ("${run.label}") is still running in process ${run.owner.pid} on ${run.owner.host}; wait for it or cancel it there`);
  }
  if (run.status === 'ok') throw new AppError('INVALID_ARGUMENT', `run ${runId} ("${run.label}") finished with every step ok; there is nothing to resume`);
  return run;
}

/** Stops what a lost owner or a dropped connection left running of this run on the given nodes. */
export async function killLeftovers(pool: SshPool, nodes: LabNodes, names: Iterable<string>, tag: string, signal: AbortSignal): Promise<string[]> {
  const killed: string[] = [];
  for (const name of new Set(names)) {
    const r = await pool.exec(await nodes.endpoint(name), killTaggedScript(tag), { signal, timeoutMs: 15_000 });
    const pids = r.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p));
    if (pids.length > 0) killed.push(`${name}: ${pids.join(' ')}`);
  }
  return killed;
}

export function describeError(e: unknown): string {
  return isAppError(e) || e instanceof Error ? e.message : String(e);
}
