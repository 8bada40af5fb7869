// How a recipe snippet reaches a node: always through `sh -c` (recipes are POSIX sh, whatever
// the user's login shell is), through `sudo -n` when the SSH user is not root (never a password
// prompt that would hang), with DEBIAN_FRONTEND=noninteractive (apt/dpkg must never ask) and the
// sbin directories on PATH (non-login sessions often lack them). Output arrives line by line.
import { AppError } from '../../../shared/result.js';
import type { LabNode } from '../../../shared/model.js';
import { NEEDS_SCRIPT, parseNeedsOutput, type NodeAbilities } from '../../../shared/install/needs.js';
import { sidesOf } from '../../../shared/install/plan.js';
import type { InstallSide } from '../../../shared/install/recipe.js';
import { shQuote } from '../ssh/quote.js';
import type { ExecResult, SshEndpoint, SshPool } from '../ssh/types.js';

export interface NodeTarget {
  node: LabNode;
  endpoint: SshEndpoint;
  sudo: boolean;
  /** Lab facts a recipe may read (IOVLAB_FRONTEND_HOSTS, IOVLAB_BACKEND_HOSTS), exported in the script so they survive sudo. */
  labEnv?: Record<string, string>;
}

/** The lab's node addresses by side, space-separated: what registration steps (euca_conf, clusteradmin) need. */
export function labEnvOf(nodes: readonly Pick<LabNode, 'host' | 'roles'>[]): Record<string, string> {
  const hosts = (side: InstallSide) => nodes.filter((n) => sidesOf(n.roles).includes(side)).map((n) => n.host).join(' ');
  return { IOVLAB_FRONTEND_HOSTS: hosts('front-end'), IOVLAB_BACKEND_HOSTS: hosts('back-end') };
}

function exports(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${shQuote(v)}; export ${k}\n`).join('');
}

const PRELUDE = 'DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND\nPATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"; export PATH\n';
const SHORT_TIMEOUT_MS = 30_000;

/**
 * Every process a step starts carries IOVLAB_INSTALL=<tag> in its environment, so that after a
 * lost connection (sshd does not stop a session's processes when the client vanishes) the
 * runner can find what the lost attempt still runs and wait for it (./leftovers.ts).
 */
export const INSTALL_TAG_VAR = 'IOVLAB_INSTALL';

export function snippetCommand(snippet: string, sudo: boolean, tag?: string, labEnv: Record<string, string> = {}): string {
  // Through env, so the tag is in the environment the shell itself starts with (/proc/PID/environ
  // shows only that): the shell is found between two of its commands, not only its children.
  const shell = `${tag ? `env ${INSTALL_TAG_VAR}=${shQuote(tag)} ` : ''}sh -c ${shQuote(PRELUDE + exports(labEnv) + snippet)}`;
  return sudo ? `sudo -n ${shell}` : shell;
}

export type OutputLine = (stream: 'stdout' | 'stderr', line: string) => void;

/** Splits chunks into lines (a partial line waits for its end, or for flush). */
function lineSplitter(stream: 'stdout' | 'stderr', onLine: OutputLine) {
  let pending = '';
  const decoder = new TextDecoder();
  return {
    push(chunk: Buffer) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(stream, line.replace(/\r$/, ''));
    },
    flush() {
      pending += decoder.decode();
      if (pending !== '') onLine(stream, pending);
      pending = '';
    },
  };
}

export async function runSnippet(pool: SshPool, target: NodeTarget, snippet: string, opts: { timeoutMs: number; signal: AbortSignal; onLine?: OutputLine; tag?: string }): Promise<ExecResult> {
  const out = lineSplitter('stdout', (s, l) => opts.onLine?.(s, l));
  const err = lineSplitter('stderr', (s, l) => opts.onLine?.(s, l));
  try {
    return await pool.exec(target.endpoint, snippetCommand(snippet, target.sudo, opts.tag, target.labEnv), {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
      onStdout: (c) => out.push(c),
      onStderr: (c) => err.push(c),
    });
  } finally {
    out.flush();
    err.flush();
  }
}

/** What the node can do for steps with `needs` (run as the steps run: with sudo when not root). */
export async function detectAbilities(pool: SshPool, target: NodeTarget, signal: AbortSignal): Promise<NodeAbilities> {
  const r = await runSnippet(pool, target, NEEDS_SCRIPT, { timeoutMs: SHORT_TIMEOUT_MS, signal });
  if (!/^systemd=[01]$/m.test(r.stdout)) {
    const said = firstLines(r.stderr || r.stdout, 2) || 'no output';
    throw new AppError('COMMAND_FAILED', `node "${target.node.name}": cannot tell what it can do (exit ${r.code ?? r.signal ?? '?'}${target.sudo ? ', through sudo -n' : ''}): ${said}`);
  }
  return parseNeedsOutput(r.stdout);
}

/** The kernel's id for this boot: it changes when the node has rebooted. */
export async function readBootId(pool: SshPool, endpoint: SshEndpoint, signal: AbortSignal, timeoutMs = SHORT_TIMEOUT_MS): Promise<string> {
  const r = await pool.exec(endpoint, 'cat /proc/sys/kernel/random/boot_id', { timeoutMs, signal });
  const id = r.stdout.trim();
  if (r.code !== 0 || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('COMMAND_FAILED', `cannot read the boot id of ${endpoint.host} (/proc/sys/kernel/random/boot_id): ${firstLines(r.stderr, 1) || id || 'no output'}`);
  return id;
}

/** Starts `snippet` in its own session, so it outlives this SSH channel (a reboot ends it) and a cancel of the channel's process group. */
export function detachedSnippet(snippet: string): string {
  const inner = shQuote(`sleep 2; ${snippet}`);
  return `if command -v setsid >/dev/null 2>&1; then setsid sh -c ${inner} </dev/null >/dev/null 2>&1 &\nelse nohup sh -c ${inner} </dev/null >/dev/null 2>&1 &\nfi\necho started`;
}

/** Errors after which the node may well be fine: reconnect and try again. */
export function isConnectionLoss(e: unknown): e is AppError {
  return e instanceof AppError && ['SSH_ERROR', 'HOST_UNREACHABLE', 'CONNECT_TIMEOUT'].includes(e.code);
}

export function firstLines(text: string, n: number): string {
  return text.trim().split('\n').slice(0, n).join(' / ').slice(0, 500);
}

export function lastLines(text: string, n: number, maxChars = 2000): string {
  const lines = text.replace(/\s+$/, '').split('\n').slice(-n).join('\n');
  return lines.length > maxChars ? `...${lines.slice(-maxChars)}` : lines;
}
