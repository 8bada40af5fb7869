// The metric of each tool, from the recorded and public outputs in test/fixtures/tools/
// (origins in its README), and the imported-output shape (iostat samples per report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOutput, iostatSamples } from '../../shared/bench/import.js';
import { describeWorkload, metricOf, workloadBytes, workloadSeconds } from '../../shared/bench/metric.js';
import { parsePlan, type Workload } from '../../shared/bench/plan.js';
import { PARSERS, parseIostat, parseIostatReports, type ToolName } from '../../shared/parsers/index.js';
import { AppError } from '../../shared/result.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tools');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
const parsed = <T extends ToolName>(tool: T, path: string) => PARSERS[tool](fixture(path));

const plan = parsePlan({
  name: 'm',
  targets: [{ name: 't', node: 'g', kind: 'file', path: '/x' }],
  workloads: [
    { id: 'dd-w', tool: 'dd', op: 'write', size: '64M' },
    { id: 'fio-w', tool: 'fio', op: 'write', size: '64M' },
    { id: 'fio-r', tool: 'fio', op: 'read', size: '64M', ioengine: 'libaio', iodepth: 16 },
    { id: 'stream', tool: 'fio', op: 'read', size: '64M', profile: 'streaming' },
    { id: 'tx', tool: 'iperf3', client: 'g', server: 'h', parallel: 2 },
    { id: 'maerts', tool: 'netperf', test: 'TCP_MAERTS', client: 'g', server: 'h' },
    { id: 'dfs-w', tool: 'testdfsio', op: 'write', files: 100, fileSizeMB: 100 },
  ],
});
const w = (id: string) => plan.workloads.find((x) => x.id === id) as Workload;

test('storage metrics are bandwidth in MBps (10^6 B/s); TestDFSIO MB (2^20) is converted', () => {
  assert.deepEqual(metricOf('dd', parsed('dd', 'dd/gnu-write-64k.txt'), w('dd-w')), { name: 'bandwidth', value: 65536000 / 0.0486383 / 1e6, unit: 'MBps' });
  const fio = parsed('fio', 'fio/write-psync-read-libaio.json.txt');
  assert.deepEqual(metricOf('fio', fio, w('fio-w')), { name: 'bandwidth', value: 645.277538, unit: 'MBps' });
  assert.deepEqual(metricOf('fio', fio, w('fio-r')), { name: 'bandwidth', value: 1032.444061, unit: 'MBps' });
  const dfs = metricOf('testdfsio', parsed('testdfsio', 'testdfsio/public-write-ssm.txt'), w('dfs-w'));
  assert.equal(dfs?.unit, 'MBps');
  assert.ok(Math.abs((dfs?.value ?? 0) - 81.64 * 1.048576) < 1e-9);
});

test('network metrics are throughput in Mbps (10^6 bit/s)', () => {
  assert.deepEqual(metricOf('iperf3', parsed('iperf3', 'iperf3/send.json.txt'), w('tx')), { name: 'throughput', value: parsed('iperf3', 'iperf3/send.json.txt').Mbps, unit: 'Mbps' });
  assert.deepEqual(metricOf('netperf', parsed('netperf', 'netperf/public-tcp-maerts-e6118.txt'), w('maerts')), { name: 'throughput', value: 87.93, unit: 'Mbps' });
});

test('a result that measured something else than the workload asked is an error, not a number', () => {
  const wrong = (fn: () => unknown, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === 'PARSE_ERROR' && message.test(e.message));
  wrong(() => metricOf('iperf3', parsed('iperf3', 'iperf3/receive.json.txt'), w('tx')), /workload "tx": iperf3 measured the receive direction, but send was asked/);
  wrong(() => metricOf('netperf', parsed('netperf', 'netperf/public-tcp-stream-e6118.txt'), w('maerts')), /netperf ran TCP_STREAM, but TCP_MAERTS was asked/);
  wrong(() => metricOf('testdfsio', parsed('testdfsio', 'testdfsio/public-read-android.txt'), w('dfs-w')), /TestDFSIO reports a read test, but write was asked/);
  assert.throws(() => metricOf('dd', parsed('dd', 'dd/gnu-write-64k.txt'), w('tx')), /a dd result for iperf3 workload "tx"/);
});

test('without a workload (imports): one direction or one mixed job gives a figure; separate read and write jobs do not', () => {
  assert.equal(metricOf('fio', { jobs: [{ name: 'w', readMBps: 0, writeMBps: 100, readIops: 0, writeIops: 1 }] })?.value, 100);
  assert.equal(metricOf('fio', parsed('fio', 'fio/randrw-libaio.json.txt'))?.value, 609.657263 + 273.354105);
  assert.equal(metricOf('fio', parsed('fio', 'fio/write-psync-read-libaio.json.txt')), null);
  assert.equal(metricOf('iostat', parsed('iostat', 'iostat/sysstat12-dx.txt')), null);
});

test('workload labels, bytes and seconds for reports and progress', () => {
  assert.equal(describeWorkload(w('dd-w')), 'dd write 64M in 64k blocks (conv=fdatasync)');
  assert.equal(describeWorkload(w('fio-r')), 'fio read 64M in 64k blocks (libaio iodepth 16, O_DIRECT)');
  assert.equal(describeWorkload(w('stream')), 'fio read 64M in 64k blocks (psync, page cache, streaming: the TestDFSIO stand-in)');
  assert.equal(describeWorkload(w('tx')), 'iperf3 g → h, 10 s, 2 streams');
  assert.equal(describeWorkload(w('maerts')), 'netperf TCP_MAERTS h → g, 10 s');
  assert.equal(workloadBytes(w('dd-w')), 64 * 2 ** 20);
  assert.equal(workloadBytes(w('dfs-w')), 100 * 100 * 2 ** 20);
  assert.equal(workloadBytes(w('tx')), null);
  assert.equal(workloadSeconds(w('tx')), 10);
  assert.equal(workloadSeconds(w('dd-w')), null);
});

test('an imported iostat output keeps every report after the first as samples, matching `iovlab parse iostat`', () => {
  for (const file of ['iostat/sysstat12-dx.txt', 'iostat/sysstat12-dxt.txt', 'iostat/sysstat12-xt-json.txt', 'iostat/public-sysstat10-fc20-xm-t-pbench.txt']) {
    const text = fixture(file);
    const imported = importOutput('iostat', text, 'host disk', { config: 'virtio' });
    const reports = parseIostatReports(text);
    assert.equal(imported.samples.length, reports.slice(1).reduce((n, r) => n + r.devices.length, 0), file);
    assert.equal(imported.metric, null);
    assert.deepEqual(imported.parsed, parseIostat(text));
    assert.deepEqual(imported.step, { index: 0, configName: 'virtio', workloadId: 'host disk', targetName: null, repeat: 1, tool: 'iostat' });
    // The per-device mean of the samples is what the parser reports.
    for (const d of parseIostat(text).devices) {
      const mine = imported.samples.filter((s) => s.device === d.device);
      assert.equal(mine.length, d.samples);
      assert.ok(Math.abs(mine.reduce((a, s) => a + s.utilPct, 0) / mine.length - d.utilPct) < 1e-9, `${file} ${d.device}`);
    }
  }
});

test('sample times come from report timestamps when every report has one, else the report number', () => {
  const timed = iostatSamples(parseIostatReports(fixture('iostat/sysstat12-dxt-iso.txt')));
  const times = [...new Set(timed.map((s) => s.t))];
  assert.equal(times[0], 0);
  assert.ok(times.every((t, i) => i === 0 || t > (times[i - 1] as number)));
  const untimed = iostatSamples(parseIostatReports(fixture('iostat/sysstat12-dx.txt')));
  assert.deepEqual([...new Set(untimed.map((s) => s.t))], [0, 1]);
});
