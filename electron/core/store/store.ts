// The Store (./types.ts) over one better-sqlite3 connection. Every value goes through bound
// parameters, so names with quotes, `$(...)` or newlines are stored verbatim and harmlessly.
// Writes that check before they insert run in IMMEDIATE transactions, so another process
// (CLI next to the app) cannot slip in between the check and the write.
import type { HostKey, Lab, LabNode } from '../../../shared/model.js';
import type { NodeFacts, ProbeRecord } from '../../../shared/facts.js';
import { AppError } from '../../../shared/result.js';
import { openDatabase, type OpenOptions } from './db.js';
import { guarded } from './errors.js';
import { createRunStore } from './runs.js';
import { createInstallStore } from './installs.js';
import { LAB_ORDER, LABS_WITH_NODES, NODE_COLUMNS, NODE_FROM, toLabs, toNode, type LabNodeRow, type NodeRow } from './rows.js';
import type { NewNode, NodePatch, Store } from './types.js';

interface LabRef {
  id: number;
  name: string;
}
interface ProbeRow {
  id: number;
  nodeId: number;
  takenAt: string;
  facts: string;
}

const now = (): string => new Date().toISOString();

export function createStore(file: string, opts: OpenOptions = {}): Store {
  const db = openDatabase(file, opts);
  const sql = {
    labs: db.prepare(`${LABS_WITH_NODES} ${LAB_ORDER}`),
    labById: db.prepare(`${LABS_WITH_NODES} WHERE l.id = ? ${LAB_ORDER}`),
    labByName: db.prepare(`${LABS_WITH_NODES} WHERE l.name = ? ${LAB_ORDER}`),
    labRef: db.prepare('SELECT id, name FROM labs WHERE id = ?'),
    insertLab: db.prepare('INSERT INTO labs (name, description, created_at) VALUES (?, ?, ?)'),
    deleteLab: db.prepare('DELETE FROM labs WHERE id = ?'),
    nodeById: db.prepare(`SELECT ${NODE_COLUMNS} FROM ${NODE_FROM} WHERE n.id = ?`),
    nodeByName: db.prepare(`SELECT ${NODE_COLUMNS} FROM ${NODE_FROM} WHERE n.lab_id = ? AND n.name = ?`),
    insertNode: db.prepare(`INSERT INTO nodes (lab_id, name, roles, host, port, ssh_user, auth_kind, key_path, jump_node_id, created_at)
      VALUES (@labId, @name, @roles, @host, @port, @user, @authKind, @keyPath, @jumpNodeId, @createdAt)`),
    updateNode: db.prepare(`UPDATE nodes SET name = @name, roles = @roles, host = @host, port = @port, ssh_user = @user,
      auth_kind = @authKind, key_path = @keyPath, jump_node_id = @jumpNodeId WHERE id = @id`),
    deleteNode: db.prepare('DELETE FROM nodes WHERE id = ?'),
    jumpOf: db.prepare('SELECT jump_node_id AS jumpNodeId FROM nodes WHERE id = ?'),
    hostKey: db.prepare('SELECT key_type AS keyType, fingerprint, accepted_at AS acceptedAt FROM host_keys WHERE node_id = ?'),
    upsertHostKey: db.prepare(`INSERT INTO host_keys (node_id, key_type, fingerprint, accepted_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (node_id) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint, accepted_at = excluded.accepted_at`),
    insertProbe: db.prepare('INSERT INTO probes (node_id, taken_at, facts) VALUES (?, ?, ?)'),
    probes: db.prepare('SELECT id, node_id AS nodeId, taken_at AS takenAt, facts FROM probes WHERE node_id = ? ORDER BY taken_at DESC, id DESC'),
    latestProbe: db.prepare('SELECT id, node_id AS nodeId, taken_at AS takenAt, facts FROM probes WHERE node_id = ? ORDER BY taken_at DESC, id DESC LIMIT 1'),
    upsertSecret: db.prepare('INSERT INTO secrets (node_id, ciphertext) VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE SET ciphertext = excluded.ciphertext'),
    secret: db.prepare('SELECT ciphertext FROM secrets WHERE node_id = ?').pluck(),
    deleteSecret: db.prepare('DELETE FROM secrets WHERE node_id = ?'),
  };

  const read = <T>(doing: string, fn: () => T): T => guarded(file, doing, fn);
  const write = <T>(doing: string, fn: () => T): T => guarded(file, doing, () => db.transaction(fn).immediate());

  const labRef = (labId: number): LabRef => {
    const lab = sql.labRef.get(labId) as LabRef | undefined;
    if (!lab) throw new AppError('NOT_FOUND', `lab ${labId} not found`);
    return lab;
  };
  const findNode = (nodeId: number): LabNode | null => {
    const row = sql.nodeById.get(nodeId) as NodeRow | undefined;
    return row ? toNode(row) : null;
  };
  const getNode = (nodeId: number): LabNode => {
    const node = findNode(nodeId);
    if (!node) throw new AppError('NOT_FOUND', `node ${nodeId} not found`);
    return node;
  };
  const findNodeByName = (labId: number, name: string): LabNode | null => {
    const row = sql.nodeByName.get(labId, name) as NodeRow | undefined;
    return row ? toNode(row) : null;
  };

  /** A jump host must be another node of the same lab, and must not lead back to the node. */
  const checkJump = (lab: LabRef, nodeName: string, nodeId: number | null, jumpNodeId: number | null): void => {
    if (jumpNodeId === null) return;
    if (jumpNodeId === nodeId) throw new AppError('INVALID_ARGUMENT', `node "${nodeName}" cannot be its own jump host`);
    const jump = findNode(jumpNodeId);
    if (!jump || jump.labId !== lab.id) throw new AppError('NOT_FOUND', `jump node ${jumpNodeId} is not a node of lab "${lab.name}"`);
    if (nodeId === null) return;
    const seen = new Set<number>();
    for (let hop: number | null = jump.jumpNodeId; hop !== null && !seen.has(hop); ) {
      if (hop === nodeId) throw new AppError('INVALID_ARGUMENT', `node "${jump.name}" reaches "${nodeName}" through its own jump hosts; using it as the jump host of "${nodeName}" would form a loop`);
      seen.add(hop);
      hop = (sql.jumpOf.get(hop) as { jumpNodeId: number | null } | undefined)?.jumpNodeId ?? null;
    }
  };
  const assertNameFree = (lab: LabRef, name: string, exceptId: number | null): void => {
    const other = findNodeByName(lab.id, name);
    if (other && other.id !== exceptId) throw new AppError('ALREADY_EXISTS', `lab "${lab.name}" already has a node named "${name}"`);
  };
  const toProbe = (row: ProbeRow): ProbeRecord => ({ id: row.id, nodeId: row.nodeId, takenAt: row.takenAt, facts: JSON.parse(row.facts) as NodeFacts });

  const labs: Store['labs'] = {
    list: () => read('listing labs', () => toLabs(sql.labs.all() as LabNodeRow[])),
    get: (labId) => {
      const lab = read(`reading lab ${labId}`, () => toLabs(sql.labById.all(labId) as LabNodeRow[])[0]);
      if (!lab) throw new AppError('NOT_FOUND', `lab ${labId} not found`);
      return lab;
    },
    findByName: (name) => read(`looking up lab "${name}"`, () => toLabs(sql.labByName.all(name) as LabNodeRow[])[0] ?? null),
    create: (name, description) =>
      write(`creating lab "${name}"`, (): Lab => {
        if (sql.labByName.get(name)) throw new AppError('ALREADY_EXISTS', `a lab named "${name}" already exists`);
        const id = Number(sql.insertLab.run(name, description, now()).lastInsertRowid);
        return labs.get(id);
      }),
    delete: (labId) =>
      write(`deleting lab ${labId}`, () => {
        if (sql.deleteLab.run(labId).changes === 0) throw new AppError('NOT_FOUND', `lab ${labId} not found`);
      }),
  };

  const nodes: Store['nodes'] = {
    get: (nodeId) => read(`reading node ${nodeId}`, () => getNode(nodeId)),
    findByName: (labId, name) => read(`looking up node "${name}"`, () => findNodeByName(labId, name)),
    add: (node: NewNode) =>
      write(`adding node "${node.name}" to lab ${node.labId}`, () => {
        const lab = labRef(node.labId);
        assertNameFree(lab, node.name, null);
        checkJump(lab, node.name, null, node.jumpNodeId);
        const { labId, name, host, port, user, authKind, keyPath, jumpNodeId } = node;
        const row = { labId, name, roles: JSON.stringify(node.roles), host, port, user, authKind, keyPath, jumpNodeId, createdAt: now() };
        return getNode(Number(sql.insertNode.run(row).lastInsertRowid));
      }),
    update: (nodeId, patch: NodePatch) =>
      write(`updating node ${nodeId}`, () => {
        const current = getNode(nodeId);
        const lab = labRef(current.labId);
        // undefined means "keep"; null is a value (e.g. jumpNodeId: null removes the jump host).
        const pick = <K extends keyof NodePatch>(k: K, old: NewNode[K]): NewNode[K] => (patch[k] === undefined ? old : (patch[k] as NewNode[K]));
        const next = {
          id: nodeId,
          name: pick('name', current.name),
          roles: JSON.stringify(pick('roles', current.roles)),
          host: pick('host', current.host),
          port: pick('port', current.port),
          user: pick('user', current.user),
          authKind: pick('authKind', current.auth.kind),
          keyPath: pick('keyPath', current.auth.keyPath),
          jumpNodeId: pick('jumpNodeId', current.jumpNodeId),
        };
        if (next.name !== current.name) assertNameFree(lab, next.name, nodeId);
        checkJump(lab, next.name, nodeId, next.jumpNodeId);
        sql.updateNode.run(next);
        return getNode(nodeId);
      }),
    remove: (nodeId) =>
      write(`removing node ${nodeId}`, () => {
        if (sql.deleteNode.run(nodeId).changes === 0) throw new AppError('NOT_FOUND', `node ${nodeId} not found`);
      }),
  };

  const hostKeys: Store['hostKeys'] = {
    get: (nodeId) => read(`reading the host key of node ${nodeId}`, () => (sql.hostKey.get(nodeId) as HostKey | undefined) ?? null),
    accept: (nodeId, keyType, fingerprint) =>
      write(`storing the host key of node ${nodeId}`, (): HostKey => {
        getNode(nodeId);
        const acceptedAt = now();
        sql.upsertHostKey.run(nodeId, keyType, fingerprint, acceptedAt);
        return { keyType, fingerprint, acceptedAt };
      }),
  };

  const probes: Store['probes'] = {
    add: (nodeId, facts, takenAt) =>
      write(`storing a probe of node ${nodeId}`, (): ProbeRecord => {
        getNode(nodeId);
        const at = takenAt === undefined ? now() : normalizeTimestamp(takenAt);
        const id = Number(sql.insertProbe.run(nodeId, at, JSON.stringify(facts)).lastInsertRowid);
        return { id, nodeId, takenAt: at, facts: structuredClone(facts) };
      }),
    latest: (nodeId) =>
      read(`reading the latest probe of node ${nodeId}`, () => {
        const row = sql.latestProbe.get(nodeId) as ProbeRow | undefined;
        return row ? toProbe(row) : null;
      }),
    list: (nodeId) => read(`reading the probes of node ${nodeId}`, () => (sql.probes.all(nodeId) as ProbeRow[]).map(toProbe)),
  };

  const secrets: Store['secrets'] = {
    put: (nodeId, ciphertext) =>
      write(`storing the secret of node ${nodeId}`, () => {
        getNode(nodeId);
        sql.upsertSecret.run(nodeId, ciphertext);
      }),
    get: (nodeId) => read(`reading the secret of node ${nodeId}`, () => (sql.secret.get(nodeId) as Buffer | undefined) ?? null),
    delete: (nodeId) => write(`deleting the secret of node ${nodeId}`, () => void sql.deleteSecret.run(nodeId)),
  };

  return { file, labs, nodes, hostKeys, probes, secrets, runs: createRunStore(db), installs: createInstallStore(db), close: () => db.close() };
}

/** Stored timestamps are all `Date#toISOString()` (UTC, ms), so text order is time order. */
function normalizeTimestamp(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new AppError('INVALID_ARGUMENT', `"${value}" is not an ISO 8601 timestamp`);
  return new Date(ms).toISOString();
}
