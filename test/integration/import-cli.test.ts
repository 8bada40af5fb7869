// `iovlab import` and `iovlab runs` as a user runs them: the real CLI in child processes, one
// data dir, on the recorded tool outputs of test/fixtures/tools/ (origins in its README).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { RunRecord, StatsRow, StepRecord } from '../../shared/bench/types.js';
import type { LabelStatsRow } from '../../shared/bench/stats-rows.js';
import { parseDd, parseIostat } from '../../shared/parsers/index.js';
import { summarize } from '../../shared/stats.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'tools');
let dataDir: string;
const iovlab = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);
const importFixture = (tool: string, file: string, ...rest: string[]) => iovlab('import', tool, join(FIXTURES, tool, file), ...rest);
interface Shown {
  run: RunRecord;
  steps: StepRecord[];
  stats: StatsRow[];
}
const show = async (id: string): Promise<Shown> => {
  const r = await iovlab('runs', 'show', id, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Shown;
};

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'iovlab-import-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('import prints only the new run id; the lab is created; runs show --json has the step and its statistics', async () => {
  const r = await importFixture('dd', 'gnu-write-64k.txt', '--lab', 'paper-lab', '--label', 'virtio write', '--config', 'bus=virtio-blk', '--config', 'accel=tcg');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\n$/);
  assert.equal(r.stderr, '');
  const shown = await show(r.stdout.trim());
  const text = readFileSync(join(FIXTURES, 'dd', 'gnu-write-64k.txt'), 'utf8');
  const expected = parseDd(text);
  assert.equal(shown.run.status, 'ok');
  assert.equal(shown.run.name, 'virtio write');
  assert.equal(shown.run.label, 'virtio write');
  assert.deepEqual(shown.run.tags, { bus: 'virtio-blk', accel: 'tcg' });
  assert.equal(shown.run.stepsDone, 1);
  assert.equal(shown.steps.length, 1);
  const [step] = shown.steps;
  assert.equal(step?.status, 'ok');
  assert.equal(step?.stdout, text);
  assert.deepEqual(step?.parsed, expected);
  assert.deepEqual(step?.metric, { name: 'bandwidth', value: expected.MBps, unit: 'MBps' });
  assert.deepEqual(shown.stats, [{ configName: 'as-is', workloadId: 'virtio write', targetName: null, unit: 'MBps', n: 1, mean: expected.MBps, median: expected.MBps, stdev: null, ci95: null, cv: null, noisy: false, host: null }]);

  const labs = JSON.parse((await iovlab('lab', 'list', '--json')).stdout) as { id: number; name: string }[];
  assert.deepEqual(labs.map((l) => l.name), ['paper-lab']);
  assert.equal(shown.run.labId, labs[0]?.id);
});

test('fio and iperf3 imports carry their metric; an iostat import stores every report after the first as samples', async () => {
  const fio = await importFixture('fio', 'randrw-libaio.json.txt', '--lab', 'paper-lab', '--label', 'fio randrw');
  assert.equal(fio.code, 0, fio.stderr);
  assert.deepEqual((await show(fio.stdout.trim())).steps[0]?.metric, { name: 'bandwidth', value: 609.657263 + 273.354105, unit: 'MBps' });

  const iperf = await importFixture('iperf3', 'receive.json.txt', '--lab', 'paper-lab', '--label', 'rx', '--config', 'nic=virtio');
  assert.equal(iperf.code, 0, iperf.stderr);
  const rx = await show(iperf.stdout.trim());
  assert.equal(rx.steps[0]?.metric?.unit, 'Mbps');
  assert.equal(rx.stats[0]?.unit, 'Mbps');

  const iostat = await importFixture('iostat', 'sysstat12-dxt.txt', '--lab', 'paper-lab', '--label', 'host disk during write');
  assert.equal(iostat.code, 0, iostat.stderr);
  const disk = await show(iostat.stdout.trim());
  const expected = parseIostat(readFileSync(join(FIXTURES, 'iostat', 'sysstat12-dxt.txt'), 'utf8'));
  assert.deepEqual(disk.steps[0]?.parsed, expected);
  assert.equal(disk.steps[0]?.metric, null);
  assert.deepEqual(disk.stats, [], 'no bandwidth figure, no statistics row');
  const db = new BetterSqlite3(join(dataDir, 'iovlab.sqlite'), { readonly: true });
  try {
    const count = db.prepare('SELECT count(*) FROM samples WHERE step_id = ?').pluck().get(disk.steps[0]?.id);
    assert.equal(count, expected.devices.reduce((n, d) => n + d.samples, 0));
  } finally {
    db.close();
  }
});

test('unusable output: exit 3, one stderr line naming the tool, nothing stored', async () => {
  const before = JSON.parse((await iovlab('runs', 'list', '--json')).stdout) as RunRecord[];
  for (const [tool, file] of [['dd', 'gnu-error-nofile.txt'], ['iperf3', 'error-refused.json.txt'], ['fio', 'error-engine.json.txt']] as const) {
    const r = await importFixture(tool, file, '--lab', 'paper-lab', '--label', 'bad');
    assert.equal(r.code, 3, `${file}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^iovlab import: ${tool}: [^\\n]+\\n$`));
  }
  const usage = await importFixture('dd', 'gnu-write-64k.txt', '--lab', 'paper-lab');
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs --label TEXT/);
  const badTag = await importFixture('dd', 'gnu-write-64k.txt', '--lab', 'paper-lab', '--label', 'x', '--config', 'no-equals');
  assert.equal(badTag.code, 2);
  assert.match(badTag.stderr, /--config "no-equals" is not KEY=VALUE/);
  const missing = await iovlab('import', 'dd', join(dataDir, 'nope.txt'), '--lab', 'paper-lab', '--label', 'x');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.txt/);
  const after = JSON.parse((await iovlab('runs', 'list', '--json')).stdout) as RunRecord[];
  assert.equal(after.length, before.length);
});

test('runs list (--lab, --json) newest first; runs stats groups repeated imports by label', async () => {
  for (const file of ['gnu-write-64k.txt', 'gnu-write-fdatasync.txt', 'gnu-gigabytes.txt']) {
    const r = await importFixture('dd', file, '--lab', 'second-lab', '--label', 'host write');
    assert.equal(r.code, 0, r.stderr);
  }
  const all = JSON.parse((await iovlab('runs', 'list', '--json')).stdout) as RunRecord[];
  const mine = JSON.parse((await iovlab('runs', 'list', '--lab', 'second-lab', '--json')).stdout) as RunRecord[];
  assert.equal(mine.length, 3);
  assert.ok(all.length > mine.length);
  assert.deepEqual(all.map((r) => r.id), [...all.map((r) => r.id)].sort((a, b) => b - a));
  const text = await iovlab('runs', 'list', '--lab', 'second-lab');
  assert.match(text.stdout, /^#\d+ +ok +1\/1 steps .* second-lab +"host write"$/m);

  const stats = JSON.parse((await iovlab('runs', 'stats', '--lab', 'second-lab', '--json')).stdout) as LabelStatsRow[];
  const values = ['gnu-write-64k.txt', 'gnu-write-fdatasync.txt', 'gnu-gigabytes.txt'].map((f) => parseDd(readFileSync(join(FIXTURES, 'dd', f), 'utf8')).MBps);
  assert.equal(stats.length, 1);
  assert.equal(stats[0]?.label, 'host write');
  assert.equal(stats[0]?.runs, 3);
  assert.deepEqual(stats[0]?.ci95, summarize(values).ci95);
  const human = await iovlab('runs', 'show', String(mine[0]?.id));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /statistics/);
  const unknown = await iovlab('runs', 'show', '999999', '--json');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /run 999999 not found \[NOT_FOUND\]/);
});
