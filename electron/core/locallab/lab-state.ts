// Where the local lab keeps its state and what it is called. Every name is derived from the
// state directory (<data dir>/local-lab), so `lab down` finds what `lab up` made even when a crash
// lost state.json: the two namespaces are iovlab-<id>-front/-back, everything else lives inside
// them (bridge, tap, the lab veth) or dies with them (the uplink veth), and files, pidfiles and
// loop devices' backing files live under the state directory.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LocalLabAddresses, LocalLabEbs } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import type { AccelVerdict } from './accel.js';
import { ownerAlive, processStartTime } from './process.js';

export interface LabPaths {
  dir: string;
  stateFile: string;
  lockFile: string;
  /** Survives `lab down`: the login key and the hosts' keys the inventory trusts. */
  keysDir: string;
  userKey: string;
  pidsDir: string;
  logsDir: string;
  confDir: string;
  /** Guests' run directories (pidfiles, serial logs); see guest.ts. */
  runDir: string;
  disksDir: string;
  volumesDir: string;
}

export interface LabNames {
  id: string;
  frontNs: string;
  backNs: string;
}

export interface LabState {
  version: 1;
  /** 'creating' until every part runs; a crash leaves it so, and the next `lab up` rebuilds. */
  phase: 'creating' | 'up';
  names: LabNames;
  slot: number | null;
  addresses: LocalLabAddresses | null;
  /** The front-end's veth to the lab network (vblade's interface) and the guests' tap. */
  frontLabIf: string;
  tap: string;
  accel: AccelVerdict | null;
  image: { id: string; kernelRelease: string; minMemoryMiB: number } | null;
  ebs: LocalLabEbs | null;
  hostKeys: { front: { type: string; fingerprint: string }; back: { type: string; fingerprint: string } } | null;
  createdAt: string;
}

export const STATE_SUBDIR = 'local-lab';
/** Held (in the state directory) while a run has a guest up: one guest at a time, on the one tap. */
export const GUEST_LOCK = 'guest.lock';

export function labPaths(dataDir: string): LabPaths {
  const dir = join(resolve(dataDir), STATE_SUBDIR);
  const keysDir = join(dir, 'keys');
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'lock.json'),
    keysDir,
    userKey: join(keysDir, 'id_ed25519'),
    pidsDir: join(dir, 'pids'),
    logsDir: join(dir, 'logs'),
    confDir: join(dir, 'conf'),
    runDir: join(dir, 'run'),
    disksDir: join(dir, 'disks'),
    volumesDir: join(dir, 'volumes'),
  };
}

export function labNames(paths: LabPaths): LabNames {
  const id = createHash('sha256').update(paths.dir).digest('hex').slice(0, 8);
  return { id, frontNs: `iovlab-${id}-front`, backNs: `iovlab-${id}-back` };
}

/** The directories `lab down` empties (keys stay, so the inventory's trust survives). */
export function runtimeDirs(paths: LabPaths): string[] {
  return [paths.pidsDir, paths.logsDir, paths.confDir, paths.runDir, paths.disksDir, paths.volumesDir];
}

export function readState(paths: LabPaths): LabState | null {
  try {
    const s = JSON.parse(readFileSync(paths.stateFile, 'utf8')) as LabState;
    return s.version === 1 ? s : null;
  } catch {
    return null;
  }
}

/** Written atomically (rename), so a crash leaves the old state or the new one, never half. */
export function writeState(paths: LabPaths, state: LabState): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const tmp = `${paths.stateFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, paths.stateFile);
}

export function removeState(paths: LabPaths): void {
  rmSync(paths.stateFile, { force: true });
}

export function labExists(paths: LabPaths): boolean {
  return existsSync(paths.stateFile);
}

interface LockRecord {
  ownerPid: number;
  ownerStartTime: string;
  what: string;
}

/**
 * Takes a lock file (created with O_EXCL, naming this process) or throws ALREADY_EXISTS saying who
 * holds it; a lock whose owner died is taken over. Returns the release function.
 */
export function acquireLock(file: string, what: string): () => void {
  const me: LockRecord = { ownerPid: process.pid, ownerStartTime: processStartTime(process.pid) ?? '', what };
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 3) throw e;
      let held: LockRecord | null = null;
      try {
        held = JSON.parse(readFileSync(file, 'utf8')) as LockRecord;
      } catch {
        /* half-written by a crashed owner: stale */
      }
      if (held && ownerAlive(held)) {
        throw new AppError('ALREADY_EXISTS', `the local lab is busy: process ${held.ownerPid} is ${held.what} (lock ${file}); wait for it to finish, or stop that process`, { ownerPid: held.ownerPid });
      }
      rmSync(file, { force: true });
    }
  }
}

/** Runs fn holding the lab's lock, so two `lab up`/`lab down` never work on the same lab at once. */
export async function withLabLock<T>(paths: LabPaths, what: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const release = acquireLock(paths.lockFile, what);
  try {
    return await fn();
  } finally {
    release();
  }
}
