import type { Migration } from '../migration.js';

// One trusted host key per node; accepting a new key replaces the row.
export const migration: Migration = {
  version: 2,
  name: 'host-keys',
  sql: `
CREATE TABLE host_keys (
  node_id INTEGER PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
  key_type TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  accepted_at TEXT NOT NULL
) STRICT;
`,
};
