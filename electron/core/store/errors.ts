// SQLite reports problems as SqliteError with an extended result code; callers of the store
// should see AppError codes with a message that says what was being done and to which file.
import BetterSqlite3 from 'better-sqlite3';
import { AppError, type ErrorCode } from '../../../shared/result.js';

const CODE_BY_SQLITE: Record<string, ErrorCode> = {
  SQLITE_CONSTRAINT_UNIQUE: 'ALREADY_EXISTS',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'ALREADY_EXISTS',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'NOT_FOUND',
  SQLITE_CONSTRAINT_CHECK: 'INVALID_ARGUMENT',
  SQLITE_CONSTRAINT_DATATYPE: 'INVALID_ARGUMENT',
  SQLITE_CONSTRAINT_NOTNULL: 'INVALID_ARGUMENT',
  SQLITE_CONSTRAINT_TRIGGER: 'INVALID_ARGUMENT',
};

/** Turns anything thrown while `doing` something with `file` into an AppError (AppErrors pass through). */
export function toAppError(e: unknown, file: string, doing: string): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof BetterSqlite3.SqliteError) {
    if (e.code === 'SQLITE_NOTADB') {
      return new AppError('DB_ERROR', `${file} is not an SQLite database; move it away or choose another data directory (--data-dir)`, { file });
    }
    if (e.code === 'SQLITE_CORRUPT') {
      return new AppError('DB_ERROR', `the database ${file} is corrupt (${e.message}); restore it from a backup or choose another data directory (--data-dir)`, { file });
    }
    if (e.code.startsWith('SQLITE_BUSY') || e.code.startsWith('SQLITE_LOCKED')) {
      return new AppError('DB_ERROR', `${doing}: the database ${file} stayed locked by another process (is another iovlab writing to it?)`, { file });
    }
    const code = CODE_BY_SQLITE[e.code] ?? 'DB_ERROR';
    return new AppError(code, `${doing}: ${e.message}`, { file, sqliteCode: e.code });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new AppError('DB_ERROR', `${doing} (${file}): ${message}`, { file });
}

/** Runs `fn`, translating whatever it throws. */
export function guarded<T>(file: string, doing: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toAppError(e, file, doing);
  }
}
