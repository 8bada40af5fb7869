// The guest kernel: Debian's current linux-image-<abi>-amd64, downloaded once with apt-get into
// the cache and unpacked with dpkg-deb. We boot the uncompressed vmlinux through its PVH entry
// point: under TCG the emulated CPU would otherwise spend seconds in the bzImage decompressor
// (LAB-NOTES: this halves boot time).
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/result.js';
import { mustRun, runToFile } from './host.js';

export const KERNEL_META_PACKAGE = 'linux-image-amd64';

export interface KernelPackage {
  /** e.g. linux-image-6.1.0-56-amd64 */
  name: string;
  /** Debian version, e.g. 6.1.192-2 */
  version: string;
  /** uname -r inside the guest, e.g. 6.1.0-56-amd64 */
  release: string;
}

/** Which kernel package the meta package points at now, and its candidate version. */
export async function currentKernelPackage(): Promise<KernelPackage> {
  const deps = await mustRun('apt-cache', ['depends', KERNEL_META_PACKAGE], 'finding the Debian guest kernel');
  const name = /Depends:\s*(linux-image-[0-9][^\s]*-amd64)\b/.exec(deps)?.[1];
  if (!name) {
    throw new AppError('NOT_FOUND', `apt-cache knows no kernel behind ${KERNEL_META_PACKAGE}; run \`apt-get update\` (the guest kernel comes from Debian's archive)`);
  }
  const show = await mustRun('apt-cache', ['show', '--no-all-versions', name], `reading the version of ${name}`);
  const version = /^Version:\s*(\S+)/m.exec(show)?.[1];
  if (!version) throw new AppError('NOT_FOUND', `apt-cache shows no version for ${name}; run \`apt-get update\``);
  return { name, version, release: name.replace(/^linux-image-/, '') };
}

/** apt-get download into `debDir` unless the exact file is already there; returns the .deb path. */
export async function downloadDeb(pkg: string, version: string, debDir: string, log: (l: string) => void): Promise<string> {
  await mkdir(debDir, { recursive: true });
  // apt-get writes an epoch's ':' as %3a; some versions are stored without the epoch at all.
  const versions = [version, version.replace(/^\d+:/, '')];
  const want = (f: string) => f.startsWith(`${pkg}_`) && f.endsWith('.deb') && versions.some((v) => decodeURIComponent(f).includes(`_${v}_`));
  let file = (await readdir(debDir)).find(want);
  if (!file) {
    log(`downloading ${pkg}=${version} with apt-get`);
    await mustRun('apt-get', ['download', '-q', `${pkg}=${version}`], `downloading ${pkg} (needs the Debian archive; run apt-get update if it is stale)`, {
      cwd: debDir,
      timeoutMs: 10 * 60_000,
    });
    file = (await readdir(debDir)).find(want);
  }
  if (!file) throw new AppError('NOT_FOUND', `apt-get download ${pkg}=${version} left no .deb in ${debDir}`);
  return join(debDir, file);
}

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/**
 * Pulls the ELF vmlinux out of a bzImage. Debian compresses it with xz (CONFIG_KERNEL_XZ); the
 * stream starts at the xz magic inside the setup+decompressor blob and is followed by trailer
 * bytes, which --single-stream tells xz to ignore.
 */
export async function extractVmlinux(bzImage: string, out: string): Promise<void> {
  const data = await readFile(bzImage);
  const at = data.indexOf(XZ_MAGIC);
  if (at < 0) throw new AppError('INTERNAL', `${bzImage} holds no xz-compressed vmlinux (only Debian's xz kernels are supported)`);
  const tmp = `${out}.part`;
  await runToFile('xz', ['-dc', '--single-stream'], data.subarray(at), tmp, `unpacking the kernel in ${bzImage}`);
  const head = await readFile(tmp).then((b) => b.subarray(0, 4));
  if (!head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) throw new AppError('INTERNAL', `the kernel unpacked from ${bzImage} is not an ELF file`);
  await rename(tmp, out);
}

/** Unpacks the kernel .deb into `root` and returns the bzImage and the module directory. */
export async function unpackKernel(deb: string, kernel: KernelPackage, root: string): Promise<{ bzImage: string; modDir: string }> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await mustRun('dpkg-deb', ['-x', deb, root], `unpacking ${deb}`);
  const bzImage = join(root, 'boot', `vmlinuz-${kernel.release}`);
  const modDir = join(root, 'lib', 'modules', kernel.release);
  await writeFile(join(root, '.unpacked'), kernel.version);
  return { bzImage, modDir };
}
