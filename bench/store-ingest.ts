// The run store under load (issue 3, "Store"): ingest 1,000,000 iostat samples (goal < 3 s) and
// statistics with 10,000 runs stored (goal < 50 ms, both for one run's statistics and for
// statistics across all of them by label). Each figure is printed with its ratio to a baseline
// measured here in the same process on the same kind of file:
//   ingest  vs one INSERT per transaction (autocommit), timed for up to 3 s and extrapolated
//           to a million;
//   stats   of a run: vs a full scan (the same figures from the steps and samples tables with
//           their indexes and the per-step host sums unused);
//   across  runs: vs one stats(run) per run (N+1), and vs the same groups read from every step
//           joined to its run (the query before migration 0007's run_cells; SQL alone).
// Run: npx tsx bench/store-ingest.ts [samples=1000000] [runs=10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from 'simple-statistics';
import type { IostatSample } from '../shared/bench/types.js';
import { openDatabase } from '../electron/core/store/db.js';
import { createStore } from '../electron/core/store/store.js';
import type { Store } from '../electron/core/store/types.js';

const SAMPLES = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 10_000);
const INGEST_GOAL_S = 3;
const STATS_GOAL_MS = 50;
const BASELINE_BUDGET_MS = 3000;

const dir = mkdtempSync(join(tmpdir(), 'iovlab-bench-store-'));
const ms = (t0: number): number => performance.now() - t0;
const fmt = (x: number, digits = 1): string => x.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function sample(i: number): IostatSample {
  return { t: i, device: i % 8 === 0 ? 'vda' : 'vdb', rMBps: 0, wMBps: 100 + (i % 13), avgRqSectors: 128 - (i % 7), avgQueue: 1 + (i % 3) / 10, utilPct: 90 + (i % 10) };
}

/** A run of `steps` dd steps (one per `config`), all pending. */
function createRun(store: Store, labId: number, label: string, steps: number) {
  const plan = { name: label, repeats: steps };
  const planned = Array.from({ length: steps }, (_, i) => ({ index: i, configName: `cfg${i % 2}`, workloadId: 'dd-write', targetName: 'scratch', repeat: 1 + Math.floor(i / 2), tool: 'dd' as const }));
  return store.runs.create({ labId, name: label, label, plan, tags: { accel: 'tcg' }, steps: planned, owner: null });
}

function benchIngest(): boolean {
  console.log(`\n== ingest ${SAMPLES.toLocaleString('en')} iostat samples ==`);
  const store = createStore(join(dir, 'ingest', 'iovlab.sqlite'));
  const labId = store.labs.create('bench', '').id;
  const stepsCount = 1000;
  const run = createRun(store, labId, 'ingest', stepsCount);
  const steps = store.runs.steps(run.id);
  const perStep = Math.ceil(SAMPLES / stepsCount);
  const all = Array.from({ length: SAMPLES }, (_, i) => sample(i));

  // As the runner stores them: one addSamples call (one transaction) per step.
  const t0 = performance.now();
  for (let i = 0; i < stepsCount; i++) store.runs.addSamples(steps[i]?.id ?? 0, all.slice(i * perStep, (i + 1) * perStep));
  const oursMs = ms(t0);
  const rate = SAMPLES / (oursMs / 1000);

  // Baseline: the naive loop, one INSERT per implicit transaction (one commit, one fsync, per row).
  const db = openDatabase(join(dir, 'ingest', 'iovlab.sqlite'));
  const insert = db.prepare('INSERT INTO samples (step_id, t, device, r_mbps, w_mbps, avg_rq_sectors, avg_queue, util_pct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const stepId = steps[0]?.id ?? 0;
  let n = 0;
  const b0 = performance.now();
  while (n < 100 || (ms(b0) < BASELINE_BUDGET_MS && n < SAMPLES)) {
    const s = sample(n++);
    insert.run(stepId, s.t, s.device, s.rMBps, s.wMBps, s.avgRqSectors, s.avgQueue, s.utilPct);
  }
  const naivePerRow = ms(b0) / n;
  const naiveMs = naivePerRow * SAMPLES;
  db.close();
  store.close();

  const ok = oursMs / 1000 < INGEST_GOAL_S;
  console.log(`iovlab   ${fmt(oursMs / 1000, 2)} s  (${Math.round(rate).toLocaleString('en')} samples/s; ${stepsCount} addSamples calls)   goal < ${INGEST_GOAL_S} s: ${verdict(ok)}`);
  console.log(`baseline ${fmt(naiveMs / 1000, 1)} s  (one INSERT per transaction: ${fmt(naivePerRow * 1000, 1)} µs/row over ${n.toLocaleString('en')} rows, extrapolated)`);
  console.log(`ratio    iovlab takes ${fmt(oursMs / naiveMs, 4)}× the baseline's time (${fmt(naiveMs / oursMs, 0)}× faster)`);
  return ok;
}

function benchStats(): boolean {
  console.log(`\n== statistics over ${RUNS.toLocaleString('en')} runs ==`);
  const store = createStore(join(dir, 'stats', 'iovlab.sqlite'));
  const labId = store.labs.create('bench', '').id;
  const stepsPerRun = 6;
  const samplesPerStep = 30;
  const labels = 20;
  const b0 = performance.now();
  const runIds = store.runs.transaction(() =>
    Array.from({ length: RUNS }, (_, r) => {
      const run = createRun(store, labId, `config-${r % labels}`, stepsPerRun);
      for (const step of store.runs.steps(run.id)) {
        store.runs.updateStep(step.id, { status: 'ok', metric: { name: 'bandwidth', value: 100 + ((r * 7 + step.index) % 23), unit: 'MBps' } });
        store.runs.addSamples(step.id, Array.from({ length: samplesPerStep }, (_, i) => sample(i)));
      }
      return run.id;
    }),
  );
  console.log(`setup    ${RUNS.toLocaleString('en')} runs, ${(RUNS * stepsPerRun).toLocaleString('en')} steps, ${(RUNS * stepsPerRun * samplesPerStep).toLocaleString('en')} samples in ${fmt(ms(b0) / 1000, 1)} s`);

  const timeIt = (times: number, fn: () => unknown): number => {
    const t: number[] = [];
    for (let i = 0; i < times; i++) {
      const t0 = performance.now();
      fn();
      t.push(ms(t0));
    }
    return median(t);
  };

  const acrossMs = timeIt(7, () => store.runs.statsByLabel({ labId }));
  const rows = store.runs.statsByLabel({ labId });
  const oneRunMs = timeIt(200, () => store.runs.stats(runIds[Math.floor(Math.random() * runIds.length)] ?? 1));

  // Baselines: the same figures with no index and no per-step sums (full scans of steps and
  // samples), and the N+1 way (one stats query per run, merged in JS).
  const db = openDatabase(join(dir, 'stats', 'iovlab.sqlite'));
  const fullScan = db.prepare(`
    SELECT st.config_name, st.workload_id, st.target_name, sa.device, count(*), avg(sa.avg_rq_sectors), avg(sa.avg_queue), avg(sa.util_pct)
    FROM steps st NOT INDEXED JOIN samples sa NOT INDEXED ON sa.step_id = st.id
    WHERE st.run_id = ? AND st.status = 'ok' AND st.metric_value IS NOT NULL
    GROUP BY 1, 2, 3, 4`);
  const overSteps = db.prepare(`
    SELECT r.label, st.config_name, st.workload_id, st.target_name, st.metric_unit, min(st.idx), count(DISTINCT r.id), json_group_array(st.metric_value),
      min(st.host_device), max(st.host_device), sum(st.host_samples), sum(st.host_rq_sum), sum(st.host_queue_sum), sum(st.host_util_sum), sum(st.host_traffic_sum)
    FROM runs r JOIN steps st ON st.run_id = r.id
    WHERE r.lab_id = ? AND st.status = 'ok' AND st.metric_value IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5`);
  const scanMs = timeIt(3, () => fullScan.all(runIds[0] ?? 1));
  const overStepsMs = timeIt(7, () => overSteps.all(labId));
  const n1Ms = timeIt(1, () => runIds.map((id) => store.runs.stats(id)));
  db.close();
  store.close();

  // The goal holds for both readings of "a statistics query over 10,000 runs": the query every
  // view makes (runs show, reports, the UI: one run's statistics in a store of 10,000 runs),
  // and statistics across all of them by label (`iovlab runs stats`, the API's run.statsByLabel).
  const oneOk = oneRunMs < STATS_GOAL_MS;
  const acrossOk = acrossMs < STATS_GOAL_MS;
  console.log(`iovlab   stats of one run among ${RUNS.toLocaleString('en')}: ${fmt(oneRunMs, 3)} ms (median of 200, random runs)   goal < ${STATS_GOAL_MS} ms: ${verdict(oneOk)}`);
  console.log(`baseline the same by full scan: ${fmt(scanMs)} ms → ratio ${fmt(oneRunMs / scanMs, 5)} (${fmt(scanMs / oneRunMs, 0)}× faster)`);
  console.log(`iovlab   stats across all ${RUNS.toLocaleString('en')} runs by label: ${fmt(acrossMs)} ms (${rows.length} rows, n=${rows[0]?.n ?? 0} each, host figures included)   goal < ${STATS_GOAL_MS} ms: ${verdict(acrossOk)}`);
  console.log(`baseline the same as ${RUNS.toLocaleString('en')} per-run queries (N+1): ${fmt(n1Ms)} ms → ratio ${fmt(acrossMs / n1Ms, 4)} (${fmt(n1Ms / acrossMs, 0)}× faster)`);
  console.log(`baseline the same groups from every step joined to its run (SQL alone, before run_cells): ${fmt(overStepsMs)} ms → ratio ${fmt(acrossMs / overStepsMs, 3)}`);
  return oneOk && acrossOk;
}

try {
  const ingestOk = benchIngest();
  const statsOk = benchStats();
  console.log(`\n${ingestOk && statsOk ? 'all goals met' : 'GOAL MISSED'}`);
  process.exitCode = ingestOk && statsOk ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
