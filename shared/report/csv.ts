// CSV (RFC 4180) and JSON of any report table. Text cells a spreadsheet would run as a formula
// (=, +, -, @ first) are prefixed with an apostrophe: run labels and config names are user text.
import type { CompareVM, FindingVM, MeasurementGroup, TableLine, TableVM } from './types.js';

export type Cell = string | number | boolean | null | undefined;

function csvCell(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'number') return Number.isFinite(c) ? String(c) : '';
  let s = String(c);
  if (typeof c === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function lineSource(l: TableLine): string {
  if (l.source === 'paper') return 'Shafer 2010';
  const ci = l.ci95 ? `, 95% CI ${l.ci95[0]}-${l.ci95[1]}` : '';
  return `lab: ${l.setLabel ?? ''} (n=${l.n ?? 0}${ci})${l.match === 'approximate' ? ' approximate match' : ''}`;
}

export function tableCsv(t: TableVM): string {
  const header = ['Table', 'Source', 'VMM', 'Target', 'Eucalyptus default', 'Driver', 'Bandwidth (MB/s)', 'CI low', 'CI high', 'n', 'Avgrq-sz', 'Avgqu-sz', '% Util', '% of native', 'Paper row', 'Note'];
  const rows = [...t.lines, ...t.labOnly].map((l) => [
    t.table,
    lineSource(l),
    l.vmm,
    l.target,
    l.eucalyptusDefault ? '*' : '',
    l.driver,
    l.bandwidth,
    l.ci95?.[0],
    l.ci95?.[1],
    l.n,
    l.avgRqSectors,
    l.avgQueue,
    l.utilPct,
    l.pctOfNative,
    l.paperRowId,
    l.note,
  ]);
  return toCsv(header, rows);
}

export function compareCsv(c: CompareVM): string {
  const header = ['Configuration', 'Workload', 'Target', 'Unit', `${c.a} n`, `${c.a} mean`, `${c.b} n`, `${c.b} mean`, 'Difference %', 'p (Welch)', 'Verdict'];
  const rows = c.rows.map((r) => [r.configName, r.workloadId, r.targetName, r.unit, r.a?.n, r.a?.mean, r.b?.n, r.b?.mean, r.relDiff === null ? null : 100 * r.relDiff, r.p, r.verdict]);
  return toCsv(header, rows);
}

export function findingsCsv(f: readonly FindingVM[]): string {
  return toCsv(['Finding', 'Title', 'Status', 'Lab numbers', 'Paper'], f.map((x) => [x.id, x.title, x.status, x.summary, x.paper]));
}

export function groupsCsv(groups: readonly MeasurementGroup[]): string {
  const header = ['Set', 'Configuration', 'Workload', 'Target', 'Paper terms', 'Unit', 'n', 'Mean', 'Median', 'Stdev', 'CI low', 'CI high', 'CV', 'Noisy', 'Host avgrq-sz', 'Host avgqu-sz', 'Host %util', 'Values'];
  const rows = groups.map((g) => [
    g.setLabel,
    g.configName,
    g.workloadId,
    g.targetName,
    g.label.split(' — ')[0],
    g.unit,
    g.estimate.n,
    g.estimate.mean,
    g.estimate.median,
    g.estimate.stdev,
    g.estimate.ci95?.[0],
    g.estimate.ci95?.[1],
    g.estimate.cv,
    g.estimate.noisy,
    g.host?.avgRqSectors,
    g.host?.avgQueue,
    g.host?.utilPct,
    g.values.join(' '),
  ]);
  return toCsv(header, rows);
}

/** Pretty JSON with a format marker, so a reader knows what the file is. */
export function toJson(kind: string, value: unknown): string {
  return `${JSON.stringify({ format: `iovlab-${kind}`, version: 1, data: value }, null, 2)}\n`;
}
