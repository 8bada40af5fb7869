// Polling for a condition (a marker on a serial console, an SSH login) against a deadline: each
// step re-checks the real state, so nothing waits a fixed time in the hope it is long enough.
import { readFile } from 'node:fs/promises';

/**
 * Calls `check` until it returns a non-null value (returned) or the deadline passes (null),
 * pausing `intervalMs` between attempts.
 */
export async function waitFor<T>(check: () => Promise<T | null>, deadline: number, intervalMs: number): Promise<T | null> {
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}

/** The last `lines` lines of a text file ('' when it does not exist yet). */
export async function readTail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines - 1).join('\n').trim();
}
