// A libvirtd answering on qemu:///system for tests. This machine has no systemd (LAB-NOTES), so
// when nothing answers, virtlogd and libvirtd are started by hand (daemonized, -d) and stopped
// again by the pids they wrote — only what this helper started. A daemon that outlives its
// parent stays a zombie here (PID 1 does not reap), which counts as stopped.
//
// /dev/kvm: without udev it stays root:root 0600 here. QEMU's capability probe opens it as root
// (it drops to libvirt-qemu later) and reports KVM, while libvirt then checks /dev/kvm as
// libvirt-qemu and finds it unusable — so it throws its capability cache away on every lookup
// and re-probes QEMU (~4 s each; `virsh define` took 45 s). For the test's duration the device
// gets what Debian's udev rule gives it (root:kvm 0660, libvirt-qemu is in group kvm), and its
// old owner and mode afterwards.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, statSync } from 'node:fs';

export const LIBVIRT_URI = 'qemu:///system';

export interface Libvirtd {
  /** Daemons this helper started (name and pid); empty when one was already running. */
  started: { name: string; pid: number }[];
  /** Stops what was started and gives /dev/kvm its mode back. */
  stop(): Promise<void>;
}

const KVM = '/dev/kvm';

/** Gives /dev/kvm udev's root:kvm 0660 when it is root-only; returns how to undo it. */
function kvmLikeUdev(): () => void {
  let st;
  try {
    st = statSync(KVM);
  } catch {
    return () => {};
  }
  const kvmGid = Number(/^kvm:[^:]*:(\d+):/m.exec(readFileSync('/etc/group', 'utf8'))?.[1] ?? NaN);
  if ((st.mode & 0o060) === 0o060 || !Number.isInteger(kvmGid)) return () => {};
  chownSync(KVM, st.uid, kvmGid);
  chmodSync(KVM, 0o660);
  return () => {
    chownSync(KVM, st.uid, st.gid);
    chmodSync(KVM, st.mode & 0o7777);
  };
}

const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function answers(): boolean {
  return spawnSync('virsh', ['-c', LIBVIRT_URI, 'uri'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
}

/** A live (not zombie) process of that name. */
function running(name: string): boolean {
  const pids = spawnSync('pgrep', ['-x', name], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
  return pids.some((p) => alive(Number(p)));
}

function startDaemon(name: string, pidFile: string): { name: string; pid: number } | string {
  try {
    execFileSync(name, ['-d'], { stdio: 'pipe', timeout: 20_000 });
  } catch (e) {
    return `\`${name} -d\` failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  for (let i = 0; i < 100 && !existsSync(pidFile); i++) spawnSync('sleep', ['0.05']);
  const pid = Number(existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : NaN);
  return Number.isInteger(pid) && pid > 0 ? { name, pid } : `${name} started but wrote no pid to ${pidFile}`;
}

async function stopAll(started: { name: string; pid: number }[]): Promise<void> {
  for (const d of [...started].reverse()) {
    if (!alive(d.pid)) continue;
    process.kill(d.pid, 'SIGTERM');
    for (let i = 0; i < 200 && alive(d.pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (alive(d.pid)) process.kill(d.pid, 'SIGKILL');
  }
}

/** Makes qemu:///system answer; `reason` says why it cannot (the tests skip with it). */
export async function ensureLibvirtd(): Promise<{ daemon: Libvirtd | null; reason: string | null }> {
  if (process.getuid?.() !== 0) return { daemon: null, reason: 'needs root (libvirtd and qemu:///system)' };
  for (const bin of ['virsh', 'libvirtd', 'virtlogd', 'qemu-system-x86_64', 'qemu-img']) {
    if (!which(bin)) return { daemon: null, reason: `\`${bin}\` not found (apt-get install --no-install-recommends libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils)` };
  }
  const started: { name: string; pid: number }[] = [];
  const restoreKvm = kvmLikeUdev();
  const daemon: Libvirtd = {
    started,
    stop: async () => {
      await stopAll(started);
      restoreKvm();
    },
  };
  if (answers()) return { daemon, reason: null };
  for (const [name, pidFile] of [['virtlogd', '/run/virtlogd.pid'], ['libvirtd', '/run/libvirtd.pid']] as const) {
    if (running(name)) continue;
    const d = startDaemon(name, pidFile);
    if (typeof d === 'string') {
      await daemon.stop();
      return { daemon: null, reason: d };
    }
    started.push(d);
  }
  const deadline = Date.now() + 30_000;
  while (!answers()) {
    if (Date.now() > deadline) {
      await daemon.stop();
      return { daemon: null, reason: `libvirtd did not answer on ${LIBVIRT_URI} within 30 s` };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { daemon, reason: null };
}
