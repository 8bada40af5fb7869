// iostat's text reports, read by column header so every sysstat layout (7 … 12, -k/-m,
// --pretty with the device name last) parses the same way:
//   Linux 6.1.0 (host)   11/26/26   _x86_64_   (2 CPU)      ← banner
//   11/26/26 00:19:36                                      ← -t time line (optional)
//   avg-cpu:  %user ...                                    ← CPU block (without -d)
//   Device            r/s     rkB/s ... %util              ← header starts a report
//   vda             35.47   1875.39 ...  0.48              ← one row per device
import { normaliseRow } from './iostat-columns.js';
import { clip, readNumber, tokensOf } from './text.js';
import type { IostatReport } from './types.js';

type Fail = (reason: string) => never;

// A -t line: "11/26/26 00:19:36", "2026-11-26T00:19:40+0000", "Time: 20:44:30", "時間: 20時45分12秒".
const TIME_LINE = /\d.*[:/-]|[:/-].*\d/;

export function iostatTextReports(lines: string[], fail: Fail): IostatReport[] {
  const reports: IostatReport[] = [];
  let columns: string[] | undefined;
  let deviceColumn = 0;
  let inRows = false;
  let pendingTime: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const tokens = tokensOf(line);
    if (tokens.length === 0) {
      inRows = false;
      continue;
    }
    if (tokens[0] === 'avg-cpu:') {
      inRows = false;
      if (tokensOf(lines[i + 1] ?? '').every((t) => readNumber(t) !== undefined)) i += 1;
      continue;
    }
    const deviceAt = tokens.findIndex((t) => t === 'Device' || t === 'Device:');
    if (deviceAt >= 0) {
      columns = tokens.map((t) => t.replace(/:$/, ''));
      deviceColumn = deviceAt;
      reports.push(pendingTime === undefined ? { devices: [] } : { timestamp: pendingTime, devices: [] });
      pendingTime = undefined;
      inRows = true;
      continue;
    }
    const report = reports[reports.length - 1];
    if (inRows && columns && report) {
      if (tokens.length !== columns.length) {
        fail(`a device row has ${tokens.length} fields but the header has ${columns.length} (output truncated?): ${clip(line.trim())}`);
      }
      const device = tokens[deviceColumn] ?? '';
      const raw: Record<string, number> = {};
      columns.forEach((name, c) => {
        if (c === deviceColumn) return;
        const v = readNumber(tokens[c]);
        if (v === undefined) fail(`device ${clip(device, 40)}: column ${name} holds "${clip(tokens[c] ?? '', 20)}", not a number`);
        raw[name] = v;
      });
      report.devices.push(normaliseRow(device, raw, fail));
      continue;
    }
    if (/^Linux\s/.test(line)) continue;
    if (line.length <= 80 && TIME_LINE.test(line)) {
      pendingTime = line.trim();
      continue;
    }
    fail(`unrecognised line in iostat output: ${clip(line.trim())}`);
  }
  return reports;
}
