// The local lab's and the presets' part of the API contract (merged into shared/api.ts):
// building and removing the embedded lab, its status, and the presets with the plans they make.
import { z } from 'zod';
import type { LocalLabDown, LocalLabStatus } from './lab.js';
import type { PresetPlan } from './plan.js';
import type { Preset } from './types.js';

export const localLabSchemas = {
  'locallab.up': z.object({}),
  'locallab.down': z.object({}),
  'locallab.status': z.object({}),
  'presets.list': z.object({}),
  'presets.plan': z.object({
    presetId: z.string().trim().min(1, 'must name a preset').max(100),
    /** Bytes per storage workload, or "paper" for the paper's own sizes. */
    size: z.union([z.number().int().positive(), z.literal('paper')]).optional(),
    repeats: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
    /** Comma-separated substrings of configuration names. */
    only: z.string().max(1000).optional(),
  }),
} as const;

export interface LocalLabResults {
  /** Starts building the lab as a job; its progress is job.progress/job.log, its value a LocalLabStatus. */
  'locallab.up': { jobId: string };
  'locallab.down': LocalLabDown;
  'locallab.status': LocalLabStatus;
  'presets.list': Preset[];
  /** The plan a preset makes for the local lab as it is now (needs it up). */
  'presets.plan': PresetPlan;
}
