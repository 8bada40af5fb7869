// Runs one command on an open ssh2 connection and makes cancellation real on the remote side.
//
// OpenSSH ignores most channel "signal" requests and closing a channel does not stop a process
// that is not writing (`sleep 300`, a paused fio). So the command is wrapped: the remote shell
// first prints its own PID on stderr in a marker line (stripped here). sshd (OpenSSH and
// Dropbear alike) starts every session's shell with setsid(), so that PID is also the id of a
// process group holding everything the command starts. On timeout or abort we open a second
// channel and signal that whole group: TERM, then KILL if it has not gone within 2 s.
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { AppError } from '../../../shared/result.js';
import { shQuote } from './quote.js';
import type { ExecOptions, ExecResult } from './types.js';

const MARKER = 'IOVLAB-PGID-';
const MARKER_SEARCH_LIMIT = 64 * 1024;
const PGID_WAIT_MS = 3000;

/** The channel could not be opened (dead connection, session limit): the caller may reconnect and retry. */
export class ChannelOpenFailed extends Error {}

export interface RemoteContext {
  /** "host:port", for messages. */
  where: string;
  /** Run a short helper script on the same host (the pool reconnects if needed); resolves when it ends. */
  runHelper(script: string): Promise<void>;
}

export function wrapCommand(command: string, nonce: string): string {
  return `printf '${MARKER}${nonce}:%s\\n' "$$" >&2; eval ${shQuote(command)}`;
}

export function killGroupScript(pgid: number): string {
  const g = `-${pgid}`;
  return `kill -TERM -- ${g} 2>/dev/null; i=0; while kill -0 -- ${g} 2>/dev/null; do ` +
    `if [ $i -ge 20 ]; then kill -KILL -- ${g} 2>/dev/null; break; fi; sleep 0.1; i=$((i+1)); done; true`;
}

function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (err, channel) => (err ? reject(new ChannelOpenFailed(err.message)) : resolve(channel)));
    } catch (e) {
      reject(new ChannelOpenFailed((e as Error).message)); // ssh2 throws "Not connected" synchronously
    }
  });
}

/** Strips the marker line from stderr and reports the PGID it carries; other bytes pass through in order. */
class MarkerFilter {
  private pending: Buffer | null = Buffer.alloc(0);
  constructor(private readonly prefix: Buffer, private readonly emit: (chunk: Buffer) => void, private readonly onPgid: (pgid: number | null) => void) {}

  push(chunk: Buffer): void {
    if (this.pending === null) return this.emit(chunk);
    const buf = Buffer.concat([this.pending, chunk]);
    const at = buf.indexOf(this.prefix);
    const nl = at >= 0 ? buf.indexOf(0x0a, at) : -1;
    if (nl >= 0) {
      const value = buf.subarray(at + this.prefix.length, nl).toString('latin1');
      this.pending = null;
      this.onPgid(/^\d+$/.test(value) && Number(value) > 1 ? Number(value) : null);
      if (at > 0) this.emit(buf.subarray(0, at));
      if (nl + 1 < buf.length) this.emit(buf.subarray(nl + 1));
    } else if (buf.length > MARKER_SEARCH_LIMIT) {
      this.flush(buf);
    } else {
      this.pending = buf;
    }
  }

  flush(buf = this.pending): void {
    if (this.pending === null) return;
    this.pending = null;
    this.onPgid(null);
    if (buf && buf.length > 0) this.emit(buf);
  }
}

function preview(command: string): string {
  const oneLine = command.replace(/\s+/g, ' ').trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

export async function runRemote(client: Client, command: string, opts: ExecOptions, ctx: RemoteContext): Promise<ExecResult> {
  const started = Date.now();
  const nonce = randomBytes(8).toString('hex');
  const channel = await openExec(client, wrapCommand(command, nonce));
  return new Promise<ExecResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let finished = false;
    let resolvePgid!: (pgid: number | null) => void;
    const pgidKnown = new Promise<number | null>((r) => { resolvePgid = r; });
    const filter = new MarkerFilter(Buffer.from(`${MARKER}${nonce}:`), (c) => { stderr.push(c); opts.onStderr?.(c); }, (p) => resolvePgid(p));

    const timer = opts.timeoutMs !== undefined ? setTimeout(() => void stop(new AppError('COMMAND_TIMEOUT',
      `the command "${preview(command)}" on ${ctx.where} did not finish within ${opts.timeoutMs} ms; it was stopped and its remote processes killed`,
      { where: ctx.where, timeoutMs: opts.timeoutMs })), opts.timeoutMs) : null;
    const onAbort = () => void stop(new AppError('CANCELLED', `the command "${preview(command)}" on ${ctx.where} was cancelled; its remote processes were killed`, { where: ctx.where }));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      finished = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };

    async function stop(error: AppError): Promise<void> {
      if (finished) return;
      cleanup();
      let timeout: NodeJS.Timeout | undefined;
      const pgid = await Promise.race([pgidKnown, new Promise<null>((r) => { timeout = setTimeout(() => r(null), PGID_WAIT_MS); })]);
      clearTimeout(timeout);
      if (pgid !== null) await ctx.runHelper(killGroupScript(pgid)).catch(() => undefined);
      try {
        channel.close();
      } catch { /* the channel is already gone */ }
      reject(error);
    }

    channel.on('data', (c: Buffer) => { stdout.push(c); opts.onStdout?.(c); });
    channel.stderr.on('data', (c: Buffer) => filter.push(c));
    channel.on('error', () => undefined); // 'close' follows and settles the promise
    // ssh2 repeats the exit status on 'close' (undefined when none came); an 'exit' listener attached
    // after the open callback could miss an exit that arrived in the same packet batch.
    channel.on('close', (code?: number | null, signal?: string) => {
      filter.flush();
      if (finished) return;
      cleanup();
      if (code === undefined) {
        // sshd always reports an exit status or signal; without one the connection died under the command.
        reject(new AppError('SSH_ERROR', `the connection to ${ctx.where} was lost while "${preview(command)}" was running; its outcome is unknown`, { where: ctx.where }));
        return;
      }
      resolve({
        code: typeof code === 'number' ? code : null,
        signal: signal ?? null,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: Date.now() - started,
      });
    });
    if (opts.stdin !== undefined) channel.end(opts.stdin);
    else channel.end();
    if (opts.signal?.aborted) onAbort();
  });
}
