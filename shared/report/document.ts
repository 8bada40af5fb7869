// The whole report as one view-model: what the report page shows and the PDF prints, in
// order — labs and nodes, configurations (QEMU command line / libvirt XML / xl.cfg, as run
// when the run stored them), Tables 1-2, Figures 2-4, findings, advisor notes, step timelines
// and the provenance appendix.
import type { IostatSample } from '../bench/types.js';
import { citationText, DATASET_SHA256, DATASET_VERSION } from '../reference/shafer2010.js';
import { describeConfig } from '../vmconfig/index.js';
import { adviseGroups, adviseStep } from './advice.js';
import { compareWithBaselines } from './compare.js';
import { configFacts, configTexts, paperLabel, planConfig } from './config-facts.js';
import { figure2, figure3, figure4 } from './figures.js';
import { judgeFindings } from './findings.js';
import { buildGroups, setLabelOf } from './groups.js';
import { buildSeries } from './series.js';
import { buildTable } from './tables.js';
import type { AdviceVM, ConfigVM, MeasurementGroup, ProvenanceVM, ReportDoc, ReportInput, SeriesVM } from './types.js';

/** Timelines printed in the report: one per storage configuration, a few points each. */
export const PRINT_TIMELINES = 6;
export const PRINT_POINTS = 1200;

export { shellJoin } from './config-facts.js';

function buildConfigs(input: ReportInput): ConfigVM[] {
  const out = new Map<string, ConfigVM>();
  for (const { run, steps } of input.runs) {
    for (const name of [...new Set(steps.map((s) => s.configName))]) {
      const key = JSON.stringify([setLabelOf(run), name]);
      const existing = out.get(key);
      if (existing) {
        if (!existing.runIds.includes(run.id)) existing.runIds.push(run.id);
        // What a later run of the same configuration stored beats a rendering from the plan.
        if (existing.source !== 'as-run') {
          const texts = configTexts(run, steps, name);
          if (texts.source === 'as-run') Object.assign(existing, texts);
        }
        continue;
      }
      const facts = configFacts(run, name);
      const { tags, vm } = planConfig(run, name);
      const hv = facts.vmm === 'Xen' ? 'xen' : 'kvm';
      out.set(key, {
        key,
        name,
        setLabel: setLabelOf(run),
        runIds: [run.id],
        label: vm ? describeConfig(vm, hv).label : facts.vmm === 'None' ? 'non-virtualized host' : paperLabel(facts),
        paperLabel: facts.vmm === 'None' ? 'None (host)' : paperLabel(facts),
        facts,
        tags: { ...run.tags, ...tags },
        ...configTexts(run, steps, name),
      });
    }
  }
  return [...out.values()];
}

function provenance(input: ReportInput, groups: readonly MeasurementGroup[]): ProvenanceVM {
  const tools: ProvenanceVM['tools'] = [];
  const kernels: ProvenanceVM['kernels'] = [];
  for (const lab of input.labs) {
    for (const node of lab.nodes) {
      if (!node.facts) continue;
      if (node.facts.kernel) kernels.push({ node: node.name, kernel: node.facts.kernel });
      for (const [tool, fact] of Object.entries(node.facts.tools)) if (fact.installed) tools.push({ node: node.name, tool, version: fact.version ?? 'unknown version' });
    }
  }
  // Step times when the runner recorded them; imported outputs only have their run's times.
  const stepTimes = input.runs.flatMap((r) => r.steps.flatMap((s) => [s.startedAt, s.endedAt])).filter((t): t is string => t !== null);
  const times = (stepTimes.length > 0 ? stepTimes : input.runs.flatMap((r) => [r.run.createdAt, r.run.finishedAt]).filter((t): t is string => t !== null)).sort();
  const accelerators = [...new Set([...groups.map((g) => g.facts.accel), ...input.runs.map((r) => r.run.tags.accel ?? null)].filter((a): a is string => !!a))];
  return {
    app: `iovlab ${input.appVersion}`,
    dataset: { version: DATASET_VERSION, sha256: DATASET_SHA256, citation: citationText() },
    tools,
    kernels,
    accelerators,
    firstStep: times[0] ?? null,
    lastStep: times[times.length - 1] ?? null,
    runs: input.runs.map(({ run, steps }) => ({
      id: run.id,
      name: run.name,
      label: run.label,
      status: run.status,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      steps: `${steps.filter((s) => s.status === 'ok').length} ok of ${steps.length}`,
      tags: Object.entries(run.tags).map(([k, v]) => `${k}=${v}`).join(' '),
    })),
  };
}

/** Per storage group, its first ok step that has samples: a timeline and per-step advice. */
function stepViews(input: ReportInput, groups: readonly MeasurementGroup[], samples: ReadonlyMap<number, readonly IostatSample[]>): { timelines: SeriesVM[]; advice: AdviceVM[] } {
  const steps = new Map(input.runs.flatMap((r) => r.steps.map((s) => [s.id, s] as const)));
  const timelines: SeriesVM[] = [];
  const advice: AdviceVM[] = [];
  for (const g of groups) {
    const stepId = g.stepIds.find((id) => (samples.get(id)?.length ?? 0) > 0);
    const step = stepId === undefined ? undefined : steps.get(stepId);
    if (!step) continue;
    const list = samples.get(step.id) ?? [];
    const a = adviseStep(g, groups, step, list);
    if (a) advice.push(a);
    if (timelines.length < PRINT_TIMELINES) timelines.push(buildSeries(step, list, { maxPoints: PRINT_POINTS, title: `${g.label}, repeat ${step.repeat}` }));
  }
  return { timelines, advice };
}

export function buildReport(input: ReportInput, samples: ReadonlyMap<number, readonly IostatSample[]> = new Map()): ReportDoc {
  const groups = buildGroups(input.runs);
  const perStep = stepViews(input, groups, samples);
  const labNames = input.labs.map((l) => l.name).join(', ');
  return {
    title: input.title ?? `I/O virtualization report${labNames ? `: ${labNames}` : ''}`,
    generatedAt: input.generatedAt,
    citation: citationText(),
    labs: input.labs,
    runs: input.runs.map(({ run, steps }) => ({
      run: { id: run.id, labId: run.labId, name: run.name, label: run.label, status: run.status, createdAt: run.createdAt, tags: run.tags },
      steps: steps.map(({ id, index, configName, workloadId, targetName, repeat, status, tool, metric, startedAt, endedAt }) => ({ id, index, configName, workloadId, targetName, repeat, status, tool, metric, startedAt, endedAt })),
    })),
    configs: buildConfigs(input),
    groups,
    tables: [buildTable(1, groups), buildTable(2, groups)],
    figures: [figure2(groups), figure3(groups), figure4(groups)],
    baseline: compareWithBaselines(groups),
    findings: judgeFindings(groups),
    advice: [...adviseGroups(groups), ...perStep.advice],
    timelines: perStep.timelines,
    provenance: provenance(input, groups),
  };
}
