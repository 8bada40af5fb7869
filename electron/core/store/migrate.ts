// Schema migration runner (after Signal's ts/sql/migrations): versions only go up by one, a
// database newer than this build is refused untouched, each step commits atomically together
// with its `user_version`, and the sha256 of every applied step is recorded so that editing a
// shipped migration is caught instead of silently diverging schemas.
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../../shared/result.js';
import { toAppError } from './errors.js';
import type { Migration } from './migration.js';
import { MIGRATIONS } from './migrations/index.js';

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: string[];
}

interface AppliedRow {
  version: number;
  name: string;
  sha256: string;
}

export function migrationHash(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

export function schemaVersion(db: BetterSqlite3.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Brings `db` (the database in `file`, named in messages) up to the newest of `migrations`. */
export function migrate(db: BetterSqlite3.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): MigrationOutcome {
  assertWellFormed(migrations);
  const latest = migrations.length;
  // Read the version and the migration records in one read transaction: another process may be
  // migrating the same fresh file right now, and mixing its before and after would look like
  // an inconsistent history.
  const from = db.transaction(() => {
    const version = schemaVersion(db);
    if (version <= latest) verifyApplied(db, file, version, migrations);
    return version;
  })();
  if (from > latest) {
    throw new AppError(
      'DB_TOO_NEW',
      `${file} has schema version ${from}, but this build of iovlab only knows schema version ${latest}: ` +
        'it was written by a newer iovlab. Upgrade iovlab to open it (the file was not modified).',
      { file, schemaVersion: from, supportedVersion: latest },
    );
  }

  const pending = migrations.slice(from);
  if (pending.length === 0) return { from, to: from, applied: [] };
  // Table rebuilds (the 12-step ALTER recipe) need foreign keys off; each step must still leave
  // no dangling reference, which foreign_key_check verifies before its commit.
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  const applied: string[] = [];
  try {
    for (const step of pending) if (applyOne(db, file, step)) applied.push(label(step));
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return { from, to: latest, applied };
}

function label(m: Migration): string {
  return `${String(m.version).padStart(4, '0')}-${m.name}`;
}

function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new AppError('INTERNAL', `migration list is broken: entry ${i + 1} ("${m.name}") has version ${m.version}, expected ${i + 1}; versions must go 1, 2, 3, ... without gaps or repeats`);
    }
  });
}

function verifyApplied(db: BetterSqlite3.Database, file: string, current: number, migrations: readonly Migration[]): void {
  if (current === 0) return;
  const hasTable = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  if (!hasTable) {
    throw new AppError('DB_ERROR', `${file} has schema version ${current} but no schema_migrations table: it was not created by iovlab; choose another data directory (--data-dir)`, { file });
  }
  const rows = db.prepare('SELECT version, name, sha256 FROM schema_migrations ORDER BY version').all() as AppliedRow[];
  const versions = rows.map((r) => r.version).join(',');
  const expected = Array.from({ length: current }, (_, i) => i + 1).join(',');
  if (versions !== expected) {
    throw new AppError('DB_ERROR', `${file} is at schema version ${current} but records migrations [${versions}]: the migration history is inconsistent`, { file });
  }
  for (const row of rows) {
    const known = migrations[row.version - 1];
    const hash = known ? migrationHash(known.sql) : '';
    if (!known || hash !== row.sha256) {
      throw new AppError(
        'DB_ERROR',
        `${file} was migrated with a different migration ${row.version} ("${row.name}") than this build has ` +
          `(recorded sha256 ${row.sha256.slice(0, 12)}…, this build ${hash.slice(0, 12)}…): a shipped migration was edited. ` +
          'Restore the original migration and put the change in a new one.',
        { file, version: row.version, recorded: row.sha256, expected: hash },
      );
    }
  }
}

/** Applies `step` unless another process (app and CLI starting together) already did; true if applied here. */
function applyOne(db: BetterSqlite3.Database, file: string, step: Migration): boolean {
  const run = db.transaction((): boolean => {
    if (schemaVersion(db) >= step.version) return false;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    db.exec(step.sql);
    const dangling = db.pragma('foreign_key_check') as unknown[];
    if (dangling.length > 0) throw new Error(`it leaves ${dangling.length} row(s) with a dangling foreign key`);
    db.prepare('INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)').run(
      step.version,
      step.name,
      migrationHash(step.sql),
      new Date().toISOString(),
    );
    db.pragma(`user_version = ${step.version}`);
    return true;
  });
  try {
    return run.immediate();
  } catch (e) {
    const cause = toAppError(e, file, `migration ${label(step)} failed`);
    throw new AppError('DB_ERROR', `${cause.message}; ${file} was left at schema version ${step.version - 1}`, { file, version: step.version });
  }
}
