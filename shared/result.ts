// Errors cross every boundary (IPC, WebSocket, CLI) as data, never as thrown exceptions,
// so the renderer can show `message` and tests can assert `code`.

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'UNKNOWN_METHOD',
  'HOST_UNREACHABLE',
  'CONNECT_TIMEOUT',
  'AUTH_FAILED',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'SECRET_REQUIRED',
  'KEY_FILE_UNREADABLE',
  'SSH_ERROR',
  'COMMAND_FAILED',
  'COMMAND_TIMEOUT',
  'MISSING_DEPENDENCY',
  'NEEDS_ROOT',
  'PREFLIGHT_FAILED',
  'CANCELLED',
  'PARSE_ERROR',
  'DB_TOO_NEW',
  'DB_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Structured extras a UI may use (e.g. both fingerprints of a changed host key). */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<T> {
  return { ok: false, error: details ? { code, message, details } : { code, message } };
}

/** An exception that carries an ApiError; the boundary turns it into a failed Result. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  toApiError(): ApiError {
    return this.details ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Exhaustiveness guard for switches over unions (Signal's missingCaseError). */
export function missingCase(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
