// Advisor notes for the report: each guest storage measurement (per configuration, and per
// step when its host iostat samples are at hand) run through shared/advisor with the lab's own
// non-virtualized result as the baseline, so the explanation uses the paper's terms.
import { advise } from '../advisor/rules.js';
import type { AdvisorInput, HostDiskMetrics } from '../advisor/types.js';
import type { IostatSample, StepRecord } from '../bench/types.js';
import { nativeFor } from './groups.js';
import type { AdviceVM, HostMetrics, MeasurementGroup } from './types.js';

function inputFor(g: MeasurementGroup, guestMBps: number, host: HostDiskMetrics | null, baseline: number | null): AdvisorInput | null {
  const w = g.workload;
  const op = w.kind === 'storage' || w.kind === 'hadoop' ? w.op : null;
  if (!op || g.unit !== 'MBps' || g.facts.vmm === 'None') return null;
  const input: AdvisorInput = { workload: op, guestMBps: Math.max(0, guestMBps) };
  if (baseline !== null && baseline > 0) input.hostBaselineMBps = baseline;
  // The advisor quotes these numbers in its sentences: round them as iostat prints them (and as
  // Tables 1-2 do). iostat can print a little over 100% util; the advisor refuses far more.
  if (host) input.host = { avgRqSectors: Math.round(host.avgRqSectors), avgQueue: Number(host.avgQueue.toFixed(2)), utilPct: Math.min(Math.round(host.utilPct), 100) };
  const f = g.facts;
  if (f.bus && f.backing) input.config = f.target === 'ebs' ? { bus: f.bus, backing: f.backing, ebs: f.ebsPath ?? 'via-host' } : { bus: f.bus, backing: f.backing };
  return input;
}

export function adviseGroups(groups: readonly MeasurementGroup[]): AdviceVM[] {
  const out: AdviceVM[] = [];
  for (const g of groups) {
    const baseline = nativeFor(g, groups)?.estimate.mean ?? null;
    const input = inputFor(g, g.estimate.mean, g.host, baseline);
    if (!input) continue;
    out.push({ scope: 'config', groupKey: g.key, stepId: null, label: g.label, host: g.host, baselineMBps: baseline, advice: advise(input) });
  }
  return out;
}

/** Averages of the busiest device's samples (the one the workload moved data on). */
export function hostFromSamples(samples: readonly IostatSample[]): (HostMetrics & { device: string }) | null {
  const byDevice = new Map<string, IostatSample[]>();
  for (const s of samples) {
    const list = byDevice.get(s.device);
    if (list) list.push(s);
    else byDevice.set(s.device, [s]);
  }
  let bestDevice: string | null = null;
  let bestTraffic = -1;
  for (const [device, list] of byDevice) {
    const traffic = list.reduce((sum, s) => sum + s.rMBps + s.wMBps, 0);
    if (traffic > bestTraffic) [bestDevice, bestTraffic] = [device, traffic];
  }
  const list = bestDevice === null ? [] : (byDevice.get(bestDevice) ?? []);
  if (bestDevice === null || list.length === 0) return null;
  const avg = (f: (s: IostatSample) => number) => list.reduce((sum, s) => sum + f(s), 0) / list.length;
  return { device: bestDevice, avgRqSectors: avg((s) => s.avgRqSectors), avgQueue: avg((s) => s.avgQueue), utilPct: avg((s) => s.utilPct), samples: list.length };
}

export function adviseStep(g: MeasurementGroup, groups: readonly MeasurementGroup[], step: StepRecord, samples: readonly IostatSample[]): AdviceVM | null {
  if (!step.metric || samples.length === 0) return null;
  const host = hostFromSamples(samples);
  const baseline = nativeFor(g, groups)?.estimate.mean ?? null;
  const input = inputFor(g, step.metric.value, host, baseline);
  if (!input) return null;
  const label = `${g.label}, repeat ${step.repeat} (step ${step.index + 1} of run ${step.runId})`;
  return { scope: 'step', groupKey: g.key, stepId: step.id, label, host, baselineMBps: baseline, advice: advise(input) };
}
