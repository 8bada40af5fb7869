// One step on one node: its needs (else "not applicable" with the reason), its check (exit 0:
// "already done"), its action, its verify (exit 0: "done"; anything else: "failed" with the
// verify's output). All three within the step's timeoutS. When the SSH connection drops, the
// step runs once more on a fresh connection — from its check, which makes a repeat harmless.
import { effectiveNeeds, unmetNeeds, type NodeAbilities } from '../../../shared/install/needs.js';
import type { RecipeStep } from '../../../shared/install/recipe.js';
import type { InstallStepRecord, InstallStepStatus } from '../../../shared/install/types.js';
import { AppError } from '../../../shared/result.js';
import type { SshPool, ExecResult } from '../ssh/types.js';
import type { InstallStepUpdate, InstallStore } from '../store/installs.js';
import { stopLeftovers, waitForLeftovers } from './leftovers.js';
import { rebootAndWait } from './reboot.js';
import { detectAbilities, isConnectionLoss, lastLines, runSnippet, type NodeTarget, type OutputLine } from './remote.js';
import { StepLog } from './step-log.js';
import { sleep } from '../jobs/sleep.js';
import type { InstallTuning } from './tuning.js';

/** Abilities per node, learned once per run (again after a reconnect or a reboot). */
export class AbilityCache {
  private readonly known = new Map<number, Promise<NodeAbilities>>();
  constructor(private readonly pool: SshPool) {}

  get(target: NodeTarget, signal: AbortSignal): Promise<NodeAbilities> {
    let found = this.known.get(target.node.id);
    if (!found) {
      found = detectAbilities(this.pool, target, signal);
      found.catch(() => this.known.delete(target.node.id));
      this.known.set(target.node.id, found);
    }
    return found;
  }

  forget(nodeId: number): void {
    this.known.delete(nodeId);
  }
}

export interface RecordInput {
  pool: SshPool;
  installs: InstallStore;
  record: InstallStepRecord;
  step: RecipeStep;
  target: NodeTarget;
  abilities: AbilityCache;
  tuning: InstallTuning;
  signal: AbortSignal;
  /** Carried by the step's remote processes (IOVLAB_INSTALL), to find what a lost attempt left running. */
  tag: string;
  /** Each line the step's commands print, as it arrives (the job log). */
  onLine: OutputLine;
  /** Every stored change of the record (the install.step event). */
  onUpdate(record: InstallStepRecord): void;
}

interface Verdict {
  status: Extract<InstallStepStatus, 'already-done' | 'done' | 'failed' | 'not-applicable'>;
  reason: string | null;
}

const now = (): string => new Date().toISOString();
const outputOf = (r: ExecResult): string => [r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n');
const exitText = (r: ExecResult): string => (r.code !== null ? `exit ${r.code}` : `signal ${r.signal ?? '?'}`);

export async function runRecord(input: RecordInput): Promise<InstallStepRecord> {
  const { installs, record, signal, tuning } = input;
  let current = record;
  const update = (patch: InstallStepUpdate) => {
    current = installs.updateStep(record.id, patch);
    input.onUpdate(current);
  };
  const log = new StepLog(tuning.logFlushMs, (text) => update({ log: text }));
  // A record that ran before (a resume) may have left its commands running, or done its action.
  const earlier = { ran: record.status !== 'pending', acted: record.status !== 'pending' };
  if (earlier.ran) log.heading(`this step ran before in this install (it ended ${record.status}); running it again`);
  update({ status: 'running', reason: null, log: log.value(), startedAt: now(), finishedAt: null });
  let verdict: Verdict | null = null;
  let firstLoss: string | null = null;
  let failedWith: string | null = null;
  try {
    for (let attempt = 1; attempt <= 2 && verdict === null && !signal.aborted; attempt++) {
      try {
        verdict = await attemptStep(input, log, earlier);
      } catch (e) {
        if (signal.aborted) break;
        if (isConnectionLoss(e) && attempt === 1) {
          firstLoss = e.message;
          earlier.ran = true;
          log.heading(`connection lost (${e.message}); reconnecting to run the step again from its check`);
          input.pool.forget(input.target.endpoint.key);
          await sleep(tuning.retryDelayMs, signal);
          continue;
        }
        if (e instanceof AppError) failedWith = e.code;
        verdict = { status: 'failed', reason: failureText(e, input, firstLoss) };
      }
    }
  } finally {
    if (verdict === null || failedWith === 'COMMAND_TIMEOUT') {
      const stopped = await stopLeftovers(input.pool, input.target, input.tag);
      if (stopped) log.line(`stopped what was left of the step on the node (pids ${stopped})`);
    }
    // Before close: a line after it would re-arm the log's flush timer and write after the job ended.
    if (verdict?.reason) log.line(`== ${verdict.status}: ${verdict.reason}`);
    log.close();
  }
  if (verdict === null) {
    update({ status: 'cancelled', reason: 'cancelled by the user; the remote processes of the step were stopped', log: log.value(), finishedAt: now() });
  } else {
    update({ status: verdict.status, reason: verdict.reason, log: log.value(), finishedAt: now() });
  }
  return current;
}

/** `earlier.ran`: an attempt before this one may still run on the node; `earlier.acted`: its action may have run (set here). */
async function attemptStep(input: RecordInput, log: StepLog, earlier: { ran: boolean; acted: boolean }): Promise<Verdict> {
  const { pool, step, target, signal } = input;
  let deadline = Date.now() + step.timeoutS * 1000;
  if (earlier.ran) {
    input.abilities.forget(target.node.id);
    await waitForLeftovers(pool, target, input.tag, deadline - Date.now(), signal, (line) => log.line(line));
  }
  const needs = effectiveNeeds(step);
  if (needs.length > 0) {
    const unmet = unmetNeeds(needs, await input.abilities.get(target, signal));
    if (unmet) return { status: 'not-applicable', reason: unmet };
  }
  const run = async (phase: 'check' | 'action' | 'verify', snippet: string): Promise<ExecResult> => {
    log.heading(`${phase}${target.sudo ? ' (sudo)' : ''}`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new AppError('COMMAND_TIMEOUT', `the ${phase} did not start before the step's time was up`);
    const r = await runSnippet(pool, target, snippet, {
      timeoutMs: remaining,
      signal,
      tag: input.tag,
      onLine: (stream, line) => {
        log.line(line);
        input.onLine(stream, line);
      },
    });
    log.heading(`${phase}: ${exitText(r)}`);
    return r;
  };
  if ((await run('check', step.check)).code === 0) {
    if (!earlier.acted) return { status: 'already-done', reason: null };
    // The earlier attempt's action may be what made the check pass: verify decides, as after any action.
    log.line('the check passes now; the earlier attempt may have done the action, so verify decides');
  } else if (step.reboot) {
    earlier.acted = true;
    await rebootAndWait({ pool, target, step, signal, tuning: input.tuning, log });
    input.abilities.forget(target.node.id);
    deadline = Date.now() + step.timeoutS * 1000; // the wait has its own limit; verify gets the step's time afresh
  } else {
    earlier.acted = true;
    const action = await run('action', step.action);
    if (action.code !== 0) return { status: 'failed', reason: `the action failed (${exitText(action)})${tail(outputOf(action))}` };
  }
  const verify = await run('verify', step.verify);
  if (verify.code === 0) return { status: 'done', reason: null };
  return { status: 'failed', reason: `the action ran, but verify failed (${exitText(verify)})${tail(outputOf(verify))}` };
}

function tail(output: string): string {
  const text = lastLines(output, 10);
  return text ? `: ${text}` : ' and printed nothing';
}

function failureText(e: unknown, input: RecordInput, firstLoss: string | null): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof AppError && e.code === 'COMMAND_TIMEOUT') {
    return `timed out: the step did not finish within its timeoutS of ${input.step.timeoutS} s, and its remote processes were stopped (${message})`;
  }
  if (firstLoss && isConnectionLoss(e)) return `the connection to node "${input.target.node.name}" was lost, and again on the retry: ${firstLoss}; then: ${message}`;
  return firstLoss ? `${message} (on the retry after the connection was lost: ${firstLoss})` : message;
}
