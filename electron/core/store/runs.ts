// The RunStore (./run-types.ts) over the same better-sqlite3 connection as the rest of the
// store. Writes that check before they write run in IMMEDIATE transactions (see store.ts);
// samples go in batched inside one transaction, which is what makes a million of them take
// about a second instead of hours of one-commit-per-row, and each step keeps the sums of its
// busiest device's samples (steps.host_*) so statistics never read the samples themselves.
import type { IostatSample, RunRecord, RunStatus } from '../../../shared/bench/types.js';
import { AppError } from '../../../shared/result.js';
import type { Database } from './db.js';
import { guarded } from './errors.js';
import { RUN_COLUMNS, RUN_ORDER, STEP_COLUMNS, stepUpdateColumns, toRun, toStep, type RunRow, type StepRow } from './run-rows.js';
import { createRunStatsQueries } from './run-stats.js';
import type { NewRun, RunStore, StepUpdate } from './run-types.js';

const FINAL: readonly RunStatus[] = ['ok', 'failed', 'cancelled'];
const SAMPLE_FIELDS = ['t', 'rMBps', 'wMBps', 'avgRqSectors', 'avgQueue', 'utilPct'] as const;

const INSERT_SAMPLES = 'INSERT INTO samples (step_id, t, device, r_mbps, w_mbps, avg_rq_sectors, avg_queue, util_pct) VALUES';
const SAMPLE_ROW = '(?, ?, ?, ?, ?, ?, ?, ?)';
const SAMPLE_BATCH = 64;

const now = (): string => new Date().toISOString();

export function createRunStore(db: Database): RunStore {
  const file = db.name;
  const sql = {
    labExists: db.prepare('SELECT 1 FROM labs WHERE id = ?').pluck(),
    insertRun: db.prepare(`INSERT INTO runs (lab_id, name, label, status, plan, tags, created_at, owner_pid, owner_host)
      VALUES (@labId, @name, @label, 'running', @plan, @tags, @createdAt, @ownerPid, @ownerHost)`),
    insertStep: db.prepare(`INSERT INTO steps (run_id, idx, config_name, workload_id, target_name, repeat, tool)
      VALUES (@runId, @index, @configName, @workloadId, @targetName, @repeat, @tool)`),
    run: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`),
    runs: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r ${RUN_ORDER}`),
    runsOfLab: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.lab_id = ? ${RUN_ORDER}`),
    running: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.status = 'running' ${RUN_ORDER}`),
    setStatus: db.prepare('UPDATE runs SET status = ?, finished_at = ? WHERE id = ?'),
    setOwner: db.prepare('UPDATE runs SET owner_pid = ?, owner_host = ? WHERE id = ?'),
    deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    steps: db.prepare(`SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? ORDER BY idx`),
    step: db.prepare(`SELECT ${STEP_COLUMNS} FROM steps WHERE id = ?`),
    stepExists: db.prepare('SELECT 1 FROM steps WHERE id = ?').pluck(),
    insertSample: db.prepare(`${INSERT_SAMPLES} ${SAMPLE_ROW}`),
    insertSamples: db.prepare(`${INSERT_SAMPLES} ${Array<string>(SAMPLE_BATCH).fill(SAMPLE_ROW).join(', ')}`),
    samples: db.prepare('SELECT t, device, r_mbps AS rMBps, w_mbps AS wMBps, avg_rq_sectors AS avgRqSectors, avg_queue AS avgQueue, util_pct AS utilPct FROM samples WHERE step_id = ? ORDER BY t, rowid'),
    clearSamples: db.prepare('DELETE FROM samples WHERE step_id = ?'),
    // The step's host figures are those of the device it kept busiest; statistics read only these.
    summarizeHost: db.prepare(`UPDATE steps SET (host_device, host_samples, host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum) =
      (SELECT device, count(*), sum(avg_rq_sectors), sum(avg_queue), sum(util_pct), sum(r_mbps + w_mbps) FROM samples
       WHERE step_id = @id GROUP BY device ORDER BY sum(r_mbps + w_mbps) DESC, device LIMIT 1) WHERE id = @id`),
    clearHost: db.prepare(`UPDATE steps SET host_device = NULL, host_samples = 0, host_rq_sum = NULL, host_queue_sum = NULL,
      host_util_sum = NULL, host_traffic_sum = NULL WHERE id = ?`),
  };
  const updates = new Map<string, ReturnType<Database['prepare']>>();
  const stats = createRunStatsQueries(db);

  const read = <T>(doing: string, fn: () => T): T => guarded(file, doing, fn);
  const write = <T>(doing: string, fn: () => T): T => guarded(file, doing, () => db.transaction(fn).immediate());

  const getRun = (runId: number): RunRecord => {
    const row = sql.run.get(runId) as RunRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `run ${runId} not found`);
    return toRun(row);
  };
  const getStep = (stepId: number) => {
    const row = sql.step.get(stepId) as StepRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `step ${stepId} not found`);
    return toStep(row);
  };
  const assertStep = (stepId: number) => {
    if (sql.stepExists.get(stepId) === undefined) throw new AppError('NOT_FOUND', `step ${stepId} not found`);
  };

  const store: RunStore = {
    create: (run: NewRun) =>
      write(`creating run "${run.name}"`, () => {
        if (sql.labExists.get(run.labId) === undefined) throw new AppError('NOT_FOUND', `lab ${run.labId} not found`);
        const row = {
          labId: run.labId,
          name: run.name,
          label: run.label,
          plan: JSON.stringify(run.plan ?? null),
          tags: JSON.stringify(run.tags),
          createdAt: now(),
          ownerPid: run.owner?.pid ?? null,
          ownerHost: run.owner?.host ?? null,
        };
        const runId = Number(sql.insertRun.run(row).lastInsertRowid);
        for (const step of run.steps) {
          const { index, configName, workloadId, targetName, repeat, tool } = step;
          sql.insertStep.run({ runId, index, configName, workloadId, targetName, repeat, tool });
        }
        return getRun(runId);
      }),
    get: (runId) => read(`reading run ${runId}`, () => getRun(runId)),
    list: (filter = {}) =>
      read('listing runs', () => ((filter.labId === undefined ? sql.runs.all() : sql.runsOfLab.all(filter.labId)) as RunRow[]).map(toRun)),
    setStatus: (runId, status, owner) =>
      write(`setting the status of run ${runId}`, () => {
        const done = FINAL.includes(status) ? now() : null;
        if (sql.setStatus.run(status, done, runId).changes === 0) throw new AppError('NOT_FOUND', `run ${runId} not found`);
        if (owner !== undefined) sql.setOwner.run(owner?.pid ?? null, owner?.host ?? null, runId);
      }),
    steps: (runId) =>
      read(`reading the steps of run ${runId}`, () => {
        getRun(runId);
        return (sql.steps.all(runId) as StepRow[]).map(toStep);
      }),
    step: (stepId) => read(`reading step ${stepId}`, () => getStep(stepId)),
    updateStep: (stepId, update: StepUpdate) =>
      write(`updating step ${stepId}`, () => {
        if (update.metric && !Number.isFinite(update.metric.value)) throw new AppError('INVALID_ARGUMENT', `step ${stepId}: the metric ${update.metric.name} is ${update.metric.value}, not a finite number`);
        const cols = stepUpdateColumns(update);
        if (cols.length === 0) return getStep(stepId);
        const key = cols.map(([c]) => c).join(',');
        let statement = updates.get(key);
        if (!statement) {
          statement = db.prepare(`UPDATE steps SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`);
          updates.set(key, statement);
        }
        if (statement.run([...cols.map(([, v]) => v), stepId]).changes === 0) throw new AppError('NOT_FOUND', `step ${stepId} not found`);
        return getStep(stepId);
      }),
    addSamples: (stepId, samples: readonly IostatSample[]) =>
      write(`storing ${samples.length} iostat samples of step ${stepId}`, () => {
        assertStep(stepId);
        samples.forEach((s, i) => checkSample(s, i, stepId));
        // Rows go in SAMPLE_BATCH at a time: one call into SQLite per batch instead of per row
        // halves the time of a large ingest; the remainder goes row by row.
        const params: unknown[] = new Array<unknown>(SAMPLE_BATCH * 8);
        let i = 0;
        for (; i + SAMPLE_BATCH <= samples.length; i += SAMPLE_BATCH) {
          for (let j = 0; j < SAMPLE_BATCH; j++) sampleParams(params, j * 8, stepId, samples[i + j] as IostatSample);
          sql.insertSamples.run(params);
        }
        for (; i < samples.length; i++) sql.insertSample.run(sampleParams([], 0, stepId, samples[i] as IostatSample));
        if (samples.length > 0) sql.summarizeHost.run({ id: stepId });
      }),
    samples: (stepId) =>
      read(`reading the samples of step ${stepId}`, () => {
        assertStep(stepId);
        return sql.samples.all(stepId) as IostatSample[];
      }),
    clearSamples: (stepId) =>
      write(`clearing the samples of step ${stepId}`, () => {
        assertStep(stepId);
        sql.clearSamples.run(stepId);
        sql.clearHost.run(stepId);
      }),
    stats: (runId) =>
      read(`computing the statistics of run ${runId}`, () => {
        getRun(runId);
        return stats.ofRun(runId);
      }),
    statsByLabel: (filter = {}) => read('computing statistics by label', () => stats.byLabel(filter.labId ?? null)),
    interrupted: (isAlive) =>
      read('looking for interrupted runs', () => (sql.running.all() as RunRow[]).map(toRun).filter((run) => run.owner === null || !isAlive(run.owner))),
    delete: (runId) =>
      write(`deleting run ${runId}`, () => {
        if (sql.deleteRun.run(runId).changes === 0) throw new AppError('NOT_FOUND', `run ${runId} not found`);
      }),
    // Nested write()s become savepoints of this one transaction (better-sqlite3).
    transaction: (fn) => write('writing runs', fn),
  };
  return store;
}

function sampleParams(out: unknown[], at: number, stepId: number, s: IostatSample): unknown[] {
  out[at] = stepId;
  out[at + 1] = s.t;
  out[at + 2] = s.device;
  out[at + 3] = s.rMBps;
  out[at + 4] = s.wMBps;
  out[at + 5] = s.avgRqSectors;
  out[at + 6] = s.avgQueue;
  out[at + 7] = s.utilPct;
  return out;
}

function checkSample(s: IostatSample, i: number, stepId: number): void {
  if (typeof s.device !== 'string' || s.device.length === 0) throw new AppError('INVALID_ARGUMENT', `sample #${i + 1} of step ${stepId} has no device name`);
  for (const field of SAMPLE_FIELDS) {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new AppError('INVALID_ARGUMENT', `sample #${i + 1} of step ${stepId} (${s.device}): ${field} is ${String(v)}, not a finite number`);
  }
}
