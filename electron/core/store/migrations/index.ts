// Every schema step in order. Append only: never edit, reorder or remove a shipped entry.
import type { Migration } from '../migration.js';
import { migration as labsAndNodes } from './0001-labs-and-nodes.js';
import { migration as hostKeys } from './0002-host-keys.js';
import { migration as probes } from './0003-probes.js';
import { migration as secrets } from './0004-secrets.js';
import { migration as runs } from './0005-runs.js';
import { migration as installs } from './0006-installs.js';
import { migration as runCells } from './0007-run-cells.js';

export const MIGRATIONS: readonly Migration[] = [labsAndNodes, hostKeys, probes, secrets, runs, installs, runCells];
