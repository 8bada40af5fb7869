// `iovlab serve`: the backend plus the browser host, until SIGINT/SIGTERM.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/result.js';
import { createBackend } from '../core/backend.js';
import { startHost } from './server.js';

export interface ServeOptions {
  dataDir: string;
  port?: number;
  /** The built renderer; found next to the code or in ./dist/renderer when omitted. */
  staticDir?: string;
  /** Where the two start-up lines go (stdout by default). */
  log?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers that close everything (default true; tests turn it off). */
  handleSignals?: boolean;
}

export interface ServeHandle {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  close(): Promise<void>;
  /** Settles once the server has closed, by close() or by a signal. */
  closed: Promise<void>;
}

/** dist/renderer, looked up from where this code runs (source tree or a bundle in dist/) and from the working directory. */
export function defaultStaticDir(): string {
  const candidates: string[] = [];
  const here = typeof import.meta.url === 'string' ? dirname(fileURLToPath(import.meta.url)) : null;
  if (here) candidates.push(resolve(here, '../../dist/renderer'), resolve(here, '../renderer'), resolve(here, '../../renderer'));
  candidates.push(resolve('dist/renderer'));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!;
}

export async function runServe(opts: ServeOptions): Promise<ServeHandle> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const staticDir = resolve(opts.staticDir ?? defaultStaticDir());
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new AppError('NOT_FOUND', `the built UI is missing (${join(staticDir, 'index.html')} does not exist); run \`npm run build:renderer\` first`);
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const backend = createBackend({ dataDir: opts.dataDir, host: 'browser' });
  let host;
  try {
    host = await startHost({ backend, port: opts.port ?? 0, staticDir });
  } catch (e) {
    await backend.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new AppError('INVALID_ARGUMENT', `port ${opts.port} on 127.0.0.1 is already in use; pick another with --port or use --port 0`);
    throw e;
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await host.close();
      await backend.close();
      resolveClosed();
    })();
    return closing;
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (closing) process.exit(130); // a second Ctrl-C: the user does not want to wait
    log(`iovlab: ${signal}, shutting down`);
    void close().then(() => {
      // Whatever still holds the event loop open (a stuck SSH socket) must not keep the process alive.
      setTimeout(() => process.exit(0), 2000).unref();
    });
  }
  if (opts.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  log(`iovlab: serving ${host.url}`);
  log(`iovlab: data dir ${opts.dataDir}`);
  return { url: host.url, port: host.port, token: host.token, dataDir: opts.dataDir, close, closed };
}
