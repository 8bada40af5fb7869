// The host iostat sampler: while a storage workload runs, `iostat -dxk DEVICE 1` runs on the
// node owning the backing device and its stdout is parsed report by report as it streams in.
// The runner waits until the first (since-boot) report arrived before it starts the workload,
// and after the workload it waits for one more report, so even a workload shorter than the
// interval is covered by at least one sample. Stopping aborts the exec: the pool kills the
// remote process group, so no iostat is left behind on the node.
import type { IostatSample } from '../../../shared/bench/types.js';
import { isAppError } from '../../../shared/result.js';
import { shJoin } from '../ssh/quote.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';
import { IostatStream } from './iostat-stream.js';

export interface SamplerOptions {
  pool: SshPool;
  endpoint: SshEndpoint;
  device: string;
  intervalS?: number;
  /** Extra environment for the remote command (the run's tag, see leftovers.ts). */
  env?: Record<string, string>;
  /** The step's clock origin (Date.now() ms): samples carry seconds since then. */
  origin: number;
  onSamples(samples: IostatSample[]): void;
  /** Stops the sampler with the step (cancel). */
  signal?: AbortSignal;
}

export interface SamplerOutcome {
  samples: number;
  /** Why sampling fell short (iostat missing, connection lost, report not understood), else null. */
  problem: string | null;
}

export interface RunningSampler {
  /** The exact command line run on the node. */
  readonly command: string;
  /** Resolves once the since-boot report arrived (or the sampler failed, or after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Waits for one more report (up to ~2 intervals), then stops iostat on the node. */
  stop(opts?: { flush?: boolean }): Promise<SamplerOutcome>;
}

export function samplerCommand(device: string, intervalS: number, env: Record<string, string> = {}): string {
  const vars = Object.entries({ ...env, LC_ALL: 'C' }).map(([k, v]) => `${k}=${v}`);
  return shJoin(['env', ...vars, 'iostat', '-dxk', device, String(intervalS)]);
}

export function startSampler(opts: SamplerOptions): RunningSampler {
  const intervalS = opts.intervalS ?? 1;
  const command = samplerCommand(opts.device, intervalS, opts.env);
  const stream = new IostatStream(opts.device);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let count = 0;
  let ended = false;
  let endProblem: string | null = null;
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const decoder = new TextDecoder();

  const exec = opts.pool
    .exec(opts.endpoint, command, {
      signal: controller.signal,
      onStdout: (chunk) => {
        const samples = stream.push(decoder.decode(chunk, { stream: true }), Math.round(Date.now() - opts.origin) / 1000);
        if (samples.length > 0) {
          count += samples.length;
          opts.onSamples(samples);
        }
        wake();
      },
    })
    .then(
      (r) => {
        // iostat runs until stopped, so any exit of its own is a failure (not installed, bad device).
        if (!controller.signal.aborted) endProblem = `iostat exited by itself (code ${String(r.code)}): ${r.stderr.trim().split('\n')[0] ?? ''}`;
      },
      (e: unknown) => {
        if (!controller.signal.aborted) endProblem = `iostat stopped: ${isAppError(e) || e instanceof Error ? e.message : String(e)}`;
      },
    )
    .finally(() => {
      ended = true;
      opts.signal?.removeEventListener('abort', onOuterAbort);
      wake();
    });

  /** Resolves when `done()` holds, the sampler ended, or the time is up. */
  const until = (done: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = () => {
        if (done() || ended) {
          clearTimeout(timer);
          resolve(done());
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => resolve(done()), timeoutMs);
      if (check()) return;
      const again = () => {
        if (!check()) waiters.push(again);
      };
      waiters.push(again);
    });

  return {
    command,
    ready: (timeoutMs = 5000 + intervalS * 1000) => until(() => stream.reports > 0, timeoutMs),
    async stop({ flush = true } = {}) {
      if (flush && !ended) {
        const seen = stream.reports;
        await until(() => stream.reports > seen, intervalS * 2000 + 1000);
      }
      controller.abort();
      await exec;
      return { samples: count, problem: stream.problem ?? endProblem ?? (count === 0 ? 'iostat delivered no report during the workload' : null) };
    },
  };
}
