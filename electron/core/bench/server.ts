// The server half of a network workload (iperf3 -s -1, netserver -D): started on its node in
// the background before the measured client, known to listen before the client starts, and
// stopped (its process group killed) once the client is done if it does not exit by itself.
import { AppError, isAppError } from '../../../shared/result.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';

export interface ServerOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when iovlab had to stop it. */
  stopped: boolean;
  problem: string | null;
}

export interface RunningServer {
  /** Resolves once something listens on the port; rejects with the server's own complaint if it exits first. */
  listening(timeoutMs: number): Promise<void>;
  /** Lets it exit by itself for up to graceMs (0: stop at once), then stops it. */
  finish(graceMs: number): Promise<ServerOutcome>;
}

const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');

/** Exit 0 when a TCP socket listens on the port in the node's network namespace (no ss/netstat needed). */
export function listeningScript(port: number, waitS: number): string {
  const tries = Math.max(1, Math.round(waitS * 10));
  return [
    `i=0; while [ $i -lt ${tries} ]; do`,
    `  if awk '$4 == "0A" && substr($2, length($2) - 4) == ":${hexPort(port)}" { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then exit 0; fi`,
    '  i=$((i+1)); [ $i -lt ' + tries + ' ] && sleep 0.1; done; exit 1',
  ].join('\n');
}

export async function portInUse(pool: SshPool, ep: SshEndpoint, port: number, signal: AbortSignal): Promise<boolean> {
  return (await pool.exec(ep, listeningScript(port, 0), { signal, timeoutMs: 15_000 })).code === 0;
}

export function startServer(pool: SshPool, ep: SshEndpoint, nodeName: string, command: string, port: number, signal: AbortSignal): RunningServer {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let settled: { code: number | null; stdout: string; stderr: string; error: unknown } | null = null;
  const done = pool.exec(ep, command, { signal: controller.signal }).then(
    (r) => void (settled = { code: r.code, stdout: r.stdout, stderr: r.stderr, error: null }),
    (e: unknown) => void (settled = { code: null, stdout: '', stderr: '', error: e }),
  ).finally(() => signal.removeEventListener('abort', onAbort));

  const describe = (): string => {
    const s = settled;
    if (!s) return 'still running';
    if (s.error) return isAppError(s.error) || s.error instanceof Error ? s.error.message : String(s.error);
    return `exited with code ${String(s.code)}: ${(s.stderr.trim() || s.stdout.trim()).split('\n').slice(-2).join(' ').slice(0, 300)}`;
  };

  return {
    async listening(timeoutMs) {
      const probe = pool.exec(ep, listeningScript(port, timeoutMs / 1000), { signal: controller.signal, timeoutMs: timeoutMs + 10_000 });
      const first = await Promise.race([probe.then((r) => (r.code === 0 ? 'up' : 'timeout')), done.then(() => 'exited' as const)]);
      if (first === 'up' && settled === null) return;
      if (first === 'timeout') throw new AppError('COMMAND_FAILED', `the server on node "${nodeName}" did not listen on port ${port} within ${timeoutMs / 1000} s (${describe()})`);
      throw new AppError('COMMAND_FAILED', `the server on node "${nodeName}" ended before the client could start: ${describe()}`);
    },
    async finish(graceMs) {
      if (graceMs > 0 && settled === null) await Promise.race([done, new Promise((r) => setTimeout(r, graceMs))]);
      const stopped = settled === null;
      controller.abort();
      await done;
      const s = settled as { code: number | null; stdout: string; stderr: string; error: unknown } | null;
      const cancelled = isAppError(s?.error) && s.error.code === 'CANCELLED';
      return {
        code: s?.code ?? null,
        stdout: s?.stdout ?? '',
        stderr: s?.stderr ?? '',
        stopped,
        problem: s?.error && !(stopped && cancelled) ? describe() : null,
      };
    },
  };
}
