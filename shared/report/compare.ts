// Any two sets compared: a set is some runs, optionally narrowed to one configuration. Cells
// are matched by configuration, workload and target (by workload and target alone when both
// sets name a configuration, so two configurations can be compared with each other); each
// matched cell gets Welch's t-test and a plain verdict from shared/stats.ts.
import { verdict, welchTTest } from '../stats.js';
import { estimate, nativeFor } from './groups.js';
import type { StepRecord } from '../bench/types.js';
import type { CompareRow, CompareVM, MeasurementGroup } from './types.js';

/** What a comparison reads of a run (a ReportRun or the report page's RunLite). */
export interface CompareRun {
  run: { id: number };
  steps: readonly Pick<StepRecord, 'configName' | 'workloadId' | 'targetName' | 'status' | 'metric'>[];
}

export interface CompareSetSpec {
  label: string;
  runIds: number[];
  /** Only this configuration's steps; null or absent = all configurations of the runs. */
  configName?: string | null;
}

interface Cell {
  configName: string;
  workloadId: string;
  targetName: string | null;
  unit: 'MBps' | 'Mbps';
  values: number[];
}

function cells(runs: readonly CompareRun[], spec: CompareSetSpec, byConfig: boolean): Map<string, Cell> {
  const out = new Map<string, Cell>();
  const wanted = new Set(spec.runIds);
  for (const r of runs) {
    if (!wanted.has(r.run.id)) continue;
    for (const s of r.steps) {
      if (s.status !== 'ok' || !s.metric || !Number.isFinite(s.metric.value)) continue;
      if (spec.configName && s.configName !== spec.configName) continue;
      const key = JSON.stringify(byConfig ? [s.configName, s.workloadId, s.targetName, s.metric.unit] : [s.workloadId, s.targetName, s.metric.unit]);
      let cell = out.get(key);
      if (!cell) {
        cell = { configName: byConfig ? s.configName : (spec.configName ?? s.configName), workloadId: s.workloadId, targetName: s.targetName, unit: s.metric.unit, values: [] };
        out.set(key, cell);
      }
      cell.values.push(s.metric.value);
    }
  }
  return out;
}

function row(key: string, a: Cell | undefined, b: Cell | undefined, labels: { a: string; b: string }, alpha: number): CompareRow {
  const base = a ?? b;
  if (!base) throw new Error('compare row without cells');
  const configName = a && b && a.configName !== b.configName ? `${a.configName} vs ${b.configName}` : base.configName;
  const common = { key, configName, workloadId: base.workloadId, targetName: base.targetName, unit: base.unit };
  const ea = a ? estimate(a.values) : null;
  const eb = b ? estimate(b.values) : null;
  if (!a || !b) {
    const missing = a ? labels.b : labels.a;
    return { ...common, a: ea, b: eb, relDiff: null, p: null, significant: false, verdict: `not measured in ${missing}` };
  }
  const text = verdict(a.values, b.values, alpha, labels);
  if (a.values.length < 2 || b.values.length < 2) {
    const rel = ea && eb && ea.mean !== 0 ? (eb.mean - ea.mean) / Math.abs(ea.mean) : null;
    return { ...common, a: ea, b: eb, relDiff: rel, p: null, significant: false, verdict: text };
  }
  const w = welchTTest(a.values, b.values);
  return { ...common, a: ea, b: eb, relDiff: w.relDiff, p: w.p, significant: w.p < alpha, verdict: text };
}

export function compareSets(runs: readonly CompareRun[], a: CompareSetSpec, b: CompareSetSpec, alpha = 0.05): CompareVM {
  // Two named configurations are compared with each other, and so are two sets that share no
  // configuration (two labels, one configuration each); otherwise like with like.
  const configsOf = (spec: CompareSetSpec) => new Set(runs.filter((r) => spec.runIds.includes(r.run.id)).flatMap((r) => r.steps.map((s) => s.configName)));
  const inA = configsOf(a);
  const shared = [...configsOf(b)].some((c) => inA.has(c));
  const byConfig = !(a.configName && b.configName) && (shared || Boolean(a.configName) || Boolean(b.configName));
  const ca = cells(runs, a, byConfig);
  const cb = cells(runs, b, byConfig);
  const labels = { a: a.label, b: b.label };
  const keys = [...new Set([...ca.keys(), ...cb.keys()])];
  const rows = keys.map((k) => row(k, ca.get(k), cb.get(k), labels, alpha));
  return { a: a.label, b: b.label, alpha, rows, summary: summarize(rows) };
}

function summarize(rows: readonly CompareRow[]): CompareVM['summary'] {
  const summary = { faster: 0, slower: 0, same: 0, incomparable: 0 };
  for (const r of rows) {
    if (r.p === null) summary.incomparable++;
    else if (!r.significant) summary.same++;
    else if ((r.relDiff ?? 0) > 0) summary.faster++;
    else summary.slower++;
  }
  return summary;
}

/**
 * Every guest measurement against the lab's own non-virtualized run of the same workload and
 * target: the verdicts a report prints ("native write is faster by 38.2% (p=0.004)").
 */
export function compareWithBaselines(groups: readonly MeasurementGroup[], alpha = 0.05): CompareVM {
  const rows: CompareRow[] = [];
  for (const g of groups) {
    if (g.facts.vmm === 'None') continue;
    const base = nativeFor(g, groups);
    if (!base) continue;
    const labels = { a: `${base.configName} [${base.setLabel}]`, b: `${g.configName} [${g.setLabel}]` };
    const cellA = { configName: base.configName, workloadId: g.workloadId, targetName: g.targetName, unit: g.unit, values: base.values };
    const cellB = { configName: g.configName, workloadId: g.workloadId, targetName: g.targetName, unit: g.unit, values: g.values };
    rows.push({ ...row(g.key, cellA, cellB, labels, alpha), configName: g.configName });
  }
  return { a: 'non-virtualized', b: 'guest', alpha, rows, summary: summarize(rows) };
}
