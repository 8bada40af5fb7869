// `iovlab lab up --local` / `lab down --local` on the machine itself: the namespaces and their
// network (lab-net.ts), an sshd per host, the EBS exports (ebs.ts), the cached guest image and the
// accelerator verdict. `up` is idempotent: a healthy lab is left as it is; anything less (a crash
// mid-way, a daemon killed, a namespace deleted by hand) is torn down completely and rebuilt.
// `down` removes everything `up` made except the keys, from the state directory alone.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/result.js';
import { detectAccelerator } from './accel.js';
import { daemonRunning, pidfilesIn, readDaemon, startDaemon, stopDaemon } from './daemon.js';
import { ebsRunning, DEFAULT_EBS_BYTES, startEbs } from './ebs.js';
import { isRoot, requireBinaries, type Needed } from './host.js';
import { BUILD_TOOLS, buildGuestImage, defaultLabCacheDir, GUEST_TOOLS, minimumMemoryMiB, type GuestImage } from './image.js';
import { ensureUserKey } from './keys.js';
import { createTopology, FRONT_LAB_IF, GUEST_TAP, linkExists, namespaceExists, rootVethOf, teardownNetwork, waitListening } from './lab-net.js';
import { acquireLock, GUEST_LOCK, labNames, labPaths, readState, removeState, runtimeDirs, withLabLock, writeState, type LabNames, type LabPaths, type LabState } from './lab-state.js';
import { cleanupStaleGuests } from './guest.js';
import { removeStaleDisks } from './guest-disk.js';
import { detachLoopsUnder } from './loopdev.js';
import { killByPidfile } from './process.js';
import { ensureSshdRunDir, fingerprintOf, keygen, SSHD_BINARY, sshdConfigText } from './sshd.js';

export interface LabContext {
  dataDir: string;
  cacheDir?: string;
  log?: (line: string) => void;
  /** Size of each EBS volume at creation; runs grow them as their workloads need. */
  ebsBytes?: number;
  /** Cancels the build between its phases; what was created so far is torn down. */
  signal?: AbortSignal;
}

export interface LabUp {
  paths: LabPaths;
  state: LabState;
  image: GuestImage;
  /** True when a healthy lab was found and left as it was. */
  reused: boolean;
}

/** Host tools the lab runs itself (the guest image's own list is in image.ts). */
export const LAB_TOOLS: readonly Needed[] = [
  { bin: 'ip', pkg: 'iproute2' },
  { bin: 'sshd', pkg: 'openssh-server' },
  { bin: 'ssh-keygen', pkg: 'openssh-client' },
  { bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86' },
  { bin: 'qemu-img', pkg: 'qemu-utils' },
  { bin: 'qemu-nbd', pkg: 'qemu-utils' },
  { bin: 'losetup', pkg: 'mount' },
  { bin: 'iostat', pkg: 'sysstat' },
  { bin: 'iperf3', pkg: 'iperf3' },
  { bin: 'fio', pkg: 'fio' },
];

type Host = 'front' | 'back';

/** Root first (namespaces, taps and loop devices need it), then every missing package in one message. */
export function preflight(): void {
  if (!isRoot()) {
    throw new AppError('NEEDS_ROOT', 'the local lab builds network namespaces, a bridge, tap and loop devices, which needs root: run it as root (e.g. sudo npm run -s iovlab -- lab up --local)');
  }
  const all = [...LAB_TOOLS, ...BUILD_TOOLS, ...GUEST_TOOLS];
  requireBinaries(all.filter((n, i) => all.findIndex((m) => m.bin === n.bin) === i), 'The local lab (iovlab lab up --local)');
}

function sshdPidfile(paths: LabPaths, host: Host): string {
  return join(paths.pidsDir, `sshd-${host}.pid.json`);
}

/** What keeps a recorded lab from being usable; empty when it is up. */
export function healthProblems(paths: LabPaths, state: LabState): string[] {
  const { frontNs, backNs } = state.names;
  const problems: string[] = [];
  if (state.phase !== 'up') problems.push('a previous `lab up` did not finish');
  for (const [ns, what] of [[frontNs, 'front-end'], [backNs, 'back-end']] as const) {
    if (!namespaceExists(ns)) problems.push(`the ${what} namespace ${ns} is missing`);
  }
  if (problems.length > 0) return problems;
  for (const host of ['front', 'back'] as const) if (!daemonRunning(sshdPidfile(paths, host))) problems.push(`the ${host}-end's sshd is not running`);
  if (state.ebs && !ebsRunning(paths, state.ebs)) problems.push('an EBS server (qemu-nbd or vblade) is not running');
  if (!rootVethOf(frontNs)) problems.push('the uplink to the front-end is missing');
  if (!linkExists(backNs, state.tap)) problems.push(`the guests' tap ${state.tap} is missing`);
  return problems;
}

/**
 * Removes every part of the lab, whichever exist: daemons and guests (by their pidfiles), what
 * else runs in the namespaces, the network, loop devices over the lab's files, its runtime files.
 */
export async function teardown(paths: LabPaths, names: LabNames): Promise<string[]> {
  const removed: string[] = [];
  for (const pidfile of pidfilesIn(paths.pidsDir)) {
    const rec = await stopDaemon(pidfile);
    if (rec) removed.push(`${rec.label} (pid ${rec.pid})`);
  }
  for (const dir of readdirSafe(paths.runDir)) {
    for (const pidfile of pidfilesIn(join(paths.runDir, dir))) {
      const rec = readDaemon(pidfile);
      if (killByPidfile(pidfile)) removed.push(`${rec?.label ?? 'guest'} (pid ${rec?.pid ?? '?'})`);
    }
  }
  removed.push(...(await teardownNetwork(names)));
  removed.push(...(await detachLoopsUnder(paths.dir)).map((l) => `loop device ${l}`));
  for (const dir of runtimeDirs(paths)) rmSync(dir, { recursive: true, force: true });
  removeState(paths);
  return removed;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A guest and disks whose run died (no live holder of the guest lock): stopped and removed. */
async function reclaimGuest(paths: LabPaths): Promise<string[]> {
  let release: () => void;
  try {
    release = acquireLock(join(paths.dir, GUEST_LOCK), 'checking for a crashed run\'s guest');
  } catch {
    return []; // a live run holds the guest
  }
  try {
    return [...cleanupStaleGuests(paths.runDir), ...(await removeStaleDisks(paths))];
  } finally {
    release();
  }
}

async function ensureKeys(paths: LabPaths): Promise<NonNullable<LabState['hostKeys']>> {
  await ensureUserKey(paths.keysDir);
  const out: Partial<Record<Host, { type: string; fingerprint: string }>> = {};
  for (const host of ['front', 'back'] as const) {
    const key = join(paths.keysDir, `host_${host}`);
    const fp = await fingerprintOf(`${key}.pub`).catch(async () => {
      rmSync(key, { force: true });
      rmSync(`${key}.pub`, { force: true });
      await keygen(key, 'ed25519', '', `iovlab-local-${host}`);
      return fingerprintOf(`${key}.pub`);
    });
    out[host] = fp;
  }
  return out as NonNullable<LabState['hostKeys']>;
}

async function startSshd(paths: LabPaths, state: LabState, host: Host): Promise<void> {
  const a = state.addresses;
  if (!a) throw new Error('startSshd: no addresses');
  const home = join(paths.confDir, `home-${host}`);
  mkdirSync(home, { recursive: true });
  const cfg = join(paths.confDir, `sshd-${host}.conf`);
  writeFileSync(cfg, sshdConfigText({
    listen: host === 'front' ? [a.front, a.frontLab] : [a.backLab],
    hostKey: join(paths.keysDir, `host_${host}`),
    pidFile: join(paths.confDir, `sshd-${host}.pid`),
    authorizedKeys: join(paths.confDir, 'authorized_keys'),
    env: { HOME: home },
  }));
  const ns = host === 'front' ? state.names.frontNs : state.names.backNs;
  const logPath = join(paths.logsDir, `sshd-${host}.log`);
  const pidfile = sshdPidfile(paths, host);
  await startDaemon([SSHD_BINARY, '-D', '-e', '-f', cfg], { pidfile, logFile: logPath, label: `sshd (${host}-end)`, netns: ns });
  await waitListening(ns, 22, { alive: () => daemonRunning(pidfile), label: `sshd of the ${host}-end`, logPath });
}

async function create(paths: LabPaths, names: LabNames, base: Pick<LabState, 'accel' | 'image'>, ctx: LabContext, log: (l: string) => void): Promise<LabState> {
  const state: LabState = {
    version: 1, phase: 'creating', names, slot: null, addresses: null, frontLabIf: FRONT_LAB_IF, tap: GUEST_TAP,
    ...base, ebs: null, hostKeys: null, createdAt: new Date().toISOString(),
  };
  for (const d of [paths.dir, paths.keysDir, paths.pidsDir, paths.logsDir, paths.confDir, paths.runDir, paths.disksDir, paths.volumesDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
  // Recorded before anything exists, so even a crash in the next line leaves a state to clean from.
  writeState(paths, state);
  const checkpoint = () => ctx.signal?.throwIfAborted();
  state.hostKeys = await ensureKeys(paths);
  writeFileSync(join(paths.confDir, 'authorized_keys'), await readFile(`${paths.userKey}.pub`, 'utf8'), { mode: 0o600 });
  log(`network: namespaces ${names.frontNs} (front-end) and ${names.backNs} (back-end)`);
  checkpoint();
  const topo = await createTopology(names);
  state.slot = topo.slot;
  state.addresses = topo.addresses;
  writeState(paths, state);
  log(`network: front-end ${topo.addresses.front} (uplink ${topo.rootVeth}), lab network ${topo.addresses.frontLab} / back-end ${topo.addresses.backLab} / guest ${topo.addresses.guest}`);
  checkpoint();
  ensureSshdRunDir();
  await Promise.all([startSshd(paths, state, 'front'), startSshd(paths, state, 'back')]);
  log('sshd: running on the front-end and the back-end');
  checkpoint();
  state.ebs = await startEbs(paths, names, state, ctx.ebsBytes ?? DEFAULT_EBS_BYTES, log);
  log(`EBS: ${state.ebs.summary}`);
  checkpoint();
  state.phase = 'up';
  writeState(paths, state);
  return state;
}

export async function labUp(ctx: LabContext): Promise<LabUp> {
  preflight();
  const log = ctx.log ?? (() => undefined);
  const paths = labPaths(ctx.dataDir);
  const names = labNames(paths);
  const cacheDir = ctx.cacheDir ?? defaultLabCacheDir();
  return withLabLock(paths, 'bringing the local lab up', async () => {
    const image = await buildGuestImage({ cacheDir, log });
    ctx.signal?.throwIfAborted();
    let said = false;
    const accel = await detectAccelerator({ image, cacheDir, log: (l) => { said ||= l.startsWith('accelerator:'); log(l); } });
    if (!said) log(`accelerator: ${accel.accel} (${accel.reason})`);
    ctx.signal?.throwIfAborted();
    const base = { accel, image: { id: image.id, kernelRelease: image.kernelRelease, minMemoryMiB: minimumMemoryMiB(image) } };
    const existing = readState(paths);
    if (existing) {
      const problems = healthProblems(paths, existing);
      if (problems.length === 0) {
        const reclaimed = await reclaimGuest(paths);
        if (reclaimed.length > 0) log(`removed what a crashed run left: ${reclaimed.join(', ')}`);
        const state = { ...existing, ...base };
        writeState(paths, state);
        log('the local lab is already up');
        return { paths, state, image, reused: true };
      }
      log(`rebuilding the local lab: ${problems.join('; ')}`);
    }
    const removed = await teardown(paths, names);
    if (removed.length > 0) log(`removed what a previous lab left: ${removed.join(', ')}`);
    try {
      return { paths, state: await create(paths, names, base, ctx, log), image, reused: false };
    } catch (e) {
      const removed = await teardown(paths, names).catch(() => [] as string[]);
      if (ctx.signal?.aborted) log(`cancelled: removed what the build had made${removed.length > 0 ? ` (${removed.join(', ')})` : ''}`);
      throw e;
    }
  });
}

export async function labDown(ctx: LabContext): Promise<string[]> {
  if (!isRoot()) throw new AppError('NEEDS_ROOT', 'removing the local lab (network namespaces, loop devices) needs root: run it as root');
  const paths = labPaths(ctx.dataDir);
  const names = labNames(paths);
  if (!existsSync(paths.dir) && !namespaceExists(names.frontNs) && !namespaceExists(names.backNs)) return [];
  return withLabLock(paths, 'taking the local lab down', () => teardown(paths, names));
}
