// How the driver appliers run commands on a lab node: one function with stdin (the domain XML,
// the rewritten eucalyptus.conf and the xl.cfg travel as stdin, never inside a command line), and
// the node's name for messages. Over SSH it is the pool; in the "(mock: ...)" tests a recorder.
import { AppError } from '../../../shared/result.js';
import type { Shell, ShellResult } from '../bench/shell.js';
import { shQuote } from '../ssh/quote.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';

export interface RunOptions {
  stdin?: string;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface NodeShell {
  /** For messages: `node "back" (10.0.0.2)`. */
  where: string;
  exec(command: string, options?: RunOptions): Promise<ShellResult>;
}

/** Most commands answer within this; virsh start/define and qemu-img get longer where they are called. */
export const COMMAND_TIMEOUT_MS = 60_000;

export function sshNode(pool: SshPool, endpoint: SshEndpoint, where: string): NodeShell {
  return {
    where,
    exec: (command, options = {}) =>
      pool.exec(endpoint, command, {
        timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
  };
}

/** The bench code's Shell (the guard, the device map) over the same node. */
export function asShell(node: NodeShell): Shell {
  return (command, options = {}) => node.exec(command, { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}), signal: options.signal });
}

/** Runs a command that must succeed; a failure names the node, the step and what the command printed. */
export async function must(node: NodeShell, command: string, what: string, options: RunOptions = {}): Promise<string> {
  const r = await node.exec(command, options);
  if (r.code !== 0) {
    const said = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-6).join(' | ').slice(0, 600);
    throw new AppError('COMMAND_FAILED', `${what} on ${node.where} failed (exit ${String(r.code)}): ${said || 'no output'}`, { command, exitCode: r.code });
  }
  return r.stdout;
}

/** Checks that the node has every tool first, so a missing one is named before anything changed. */
export async function requireTools(node: NodeShell, tools: readonly string[], hint: string): Promise<void> {
  const script = tools.map((t) => `command -v ${shQuote(t)} >/dev/null 2>&1 || echo ${shQuote(t)}`).join('; ');
  const missing = (await node.exec(script)).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  if (missing.length > 0) throw new AppError('MISSING_DEPENDENCY', `${node.where} has no ${missing.join(', ')} in its PATH; ${hint}`, { missing });
}
