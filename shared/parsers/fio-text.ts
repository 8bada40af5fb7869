// fio's terse (semicolon) and normal (human) outputs.
import { clip, readNumber } from './text.js';
import type { FioJob } from './types.js';

type Fail = (reason: string) => never;

// Terse output is positional by design (no header exists). Field positions from fio's HOWTO,
// "Terse output": v2 lacks the fio-version field; v5 adds six fields to each direction.
// Each direction starts with kb, bandwidth (KiB/s), iops, runtime (ms).
const TERSE_LAYOUT: Record<string, { name: number; error: number; read: number; write: number }> = {
  '2': { name: 1, error: 3, read: 4, write: 45 },
  '3': { name: 2, error: 4, read: 5, write: 46 },
  '4': { name: 2, error: 4, read: 5, write: 46 },
  '5': { name: 2, error: 4, read: 5, write: 52 },
};
const DIRECTION_FIELDS = 41;

export function parseFioTerse(lines: string[], fail: Fail): FioJob[] {
  const jobs: FioJob[] = [];
  for (const line of lines) {
    if (!/^\d+;/.test(line)) continue;
    const f = line.trim().split(';');
    const version = f[0] ?? '';
    const layout = TERSE_LAYOUT[version];
    if (!layout) fail(`terse version ${clip(version, 10)} is not known (2, 3, 4 and 5 are)`);
    if (f.length < layout.write + DIRECTION_FIELDS) fail(`terse line has ${f.length} fields, fewer than a complete job needs (truncated?)`);
    const name = f[layout.name] ?? '';
    if (f[layout.error] !== '0') fail(`job "${clip(name, 60)}" failed with error ${clip(f[layout.error] ?? '?', 20)}`);
    const num = (i: number, what: string): number => {
      const n = readNumber(f[i]);
      if (n === undefined) fail(`job "${clip(name, 60)}": ${what} "${clip(f[i] ?? '', 20)}" is not a number`);
      return n;
    };
    jobs.push({
      name,
      readMBps: (num(layout.read + 1, 'read bandwidth') * 1024) / 1e6,
      writeMBps: (num(layout.write + 1, 'write bandwidth') * 1024) / 1e6,
      readIops: num(layout.read + 2, 'read IOPS'),
      writeIops: num(layout.write + 2, 'write IOPS'),
    });
  }
  return jobs;
}

const JOB_HEADER = /^(.+?): \(groupid=\d+, jobs=\d+\): err=\s*(\d+)/;
const DIRECTION_LINE = /^\s+(read|write)\s*: (.*)$/;
// fio 3: "IOPS=11.9k, BW=744MiB/s (780MB/s)(64.0MiB/86msec)"; with kb_base=1000 the SI figure comes first.
const FIO3 = /^IOPS=([\d.]+)([kMG]?), BW=([\d.]+)([kKMGTP]?i?B)\/s(?: \(([\d.]+)([kKMGTP]?i?B)\/s\))?/;
// fio 2: "io=65536KB, bw=1129.9MB/s, iops=17655, runt=    58msec" — fio 2's KB/MB are powers of 1024
const FIO2 = /^io=\S+, bw=([\d.]+)([KMGTP])?B\/s, iops=(\d+)/;
const SI: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
const BIN: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

export function parseFioNormal(lines: string[], fail: Fail): FioJob[] {
  const jobs: FioJob[] = [];
  let current: FioJob | undefined;
  for (const line of lines) {
    const header = JOB_HEADER.exec(line);
    if (header) {
      const name = header[1] ?? '';
      if (header[2] !== '0') fail(`job "${clip(name, 60)}" failed: ${clip(line.slice(line.indexOf('err=')))}`);
      current = { name, readMBps: 0, writeMBps: 0, readIops: 0, writeIops: 0 };
      jobs.push(current);
      continue;
    }
    if (/^Run status group/.test(line)) current = undefined;
    const dir = DIRECTION_LINE.exec(line);
    if (!dir || !current) continue;
    const { MBps, iops } = readDirection(dir[2] ?? '', line, fail);
    if (dir[1] === 'read') Object.assign(current, { readMBps: MBps, readIops: iops });
    else Object.assign(current, { writeMBps: MBps, writeIops: iops });
  }
  return jobs;
}

function readDirection(rest: string, line: string, fail: Fail): { MBps: number; iops: number } {
  const v3 = FIO3.exec(rest);
  if (v3) {
    const iops = readNumber(v3[1]);
    const first = bytesPerSecond(v3[3], v3[4]);
    const second = bytesPerSecond(v3[5], v3[6]);
    if (iops === undefined || first === undefined) fail(`unreadable figures in: ${clip(line.trim())}`);
    // Both figures are rounded to 3-4 digits; the SI one is the unit we report, so prefer it.
    const bytes = second !== undefined && !(v3[6] ?? '').includes('i') ? second : first;
    return { MBps: bytes / 1e6, iops: iops * (SI[v3[2] ?? ''] ?? 1) };
  }
  const v2 = FIO2.exec(rest);
  if (v2) {
    const bw = readNumber(v2[1]);
    const iops = readNumber(v2[3]);
    if (bw === undefined || iops === undefined) fail(`unreadable figures in: ${clip(line.trim())}`);
    return { MBps: (bw * (BIN[v2[2] ?? ''] ?? 1)) / 1e6, iops };
  }
  return fail(`unrecognised ${line.includes('read') ? 'read' : 'write'} line (truncated?): ${clip(line.trim())}`);
}

/** "744" + "MiB" (binary) or "780" + "MB" (SI) to bytes/s. */
function bytesPerSecond(value: string | undefined, unit: string | undefined): number | undefined {
  const n = readNumber(value);
  if (n === undefined || unit === undefined) return undefined;
  const prefix = unit.replace(/i?B$/, '');
  const factor = unit.includes('i') ? BIN[prefix.toUpperCase()] : SI[prefix];
  return factor === undefined ? undefined : n * factor;
}
