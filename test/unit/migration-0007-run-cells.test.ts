import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0007-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';

interface StepSpec {
  idx: number;
  config?: string;
  target?: string | null;
  status?: string;
  value?: number | null;
  unit?: string;
  host?: [device: string, samples: number, rq: number] | null;
}

const insertRun = (db: Database, labId: number, label: string) =>
  Number(db.prepare(`INSERT INTO runs (lab_id, name, label, status, plan, tags, created_at) VALUES (?, 'r', ?, 'ok', '{}', '{}', '${T}')`).run(labId, label).lastInsertRowid);

function insertStep(db: Database, runId: number, s: StepSpec): number {
  const value = s.value === undefined ? 100 + s.idx : s.value;
  const [device, samples, rq] = s.host ?? [null, 0, null];
  return Number(
    db
      .prepare(`INSERT INTO steps (run_id, idx, config_name, workload_id, target_name, repeat, tool, status, metric_name, metric_value, metric_unit,
        host_device, host_samples, host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum)
        VALUES (@runId, @idx, @config, 'dd-write', @target, 1, 'dd', @status, @name, @value, @unit, @device, @samples, @rq, @rq, @rq, @rq)`)
      .run({
        runId,
        idx: s.idx,
        config: s.config ?? 'virtio',
        target: s.target === undefined ? 'scratch' : s.target,
        status: s.status ?? 'ok',
        name: value === null ? null : 'bandwidth',
        value,
        unit: value === null ? null : (s.unit ?? 'MBps'),
        device,
        samples,
        rq,
      }).lastInsertRowid,
  );
}

const CELL_COLUMNS = `run_id, lab_id, label, config_name, workload_id, target_name, metric_unit, first_idx, n, metric_values,
  host_device, host_last_device, host_samples, host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum`;
const cells = (db: Database) => db.prepare(`SELECT ${CELL_COLUMNS} FROM run_cells ORDER BY run_id, config_name, target_name, metric_unit`).all();

/** What run_cells must hold, recomputed from steps and runs with no help from the migration. */
const expectedCells = (db: Database) =>
  db
    .prepare(`SELECT st.run_id, r.lab_id, r.label, st.config_name, st.workload_id, st.target_name, st.metric_unit, min(st.idx) AS first_idx, count(*) AS n,
      json_group_array(st.metric_value ORDER BY st.idx) AS metric_values, min(st.host_device) AS host_device, max(st.host_device) AS host_last_device,
      sum(st.host_samples) AS host_samples, sum(st.host_rq_sum) AS host_rq_sum, sum(st.host_queue_sum) AS host_queue_sum,
      sum(st.host_util_sum) AS host_util_sum, sum(st.host_traffic_sum) AS host_traffic_sum
      FROM steps st JOIN runs r ON r.id = st.run_id WHERE st.status = 'ok' AND st.metric_value IS NOT NULL
      GROUP BY st.run_id, st.config_name, st.workload_id, st.target_name, st.metric_unit
      ORDER BY st.run_id, st.config_name, st.target_name, st.metric_unit`)
    .all();

/** A database at version 6 with two labs and runs whose steps are ok, failed, pending, sampled or not. */
function version6(name: string): { file: string; runA: number; runB: number } {
  const file = join(dir, `${name}.sqlite`);
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 6) });
  db.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?), (2, ?, ?)').run('lab', T, 'other', T);
  const runA = insertRun(db, 1, 'virtio');
  insertStep(db, runA, { idx: 0, host: ['vdb', 3, 384] });
  insertStep(db, runA, { idx: 1, config: 'ide', target: null, value: 50 });
  insertStep(db, runA, { idx: 2, host: ['vdc', 2, 100] });
  insertStep(db, runA, { idx: 3, status: 'failed', value: null });
  insertStep(db, runA, { idx: 4, status: 'pending', value: null });
  const runB = insertRun(db, 2, 'lsi');
  insertStep(db, runB, { idx: 0, value: 900, unit: 'Mbps' });
  db.close();
  return { file, runA, runB };
}

test('0007 fills run_cells from the ok steps already stored, one row per run and cell', () => {
  const { file, runA, runB } = version6('backfill');
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
  assert.equal(db.pragma('user_version', { simple: true }), 7);
  assert.equal((db.pragma('table_list') as { name: string; strict: number }[]).find((t) => t.name === 'run_cells')?.strict, 1);
  assert.deepEqual(cells(db), [
    { run_id: runA, lab_id: 1, label: 'virtio', config_name: 'ide', workload_id: 'dd-write', target_name: null, metric_unit: 'MBps', first_idx: 1, n: 1, metric_values: '[50.0]', host_device: null, host_last_device: null, host_samples: 0, host_rq_sum: null, host_queue_sum: null, host_util_sum: null, host_traffic_sum: null },
    { run_id: runA, lab_id: 1, label: 'virtio', config_name: 'virtio', workload_id: 'dd-write', target_name: 'scratch', metric_unit: 'MBps', first_idx: 0, n: 2, metric_values: '[100.0,102.0]', host_device: 'vdb', host_last_device: 'vdc', host_samples: 5, host_rq_sum: 484, host_queue_sum: 484, host_util_sum: 484, host_traffic_sum: 484 },
    { run_id: runB, lab_id: 2, label: 'lsi', config_name: 'virtio', workload_id: 'dd-write', target_name: 'scratch', metric_unit: 'Mbps', first_idx: 0, n: 1, metric_values: '[900.0]', host_device: null, host_last_device: null, host_samples: 0, host_rq_sum: null, host_queue_sum: null, host_util_sum: null, host_traffic_sum: null },
  ]);
  db.close();
});

test('0007 keeps run_cells equal to its steps through inserts, updates, moves, deletes and relabels', () => {
  const { file, runA, runB } = version6('triggers');
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
  const same = (what: string) => assert.deepEqual(cells(db), expectedCells(db), what);
  const firstOk = () => db.prepare("SELECT id FROM steps WHERE run_id = ? AND status = 'ok' ORDER BY idx").pluck().get(runA) as number;
  const update = (sql: string, ...params: unknown[]) => db.prepare(sql).run(...params);

  const pending = insertStep(db, runA, { idx: 5, status: 'pending', value: null });
  same('a pending step adds nothing');
  update("UPDATE steps SET status = 'ok', metric_name = 'bandwidth', metric_value = 7, metric_unit = 'MBps' WHERE id = ?", pending);
  same('a step that finishes ok joins its cell');
  assert.equal(db.prepare("SELECT n FROM run_cells WHERE run_id = ? AND config_name = 'virtio'").pluck().get(runA), 3);
  update('UPDATE steps SET metric_value = 8 WHERE id = ?', pending);
  same('a changed value');
  update("UPDATE steps SET host_device = 'sdz', host_samples = 1, host_rq_sum = 9, host_queue_sum = 9, host_util_sum = 9, host_traffic_sum = 9 WHERE id = ?", pending);
  same('host sums of samples added later');
  update("UPDATE steps SET status = 'failed', metric_name = NULL, metric_value = NULL, metric_unit = NULL WHERE id = ?", pending);
  same('a step that is no longer ok leaves its cell');
  update("UPDATE steps SET config_name = 'moved' WHERE id = ?", firstOk());
  same('a step moved to another cell: both follow');
  insertStep(db, runB, { idx: 1, config: 'e1000', value: 300, unit: 'Mbps' });
  same('a step inserted as ok');
  db.prepare('DELETE FROM steps WHERE id = ?').run(firstOk());
  same('a deleted step');
  update("UPDATE runs SET label = 'renamed', lab_id = 1 WHERE id = ?", runB);
  same('a relabelled run');
  assert.deepEqual(db.prepare('SELECT DISTINCT label FROM run_cells WHERE run_id = ?').pluck().all(runB), ['renamed']);
  db.prepare('DELETE FROM runs WHERE id = ?').run(runA);
  same('a deleted run takes its cells');
  assert.equal(db.prepare('SELECT count(*) FROM run_cells WHERE run_id = ?').pluck().get(runA), 0);
  db.prepare('DELETE FROM labs WHERE id = 1').run();
  assert.equal(db.prepare('SELECT count(*) FROM run_cells').pluck().get(), 0, 'a deleted lab takes its runs and their cells');
  db.close();
});

test('0007 refuses a cell with no values or values that are not a JSON array', () => {
  const { file, runB } = version6('checks');
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
  const insert = (n: number, values: string) =>
    db.prepare(`INSERT INTO run_cells (run_id, lab_id, label, config_name, workload_id, metric_unit, first_idx, n, metric_values, host_samples) VALUES (?, 2, 'x', 'c', 'w', 'MBps', 0, ?, ?, 0)`).run(runB, n, values);
  assert.throws(() => insert(0, '[]'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insert(1, '{"a":1}'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insert(1, '[1'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.equal(insert(1, '[1]').changes, 1, 'a well-formed cell is accepted');
  db.close();
});

test('0007 answers statistics of a run from its index, and by label without a sort', () => {
  const { file } = version6('plans');
  const db = openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
  const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
  const GROUPED = 'SELECT label, count(*), group_concat(metric_values) FROM run_cells WHERE SCOPE GROUP BY label, config_name, workload_id, target_name, metric_unit';
  assert.match(plan(GROUPED.replace('SCOPE', 'run_id = 1')), /USING INDEX run_cells_by_run \(run_id=\?\)/);
  for (const scope of ['lab_id = 1', '1 = 1']) {
    const byLabel = plan(GROUPED.replace('SCOPE', scope));
    assert.match(byLabel, /SCAN run_cells USING INDEX run_cells_by_cell/, scope);
    assert.doesNotMatch(byLabel, /TEMP B-TREE/, scope);
  }
  db.close();
});
