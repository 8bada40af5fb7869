// The benchmark engine's data model, shared by the plan builder (UI), the runner (Node),
// the store and reports. A plan is what the user asks for; a run is one execution of it,
// expanded into ordered steps; each step stores exactly what ran and what came out.
import type { IostatDeviceSample, ToolName } from '../parsers/index.js';
import type { Summary } from '../stats.js';

export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'cancelled';
export type RunStatus = 'running' | 'interrupted' | 'ok' | 'failed' | 'cancelled';

/** The one number a step is judged by, with its unit (MBps = 10^6 B/s, Mbps = 10^6 bit/s). */
export interface StepMetric {
  name: 'bandwidth' | 'throughput';
  value: number;
  unit: 'MBps' | 'Mbps';
}

/** One expanded unit of work: a workload on a target under a configuration, one repeat. */
export interface PlannedStep {
  index: number; // 0-based position in the run
  configName: string;
  workloadId: string;
  targetName: string | null; // storage workloads run on a target; network ones between nodes
  repeat: number; // 1-based
}

/** One stored host iostat sample: a parsed device row (paper units) at a time in the step. */
export type IostatSample = Omit<IostatDeviceSample, 'raw'> & {
  /** Seconds since the step started (the sampler's clock). */
  t: number;
};

export interface StepRecord extends PlannedStep {
  id: number;
  runId: number;
  status: StepStatus;
  attempt: number;
  /** The exact command lines run (on which node), in order. */
  commands: { node: string; command: string }[];
  /** The driver configuration / node facts the step ran under (JSON-able). */
  context: Record<string, unknown>;
  stdout: string;
  stderr: string;
  tool: ToolName;
  parsed: unknown | null;
  metric: StepMetric | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface RunRecord {
  id: number;
  labId: number;
  name: string;
  label: string;
  status: RunStatus;
  /** The plan as given (validated), so a run can be resumed or repeated exactly. */
  plan: unknown;
  /** Free-form key=value labels (e.g. accel=tcg, vmm=kvm, config=virtio-blk) for comparisons. */
  tags: Record<string, string>;
  stepsTotal: number;
  stepsDone: number;
  createdAt: string;
  finishedAt: string | null;
  /** PID and host of the process running it; a dead owner means the run was interrupted. */
  owner: { pid: number; host: string } | null;
}

/** Statistics of one (configuration, workload, target) cell of a run. */
export interface StatsRow extends Summary {
  configName: string;
  workloadId: string;
  targetName: string | null;
  unit: StepMetric['unit'];
  /** Host iostat averages over the steps' samples (paper units), when sampled. */
  host: { avgRqSectors: number; avgQueue: number; utilPct: number; samples: number } | null;
}
