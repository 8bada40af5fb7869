// Statistics queries over stored steps. One grouped query per call reads only the partial
// covering index steps_ok_metrics (ok steps with a metric, plus the per-step host sums the
// store keeps), so thousands of runs cost one index scan, not their stdout pages or samples;
// shared/bench/stats-rows.ts then turns each group into a row with shared/stats.ts.
import type { StatsRow, StepMetric } from '../../../shared/bench/types.js';
import { statsRow, type HostAggregate, type LabelStatsRow } from '../../../shared/bench/stats-rows.js';
import type { Database } from './db.js';

const OK_STEP = "st.status = 'ok' AND st.metric_value IS NOT NULL";
const CELL = 'r.label, st.config_name, st.workload_id, st.target_name, st.metric_unit';

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

const HOST_SUMS = 'sum(st.host_samples) AS samples, sum(st.host_rq_sum) AS rq, sum(st.host_queue_sum) AS queue, sum(st.host_util_sum) AS util, sum(st.host_traffic_sum) AS traffic';

// `scope` selects the runs: one run by id, every run of a lab, or all runs.
function queries(db: Database, scope: string) {
  return {
    groups: db.prepare(`
      SELECT r.label AS label, st.config_name AS configName, st.workload_id AS workloadId, st.target_name AS targetName,
        st.metric_unit AS unit, min(st.idx) AS firstIdx, count(DISTINCT r.id) AS runs, json_group_array(st.metric_value) AS "values",
        min(st.host_device) AS device, max(st.host_device) AS lastDevice, ${HOST_SUMS}
      FROM runs r JOIN steps st ON st.run_id = r.id
      WHERE ${scope} AND ${OK_STEP}
      GROUP BY ${CELL}`),
    // Only for a group whose steps were sampled on different devices (rare: a target moved).
    devices: db.prepare(`
      SELECT st.host_device AS device, ${HOST_SUMS}
      FROM runs r JOIN steps st ON st.run_id = r.id
      WHERE ${scope} AND ${OK_STEP} AND r.label = @label AND st.config_name = @configName AND st.workload_id = @workloadId
        AND st.target_name IS @targetName AND st.metric_unit = @unit AND st.host_device IS NOT NULL
      GROUP BY st.host_device`),
  };
}

const aggregate = (d: DeviceRow): HostAggregate => ({ device: d.device, samples: d.samples, avgRqSectors: d.rq / d.samples, avgQueue: d.queue / d.samples, utilPct: d.util / d.samples, traffic: d.traffic });

export interface RunStatsQueries {
  ofRun(runId: number): StatsRow[];
  byLabel(labId: number | null): LabelStatsRow[];
}

export function createRunStatsQueries(db: Database): RunStatsQueries {
  const ofRun = queries(db, 'r.id = @runId');
  const ofLab = queries(db, 'r.lab_id = @labId');
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
