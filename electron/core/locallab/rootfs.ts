// The guest's root file system, laid out in a staging directory and packed as a cpio (newc)
// initramfs. Binaries come from the host's installed Debian packages together with the shared
// libraries ldd names, so GNU dd, fio, iperf3, dropbear and nbd-client run unchanged in the guest.
// The layout is usr-merged (bin, sbin, lib -> usr/...) so every PATH a remote shell may have
// (dropbear's default is /usr/bin:/bin) finds every tool, and ldd's /lib paths resolve.
import { chmod, copyFile, mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/result.js';
import { modulesDep, type ModuleRef } from './kmod.js';
import { mustRun, run, runToFile } from './host.js';

const MERGED_LINKS: ReadonlyArray<[string, string]> = [
  ['bin', 'usr/bin'],
  ['sbin', 'usr/bin'],
  ['usr/sbin', 'bin'],
  ['lib', 'usr/lib'],
  ['lib64', 'usr/lib64'],
];
const EMPTY_DIRS = ['usr/bin', 'usr/lib', 'usr/lib64', 'proc', 'sys', 'dev', 'run', 'tmp', 'root', 'etc/iovlab', 'etc/dropbear', 'var/log', 'mnt'];

/** Where a host path lands in the usr-merged guest. */
export function guestPath(hostPath: string): string {
  return hostPath.replace(/^\/(bin|sbin)\//, '/usr/bin/').replace(/^\/usr\/sbin\//, '/usr/bin/').replace(/^\/(lib|lib64)\//, '/usr/$1/');
}

/** Shared libraries (and the ELF interpreter) a dynamic executable loads, as ldd resolves them on this host. */
export async function sharedLibraries(binary: string): Promise<string[]> {
  const r = await run('ldd', [binary]);
  if (r.code !== 0 && /not a dynamic executable|statically linked/.test(r.stdout + r.stderr)) return [];
  if (r.code !== 0) throw new AppError('COMMAND_FAILED', `ldd ${binary} failed: ${r.stderr.trim()}`);
  const libs: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (/=>\s*not found/.test(line)) {
      throw new AppError('NOT_FOUND', `${binary} needs ${line.trim().split(/\s/)[0]}, which is not installed on this host; reinstall the package that ships ${binary}`);
    }
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m?.[1]) libs.push(m[1]);
  }
  return libs;
}

export interface RootfsSpec {
  staging: string;
  /** Absolute host paths of the executables to copy (busybox included). */
  binaries: string[];
  busybox: string;
  initScript: string;
  inittab: string;
  kernelRelease: string;
  modDir: string;
  /** Loaded before the NIC is configured, and after it (each list in dependency order). */
  modules: { early: readonly ModuleRef[]; late: readonly ModuleRef[] };
  moduleOptions: Readonly<Record<string, string>>;
}

async function copyInto(staging: string, hostPath: string, mode?: number): Promise<void> {
  const dest = join(staging, guestPath(hostPath));
  await mkdir(dirname(dest), { recursive: true });
  await copyFile(await realpath(hostPath), dest);
  if (mode !== undefined) await chmod(dest, mode);
}

/** Every applet of the (static) busybox as a link, except names a real tool already provides (GNU dd). */
async function busyboxLinks(staging: string, busybox: string, provided: Set<string>): Promise<void> {
  const list = await mustRun(busybox, ['--list'], 'listing busybox applets');
  for (const applet of list.split('\n').filter(Boolean)) {
    if (provided.has(applet) || applet.includes('/')) continue;
    await symlink('busybox', join(staging, 'usr/bin', applet)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

const ETC_FILES: Record<string, string> = {
  'etc/passwd': 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  // '*' (not '!') so the account counts as unlocked for public-key logins.
  'etc/shadow': 'root:*:19000:0:99999:7:::\n',
  'etc/group': 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n',
  'etc/shells': '/bin/sh\n/bin/bash\n',
  'etc/nsswitch.conf': 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n',
  'etc/hosts': '127.0.0.1 localhost\n',
  'etc/profile': 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\n',
};

export async function stageRootfs(spec: RootfsSpec): Promise<void> {
  const { staging } = spec;
  for (const d of EMPTY_DIRS) await mkdir(join(staging, d), { recursive: true });
  for (const [link, target] of MERGED_LINKS) await symlink(target, join(staging, link));
  const libs = new Set<string>();
  for (const bin of spec.binaries) {
    await copyInto(staging, bin, 0o755);
    for (const lib of await sharedLibraries(bin)) libs.add(lib);
  }
  for (const lib of libs) await copyInto(staging, lib, 0o755);
  const provided = new Set(spec.binaries.map((b) => b.split('/').pop() ?? b));
  await busyboxLinks(staging, spec.busybox, provided);

  const guestModDir = join(staging, 'usr/lib/modules', spec.kernelRelease);
  const all = [...spec.modules.early, ...spec.modules.late];
  for (const m of all) {
    await mkdir(dirname(join(guestModDir, m.rel)), { recursive: true });
    await copyFile(join(spec.modDir, m.rel), join(guestModDir, m.rel));
  }
  await writeFile(join(guestModDir, 'modules.dep'), modulesDep(all));
  // One module per line: its path under /lib/modules/<release>/, then its insmod options.
  const lines = (list: readonly ModuleRef[]) => list.map((m) => `${m.rel} ${spec.moduleOptions[m.name] ?? ''}`.trimEnd() + '\n').join('');
  await writeFile(join(staging, 'etc/iovlab/modules.early'), lines(spec.modules.early));
  await writeFile(join(staging, 'etc/iovlab/modules.late'), lines(spec.modules.late));

  for (const [path, text] of Object.entries(ETC_FILES)) await writeFile(join(staging, path), text);
  await chmod(join(staging, 'etc/shadow'), 0o600);
  await chmod(join(staging, 'root'), 0o700);
  await chmod(join(staging, 'tmp'), 0o1777);
  await writeFile(join(staging, 'etc/inittab'), spec.inittab);
  await writeFile(join(staging, 'init'), spec.initScript, { mode: 0o755 });
}

async function listTree(root: string, rel = '.', out: string[] = []): Promise<string[]> {
  out.push(rel);
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) await listTree(root, child, out);
    else out.push(child);
  }
  return out;
}

/**
 * Packs the staging tree with GNU cpio (newc, all files owned by root) into `out`. Left
 * uncompressed on purpose: under TCG the guest kernel would inflate it with an emulated CPU.
 */
export async function packCpio(staging: string, out: string): Promise<void> {
  const names = await listTree(staging);
  const args = ['--quiet', '--null', '-o', '-H', 'newc', '-R', '0:0', '--reproducible'];
  await runToFile('cpio', args, names.map((n) => `${n}\0`).join(''), out, `packing ${staging} into an initramfs`, staging);
}
