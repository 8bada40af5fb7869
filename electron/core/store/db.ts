// Opens (creating if needed) the iovlab database file and brings its schema up to date.
// In Electron, better-sqlite3 must be the build for Electron's ABI: the shell points
// IOVLAB_SQLITE_BINDING at that .node file, while plain Node uses the package's own build.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../../shared/result.js';
import { toAppError } from './errors.js';
import { migrate } from './migrate.js';
import type { Migration } from './migration.js';

export type Database = BetterSqlite3.Database;

export interface OpenOptions {
  /** Path of a better-sqlite3 .node build; defaults to env IOVLAB_SQLITE_BINDING, else the package's own. */
  nativeBinding?: string;
  /** For tests of the runner; the real list by default. */
  migrations?: readonly Migration[];
}

const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(file: string, opts: OpenOptions = {}): Database {
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw new AppError('DB_ERROR', `cannot create the directory ${dirname(file)} for the database: ${firstLine(e)}`, { file });
  }
  const nativeBinding = opts.nativeBinding ?? (process.env.IOVLAB_SQLITE_BINDING || undefined);
  let db: Database;
  try {
    db = new BetterSqlite3(file, nativeBinding ? { nativeBinding, timeout: BUSY_TIMEOUT_MS } : { timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    const what = nativeBinding ? `cannot open the database ${file} with the SQLite module ${nativeBinding}` : `cannot open the database ${file}`;
    throw new AppError('DB_ERROR', `${what}: ${firstLine(e)}`, { file });
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Migrate before switching to WAL: a database refused as too new must stay byte-for-byte
    // untouched, and the first statement that reads the file also detects a non-database.
    migrate(db, file, opts.migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    db.close();
    throw toAppError(e, file, `cannot open the database ${file}`);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
