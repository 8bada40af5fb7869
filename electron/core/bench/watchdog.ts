// Notices a connection that stalled under a running step. A dropped link (cable, veth down,
// a VM host rebooting) sends no FIN, so the pool's SSH keepalive would take a minute or more
// to give up. While a step runs, the watchdog runs a no-op (`:`) on each node every few
// seconds; one that does not answer in time means the connection is gone for practical
// purposes, and the runner drops it (pool.forget), which ends the step's commands at once.
import type { SshEndpoint, SshPool } from '../ssh/types.js';

export interface WatchdogOptions {
  intervalMs: number;
  stallMs: number;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = { intervalMs: 3000, stallMs: 6000 };

/** Watches the endpoints until `signal` aborts; calls onStall once per endpoint that stops answering. */
export function watchConnections(pool: SshPool, endpoints: SshEndpoint[], opts: WatchdogOptions, signal: AbortSignal, onStall: (endpoint: SshEndpoint, silentMs: number) => void): void {
  for (const ep of endpoints) {
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      if (signal.aborted) return;
      const started = Date.now();
      let answered = false;
      const probe = pool.exec(ep, ':', { signal, timeoutMs: opts.stallMs }).then(() => (answered = true), () => undefined);
      await Promise.race([probe, new Promise((r) => setTimeout(r, opts.stallMs))]);
      if (signal.aborted) return;
      if (!answered) {
        onStall(ep, Date.now() - started);
        return;
      }
      timer = setTimeout(() => void tick(), opts.intervalMs);
    };
    timer = setTimeout(() => void tick(), opts.intervalMs);
    signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }
}
