// Small helpers shared by the text parsers: strict number reading and result checks.
import { ToolParseError } from './errors.js';

const PLAIN_NUMBER = /^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+]?\d+,\d+$/;

/**
 * A non-negative finite number written the way C's printf or Java print it ("12", "0.5",
 * "1.3E-4"), or with a decimal comma as sysstat and coreutils do under a European locale;
 * undefined for anything else (units, garbage, "nan", "inf", negative values).
 */
export function readNumber(token: string | undefined): number | undefined {
  if (token === undefined) return undefined;
  let t = token.trim();
  if (DECIMAL_COMMA.test(t)) t = t.replace(',', '.');
  if (!PLAIN_NUMBER.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Lines of a tool's output; `\r` also ends a line because progress output redraws with it. */
export function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function tokensOf(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** Every number a parser hands out must be finite and non-negative; anything else is a parse error. */
export function checkFigures(tool: string, value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ToolParseError(tool, `${path} came out as ${value}; the output is garbled`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkFigures(tool, v, `${path}[${i}]`));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkFigures(tool, v, `${path}.${k}`);
  }
}

/** The first line that looks like the tool complaining, trimmed to a readable length. */
export function firstMatchingLine(lines: string[], pattern: RegExp): string | undefined {
  const hit = lines.find((l) => pattern.test(l));
  return hit === undefined ? undefined : clip(hit.trim());
}

export function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** JSON.parse that never throws: undefined when the text is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A field that must be a finite non-negative number in parsed JSON. */
export function jsonNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}
