// iostat (sysstat) extended device statistics, text or -o JSON. parseIostatReports gives every
// report with per-device rows (the benchmark engine stores each sample); parseIostat averages.
import { failer } from './errors.js';
import { normaliseRow } from './iostat-columns.js';
import { iostatTextReports } from './iostat-text.js';
import { checkFigures, clip, isRecord, linesOf, tryJson } from './text.js';
import type { IostatDeviceAverage, IostatReport, IostatResult } from './types.js';

const fail: (reason: string) => never = failer('iostat');

export function parseIostatReports(text: string): IostatReport[] {
  const reports = text.trimStart().startsWith('{') ? jsonReports(text) : iostatTextReports(linesOf(text), fail);
  if (reports.length === 0) fail('no "Device" header: this is not iostat -x output');
  if (reports.every((r) => r.devices.length === 0)) fail('the reports list no devices (wrong device name given to iostat?)');
  checkFigures('iostat', reports);
  return reports;
}

export function parseIostat(text: string): IostatResult {
  const reports = parseIostatReports(text);
  // The first report covers the time since boot, so it is left out of the average. With a
  // single report (iostat run without an interval) that report is all there is, so it is used.
  const averaged = reports.length > 1 ? reports.slice(1) : reports;
  const sums = new Map<string, IostatDeviceAverage>();
  for (const report of averaged) {
    for (const d of report.devices) {
      const s = sums.get(d.device) ?? { device: d.device, rMBps: 0, wMBps: 0, avgRqSectors: 0, avgQueue: 0, utilPct: 0, samples: 0 };
      s.rMBps += d.rMBps;
      s.wMBps += d.wMBps;
      s.avgRqSectors += d.avgRqSectors;
      s.avgQueue += d.avgQueue;
      s.utilPct += d.utilPct;
      s.samples += 1;
      sums.set(d.device, s);
    }
  }
  if (sums.size === 0) fail('no device rows in the reports after the first (the first one only covers the time since boot)');
  const devices = [...sums.values()].map((s) => ({
    device: s.device,
    rMBps: s.rMBps / s.samples,
    wMBps: s.wMBps / s.samples,
    avgRqSectors: s.avgRqSectors / s.samples,
    avgQueue: s.avgQueue / s.samples,
    utilPct: s.utilPct / s.samples,
    samples: s.samples,
  }));
  const result: IostatResult = { devices };
  checkFigures('iostat', result);
  return result;
}

function jsonReports(text: string): IostatReport[] {
  const doc = tryJson(text);
  if (!isRecord(doc)) fail('the JSON output is not valid JSON (iostat interrupted before it closed the document?)');
  const sysstat = isRecord(doc.sysstat) ? doc.sysstat : undefined;
  const hosts = sysstat && Array.isArray(sysstat.hosts) ? sysstat.hosts : undefined;
  const host: unknown = hosts?.[0];
  if (!isRecord(host) || !Array.isArray(host.statistics)) fail('the JSON has no sysstat.hosts[0].statistics (not iostat -o JSON)');
  return host.statistics.map((stat: unknown, i: number) => {
    if (!isRecord(stat)) fail(`statistics[${i}] is not an object`);
    if (!Array.isArray(stat.disk)) fail(`statistics[${i}] has no "disk" list (iostat -c? use -dx)`);
    const devices = stat.disk.map((disk: unknown) => {
      if (!isRecord(disk) || typeof disk.disk_device !== 'string') fail(`statistics[${i}] has a disk entry without "disk_device"`);
      const raw: Record<string, number> = {};
      for (const [k, v] of Object.entries(disk)) {
        if (k === 'disk_device') continue;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`device ${clip(disk.disk_device, 40)}: "${clip(k, 20)}" is not a non-negative number`);
        raw[k] = v;
      }
      return normaliseRow(disk.disk_device, raw, fail);
    });
    return typeof stat.timestamp === 'string' ? { timestamp: stat.timestamp, devices } : { devices };
  });
}
