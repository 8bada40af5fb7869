// One step of a run, with the retry rule: when the SSH connection drops mid-step, stop what
// the lost attempt may have left on the nodes, reconnect and try once more; if that fails
// too, the step is marked failed with both reasons and the run goes on.
import type { StepParts } from '../../../shared/bench/expand.js';
import type { IostatSample, StepRecord } from '../../../shared/bench/types.js';
import { isAppError } from '../../../shared/result.js';
import type { SshPool } from '../ssh/types.js';
import type { RunStore } from '../store/run-types.js';
import { runAttempt, type AttemptOutcome, type AttemptTuning } from './attempt.js';
import type { LabNodes } from './lab-nodes.js';
import { describeError, killLeftovers } from './resume.js';
import type { PreparedTarget } from './targets.js';
import { sleep } from '../jobs/sleep.js';

export interface StepTuning extends AttemptTuning {
  /** Pause before reconnecting after a drop, so a blip has time to pass. */
  retryDelayMs: number;
}

export interface StepInput {
  pool: SshPool;
  runs: RunStore;
  nodes: LabNodes;
  step: StepRecord;
  parts: StepParts;
  prepared: PreparedTarget | null;
  tag: string;
  tuning: StepTuning;
  signal: AbortSignal;
  /** Every stored change of the step (running, finished) and every live sample. */
  onUpdate(step: StepRecord, sample: IostatSample | null): void;
  /** Stored in the step's context too (what a configuration hook applied: QEMU argv, accelerator). */
  extraContext?: Record<string, unknown>;
}

const now = (): string => new Date().toISOString();


/** The nodes a step touches: where a lost attempt may have left processes. */
function stepNodes(parts: StepParts, prepared: PreparedTarget | null): string[] {
  const w = parts.workload;
  if (w.tool === 'iperf3' || w.tool === 'netperf') return [w.client, w.server];
  if (!prepared) return [];
  // An NBD target's workload runs on its client node (fio's nbd engine), not where the volume lives.
  return [prepared.target.node, prepared.sampling.node, ...(prepared.target.nbd ? [prepared.target.nbd.client] : [])];
}

export async function runStep(input: StepInput): Promise<StepRecord> {
  const { runs, step, signal } = input;
  let current = step;
  const update = (patch: Parameters<RunStore['updateStep']>[1], sample: IostatSample | null = null) => {
    current = runs.updateStep(step.id, patch);
    input.onUpdate(current, sample);
  };
  let firstLoss: string | null = null;
  let outcome: AttemptOutcome | null = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    runs.clearSamples(step.id);
    if (attempt === 2) {
      await sleep(input.tuning.retryDelayMs, signal);
      if (signal.aborted) break;
    }
    const number = current.attempt + 1;
    try {
      if (attempt === 2) {
        update({ status: 'running', attempt: number, startedAt: now(), endedAt: null });
        await killLeftovers(input.pool, input.nodes, stepNodes(input.parts, input.prepared), input.tag, signal);
      }
      outcome = await runAttempt({
        ...input,
        onStart: (commands, context) =>
          update({
            status: 'running', attempt: number, commands, context: firstLoss ? { ...context, previousAttempt: firstLoss } : context,
            stdout: '', stderr: '', parsed: null, metric: null, error: null, startedAt: now(), endedAt: null,
          }),
        onSamples: (samples) => {
          runs.addSamples(step.id, samples);
          for (const s of samples) input.onUpdate(current, s);
        },
      });
    } catch (e) {
      // Only connection trouble (reconnecting for the leftover check) lands here.
      if (signal.aborted) break;
      if (!isAppError(e) || !['SSH_ERROR', 'HOST_UNREACHABLE', 'CONNECT_TIMEOUT', 'COMMAND_TIMEOUT'].includes(e.code)) throw e;
      outcome = { kind: 'lost', reason: describeError(e), context: current.context, stdout: '', stderr: '' };
    }
    if (outcome.kind !== 'lost' || attempt === 2) break;
    firstLoss = outcome.reason;
    // Said before the pause, so the UI (and a test taking a link down) sees a retry coming.
    update({ error: `the connection was lost (${firstLoss}); retrying in ${Math.round(input.tuning.retryDelayMs / 1000)} s` });
  }
  const ended = { endedAt: now() };
  if (outcome && firstLoss) outcome.context.previousAttempt = firstLoss;
  if (!outcome || outcome.kind === 'cancelled' || signal.aborted) {
    update({ status: 'cancelled', error: outcome?.kind === 'cancelled' ? outcome.reason : 'cancelled by the user', ...(outcome ? { stdout: outcome.stdout, stderr: outcome.stderr, context: outcome.context } : {}), ...ended });
  } else if (outcome.kind === 'ok') {
    update({ status: 'ok', stdout: outcome.stdout, stderr: outcome.stderr, context: outcome.context, parsed: outcome.parsed, metric: outcome.metric, error: null, ...ended });
  } else {
    const reason = outcome.kind === 'lost'
      ? firstLoss ? `the connection was lost and the retry failed too: ${firstLoss}; then: ${outcome.reason}` : `the connection was lost: ${outcome.reason}`
      : firstLoss ? `${outcome.reason} (on the retry after: ${firstLoss})` : outcome.reason;
    update({ status: 'failed', stdout: outcome.stdout, stderr: outcome.stderr, context: outcome.context, error: reason, ...ended });
  }
  return current;
}
