// Handlers of the stored-runs methods (shared/bench/api.ts), merged into the handler map in
// ./handlers.ts. Reads go straight to the run store; an import is parsed first (a bad output
// changes nothing) and then stored in one transaction, lab creation included.
import type { ApiHandlers } from '../../../shared/api.js';
import type { RunDataResults } from '../../../shared/bench/api.js';
import { importOutput } from '../../../shared/bench/import.js';
import type { Lab } from '../../../shared/model.js';
import { AppError } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/types.js';

export type RunDataHandlers = Pick<ApiHandlers, keyof RunDataResults>;

export function createRunDataHandlers(deps: { store: Store; bus: EventBus }): RunDataHandlers {
  const { store, bus } = deps;
  return {
    'run.list': async ({ labId }) => store.runs.list(labId === undefined ? {} : { labId }),

    'run.get': async ({ runId }) => ({ run: store.runs.get(runId), steps: store.runs.steps(runId) }),

    'run.stats': async ({ runId }) => store.runs.stats(runId),

    'run.statsByLabel': async ({ labId }) => {
      if (labId !== undefined) store.labs.get(labId);
      return store.runs.statsByLabel(labId === undefined ? {} : { labId });
    },

    'run.samples': async ({ stepId }) => store.runs.samples(stepId),

    'run.import': async ({ lab: labName, tool, text, label, tags, source }) => {
      const imported = importOutput(tool, text, label, tags);
      let createdLab = false;
      const run = store.runs.transaction(() => {
        let lab: Lab | null = store.labs.findByName(labName);
        if (!lab) {
          lab = store.labs.create(labName, 'created by an import');
          createdLab = true;
        }
        const plan = { name: label, imported: { tool, source: source ?? null } };
        const created = store.runs.create({ labId: lab.id, name: label, label, plan, tags, steps: [imported.step], owner: null });
        const step = store.runs.steps(created.id)[0];
        if (!step) throw new AppError('INTERNAL', `run ${created.id} was created without its step`);
        store.runs.updateStep(step.id, {
          status: 'ok',
          attempt: 1,
          context: { imported: true, source: source ?? null },
          stdout: text,
          parsed: imported.parsed,
          metric: imported.metric,
        });
        if (imported.samples.length > 0) store.runs.addSamples(step.id, imported.samples);
        store.runs.setStatus(created.id, 'ok');
        return store.runs.get(created.id);
      });
      if (createdLab) bus.emit('lab.changed', { labId: run.labId });
      return run;
    },
  };
}
