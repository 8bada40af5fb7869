// SQL shapes of runs and steps (migration 0005) and their mapping to shared/bench records.
import type { RunRecord, RunStatus, StepMetric, StepRecord, StepStatus } from '../../../shared/bench/types.js';
import type { ToolName } from '../../../shared/parsers/index.js';
import type { StepUpdate } from './run-types.js';

export const RUN_COLUMNS = `
  r.id AS id, r.lab_id AS labId, r.name AS name, r.label AS label, r.status AS status, r.plan AS plan,
  r.tags AS tags, r.created_at AS createdAt, r.finished_at AS finishedAt, r.owner_pid AS ownerPid, r.owner_host AS ownerHost,
  (SELECT count(*) FROM steps s WHERE s.run_id = r.id) AS stepsTotal,
  (SELECT count(*) FROM steps s WHERE s.run_id = r.id AND s.status IN ('ok', 'failed')) AS stepsDone`;

export const RUN_ORDER = 'ORDER BY r.created_at DESC, r.id DESC';

export interface RunRow {
  id: number;
  labId: number;
  name: string;
  label: string;
  status: RunStatus;
  plan: string;
  tags: string;
  createdAt: string;
  finishedAt: string | null;
  ownerPid: number | null;
  ownerHost: string | null;
  stepsTotal: number;
  stepsDone: number;
}

export function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    labId: row.labId,
    name: row.name,
    label: row.label,
    status: row.status,
    plan: JSON.parse(row.plan) as unknown,
    tags: JSON.parse(row.tags) as Record<string, string>,
    stepsTotal: row.stepsTotal,
    stepsDone: row.stepsDone,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    owner: row.ownerPid !== null && row.ownerHost !== null ? { pid: row.ownerPid, host: row.ownerHost } : null,
  };
}

export const STEP_COLUMNS = `
  id, run_id AS runId, idx AS "index", config_name AS configName, workload_id AS workloadId, target_name AS targetName,
  repeat, tool, status, attempt, commands, context, stdout, stderr, parsed,
  metric_name AS metricName, metric_value AS metricValue, metric_unit AS metricUnit, error,
  started_at AS startedAt, ended_at AS endedAt`;

export interface StepRow {
  id: number;
  runId: number;
  index: number;
  configName: string;
  workloadId: string;
  targetName: string | null;
  repeat: number;
  tool: ToolName;
  status: StepStatus;
  attempt: number;
  commands: string;
  context: string;
  stdout: string;
  stderr: string;
  parsed: string | null;
  metricName: StepMetric['name'] | null;
  metricValue: number | null;
  metricUnit: StepMetric['unit'] | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export function toStep(row: StepRow): StepRecord {
  const { metricName, metricValue, metricUnit, commands, context, parsed, ...rest } = row;
  return {
    ...rest,
    commands: JSON.parse(commands) as StepRecord['commands'],
    context: JSON.parse(context) as Record<string, unknown>,
    parsed: parsed === null ? null : (JSON.parse(parsed) as unknown),
    metric: metricName !== null && metricValue !== null && metricUnit !== null ? { name: metricName, value: metricValue, unit: metricUnit } : null,
  };
}

type Column = [column: string, value: unknown];

/** The columns an update sets; undefined fields are kept, null ones cleared. */
export function stepUpdateColumns(update: StepUpdate): Column[] {
  const cols: Column[] = [];
  const put = (column: string, value: unknown) => cols.push([column, value]);
  if (update.status !== undefined) put('status', update.status);
  if (update.attempt !== undefined) put('attempt', update.attempt);
  if (update.commands !== undefined) put('commands', JSON.stringify(update.commands));
  if (update.context !== undefined) put('context', JSON.stringify(update.context));
  if (update.stdout !== undefined) put('stdout', update.stdout);
  if (update.stderr !== undefined) put('stderr', update.stderr);
  // A parsed result of `undefined` (absent) keeps the old one; anything else, null included, replaces it.
  if ('parsed' in update && update.parsed !== undefined) put('parsed', update.parsed === null ? null : JSON.stringify(update.parsed));
  if (update.metric !== undefined) {
    put('metric_name', update.metric?.name ?? null);
    put('metric_value', update.metric?.value ?? null);
    put('metric_unit', update.metric?.unit ?? null);
  }
  if (update.error !== undefined) put('error', update.error);
  if (update.startedAt !== undefined) put('started_at', update.startedAt);
  if (update.endedAt !== undefined) put('ended_at', update.endedAt);
  return cols;
}
