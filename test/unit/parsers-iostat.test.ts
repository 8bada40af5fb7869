import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseIostat, parseIostatReports } from '../../shared/parsers/iostat.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/iostat/${name}`, import.meta.url), 'utf8');
const near = (actual: number | undefined, expected: number, what: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
};

test('iostat: sysstat 7 (avgrq-sz in sectors, rsec/s) averages reports 2-4 by hand', () => {
  const devices = parseIostat(fixture('public-sysstat7-rhel55-tdx-orimanabu.txt')).devices;
  const sda = devices.find((d) => d.device === 'sda');
  // wsec/s 0, 216, 32 · avgrq-sz 0, 36, 16 · avgqu-sz 0, 0.05, 0.02 · %util 0, 2.90, 1.10
  near(sda?.wMBps, (((0 + 216 + 32) / 3) * 512) / 1e6, 'sda wMBps');
  near(sda?.rMBps, 0, 'sda rMBps');
  near(sda?.avgRqSectors, (0 + 36 + 16) / 3, 'sda avgRqSectors');
  near(sda?.avgQueue, (0 + 0.05 + 0.02) / 3, 'sda avgQueue');
  near(sda?.utilPct, (0 + 2.9 + 1.1) / 3, 'sda utilPct');
  assert.equal(sda?.samples, 3);
  const dm0 = devices.find((d) => d.device === 'dm-0');
  near(dm0?.avgRqSectors, (0 + 8 + 8) / 3, 'dm-0 avgRqSectors');
  near(dm0?.avgQueue, (0 + 0.33 + 0.03) / 3, 'dm-0 avgQueue');
  assert.deepEqual(devices.map((d) => d.device), ['sda', 'sda1', 'sda2', 'dm-0', 'dm-1']);
});

test('iostat: per-report samples keep the "Time:" lines and every raw column', () => {
  const reports = parseIostatReports(fixture('public-sysstat7-rhel55-tdx-orimanabu.txt'));
  assert.deepEqual(reports.map((r) => r.timestamp), ['Time: 20:44:30', 'Time: 20:44:31', 'Time: 20:44:32', 'Time: 20:44:33']);
  assert.equal(reports[2]?.devices[0]?.raw['wrqm/s'], 21);
  const ja = parseIostatReports(fixture('public-sysstat7-rhel55-tdx-ja-orimanabu.txt'));
  assert.equal(ja[0]?.timestamp, '時間: 20時45分12秒');
  assert.equal(ja.length, 3);
});

test('iostat: sysstat 12 -dx (only rareq-sz/wareq-sz, kB) weights request sizes by r/s and w/s, × 2 for sectors', () => {
  const vda = parseIostat(fixture('sysstat12-dx.txt')).devices[0];
  // reports 2 and 3: r/s 6147, 6632 · rkB/s 393228, 424208 · rareq-sz 63.97, 63.96 · w/s 888, 904 · wkB/s 454656, 462848 · wareq-sz 512, 512
  const size2 = ((6147 * 63.97 + 888 * 512) / (6147 + 888)) * 2;
  const size3 = ((6632 * 63.96 + 904 * 512) / (6632 + 904)) * 2;
  near(vda?.rMBps, (((393228 + 424208) / 2) * 1024) / 1e6, 'rMBps (kB is KiB)');
  near(vda?.wMBps, (((454656 + 462848) / 2) * 1024) / 1e6, 'wMBps');
  near(vda?.avgRqSectors, (size2 + size3) / 2, 'avgRqSectors');
  near(vda?.avgQueue, (1.02 + 1.01) / 2, 'avgQueue');
  near(vda?.utilPct, (80.4 + 81.6) / 2, 'utilPct');
  assert.equal(vda?.samples, 2);
});

test('iostat: -dxm (MB is MiB) and -x with avg-cpu blocks parse to the same kind of figures', () => {
  const m = parseIostat(fixture('sysstat12-dxm.txt')).devices[0];
  near(m?.rMBps, (((415.89 + 407.01) / 2) * 1048576) / 1e6, '-m rMBps');
  const x = parseIostatReports(fixture('sysstat12-x.txt'));
  assert.equal(x.length, 3);
  assert.ok(x.every((r) => r.devices.length === 1 && r.devices[0]?.device === 'vda'));
  assert.ok((parseIostat(fixture('sysstat12-dxk.txt')).devices[0]?.utilPct ?? 0) > 0);
});

test('iostat: -t timestamps (locale and ISO) are kept per report', () => {
  assert.deepEqual(parseIostatReports(fixture('sysstat12-dxt.txt')).map((r) => r.timestamp), ['11/26/26 00:19:36', '11/26/26 00:19:37', '11/26/26 00:19:38']);
  assert.equal(parseIostatReports(fixture('sysstat12-dxt-iso.txt'))[0]?.timestamp, '2026-11-26T00:19:40+0000');
});

test('iostat: -o JSON averages statistics[1..] computed straight from the JSON', () => {
  for (const name of ['sysstat12-dx-json.txt', 'sysstat12-xt-json.txt']) {
    const text = fixture(name);
    type Disk = Record<string, number>;
    const stats = (JSON.parse(text) as { sysstat: { hosts: { statistics: { disk: Disk[] }[] }[] } }).sysstat.hosts[0]?.statistics ?? [];
    const later = stats.slice(1).map((s) => s.disk[0] as Disk);
    const mean = (f: (d: Disk) => number): number => later.reduce((a, d) => a + f(d), 0) / later.length;
    const got = parseIostat(text).devices[0];
    near(got?.rMBps, mean((d) => ((d['rkB/s'] ?? 0) * 1024) / 1e6), `${name} rMBps`);
    near(got?.avgRqSectors, mean((d) => (((d['r/s'] ?? 0) * (d['rareq-sz'] ?? 0) + (d['w/s'] ?? 0) * (d['wareq-sz'] ?? 0)) / ((d['r/s'] ?? 0) + (d['w/s'] ?? 0))) * 2), `${name} avgRqSectors`);
    near(got?.avgQueue, mean((d) => d['aqu-sz'] ?? 0), `${name} avgQueue`);
    near(got?.utilPct, mean((d) => d.util ?? 0), `${name} utilPct`);
    assert.equal(got?.samples, 2);
  }
  assert.equal(parseIostatReports(fixture('sysstat12-xt-json.txt'))[1]?.timestamp, '11/26/26 00:19:49');
});

test('iostat: a single report (no interval) is used as it is', () => {
  const vda = parseIostat(fixture('sysstat12-dx-single.txt')).devices[0];
  assert.equal(vda?.samples, 1);
  near(vda?.avgRqSectors, ((58.42 * 54.54 + 8.52 * 361.8) / (58.42 + 8.52)) * 2, 'avgRqSectors');
});

test('iostat: sysstat 10 (-xm -t, avg-cpu, long device-mapper names) and sysstat 11 (rareq-sz with svctm)', () => {
  const v10 = parseIostat(fixture('public-sysstat10-fc20-xm-t-pbench.txt')).devices;
  const sda = v10.find((d) => d.device === 'sda');
  near(sda?.rMBps, (((0.98 + 3.65) / 2) * 1048576) / 1e6, 'sda rMBps');
  near(sda?.avgRqSectors, (146.09 + 38.21) / 2, 'sda avgrq-sz');
  near(sda?.avgQueue, (149.43 + 10.77) / 2, 'sda avgqu-sz');
  assert.ok(v10.some((d) => d.device === 'luks-ea06d19b-489f-4236-8918-c95c91e3417c'));
  const sdc = parseIostat(fixture('public-sysstat11-rhel7-xm-t-pbench.txt')).devices.find((d) => d.device === 'sdc');
  // reports 2-4: r/s = w/s = 2, 3, 4 · rMB/s 2, 3, 4 · rareq-sz = wareq-sz = 1, 1.5, 2 · aqu-sz 2, 3, 4
  near(sdc?.rMBps, (3 * 1048576) / 1e6, 'sdc rMBps');
  near(sdc?.avgRqSectors, 3, 'sdc avgRqSectors');
  near(sdc?.avgQueue, 3, 'sdc avgQueue');
  assert.equal(sdc?.samples, 3);
});

test('iostat: no device rows, a cut-off row and a non-extended report are parse errors', () => {
  assert.throws(() => parseIostat(fixture('error-nodevice.txt')), ToolParseError);
  const text = fixture('sysstat12-dx.txt');
  const cut = text.slice(0, text.lastIndexOf('0.00    0.00'));
  assert.throws(() => parseIostat(cut), (e: unknown) => e instanceof ToolParseError && /truncated/.test(e.reason));
  assert.throws(() => parseIostat('Device  tps  kB_read/s  kB_wrtn/s\nsda  1.00  2.00  3.00\n'), (e: unknown) => e instanceof ToolParseError && /-x/.test(e.reason));
  assert.throws(() => parseIostat(fixture('sysstat12-dx-json.txt').slice(0, 500)), ToolParseError);
});

const iostatMissing = spawnSync('iostat', ['-V']).status === 0 ? undefined : 'iostat (sysstat) is not installed';
test('iostat: a live `iostat -dx 1 2` here averages its one interval report', { skip: iostatMissing }, () => {
  const run = spawnSync('iostat', ['-dx', '1', '2'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const devices = parseIostat(run.stdout).devices;
  assert.ok(devices.length > 0);
  assert.ok(devices.every((d) => d.samples === 1));
});
