// The one function through which every value reaching a remote shell passes.
//
// Hand-written on purpose instead of a library such as shell-quote: those target parsing and
// quoting for local shells, try to be clever (backslash-escaping, double quotes, globs) and have
// had escaping CVEs. POSIX single quotes are simpler and provably total: inside '...' the shell
// gives every byte except ' its literal meaning — no $, `, \, newline or glob processing — so
// wrapping the value in ' and writing each ' as '\'' (close, escaped quote, reopen) quotes any
// string. Only NUL cannot be represented, because argv and C strings end at it.
import { AppError } from '../../../shared/result.js';

export function shQuote(s: string): string {
  if (s.includes('\0')) throw new AppError('INVALID_ARGUMENT', 'a value passed to a remote shell contains a NUL byte, which no shell argument can hold');
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Quote every word of an argv and join them into one command line. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}
