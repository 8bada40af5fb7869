import type { Migration } from '../migration.js';

// Benchmark runs (shared/bench/types.ts). A step keeps everything it ran and produced; its
// metric is three plain columns so statistics read numbers, not JSON. Samples are the bulk of
// the data (one row per device per second of every storage step), so that table is narrow:
// no id of its own, the device as text, figures as REAL, found through its step. Statistics
// do not read samples: the store keeps each step's sums for its busiest device (host_*).
export const migration: Migration = {
  version: 5,
  name: 'runs',
  sql: `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  lab_id INTEGER NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'ok', 'failed', 'cancelled')),
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  tags TEXT NOT NULL CHECK (json_valid(tags) AND json_type(tags) = 'object'),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  owner_pid INTEGER CHECK (owner_pid > 0),
  owner_host TEXT,
  CHECK ((owner_pid IS NULL) = (owner_host IS NULL))
) STRICT;

CREATE INDEX runs_by_lab_newest ON runs(lab_id, created_at DESC, id DESC);
CREATE INDEX runs_running ON runs(status) WHERE status = 'running';

CREATE TABLE steps (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  config_name TEXT NOT NULL,
  workload_id TEXT NOT NULL,
  target_name TEXT,
  repeat INTEGER NOT NULL CHECK (repeat >= 1),
  tool TEXT NOT NULL CHECK (tool IN ('dd', 'fio', 'iperf3', 'netperf', 'iostat', 'testdfsio')),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'ok', 'failed', 'cancelled')),
  attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  commands TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commands) AND json_type(commands) = 'array'),
  context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context) AND json_type(context) = 'object'),
  stdout TEXT NOT NULL DEFAULT '',
  stderr TEXT NOT NULL DEFAULT '',
  parsed TEXT CHECK (parsed IS NULL OR json_valid(parsed)),
  metric_name TEXT CHECK (metric_name IN ('bandwidth', 'throughput')),
  metric_value REAL,
  metric_unit TEXT CHECK (metric_unit IN ('MBps', 'Mbps')),
  error TEXT,
  started_at TEXT,
  ended_at TEXT,
  host_device TEXT,
  host_samples INTEGER NOT NULL DEFAULT 0 CHECK (host_samples >= 0),
  host_rq_sum REAL,
  host_queue_sum REAL,
  host_util_sum REAL,
  host_traffic_sum REAL,
  UNIQUE (run_id, idx),
  CHECK ((metric_name IS NULL) = (metric_value IS NULL) AND (metric_value IS NULL) = (metric_unit IS NULL)),
  CHECK ((host_device IS NULL) = (host_samples = 0))
) STRICT;

-- Everything statistics read, for the steps they read: the grouping runs from this index
-- alone, never touching the wide rows (stdout of a fio or iperf3 step is tens of kB).
CREATE INDEX steps_ok_metrics ON steps(run_id, config_name, workload_id, target_name, metric_unit, metric_value, idx,
  host_device, host_samples, host_rq_sum, host_queue_sum, host_util_sum, host_traffic_sum)
  WHERE status = 'ok' AND metric_value IS NOT NULL;

CREATE TABLE samples (
  step_id INTEGER NOT NULL REFERENCES steps(id) ON DELETE CASCADE,
  t REAL NOT NULL,
  device TEXT NOT NULL,
  r_mbps REAL NOT NULL,
  w_mbps REAL NOT NULL,
  avg_rq_sectors REAL NOT NULL,
  avg_queue REAL NOT NULL,
  util_pct REAL NOT NULL
) STRICT;

CREATE INDEX samples_by_step ON samples(step_id);
`,
};
