// The front-end as EBS controller: it exports preallocated volumes (Eucalyptus laid its volumes
// out in full) over the lab network. NBD through qemu-nbd is the portable default: QEMU's own NBD
// client attaches it host-side, nbd-client attaches it inside a guest. ATA over Ethernet, the
// paper's protocol, comes from vblade, a user-space target that needs only a raw socket on the
// front-end's lab interface; attaching AoE needs the aoe driver, which the guest image carries and
// the back-end host's kernel may lack — detected and said.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { LocalLabEbs } from '../../../shared/presets/lab.js';
import { findBinary, mustRun } from './host.js';
import { daemonRunning, startDaemon, stopDaemon } from './daemon.js';
import { waitListening } from './lab-net.js';
import type { LabNames, LabPaths, LabState } from './lab-state.js';

export const NBD_PORT = 10809;
export const NBD_EXPORT = 'vol0';
export const AOE_TARGET = 'e1.0';
export const DEFAULT_EBS_BYTES = 256 * 2 ** 20;

const VOLUMES = { nbd: 'ebs-nbd.img', aoe: 'ebs-aoe.img' } as const;

export function ebsPidfiles(paths: LabPaths): { nbd: string; aoe: string } {
  return { nbd: join(paths.pidsDir, 'qemu-nbd.pid.json'), aoe: join(paths.pidsDir, 'vblade.pid.json') };
}

function findModule(dir: string, depth: number): boolean {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const e of entries) {
    if (e.isFile() && /^aoe\.ko(\.(xz|zst|gz))?$/.test(e.name)) return true;
    if (e.isDirectory() && depth > 0 && findModule(join(dir, e.name), depth - 1)) return true;
  }
  return false;
}

/** Whether this host's kernel can attach AoE itself (host-side AoE, as Eucalyptus did). */
export function hostAoeSupport(): { available: boolean; reason: string } {
  if (existsSync('/sys/module/aoe')) return { available: true, reason: 'the aoe module is loaded' };
  const modDir = `/lib/modules/${release()}`;
  if (findModule(join(modDir, 'kernel', 'drivers', 'block'), 2)) return { available: true, reason: `the aoe module can be loaded (modprobe aoe, from ${modDir})` };
  return { available: false, reason: `this kernel (${release()}) has no aoe module (none loaded in /sys/module, none under ${modDir})` };
}

function summary(ebs: Omit<LocalLabEbs, 'summary'>): string {
  const parts = [ebs.nbd ? `NBD: qemu-nbd exports ${ebs.nbd.url}` : 'NBD: unavailable'];
  if (ebs.aoe) {
    parts.push(`AoE: vblade exports ${ebs.aoe.target} on the front-end's ${ebs.aoe.iface}; guests attach it with their own aoe driver`);
    parts.push(ebs.hostAoe.available ? `host-side AoE possible (${ebs.hostAoe.reason})` : `host-side AoE unavailable: ${ebs.hostAoe.reason}`);
  } else {
    parts.push('AoE: unavailable (vblade is not installed: apt-get install vblade)');
  }
  return parts.join('; ');
}

async function createVolume(file: string, sizeBytes: number): Promise<void> {
  await rm(file, { force: true });
  await mustRun('qemu-img', ['create', '-q', '-f', 'raw', '-o', 'preallocation=full', file, String(sizeBytes)], `creating EBS volume ${file}`);
}

/** Creates the volumes and starts qemu-nbd (and vblade when installed) in the front-end's namespace. */
export async function startEbs(paths: LabPaths, names: LabNames, state: Pick<LabState, 'addresses' | 'frontLabIf'>, sizeBytes: number, log: (l: string) => void): Promise<LocalLabEbs> {
  const a = state.addresses;
  if (!a) throw new Error('startEbs: the lab network has no addresses yet');
  const pid = ebsPidfiles(paths);
  const nbdFile = join(paths.volumesDir, VOLUMES.nbd);
  log(`EBS: creating a ${Math.round(sizeBytes / 2 ** 20)} MiB preallocated NBD volume and starting qemu-nbd on ${a.frontLab}:${NBD_PORT}`);
  await createVolume(nbdFile, sizeBytes);
  const nbdLog = join(paths.logsDir, 'qemu-nbd.log');
  await startDaemon(
    ['qemu-nbd', '--format=raw', `--export-name=${NBD_EXPORT}`, `--bind=${a.frontLab}`, `--port=${NBD_PORT}`, '--persistent', '--shared=8', '--cache=none', '--aio=native', nbdFile],
    { pidfile: pid.nbd, logFile: nbdLog, label: 'qemu-nbd (EBS)', netns: names.frontNs },
  );
  await waitListening(names.frontNs, NBD_PORT, { alive: () => daemonRunning(pid.nbd), label: 'qemu-nbd on the front-end', logPath: nbdLog });

  let aoe: LocalLabEbs['aoe'] = null;
  if (findBinary('vblade')) {
    const aoeFile = join(paths.volumesDir, VOLUMES.aoe);
    await createVolume(aoeFile, sizeBytes);
    const aoeLog = join(paths.logsDir, 'vblade.log');
    const [shelf, slot] = AOE_TARGET.slice(1).split('.');
    // -d: O_DIRECT on the volume, like qemu-nbd's cache=none.
    await startDaemon(['vblade', '-d', shelf ?? '1', slot ?? '0', state.frontLabIf, aoeFile], { pidfile: pid.aoe, logFile: aoeLog, label: 'vblade (EBS over AoE)', netns: names.frontNs });
    await new Promise((r) => setTimeout(r, 200)); // vblade fails at once on a bad interface or file; otherwise it just serves
    if (!daemonRunning(pid.aoe)) log(`EBS: vblade exited at once; AoE is unavailable (see ${aoeLog})`);
    else aoe = { target: AOE_TARGET, iface: state.frontLabIf, volume: aoeFile, sizeBytes };
    log(`EBS: vblade exports ${AOE_TARGET} on ${state.frontLabIf}`);
  }
  const ebs = { nbd: { url: `nbd://${a.frontLab}:${NBD_PORT}/${NBD_EXPORT}`, volume: nbdFile, sizeBytes }, aoe, hostAoe: hostAoeSupport() };
  return { ...ebs, summary: summary(ebs) };
}

export async function stopEbs(paths: LabPaths): Promise<string[]> {
  const stopped: string[] = [];
  for (const pidfile of Object.values(ebsPidfiles(paths))) {
    const rec = await stopDaemon(pidfile);
    if (rec) stopped.push(`${rec.label} (pid ${rec.pid})`);
  }
  return stopped;
}

export function ebsRunning(paths: LabPaths, ebs: LocalLabEbs): boolean {
  const pid = ebsPidfiles(paths);
  return (!ebs.nbd || daemonRunning(pid.nbd)) && (!ebs.aoe || daemonRunning(pid.aoe));
}

/** Makes sure the volumes hold at least minBytes, recreating them (and restarting the servers) when smaller. */
export async function ensureEbsCapacity(paths: LabPaths, names: LabNames, state: LabState, minBytes: number, log: (l: string) => void): Promise<LocalLabEbs | null> {
  const ebs = state.ebs;
  if (!ebs?.nbd) return ebs;
  const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
  const small = size(ebs.nbd.volume) < minBytes || (ebs.aoe !== null && size(ebs.aoe.volume) < minBytes);
  if (!small && ebsRunning(paths, ebs)) return ebs;
  log(`EBS: the volumes are smaller than ${Math.round(minBytes / 2 ** 20)} MiB (or a server stopped): recreating them`);
  await stopEbs(paths);
  return startEbs(paths, names, state, Math.max(minBytes, ebs.nbd.sizeBytes), log);
}
