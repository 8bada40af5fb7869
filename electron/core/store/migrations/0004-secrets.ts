import type { Migration } from '../migration.js';

// Only ciphertext sealed by the OS keychain (Electron safeStorage) is stored here.
export const migration: Migration = {
  version: 4,
  name: 'secrets',
  sql: `
CREATE TABLE secrets (
  node_id INTEGER PRIMARY KEY REFERENCES nodes(id) ON DELETE CASCADE,
  ciphertext BLOB NOT NULL
) STRICT;
`,
};
