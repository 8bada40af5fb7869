import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0003-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
/** A database at version 2 with one lab, nodes 1 and 2 and a host key, then migrated to 3. */
function migratedDb(name: string): Database {
  const file = join(dir, `${name}.sqlite`);
  const before = openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
  before.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?)').run('lab', T);
  const node = before.prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, created_at) VALUES (?, 1, ?, '[]', 'h', 22, 'u', 'agent', ?)`);
  node.run(1, 'n1', T);
  node.run(2, 'n2', T);
  before.prepare('INSERT INTO host_keys VALUES (1, ?, ?, ?)').run('ssh-ed25519', 'SHA256:abc', T);
  before.close();
  return openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
}
const insertProbe = (db: Database, nodeId: number, facts: unknown, takenAt: unknown = T) =>
  db.prepare('INSERT INTO probes (node_id, taken_at, facts) VALUES (?, ?, ?)').run(nodeId, takenAt, facts);

test('0003 adds a STRICT probes table and keeps nodes and host keys', () => {
  const db = migratedDb('keep');
  assert.equal(db.pragma('user_version', { simple: true }), 3);
  assert.equal(db.prepare('SELECT fingerprint FROM host_keys WHERE node_id = 1').pluck().get(), 'SHA256:abc');
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  assert.equal(tables.find((t) => t.name === 'probes')?.strict, 1);
  assert.throws(() => insertProbe(db, 1, '{}', Buffer.from(T)), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  db.close();
});

test('0003 accepts only a JSON object as facts, for an existing node', () => {
  const db = migratedDb('json');
  assert.throws(() => insertProbe(db, 1, 'kernel 6.1'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertProbe(db, 1, '[1,2]'), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertProbe(db, 99, '{}'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  insertProbe(db, 1, '{"kernel":"6.1.0"}');
  assert.equal(db.prepare("SELECT facts ->> '$.kernel' FROM probes").pluck().get(), '6.1.0');
  db.close();
});

test('0003 deletes probes with their node', () => {
  const db = migratedDb('cascade');
  insertProbe(db, 1, '{}');
  insertProbe(db, 1, '{}');
  insertProbe(db, 2, '{}');
  db.prepare('DELETE FROM nodes WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT node_id FROM probes').pluck().all(), [2]);
  db.close();
});

test('0003 serves "latest probe of a node" from its index', () => {
  const db = migratedDb('index');
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM probes WHERE node_id = ? ORDER BY taken_at DESC, id DESC LIMIT 1').all(1) as { detail: string }[];
  const details = plan.map((p) => p.detail).join('\n');
  assert.match(details, /probes_by_node_newest/);
  assert.doesNotMatch(details, /TEMP B-TREE/, 'the ORDER BY must come from the index, not a sort');
  db.close();
});
