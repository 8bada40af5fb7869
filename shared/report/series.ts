// Inside a step: the host iostat series (MB/s, request size, queue depth, %util) of the device
// the workload kept busy, with the workload's own progress (dd status=progress lines) on the
// same clock. Long series are reduced by min/max buckets, which keeps every peak and dip a
// reader would look for; plotly's WebGL traces are not an option here (see Plot.tsx).
import type { IostatSample, StepRecord } from '../bench/types.js';
import type { SeriesTrace, SeriesVM } from './types.js';

export const DEFAULT_MAX_POINTS = 4000;

/**
 * Min/max decimation: the series is cut into buckets of equal point count and each bucket
 * contributes its smallest and largest value, in time order. Output has at most `max` points.
 */
export function reduceMinMax(t: readonly number[], v: readonly number[], max: number): { t: number[]; v: number[] } {
  if (v.length <= max || max < 4) return { t: [...t], v: [...v] };
  const buckets = Math.floor(max / 2);
  const size = v.length / buckets;
  const outT: number[] = [];
  const outV: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(v.length, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (v[i]! < v[lo]!) lo = i;
      if (v[i]! > v[hi]!) hi = i;
    }
    const [first, second] = lo <= hi ? [lo, hi] : [hi, lo];
    outT.push(t[first]!);
    outV.push(v[first]!);
    if (second !== first) {
      outT.push(t[second]!);
      outV.push(v[second]!);
    }
  }
  return { t: outT, v: outV };
}

/** dd's `status=progress` and final lines: bytes copied after t seconds. */
export function ddProgress(stderr: string): SeriesTrace | null {
  const t: number[] = [];
  const v: number[] = [];
  for (const m of stderr.matchAll(/(\d+) bytes[^\r\n]*?copied, ([\d.]+) s/g)) {
    const secs = Number(m[2]);
    const bytes = Number(m[1]);
    if (!Number.isFinite(secs) || !Number.isFinite(bytes)) continue;
    if (t.length > 0 && secs <= t[t.length - 1]!) continue;
    t.push(secs);
    v.push(bytes / 1e6);
  }
  return t.length >= 2 ? { name: 'Workload progress', unit: 'MB done', t, v } : null;
}

function busiestDevice(samples: readonly IostatSample[]): string | null {
  const traffic = new Map<string, number>();
  for (const s of samples) traffic.set(s.device, (traffic.get(s.device) ?? 0) + s.rMBps + s.wMBps);
  let best: string | null = null;
  for (const [d, x] of traffic) if (best === null || x > traffic.get(best)!) best = d;
  return best;
}

export function buildSeries(step: StepRecord, samples: readonly IostatSample[], opts: { maxPoints?: number; device?: string; title?: string } = {}): SeriesVM {
  const max = opts.maxPoints ?? DEFAULT_MAX_POINTS;
  const devices = [...new Set(samples.map((s) => s.device))];
  const contextDevice = typeof step.context.hostDevice === 'string' ? step.context.hostDevice.replace(/^\/dev\//, '') : null;
  const device = opts.device ?? (contextDevice && devices.includes(contextDevice) ? contextDevice : busiestDevice(samples));
  // One pass into columns; the store returns samples in time order, so sorting is the exception.
  const rows = samples.filter((s) => s.device === device);
  if (rows.some((s, i) => i > 0 && s.t < rows[i - 1]!.t)) rows.sort((a, b) => a.t - b.t);
  const n = rows.length;
  const t = new Array<number>(n);
  const cols = { mbps: new Array<number>(n), rq: new Array<number>(n), queue: new Array<number>(n), util: new Array<number>(n) };
  for (let i = 0; i < n; i++) {
    const s = rows[i]!;
    t[i] = s.t;
    cols.mbps[i] = s.rMBps + s.wMBps;
    cols.rq[i] = s.avgRqSectors;
    cols.queue[i] = s.avgQueue;
    cols.util[i] = s.utilPct;
  }
  const trace = (name: string, unit: string, v: number[]): SeriesTrace => ({ name, unit, ...reduceMinMax(t, v, max) });
  const started = step.startedAt ? Date.parse(step.startedAt) : NaN;
  const ended = step.endedAt ? Date.parse(step.endedAt) : NaN;
  return {
    stepId: step.id,
    title: opts.title ?? `${step.configName} · ${step.workloadId}${step.targetName ? ` · ${step.targetName}` : ''} · repeat ${step.repeat}`,
    device,
    devices,
    points: rows.length,
    reduced: rows.length > max,
    traces: [trace('Bandwidth', 'MB/s', cols.mbps), trace('Request size', 'sectors', cols.rq), trace('Queue depth', 'requests', cols.queue), trace('Utilisation', '%', cols.util)],
    progress: step.tool === 'dd' ? ddProgress(step.stderr) : null,
    span: Number.isFinite(started) && Number.isFinite(ended) && ended >= started ? [0, (ended - started) / 1000] : null,
    metric: step.metric ? { value: step.metric.value, unit: step.metric.unit === 'MBps' ? 'MB/s' : 'Mb/s' } : null,
  };
}
