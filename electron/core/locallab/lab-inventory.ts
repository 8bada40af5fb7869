// The local lab in the inventory, like any other lab: "front" (CLC, CC, EBS, Walrus) reached
// over the uplink, "back" (NC) through the front-end as jump host, and "guest" — whichever guest
// the runner booted last — through the back-end. The lab made the hosts' keys itself, so they are
// trusted from the files (no trust-on-first-use prompt); each guest's key is trusted when it boots.
import type { Lab } from '../../../shared/model.js';
import { LOCAL_LAB_DESCRIPTION, LOCAL_LAB_NAME, LOCAL_LAB_NODES, TCG_NOTE, type LocalLabStatus } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import { BACK_END_ROLES, FRONT_END_ROLES, type Role } from '../../../shared/roles.js';
import type { SshPool } from '../ssh/types.js';
import type { NewNode, Store } from '../store/types.js';
import { daemonRunning, pidfilesIn, readDaemon } from './daemon.js';
import { isLocalLab } from './guest-apply.js';
import { healthProblems } from './lab.js';
import { labNames, labPaths, readState, type LabPaths, type LabState } from './lab-state.js';

export type LocalNodeIds = Record<keyof typeof LOCAL_LAB_NODES, number>;

export function findLocalLab(store: Store): Lab | null {
  const lab = store.labs.findByName(LOCAL_LAB_NAME);
  return lab && isLocalLab(lab) ? lab : null;
}

/** Creates or updates the lab "local" and its three nodes; drops pooled connections to their old addresses. */
export function registerLocalLab(store: Store, pool: SshPool, paths: LabPaths, state: LabState): { lab: Lab; nodeIds: LocalNodeIds } {
  const a = state.addresses;
  if (!a || !state.hostKeys) throw new AppError('INTERNAL', 'registerLocalLab: the lab has no addresses or host keys yet');
  const existing = store.labs.findByName(LOCAL_LAB_NAME);
  if (existing && !isLocalLab(existing)) {
    throw new AppError('ALREADY_EXISTS', `a lab named "${LOCAL_LAB_NAME}" already exists and was not made by \`lab up --local\`; rename or remove it (iovlab lab rm ${LOCAL_LAB_NAME}) and try again`);
  }
  const lab = existing ?? store.labs.create(LOCAL_LAB_NAME, LOCAL_LAB_DESCRIPTION);
  const upsert = (name: string, roles: Role[], host: string, jumpNodeId: number | null): number => {
    const node: Omit<NewNode, 'labId'> = { name, roles, host, port: 22, user: 'root', authKind: 'key', keyPath: paths.userKey, jumpNodeId };
    const found = store.nodes.findByName(lab.id, name);
    const id = found ? store.nodes.update(found.id, node).id : store.nodes.add({ ...node, labId: lab.id }).id;
    pool.forget(String(id));
    return id;
  };
  const front = upsert(LOCAL_LAB_NODES.front, [...FRONT_END_ROLES], a.front, null);
  const back = upsert(LOCAL_LAB_NODES.back, [...BACK_END_ROLES], a.backLab, front);
  // A guest is a workload host, not one of Figure 1's roles.
  const guest = upsert(LOCAL_LAB_NODES.guest, [], a.guest, back);
  store.hostKeys.accept(front, state.hostKeys.front.type, state.hostKeys.front.fingerprint);
  store.hostKeys.accept(back, state.hostKeys.back.type, state.hostKeys.back.fingerprint);
  return { lab: store.labs.get(lab.id), nodeIds: { front, back, guest } };
}

export function localLabStatus(store: Store, dataDir: string): LocalLabStatus {
  const paths = labPaths(dataDir);
  const names = labNames(paths);
  const state = readState(paths);
  const lab = findLocalLab(store);
  const base = { stateDir: paths.dir, labId: lab?.id ?? null, namespaces: { front: names.frontNs, back: names.backNs } };
  if (!state) return { ...base, up: false, addresses: null, accel: null, image: null, ebs: null, daemons: [], problems: [] };
  const problems = healthProblems(paths, state);
  const daemons = pidfilesIn(paths.pidsDir).flatMap((f) => {
    const rec = readDaemon(f);
    return rec ? [{ label: rec.label, pid: rec.pid, running: daemonRunning(f) }] : [];
  });
  const accel = state.accel ? { accel: state.accel.accel, reason: state.accel.reason, note: state.accel.accel === 'tcg' ? TCG_NOTE : null } : null;
  return {
    ...base, up: problems.length === 0, addresses: state.addresses, accel,
    image: state.image ? { id: state.image.id, kernelRelease: state.image.kernelRelease } : null,
    ebs: state.ebs, daemons, problems,
  };
}
