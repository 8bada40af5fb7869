import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseIperf3 } from '../../shared/parsers/iperf3.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/iperf3/${name}`, import.meta.url), 'utf8');
const receivedMbps = (json: string): number => (JSON.parse(json) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second / 1e6;

test('iperf3: -J over loopback (iperf 3.12) gives end.sum_received.bits_per_second / 1e6, send without -R', () => {
  const text = fixture('send.json.txt');
  assert.deepEqual(parseIperf3(text), { direction: 'send', Mbps: receivedMbps(text) });
});

test('iperf3: -J -R is a receive test, still measured at the receiving side', () => {
  for (const name of ['receive.json.txt', 'receive-parallel2.json.txt']) {
    const text = fixture(name);
    assert.deepEqual(parseIperf3(text), { direction: 'receive', Mbps: receivedMbps(text) });
  }
});

test('iperf3: text output gives the receiver line in Gbits/sec × 1000 (rates are decimal)', () => {
  // "[  5]   0.00-2.00   sec  5.15 GBytes  22.1 Gbits/sec                  receiver"
  assert.deepEqual(parseIperf3(fixture('send.text.txt')), { direction: 'send', Mbps: 22100 });
  // "Reverse mode, remote host 127.0.0.1 is sending" … "4.57 GBytes  19.6 Gbits/sec  receiver"
  assert.deepEqual(parseIperf3(fixture('receive.text.txt')), { direction: 'receive', Mbps: 19600 });
  // -P 2: the [SUM] receiver line, 22.7 Gbits/sec
  assert.deepEqual(parseIperf3(fixture('send-parallel2.text.txt')), { direction: 'send', Mbps: 22700 });
});

test('iperf3: connection refused is a parse error although -J exited 0', () => {
  for (const name of ['error-refused.json.txt', 'error-refused.text.txt']) {
    assert.throws(() => parseIperf3(fixture(name)), (e: unknown) => e instanceof ToolParseError && /Connection refused/.test(e.reason), name);
  }
});

test('iperf3: a text run cut before its summary is a parse error', () => {
  const text = fixture('send.text.txt');
  assert.throws(() => parseIperf3(text.slice(0, text.indexOf('- - -'))), (e: unknown) => e instanceof ToolParseError && /truncated/.test(e.reason));
});

const iperfMissing = spawnSync('iperf3', ['--version']).status === 0 ? undefined : 'iperf3 is not installed';
test('iperf3: a live 1 s loopback run parses to the JSON receiver rate', { skip: iperfMissing }, async () => {
  const port = String(25300 + (process.pid % 500));
  const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', port], { stdio: 'ignore' });
  try {
    let run = spawnSync('iperf3', ['-c', '127.0.0.1', '-p', port, '-t', '1', '-J'], { encoding: 'utf8' });
    for (let i = 0; i < 20 && /Connection refused/.test(run.stdout); i++) {
      await new Promise((r) => setTimeout(r, 100)); // the server may not listen yet
      run = spawnSync('iperf3', ['-c', '127.0.0.1', '-p', port, '-t', '1', '-J'], { encoding: 'utf8' });
    }
    assert.deepEqual(parseIperf3(run.stdout), { direction: 'send', Mbps: receivedMbps(run.stdout) });
  } finally {
    server.kill();
  }
});
