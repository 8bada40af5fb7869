import type { Migration } from '../migration.js';

// A node's jump host must be another node of the same lab. The store checks this first to
// give a precise message; the triggers keep other writers (an older build, the sqlite3 shell)
// from storing a jump chain that crosses labs.
export const migration: Migration = {
  version: 1,
  name: 'labs-and-nodes',
  sql: `
CREATE TABLE labs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE nodes (
  id INTEGER PRIMARY KEY,
  lab_id INTEGER NOT NULL REFERENCES labs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  roles TEXT NOT NULL CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  host TEXT NOT NULL,
  port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  ssh_user TEXT NOT NULL,
  auth_kind TEXT NOT NULL CHECK (auth_kind IN ('key', 'agent', 'password')),
  key_path TEXT,
  jump_node_id INTEGER REFERENCES nodes(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  UNIQUE (lab_id, name),
  CHECK (jump_node_id IS NULL OR jump_node_id <> id)
) STRICT;

CREATE INDEX nodes_by_jump_node ON nodes(jump_node_id);

CREATE TRIGGER nodes_jump_same_lab_on_insert
BEFORE INSERT ON nodes
WHEN NEW.jump_node_id IS NOT NULL
  AND (SELECT lab_id FROM nodes WHERE id = NEW.jump_node_id) IS NOT NEW.lab_id
BEGIN
  SELECT RAISE(ABORT, 'jump node must belong to the same lab');
END;

CREATE TRIGGER nodes_jump_same_lab_on_update
BEFORE UPDATE OF jump_node_id, lab_id ON nodes
WHEN NEW.jump_node_id IS NOT NULL
  AND (SELECT lab_id FROM nodes WHERE id = NEW.jump_node_id) IS NOT NEW.lab_id
BEGIN
  SELECT RAISE(ABORT, 'jump node must belong to the same lab');
END;
`,
};
