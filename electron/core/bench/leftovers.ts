// Every command a run starts on a node carries IOVLAB_RUN=<tag> in its environment. When the
// runner lost a command — its process died (SIGKILL), or the SSH connection dropped — the
// remote side may still be running it (sshd does not kill a session's processes when the
// client vanishes), and a re-run would then compete with its own ghost for the disk or the
// port. Before re-running, the runner finds the processes carrying the run's tag
// (/proc/PID/environ) and stops them, and only them.
import { shQuote } from '../ssh/quote.js';

export const RUN_TAG_VAR = 'IOVLAB_RUN';

/** A tag unique to one run across databases: its id and its creation time. */
export function runTag(run: { id: number; createdAt: string }): string {
  const created = Date.parse(run.createdAt);
  return `${run.id}.${Number.isFinite(created) ? created.toString(36) : '0'}`;
}

/** Prints the PIDs it stopped, one per line; TERM first, KILL after 2 s. */
export function killTaggedScript(tag: string): string {
  const needle = shQuote(`${RUN_TAG_VAR}=${tag}`);
  return [
    `pids=$(grep -lzxF -- ${needle} /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$$")`,
    '[ -n "$pids" ] || exit 0',
    'echo "$pids"',
    'kill -TERM $pids 2>/dev/null',
    'i=0; while [ $i -lt 20 ]; do alive=; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done',
    '  [ -n "$alive" ] || exit 0; sleep 0.1; i=$((i+1)); done',
    'kill -KILL $alive 2>/dev/null; true',
  ].join('\n');
}
