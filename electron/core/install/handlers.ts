// PLACEHOLDER written by the lead so the tree typechecks; the install-engine engineer replaces this file.
import type { ApiHandlers } from '../../../shared/api.js';
import type { InstallResults } from '../../../shared/install/api.js';
import { AppError } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobManager } from '../jobs/manager.js';
import type { EndpointDeps } from '../nodes/endpoint.js';
import type { SshPool } from '../ssh/types.js';

export type InstallHandlers = Pick<ApiHandlers, keyof InstallResults>;

export interface InstallHandlerDeps extends EndpointDeps {
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
  /** Folder holding the recipe YAML files (resources/recipes). */
  recipesDir: string;
}

export function createInstallHandlers(_deps: InstallHandlerDeps): InstallHandlers {
  const notYet = async (): Promise<never> => {
    throw new AppError('INTERNAL', 'install: not built yet');
  };
  return {
    'install.recipes': notYet,
    'install.plan': notYet,
    'install.preflight': notYet,
    'install.start': notYet,
    'install.resume': notYet,
    'install.get': notYet,
    'install.list': notYet,
  };
}
