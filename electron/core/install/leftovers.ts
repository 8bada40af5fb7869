// What a lost attempt left running. When the connection drops mid-step (or the process running
// the install dies), the node goes on with the step's commands: sshd does not stop them. An
// install step is no benchmark whose ghost can simply be killed — stopping apt or dpkg halfway
// leaves a broken package database — so the runner waits for the tagged processes to finish
// before it runs the step again from its check. If they outlast the step's time, the step fails
// and says which processes are still there.
import { AppError } from '../../../shared/result.js';
import { shQuote } from '../ssh/quote.js';
import type { SshPool } from '../ssh/types.js';
import { INSTALL_TAG_VAR, runSnippet, type NodeTarget } from './remote.js';

/** TERM, then KILL after 2 s, every process carrying the tag; prints the PIDs it found. */
export function killLeftoversScript(tag: string): string {
  const needle = shQuote(`${INSTALL_TAG_VAR}=${tag}`);
  return [
    `pids=$(grep -lzxF -- ${needle} /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\\n' ' ')`,
    '[ -n "$pids" ] || exit 0',
    'echo "$pids"',
    '# shellcheck disable=SC2086 # one word per pid',
    'kill -TERM $pids 2>/dev/null',
    'i=0; while [ $i -lt 20 ]; do alive=; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done',
    '  [ -n "$alive" ] || exit 0; sleep 0.1; i=$((i+1)); done',
    '# shellcheck disable=SC2086',
    'kill -KILL $alive 2>/dev/null; true',
  ].join('\n');
}

/**
 * After a cancel or a timeout: the SSH layer kills the command's process group as the SSH user,
 * which cannot signal what runs as root under sudo, nor what left the group (setsid). This runs
 * through the same sudo and stops what still carries the step's tag. Best effort: never throws.
 */
export async function stopLeftovers(pool: SshPool, target: NodeTarget, tag: string): Promise<string | null> {
  try {
    const r = await runSnippet(pool, target, killLeftoversScript(tag), { timeoutMs: 15_000, signal: new AbortController().signal });
    return r.stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Prints "gone" once no process carries the tag, or "busy PIDS" after `limitS` seconds. */
export function waitLeftoversScript(tag: string, limitS: number): string {
  const needle = shQuote(`${INSTALL_TAG_VAR}=${tag}`);
  return [
    'i=0',
    'while :; do',
    `  pids=$(grep -lzxF -- ${needle} /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\\n' ' ')`,
    '  if [ -z "$pids" ]; then echo gone; exit 0; fi',
    `  if [ "$i" -ge ${Math.max(0, Math.floor(limitS))} ]; then echo "busy $pids"; exit 0; fi`,
    '  if [ "$i" -eq 0 ]; then echo "waiting for $pids"; fi',
    '  sleep 1; i=$((i+1))',
    'done',
  ].join('\n');
}

/** Waits (within `timeoutMs`) until nothing of the step's earlier attempts runs on the node. */
export async function waitForLeftovers(pool: SshPool, target: NodeTarget, tag: string, timeoutMs: number, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  const limitS = Math.max(0, Math.floor(timeoutMs / 1000) - 2);
  const r = await runSnippet(pool, target, waitLeftoversScript(tag, limitS), { timeoutMs: timeoutMs + 5000, signal });
  const waited = /^waiting for (.*)$/m.exec(r.stdout)?.[1]?.trim();
  if (waited) log(`the earlier attempt was still running on the node (pids ${waited}); waited for it to finish`);
  const busy = /^busy (.*)$/m.exec(r.stdout)?.[1]?.trim();
  if (busy) throw new AppError('COMMAND_FAILED', `the earlier attempt of this step is still running on node "${target.node.name}" (pids ${busy}, carrying ${INSTALL_TAG_VAR}=${tag}); it was left alone: resume once it has finished`);
  if (!/^gone$/m.test(r.stdout)) throw new AppError('COMMAND_FAILED', `cannot tell whether the earlier attempt still runs on node "${target.node.name}" (exit ${r.code ?? r.signal ?? '?'}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
}
