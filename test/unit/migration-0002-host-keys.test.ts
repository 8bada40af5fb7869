import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0002-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
/** A database at version 1 holding one lab with nodes 1 and 2, then migrated to version 2. */
function migratedDb(name: string): Database {
  const file = join(dir, `${name}.sqlite`);
  const before = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
  before.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?)').run('lab', T);
  const node = before.prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, created_at) VALUES (?, 1, ?, '[]', 'h', 22, 'u', 'agent', ?)`);
  node.run(1, 'n1', T);
  node.run(2, 'n2', T);
  before.close();
  return openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
}
const insertKey = (db: Database, nodeId: unknown, keyType: unknown = 'ssh-ed25519') =>
  db.prepare('INSERT INTO host_keys (node_id, key_type, fingerprint, accepted_at) VALUES (?, ?, ?, ?)').run(nodeId, keyType, 'SHA256:abc', T);

test('0002 adds a STRICT host_keys table and keeps the existing nodes', () => {
  const db = migratedDb('keep');
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  assert.deepEqual(db.prepare('SELECT name FROM nodes ORDER BY id').pluck().all(), ['n1', 'n2']);
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  assert.equal(tables.find((t) => t.name === 'host_keys')?.strict, 1);
  assert.throws(() => insertKey(db, 1, Buffer.from('ed25519')), { code: 'SQLITE_CONSTRAINT_DATATYPE' });
  db.close();
});

test('0002 allows one host key per node and only for existing nodes', () => {
  const db = migratedDb('one-per-node');
  insertKey(db, 1);
  assert.throws(() => insertKey(db, 1), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  assert.throws(() => insertKey(db, 99), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  db.close();
});

test('0002 deletes a host key with its node and with its lab', () => {
  const db = migratedDb('cascade');
  insertKey(db, 1);
  insertKey(db, 2);
  db.prepare('DELETE FROM nodes WHERE id = 1').run();
  assert.deepEqual(db.prepare('SELECT node_id FROM host_keys').pluck().all(), [2]);
  db.prepare('DELETE FROM labs WHERE id = 1').run();
  assert.equal(db.prepare('SELECT count(*) FROM host_keys').pluck().get(), 0);
  db.close();
});
