// The installs repository on a real SQLite file: records in run order, newest installs first,
// step updates, final states stamped, logs kept to their last 64 KiB of UTF-8.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../electron/core/store/store.js';
import { INSTALL_LOG_MAX_BYTES, tailUtf8 } from '../../electron/core/store/installs.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-installs-'));
const store = createStore(join(dir, 'iovlab.sqlite'));
after(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const lab = store.labs.create('paper', '');
const other = store.labs.create('other', '');
const steps = [
  { stepId: 'packages', nodeId: 1, nodeName: 'front', title: 'Packages' },
  { stepId: 'packages', nodeId: 2, nodeName: 'nc1', title: 'Packages' },
  { stepId: 'bridge', nodeId: 2, nodeName: 'nc1', title: 'Bridge' },
];

test('an install is stored running with pending records in run order, its recipe and its owner', () => {
  const created = store.installs.create({ labId: lab.id, recipeId: 'kvm', recipe: { id: 'kvm', steps: [] }, steps, owner: { pid: 42, host: 'box' } });
  assert.equal(created.status, 'running');
  assert.equal(created.finishedAt, null);
  assert.deepEqual(created.recipe, { id: 'kvm', steps: [] });
  assert.deepEqual(created.owner, { pid: 42, host: 'box' });
  assert.deepEqual(created.steps.map((s) => [s.index, s.stepId, s.nodeId, s.nodeName, s.title, s.status, s.reason, s.log, s.startedAt]), [
    [0, 'packages', 1, 'front', 'Packages', 'pending', null, '', null],
    [1, 'packages', 2, 'nc1', 'Packages', 'pending', null, '', null],
    [2, 'bridge', 2, 'nc1', 'Bridge', 'pending', null, '', null],
  ]);
  assert.ok(created.steps.every((s) => s.installId === created.id));
  assert.deepEqual(store.installs.running().map((i) => i.id), [created.id]);
});

test('step updates change only what they name; final statuses stamp finishedAt; owners can be cleared', () => {
  const install = store.installs.create({ labId: lab.id, recipeId: 'xen', recipe: {}, steps, owner: null });
  const [first] = install.steps;
  assert.ok(first);
  const running = store.installs.updateStep(first.id, { status: 'running', startedAt: '2026-01-01T00:00:00.000Z', log: 'apt-get...\n' });
  assert.deepEqual([running.status, running.startedAt, running.log, running.reason], ['running', '2026-01-01T00:00:00.000Z', 'apt-get...\n', null]);
  const failed = store.installs.updateStep(first.id, { status: 'failed', reason: 'verify failed' });
  assert.deepEqual([failed.status, failed.log, failed.reason], ['failed', 'apt-get...\n', 'verify failed']);
  store.installs.setStatus(install.id, 'failed', null);
  const after1 = store.installs.get(install.id);
  assert.equal(after1.status, 'failed');
  assert.ok(after1.finishedAt && Date.parse(after1.finishedAt) > 0);
  store.installs.setStatus(install.id, 'running', { pid: 7, host: 'h' });
  const again = store.installs.get(install.id);
  assert.deepEqual([again.status, again.finishedAt, again.owner], ['running', null, { pid: 7, host: 'h' }]);
});

test('lists are newest first, per lab or all; unknown ids are NOT_FOUND with a hint', () => {
  const mine = store.installs.create({ labId: other.id, recipeId: 'uec', recipe: {}, steps: steps.slice(0, 1), owner: null });
  assert.deepEqual(store.installs.list({ labId: other.id }).map((i) => i.id), [mine.id]);
  const all = store.installs.list().map((i) => i.id);
  assert.equal(all[0], mine.id);
  assert.deepEqual([...all].sort((a, b) => b - a), all);
  assert.throws(() => store.installs.get(999), { code: 'NOT_FOUND', message: 'install 999 not found (see: iovlab install list)' });
  assert.throws(() => store.installs.updateStep(999, { status: 'done' }), { code: 'NOT_FOUND' });
  assert.throws(() => store.installs.create({ labId: 999, recipeId: 'x', recipe: {}, steps: [], owner: null }), { code: 'NOT_FOUND', message: 'lab 999 not found' });
  store.labs.delete(other.id);
  assert.throws(() => store.installs.get(mine.id), { code: 'NOT_FOUND' }, 'a lab takes its installs along');
});

test('a log keeps its last 64 KiB of UTF-8, cut at a character boundary and marked', () => {
  const install = store.installs.create({ labId: lab.id, recipeId: 'kvm', recipe: {}, steps: steps.slice(0, 1), owner: null });
  const long = `first line\n${'é'.repeat(40_000)}\nlast line\n`;
  const saved = store.installs.updateStep(install.steps[0]?.id ?? 0, { log: long }).log;
  assert.ok(Buffer.byteLength(saved) <= INSTALL_LOG_MAX_BYTES);
  assert.ok(Buffer.byteLength(saved) > INSTALL_LOG_MAX_BYTES - 8);
  assert.match(saved, /^\[\.\.\. earlier output cut \.\.\.\]\né+\nlast line\n$/);
  assert.equal(tailUtf8('short'), 'short');
  assert.equal(tailUtf8('aé'.repeat(20), 40).includes('\uFFFD'), false, 'never half a character');
});
