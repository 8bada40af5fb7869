import type { Migration } from '../migration.js';

// Install runs (shared/install/types.ts): one row per run of a recipe on a lab, with the recipe
// as it was run (resume re-runs those commands even if the file changed since), and one row per
// step and node in run order. A step row keeps the node's id and name as they were: history
// stays readable after a node is removed, so node_id is no foreign key. The log is the last
// 64 KiB of what the step printed (the repository trims it; the CHECK is the safety net).
export const migration: Migration = {
  version: 6,
  name: 'installs',
  sql: `
CREATE TABLE installs (
  id INTEGER PRIMARY KEY,
  lab_id INTEGER NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
  recipe_id TEXT NOT NULL CHECK (length(recipe_id) BETWEEN 1 AND 64),
  recipe TEXT NOT NULL CHECK (json_valid(recipe) AND json_type(recipe) = 'object'),
  status TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'ok', 'failed', 'cancelled')),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  owner_pid INTEGER CHECK (owner_pid > 0),
  owner_host TEXT,
  CHECK ((owner_pid IS NULL) = (owner_host IS NULL))
) STRICT;

CREATE INDEX installs_by_lab_newest ON installs(lab_id, created_at DESC, id DESC);
CREATE INDEX installs_running ON installs(status) WHERE status = 'running';

CREATE TABLE install_steps (
  id INTEGER PRIMARY KEY,
  install_id INTEGER NOT NULL REFERENCES installs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  step_id TEXT NOT NULL CHECK (length(step_id) BETWEEN 1 AND 64),
  node_id INTEGER NOT NULL CHECK (node_id > 0),
  node_name TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'already-done', 'done', 'failed', 'not-applicable', 'cancelled')),
  reason TEXT,
  log TEXT NOT NULL DEFAULT '' CHECK (length(CAST(log AS BLOB)) <= 65536),
  started_at TEXT,
  finished_at TEXT,
  UNIQUE (install_id, idx),
  UNIQUE (install_id, step_id, node_id)
) STRICT;
`,
};
