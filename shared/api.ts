// The one typed API contract. The Electron preload, the browser host's WebSocket bridge and
// the CLI all serve exactly this map; arguments are validated with these schemas at every
// boundary, results cross as Result<T> (shared/result.ts).
import { z } from 'zod';
import { ROLES } from './roles.js';
import type { AppInfo, ExperimentReadiness, HostKeyScan, JobLogLine, JobProgress, Lab, LabNode } from './model.js';
import type { ProbeRecord } from './facts.js';
import { runDataSchemas, type RunDataResults } from './bench/api.js';
import { reportSchemas, type ReportResults } from './report/api.js';
import { localLabSchemas, type LocalLabResults } from './presets/api.js';
import { installSchemas, type InstallResults, type InstallStepEvent } from './install/api.js';
import type { IostatSample, RunRecord, StepRecord } from './bench/types.js';

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must not contain control characters');

const id = z.number().int().positive();

export const authSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), keyPath: z.string().min(1), passphrase: z.string().optional() }),
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('password'), password: z.string().optional() }),
]);
export type AuthInput = z.infer<typeof authSchema>;

const hostName = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9._:\-[\]%]+$/, 'must be a host name or an IP address');

export const nodeInputSchema = z.object({
  labId: id,
  name,
  roles: z.array(z.enum(ROLES)).min(1, 'give the node at least one role'),
  host: hostName,
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/, 'must be a valid user name'),
  auth: authSchema,
  jumpNodeId: id.nullable().default(null),
});
export type NodeInput = z.input<typeof nodeInputSchema>;

export const apiSchemas = {
  'app.info': z.object({}),
  'lab.list': z.object({}),
  'lab.create': z.object({ name, description: z.string().max(2000).default('') }),
  'lab.delete': z.object({ labId: id }),
  'lab.readiness': z.object({ labId: id }),
  'node.add': nodeInputSchema,
  'node.update': nodeInputSchema.omit({ labId: true }).partial().extend({ nodeId: id }),
  'node.remove': z.object({ nodeId: id }),
  'node.setSecret': z.object({ nodeId: id, secret: z.string() }),
  'node.scanHostKey': z.object({ nodeId: id }),
  'node.acceptHostKey': z.object({ nodeId: id, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]+$/) }),
  'node.probe': z.object({ nodeId: id }),
  'node.facts': z.object({ nodeId: id }),
  'job.cancel': z.object({ jobId: z.string().min(1) }),
  'job.list': z.object({}),
  ...runDataSchemas,
  ...reportSchemas,
  ...localLabSchemas,
  ...installSchemas,
  /** The plan is validated by the runner (parsePlan), whose messages name the plan's fields. */
  'run.start': z.object({ labId: id, plan: z.unknown() }),
  'run.cancel': z.object({ runId: id }),
  'run.resume': z.object({ runId: id }),
  'run.interrupted': z.object({}),
} as const;

export type ApiMethod = keyof typeof apiSchemas;
export const API_METHODS = Object.keys(apiSchemas) as ApiMethod[];
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>;
export type ApiParsedParams<M extends ApiMethod> = z.output<(typeof apiSchemas)[M]>;

export interface ApiResults extends RunDataResults, ReportResults, LocalLabResults, InstallResults {
  'app.info': AppInfo;
  'lab.list': Lab[];
  'lab.create': Lab;
  'lab.delete': { deleted: true };
  'lab.readiness': ExperimentReadiness[];
  'node.add': LabNode;
  'node.update': LabNode;
  'node.remove': { removed: true };
  'node.setSecret': LabNode;
  'node.scanHostKey': HostKeyScan;
  'node.acceptHostKey': LabNode;
  /** Starts a probe job; its progress arrives as job.progress events, its result is in node.facts. */
  'node.probe': { jobId: string };
  'node.facts': ProbeRecord | null;
  'job.cancel': { cancelled: boolean };
  'job.list': JobProgress[];
  /** Checks the targets (guard), stores the run and starts it as a job; steps arrive as run.step events. */
  'run.start': { runId: number; jobId: string };
  /** False when the run is not running (finished already). */
  'run.cancel': { cancelled: boolean };
  /** Re-runs every step of the run that is not ok; the ok ones are kept. */
  'run.resume': { jobId: string };
  /** Runs left 'running' by a process that is gone: offer to resume them. */
  'run.interrupted': RunRecord[];
}

/** A step of a running run changed (started, retried, finished), or a host iostat sample came in. */
export interface RunStepEvent {
  runId: number;
  jobId: string;
  step: StepRecord;
  sample: IostatSample | null;
}

export interface ApiEvents {
  'job.progress': JobProgress;
  'job.log': JobLogLine;
  'lab.changed': { labId: number | null };
  'run.step': RunStepEvent;
  'install.step': InstallStepEvent;
}
export type ApiEventName = keyof ApiEvents;
export const API_EVENTS: ApiEventName[] = ['job.progress', 'job.log', 'lab.changed', 'run.step', 'install.step'];

/** What the backend implements: a missing or mistyped handler is a compile error. */
export type ApiHandlers = {
  [M in ApiMethod]: (params: ApiParsedParams<M>) => Promise<ApiResults[M]>;
};

/** What a client (renderer, CLI) calls; every transport implements this one shape. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<import('./result.js').Result<ApiResults[M]>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}
