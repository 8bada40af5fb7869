// The run store's surface (benchmark engine), used by the runner, the API handlers, the
// CLI (run, import, runs) and reports. Implemented in ./runs.ts; synchronous like the rest.
import type { IostatSample, PlannedStep, RunRecord, RunStatus, StatsRow, StepMetric, StepRecord, StepStatus } from '../../../shared/bench/types.js';
import type { ToolName } from '../../../shared/parsers/index.js';
import type { LabelStatsRow } from '../../../shared/bench/stats-rows.js';

export interface NewRun {
  labId: number;
  name: string;
  label: string;
  plan: unknown;
  tags: Record<string, string>;
  steps: (PlannedStep & { tool: ToolName })[];
  owner: { pid: number; host: string } | null;
}

export interface StepUpdate {
  status?: StepStatus;
  attempt?: number;
  commands?: StepRecord['commands'];
  context?: Record<string, unknown>;
  stdout?: string;
  stderr?: string;
  parsed?: unknown;
  metric?: StepMetric | null;
  error?: string | null;
  startedAt?: string | null;
  endedAt?: string | null;
}

export interface RunStore {
  create(run: NewRun): RunRecord; // steps inserted as 'pending' in one transaction
  get(runId: number): RunRecord; // NOT_FOUND
  list(filter?: { labId?: number }): RunRecord[]; // newest first
  setStatus(runId: number, status: RunStatus, owner?: RunRecord['owner']): void; // finishedAt set for final states
  steps(runId: number): StepRecord[]; // in index order
  step(stepId: number): StepRecord;
  updateStep(stepId: number, update: StepUpdate): StepRecord;
  /** Stores many samples fast (one prepared statement in one transaction). */
  addSamples(stepId: number, samples: readonly IostatSample[]): void;
  samples(stepId: number): IostatSample[];
  /** Clears a step's samples before it is re-run (resume, retry). */
  clearSamples(stepId: number): void;
  /** Per (config, workload, target): statistics over the run's ok steps, plus host iostat averages. */
  stats(runId: number): StatsRow[];
  /** Per (label, config, workload, target) across every run of a lab (all labs when omitted): repeated imports under one label form one sample set. */
  statsByLabel(filter?: { labId?: number }): LabelStatsRow[];
  /** Runs whose status is 'running' but whose owner process is gone (crash, SIGKILL): resumable. */
  interrupted(isAlive: (owner: NonNullable<RunRecord['owner']>) => boolean): RunRecord[];
  delete(runId: number): void;
  /** Runs fn in one IMMEDIATE transaction: the store calls inside commit or roll back together (an import is all or nothing). */
  transaction<T>(fn: () => T): T;
}
