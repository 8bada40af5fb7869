// The run store on real SQLite files: what the runner, the importer and reports rely on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IostatSample } from '../../shared/bench/types.js';
import { expandPlan } from '../../shared/bench/expand.js';
import { parsePlan } from '../../shared/bench/plan.js';
import { summarize } from '../../shared/stats.js';
import { AppError } from '../../shared/result.js';
import { createStore } from '../../electron/core/store/store.js';
import type { NewRun } from '../../electron/core/store/run-types.js';
import type { Store } from '../../electron/core/store/types.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-runs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function fresh(): { store: Store; labId: number } {
  const store = createStore(join(dir, `db${++n}`, 'iovlab.sqlite'));
  return { store, labId: store.labs.create(`lab${n}`, '').id };
}
const plan = parsePlan({
  name: 'p',
  repeats: 3,
  configs: [{ name: 'virtio' }, { name: 'lsi' }],
  targets: [{ name: 'scratch', node: 'guest', kind: 'file', path: '/var/tmp/t.bin' }],
  workloads: [{ id: 'dd-w', tool: 'dd', op: 'write', size: '1M' }, { id: 'tx', tool: 'iperf3', client: 'guest', server: 'host' }],
});
const newRun = (labId: number, extra: Partial<NewRun> = {}): NewRun => ({ labId, name: 'paper', label: 'first try', plan, tags: { accel: 'tcg' }, steps: expandPlan(plan), owner: { pid: 4242, host: 'box' }, ...extra });
const sample = (t: number, device: string, util: number, extra: Partial<IostatSample> = {}): IostatSample => ({ t, device, rMBps: 0, wMBps: 100, avgRqSectors: 128, avgQueue: 1, utilPct: util, ...extra });
function appError(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === code && message.test(e.message));
}

test('create stores the run and its steps as pending, in one piece; get/list/steps read them back', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  assert.equal(run.status, 'running');
  assert.equal(run.stepsTotal, 12);
  assert.equal(run.stepsDone, 0);
  assert.deepEqual(run.plan, JSON.parse(JSON.stringify(plan)));
  assert.deepEqual(run.owner, { pid: 4242, host: 'box' });
  assert.equal(run.finishedAt, null);
  const steps = store.runs.steps(run.id);
  assert.deepEqual(steps.map((s) => s.index), [...Array(12).keys()]);
  assert.deepEqual(steps[2], {
    id: steps[2]?.id, runId: run.id, index: 2, configName: 'lsi', workloadId: 'dd-w', targetName: 'scratch', repeat: 1, tool: 'dd',
    status: 'pending', attempt: 0, commands: [], context: {}, stdout: '', stderr: '', parsed: null, metric: null, error: null, startedAt: null, endedAt: null,
  });
  const second = store.runs.create(newRun(labId, { name: 'again' }));
  assert.deepEqual(store.runs.list().map((r) => r.id), [second.id, run.id], 'newest first');
  assert.deepEqual(store.runs.list({ labId: labId + 1000 }), []);
  appError(() => store.runs.create(newRun(labId + 1000)), 'NOT_FOUND', /^lab \d+ not found$/);
  appError(() => store.runs.create(newRun(labId, { steps: [...expandPlan(plan), { index: 0, configName: 'x', workloadId: 'y', targetName: null, repeat: 1, tool: 'dd' }] })), 'ALREADY_EXISTS', /creating run "paper"/);
  assert.equal(store.runs.list().length, 2, 'the refused run left nothing behind');
  appError(() => store.runs.get(999), 'NOT_FOUND', /^run 999 not found$/);
  appError(() => store.runs.steps(999), 'NOT_FOUND', /^run 999 not found$/);
  store.close();
});

test('updateStep sets only what it is given; null clears; the metric round-trips', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  const id = store.runs.steps(run.id)[0]?.id ?? 0;
  const hostile = "out'put $(x)\n\0 end";
  store.runs.updateStep(id, { status: 'running', attempt: 1, startedAt: '2026-11-26T00:00:00.000Z', commands: [{ node: 'guest', command: "dd 'of=/x y'" }], context: { vm: { bus: 'virtio' } } });
  const done = store.runs.updateStep(id, { status: 'ok', stdout: hostile, stderr: 'e', parsed: { MBps: 1.5 }, metric: { name: 'bandwidth', value: 1.5, unit: 'MBps' }, endedAt: '2026-11-26T00:00:05.000Z' });
  assert.equal(done.attempt, 1, 'kept');
  assert.equal(done.startedAt, '2026-11-26T00:00:00.000Z');
  assert.deepEqual(done.commands, [{ node: 'guest', command: "dd 'of=/x y'" }]);
  assert.deepEqual(done.context, { vm: { bus: 'virtio' } });
  assert.equal(done.stdout, hostile);
  assert.deepEqual(done.parsed, { MBps: 1.5 });
  assert.deepEqual(done.metric, { name: 'bandwidth', value: 1.5, unit: 'MBps' });
  assert.equal(store.runs.get(run.id).stepsDone, 1);
  const retried = store.runs.updateStep(id, { status: 'pending', metric: null, parsed: null, error: null });
  assert.equal(retried.metric, null);
  assert.equal(retried.parsed, null);
  assert.equal(retried.stdout, hostile);
  assert.deepEqual(store.runs.updateStep(id, {}), retried);
  appError(() => store.runs.updateStep(id, { metric: { name: 'bandwidth', value: NaN, unit: 'MBps' } }), 'INVALID_ARGUMENT', /metric bandwidth is NaN/);
  appError(() => store.runs.updateStep(123456, { status: 'ok' }), 'NOT_FOUND', /^step 123456 not found$/);
  store.close();
});

test('setStatus stamps final states and sets or clears the owner; interrupted() lists running runs whose owner is gone', () => {
  const { store, labId } = fresh();
  const alive = store.runs.create(newRun(labId, { owner: { pid: 1, host: 'box' } }));
  const dead = store.runs.create(newRun(labId, { owner: { pid: 2, host: 'box' } }));
  const orphan = store.runs.create(newRun(labId, { owner: null }));
  const finished = store.runs.create(newRun(labId, { owner: { pid: 2, host: 'box' } }));
  store.runs.setStatus(finished.id, 'ok');
  assert.match(store.runs.get(finished.id).finishedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  const asked: number[] = [];
  const found = store.runs.interrupted((owner) => {
    asked.push(owner.pid);
    return owner.pid === 1;
  });
  assert.deepEqual(found.map((r) => r.id).sort(), [dead.id, orphan.id].sort());
  assert.deepEqual(asked.sort(), [1, 2]);
  store.runs.setStatus(dead.id, 'interrupted');
  assert.equal(store.runs.get(dead.id).finishedAt, null, 'interrupted is not final');
  store.runs.setStatus(dead.id, 'running', { pid: 77, host: 'other' });
  assert.deepEqual(store.runs.get(dead.id).owner, { pid: 77, host: 'other' });
  store.runs.setStatus(dead.id, 'cancelled', null);
  assert.equal(store.runs.get(dead.id).owner, null);
  assert.equal(store.runs.get(alive.id).status, 'running');
  appError(() => store.runs.setStatus(999, 'ok'), 'NOT_FOUND', /^run 999 not found$/);
  store.close();
});

test('samples: stored in bulk in order, refused whole when one is bad, cleared for a re-run, gone with their run', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  const [a, b] = store.runs.steps(run.id);
  assert.ok(a && b);
  const many = Array.from({ length: 1000 }, (_, i) => sample(i, i % 2 ? 'sdb' : 'sda', i % 100));
  store.runs.addSamples(a.id, many);
  store.runs.addSamples(b.id, [sample(0, 'sdc', 1)]);
  assert.deepEqual(store.runs.samples(a.id), many);
  appError(() => store.runs.addSamples(b.id, [sample(1, 'sdc', 2), sample(2, 'sdc', Infinity)]), 'INVALID_ARGUMENT', /sample #2 of step \d+ \(sdc\): utilPct is Infinity/);
  appError(() => store.runs.addSamples(b.id, [{ ...sample(1, 'sdc', 2), device: '' }]), 'INVALID_ARGUMENT', /has no device name/);
  assert.equal(store.runs.samples(b.id).length, 1, 'nothing of a refused batch was stored');
  appError(() => store.runs.addSamples(999999, [sample(0, 'x', 1)]), 'NOT_FOUND', /^step 999999 not found$/);
  store.runs.clearSamples(a.id);
  assert.deepEqual(store.runs.samples(a.id), []);
  store.runs.delete(run.id);
  appError(() => store.runs.samples(b.id), 'NOT_FOUND', /step \d+ not found/);
  appError(() => store.runs.delete(run.id), 'NOT_FOUND', /not found/);
  store.close();
});

test('stats: per (config, workload, target) over ok steps, Student t from shared/stats, host averages of the busiest device', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  const steps = store.runs.steps(run.id);
  const values: Record<string, number[]> = {};
  for (const s of steps) {
    const isDd = s.tool === 'dd';
    const value = (isDd ? 100 : 900) + s.repeat * (s.configName === 'lsi' ? 10 : 1);
    // The third repeat of virtio dd failed: its number must not count.
    const failed = isDd && s.configName === 'virtio' && s.repeat === 3;
    store.runs.updateStep(s.id, failed ? { status: 'failed', error: 'ssh dropped' } : { status: 'ok', metric: { name: isDd ? 'bandwidth' : 'throughput', value, unit: isDd ? 'MBps' : 'Mbps' } });
    if (!failed) (values[`${s.configName}/${s.workloadId}`] ??= []).push(value);
    if (isDd) {
      // Two samples of the busy disk per step and three of an idle one, which must not dilute the figures.
      store.runs.addSamples(s.id, [sample(1, 'vdb', 80, { avgQueue: s.repeat }), sample(2, 'vdb', 100, { avgQueue: s.repeat }), ...[1, 2, 3].map((t) => sample(t, 'vda', 0, { wMBps: 0, avgRqSectors: 8, avgQueue: 0 }))]);
    }
  }
  const stats = store.runs.stats(run.id);
  assert.deepEqual(stats.map((r) => `${r.configName}/${r.workloadId}/${r.targetName}/${r.unit}/${r.n}`), ['virtio/dd-w/scratch/MBps/2', 'virtio/tx/null/Mbps/3', 'lsi/dd-w/scratch/MBps/3', 'lsi/tx/null/Mbps/3']);
  for (const row of stats) {
    const s = summarize(values[`${row.configName}/${row.workloadId}`] ?? []);
    assert.deepEqual({ n: row.n, mean: row.mean, median: row.median, stdev: row.stdev, ci95: row.ci95, cv: row.cv, noisy: row.noisy }, s);
  }
  // virtio dd: only repeats 1 and 2 are ok → 4 busy samples, queue (1+1+2+2)/4.
  assert.deepEqual(stats[0]?.host, { avgRqSectors: 128, avgQueue: 1.5, utilPct: 90, samples: 4 });
  assert.deepEqual(stats[2]?.host, { avgRqSectors: 128, avgQueue: 2, utilPct: 90, samples: 6 });
  assert.equal(stats[1]?.host, null, 'network steps have no host samples');
  assert.deepEqual(store.runs.stats(store.runs.create(newRun(labId)).id), [], 'no ok step, no statistics');
  store.close();
});

test('host figures follow samples added in several batches and cleared for a re-run', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  const step = store.runs.steps(run.id)[0];
  assert.ok(step);
  store.runs.updateStep(step.id, { status: 'ok', metric: { name: 'bandwidth', value: 1, unit: 'MBps' } });
  store.runs.addSamples(step.id, [sample(1, 'vdb', 10), sample(2, 'vdb', 20)]);
  store.runs.addSamples(step.id, [sample(3, 'vdb', 60)]);
  assert.deepEqual(store.runs.stats(run.id)[0]?.host, { avgRqSectors: 128, avgQueue: 1, utilPct: 30, samples: 3 });
  store.runs.clearSamples(step.id);
  assert.equal(store.runs.stats(run.id)[0]?.host, null);
  store.runs.addSamples(step.id, [sample(1, 'vdb', 50, { avgRqSectors: 16 })]);
  assert.deepEqual(store.runs.stats(run.id)[0]?.host, { avgRqSectors: 16, avgQueue: 1, utilPct: 50, samples: 1 });
  store.runs.addSamples(step.id, []);
  assert.equal(store.runs.stats(run.id)[0]?.host?.samples, 1, 'an empty batch changes nothing');
  // Another repeat of the cell sampled on another disk (the target moved): the busier disk's figures stand.
  const again = store.runs.steps(run.id).find((s) => s.configName === step.configName && s.workloadId === step.workloadId && s.repeat === 2);
  assert.ok(again);
  store.runs.updateStep(again.id, { status: 'ok', metric: { name: 'bandwidth', value: 2, unit: 'MBps' } });
  store.runs.addSamples(again.id, [sample(1, 'sdc', 99, { wMBps: 500, avgRqSectors: 1024 }), sample(2, 'sdc', 97, { wMBps: 500, avgRqSectors: 1024 })]);
  assert.deepEqual(store.runs.stats(run.id)[0]?.host, { avgRqSectors: 1024, avgQueue: 1, utilPct: 98, samples: 2 });
  store.close();
});

test('statsByLabel: repeated imports under one label form one sample set across runs', () => {
  const { store, labId } = fresh();
  const other = store.labs.create('other lab', '').id;
  const one = (lab: number, label: string, value: number) => {
    const run = store.runs.create({ labId: lab, name: label, label, plan: null, tags: {}, steps: [{ index: 0, configName: 'as-is', workloadId: 'write', targetName: null, repeat: 1, tool: 'dd' }], owner: null });
    store.runs.updateStep(store.runs.steps(run.id)[0]?.id ?? 0, { status: 'ok', metric: { name: 'bandwidth', value, unit: 'MBps' } });
  };
  [100, 110, 120].forEach((v) => one(labId, 'virtio', v));
  [50, 70].forEach((v) => one(labId, 'lsi', v));
  one(other, 'virtio', 999);
  const rows = store.runs.statsByLabel({ labId });
  assert.deepEqual(rows.map((r) => [r.label, r.runs, r.n, r.mean]), [['lsi', 2, 2, 60], ['virtio', 3, 3, 110]]);
  assert.deepEqual(rows[1]?.ci95, summarize([100, 110, 120]).ci95);
  assert.equal(store.runs.statsByLabel().find((r) => r.label === 'virtio')?.n, 4, 'without a lab: all labs');
  store.close();
});

test('statsByLabel: host figures across runs sampled on different disks are the busiest disk\'s; a failed re-run drops out', () => {
  const { store, labId } = fresh();
  const one = (value: number, samples: IostatSample[]) => {
    const run = store.runs.create({ labId, name: 'moved', label: 'moved', plan: null, tags: {}, steps: [{ index: 0, configName: 'as-is', workloadId: 'write', targetName: 't', repeat: 1, tool: 'dd' }], owner: null });
    const stepId = store.runs.steps(run.id)[0]?.id ?? 0;
    store.runs.updateStep(stepId, { status: 'ok', metric: { name: 'bandwidth', value, unit: 'MBps' } });
    store.runs.addSamples(stepId, samples);
    return stepId;
  };
  one(100, [sample(1, 'vdb', 40, { wMBps: 40 }), sample(2, 'vdb', 60, { wMBps: 40 })]);
  one(110, [sample(1, 'sdc', 90, { avgQueue: 4 })]);
  const last = one(120, [sample(1, 'sdc', 70, { avgQueue: 2 })]);
  const [row] = store.runs.statsByLabel({ labId });
  assert.deepEqual([row?.runs, row?.n, row?.median, row?.host], [3, 3, 110, { avgRqSectors: 128, avgQueue: 3, utilPct: 80, samples: 2 }], 'sdc moved 200 MB/s over two samples, vdb 80');
  store.runs.updateStep(last, { status: 'failed', metric: null, error: 're-run failed' });
  const [withoutLast] = store.runs.statsByLabel({ labId });
  assert.deepEqual([withoutLast?.runs, withoutLast?.n, withoutLast?.mean, withoutLast?.host?.utilPct], [2, 2, 105, 90]);
  store.close();
});

test('transaction: an import is all or nothing', () => {
  const { store, labId } = fresh();
  assert.throws(() =>
    store.runs.transaction(() => {
      store.labs.create('made inside', '');
      store.runs.create(newRun(labId));
      throw new AppError('PARSE_ERROR', 'late failure');
    }),
  /late failure/);
  assert.equal(store.labs.findByName('made inside'), null);
  assert.deepEqual(store.runs.list(), []);
  const run = store.runs.transaction(() => store.runs.create(newRun(labId)));
  assert.equal(store.runs.get(run.id).stepsTotal, 12);
  store.close();
});

test('a lab deleted takes its runs with it', () => {
  const { store, labId } = fresh();
  const run = store.runs.create(newRun(labId));
  store.labs.delete(labId);
  appError(() => store.runs.get(run.id), 'NOT_FOUND', /not found/);
  store.close();
});
