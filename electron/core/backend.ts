// Composes the backend every host shares: store, SSH pool, jobs, secrets, events and the
// validated API boundary. The Electron shell, the browser host and the CLI each create one.
import pkg from '../../package.json' with { type: 'json' };
import type { ApiEventName } from '../../shared/api.js';
import type { AppInfo } from '../../shared/model.js';
import type { Result } from '../../shared/result.js';
import { createHandlers } from './api/handlers.js';
import { dispatch } from './api/dispatch.js';
import { EventBus } from './events.js';
import { JobManager } from './jobs/manager.js';
import { databaseFile } from './paths.js';
import { createMemoryVault, createSealedVault, type Sealer } from './secrets/vault.js';
import { createSshPool } from './ssh/pool.js';
import { createStore } from './store/store.js';

export interface BackendOptions {
  dataDir: string;
  host: AppInfo['host'];
  /** Provided by the Electron shell (safeStorage); without it secrets stay in memory. */
  sealer?: Sealer;
  env?: NodeJS.ProcessEnv;
}

export interface Backend {
  readonly info: AppInfo;
  call(method: unknown, params: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: ApiEventName, payload: unknown) => void): () => void;
  waitForJob(jobId: string): Promise<Result<unknown>>;
  close(): Promise<void>;
}

export function appVersion(): string {
  return pkg.version;
}

export function createBackend(opts: BackendOptions): Backend {
  const store = createStore(databaseFile(opts.dataDir));
  const vault = opts.sealer ? createSealedVault(store, opts.sealer) : createMemoryVault();
  const bus = new EventBus();
  const jobs = new JobManager(bus);
  const pool = createSshPool();
  const info: AppInfo = { version: appVersion(), dataDir: opts.dataDir, host: opts.host, secretStorage: vault.kind };
  const handlers = createHandlers({ info, store, vault, pool, jobs, bus, env: opts.env ?? process.env });

  return {
    info,
    call: (method, params) => dispatch(handlers, method, params),
    onEvent: (listener) => bus.on((event, payload) => listener(event, payload)),
    waitForJob: (jobId) => jobs.wait(jobId),
    close: async () => {
      jobs.cancelAll();
      pool.closeAll();
      store.close();
    },
  };
}
