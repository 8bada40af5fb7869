// The stored-runs part of the API contract (merged into shared/api.ts): reading runs, their
// steps, statistics and samples, and importing a hand-run output. Starting, cancelling and
// resuming runs are the runner's methods, declared next to these in shared/api.ts.
import { z } from 'zod';
import { TOOLS } from '../parsers/index.js';
import type { LabelStatsRow } from './stats-rows.js';
import type { IostatSample, RunRecord, StatsRow, StepRecord } from './types.js';

const id = z.number().int().positive();

const printable = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must not contain control characters');

/** Run tags: key=value labels for comparisons (accel=tcg, bus=virtio-blk). */
export const tagsSchema = z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'tag names must be 1-64 letters, digits, _ . -'), printable(200));

/** The largest output an import takes: a day of 1 s iostat reports over a few disks is ~30 MiB. */
export const MAX_IMPORT_BYTES = 64 * 2 ** 20;

export const runDataSchemas = {
  'run.list': z.object({ labId: id.optional() }),
  'run.get': z.object({ runId: id }),
  'run.stats': z.object({ runId: id }),
  'run.statsByLabel': z.object({ labId: id.optional() }),
  'run.samples': z.object({ stepId: id }),
  'run.import': z.object({
    /** Lab name; the lab is created when there is none of that name. */
    lab: printable(200),
    tool: z.enum(TOOLS, { error: `must be one of ${TOOLS.join(', ')}` }),
    text: z.string().max(MAX_IMPORT_BYTES, `must be at most ${MAX_IMPORT_BYTES / 2 ** 20} MiB`),
    label: printable(200),
    tags: tagsSchema.default({}),
    /** Where the output came from (a file name), kept in the step's context. */
    source: z.string().max(4096).optional(),
  }),
} as const;

export interface RunDataResults {
  /** Newest first. */
  'run.list': RunRecord[];
  /** Steps in run order, with their full stdout/stderr (reports quote them). */
  'run.get': { run: RunRecord; steps: StepRecord[] };
  'run.stats': StatsRow[];
  'run.statsByLabel': LabelStatsRow[];
  'run.samples': IostatSample[];
  'run.import': RunRecord;
}
