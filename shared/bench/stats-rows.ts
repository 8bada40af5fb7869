// Statistics rows from grouped step metrics and host iostat aggregates. The store groups
// (SQL), this turns each group into a StatsRow with shared/stats.ts, so every face shows the
// same figures.
import { summarize } from '../stats.js';
import type { StatsRow, StepMetric } from './types.js';

/** Per (config, workload, target, unit) cell: the ok steps' metric values in step order. */
export interface MetricGroup {
  configName: string;
  workloadId: string;
  targetName: string | null;
  unit: StepMetric['unit'];
  values: number[];
}

/** One device's samples over a group's steps: averages weighted by sample count. */
export interface HostAggregate {
  device: string;
  samples: number;
  avgRqSectors: number;
  avgQueue: number;
  utilPct: number;
  /** Sum of r+w MB/s over the samples: picks the device the workload kept busy. */
  traffic: number;
}

/** Repeated imports under one label form one sample set across runs. */
export interface LabelStatsRow extends StatsRow {
  label: string;
  /** How many runs contributed values. */
  runs: number;
}

export const groupKey = (g: { configName: string; workloadId: string; targetName: string | null; unit: string }): string =>
  JSON.stringify([g.configName, g.workloadId, g.targetName, g.unit]);

/**
 * The row of one group. When samples cover several host devices (iostat without a device
 * argument lists them all), the host figures are those of the busiest one: averaging an idle
 * disk in would halve the queue and utilisation the paper reports.
 */
export function statsRow(group: MetricGroup, host: readonly HostAggregate[]): StatsRow {
  const s = summarize(group.values);
  const busiest = host.reduce<HostAggregate | null>((best, h) => (best === null || h.traffic > best.traffic ? h : best), null);
  return {
    configName: group.configName,
    workloadId: group.workloadId,
    targetName: group.targetName,
    unit: group.unit,
    n: s.n,
    mean: s.mean,
    median: s.median,
    stdev: s.stdev,
    ci95: s.ci95,
    cv: s.cv,
    noisy: s.noisy,
    host: busiest ? { avgRqSectors: busiest.avgRqSectors, avgQueue: busiest.avgQueue, utilPct: busiest.utilPct, samples: busiest.samples } : null,
  };
}
