// Statistics queries. They read run_cells (migration 0007): one row per run and cell with the
// run's ok values and host sums, which triggers keep in step with the steps. So thousands of
// runs cost one pass over narrow rows that already carry their label, not a join of every
// step with its run; shared/bench/stats-rows.ts then turns each group into a row with
// shared/stats.ts.
import type { StatsRow, StepMetric } from '../../../shared/bench/types.js';
import { statsRow, type HostAggregate, type LabelStatsRow } from '../../../shared/bench/stats-rows.js';
import type { Database } from './db.js';

const CELL = 'c.label, c.config_name, c.workload_id, c.target_name, c.metric_unit';

interface GroupRow {
  label: string;
  configName: string;
  workloadId: string;
  targetName: string | null;
  unit: StepMetric['unit'];
  firstIdx: number;
  runs: number;
  values: string;
  /** The host devices the group's steps were sampled on, first and last by name (null: none sampled). */
  device: string | null;
  lastDevice: string | null;
  samples: number;
  rq: number | null;
  queue: number | null;
  util: number | null;
  traffic: number | null;
}

interface DeviceRow {
  device: string;
  samples: number;
  rq: number;
  queue: number;
  util: number;
  traffic: number;
}

// run_cells keeps the steps' host column names, so one list sums either table.
const HOST_SUMS = (t: 'c' | 'st') =>
  `sum(${t}.host_samples) AS samples, sum(${t}.host_rq_sum) AS rq, sum(${t}.host_queue_sum) AS queue, sum(${t}.host_util_sum) AS util, sum(${t}.host_traffic_sum) AS traffic`;

// `scope` selects the runs (on run_cells c): one run by id, every run of a lab, or all runs.
function queries(db: Database, scope: string) {
  return {
    // Each cell's values are a JSON array; their contents are joined as text into one array
    // per group, which spares SQLite from printing every number again.
    groups: db.prepare(`
      SELECT c.label AS label, c.config_name AS configName, c.workload_id AS workloadId, c.target_name AS targetName,
        c.metric_unit AS unit, min(c.first_idx) AS firstIdx, count(*) AS runs,
        '[' || group_concat(substr(c.metric_values, 2, length(c.metric_values) - 2), ',') || ']' AS "values",
        min(c.host_device) AS device, max(c.host_last_device) AS lastDevice, ${HOST_SUMS('c')}
      FROM run_cells c
      WHERE ${scope}
      GROUP BY ${CELL}`),
    // Only for a group whose steps were sampled on different devices (rare: a target moved).
    devices: db.prepare(`
      SELECT st.host_device AS device, ${HOST_SUMS('st')}
      FROM run_cells c JOIN steps st ON st.run_id = c.run_id AND st.config_name = c.config_name AND st.workload_id = c.workload_id
        AND st.target_name IS c.target_name AND st.metric_unit = c.metric_unit
      WHERE ${scope} AND c.label = @label AND c.config_name = @configName AND c.workload_id = @workloadId
        AND c.target_name IS @targetName AND c.metric_unit = @unit
        AND st.status = 'ok' AND st.metric_value IS NOT NULL AND st.host_device IS NOT NULL
      GROUP BY st.host_device`),
  };
}

const aggregate = (d: DeviceRow): HostAggregate => ({ device: d.device, samples: d.samples, avgRqSectors: d.rq / d.samples, avgQueue: d.queue / d.samples, utilPct: d.util / d.samples, traffic: d.traffic });

export interface RunStatsQueries {
  ofRun(runId: number): StatsRow[];
  byLabel(labId: number | null): LabelStatsRow[];
}

export function createRunStatsQueries(db: Database): RunStatsQueries {
  const ofRun = queries(db, 'c.run_id = @runId');
  const ofLab = queries(db, 'c.lab_id = @labId');
  const ofAll = queries(db, '1 = 1');

  const build = (q: ReturnType<typeof queries>, params: Record<string, number>): (LabelStatsRow & { firstIdx: number })[] =>
    (q.groups.all(params) as GroupRow[]).map((g) => {
      const group = { configName: g.configName, workloadId: g.workloadId, targetName: g.targetName, unit: g.unit, values: JSON.parse(g.values) as number[] };
      let host: HostAggregate[] = [];
      if (g.device !== null && g.device === g.lastDevice && g.rq !== null && g.queue !== null && g.util !== null && g.traffic !== null) {
        host = [aggregate({ device: g.device, samples: g.samples, rq: g.rq, queue: g.queue, util: g.util, traffic: g.traffic })];
      } else if (g.device !== g.lastDevice) {
        const match = { label: g.label, configName: g.configName, workloadId: g.workloadId, targetName: g.targetName, unit: g.unit };
        host = (q.devices.all({ ...params, ...match }) as DeviceRow[]).map(aggregate);
      }
      return { label: g.label, runs: g.runs, firstIdx: g.firstIdx, ...statsRow(group, host) };
    });

  return {
    // Cells in the order the run first reached them; one run has one label, so the cross-run fields go.
    ofRun: (runId) => build(ofRun, { runId }).sort((a, b) => a.firstIdx - b.firstIdx).map(({ label: _l, runs: _r, firstIdx: _f, ...row }) => row),
    byLabel: (labId) => (labId === null ? build(ofAll, {}) : build(ofLab, { labId })).map(({ firstIdx: _f, ...row }) => row),
  };
}
