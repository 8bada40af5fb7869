import type { Migration } from '../migration.js';

// Every probe is kept (history of what a node had installed); the index serves both
// "latest probe of a node" and "probes of a node, newest first".
export const migration: Migration = {
  version: 3,
  name: 'probes',
  sql: `
CREATE TABLE probes (
  id INTEGER PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
  taken_at TEXT NOT NULL,
  facts TEXT NOT NULL CHECK (json_valid(facts) AND json_type(facts) = 'object')
) STRICT;

CREATE INDEX probes_by_node_newest ON probes(node_id, taken_at DESC, id DESC);
`,
};
