// iperf3 client results, from -J (JSON) or the default text output, as the client sees the
// test: a normal run sends, `-R` receives. The figure is what the receiving side measured.
import { failer } from './errors.js';
import { checkFigures, clip, isRecord, jsonNumber, linesOf, readNumber, tryJson } from './text.js';
import type { Iperf3Result } from './types.js';

const fail: (reason: string) => never = failer('iperf3');

export function parseIperf3(text: string): Iperf3Result {
  const lines = linesOf(text);
  // With stderr captured too, a warning line may come before the JSON object.
  const jsonAt = lines.findIndex((l) => l.startsWith('{'));
  const result = jsonAt >= 0 ? fromJson(lines.slice(jsonAt).join('\n')) : fromText(lines);
  checkFigures('iperf3', result);
  return result;
}

function fromJson(text: string): Iperf3Result {
  const doc = tryJson(text);
  if (!isRecord(doc)) fail('the JSON output is not valid JSON (truncated?)');
  // iperf3 -J exits 0 even when it could not connect; the failure is only in "error".
  if (doc.error !== undefined) fail(`reported an error: ${clip(String(doc.error))}`);
  const start = isRecord(doc.start) ? doc.start : undefined;
  const testStart = start && isRecord(start.test_start) ? start.test_start : undefined;
  if (!testStart) fail('the JSON has no start.test_start (not an iperf3 -J result)');
  if (testStart.bidir === 1) fail('a --bidir test has two directions; run one direction per test');
  const end = isRecord(doc.end) ? doc.end : undefined;
  const received = end && isRecord(end.sum_received) ? end.sum_received : undefined;
  if (!received) fail('the JSON has no end.sum_received (test interrupted, or iperf3 older than 3.0?)');
  const bps = jsonNumber(received.bits_per_second);
  if (bps === undefined) fail('end.sum_received.bits_per_second is missing or not a number');
  return { direction: testStart.reverse === 1 ? 'receive' : 'send', Mbps: bps / 1e6 };
}

// "[  5]   0.00-2.00   sec  5.15 GBytes  22.1 Gbits/sec                  receiver"
// "[SUM]   0.00-2.00   sec  5.29 GBytes  22.7 Gbits/sec                  receiver"
const SUMMARY = /^\[\s*(\d+|SUM)\]\s+[\d.]+-[\d.]+\s+sec\s+[\d.]+ [KMGT]?Bytes\s+(\S+) ([KMGT]?)bits\/sec\b.*\breceiver\s*$/;
// iperf3 scales bit rates by powers of 1000 (its byte counts use 1024).
const RATE_UNIT: Record<string, number> = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };

function fromText(lines: string[]): Iperf3Result {
  const complaint = lines.find((l) => /^iperf3: /.test(l.trim()));
  if (complaint) fail(`reported an error: ${clip(complaint.trim().replace(/^iperf3: (error - )?/, ''))}`);
  let sum: number | undefined;
  let streams = 0;
  let streamTotal = 0;
  for (const line of lines) {
    const m = SUMMARY.exec(line.trim());
    if (!m) continue;
    const value = readNumber(m[2]);
    if (value === undefined) fail(`unreadable rate in: ${clip(line.trim())}`);
    const bps = value * (RATE_UNIT[m[3] ?? ''] ?? 1);
    if (m[1] === 'SUM') sum = bps;
    else {
      streams += 1;
      streamTotal += bps;
    }
  }
  if (sum === undefined && streams === 0) {
    const started = lines.some((l) => /^Connecting to host|connected to/.test(l.trim()));
    fail(started ? 'no receiver summary line: the test did not finish (output truncated?)' : 'no iperf3 client summary in the output');
  }
  const reverse = lines.some((l) => /^Reverse mode, remote host .* is sending/.test(l.trim()));
  // With -P N iperf3 prints a [SUM] receiver line; without it the streams add up to the same total.
  return { direction: reverse ? 'receive' : 'send', Mbps: (sum ?? streamTotal) / 1e6 };
}
