// The install wizard's part of the API contract (merged into shared/api.ts): recipes, dry-run
// plans, preflight, and install runs (a job each; steps arrive as install.step events).
import { z } from 'zod';
import { IGNORABLE_CHECKS, type InstallPlan, type InstallRun, type InstallStepRecord, type PreflightResult } from './types.js';
import type { RecipeSummary } from './recipe.js';

const id = z.number().int().positive();
const recipeId = z.string().trim().min(1, 'must name a recipe').max(64);

export const installSchemas = {
  'install.recipes': z.object({}),
  'install.plan': z.object({ recipeId, labId: id.optional() }),
  'install.preflight': z.object({ recipeId, labId: id }),
  'install.start': z.object({
    recipeId,
    labId: id,
    /** Preflight checks the user knowingly waives for this install (see IGNORABLE_CHECKS). */
    ignore: z.array(z.enum(IGNORABLE_CHECKS, { error: `must be one of ${IGNORABLE_CHECKS.join(', ')}` })).default([]),
  }),
  'install.resume': z.object({ installId: id }),
  'install.get': z.object({ installId: id }),
  'install.list': z.object({ labId: id.optional() }),
} as const;

export interface InstallResults {
  'install.recipes': RecipeSummary[];
  /** Nothing runs: every step with its commands and the nodes it would run on. */
  'install.plan': InstallPlan;
  /** Reads the nodes over SSH (distro, CPU flags, memory, disk, sudo); nothing changes. */
  'install.preflight': PreflightResult;
  /** Refuses (PREFLIGHT_FAILED) when preflight finds a problem; otherwise stores the run and starts its job. */
  'install.start': { installId: number; jobId: string };
  /** Re-runs every step that did not end done/already-done/not-applicable. */
  'install.resume': { jobId: string };
  'install.get': InstallRun;
  /** Newest first. */
  'install.list': InstallRun[];
}

export interface InstallStepEvent {
  installId: number;
  jobId: string;
  step: InstallStepRecord;
}
