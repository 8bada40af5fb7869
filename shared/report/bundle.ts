// The bundle: one JSON document with selected runs, every step's raw output, parsed result,
// host iostat samples, the plans (configurations included) and the statistics they gave, so
// another iovlab can import it and compare against it. The schema checks a foreign file before
// anything reaches the database; the stored statistics let the importer prove nothing changed.
import { z } from 'zod';
import { TOOLS } from '../parsers/index.js';
import { AppError } from '../result.js';
import type { IostatSample, RunRecord, StatsRow, StepRecord } from '../bench/types.js';
import type { ReportLab } from './types.js';

export const BUNDLE_FORMAT = 'iovlab-bundle';
export const BUNDLE_VERSION = 1;

const iso = z.string().min(1).max(64);
const num = z.number().refine(Number.isFinite, 'must be a finite number');

const sampleSchema = z.object({ t: num, device: z.string().max(255), rMBps: num, wMBps: num, avgRqSectors: num, avgQueue: num, utilPct: num });

const stepSchema = z.object({
  id: z.number().int(),
  runId: z.number().int(),
  index: z.number().int().min(0),
  configName: z.string().min(1).max(200),
  workloadId: z.string().min(1).max(64),
  targetName: z.string().max(200).nullable(),
  repeat: z.number().int().min(1),
  status: z.enum(['pending', 'running', 'ok', 'failed', 'cancelled']),
  attempt: z.number().int().min(0),
  commands: z.array(z.object({ node: z.string(), command: z.string() })),
  context: z.record(z.string(), z.unknown()),
  stdout: z.string(),
  stderr: z.string(),
  tool: z.enum(TOOLS),
  parsed: z.unknown(),
  metric: z.object({ name: z.enum(['bandwidth', 'throughput']), value: num, unit: z.enum(['MBps', 'Mbps']) }).nullable(),
  error: z.string().nullable(),
  startedAt: iso.nullable(),
  endedAt: iso.nullable(),
  samples: z.array(sampleSchema),
});

const runSchema = z.object({
  id: z.number().int(),
  labId: z.number().int(),
  name: z.string().min(1).max(200),
  label: z.string().max(200),
  status: z.enum(['running', 'interrupted', 'ok', 'failed', 'cancelled']),
  plan: z.unknown(),
  tags: z.record(z.string(), z.string()),
  stepsTotal: z.number().int().min(0),
  stepsDone: z.number().int().min(0),
  createdAt: iso,
  finishedAt: iso.nullable(),
  owner: z.object({ pid: z.number(), host: z.string() }).nullable(),
});

const statsSchema = z.object({
  configName: z.string(),
  workloadId: z.string(),
  targetName: z.string().nullable(),
  unit: z.enum(['MBps', 'Mbps']),
  n: z.number(),
  mean: z.number(),
  median: z.number(),
  stdev: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  cv: z.number().nullable(),
  noisy: z.boolean(),
  host: z.object({ avgRqSectors: z.number(), avgQueue: z.number(), utilPct: z.number(), samples: z.number() }).nullable(),
});

const labSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(200),
  description: z.string().max(2000),
  nodes: z.array(z.object({ name: z.string(), roles: z.array(z.string()), host: z.string(), probedAt: z.string().nullable(), facts: z.unknown() })),
});

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  createdAt: iso,
  app: z.object({ version: z.string() }),
  reference: z.object({ version: z.string(), sha256: z.string() }),
  labs: z.array(labSchema),
  runs: z.array(z.object({ run: runSchema, steps: z.array(stepSchema), stats: z.array(statsSchema) })).min(1, 'holds no runs'),
});

export type BundleStep = StepRecord & { samples: IostatSample[] };
export interface BundleRun {
  run: RunRecord;
  steps: BundleStep[];
  stats: StatsRow[];
}
export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  createdAt: string;
  app: { version: string };
  reference: { version: string; sha256: string };
  labs: ReportLab[];
  runs: BundleRun[];
}

/** Validates a parsed bundle; the message names the first bad field (e.g. runs.0.steps.3.metric.value). */
export function parseBundle(doc: unknown, source = 'bundle'): Bundle {
  if (doc && typeof doc === 'object' && (doc as { format?: unknown }).format !== BUNDLE_FORMAT) {
    throw new AppError('INVALID_ARGUMENT', `${source} is not an iovlab bundle (its "format" is ${JSON.stringify((doc as { format?: unknown }).format ?? null)}, expected "${BUNDLE_FORMAT}")`);
  }
  const r = bundleSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'document';
    throw new AppError('INVALID_ARGUMENT', `${source}: ${where}: ${issue?.message ?? 'invalid'}${r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problems)` : ''}`);
  }
  return r.data as Bundle;
}

/** Statistics that must survive a round trip unchanged (floating point compared to 1e-9 relative). */
export function sameStats(a: readonly StatsRow[], b: readonly StatsRow[]): string | null {
  const key = (r: StatsRow) => JSON.stringify([r.configName, r.workloadId, r.targetName, r.unit]);
  const close = (x: number | null | undefined, y: number | null | undefined) => (x ?? null) === (y ?? null) || (x != null && y != null && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y)));
  const mb = new Map(b.map((r) => [key(r), r]));
  if (a.length !== b.length) return `${a.length} statistics rows before, ${b.length} after`;
  for (const x of a) {
    const y = mb.get(key(x));
    if (!y) return `row ${key(x)} is missing`;
    const pairs: [string, number | null | undefined, number | null | undefined][] = [
      ['n', x.n, y.n], ['mean', x.mean, y.mean], ['median', x.median, y.median], ['stdev', x.stdev, y.stdev], ['cv', x.cv, y.cv],
      ['ci95 low', x.ci95?.[0], y.ci95?.[0]], ['ci95 high', x.ci95?.[1], y.ci95?.[1]],
      ['host avgrq-sz', x.host?.avgRqSectors, y.host?.avgRqSectors], ['host avgqu-sz', x.host?.avgQueue, y.host?.avgQueue], ['host %util', x.host?.utilPct, y.host?.utilPct],
    ];
    for (const [name, p, q] of pairs) if (!close(p, q)) return `${key(x)}: ${name} was ${p}, is ${q}`;
  }
  return null;
}
