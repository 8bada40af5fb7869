// The install wizard's state: the recipes, the dry-run plan and preflight of the recipe picked
// for a lab, the lab's installs (newest first), and the install on screen kept live from
// install.step events; its job's output arrives as job.log lines (job-logs-slice.ts).
import type { InstallStepEvent } from '../../../shared/install/api.js';
import type { RecipeSummary } from '../../../shared/install/recipe.js';
import type { IgnorableCheck, InstallPlan, InstallRun, PreflightResult } from '../../../shared/install/types.js';
import type { Result } from '../../../shared/result.js';
import { api } from '../api/client.js';
import type { Slice } from './types.js';

/** Plans and preflight results depend on the lab's nodes as well as on the recipe. */
export const planKey = (labId: number, recipeId: string): string => `${labId}:${recipeId}`;

export interface InstallSlice {
  installRecipes: RecipeSummary[] | null;
  /** Per lab: the recipe picked in the wizard. */
  installRecipeIds: Record<number, string>;
  /** Per planKey. */
  installPlans: Record<string, InstallPlan>;
  installPreflights: Record<string, PreflightResult>;
  /** Per lab, newest first. */
  installLists: Record<number, InstallRun[]>;
  /** Per install id: the record with its step records, live while it runs. */
  installRuns: Record<number, InstallRun>;
  /** The job running each install, learnt from install.start/resume and from install.step events. */
  installJobIds: Record<number, string>;
  /** Per lab: the install shown under the plan (the one just started, or one picked from the list). */
  installOpenIds: Record<number, number>;
  loadRecipes(): Promise<void>;
  /** Picks a recipe for a lab (the install page then loads its dry-run plan). */
  pickRecipe(labId: number, recipeId: string): void;
  loadPlan(labId: number, recipeId: string): Promise<void>;
  runPreflight(labId: number, recipeId: string): Promise<void>;
  /** Not through runCall: a preflight refusal is shown next to the Run button, not as an alert. */
  /** ignore: preflight checks the user waived with the checkboxes under the preflight result. */
  startInstall(labId: number, recipeId: string, ignore?: IgnorableCheck[]): Promise<Result<{ installId: number; jobId: string }>>;
  resumeInstall(installId: number): Promise<void>;
  cancelInstall(installId: number): Promise<void>;
  loadInstallList(labId: number): Promise<void>;
  loadInstall(installId: number): Promise<void>;
  openInstall(labId: number, installId: number | null): void;
  /** Subscribes to install.step and job.progress; returns the unsubscribe. */
  watchInstalls(): () => void;
}

export const createInstallSlice: Slice<InstallSlice> = (set, get) => {
  const onStep = (e: InstallStepEvent) => {
    set((s) => {
      const patch: Partial<InstallSlice> = {};
      if (s.installJobIds[e.installId] !== e.jobId) patch.installJobIds = { ...s.installJobIds, [e.installId]: e.jobId };
      const run = s.installRuns[e.installId];
      if (run) {
        const known = run.steps.some((x) => x.id === e.step.id);
        const steps = known ? run.steps.map((x) => (x.id === e.step.id ? e.step : x)) : [...run.steps, e.step].sort((a, b) => a.index - b.index || a.nodeName.localeCompare(b.nodeName));
        // The job says whether the install runs: a step's log can still be saved just after the end.
        const live = s.jobs[e.jobId]?.status === 'running';
        patch.installRuns = { ...s.installRuns, [e.installId]: live ? { ...run, status: 'running', finishedAt: null, steps } : { ...run, steps } };
      }
      return patch;
    });
    // An install started elsewhere (the CLI, another window): fetch it once to show it.
    if (!get().installRuns[e.installId]) void get().loadInstall(e.installId);
  };

  /** An install's job ended: its stored record and its lab's list changed. */
  const refreshInstall = (installId: number) => {
    void get().loadInstall(installId).then(() => {
      const labId = get().installRuns[installId]?.labId;
      if (labId !== undefined) void get().loadInstallList(labId);
    });
  };

  return {
    installRecipes: null,
    installRecipeIds: {},
    installPlans: {},
    installPreflights: {},
    installLists: {},
    installRuns: {},
    installJobIds: {},
    installOpenIds: {},

    async loadRecipes() {
      const r = await get().runCall('install:recipes', 'Load the install recipes', 'install.recipes', {});
      if (r.ok) set({ installRecipes: r.value });
    },

    pickRecipe(labId, recipeId) {
      set((s) => ({ installRecipeIds: { ...s.installRecipeIds, [labId]: recipeId } }));
    },

    async loadPlan(labId, recipeId) {
      const r = await get().runCall(`install:plan:${planKey(labId, recipeId)}`, `Dry-run plan of ${recipeId}`, 'install.plan', { recipeId, labId });
      if (r.ok) set((s) => ({ installPlans: { ...s.installPlans, [planKey(labId, recipeId)]: r.value } }));
    },

    async runPreflight(labId, recipeId) {
      const key = planKey(labId, recipeId);
      const r = await get().runCall(`install:preflight:${key}`, `Preflight of ${recipeId}`, 'install.preflight', { recipeId, labId });
      if (r.ok) set((s) => ({ installPreflights: { ...s.installPreflights, [key]: r.value } }));
    },

    async startInstall(labId, recipeId, ignore = []) {
      set((s) => ({ busy: { ...s.busy, 'install:start': true } }));
      try {
        const r = await api().call('install.start', { recipeId, labId, ignore });
        if (r.ok) {
          const { installId, jobId } = r.value;
          set((s) => ({ installJobIds: { ...s.installJobIds, [installId]: jobId }, installOpenIds: { ...s.installOpenIds, [labId]: installId } }));
          await get().loadInstall(installId);
          void get().loadInstallList(labId);
        }
        return r;
      } finally {
        set((s) => {
          const { 'install:start': _done, ...rest } = s.busy;
          return { busy: rest };
        });
      }
    },

    async resumeInstall(installId) {
      const r = await get().runCall(`install:resume:${installId}`, `Resume install ${installId}`, 'install.resume', { installId });
      if (!r.ok) return;
      set((s) => ({ installJobIds: { ...s.installJobIds, [installId]: r.value.jobId } }));
      await get().loadInstall(installId);
      const labId = get().installRuns[installId]?.labId;
      if (labId !== undefined) void get().loadInstallList(labId);
    },

    async cancelInstall(installId) {
      const jobId = get().installJobIds[installId];
      if (!jobId) return;
      const r = await get().runCall(`install:cancel:${installId}`, `Cancel install ${installId}`, 'job.cancel', { jobId });
      // False when the job had ended already: the record on screen is stale, not the click wrong.
      if (r.ok && !r.value.cancelled) refreshInstall(installId);
    },

    async loadInstallList(labId) {
      const r = await get().runCall(`install:list:${labId}`, 'Load the installs', 'install.list', { labId });
      if (r.ok) set((s) => ({ installLists: { ...s.installLists, [labId]: r.value } }));
    },

    async loadInstall(installId) {
      const r = await get().runCall(`install:get:${installId}`, `Load install ${installId}`, 'install.get', { installId });
      if (r.ok) set((s) => ({ installRuns: { ...s.installRuns, [installId]: r.value } }));
    },

    openInstall(labId, installId) {
      set((s) => {
        const { [labId]: _old, ...rest } = s.installOpenIds;
        return { installOpenIds: installId === null ? rest : { ...rest, [labId]: installId } };
      });
      if (installId !== null) void get().loadInstall(installId);
    },

    watchInstalls() {
      const transport = api();
      const offs = [
        transport.on('install.step', onStep),
        transport.on('job.progress', (p) => {
          if (p.status === 'running') return;
          const known = Object.entries(get().installJobIds).find(([, jobId]) => jobId === p.jobId)?.[0];
          if (known !== undefined) refreshInstall(Number(known));
        }),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
  };
};
