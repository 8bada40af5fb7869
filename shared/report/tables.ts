// Tables 1 (dd write) and 2 (dd read) reproduced: the paper's rows in printed order, each
// followed by the lab's measurements of the same VMM / target / driver (shared/reference/match.ts),
// with % of native for both, and the lab's rows the paper has no counterpart for at the end.
import { paperRowsFor } from '../reference/match.js';
import { nativeRow, paperRow, TABLE_1_WRITE, TABLE_2_READ, TABLE_CAPTIONS } from '../reference/shafer2010.js';
import type { PaperRow } from '../reference/types.js';
import { paperTerms } from './config-facts.js';
import { isStorage, nativeFor } from './groups.js';
import type { MeasurementGroup, TableLine, TableVM } from './types.js';

export const TABLE_COLUMNS = ['VMM', 'Target', 'Driver', 'Bandwidth (MB/s)', 'Avgrq-sz', 'Avgqu-sz', '% Util', '% of native', 'Source'];

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
/** % of native: one decimal, but never rounded to 0 (a collapsed guest gets 0.038%). */
const pctRound = (v: number): number => (Math.abs(v) >= 10 ? round(v, 1) : Number(v.toPrecision(2)));

function paperLine(row: PaperRow): TableLine {
  const native = row.vmm === 'EC2' ? null : nativeRow(row.workload, row.target === 'EBS' ? 'ebs' : 'local');
  return {
    source: 'paper',
    paperRowId: row.id,
    vmm: row.vmm,
    target: row.target,
    driver: row.driver ?? 'N/A',
    eucalyptusDefault: row.eucalyptusDefault,
    bandwidth: row.bandwidthMBps,
    ci95: null,
    n: null,
    avgRqSectors: row.avgRqSectors ?? row.hostMetricsAbsent,
    avgQueue: row.avgQueue ?? row.hostMetricsAbsent,
    utilPct: row.utilPct ?? row.hostMetricsAbsent,
    pctOfNative: native ? pctRound((100 * row.bandwidthMBps) / native.bandwidthMBps) : null,
    match: null,
    note: null,
    groupKey: null,
    setLabel: null,
  };
}

/** The paper row a lab group sits beside, or why it has none. */
export function rowForGroup(g: MeasurementGroup, workload: 'write' | 'read'): { row: PaperRow; match: 'exact' | 'approximate'; note: string | null } | { row: null; note: string } {
  const f = g.facts;
  if (f.vmm === 'None') return { row: nativeRow(workload, f.target), match: 'exact', note: null };
  if (f.ebsPath === 'in-guest') return { row: null, note: "EBS attached inside the guest is §4's proposal; the paper did not measure it." };
  if (!f.bus || !f.backing) return { row: null, note: 'Driver or backing unknown: tag the configuration (bus=virtio-blk|lsi-scsi|..., backing=device|sparse-file|prealloc-file).' };
  const matches = paperRowsFor({ bus: f.bus, backing: f.backing, target: f.target }, workload);
  const best = matches[0];
  if (!best) return { row: null, note: `The paper measured no ${f.bus} on ${f.backing}${f.target === 'ebs' ? ' over EBS' : ''}.` };
  return { row: best.row, match: best.match, note: best.note };
}

function labLine(g: MeasurementGroup, groups: readonly MeasurementGroup[], placed: { row: PaperRow | null; match: 'exact' | 'approximate' | null; note: string | null }): TableLine {
  const t = paperTerms(g.facts);
  const native = nativeFor(g, groups);
  const e = g.estimate;
  const host = g.host;
  return {
    source: 'lab',
    paperRowId: placed.row?.id ?? null,
    vmm: t.vmm,
    target: t.target,
    driver: t.driver,
    eucalyptusDefault: g.facts.eucalyptusDefault,
    // Like the paper: one decimal from 100 MB/s up, three significant digits below (1.3, 0.547).
    bandwidth: e.mean >= 100 ? round(e.mean, 1) : Number(e.mean.toPrecision(3)),
    // Three significant digits: a 1.3 MB/s mean needs its interval in hundredths.
    ci95: e.ci95 ? [Number(e.ci95[0].toPrecision(3)), Number(e.ci95[1].toPrecision(3))] : null,
    n: e.n,
    avgRqSectors: host ? round(host.avgRqSectors, 0) : null,
    avgQueue: host ? round(host.avgQueue, 2) : null,
    utilPct: host ? round(host.utilPct, 0) : null,
    pctOfNative: native ? pctRound((100 * e.mean) / native.estimate.mean) : null,
    match: placed.match,
    note: placed.note,
    groupKey: g.key,
    setLabel: g.setLabel,
  };
}

export function buildTable(table: 1 | 2, groups: readonly MeasurementGroup[]): TableVM {
  const workload = table === 1 ? 'write' : 'read';
  const rows = table === 1 ? TABLE_1_WRITE : TABLE_2_READ;
  // Tables 1-2 are dd runs; fio and streaming tests have their own views.
  const candidates = groups.filter((g) => isStorage(g, workload) && g.workload.kind === 'storage' && g.workload.tool === 'dd' && g.unit === 'MBps');
  const under = new Map<string, TableLine[]>();
  const labOnly: TableLine[] = [];
  for (const g of candidates) {
    const placed = rowForGroup(g, workload);
    if (placed.row === null) {
      labOnly.push(labLine(g, groups, { row: null, match: null, note: placed.note }));
      continue;
    }
    const list = under.get(placed.row.id) ?? [];
    list.push(labLine(g, groups, placed));
    under.set(placed.row.id, list);
  }
  const lines = rows.flatMap((row) => [paperLine(row), ...(under.get(row.id) ?? [])]);
  const native = paperRow(`${workload}:none:local-disk`);
  return {
    id: table === 1 ? 'table1' : 'table2',
    table,
    caption: TABLE_CAPTIONS[table],
    columns: TABLE_COLUMNS,
    lines,
    labOnly,
    notes: [
      `Lab rows: mean of n ok repeats with its 95% confidence interval; host columns are iostat averages at the host (avgrq-sz in 512-byte sectors).`,
      `% of native: against the non-virtualized row of the same target (the paper's local native row is ${native.bandwidthMBps} MB/s); lab rows against the lab's own native run.`,
      `(*) marks Eucalyptus default configurations.`,
    ],
  };
}
