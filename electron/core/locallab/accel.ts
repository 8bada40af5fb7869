// Which accelerator local guests run under. /dev/kvm can exist and still be unusable (a
// paravirtual KVM that fails with "KVM internal error ... emulation failure" or never leaves the
// kernel decompressor), so the only trustworthy test is booting the real guest under KVM: if its
// /init prints the probe marker in time, KVM works; otherwise TCG, with the reason. The verdict
// is cached per boot of the host (/proc/sys/kernel/random/boot_id) and guest image.
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { QEMU_BINARY } from '../../../shared/vmconfig/index.js';
import type { GuestImage } from './image.js';
import { requireBinaries } from './host.js';
import { killTracked, spawnTracked } from './process.js';
import { readTail, waitFor } from './wait.js';

export interface AccelVerdict {
  accel: 'kvm' | 'tcg';
  /** Why: what the KVM probe showed, or why it was not tried. */
  reason: string;
  /** Whether this came from the per-boot cache. */
  cached: boolean;
}

export interface DetectAccelOptions {
  image: GuestImage;
  cacheDir: string;
  /** How long the KVM guest may take to reach user space; default 20 s. */
  timeoutMs?: number;
  /** Ignore a cached verdict. */
  fresh?: boolean;
  log?: (line: string) => void;
}

const PROBE_MARKER = 'IOVLAB-PROBE-OK';
const KVM_DEVICE = '/dev/kvm';

async function bootId(): Promise<string> {
  return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => 'unknown')).trim();
}

/** The QEMU error lines worth showing (e.g. "KVM internal error. Suberror: 1" and "emulation failure"). */
function qemuComplaint(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const kvm = lines.filter((l) => /KVM|emulation failure|failed to initialize|Could not access|error/i.test(l));
  return (kvm.length > 0 ? kvm : lines).slice(0, 3).join(' / ').slice(0, 300);
}

/** Boots the image once under KVM and reports how far it got. */
export async function probeKvm(image: GuestImage, timeoutMs: number): Promise<AccelVerdict> {
  requireBinaries([{ bin: QEMU_BINARY, pkg: 'qemu-system-x86' }], 'Probing KVM');
  const dir = await mkdtemp(join(image.dir, '..', `.kvm-probe-${process.pid}-`));
  const serial = join(dir, 'serial.log');
  const qemuLog = join(dir, 'qemu.log');
  const argv = [
    QEMU_BINARY, '-machine', 'pc', '-accel', 'kvm', '-cpu', 'host', '-m', '512M', '-smp', '1',
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot', '-serial', `file:${serial}`,
    '-kernel', image.kernel, '-initrd', image.initrd, '-append', 'console=ttyS0 quiet panic=-1 iovlab.probe=1',
  ];
  const started = Date.now();
  const proc = await spawnTracked(argv, { pidfile: join(dir, 'qemu.pid.json'), logFile: qemuLog, label: 'KVM probe' });
  try {
    // QEMU pauses (does not exit) on a KVM internal error, so its log is watched as well as its exit.
    const outcome = await waitFor(async () => {
      if ((await readTail(serial, 50)).includes(PROBE_MARKER)) return 'ok' as const;
      const q = await readFile(qemuLog, 'utf8').catch(() => '');
      if (/KVM internal error|emulation failure/i.test(q)) return 'error' as const;
      return proc.isRunning() ? null : ('exited' as const);
    }, started + timeoutMs, 100);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (outcome === 'ok') return { accel: 'kvm', reason: `a KVM guest reached user space in ${secs} s`, cached: false };
    const said = qemuComplaint(await readFile(qemuLog, 'utf8').catch(() => ''));
    if (outcome === null) {
      const serialTail = (await readTail(serial, 3)).replace(/\s+/g, ' ');
      return { accel: 'tcg', reason: `KVM is unusable: the guest did not reach user space within ${timeoutMs / 1000} s${said ? ` (QEMU: ${said})` : ''}${serialTail ? ` (console: ${serialTail})` : ''}`, cached: false };
    }
    return { accel: 'tcg', reason: `KVM is unusable: ${said || 'QEMU exited without a message'}`, cached: false };
  } finally {
    await killTracked(proc);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function detectAccelerator(opts: DetectAccelOptions): Promise<AccelVerdict> {
  const log = opts.log ?? (() => undefined);
  try {
    await access(KVM_DEVICE, fsConstants.F_OK);
  } catch {
    return { accel: 'tcg', reason: `${KVM_DEVICE} does not exist (no KVM on this host): using TCG emulation`, cached: false };
  }
  try {
    await access(KVM_DEVICE, fsConstants.R_OK | fsConstants.W_OK);
  } catch {
    return { accel: 'tcg', reason: `${KVM_DEVICE} is not readable and writable by this user (run as root or join the kvm group): using TCG`, cached: false };
  }
  const boot = await bootId();
  const cacheFile = join(opts.cacheDir, 'accel.json');
  const key = `${boot}/${opts.image.id}`;
  if (!opts.fresh) {
    const cached = await readFile(cacheFile, 'utf8').then((t) => JSON.parse(t) as { key: string; verdict: AccelVerdict }).catch(() => null);
    if (cached?.key === key) return { ...cached.verdict, cached: true };
  }
  log('probing KVM: booting the guest under -accel kvm');
  const verdict = await probeKvm(opts.image, opts.timeoutMs ?? 20_000);
  log(`accelerator: ${verdict.accel} (${verdict.reason})`);
  await mkdir(opts.cacheDir, { recursive: true });
  await writeFile(cacheFile, JSON.stringify({ key, verdict }) + '\n');
  return verdict;
}
