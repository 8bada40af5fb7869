// The local lab's configuration hook for the benchmark runner (../bench/config-hook.ts): before
// the steps of a configuration it boots the guest with config.vm on the back-end — fresh backing,
// the lab's tap, the front-end's EBS export — points the inventory's "guest" node at it (its new
// host key), and moves the plan's guest device targets to the disk that configuration gives the
// guest; after them it stops the guest and removes the disks. A configuration without vm is the
// paper's "None" row: the back-end host itself on a whole device.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { planNodeNames, type Plan, type PlanConfig, type PlanTarget } from '../../../shared/bench/plan.js';
import type { Lab } from '../../../shared/model.js';
import { LOCAL_LAB_DESCRIPTION, LOCAL_LAB_NAME, LOCAL_LAB_NODES, TCG_NOTE } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import { parseVmConfig, type VmConfig, type VmConfigInput } from '../../../shared/vmconfig/index.js';
import type { AppliedConfig, ConfigHook, ConfigHookFactory } from '../bench/config-hook.js';
import { mapHostDevice } from '../bench/device-map.js';
import { poolShell } from '../bench/shell.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';
import { processStatus } from './daemon.js';
import { ensureEbsCapacity } from './ebs.js';
import { startGuest, type RunningGuest } from './guest.js';
import { createBacking, guestDiskDevice, removeStaleDisks, renderForRun, type Backing } from './guest-disk.js';
import { applyHostEbs, isHostEbsConfig } from './ebs-host.js';
import { guestEbsAttach, type GuestEbs } from './guest-ebs.js';
import { mustRun } from './host.js';
import { buildGuestImage, minimumMemoryMiB, type GuestImage } from './image.js';
import { acquireLock, GUEST_LOCK, labPaths, readState, writeState, type LabPaths, type LabState } from './lab-state.js';

export interface LocalHookDeps extends EndpointDeps {
  pool: SshPool;
  dataDir: string;
  cacheDir: string;
}

const MiB = 2 ** 20;
const MIN_DISK = 16 * MiB;

/** The largest amount a storage workload moves: the guest's test disk must hold it. */
export function diskBytesFor(plan: Plan): number {
  let bytes = MIN_DISK;
  for (const w of plan.workloads) {
    if (w.tool === 'dd' || w.tool === 'fio') bytes = Math.max(bytes, w.size);
    if (w.tool === 'testdfsio') bytes = Math.max(bytes, w.files * w.fileSizeMB * 1e6);
  }
  return Math.ceil(bytes / MiB) * MiB;
}

export function isLocalLab(lab: Pick<Lab, 'name' | 'description'>): boolean {
  return lab.name === LOCAL_LAB_NAME && lab.description === LOCAL_LAB_DESCRIPTION;
}

export function localLabHooks(deps: LocalHookDeps): ConfigHookFactory {
  return (lab, plan) => {
    if (!isLocalLab(lab)) return null;
    const usesGuest = planNodeNames(plan).includes(LOCAL_LAB_NODES.guest) || plan.configs.some((c) => c.vm !== undefined);
    return usesGuest ? new LocalGuestHook(deps, lab, plan) : null;
  };
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60) || 'config';
}

/** lsblk's size of a block device, in bytes and as lsblk prints it (the guard's confirmation wants the latter). */
async function deviceSize(exec: (cmd: string) => Promise<{ code: number | null; stdout: string; stderr: string }>, dev: string, where: string): Promise<{ bytes: number; human: string }> {
  const r = await exec(`lsblk -bdno SIZE ${dev} && lsblk -dno SIZE ${dev}; ls /sys/block >&2`);
  const [bytes, human] = r.stdout.split('\n').map((l) => l.trim());
  if (r.code !== 0 || !bytes || !human) throw new AppError('NOT_FOUND', `${where} has no block device ${dev} (block devices: ${r.stderr.trim().split('\n').join(' ')})`);
  return { bytes: Number(bytes), human };
}

class LocalGuestHook implements ConfigHook {
  readonly managedNodes = [LOCAL_LAB_NODES.guest];
  private image: Promise<GuestImage> | null = null;
  private readonly diskBytes: number;

  constructor(private readonly deps: LocalHookDeps, private readonly lab: Lab, private readonly plan: Plan) {
    this.diskBytes = diskBytesFor(plan);
  }

  private nodeId(name: string): number {
    const node = this.lab.nodes.find((n) => n.name === name);
    if (!node) throw new AppError('NOT_FOUND', `the local lab has no node "${name}"; run iovlab lab up --local to register it again`);
    return node.id;
  }

  private endpoint(name: string): Promise<SshEndpoint> {
    return endpointFor(this.deps, this.nodeId(name));
  }

  private guestTargets(kind?: PlanTarget['kind']): PlanTarget[] {
    return this.plan.targets.filter((t) => t.node === LOCAL_LAB_NODES.guest && (kind === undefined || t.kind === kind));
  }

  async apply(config: PlanConfig, opts: { signal: AbortSignal; log(text: string): void }): Promise<AppliedConfig> {
    const paths = labPaths(this.deps.dataDir);
    const state = readState(paths);
    if (!state || state.phase !== 'up' || !state.addresses || !state.accel) {
      throw new AppError('NOT_FOUND', 'the local lab is not up: run `iovlab lab up --local` first');
    }
    const undo: Array<() => Promise<unknown>> = [];
    const unlock = acquireLock(join(paths.dir, GUEST_LOCK), `running configuration "${config.name}" on the local lab's guest`);
    undo.push(async () => unlock());
    // Holding the guest lock, nothing live uses the disks directory: what is there a crashed run left.
    const stale = await removeStaleDisks(paths);
    if (stale.length > 0) opts.log(`removed what a crashed run left: ${stale.join(', ')}`);
    let released: Promise<void> | null = null;
    const release = () => (released ??= (async () => {
      for (const fn of undo.reverse()) await fn().catch((e: unknown) => opts.log(`cleanup after "${config.name}": ${(e as Error).message}`));
    })());
    try {
      if (opts.signal.aborted) throw new AppError('CANCELLED', 'cancelled');
      const applied = config.vm ? await this.boot(config.vm, config, paths, state, undo, opts.log)
        : isHostEbsConfig(config) ? await applyHostEbs({ paths, state, config, minBytes: this.diskBytes, targets: this.guestTargets(), log: opts.log })
        : await this.baseline(config, paths, undo);
      return { ...applied, release };
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** The paper's "None / Local disk" row: dd on the back-end host, on the whole device. */
  private async baseline(config: PlanConfig, paths: LabPaths, undo: Array<() => Promise<unknown>>): Promise<Omit<AppliedConfig, 'release'>> {
    const b = await createBacking(paths, `host-${safeName(config.name)}`, 'device', this.diskBytes);
    undo.push(() => b.release());
    const size = await deviceSize(async (cmd) => {
      const out = await mustRun('sh', ['-c', cmd], `sizing ${b.path}`);
      return { code: 0, stdout: out, stderr: '' };
    }, b.path, 'the back-end');
    const back = LOCAL_LAB_NODES.back;
    const targets = Object.fromEntries(this.guestTargets('device').map((t) => [t.name, { node: back, path: b.path, hostNode: back, hostDevice: basename(b.path), confirm: `${b.path} ${size.human}` }]));
    return { targets, context: { localLab: { configuration: config.name, role: 'host baseline: no guest; the back-end host itself writes and reads the whole device', backing: backingContext(b) } } };
  }

  private async boot(vm: VmConfig, config: PlanConfig, paths: LabPaths, state: LabState, undo: Array<() => Promise<unknown>>, log: (l: string) => void): Promise<Omit<AppliedConfig, 'release'>> {
    const a = state.addresses;
    const accel = state.accel;
    if (!a || !accel) throw new AppError('INTERNAL', 'local lab state without addresses');
    const local = await createBacking(paths, vm.name, vm.disk.backing, this.diskBytes);
    undo.push(() => local.release());
    let ebs: VmConfig['ebs'];
    if (vm.ebs) {
      const grown = await ensureEbsCapacity(paths, state.names, state, this.diskBytes, log);
      if (grown !== state.ebs) writeState(paths, { ...state, ebs: grown });
      ebs = { attach: vm.ebs.attach, export: ebsExport(vm.ebs.attach, grown) };
    }
    const image = await (this.image ??= buildGuestImage({ cacheDir: this.deps.cacheDir, log }));
    const guestConfig: VmConfigInput = {
      ...vm, accel: accel.accel, memoryMiB: Math.max(vm.memoryMiB, minimumMemoryMiB(image)),
      disk: { ...vm.disk, path: local.path }, nic: { ...vm.nic, tap: state.tap }, ...(ebs ? { ebs } : {}),
    };
    const [backEp, frontEp] = await Promise.all([this.endpoint(LOCAL_LAB_NODES.back), this.endpoint(LOCAL_LAB_NODES.front)]);
    const guest: RunningGuest = await startGuest({
      image, accel, config: guestConfig, runRoot: paths.runDir, ip: `${a.guest}/${a.prefix}`, netns: state.names.backNs, tap: state.tap,
      jump: backEp, pool: this.deps.pool, sshKey: { privateKeyPath: paths.userKey, publicKeyPath: `${paths.userKey}.pub` }, log,
    });
    undo.push(() => powerOff(guest));
    const argv = JSON.parse(await readFile(join(guest.runDir, 'qemu.argv.json'), 'utf8')) as string[];
    const guestId = this.nodeId(LOCAL_LAB_NODES.guest);
    const store = this.deps.store;
    if (store.nodes.get(guestId).host !== a.guest) store.nodes.update(guestId, { host: a.guest });
    store.hostKeys.accept(guestId, 'ssh-ed25519', guest.hostKeyFingerprint);

    let attached: GuestEbs | null = null;
    if (ebs && ebs.attach !== 'host-nbd') {
      attached = await guestEbsAttach(guest, ebs, a.frontLab);
      undo.push(() => attached?.detach() ?? Promise.resolve());
    }
    const dev = attached?.device ?? guestDiskDevice(vm, ebs ? 'ebs' : 'local');
    const size = await deviceSize((cmd) => guest.exec(cmd, { timeoutMs: 30_000 }), dev, `guest ${vm.name}`);
    const sampling = await this.sampling(ebs ? { node: LOCAL_LAB_NODES.front, ep: frontEp, file: state.ebs?.nbd?.volume ?? '' } : { node: LOCAL_LAB_NODES.back, ep: backEp, file: local.file }, local, ebs, state, log);
    const targets = Object.fromEntries(this.guestTargets('device').map((t) => [t.name, { path: dev, confirm: `${dev} ${size.human}`, ...sampling }]));
    const rendered = await renderForRun(parseVmConfig(guestConfig), argv, { kernel: image.kernel, initrd: image.initrd, serialLog: guest.serialLog }, paths.disksDir);
    return {
      targets,
      changedNodes: [LOCAL_LAB_NODES.guest],
      context: {
        localLab: {
          configuration: config.name,
          accel: { accel: accel.accel, reason: accel.reason, note: accel.accel === 'tcg' ? TCG_NOTE : null },
          guest: { ip: a.guest, device: dev, sizeBytes: size.bytes, bootMs: guest.bootMs, hostKeyFingerprint: guest.hostKeyFingerprint, memoryMiB: guestConfig.memoryMiB },
          backing: backingContext(local),
          ebs: ebs ? { ...ebs, how: ebs.attach === 'host-nbd' ? "QEMU's NBD client on the back-end host, presented through the guest's disk bus" : attached?.how ?? null, summary: state.ebs?.summary ?? null } : null,
          ...rendered,
        },
      },
    };
  }

  /** Where the host iostat runs for this configuration, and which device it watches. */
  private async sampling(on: { node: string; ep: SshEndpoint; file: string }, local: Backing, ebs: VmConfig['ebs'], state: LabState, log: (l: string) => void): Promise<Partial<PlanTarget>> {
    if (!ebs && local.loop) return { hostNode: on.node, hostDevice: basename(local.loop.device) };
    const file = ebs?.attach === 'guest-aoe' ? (state.ebs?.aoe?.volume ?? on.file) : on.file;
    try {
      const mapped = await mapHostDevice(poolShell(this.deps.pool, on.ep), file, `the backing ${file} on node "${on.node}"`);
      return { hostNode: on.node, hostDevice: mapped.device };
    } catch (e) {
      log(`host iostat: ${(e as Error).message}`);
      return { hostNode: on.node };
    }
  }
}

/**
 * The guest is disposable and its disks are discarded: flush and power off at once, skipping
 * busybox init's shutdown pauses (2-3 s a guest, dozens of guests a preset). The power-off runs
 * detached a moment after the SSH command returns, so the session ends cleanly rather than with
 * a vanished peer; guest.stop() then finds QEMU gone (or powers it off the slow way).
 */
async function powerOff(guest: RunningGuest): Promise<void> {
  const r = await guest.exec('sync; (sleep 0.2; poweroff -f) </dev/null >/dev/null 2>&1 &', { timeoutMs: 5000 }).catch(() => null);
  if (r?.code === 0) {
    const deadline = Date.now() + 10_000;
    while (processStatus(guest.pid) !== 'gone' && Date.now() < deadline) await new Promise((res) => setTimeout(res, 25));
  }
  await guest.stop({ timeoutMs: 10_000 });
}

function ebsExport(attach: NonNullable<VmConfig['ebs']>['attach'], ebs: LabState['ebs']): string {
  if (attach === 'guest-aoe') {
    if (!ebs?.aoe) throw new AppError('MISSING_DEPENDENCY', `this local lab has no AoE export (${ebs?.summary ?? 'EBS is not set up'}); install vblade and run iovlab lab up --local again`);
    return `aoe:${ebs.aoe.target}`;
  }
  if (!ebs?.nbd) throw new AppError('NOT_FOUND', 'this local lab has no NBD export; run iovlab lab up --local again');
  return ebs.nbd.url;
}

function backingContext(b: Backing): Record<string, unknown> {
  return { kind: b.backing, file: b.file, path: b.path, sizeBytes: b.sizeBytes, loopDevice: b.loop?.device ?? null, directIo: b.loop?.directIo ?? null, description: b.description };
}
