// Host iostat samples of one step as four small plots on one time axis: bandwidth (MB/s),
// request size (512-byte sectors, the paper's avgrq-sz), queue depth (avgqu-sz) and %util —
// the figures the paper reads its storage bottlenecks from.
import type { Data, Layout } from 'plotly.js-basic-dist-min';
import type { IostatSample } from '../../../../shared/bench/types.js';

/** When iostat listed several devices, the one the workload kept busy (as the statistics do). */
export function busiestDevice(samples: readonly IostatSample[]): string | null {
  const traffic = new Map<string, number>();
  for (const s of samples) traffic.set(s.device, (traffic.get(s.device) ?? 0) + s.rMBps + s.wMBps);
  let best: string | null = null;
  for (const [device, t] of traffic) if (best === null || t > (traffic.get(best) ?? 0)) best = device;
  return best;
}

const COLORS = { read: '#2b8a3e', write: '#4c6ef5', rq: '#f08c00', queue: '#7048e8', util: '#c92a2a' };

export function iostatTraces(samples: readonly IostatSample[], device: string, height = 230): { data: Data[]; layout: Partial<Layout> } {
  const rows = samples.filter((s) => s.device === device);
  const t = rows.map((s) => s.t);
  const line = (name: string, y: number[], color: string, axis: 1 | 2 | 3 | 4): Data => ({
    type: 'scatter',
    // Only read and write share a plot; the others are named by their axis.
    showlegend: axis === 1,
    mode: rows.length > 1 ? 'lines+markers' : 'markers',
    name,
    x: t,
    y,
    xaxis: axis === 1 ? 'x' : `x${axis}`,
    yaxis: axis === 1 ? 'y' : `y${axis}`,
    line: { color, width: 1.8 },
    marker: { color, size: rows.length > 3 ? 4 : 7 },
    hovertemplate: `t=%{x}s<br>${name}: %{y:.3~g}<extra></extra>`,
  });
  const yAxis = (title: string, extra: Partial<Layout['yaxis']> = {}) => ({ title: { text: title, font: { size: 11 } }, rangemode: 'tozero' as const, gridcolor: '#e5e7eb', fixedrange: true, ...extra });
  // From the step's start, so a short step's lone sample sits where it happened.
  const range: [number, number] = [0, t.reduce((a, b) => Math.max(a, b), 1.5) + 0.5];
  const xAxis = { title: { text: 'seconds into the step', font: { size: 10 } }, range, gridcolor: '#f1f3f5', fixedrange: true, zeroline: false };
  return {
    data: [
      line('read MB/s', rows.map((s) => s.rMBps), COLORS.read, 1),
      line('write MB/s', rows.map((s) => s.wMBps), COLORS.write, 1),
      line('avgrq-sz (sectors)', rows.map((s) => s.avgRqSectors), COLORS.rq, 2),
      line('avgqu-sz', rows.map((s) => s.avgQueue), COLORS.queue, 3),
      line('%util', rows.map((s) => s.utilPct), COLORS.util, 4),
    ],
    layout: {
      height,
      margin: { t: 10, r: 10, b: 34, l: 58 },
      showlegend: true,
      legend: { orientation: 'h', y: 1.12, x: 0, font: { size: 11 } },
      grid: { rows: 1, columns: 4, pattern: 'independent', xgap: 0.14 },
      xaxis: xAxis,
      xaxis2: xAxis,
      xaxis3: xAxis,
      xaxis4: xAxis,
      yaxis: yAxis('MB/s'),
      yaxis2: yAxis('avgrq-sz (sectors)'),
      yaxis3: yAxis('avgqu-sz (queue)'),
      yaxis4: yAxis('%util', { range: [0, 105], rangemode: 'normal' }),
    },
  };
}
