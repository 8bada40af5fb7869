import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0001-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
function freshDb(name: string): Database {
  const db = openDatabase(join(dir, `${name}.sqlite`), { migrations: MIGRATIONS.slice(0, 1) });
  db.prepare('INSERT INTO labs (id, name, description, created_at) VALUES (1, ?, ?, ?), (2, ?, ?, ?)').run('lab-a', '', T, 'lab-b', '', T);
  return db;
}
const insertNode = (db: Database, values: Record<string, unknown>) =>
  db
    .prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, key_path, jump_node_id, created_at)
      VALUES (@id, @lab, @name, @roles, 'h', @port, 'u', @auth, NULL, @jump, '${T}')`)
    .run({ id: null, lab: 1, name: 'n', roles: '["NC"]', port: 22, auth: 'agent', jump: null, ...values });

test('0001 creates STRICT labs and nodes tables on an empty database', () => {
  const db = freshDb('strict');
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  assert.equal(tables.find((t) => t.name === 'labs')?.strict, 1);
  assert.equal(tables.find((t) => t.name === 'nodes')?.strict, 1);
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  assert.throws(() => insertNode(db, { port: 'twenty-two' }), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  assert.throws(() => insertNode(db, { port: 22.5 }), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  assert.throws(() => db.prepare('INSERT INTO labs (name, description, created_at) VALUES (?, ?, ?)').run(Buffer.from('lab'), '', T), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  db.close();
});

test('0001 checks roles JSON, auth kind and port range', () => {
  const db = freshDb('checks');
  assert.throws(() => insertNode(db, { roles: 'NC' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertNode(db, { roles: '{"NC":1}' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertNode(db, { auth: 'kerberos' }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertNode(db, { port: 0 }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => insertNode(db, { port: 65536 }), { code: 'SQLITE_CONSTRAINT_CHECK' });
  for (const auth of ['key', 'agent', 'password']) insertNode(db, { name: auth, auth });
  assert.equal(db.prepare('SELECT count(*) FROM nodes').pluck().get(), 3);
  db.close();
});

test('0001 makes node names unique per lab and lab names unique', () => {
  const db = freshDb('unique');
  insertNode(db, { name: 'nc1' });
  assert.throws(() => insertNode(db, { name: 'nc1' }), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
  insertNode(db, { name: 'nc1', lab: 2 });
  assert.throws(() => db.prepare('INSERT INTO labs (name, created_at) VALUES (?, ?)').run('lab-a', T), { code: 'SQLITE_CONSTRAINT_UNIQUE' });
  db.close();
});

test('0001 cascades lab deletion to nodes and nulls a deleted jump node', () => {
  const db = freshDb('cascade');
  insertNode(db, { id: 10, name: 'bastion' });
  insertNode(db, { id: 11, name: 'inner', jump: 10 });
  insertNode(db, { id: 20, name: 'other', lab: 2 });
  assert.throws(() => insertNode(db, { lab: 99, name: 'orphan' }), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  db.prepare('DELETE FROM nodes WHERE id = 10').run();
  assert.equal(db.prepare('SELECT jump_node_id FROM nodes WHERE id = 11').pluck().get(), null);
  db.prepare('DELETE FROM labs WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT id FROM nodes').pluck().all(), [20]);
  db.close();
});

test('0001 refuses a node that jumps through itself or through another lab', () => {
  const db = freshDb('jump');
  // On insert the same-lab trigger fires before the CHECK; either way the row is refused.
  assert.throws(() => insertNode(db, { id: 5, name: 'self', jump: 5 }), { code: /^SQLITE_CONSTRAINT_(CHECK|TRIGGER)$/ });
  insertNode(db, { id: 1, name: 'a1' });
  insertNode(db, { id: 2, name: 'b1', lab: 2 });
  assert.throws(() => insertNode(db, { id: 3, name: 'a2', jump: 2 }), { code: 'SQLITE_CONSTRAINT_TRIGGER', message: /same lab/ });
  insertNode(db, { id: 3, name: 'a2', jump: 1 });
  assert.throws(() => db.prepare('UPDATE nodes SET jump_node_id = 2 WHERE id = 3').run(), { code: 'SQLITE_CONSTRAINT_TRIGGER' });
  assert.throws(() => db.prepare('UPDATE nodes SET jump_node_id = 3 WHERE id = 3').run(), { code: 'SQLITE_CONSTRAINT_CHECK' });
  assert.throws(() => db.prepare('UPDATE nodes SET lab_id = 2 WHERE id = 3').run(), { code: 'SQLITE_CONSTRAINT_TRIGGER' });
  db.close();
});
