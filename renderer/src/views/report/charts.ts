// Figure and timeline view-models turned into plotly traces. Bars sit at computed numeric x
// positions (not barmode 'group') so the paper's markers land exactly on the bar they belong to.
import type { Data, Layout } from 'plotly.js-basic-dist-min';
import type { FigureVM, SeriesVM } from '../../../../shared/report/index.js';

export const PALETTE = ['#4c6ef5', '#f08c00', '#2b8a3e', '#c92a2a', '#7048e8', '#0b7285', '#5c940d', '#a61e4d'];
const GROUP_WIDTH = 0.8;

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function figureTraces(f: FigureVM, height = 380): { data: Data[]; layout: Partial<Layout> } {
  const k = Math.max(1, f.series.length);
  const w = GROUP_WIDTH / k;
  const xOf = (series: number, group: number) => group - GROUP_WIDTH / 2 + w * (series + 0.5);
  const unit = f.unit;
  const bars: Data[] = f.series.map((s, si) => ({
    type: 'bar',
    name: s.name,
    x: f.groups.map((_, gi) => xOf(si, gi)),
    y: s.values,
    width: w * 0.92,
    marker: { color: PALETTE[si % PALETTE.length] ?? '#4c6ef5' },
    error_y: {
      type: 'data',
      symmetric: false,
      // NaN, not null or 0: plotly draws no bar at all for it (a single run has no interval).
      array: s.values.map((v, i) => (finite(v) && finite(s.ciHigh[i]) ? (s.ciHigh[i] as number) - v : NaN)),
      arrayminus: s.values.map((v, i) => (finite(v) && finite(s.ciLow[i]) ? v - (s.ciLow[i] as number) : NaN)),
      visible: true,
      color: '#1f2933',
      thickness: 1.2,
      width: 4,
    },
    customdata: f.groups.map((g, i) => [g, s.n[i] ?? 0]),
    hovertemplate: `%{customdata[0]}<br>${s.name}: %{y:.4~g} ${unit} (n=%{customdata[1]})<extra></extra>`,
  }));
  const markers: Data[] = f.paper.map((p) => {
    const si = Math.max(0, f.series.findIndex((s) => s.name === p.series));
    return {
      type: 'scatter',
      mode: 'markers',
      name: p.name,
      x: f.groups.map((_, gi) => xOf(si, gi)),
      y: p.values,
      // The bar's colour with a black outline: which bar a paper value belongs to stays readable.
      marker: { symbol: 'diamond', size: 12, color: PALETTE[si % PALETTE.length] ?? '#4c6ef5', line: { color: '#111827', width: 2 } },
      hovertemplate: `${p.name}: %{y:.4~g} ${unit}<extra></extra>`,
    };
  });
  return {
    data: [...bars, ...markers],
    layout: {
      height,
      margin: { t: 16, r: 16, b: 70, l: 64 },
      showlegend: true,
      legend: { orientation: 'h', y: -0.18, x: 0 },
      xaxis: { tickvals: f.groups.map((_, i) => i), ticktext: f.groups, range: [-0.5, Math.max(1, f.groups.length) - 0.5], zeroline: false, fixedrange: true },
      yaxis: { title: { text: unit }, rangemode: 'tozero', gridcolor: '#e5e7eb', fixedrange: true },
      bargap: 0,
    },
  };
}

const ROWS: { domain: [number, number]; axis: 'y' | 'y2' | 'y3' | 'y4' }[] = [
  { domain: [0.78, 1], axis: 'y' },
  { domain: [0.52, 0.74], axis: 'y2' },
  { domain: [0.26, 0.48], axis: 'y3' },
  { domain: [0, 0.22], axis: 'y4' },
];

/** Four stacked panels on one time axis: bandwidth (+ the workload's progress), request size, queue depth, %util. */
export function timelineTraces(s: SeriesVM, height = 540): { data: Data[]; layout: Partial<Layout> } {
  const data: Data[] = s.traces.map((t, i) => ({
    type: 'scatter',
    mode: t.t.length > 200 ? 'lines' : 'lines+markers',
    name: `${t.name} (${t.unit})`,
    x: t.t,
    y: t.v,
    xaxis: 'x',
    yaxis: ROWS[i]?.axis ?? 'y',
    line: { color: PALETTE[i % PALETTE.length] ?? '#4c6ef5', width: 1.4 },
    marker: { size: 4 },
    hovertemplate: `t=%{x:.1f} s: %{y:.4~g} ${t.unit}<extra>${t.name}</extra>`,
  }));
  if (s.progress) {
    data.push({ type: 'scatter', mode: 'lines', name: 'Workload progress (MB done)', x: s.progress.t, y: s.progress.v, xaxis: 'x', yaxis: 'y5', line: { color: '#868e96', dash: 'dot', width: 1.5 } });
  }
  const shapes: Partial<NonNullable<Layout['shapes']>[number]>[] = [];
  if (s.span) for (const at of s.span) shapes.push({ type: 'line', xref: 'x', yref: 'paper', x0: at, x1: at, y0: 0, y1: 1, line: { color: '#adb5bd', dash: 'dash', width: 1 } });
  if (s.metric && s.metric.unit === 'MB/s') {
    shapes.push({ type: 'line', xref: 'paper', yref: 'y', x0: 0, x1: 1, y0: s.metric.value, y1: s.metric.value, line: { color: '#c92a2a', dash: 'dash', width: 1 } });
  }
  const yTitle = (i: number) => s.traces[i]?.unit ?? '';
  return {
    data,
    layout: {
      height,
      margin: { t: 34, r: 64, b: 44, l: 64 },
      showlegend: true,
      legend: { orientation: 'h', x: 0, y: 1.01, yanchor: 'bottom' },
      xaxis: { title: { text: 'seconds into the step' }, anchor: 'y4', gridcolor: '#e5e7eb' },
      yaxis: { domain: ROWS[0]?.domain, title: { text: yTitle(0) }, rangemode: 'tozero', gridcolor: '#e5e7eb' },
      yaxis2: { domain: ROWS[1]?.domain, title: { text: yTitle(1) }, rangemode: 'tozero', gridcolor: '#e5e7eb' },
      yaxis3: { domain: ROWS[2]?.domain, title: { text: yTitle(2) }, rangemode: 'tozero', gridcolor: '#e5e7eb' },
      yaxis4: { domain: ROWS[3]?.domain, title: { text: yTitle(3) }, range: [0, 105], gridcolor: '#e5e7eb' },
      yaxis5: { overlaying: 'y', side: 'right', title: { text: 'MB done' }, rangemode: 'tozero', showgrid: false },
      shapes: shapes as Layout['shapes'],
    },
  };
}
