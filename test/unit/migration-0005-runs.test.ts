import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0005-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
/** A database at version 4 with labs 1 and 2, a node, a probe and a secret, then migrated to 5. */
function migratedDb(name: string): Database {
  const file = join(dir, `${name}.sqlite`);
  const before = openDatabase(file, { migrations: MIGRATIONS.slice(0, 4) });
  before.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?), (2, ?, ?)').run('lab', T, 'other', T);
  before.prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, created_at) VALUES (1, 1, 'n1', '[]', 'h', 22, 'u', 'agent', ?)`).run(T);
  before.prepare('INSERT INTO probes (node_id, taken_at, facts) VALUES (1, ?, ?)').run(T, '{"kernel":"6.1"}');
  before.prepare('INSERT INTO secrets (node_id, ciphertext) VALUES (1, ?)').run(Buffer.from('sealed'));
  before.close();
  return openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
}
const insertRun = (db: Database, labId: number, extra: Record<string, unknown> = {}) =>
  Number(
    db
      .prepare(`INSERT INTO runs (lab_id, name, label, status, plan, tags, created_at, owner_pid, owner_host) VALUES (@labId, 'r', 'l', @status, @plan, @tags, '${T}', @ownerPid, @ownerHost)`)
      .run({ labId, status: 'running', plan: '{}', tags: '{}', ownerPid: null, ownerHost: null, ...extra }).lastInsertRowid,
  );
const insertStep = (db: Database, runId: number, idx: number, extra: Record<string, unknown> = {}) =>
  Number(
    db
      .prepare(`INSERT INTO steps (run_id, idx, config_name, workload_id, target_name, repeat, tool, metric_name, metric_value, metric_unit) VALUES (@runId, @idx, 'c', 'w', NULL, 1, @tool, @mn, @mv, @mu)`)
      .run({ runId, idx, tool: 'dd', mn: null, mv: null, mu: null, ...extra }).lastInsertRowid,
  );
const insertSample = (db: Database, stepId: number, extra: Record<string, unknown> = {}) =>
  db.prepare('INSERT INTO samples VALUES (@stepId, @t, @device, 1, 2, 3, 4, 5)').run({ stepId, t: 0, device: 'sda', ...extra });

test('0005 adds STRICT runs, steps and samples and keeps everything before', () => {
  const db = migratedDb('keep');
  assert.equal(db.pragma('user_version', { simple: true }), 5);
  assert.equal(db.prepare("SELECT facts ->> '$.kernel' FROM probes").pluck().get(), '6.1');
  assert.equal(db.prepare('SELECT count(*) FROM secrets').pluck().get(), 1);
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  for (const t of ['runs', 'steps', 'samples']) assert.equal(tables.find((x) => x.name === t)?.strict, 1, t);
  const columns = (db.pragma('table_info(samples)') as { name: string }[]).map((c) => c.name);
  assert.deepEqual(columns, ['step_id', 't', 'device', 'r_mbps', 'w_mbps', 'avg_rq_sectors', 'avg_queue', 'util_pct'], 'samples stay narrow');
  db.close();
});

test('0005 checks statuses, JSON columns, metric completeness, types and the lab', () => {
  const db = migratedDb('checks');
  assert.throws(() => insertRun(db, 1, { status: 'paused' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertRun(db, 1, { plan: 'not json' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertRun(db, 1, { tags: '[]' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertRun(db, 1, { ownerPid: 12 }), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'pid without host');
  assert.throws(() => insertRun(db, 99), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  const runId = insertRun(db, 1, { ownerPid: 12, ownerHost: 'box' });
  assert.throws(() => insertStep(db, runId, 0, { tool: 'bonnie' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertStep(db, runId, 0, { mn: 'bandwidth', mv: 1 }), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'a metric needs name, value and unit');
  assert.throws(() => insertStep(db, runId, 0, { mn: 'bandwidth', mv: 'fast', mu: 'MBps' }), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  const stepId = insertStep(db, runId, 0, { mn: 'bandwidth', mv: 120.5, mu: 'MBps' });
  assert.throws(() => insertStep(db, runId, 0), { code: 'SQLITE_CONSTRAINT_UNIQUE' }, 'one step per index');
  const step = db.prepare('SELECT status, attempt, commands, context, stdout, host_samples FROM steps WHERE id = ?').get(stepId);
  assert.deepEqual(step, { status: 'pending', attempt: 0, commands: '[]', context: '{}', stdout: '', host_samples: 0 });
  assert.throws(() => db.prepare("UPDATE steps SET host_device = 'sda' WHERE id = ?").run(stepId), { code: 'SQLITE_CONSTRAINT_CHECK' }, 'a host device needs its samples');
  assert.throws(() => db.prepare('UPDATE steps SET parsed = ? WHERE id = ?').run('{oops', stepId), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertSample(db, stepId, { t: 'soon' }), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  assert.throws(() => insertSample(db, 999), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  db.close();
});

test('0005 cascades: a lab takes its runs, a run its steps, a step its samples', () => {
  const db = migratedDb('cascade');
  const keep = insertRun(db, 2);
  const keepStep = insertStep(db, keep, 0);
  insertSample(db, keepStep);
  const gone = insertRun(db, 1);
  for (let i = 0; i < 3; i++) insertSample(db, insertStep(db, gone, i), { t: i });
  db.prepare('DELETE FROM labs WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT id FROM runs').pluck().all(), [keep]);
  assert.deepEqual(db.prepare('SELECT run_id FROM steps').pluck().all(), [keep]);
  assert.deepEqual(db.prepare('SELECT step_id FROM samples').pluck().all(), [keepStep]);
  db.prepare('DELETE FROM steps WHERE id = ?').run(keepStep);
  assert.equal(db.prepare('SELECT count(*) FROM samples').pluck().get(), 0);
  db.close();
});

test('0005 serves a step\'s samples, a lab\'s runs newest first, the running runs and statistics from indexes', () => {
  const db = migratedDb('index');
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? [1] : [])) as { detail: string }[]).map((p) => p.detail).join('\n');
  assert.match(plan('SELECT * FROM samples WHERE step_id = ?'), /samples_by_step/);
  const byLab = plan('SELECT id FROM runs WHERE lab_id = ? ORDER BY created_at DESC, id DESC');
  assert.match(byLab, /runs_by_lab_newest/);
  assert.doesNotMatch(byLab, /TEMP B-TREE/);
  assert.match(plan("SELECT id FROM runs WHERE status = 'running'"), /runs_running/);
  assert.match(plan('SELECT * FROM steps WHERE run_id = ? ORDER BY idx'), /sqlite_autoindex_steps_1/);
  // Statistics read ok steps' metrics and host sums from the partial covering index alone.
  const stats = plan(`SELECT config_name, workload_id, target_name, metric_unit, min(idx), json_group_array(metric_value), min(host_device), sum(host_samples),
    sum(host_rq_sum), sum(host_queue_sum), sum(host_util_sum), sum(host_traffic_sum)
    FROM steps WHERE run_id = ? AND status = 'ok' AND metric_value IS NOT NULL GROUP BY 1, 2, 3, 4`);
  assert.match(stats, /USING COVERING INDEX steps_ok_metrics/);
  db.close();
});
