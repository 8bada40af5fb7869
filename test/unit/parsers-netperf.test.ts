import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseNetperf } from '../../shared/parsers/netperf.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

// netperf is not packaged in Debian here, so every sample is a real public one (see the fixtures README).
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/netperf/${name}`, import.meta.url), 'utf8');

test('netperf: TCP_STREAM classic output gives the Throughput column in 10^6 bits/s', () => {
  assert.deepEqual(parseNetperf(fixture('public-tcp-stream-e6118.txt')), { test: 'TCP_STREAM', Mbps: 94.05 });
  // DUMP_TCP_INFO lines between banner and header, and trailing blanks in the header
  assert.deepEqual(parseNetperf(fixture('public-tcp-stream-tcpinfo-flent13.txt')), { test: 'TCP_STREAM', Mbps: 294.61 });
});

test('netperf: TCP_MAERTS is reported as such', () => {
  assert.deepEqual(parseNetperf(fixture('public-tcp-maerts-e6118.txt')), { test: 'TCP_MAERTS', Mbps: 87.93 });
  assert.deepEqual(parseNetperf(fixture('public-tcp-maerts-mac-e6118.txt')), { test: 'TCP_MAERTS', Mbps: 94.13 });
});

test('netperf: with -c -C the CPU columns follow Throughput and are found by header name', () => {
  // "Size Size Size Time Throughput local remote local remote" / "65536 32768 32768 60.07 934.49 7.32 10.43 5.135 7.312"
  assert.deepEqual(parseNetperf(fixture('public-tcp-stream-cpu-ipfwd.txt')), { test: 'TCP_STREAM', Mbps: 934.49 });
});

test('netperf: a 10^3bits/s unit is scaled to Mbps (the column header carries the unit)', () => {
  const kbits = fixture('public-tcp-stream-e6118.txt').replace('10^6bits/sec', '10^3bits/sec').replace('94.05', '94050.00');
  assert.deepEqual(parseNetperf(kbits), { test: 'TCP_STREAM', Mbps: 94.05 });
});

test('netperf: error reports and other tests are parse errors', () => {
  assert.throws(() => parseNetperf(fixture('public-error-establish-control-flent209.txt')), (e: unknown) => e instanceof ToolParseError && /establish control/.test(e.reason));
  assert.throws(() => parseNetperf(fixture('public-error-connect-data-socket-netperf64.txt')), (e: unknown) => e instanceof ToolParseError && /Connection refused/.test(e.reason));
  assert.throws(() => parseNetperf(fixture('public-tcp-rr-grpc7988.txt')), (e: unknown) => e instanceof ToolParseError && /REQUEST\/RESPONSE/.test(e.reason));
});

test('netperf: output cut before the result row is a parse error', () => {
  const text = fixture('public-tcp-stream-e6118.txt');
  assert.throws(() => parseNetperf(text.slice(0, text.indexOf('131072'))), (e: unknown) => e instanceof ToolParseError && /truncated/.test(e.reason));
});
