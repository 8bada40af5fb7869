// Measurement groups: the ok steps of one configuration × workload × target, across every
// selected run that shares a label (repeated imports under one label are one sample set, as
// in the run store's byLabel statistics). Every table, figure, comparison and finding reads
// these groups, so they all count the same steps.
import type { IostatDeviceAverage } from '../parsers/index.js';
import { summarize } from '../stats.js';
import { configFacts, paperLabel, peerOfWorkload } from './config-facts.js';
import type { Estimate, HostMetrics, MeasurementGroup, ReportRun } from './types.js';
import { classifyStep, workloadTitle } from './workload.js';

export const setLabelOf = (run: { label: string; name: string }): string => (run.label.trim() !== '' ? run.label : run.name);

export function estimate(values: readonly number[]): Estimate {
  const s = summarize(values);
  return { n: s.n, mean: s.mean, median: s.median, stdev: s.stdev, ci95: s.ci95, cv: s.cv, noisy: s.noisy };
}

/** Sample-weighted mean of the runs' host iostat rows for one cell. */
function hostOf(runs: ReportRun[], configName: string, workloadId: string, targetName: string | null): HostMetrics | null {
  let samples = 0;
  const acc = { avgRqSectors: 0, avgQueue: 0, utilPct: 0 };
  for (const r of runs) {
    for (const row of r.stats) {
      if (row.configName !== configName || row.workloadId !== workloadId || row.targetName !== targetName || !row.host) continue;
      const w = row.host.samples;
      samples += w;
      acc.avgRqSectors += row.host.avgRqSectors * w;
      acc.avgQueue += row.host.avgQueue * w;
      acc.utilPct += row.host.utilPct * w;
    }
  }
  if (samples === 0) return null;
  return { avgRqSectors: acc.avgRqSectors / samples, avgQueue: acc.avgQueue / samples, utilPct: acc.utilPct / samples, samples };
}

/**
 * Host metrics from iostat outputs imported next to a benchmark output (same label, config,
 * workload and target): an iostat step has no metric, so the store's statistics skip it.
 * Its parsed averages are per device; the busiest device is the one the workload used.
 */
function hostFromImports(runs: readonly ReportRun[], setLabel: string, cell: { configName: string; workloadId: string; targetName: string | null }): HostMetrics | null {
  let samples = 0;
  const acc = { avgRqSectors: 0, avgQueue: 0, utilPct: 0 };
  for (const r of runs) {
    if (setLabelOf(r.run) !== setLabel) continue;
    for (const s of r.steps) {
      if (s.tool !== 'iostat' || s.status !== 'ok' || s.configName !== cell.configName || s.workloadId !== cell.workloadId || s.targetName !== cell.targetName) continue;
      const devices = (s.parsed as { devices?: IostatDeviceAverage[] } | null)?.devices ?? [];
      const busiest = devices.reduce<IostatDeviceAverage | null>((b, d) => (b === null || d.rMBps + d.wMBps > b.rMBps + b.wMBps ? d : b), null);
      if (!busiest || busiest.samples <= 0) continue;
      samples += busiest.samples;
      acc.avgRqSectors += busiest.avgRqSectors * busiest.samples;
      acc.avgQueue += busiest.avgQueue * busiest.samples;
      acc.utilPct += busiest.utilPct * busiest.samples;
    }
  }
  return samples === 0 ? null : { avgRqSectors: acc.avgRqSectors / samples, avgQueue: acc.avgQueue / samples, utilPct: acc.utilPct / samples, samples };
}

export function buildGroups(runs: readonly ReportRun[]): MeasurementGroup[] {
  const byKey = new Map<string, { group: Omit<MeasurementGroup, 'estimate' | 'host' | 'label'>; runs: ReportRun[] }>();
  for (const r of runs) {
    const setLabel = setLabelOf(r.run);
    for (const step of r.steps) {
      if (step.status !== 'ok' || !step.metric || !Number.isFinite(step.metric.value)) continue;
      const key = JSON.stringify([setLabel, step.configName, step.workloadId, step.targetName, step.metric.unit]);
      let entry = byKey.get(key);
      if (!entry) {
        entry = {
          group: {
            key,
            setLabel,
            configName: step.configName,
            workloadId: step.workloadId,
            targetName: step.targetName,
            runIds: [],
            stepIds: [],
            facts: withWorkloadPeer(configFacts(r.run, step.configName), step.workloadId),
            workload: classifyStep(r.run, step),
            unit: step.metric.unit,
            values: [],
          },
          runs: [],
        };
        byKey.set(key, entry);
      }
      if (!entry.group.runIds.includes(r.run.id)) {
        entry.group.runIds.push(r.run.id);
        entry.runs.push(r);
      }
      entry.group.stepIds.push(step.id);
      entry.group.values.push(step.metric.value);
    }
  }
  return [...byKey.values()].map(({ group, runs: groupRuns }) => {
    const where = group.targetName ? ` on ${group.targetName}` : '';
    return {
      ...group,
      estimate: estimate(group.values),
      host: hostOf(groupRuns, group.configName, group.workloadId, group.targetName) ?? hostFromImports(runs, group.setLabel, group),
      label: `${paperLabel(group.facts)} — ${group.configName}, ${workloadTitle(group.workload)}${where} [${group.setLabel}]`,
    };
  });
}

/** Two groups measure "the same thing" for a baseline when workload kind/op and target kind match. */
export function sameWorkload(a: MeasurementGroup, b: MeasurementGroup): boolean {
  const x = a.workload;
  const y = b.workload;
  if (x.kind !== y.kind) return false;
  if (x.kind === 'storage' && y.kind === 'storage') return x.op === y.op && x.access === y.access;
  if (x.kind === 'hadoop' && y.kind === 'hadoop') return x.op === y.op;
  if (x.kind === 'network' && y.kind === 'network') return x.direction === y.direction;
  return false;
}

/**
 * The lab's non-virtualized group for a measurement (same workload, same storage target kind):
 * from the same set when there is one, else the one with the most repeats.
 */
export function nativeFor(group: MeasurementGroup, groups: readonly MeasurementGroup[]): MeasurementGroup | null {
  const candidates = groups.filter((g) => g.facts.vmm === 'None' && g.facts.target === group.facts.target && sameWorkload(g, group) && g.unit === group.unit);
  if (candidates.length === 0) return null;
  const sameSet = candidates.filter((g) => g.setLabel === group.setLabel);
  const pool = sameSet.length > 0 ? sameSet : candidates;
  return pool.reduce((best, g) => (g.estimate.n > best.estimate.n ? g : best));
}

export function isStorage(g: MeasurementGroup, op?: 'write' | 'read', access: 'sync' | 'async' | 'any' = 'sync'): boolean {
  const w = g.workload;
  return w.kind === 'storage' && (op === undefined || w.op === op) && (access === 'any' || w.access === access);
}

/** A peer tag on the configuration wins; otherwise the workload id may name the peer. */
function withWorkloadPeer<F extends { peer: ReturnType<typeof peerOfWorkload> }>(facts: F, workloadId: string): F {
  return facts.peer === null ? { ...facts, peer: peerOfWorkload(workloadId) } : facts;
}
