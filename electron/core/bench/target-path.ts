// Target paths come from plan files and the UI, so they are hostile until checked. Every path
// is also shQuote()d before it reaches a shell; this check is the second wall: it refuses
// anything a careless script could misread (metacharacters, whitespace, control characters,
// `..`, option-like names) with a message that names the offending character.
import { AppError } from '../../../shared/result.js';

/** Where the workbench creates its file targets on a node (created on first use). */
export const DEFAULT_TARGET_DIR = '/var/tmp/iovlab';

const SAFE = /^[A-Za-z0-9._/+,:@%=-]$/;
const MAX_PATH = 1024;

function describeChar(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 0x20 || code === 0x7f) return `a control character (${hex})`;
  if (/\s/.test(c)) return `whitespace (${hex})`;
  if (code > 0x7e) return `the non-ASCII character "${c}" (${hex})`;
  return `the shell metacharacter ${JSON.stringify(c)}`;
}

function refuse(where: string, path: string, why: string): never {
  throw new AppError('INVALID_ARGUMENT', `${where}: refusing target path ${JSON.stringify(path)}: ${why}`, { reason: 'unsafe-path', path });
}

/**
 * Checks a target path and makes it absolute: a relative name lands in DEFAULT_TARGET_DIR.
 * `where` names the target for messages (e.g. `target "scratch" on node "back"`).
 */
export function checkTargetPath(path: string, where: string): string {
  if (path.length === 0) refuse(where, path, 'the path is empty');
  if (path.length > MAX_PATH) refuse(where, path.slice(0, 60), `the path is longer than ${MAX_PATH} characters`);
  for (const c of path) {
    if (!SAFE.test(c)) refuse(where, path, `it contains ${describeChar(c)}; only letters, digits and . _ / + , : @ % = - are allowed in target paths`);
  }
  const parts = path.split('/');
  if (parts.includes('..')) refuse(where, path, 'it contains a ".." component');
  if (parts.some((p) => p.startsWith('-'))) refuse(where, path, 'a path component starts with "-", which tools would read as an option');
  const absolute = path.startsWith('/') ? path : `${DEFAULT_TARGET_DIR}/${path}`;
  return absolute.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
}

export function isInside(dir: string, path: string): boolean {
  return path.startsWith(`${dir}/`);
}

/** lsblk's human size ("32M", "465.8G", "1.8T"): powers of 1024, one decimal unless whole. */
export function humanSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}${units[i] ?? ''}`;
}
