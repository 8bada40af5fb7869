// SQL for reading labs and nodes with everything a LabNode shows (host key, last probe,
// whether a secret is stored) in one statement, and the mapping from rows to model objects.
import type { AuthKind, Lab, LabNode } from '../../../shared/model.js';
import type { Role } from '../../../shared/roles.js';

export const NODE_COLUMNS = `
  n.id AS id, n.lab_id AS labId, n.name AS name, n.roles AS roles, n.host AS host, n.port AS port,
  n.ssh_user AS user, n.auth_kind AS authKind, n.key_path AS keyPath, n.jump_node_id AS jumpNodeId,
  n.created_at AS createdAt,
  hk.key_type AS hostKeyType, hk.fingerprint AS hostKeyFingerprint, hk.accepted_at AS hostKeyAcceptedAt,
  (SELECT max(p.taken_at) FROM probes p WHERE p.node_id = n.id) AS lastProbeAt,
  EXISTS (SELECT 1 FROM secrets s WHERE s.node_id = n.id) AS hasSecret`;

export const NODE_FROM = 'nodes n LEFT JOIN host_keys hk ON hk.node_id = n.id';

/** Labs left-joined with their nodes; append a WHERE on `l.` columns, then LAB_ORDER. */
export const LABS_WITH_NODES = `
SELECT l.id AS lab_id, l.name AS lab_name, l.description AS lab_description, l.created_at AS lab_created_at, ${NODE_COLUMNS}
FROM labs l LEFT JOIN (${NODE_FROM}) ON n.lab_id = l.id`;

export const LAB_ORDER = 'ORDER BY l.name, l.id, n.name, n.id';

export interface NodeRow {
  id: number;
  labId: number;
  name: string;
  roles: string;
  host: string;
  port: number;
  user: string;
  authKind: AuthKind;
  keyPath: string | null;
  jumpNodeId: number | null;
  createdAt: string;
  hostKeyType: string | null;
  hostKeyFingerprint: string | null;
  hostKeyAcceptedAt: string | null;
  lastProbeAt: string | null;
  hasSecret: number;
}

/** A LABS_WITH_NODES row: node columns are all null for a lab without nodes. */
export type LabNodeRow = { lab_id: number; lab_name: string; lab_description: string; lab_created_at: string } & (NodeRow | { [K in keyof NodeRow]: null });

export function toNode(row: NodeRow): LabNode {
  const hostKey =
    row.hostKeyType !== null && row.hostKeyFingerprint !== null && row.hostKeyAcceptedAt !== null
      ? { keyType: row.hostKeyType, fingerprint: row.hostKeyFingerprint, acceptedAt: row.hostKeyAcceptedAt }
      : null;
  return {
    id: row.id,
    labId: row.labId,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    host: row.host,
    port: row.port,
    user: row.user,
    auth: { kind: row.authKind, keyPath: row.keyPath, hasSecret: row.hasSecret === 1 },
    jumpNodeId: row.jumpNodeId,
    hostKey,
    lastProbeAt: row.lastProbeAt,
    createdAt: row.createdAt,
  };
}

/** Groups rows ordered by lab into labs, keeping that order. */
export function toLabs(rows: LabNodeRow[]): Lab[] {
  const labs: Lab[] = [];
  for (const row of rows) {
    let lab = labs.at(-1);
    if (lab?.id !== row.lab_id) {
      lab = { id: row.lab_id, name: row.lab_name, description: row.lab_description, createdAt: row.lab_created_at, nodes: [] };
      labs.push(lab);
    }
    if (row.id !== null) lab.nodes.push(toNode(row));
  }
  return labs;
}
