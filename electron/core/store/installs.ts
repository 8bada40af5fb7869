// Install runs and their step records (migration 0006) over the store's better-sqlite3
// connection. Writes run in IMMEDIATE transactions like the rest of the store; a step's log is
// trimmed to its last 64 KiB here, so no caller can trip the table's size CHECK.
import type { InstallRun, InstallStatus, InstallStepRecord, InstallStepStatus } from '../../../shared/install/types.js';
import { AppError } from '../../../shared/result.js';
import type { Database } from './db.js';
import { guarded } from './errors.js';

export const INSTALL_LOG_MAX_BYTES = 64 * 1024;
const CUT_MARK = '[... earlier output cut ...]\n';
const FINAL: readonly InstallStatus[] = ['ok', 'failed', 'cancelled'];

export interface InstallOwner {
  pid: number;
  host: string;
}

/** An install as stored: the API's InstallRun plus the recipe it ran and the process running it. */
export interface StoredInstall extends InstallRun {
  recipe: unknown;
  owner: InstallOwner | null;
}

export interface NewInstall {
  labId: number;
  recipeId: string;
  recipe: unknown;
  /** In run order; stored as pending with index = position. */
  steps: { stepId: string; nodeId: number; nodeName: string; title: string }[];
  owner: InstallOwner | null;
}

export interface InstallStepUpdate {
  status?: InstallStepStatus;
  reason?: string | null;
  log?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

export interface InstallStore {
  create(install: NewInstall): StoredInstall; // NOT_FOUND for an unknown lab
  get(installId: number): StoredInstall; // NOT_FOUND
  list(filter?: { labId?: number }): StoredInstall[]; // newest first
  /** Installs whose stored status is 'running' (the caller decides which of them are interrupted). */
  running(): StoredInstall[];
  setStatus(installId: number, status: InstallStatus, owner?: InstallOwner | null): void; // finishedAt set for final states
  updateStep(stepRecordId: number, update: InstallStepUpdate): InstallStepRecord;
}

/** The last `maxBytes` bytes of UTF-8 text, cut at a character boundary and marked as cut. */
export function tailUtf8(text: string, maxBytes = INSTALL_LOG_MAX_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let start = bytes.length - (maxBytes - Buffer.byteLength(CUT_MARK));
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++; // not inside a multi-byte character
  return CUT_MARK + bytes.subarray(start).toString('utf8');
}

interface InstallRow {
  id: number;
  labId: number;
  recipeId: string;
  recipe: string;
  status: InstallStatus;
  createdAt: string;
  finishedAt: string | null;
  ownerPid: number | null;
  ownerHost: string | null;
}

const INSTALL_COLUMNS = `id, lab_id AS labId, recipe_id AS recipeId, recipe, status, created_at AS createdAt,
  finished_at AS finishedAt, owner_pid AS ownerPid, owner_host AS ownerHost`;
const INSTALL_ORDER = 'ORDER BY created_at DESC, id DESC';
const STEP_COLUMNS = `id, install_id AS installId, idx AS "index", step_id AS stepId, node_id AS nodeId, node_name AS nodeName,
  title, status, reason, log, started_at AS startedAt, finished_at AS finishedAt`;

const now = (): string => new Date().toISOString();

export function createInstallStore(db: Database): InstallStore {
  const file = db.name;
  const sql = {
    labExists: db.prepare('SELECT 1 FROM labs WHERE id = ?').pluck(),
    insert: db.prepare(`INSERT INTO installs (lab_id, recipe_id, recipe, status, created_at, owner_pid, owner_host)
      VALUES (@labId, @recipeId, @recipe, 'running', @createdAt, @ownerPid, @ownerHost)`),
    insertStep: db.prepare(`INSERT INTO install_steps (install_id, idx, step_id, node_id, node_name, title)
      VALUES (@installId, @index, @stepId, @nodeId, @nodeName, @title)`),
    byId: db.prepare(`SELECT ${INSTALL_COLUMNS} FROM installs WHERE id = ?`),
    all: db.prepare(`SELECT ${INSTALL_COLUMNS} FROM installs ${INSTALL_ORDER}`),
    ofLab: db.prepare(`SELECT ${INSTALL_COLUMNS} FROM installs WHERE lab_id = ? ${INSTALL_ORDER}`),
    running: db.prepare(`SELECT ${INSTALL_COLUMNS} FROM installs WHERE status = 'running' ${INSTALL_ORDER}`),
    steps: db.prepare(`SELECT ${STEP_COLUMNS} FROM install_steps WHERE install_id = ? ORDER BY idx`),
    step: db.prepare(`SELECT ${STEP_COLUMNS} FROM install_steps WHERE id = ?`),
    setStatus: db.prepare('UPDATE installs SET status = ?, finished_at = ? WHERE id = ?'),
    setOwner: db.prepare('UPDATE installs SET owner_pid = ?, owner_host = ? WHERE id = ?'),
  };
  const updates = new Map<string, ReturnType<Database['prepare']>>();
  const read = <T>(doing: string, fn: () => T): T => guarded(file, doing, fn);
  const write = <T>(doing: string, fn: () => T): T => guarded(file, doing, () => db.transaction(fn).immediate());

  const toInstall = (row: InstallRow): StoredInstall => ({
    id: row.id,
    labId: row.labId,
    recipeId: row.recipeId,
    status: row.status,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    steps: sql.steps.all(row.id) as InstallStepRecord[],
    recipe: JSON.parse(row.recipe) as unknown,
    owner: row.ownerPid !== null && row.ownerHost !== null ? { pid: row.ownerPid, host: row.ownerHost } : null,
  });
  const getInstall = (installId: number): StoredInstall => {
    const row = sql.byId.get(installId) as InstallRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `install ${installId} not found (see: iovlab install list)`);
    return toInstall(row);
  };
  const getStep = (stepRecordId: number): InstallStepRecord => {
    const row = sql.step.get(stepRecordId) as InstallStepRecord | undefined;
    if (!row) throw new AppError('NOT_FOUND', `install step ${stepRecordId} not found`);
    return row;
  };

  return {
    create: (install) =>
      write(`storing an install of recipe "${install.recipeId}"`, () => {
        if (sql.labExists.get(install.labId) === undefined) throw new AppError('NOT_FOUND', `lab ${install.labId} not found`);
        const installId = Number(sql.insert.run({
          labId: install.labId,
          recipeId: install.recipeId,
          recipe: JSON.stringify(install.recipe),
          createdAt: now(),
          ownerPid: install.owner?.pid ?? null,
          ownerHost: install.owner?.host ?? null,
        }).lastInsertRowid);
        install.steps.forEach((s, index) => sql.insertStep.run({ installId, index, ...s }));
        return getInstall(installId);
      }),
    get: (installId) => read(`reading install ${installId}`, () => getInstall(installId)),
    list: (filter = {}) =>
      read('listing installs', () => ((filter.labId === undefined ? sql.all.all() : sql.ofLab.all(filter.labId)) as InstallRow[]).map(toInstall)),
    running: () => read('looking for running installs', () => (sql.running.all() as InstallRow[]).map(toInstall)),
    setStatus: (installId, status, owner) =>
      write(`setting the status of install ${installId}`, () => {
        if (sql.setStatus.run(status, FINAL.includes(status) ? now() : null, installId).changes === 0) throw new AppError('NOT_FOUND', `install ${installId} not found`);
        if (owner !== undefined) sql.setOwner.run(owner?.pid ?? null, owner?.host ?? null, installId);
      }),
    updateStep: (stepRecordId, update) =>
      write(`updating install step ${stepRecordId}`, () => {
        const cols: [string, unknown][] = [];
        if (update.status !== undefined) cols.push(['status', update.status]);
        if (update.reason !== undefined) cols.push(['reason', update.reason]);
        if (update.log !== undefined) cols.push(['log', tailUtf8(update.log)]);
        if (update.startedAt !== undefined) cols.push(['started_at', update.startedAt]);
        if (update.finishedAt !== undefined) cols.push(['finished_at', update.finishedAt]);
        if (cols.length === 0) return getStep(stepRecordId);
        const key = cols.map(([c]) => c).join(',');
        let statement = updates.get(key);
        if (!statement) {
          statement = db.prepare(`UPDATE install_steps SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`);
          updates.set(key, statement);
        }
        if (statement.run([...cols.map(([, v]) => v), stepRecordId]).changes === 0) throw new AppError('NOT_FOUND', `install step ${stepRecordId} not found`);
        return getStep(stepRecordId);
      }),
  };
}
