// A running local guest: QEMU started from the configuration renderer's argv (plus the direct
// kernel boot, serial log and fw_cfg key files), tracked by PID, ready once SSH logins work, and
// stopped by a clean poweroff over SSH with a kill by PID as the fallback.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, isAppError } from '../../../shared/result.js';
import { QEMU_BINARY, parseVmConfig, renderQemuArgv, type VmConfigInput } from '../../../shared/vmconfig/index.js';
import { createSshPool } from '../ssh/pool.js';
import type { ExecOptions, ExecResult, SshEndpoint, SshPool } from '../ssh/types.js';
import type { AccelVerdict } from './accel.js';
import { minimumMemoryMiB, type GuestImage } from './image.js';
import { isRoot, requireBinaries } from './host.js';
import { makeHostKey, readPublicKey } from './keys.js';
import { cleanupStalePidfiles, killTracked, ownerAlive, processStartTime, spawnTracked, waitExit, type TrackedProcess } from './process.js';
import { readTail, waitFor } from './wait.js';

export interface StartGuestOptions {
  image: GuestImage;
  /** Disk, NIC, memory... (shared/vmconfig); kernel, initrd, append, serial and accel are set here. */
  config: VmConfigInput;
  accel: AccelVerdict;
  /** Where the guest's pidfile, serial log and host key go (a fresh subdirectory per guest). */
  runRoot: string;
  /** Guest address with prefix, e.g. 10.233.7.2/24, and its gateway. */
  ip: string;
  gateway?: string;
  /** Run QEMU inside this network namespace (where its tap lives). */
  netns?: string;
  /** Overrides config.nic.tap. */
  tap?: string;
  /** Login key; defaults to the image's lab key. */
  sshKey?: { privateKeyPath: string; publicKeyPath: string };
  /** Reach the guest through this SSH host (the back-end node), as in a real lab. */
  jump?: SshEndpoint;
  pool?: SshPool;
  /** Boot-to-SSH deadline; default 120 s (TCG on a busy 2-core host). */
  bootTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningGuest {
  name: string;
  pid: number;
  pidfile: string;
  runDir: string;
  serialLog: string;
  accel: AccelVerdict['accel'];
  accelReason: string;
  ip: string;
  endpoint: SshEndpoint;
  hostKeyFingerprint: string;
  /** From spawning QEMU to the first successful SSH command. */
  bootMs: number;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Clean poweroff over SSH; kill by PID if it has not exited within timeoutMs (default 30 s). */
  stop(opts?: { timeoutMs?: number }): Promise<{ clean: boolean; ms: number }>;
}

const READY_MARKER = 'IOVLAB-READY';
const FATAL_MARKER = 'IOVLAB-FATAL';
const RUN_DIR_RE = /^(\d+)-(\d+)-(\d+)-/;
let counter = 0;

/** QEMU's option syntax doubles a comma to carry it inside a value. */
function qemuValue(s: string): string {
  return s.replaceAll(',', ',,');
}

/** Kills guests whose lab process died and removes their run directories; returns what was killed. */
export function cleanupStaleGuests(runRoot: string): string[] {
  const killed = cleanupStalePidfiles(runRoot);
  let dirs: string[];
  try {
    dirs = readdirSync(runRoot);
  } catch {
    return killed;
  }
  for (const d of dirs) {
    const m = RUN_DIR_RE.exec(d);
    if (m && !ownerAlive({ ownerPid: Number(m[1]), ownerStartTime: m[2] ?? '' })) rmSync(join(runRoot, d), { recursive: true, force: true });
  }
  return killed;
}

function kernelCommandLine(name: string, ip: string, gateway: string | undefined): string {
  // panic=-1 + -no-reboot: a guest that panics exits QEMU instead of hanging until the deadline.
  const parts = ['console=ttyS0', 'quiet', 'panic=-1', `iovlab.hostname=${name}`, `iovlab.ip=${ip}`];
  if (gateway) parts.push(`iovlab.gw=${gateway}`);
  return parts.join(' ');
}

export async function startGuest(opts: StartGuestOptions): Promise<RunningGuest> {
  const log = opts.log ?? (() => undefined);
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(opts.ip)) throw new AppError('INVALID_ARGUMENT', `guest ip must be an IPv4 address with prefix, like 10.233.7.2/24 (got ${opts.ip})`);
  // Validated before its name becomes part of a path and of the kernel command line.
  const { name, memoryMiB } = parseVmConfig(opts.config);
  const minMiB = minimumMemoryMiB(opts.image);
  if (memoryMiB < minMiB) {
    throw new AppError('INVALID_ARGUMENT', `memoryMiB: ${memoryMiB} MiB is too little for the local-lab guest, whose ${Math.round(opts.image.sizeBytes.initrd / 1048576)} MiB initramfs unpacks into RAM; give it at least ${minMiB} MiB`);
  }
  requireBinaries([{ bin: QEMU_BINARY, pkg: 'qemu-system-x86' }, { bin: 'dropbearkey', pkg: 'dropbear-bin' }, ...(opts.netns ? [{ bin: 'ip', pkg: 'iproute2' }] : [])], 'Starting a local-lab guest');
  if (opts.netns && !isRoot()) throw new AppError('NEEDS_ROOT', `starting guest ${name} inside network namespace ${opts.netns} needs root; run iovlab as root`);
  cleanupStaleGuests(opts.runRoot);
  const runDir = join(opts.runRoot, `${process.pid}-${processStartTime(process.pid) ?? 0}-${counter++}-${name}`);
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  let launched: Awaited<ReturnType<typeof launch>>;
  try {
    launched = await launch(opts, name, runDir, log);
  } catch (e) {
    rmSync(runDir, { recursive: true, force: true }); // a boot failure's error carries the logs' last lines
    throw e;
  }
  const { proc, pool, ownPool, endpoint, hostKey, serialLog, started } = launched;
  const bootMs = Date.now() - started;
  log(`guest ${name} answers SSH after ${(bootMs / 1000).toFixed(1)} s`);

  let stopping: Promise<{ clean: boolean; ms: number }> | null = null;
  return {
    name, pid: proc.pid, pidfile: proc.pidfile, runDir, serialLog, accel: opts.accel.accel, accelReason: opts.accel.reason,
    ip: endpoint.host, endpoint, hostKeyFingerprint: hostKey.fingerprint, bootMs,
    exec: (command, options) => pool.exec(endpoint, command, options),
    stop(stopOpts = {}) {
      stopping ??= stopGuest(proc, pool, endpoint, stopOpts.timeoutMs ?? 30_000).finally(() => {
        pool.forget(endpoint.key);
        ownPool?.closeAll();
        rmSync(runDir, { recursive: true, force: true });
      });
      return stopping;
    },
  };
}

/** Keys, argv, QEMU and the wait for SSH; on failure QEMU is killed (the caller removes runDir). */
async function launch(opts: StartGuestOptions, name: string, runDir: string, log: (line: string) => void) {
  const serialLog = join(runDir, 'serial.log');
  const keyPaths = opts.sshKey ?? { privateKeyPath: opts.image.sshPrivateKeyPath, publicKeyPath: opts.image.sshPublicKeyPath };
  const [hostKey, userPub, privateKey] = await Promise.all([
    makeHostKey(join(runDir, 'host_key')),
    readPublicKey(keyPaths.publicKeyPath),
    readFile(keyPaths.privateKeyPath),
  ]);
  await writeFile(join(runDir, 'authorized_keys'), `${userPub}\n`, { mode: 0o600 });

  const cfg = parseVmConfig({
    ...opts.config,
    accel: opts.accel.accel,
    kernel: opts.image.kernel,
    initrd: opts.image.initrd,
    append: kernelCommandLine(name, opts.ip, opts.gateway),
    serial: { file: serialLog },
    nic: { ...opts.config.nic, ...(opts.tap ? { tap: opts.tap } : {}) },
  });
  const argv = [
    ...renderQemuArgv(cfg),
    '-no-reboot',
    // Entropy for the guest's random pool, which dropbear waits for before it accepts logins.
    '-device', 'virtio-rng-pci',
    '-fw_cfg', `name=opt/iovlab/authorized_keys,file=${qemuValue(join(runDir, 'authorized_keys'))}`,
    '-fw_cfg', `name=opt/iovlab/host_key,file=${qemuValue(hostKey.path)}`,
  ];
  await writeFile(join(runDir, 'qemu.argv.json'), JSON.stringify(argv) + '\n');
  const qemuLog = join(runDir, 'qemu.log');
  const started = Date.now();
  log(`starting guest ${name} (${cfg.accel}) at ${opts.ip}${opts.netns ? ` in ${opts.netns}` : ''}`);
  const proc = await spawnTracked(argv, { pidfile: join(runDir, 'qemu.pid.json'), logFile: qemuLog, label: `guest ${name}`, ...(opts.netns ? { netns: opts.netns } : {}) });

  const ownPool = opts.pool ? null : createSshPool();
  const pool = opts.pool ?? (ownPool as SshPool);
  const host = opts.ip.split('/')[0] ?? opts.ip;
  const endpoint: SshEndpoint = {
    key: `locallab:${runDir}`, host, port: 22, user: 'root',
    auth: { kind: 'key', privateKey }, trustedFingerprint: hostKey.fingerprint,
    ...(opts.jump ? { jump: opts.jump } : {}),
  };
  const failure = async (why: string) => {
    const [serial, qemu] = await Promise.all([readTail(serialLog, 15), readTail(qemuLog, 10)]);
    return new AppError('COMMAND_FAILED', `guest ${name} ${why}.\nQEMU said: ${qemu || '(nothing)'}\nSerial console (last lines):\n${serial || '(empty)'}`, { runDir });
  };
  try {
    await waitForSsh(proc, pool, endpoint, serialLog, opts.bootTimeoutMs ?? 120_000, failure);
  } catch (e) {
    await killTracked(proc);
    ownPool?.closeAll();
    throw e;
  }
  return { proc, pool, ownPool, endpoint, hostKey, serialLog, started };
}

async function waitForSsh(
  proc: TrackedProcess, pool: SshPool, endpoint: SshEndpoint, serialLog: string, timeoutMs: number,
  failure: (why: string) => Promise<AppError>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const exitedEarly = async () => (proc.isRunning() ? null : failure('exited before it answered SSH'));
  // Until /init has configured the NIC, a connection attempt only waits for ARP to give up.
  const marker = await waitFor(async () => {
    const serial = await readTail(serialLog, 200);
    if (serial.includes(FATAL_MARKER)) return failure('failed in /init');
    return (await exitedEarly()) ?? (serial.includes(READY_MARKER) || null);
  }, deadline, 100);
  if (marker instanceof AppError) throw marker;
  if (marker === null) throw await failure(`did not finish /init within ${timeoutMs / 1000} s`);
  const probe: SshEndpoint = { ...endpoint, key: `${endpoint.key}#ready`, readyTimeoutMs: 2000 };
  let lastError = '';
  const ok = await waitFor(async () => {
    const early = await exitedEarly();
    if (early) return early;
    try {
      const r = await pool.exec(probe, 'true', { timeoutMs: 5000 });
      return r.code === 0 ? true : null;
    } catch (e) {
      if (isAppError(e) && (e.code === 'AUTH_FAILED' || e.code === 'HOST_KEY_CHANGED' || e.code === 'HOST_KEY_UNKNOWN')) return e;
      lastError = (e as Error).message;
      return null;
    } finally {
      pool.forget(probe.key);
    }
  }, deadline, 100);
  if (ok instanceof AppError) throw ok;
  if (ok === null) throw await failure(`did not answer SSH on ${endpoint.host}:22 within ${timeoutMs / 1000} s (last error: ${lastError})`);
}

async function stopGuest(proc: TrackedProcess, pool: SshPool, endpoint: SshEndpoint, timeoutMs: number): Promise<{ clean: boolean; ms: number }> {
  const started = Date.now();
  if (!proc.isRunning()) return { clean: true, ms: 0 };
  // busybox poweroff signals init and returns at once; the session may also die with dropbear.
  await pool.exec(endpoint, 'poweroff', { timeoutMs: 5000 }).catch(() => undefined);
  const clean = await waitExit(proc, timeoutMs);
  if (!clean) await killTracked(proc);
  if (existsSync(proc.pidfile)) rmSync(proc.pidfile, { force: true });
  return { clean, ms: Date.now() - started };
}
