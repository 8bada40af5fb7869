import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0006-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
/** A database at version 5 with labs 1 and 2, a node, a probe and a run with a step, then migrated to 6. */
function migratedDb(name: string): Database {
  const file = join(dir, `${name}.sqlite`);
  const before = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
  before.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?), (2, ?, ?)').run('lab', T, 'other', T);
  before.prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, created_at) VALUES (1, 1, 'n1', '["NC"]', 'h', 22, 'u', 'agent', ?)`).run(T);
  before.prepare('INSERT INTO probes (node_id, taken_at, facts) VALUES (1, ?, ?)').run(T, '{"kernel":"6.1"}');
  before.prepare(`INSERT INTO runs (id, lab_id, name, label, status, plan, tags, created_at) VALUES (1, 1, 'r', 'l', 'ok', '{}', '{}', ?)`).run(T);
  before.prepare(`INSERT INTO steps (run_id, idx, config_name, workload_id, repeat, tool) VALUES (1, 0, 'c', 'w', 1, 'dd')`).run();
  before.close();
  return openDatabase(file, { migrations: MIGRATIONS.slice(0, 6) });
}
const insertInstall = (db: Database, labId: number, extra: Record<string, unknown> = {}) =>
  Number(
    db
      .prepare(`INSERT INTO installs (lab_id, recipe_id, recipe, status, created_at, owner_pid, owner_host) VALUES (@labId, @recipeId, @recipe, @status, '${T}', @ownerPid, @ownerHost)`)
      .run({ labId, recipeId: 'kvm-libvirt', recipe: '{"id":"kvm-libvirt"}', status: 'running', ownerPid: null, ownerHost: null, ...extra }).lastInsertRowid,
  );
const insertStep = (db: Database, installId: number, idx: number, extra: Record<string, unknown> = {}) =>
  Number(
    db
      .prepare('INSERT INTO install_steps (install_id, idx, step_id, node_id, node_name, title) VALUES (@installId, @idx, @stepId, @nodeId, @nodeName, @title)')
      .run({ installId, idx, stepId: `s${idx}`, nodeId: 1, nodeName: 'n1', title: 'T', ...extra }).lastInsertRowid,
  );

test('0006 adds STRICT installs and install_steps and keeps everything before', () => {
  const db = migratedDb('keep');
  assert.equal(db.pragma('user_version', { simple: true }), 6);
  assert.equal(db.prepare("SELECT facts ->> '$.kernel' FROM probes").pluck().get(), '6.1');
  assert.equal(db.prepare('SELECT count(*) FROM steps').pluck().get(), 1);
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  for (const t of ['installs', 'install_steps']) assert.equal(tables.find((x) => x.name === t)?.strict, 1, t);
  const columns = (db.pragma('table_info(install_steps)') as { name: string }[]).map((c) => c.name);
  assert.deepEqual(columns, ['id', 'install_id', 'idx', 'step_id', 'node_id', 'node_name', 'title', 'status', 'reason', 'log', 'started_at', 'finished_at']);
  db.close();
});

test('0006 checks statuses, the recipe JSON, the owner pair, ids, types, the log size and the lab', () => {
  const db = migratedDb('checks');
  assert.throws(() => insertInstall(db, 1, { status: 'paused' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertInstall(db, 1, { recipe: 'not json' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertInstall(db, 1, { recipe: '[]' }), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'the recipe is an object');
  assert.throws(() => insertInstall(db, 1, { recipeId: '' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertInstall(db, 1, { ownerPid: 12 }), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'pid without host');
  assert.throws(() => insertInstall(db, 99), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  const installId = insertInstall(db, 1, { ownerPid: 12, ownerHost: 'box' });
  assert.throws(() => insertStep(db, installId, 0, { nodeId: 0 }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertStep(db, installId, -1), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertStep(db, installId, 0, { nodeId: 'n1' }), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  assert.throws(() => insertStep(db, 999, 0), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  const stepId = insertStep(db, installId, 0);
  assert.throws(() => insertStep(db, installId, 0, { stepId: 'other' }), { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'one record per index');
  assert.throws(() => insertStep(db, installId, 1, { stepId: 's0' }), { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'one record per step and node');
  insertStep(db, installId, 1, { stepId: 's0', nodeId: 2, nodeName: 'n2' });
  assert.deepEqual(db.prepare('SELECT status, reason, log, started_at FROM install_steps WHERE id = ?').get(stepId), { status: 'pending', reason: null, log: '', started_at: null });
  assert.throws(() => db.prepare("UPDATE install_steps SET status = 'skipped' WHERE id = ?").run(stepId), { code: 'SQLITE_CONSTRAINT_CHECK' });
  for (const s of ['running', 'already-done', 'done', 'failed', 'not-applicable', 'cancelled']) db.prepare('UPDATE install_steps SET status = ? WHERE id = ?').run(s, stepId);
  db.prepare('UPDATE install_steps SET log = ? WHERE id = ?').run('é'.repeat(32 * 1024), stepId);
  assert.throws(() => db.prepare('UPDATE install_steps SET log = ? WHERE id = ?').run(`${'é'.repeat(32 * 1024)}x`, stepId), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'the log is at most 64 KiB of UTF-8');
  db.close();
});

test('0006 cascades: a lab takes its installs, an install its steps; removing a node keeps the history', () => {
  const db = migratedDb('cascade');
  const keep = insertInstall(db, 2);
  insertStep(db, keep, 0);
  const gone = insertInstall(db, 1);
  for (let i = 0; i < 3; i++) insertStep(db, gone, i);
  db.prepare('DELETE FROM nodes WHERE id = 1').run();
  assert.equal(db.prepare('SELECT count(*) FROM install_steps').pluck().get(), 4, 'node ids are history, not references');
  db.prepare('DELETE FROM labs WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT id FROM installs').pluck().all(), [keep]);
  assert.deepEqual(db.prepare('SELECT install_id FROM install_steps').pluck().all(), [keep]);
  db.close();
});

test('0006 serves a lab\'s installs newest first, the running ones and an install\'s steps from indexes', () => {
  const db = migratedDb('index');
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? [1] : [])) as { detail: string }[]).map((p) => p.detail).join('\n');
  const byLab = plan('SELECT id FROM installs WHERE lab_id = ? ORDER BY created_at DESC, id DESC');
  assert.match(byLab, /installs_by_lab_newest/);
  assert.doesNotMatch(byLab, /TEMP B-TREE/);
  assert.match(plan("SELECT id FROM installs WHERE status = 'running'"), /installs_running/);
  const steps = plan('SELECT * FROM install_steps WHERE install_id = ? ORDER BY idx');
  assert.match(steps, /sqlite_autoindex_install_steps_1/);
  assert.doesNotMatch(steps, /TEMP B-TREE/);
  db.close();
});
