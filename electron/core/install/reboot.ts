// A step whose action reboots the node: note the boot id, start the action detached (the
// reboot kills the SSH session that started it), drop the pooled connection, and poll until the
// node answers with a different boot id. Only reached after the step's "reboot" need was met:
// never in a chroot, a container, or on a node whose PID 1 is not an init system.
import { AppError } from '../../../shared/result.js';
import type { RecipeStep } from '../../../shared/install/recipe.js';
import type { SshPool } from '../ssh/types.js';
import { detachedSnippet, firstLines, readBootId, runSnippet, type NodeTarget } from './remote.js';
import type { StepLog } from './step-log.js';
import { sleep } from '../jobs/sleep.js';
import type { InstallTuning } from './tuning.js';

const POLL_TIMEOUT_MS = 10_000;
const START_TIMEOUT_MS = 30_000;

export async function rebootAndWait(args: { pool: SshPool; target: NodeTarget; step: RecipeStep; signal: AbortSignal; tuning: InstallTuning; log: StepLog }): Promise<void> {
  const { pool, target, step, signal, tuning, log } = args;
  const key = target.endpoint.key;
  const before = await readBootId(pool, target.endpoint, signal);
  log.heading(`action (reboots the node; boot id before: ${before})`);
  const started = await runSnippet(pool, target, detachedSnippet(step.action), { timeoutMs: START_TIMEOUT_MS, signal });
  if (started.code !== 0 || !started.stdout.includes('started')) {
    throw new AppError('COMMAND_FAILED', `node "${target.node.name}": the reboot action could not be started (exit ${started.code ?? started.signal ?? '?'}): ${firstLines(started.stderr || started.stdout, 2) || 'no output'}`);
  }
  pool.forget(key);
  const span = tuning.rebootTimeoutMs >= 120_000 ? `${Math.round(tuning.rebootTimeoutMs / 60_000)} min` : `${Math.round(tuning.rebootTimeoutMs / 1000)} s`;
  log.line(`waiting up to ${span} for the node to come back with a new boot id`);
  const until = Date.now() + tuning.rebootTimeoutMs;
  let lastProblem = 'it has not answered yet';
  while (Date.now() < until) {
    await sleep(tuning.rebootPollMs, signal);
    if (signal.aborted) throw new AppError('CANCELLED', `waiting for node "${target.node.name}" to reboot was cancelled`);
    try {
      const now = await readBootId(pool, target.endpoint, signal, POLL_TIMEOUT_MS);
      if (now !== before) {
        log.line(`the node is back (boot id ${now})`);
        return;
      }
      lastProblem = 'it still answers with the old boot id (the reboot has not happened)';
    } catch (e) {
      if (signal.aborted) throw e;
      lastProblem = e instanceof Error ? e.message : String(e);
      pool.forget(key); // a half-open connection to the old boot would never answer
    }
  }
  throw new AppError('COMMAND_FAILED', `node "${target.node.name}" did not come back with a new boot id within ${span} of the reboot action; last: ${lastProblem}`);
}
