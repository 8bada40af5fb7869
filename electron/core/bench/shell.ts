// The one way bench code runs a shell command on a node: a function, so the guard and the
// device mapping can run against a node over SSH (the pool) or, in tests, on this machine.
import type { ExecOptions, SshEndpoint, SshPool } from '../ssh/types.js';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type Shell = (command: string, options?: Pick<ExecOptions, 'signal' | 'timeoutMs'>) => Promise<ShellResult>;

/** Inspection scripts are short; a node that takes longer than this is not answering. */
export const INSPECT_TIMEOUT_MS = 30_000;

export function poolShell(pool: SshPool, endpoint: SshEndpoint): Shell {
  return (command, options = {}) => pool.exec(endpoint, command, { timeoutMs: INSPECT_TIMEOUT_MS, ...options });
}

/** Reads `key=value` lines (repeated keys collect in order); other lines are ignored. */
export function keyValues(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    if (!/^[a-z]+$/.test(key)) continue;
    const list = out.get(key) ?? [];
    list.push(line.slice(at + 1));
    out.set(key, list);
  }
  return out;
}

export function first(map: Map<string, string[]>, key: string): string | undefined {
  return map.get(key)?.[0];
}
