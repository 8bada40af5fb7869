import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../electron/core/store/db.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-m0004-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T = '2026-01-01T00:00:00.000Z';
/** A database at version 3 with one lab, nodes 1 and 2 and a probe, then migrated to 4. */
function migratedDb(name: string): Database {
  const file = join(dir, `${name}.sqlite`);
  const before = openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
  before.prepare('INSERT INTO labs (id, name, created_at) VALUES (1, ?, ?)').run('lab', T);
  const node = before.prepare(`INSERT INTO nodes (id, lab_id, name, roles, host, port, ssh_user, auth_kind, created_at) VALUES (?, 1, ?, '[]', 'h', 22, 'u', 'password', ?)`);
  node.run(1, 'n1', T);
  node.run(2, 'n2', T);
  before.prepare('INSERT INTO probes (node_id, taken_at, facts) VALUES (1, ?, ?)').run(T, '{}');
  before.close();
  return openDatabase(file, { migrations: MIGRATIONS.slice(0, 4) });
}
const putSecret = (db: Database, nodeId: number, ciphertext: unknown) => db.prepare('INSERT INTO secrets (node_id, ciphertext) VALUES (?, ?)').run(nodeId, ciphertext);

test('0004 adds a STRICT secrets table that holds only BLOBs, keeping the probes', () => {
  const db = migratedDb('blob');
  assert.equal(db.pragma('user_version', { simple: true }), 4);
  assert.equal(db.prepare('SELECT count(*) FROM probes').pluck().get(), 1);
  const tables = db.pragma('table_list') as { name: string; strict: number }[];
  assert.equal(tables.find((t) => t.name === 'secrets')?.strict, 1);
  assert.throws(() => putSecret(db, 1, 'hunter2'), { code: 'SQLITE_CONSTRAINT_DATATYPE' }, 'plaintext strings are refused');
  assert.throws(() => putSecret(db, 1, null), { code: 'SQLITE_CONSTRAINT_NOTNULL' });
  const sealed = Buffer.from([0, 1, 2, 0xff, 0]);
  putSecret(db, 1, sealed);
  assert.deepEqual(db.prepare('SELECT ciphertext FROM secrets WHERE node_id = 1').pluck().get(), sealed);
  db.close();
});

test('0004 keeps one secret per existing node and deletes it with the node', () => {
  const db = migratedDb('cascade');
  putSecret(db, 1, Buffer.from('a'));
  putSecret(db, 2, Buffer.from('b'));
  assert.throws(() => putSecret(db, 1, Buffer.from('c')), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  assert.throws(() => putSecret(db, 99, Buffer.from('c')), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  db.prepare('DELETE FROM nodes WHERE id = 2').run();
  assert.deepEqual(db.prepare('SELECT node_id FROM secrets').pluck().all(), [1]);
  db.close();
});
