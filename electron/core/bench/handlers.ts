// The runner's part of the API contract (run.start, run.cancel, run.resume, run.interrupted),
// merged into the one handler map by electron/core/api/handlers.ts.
import type { ApiHandlers } from '../../../shared/api.js';
import { Runner, type RunnerDeps } from './runner.js';

type RunnerMethods = 'run.start' | 'run.cancel' | 'run.resume' | 'run.interrupted';

export function createRunnerHandlers(deps: RunnerDeps): Pick<ApiHandlers, RunnerMethods> {
  const runner = new Runner(deps);
  return {
    'run.start': ({ labId, plan }) => runner.start(labId, plan),
    'run.cancel': async ({ runId }) => ({ cancelled: runner.cancel(runId) }),
    'run.resume': ({ runId }) => runner.resume(runId),
    'run.interrupted': async () => runner.interrupted(),
  };
}
