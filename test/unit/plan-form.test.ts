// The runs page's plan form edits simple plans only; a plan it cannot represent is refused with
// the reason (instead of silently dropping fields when it is saved back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../shared/bench/plan.js';
import { formFromPlan } from '../../renderer/src/views/runs/plan-form.js';

const base = {
  name: 'p',
  repeats: 2,
  targets: [{ name: 'vol', node: 'front', kind: 'file', path: '/var/tmp/iovlab/vol.img', sizeBytes: 64 * 2 ** 20 }],
  workloads: [{ id: 'w', tool: 'fio', op: 'write', size: '16M', blockSize: '64k' }],
};

test('a simple plan becomes a form with its targets and workloads', () => {
  const form = formFromPlan(parsePlan(base));
  assert.equal(typeof form, 'object');
  if (typeof form === 'string') return;
  assert.deepEqual(form.targets.map((t) => [t.name, t.node, t.path]), [['vol', 'front', '/var/tmp/iovlab/vol.img']]);
  assert.deepEqual(form.workloads.map((w) => [w.id, w.tool]), [['w', 'fio']]);
});

test('a target reached over NBD from another node is refused by name (the form has no field for it)', () => {
  const plan = parsePlan({ ...base, targets: [{ ...base.targets[0], nbd: { uri: 'nbd://10.235.1.2:10809/vol0', client: 'back' } }] });
  assert.equal(formFromPlan(plan), 'target "vol" is reached over NBD from another node');
});
