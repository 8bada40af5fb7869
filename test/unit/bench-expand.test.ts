import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../shared/result.js';
import { expandPlan, stepParts } from '../../shared/bench/expand.js';
import { parsePlan } from '../../shared/bench/plan.js';

const plan = parsePlan({
  name: 'grid',
  repeats: 2,
  configs: [{ name: 'virtio' }, { name: 'lsi' }],
  targets: [
    { name: 'file', node: 'guest', kind: 'file', path: '/var/tmp/t.bin' },
    { name: 'disk', node: 'guest', kind: 'device', path: '/dev/vdb', confirm: 'vdb 8G' },
  ],
  workloads: [
    { id: 'w', tool: 'dd', op: 'write', size: '1M' },
    { id: 'tx', tool: 'iperf3', client: 'guest', server: 'host' },
    { id: 'r', tool: 'fio', op: 'read', size: '1M' },
  ],
});

test('repeat is the outer loop, then configuration, workload, target; storage × targets, network once', () => {
  const steps = expandPlan(plan);
  // 2 repeats × 2 configs × (2 dd targets + 1 iperf3 + 2 fio targets)
  assert.equal(steps.length, 20);
  assert.deepEqual(
    steps.map((s) => s.index),
    steps.map((_, i) => i),
  );
  const line = (s: (typeof steps)[number]) => `${s.repeat} ${s.configName} ${s.workloadId} ${s.targetName ?? '-'} ${s.tool}`;
  assert.deepEqual(steps.slice(0, 10).map(line), [
    '1 virtio w file dd',
    '1 virtio w disk dd',
    '1 virtio tx - iperf3',
    '1 virtio r file fio',
    '1 virtio r disk fio',
    '1 lsi w file dd',
    '1 lsi w disk dd',
    '1 lsi tx - iperf3',
    '1 lsi r file fio',
    '1 lsi r disk fio',
  ]);
  assert.deepEqual(steps.slice(10).map(line), steps.slice(0, 10).map(line).map((l) => l.replace(/^1/, '2')));
});

test('stepParts finds the plan entries of a step, and says which one is missing', () => {
  const [first, , third] = expandPlan(plan);
  assert.ok(first && third);
  const parts = stepParts(plan, first);
  assert.equal(parts.config.name, 'virtio');
  assert.equal(parts.workload.id, 'w');
  assert.equal(parts.target?.path, '/var/tmp/t.bin');
  assert.equal(stepParts(plan, third).target, null);
  assert.throws(
    () => stepParts(plan, { ...first, targetName: 'gone' }),
    (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND' && e.message === 'step 1 refers to target "gone" that plan "grid" does not have',
  );
  assert.throws(() => stepParts(plan, { ...first, workloadId: 'nope' }), /workload "nope"/);
});
