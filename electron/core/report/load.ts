// Reads what a report needs from the store: the runs with their steps and statistics, the labs
// they belong to with each node's latest probe, and the host samples of the steps the report
// draws timelines for (the first ok step with samples per cell; not every sample of every step).
import type { IostatSample } from '../../../shared/bench/types.js';
import { AppError } from '../../../shared/result.js';
import type { ReportInput, ReportLab, ReportRun } from '../../../shared/report/index.js';
import type { Store } from '../store/types.js';

export const MAX_REPORT_RUNS = 500;

export function loadRuns(store: Store, runIds: readonly number[]): ReportRun[] {
  const unique = [...new Set(runIds)];
  if (unique.length === 0) throw new AppError('INVALID_ARGUMENT', 'a report needs at least one run id (see: iovlab runs list)');
  if (unique.length > MAX_REPORT_RUNS) throw new AppError('INVALID_ARGUMENT', `a report takes at most ${MAX_REPORT_RUNS} runs, got ${unique.length}`);
  return unique.map((id) => ({ run: store.runs.get(id), steps: store.runs.steps(id), stats: store.runs.stats(id) }));
}

export function loadLabs(store: Store, labIds: readonly number[]): ReportLab[] {
  return [...new Set(labIds)].map((labId) => {
    const lab = store.labs.get(labId);
    return {
      id: lab.id,
      name: lab.name,
      description: lab.description,
      nodes: lab.nodes.map((node) => {
        const probe = store.probes.latest(node.id);
        return { name: node.name, roles: [...node.roles], host: node.host, probedAt: probe?.takenAt ?? null, facts: probe?.facts ?? null };
      }),
    };
  });
}

/** Samples of the first ok step of each (run, config, workload, target) that has any. */
export function loadTimelineSamples(store: Store, runs: readonly ReportRun[]): Map<number, IostatSample[]> {
  const out = new Map<number, IostatSample[]>();
  const seen = new Set<string>();
  for (const { run, steps } of runs) {
    for (const step of steps) {
      if (step.status !== 'ok' || !step.metric) continue;
      const cell = JSON.stringify([run.id, step.configName, step.workloadId, step.targetName]);
      if (seen.has(cell)) continue;
      const samples = store.runs.samples(step.id);
      if (samples.length === 0) continue;
      seen.add(cell);
      out.set(step.id, samples);
    }
  }
  return out;
}

export function loadReportInput(store: Store, runIds: readonly number[], opts: { title?: string; appVersion: string; now?: Date }): { input: ReportInput; samples: Map<number, IostatSample[]> } {
  const runs = loadRuns(store, runIds);
  const labs = loadLabs(store, runs.map((r) => r.run.labId));
  const input: ReportInput = { runs, labs, generatedAt: (opts.now ?? new Date()).toISOString(), appVersion: opts.appVersion };
  if (opts.title) input.title = opts.title;
  return { input, samples: loadTimelineSamples(store, runs) };
}
