// netperf's classic (non-omni-selector) output for TCP_STREAM and TCP_MAERTS, read by its
// column headers so that the CPU-utilisation columns of -c/-C and any -f unit work:
//   MIGRATED TCP STREAM TEST from 0.0.0.0 (0.0.0.0) port 0 AF_INET to localhost () port 0 AF_INET
//   Recv   Send    Send
//   Socket Socket  Message  Elapsed
//   Size   Size    Size     Time     Throughput
//   bytes  bytes   bytes    secs.    10^6bits/sec
//
//    87380  16384  16384    10.00    9413.78
import { failer } from './errors.js';
import { checkFigures, clip, linesOf, readNumber, tokensOf } from './text.js';
import type { NetperfResult } from './types.js';

const fail: (reason: string) => never = failer('netperf');

const BANNER = /\b([A-Z]+(?: [A-Z/]+)*?) TEST\b/;
const COMPLAINT = /^(netperf: |establish control|establish_control|recv_response|send_response|remote error|netserver)/i;

export function parseNetperf(text: string): NetperfResult {
  const lines = linesOf(text);
  const complaint = lines.find((l) => COMPLAINT.test(l.trim()));
  if (complaint) fail(`reported an error: ${clip(complaint.trim())}`);
  // A file may hold several runs; the last banner starts the one we report.
  const bannerAt = lines.findLastIndex((l) => l.length < 1000 && /TEST (from|to)\b/.test(l) && BANNER.test(l));
  if (bannerAt < 0) fail('no "... TEST from ..." banner line (run netperf without -P 0)');
  const banner = BANNER.exec(lines[bannerAt] ?? '')?.[1] ?? '';
  const test = testName(banner);
  const result: NetperfResult = { test, Mbps: throughputOf(lines.slice(bannerAt + 1)) };
  checkFigures('netperf', result);
  return result;
}

function testName(banner: string): NetperfResult['test'] {
  const words = banner.replace(/^MIGRATED /, '');
  if (words === 'TCP STREAM') return 'TCP_STREAM';
  if (words === 'TCP MAERTS') return 'TCP_MAERTS';
  return fail(`${clip(words, 40)} test results are not supported (only TCP_STREAM and TCP_MAERTS)`);
}

function throughputOf(lines: string[]): number {
  const headerAt = lines.findIndex((l) => tokensOf(l).includes('Throughput'));
  if (headerAt < 0) fail('no header line naming a "Throughput" column (output truncated?)');
  const column = tokensOf(lines[headerAt] ?? '').indexOf('Throughput');
  const unit = tokensOf(lines[headerAt + 1] ?? '')[column];
  const scale = unitToMbps(unit);
  if (scale === undefined) fail(`unknown throughput unit "${clip(unit ?? '', 30)}" under the Throughput header`);
  const row = lines.slice(headerAt + 2).find((l) => tokensOf(l).length > 0);
  if (row === undefined) fail('the header has no result row under it (output truncated?)');
  const cells = tokensOf(row);
  const value = readNumber(cells[column]);
  if (value === undefined || cells.slice(0, column + 1).some((c) => readNumber(c) === undefined)) {
    fail(`the result row does not have a number in the Throughput column: ${clip(row.trim())}`);
  }
  return value * scale;
}

/** Multiplier from netperf's throughput unit to 10^6 bits/s (-f k/m/g are powers of 1000, -f K/M/G are bytes in powers of 1024). */
function unitToMbps(unit: string | undefined): number | undefined {
  if (unit === undefined) return undefined;
  const bits = /^10\^(\d+)bits\/s(ec)?$/.exec(unit);
  if (bits) return 10 ** (Number(bits[1]) - 6);
  const bytes = /^([KMG]?)Bytes\/s(ec)?$/.exec(unit);
  if (bytes) return ({ '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[bytes[1] ?? ''] ?? 1) * 8 / 1e6;
  return undefined;
}
