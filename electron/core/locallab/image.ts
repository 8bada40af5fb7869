// The local lab's guest image: a Debian kernel (booted as vmlinux through PVH) and an
// initramfs holding busybox, GNU dd, fio, iperf3, dropbear and nbd-client with their libraries,
// the virtual-hardware drivers and resources/guest/init.sh. Built once per set of inputs (package
// versions + guest scripts + module list) under cacheDir/images/<id>; an unchanged host reuses it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../../shared/result.js';
import { installedVersions, requireBinaries, type Needed } from './host.js';
import { currentKernelPackage, downloadDeb, extractVmlinux, unpackKernel } from './kernel.js';
import { ensureUserKey } from './keys.js';
import { resolveModules } from './kmod.js';
import { packCpio, stageRootfs } from './rootfs.js';

export interface GuestImage {
  /** Hash of the inputs; names the cache directory. */
  id: string;
  dir: string;
  /** Uncompressed ELF vmlinux (PVH entry): pass as -kernel. */
  kernel: string;
  initrd: string;
  kernelRelease: string;
  /** Modules /init loads, in load order (dependencies included). */
  modulesLoaded: string[];
  /** The lab's default login key (OpenSSH format) and its public half, under cacheDir/keys. */
  sshPrivateKeyPath: string;
  sshPublicKeyPath: string;
  sizeBytes: { kernel: number; initrd: number };
  /** How long the build took, or null when the cached image was reused. */
  buildMs: number | null;
}

export interface BuildImageOptions {
  cacheDir: string;
  log?: (line: string) => void;
  /** Where init.sh and inittab live; defaults to resources/guest of this checkout. */
  resourcesDir?: string;
}

/**
 * Drivers for every controller and NIC the lab offers, plus fw_cfg (keys) and the EBS-in-guest
 * transports, and virtio_rng: without it, dropbear waits seconds under TCG for the kernel's
 * random pool (jitter entropy on an emulated CPU). /init loads the early ones and brings the NIC up before the rest, so e1000's ~2 s
 * link negotiation overlaps the storage drivers' probing instead of following it.
 */
export const GUEST_MODULES = {
  early: ['qemu_fw_cfg', 'virtio_pci', 'virtio_rng', 'virtio_net', 'e1000'],
  late: ['virtio_blk', 'virtio_scsi', 'crct10dif_generic', 'crc64_rocksoft_generic', 'sd_mod', 'sym53c8xx', 'ata_piix', 'nbd', 'aoe'],
};

/**
 * insmod options. scan=sync: a SCSI driver's insmod returns only once its disks exist, so SSH
 * readiness implies /dev/sda. settle=0: QEMU's emulated LSI controller needs none of the 3 s
 * settle delay after a bus reset.
 */
export const MODULE_OPTIONS: Readonly<Record<string, string>> = { scsi_mod: 'scan=sync', sym53c8xx: 'settle=0' };

/** Executables copied into the guest, with the packages that ship them. */
export const GUEST_TOOLS: readonly Needed[] = [
  { bin: 'busybox', pkg: 'busybox-static' },
  // The login shell: Debian's static busybox runs its own applets before PATH (FEATURE_SH_STANDALONE),
  // so under ash `dd` would be busybox dd, which lacks conv=fdatasync.
  { bin: 'bash', pkg: 'bash' },
  { bin: 'dd', pkg: 'coreutils' },
  // The benchmark engine runs its tools as `env VAR=... dd ...`; busybox's env would exec its own dd applet.
  { bin: 'env', pkg: 'coreutils' },
  { bin: 'fio', pkg: 'fio' },
  { bin: 'iperf3', pkg: 'iperf3' },
  { bin: 'dropbear', pkg: 'dropbear-bin' },
  { bin: 'nbd-client', pkg: 'nbd-client' },
  // The benchmark's target guard and device mapping inspect block devices with these, in guests as on hosts.
  { bin: 'lsblk', pkg: 'util-linux' },
  { bin: 'findmnt', pkg: 'util-linux' },
  { bin: 'wipefs', pkg: 'util-linux' },
  { bin: 'blkid', pkg: 'util-linux' },
];

/** Host tools the build itself runs. */
export const BUILD_TOOLS: readonly Needed[] = [
  { bin: 'apt-get', pkg: 'apt' },
  { bin: 'apt-cache', pkg: 'apt' },
  { bin: 'dpkg-deb', pkg: 'dpkg' },
  { bin: 'dpkg-query', pkg: 'dpkg' },
  { bin: 'ldd', pkg: 'libc-bin' },
  { bin: 'cpio', pkg: 'cpio' },
  { bin: 'xz', pkg: 'xz-utils' },
  { bin: 'ssh-keygen', pkg: 'openssh-client' },
];

// Bumped when the builder's output changes for the same inputs.
const FORMAT = 1;

/**
 * The least guest memory that holds the image: the initramfs sits in RAM twice while the kernel
 * unpacks it (archive + files), next to the kernel itself. Measured: a 90 MiB initramfs needs
 * more than 320 MiB; below that the unpacking fails and the guest boots without some files.
 */
export function minimumMemoryMiB(image: Pick<GuestImage, 'sizeBytes'>): number {
  const initrdMiB = image.sizeBytes.initrd / 1048576;
  return Math.ceil((2 * initrdMiB + 192) / 64) * 64;
}

/** $IOVLAB_CACHE, else $XDG_CACHE_HOME/iovlab, else ~/.cache/iovlab. */
export function defaultLabCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.IOVLAB_CACHE?.trim();
  if (explicit) return resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'iovlab');
}

export function defaultResourcesDir(): string {
  const candidates: string[] = [];
  if (typeof import.meta.url === 'string') candidates.push(resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/guest'));
  candidates.push(resolve('resources/guest'));
  return candidates.find((d) => existsSync(join(d, 'init.sh'))) ?? candidates[0] ?? 'resources/guest';
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

async function readImage(dir: string): Promise<GuestImage | null> {
  try {
    const img = JSON.parse(await readFile(join(dir, 'image.json'), 'utf8')) as GuestImage;
    if (!existsSync(img.kernel) || !existsSync(img.initrd)) return null;
    const now = new Date();
    await utimes(join(dir, 'image.json'), now, now); // marks it recently used for pruneImages
    return { ...img, buildMs: null };
  } catch {
    return null;
  }
}

export async function buildGuestImage(opts: BuildImageOptions): Promise<GuestImage> {
  const log = opts.log ?? (() => undefined);
  const tools = requireBinaries([...BUILD_TOOLS, ...GUEST_TOOLS], 'Building the local-lab guest image');
  const resDir = opts.resourcesDir ?? defaultResourcesDir();
  const [initScript, inittab] = await Promise.all([readFile(join(resDir, 'init.sh'), 'utf8'), readFile(join(resDir, 'inittab'), 'utf8')]).catch((e: unknown) => {
    throw new AppError('NOT_FOUND', `the guest init files are missing from ${resDir} (init.sh, inittab): ${(e as Error).message}`);
  });

  const kernelPkg = await currentKernelPackage();
  const pkgs = [...new Set(GUEST_TOOLS.map((t) => t.pkg).concat('libc6'))].sort();
  const versions = await installedVersions(pkgs);
  const inputs = {
    format: FORMAT,
    kernel: `${kernelPkg.name}=${kernelPkg.version}`,
    packages: pkgs.map((p) => `${p}=${versions.get(p) ?? 'unpackaged'}`),
    // A tool added from a package already listed changes the image too.
    tools: GUEST_TOOLS.map((t) => t.bin),
    modules: GUEST_MODULES,
    moduleOptions: MODULE_OPTIONS,
    init: sha256(initScript),
    inittab: sha256(inittab),
  };
  const id = sha256(JSON.stringify(inputs)).slice(0, 16);
  const imagesDir = join(opts.cacheDir, 'images');
  const dir = join(imagesDir, id);
  const keys = await ensureUserKey(join(opts.cacheDir, 'keys'));
  const cached = await readImage(dir);
  if (cached) {
    log(`reusing guest image ${id} (${dir})`);
    return { ...cached, sshPrivateKeyPath: keys.privateKeyPath, sshPublicKeyPath: keys.publicKeyPath };
  }

  const started = Date.now();
  log(`building guest image ${id}: ${inputs.kernel}, ${inputs.packages.join(' ')}`);
  const work = join(imagesDir, `.build-${id}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const deb = await downloadDeb(kernelPkg.name, kernelPkg.version, join(opts.cacheDir, 'debs'), log);
    const { bzImage, modDir } = await unpackKernel(deb, kernelPkg, join(work, 'kernel-pkg'));
    log('extracting vmlinux (PVH entry) from the bzImage');
    await extractVmlinux(bzImage, join(work, 'vmlinux'));
    const early = (await resolveModules(modDir, GUEST_MODULES.early)).order;
    const earlyNames = new Set(early.map((m) => m.name));
    const all = (await resolveModules(modDir, [...GUEST_MODULES.early, ...GUEST_MODULES.late])).order;
    const order = [...early, ...all.filter((m) => !earlyNames.has(m.name))];
    log(`staging the initramfs: ${GUEST_TOOLS.map((t) => t.bin).join(', ')} + ${order.length} kernel modules`);
    await stageRootfs({
      staging: join(work, 'rootfs'),
      binaries: GUEST_TOOLS.map((t) => tools.get(t.bin) ?? t.bin),
      busybox: tools.get('busybox') ?? 'busybox',
      initScript,
      inittab,
      kernelRelease: kernelPkg.release,
      modDir,
      modules: { early, late: all.filter((m) => !earlyNames.has(m.name)) },
      moduleOptions: MODULE_OPTIONS,
    });
    await packCpio(join(work, 'rootfs'), join(work, 'initrd.cpio'));
    await Promise.all([rm(join(work, 'rootfs'), { recursive: true, force: true }), rm(join(work, 'kernel-pkg'), { recursive: true, force: true })]);
    const final = { kernel: join(dir, 'vmlinux'), initrd: join(dir, 'initrd.cpio') };
    const sizeBytes = { kernel: (await stat(join(work, 'vmlinux'))).size, initrd: (await stat(join(work, 'initrd.cpio'))).size };
    const image: GuestImage = {
      id, dir, ...final, kernelRelease: kernelPkg.release, modulesLoaded: order.map((m) => m.name),
      sshPrivateKeyPath: keys.privateKeyPath, sshPublicKeyPath: keys.publicKeyPath, sizeBytes, buildMs: Date.now() - started,
    };
    await writeFile(join(work, 'image.json'), JSON.stringify({ ...image, inputs }, null, 2) + '\n');
    try {
      await rename(work, dir);
    } catch (e) {
      // Another process finished the same image first: use theirs.
      const theirs = await readImage(dir);
      if (!theirs) throw e;
      await rm(work, { recursive: true, force: true });
      return { ...theirs, sshPrivateKeyPath: keys.privateKeyPath, sshPublicKeyPath: keys.publicKeyPath };
    }
    await pruneCache(opts.cacheDir, deb);
    log(`guest image ${id} built in ${((Date.now() - started) / 1000).toFixed(1)} s (kernel ${mib(sizeBytes.kernel)}, initramfs ${mib(sizeBytes.initrd)})`);
    return image;
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Keeps the `keep` most recently used images (each ~150 MiB) and the kernel .deb of `current`;
 * older ones are what inputs that changed left behind.
 */
async function pruneCache(cacheDir: string, currentDeb: string, keep = 2): Promise<void> {
  const imagesDir = join(cacheDir, 'images');
  const used: Array<{ dir: string; mtime: number }> = [];
  for (const name of await readdir(imagesDir).catch(() => [] as string[])) {
    if (name.startsWith('.')) continue;
    const st = await stat(join(imagesDir, name, 'image.json')).catch(() => null);
    used.push({ dir: join(imagesDir, name), mtime: st?.mtimeMs ?? 0 });
  }
  used.sort((a, b) => b.mtime - a.mtime);
  for (const old of used.slice(keep)) await rm(old.dir, { recursive: true, force: true });
  const debDir = dirname(currentDeb);
  for (const name of await readdir(debDir).catch(() => [] as string[])) {
    if (name.endsWith('.deb') && join(debDir, name) !== currentDeb) await rm(join(debDir, name), { force: true });
  }
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}
