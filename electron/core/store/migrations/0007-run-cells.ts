import type { Migration } from '../migration.js';

// One row per run and statistics cell (config, workload, target, unit): the run's ok values
// and the host sums of their steps, kept by triggers whenever a step changes. Statistics across
// thousands of runs then read one row per run and cell, already carrying its run's label and
// lab, instead of joining and sorting every step (10,000 runs of 6 steps: 60,000 index rows
// joined to runs vs 20,000 narrow rows; bench/store-ingest.ts). Only steps that were or become
// 'ok' refresh a cell; the refresh recomputes the cell from the run's steps through the
// steps_ok_metrics index, so it costs a few rows, and a cell can never drift from its steps.
// Self-contained on purpose: this text is hashed when applied, so it must not depend on code
// that may change later.

const CELL_OF = (ref: 'NEW' | 'OLD', table: string) =>
  `${table}.run_id = ${ref}.run_id AND ${table}.config_name = ${ref}.config_name AND ${table}.workload_id = ${ref}.workload_id AND ${table}.target_name IS ${ref}.target_name`;

const FILL = (where: string, groupBy: string) => `
INSERT INTO run_cells (run_id, lab_id, label, config_name, workload_id, target_name, metric_unit, first_idx, n, metric_values,
  host_device, host_last_device, host_samples, host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum)
SELECT st.run_id, r.lab_id, r.label, st.config_name, st.workload_id, st.target_name, st.metric_unit, min(st.idx), count(*),
  json_group_array(st.metric_value ORDER BY st.idx), min(st.host_device), max(st.host_device), sum(st.host_samples),
  sum(st.host_rq_sum), sum(st.host_queue_sum), sum(st.host_util_sum), sum(st.host_traffic_sum)
FROM steps st JOIN runs r ON r.id = st.run_id
WHERE ${where} AND st.status = 'ok' AND st.metric_value IS NOT NULL
GROUP BY ${groupBy};`;

const REFRESH = (ref: 'NEW' | 'OLD') => `
DELETE FROM run_cells WHERE ${CELL_OF(ref, 'run_cells')};
${FILL(CELL_OF(ref, 'st'), 'st.metric_unit')}`;

export const migration: Migration = {
  version: 7,
  name: 'run-cells',
  sql: `
CREATE TABLE run_cells (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  lab_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  config_name TEXT NOT NULL,
  workload_id TEXT NOT NULL,
  target_name TEXT,
  metric_unit TEXT NOT NULL,
  first_idx INTEGER NOT NULL,
  n INTEGER NOT NULL CHECK (n > 0),
  metric_values TEXT NOT NULL CHECK (json_valid(metric_values) AND json_type(metric_values) = 'array'),
  host_device TEXT,
  host_last_device TEXT,
  host_samples INTEGER NOT NULL CHECK (host_samples >= 0),
  host_rq_sum REAL,
  host_queue_sum REAL,
  host_util_sum REAL,
  host_traffic_sum REAL
) STRICT;

-- A run's statistics search by run; statistics by label (of a lab, or of all) walk the cells in
-- group order, so grouping needs no sort (a lab's cells are filtered on the way: 10,000 runs
-- take ~14 ms of SQL this way vs ~31 ms searching by lab and then sorting).
CREATE INDEX run_cells_by_run ON run_cells(run_id, config_name, workload_id, target_name, metric_unit);
CREATE INDEX run_cells_by_cell ON run_cells(label, config_name, workload_id, target_name, metric_unit);

${FILL('1 = 1', 'st.run_id, st.config_name, st.workload_id, st.target_name, st.metric_unit')}

CREATE TRIGGER run_cells_step_inserted AFTER INSERT ON steps WHEN NEW.status = 'ok' BEGIN${REFRESH('NEW')}
END;

CREATE TRIGGER run_cells_step_changed AFTER UPDATE OF status, metric_value, metric_unit, host_device, host_samples,
  host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum ON steps WHEN OLD.status = 'ok' OR NEW.status = 'ok' BEGIN${REFRESH('NEW')}
END;

-- The application never moves a step to another cell; if anything does, both cells follow.
CREATE TRIGGER run_cells_step_moved AFTER UPDATE OF run_id, config_name, workload_id, target_name ON steps
  WHEN OLD.status = 'ok' OR NEW.status = 'ok' BEGIN${REFRESH('OLD')}${REFRESH('NEW')}
END;

CREATE TRIGGER run_cells_step_deleted AFTER DELETE ON steps WHEN OLD.status = 'ok' BEGIN${REFRESH('OLD')}
END;

CREATE TRIGGER run_cells_run_relabelled AFTER UPDATE OF label, lab_id ON runs BEGIN
UPDATE run_cells SET label = NEW.label, lab_id = NEW.lab_id WHERE run_id = NEW.id;
END;
`,
};
