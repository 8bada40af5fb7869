// The install wizard's part of the API contract (shared/install/api.ts): recipes from the
// recipes folder, dry-run plans, preflight over SSH, and install runs as jobs (./runner.ts).
import type { ApiHandlers } from '../../../shared/api.js';
import type { InstallResults } from '../../../shared/install/api.js';
import { recipeSummary } from '../../../shared/install/load.js';
import { buildInstallPlan } from '../../../shared/install/plan.js';
import { waivePreflight } from '../../../shared/install/preflight.js';
import { AppError } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobManager } from '../jobs/manager.js';
import type { EndpointDeps } from '../nodes/endpoint.js';
import type { SshPool } from '../ssh/types.js';
import { preflightLab } from './preflight.js';
import { findRecipe, loadRecipes } from './recipes.js';
import { InstallRunner } from './runner.js';
import type { InstallTuning } from './tuning.js';

export type InstallHandlers = Pick<ApiHandlers, keyof InstallResults>;

export interface InstallHandlerDeps extends EndpointDeps {
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
  /** Folder holding the recipe YAML files (resources/recipes). */
  recipesDir: string;
  /** Shorter waits for tests (reconnect delay, reboot polling). */
  tuning?: Partial<InstallTuning>;
}

export function createInstallHandlers(deps: InstallHandlerDeps): InstallHandlers {
  const runner = new InstallRunner(deps);
  const recipe = async (recipeId: string) => (await findRecipe(deps.recipesDir, recipeId)).recipe;

  return {
    'install.recipes': async () => (await loadRecipes(deps.recipesDir)).map((l) => recipeSummary(l.recipe)),

    'install.plan': async ({ recipeId, labId }) => buildInstallPlan(await recipe(recipeId), labId === undefined ? null : deps.store.labs.get(labId)),

    'install.preflight': async ({ recipeId, labId }) => preflightLab(deps, await recipe(recipeId), deps.store.labs.get(labId)),

    'install.start': async ({ recipeId, labId, ignore }) => {
      const found = await recipe(recipeId);
      const lab = deps.store.labs.get(labId);
      const { result: preflight, waived } = waivePreflight(await preflightLab(deps, found, lab), ignore);
      if (!preflight.ok) {
        const list = preflight.problems.map((p) => `- ${p.message}`).join('\n');
        throw new AppError('PREFLIGHT_FAILED', `preflight refused to install "${found.title}" on lab "${lab.name}":\n${list}`, { problems: preflight.problems });
      }
      return runner.start(found, lab, waived.map((p) => `preflight (waived by the user: ${p.check}): ${p.message}`));
    },

    'install.resume': async ({ installId }) => runner.resume(installId),

    'install.get': async ({ installId }) => runner.get(installId),

    'install.list': async ({ labId }) => {
      if (labId !== undefined) deps.store.labs.get(labId);
      return runner.list(labId);
    },
  };
}
