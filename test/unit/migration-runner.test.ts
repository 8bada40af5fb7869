import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../electron/core/store/db.js';
import { migrate, migrationHash } from '../../electron/core/store/migrate.js';
import type { Migration } from '../../electron/core/store/migration.js';
import { MIGRATIONS } from '../../electron/core/store/migrations/index.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fileNamed = (name: string) => join(dir, `${name}.sqlite`);

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
  applied_at: string;
}
const appliedRows = (db: BetterSqlite3.Database) => db.prepare('SELECT * FROM schema_migrations ORDER BY version').all() as AppliedRow[];
const tableNames = (db: BetterSqlite3.Database) => db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
const snapshot = (file: string) => ({ bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs });

test('a fresh database is migrated to the newest version with every step recorded', () => {
  const db = openDatabase(fileNamed('fresh'));
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  const rows = appliedRows(db);
  assert.deepEqual(
    rows.map((r) => [r.version, r.name, r.sha256]),
    MIGRATIONS.map((m) => [m.version, m.name, migrationHash(m.sql)]),
  );
  for (const row of rows) assert.match(row.applied_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  db.close();
});

test('the real migration list has versions 1..n and kebab-case names', () => {
  MIGRATIONS.forEach((m, i) => {
    assert.equal(m.version, i + 1);
    assert.match(m.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

test('re-opening an up-to-date database changes nothing', () => {
  const file = fileNamed('reopen');
  const first = openDatabase(file);
  const rowsBefore = appliedRows(first);
  first.close();
  const second = openDatabase(file);
  assert.deepEqual(appliedRows(second), rowsBefore);
  assert.deepEqual(migrate(second, file), { from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
  second.close();
});

test('a database newer than this build is refused with DB_TOO_NEW and left untouched', () => {
  const file = fileNamed('too-new');
  const future = new BetterSqlite3(file);
  future.exec('CREATE TABLE labs (id INTEGER PRIMARY KEY, name TEXT, hologram BLOB)');
  future.pragma('user_version = 999');
  future.close();
  const before = snapshot(file);
  assert.throws(() => openDatabase(file), (e: unknown) => {
    const err = e as { code: string; message: string };
    assert.equal(err.code, 'DB_TOO_NEW');
    assert.ok(err.message.includes(file), 'names the file');
    assert.match(err.message, /schema version 999/);
    assert.match(err.message, new RegExp(`schema version ${MIGRATIONS.length}\\b`));
    assert.match(err.message, /[Uu]pgrade iovlab/);
    return true;
  });
  const afterOpen = snapshot(file);
  assert.ok(afterOpen.bytes.equals(before.bytes), 'file content unchanged');
  assert.equal(afterOpen.mtimeMs, before.mtimeMs, 'file mtime unchanged');
  assert.equal(existsSync(`${file}-wal`), false, 'not switched to WAL');
});

test('a database migrated with an edited migration is refused with DB_ERROR', () => {
  const file = fileNamed('edited');
  openDatabase(file).close();
  const edited: Migration[] = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, sql: `${m.sql}\n-- tweaked after release\n` } : m));
  const before = snapshot(file);
  assert.throws(() => openDatabase(file, { migrations: edited }), { code: 'DB_ERROR', message: /migration 2 \("host-keys"\).*edited/s });
  assert.ok(snapshot(file).bytes.equals(before.bytes), 'file content unchanged');
});

test('a failing migration rolls back completely (fake migration list)', () => {
  const file = fileNamed('rollback');
  const good: Migration = { version: 1, name: 'good', sql: 'CREATE TABLE kept (x INTEGER) STRICT;' };
  const bad: Migration = { version: 2, name: 'bad', sql: 'CREATE TABLE half (x INTEGER) STRICT; INSERT INTO kept VALUES (1); INSERT INTO missing_table VALUES (1);' };
  assert.throws(() => openDatabase(file, { migrations: [good, bad] }), { code: 'DB_ERROR', message: /0002-bad failed.*missing_table.*left at schema version 1/s });
  const db = new BetterSqlite3(file, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  assert.deepEqual(tableNames(db), ['kept', 'schema_migrations']);
  assert.equal(db.prepare('SELECT count(*) FROM kept').pluck().get(), 0);
  assert.deepEqual(appliedRows(db).map((r) => r.name), ['good']);
  db.close();
});

test('a migration that leaves a dangling foreign key is rolled back (fake migration list)', () => {
  const file = fileNamed('dangling');
  const parent: Migration = { version: 1, name: 'parent', sql: 'CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;' };
  const child: Migration = {
    version: 2,
    name: 'child',
    sql: 'CREATE TABLE child (parent_id INTEGER REFERENCES parent(id)) STRICT; INSERT INTO child VALUES (42);',
  };
  assert.throws(() => openDatabase(file, { migrations: [parent, child] }), { code: 'DB_ERROR', message: /dangling foreign key/ });
  const db = openDatabase(file, { migrations: [parent] });
  assert.deepEqual(tableNames(db), ['parent', 'schema_migrations']);
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'foreign keys are back on after migrating');
  db.close();
});

test('a migration list whose versions do not go 1, 2, 3 is refused', () => {
  const m = (version: number): Migration => ({ version, name: `m${version}`, sql: 'SELECT 1;' });
  for (const list of [[m(1), m(1)], [m(1), m(3)], [m(2)], [m(2), m(1)], [m(0)]]) {
    const db = new BetterSqlite3(':memory:');
    assert.throws(() => migrate(db, ':memory:', list), { code: 'INTERNAL', message: /versions must go 1, 2, 3/ });
    assert.equal(db.pragma('user_version', { simple: true }), 0);
    db.close();
  }
});

test('a file that is not an SQLite database is refused with DB_ERROR naming it', () => {
  const file = fileNamed('garbage');
  writeFileSync(file, 'these are my lab notes, not a database\n'.repeat(200));
  const before = snapshot(file);
  assert.throws(() => openDatabase(file), (e: unknown) => {
    const err = e as { code: string; message: string };
    assert.equal(err.code, 'DB_ERROR');
    assert.ok(err.message.includes(file), 'names the file');
    assert.match(err.message, /not an SQLite database/);
    return true;
  });
  assert.ok(snapshot(file).bytes.equals(before.bytes), 'file content unchanged');
});

test('an SQLite database from another program (schema version, no migration record) is refused', () => {
  const file = fileNamed('foreign');
  const other = new BetterSqlite3(file);
  other.pragma('user_version = 2');
  other.close();
  assert.throws(() => openDatabase(file), { code: 'DB_ERROR', message: /no schema_migrations table: it was not created by iovlab/ });
});

test('openDatabase creates missing parent directories and sets WAL, foreign keys and busy timeout', () => {
  const file = join(dir, 'deep', 'er', 'iovlab.sqlite');
  const db = openDatabase(file);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  db.close();
  assert.ok(existsSync(file));
});

test('openDatabase loads the native module from nativeBinding, else from IOVLAB_SQLITE_BINDING', () => {
  const real = join(process.cwd(), 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  openDatabase(fileNamed('binding-ok'), { nativeBinding: real }).close();
  const bogus = join(dir, 'no-such-binding.node');
  assert.throws(() => openDatabase(fileNamed('binding-bad'), { nativeBinding: bogus }), { code: 'DB_ERROR', message: new RegExp(`SQLite module ${bogus}`) });
  const saved = process.env.IOVLAB_SQLITE_BINDING;
  process.env.IOVLAB_SQLITE_BINDING = bogus;
  try {
    assert.throws(() => openDatabase(fileNamed('binding-env')), { code: 'DB_ERROR', message: /no-such-binding\.node/ });
  } finally {
    if (saved === undefined) delete process.env.IOVLAB_SQLITE_BINDING;
    else process.env.IOVLAB_SQLITE_BINDING = saved;
  }
});

test('several processes opening one fresh file at the same moment all succeed and migrate it once', async () => {
  const file = fileNamed('race');
  const gate = join(dir, 'race-gate');
  mkdirSync(gate);
  // Each child says it is ready, then spins until `go` appears, so all of them read
  // user_version 0 and race for the first migration: the losers must see it was applied.
  const script = `import { existsSync, writeFileSync } from 'node:fs';
    import { openDatabase } from ${JSON.stringify(join(process.cwd(), 'electron/core/store/db.ts'))};
    const [file, gate] = process.argv.slice(1);
    writeFileSync(gate + '/ready-' + process.pid, '');
    while (!existsSync(gate + '/go')) {}
    openDatabase(file).close();`;
  const count = 6;
  const children = Array.from({ length: count }, () => promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file, gate]));
  const deadline = Date.now() + 30_000;
  while (readdirSync(gate).length < count) {
    if (Date.now() > deadline) assert.fail(`only ${readdirSync(gate).length} of ${count} child processes started within 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  writeFileSync(join(gate, 'go'), '');
  await Promise.all(children);
  const db = new BetterSqlite3(file, { readonly: true });
  assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  assert.deepEqual(appliedRows(db).map((r) => r.version), MIGRATIONS.map((m) => m.version));
  db.close();
});
