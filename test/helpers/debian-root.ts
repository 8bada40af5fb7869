// A fresh Debian 12 machine for the install recipes' real test, without a VM: debootstrap a
// bookworm minbase root (with openssh-server and sudo) into a temp dir, then run that root's
// own sshd chrooted inside a network namespace of our own, reached over a veth pair. proc, dev,
// devpts and sys are mounted inside the mount namespace `ip netns exec` creates, so they vanish
// with the namespace's processes and never show on the host. apt in the root gets out only
// through mirror-proxy.ts, to the Debian mirror this machine's own apt uses; policy-rc.d keeps
// package scripts from starting services in the chroot.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sshdConfigText } from '../../electron/core/locallab/sshd.js';
import { hostAptMirrors, startMirrorProxy, type MirrorProxy } from './mirror-proxy.js';
import { netnsUnavailableReason } from './netns-lab.js';
import { destroyNsSync, fingerprintOf, keygen, killAllIn, must, pidAlive, run, waitForPort, which } from './netns-sys.js';

export interface DebianRoot {
  /** The root file system (the chroot). */
  dir: string;
  ns: string;
  /** sshd's address inside the namespace; port 22. */
  ip: string;
  /** A user with passwordless sudo; root logs in with the same key. */
  user: string;
  port: number;
  hostKeyType: string;
  hostKeyFingerprint: string;
  userKeyPath: string;
  mirror: string;
  proxy: MirrorProxy;
  /** Names (comm) of the processes in the namespace other than sshd: what package scripts left running. */
  strayProcesses(): Promise<string[]>;
  /** Packages dpkg records as "install ok installed", read from the host side of the root. */
  installedPackages(): Promise<Set<string>>;
  sshdLog(): string;
  stop(): Promise<void>;
}

const SUITE = 'bookworm';
/** The root's sudo user; root can log in with the same key. */
const USER = 'iovlab';
const NS_RE = /^iovd-(\d+)-(\d+)$/;
const DIR_RE = /^iovlab-debroot-(\d+)-/;
const SLOTS = 250;
const DEBOOTSTRAP_TIMEOUT_MS = 150_000;
let counter = 0;
const liveRoots = new Set<() => void>();
let hooksInstalled = false;

/** Cleanup also when the test process exits early or is stopped by a signal (the runner's timeout, Ctrl-C). */
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const cleanAll = () => { for (const stop of [...liveRoots]) stop(); };
  process.on('exit', cleanAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanAll();
      process.kill(process.pid, sig); // the once-handler is gone now, so this ends the process as the signal intended
    });
  }
}

/** The mirror this machine's apt uses for bookworm, and every host its apt sources name. */
export function hostDebianMirror(): { mirror: string; hosts: string[] } | null {
  const mirrors = hostAptMirrors();
  const main = mirrors.find((m) => m.suites.includes(SUITE));
  if (!main) return null;
  return { mirror: main.uri.replace(/\/+$/, ''), hosts: [...new Set(mirrors.map((m) => new URL(m.uri).hostname))] };
}

/** Why the real Debian-root test cannot run here, or null. Reaches the mirror once (HEAD of the suite's InRelease). */
export async function debianRootUnavailableReason(): Promise<string | null> {
  const ns = netnsUnavailableReason();
  if (ns) return ns;
  for (const bin of ['debootstrap', 'chroot', 'mount']) if (!which(bin)) return `\`${bin}\` not found (apt-get install debootstrap)`;
  const found = hostDebianMirror();
  if (!found) return `no Debian ${SUITE} mirror in this machine's apt sources (/etc/apt/sources.list, /etc/apt/sources.list.d)`;
  if (!found.mirror.startsWith('http://')) return `the ${SUITE} mirror ${found.mirror} is not plain http, which the test's apt proxy forwards`;
  try {
    const r = await fetch(`${found.mirror}/dists/${SUITE}/InRelease`, { method: 'HEAD', signal: AbortSignal.timeout(8000) });
    if (!r.ok) return `the Debian mirror ${found.mirror} answered ${r.status} for dists/${SUITE}/InRelease`;
  } catch (e) {
    return `the Debian mirror ${found.mirror} cannot be reached: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}

export async function startDebianRoot(): Promise<DebianRoot> {
  const found = hostDebianMirror();
  if (!found) throw new Error(`debian-root: no ${SUITE} mirror in /etc/apt`);
  removeStaleRoots();
  const id = `${process.pid}-${counter++}`;
  const top = await mkdtemp(join(tmpdir(), `iovlab-debroot-${id}-`));
  const dir = join(top, 'root');
  const ns = `iovd-${id}`;
  const logPath = join(top, 'sshd.log');
  let sshd: ChildProcess | null = null;
  let proxy: MirrorProxy | null = null;
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    liveRoots.delete(stopSync);
    if (sshd && sshd.exitCode === null) sshd.kill('SIGKILL');
    destroyNsSync(ns);
    removeRootSync(top);
  };
  installExitHooks();
  liveRoots.add(stopSync);
  try {
    const [, slot] = await Promise.all([
      debootstrap(dir, found.mirror, join(top, 'debootstrap.log')),
      (async () => {
        await must('ip', ['netns', 'add', ns]);
        return claimSlot(ns, process.pid + counter * 41);
      })(),
      keygen(join(top, 'id_user'), 'ed25519'),
    ]);
    const hostIp = `10.238.${slot}.1`;
    const ip = `10.238.${slot}.2`;
    await must('ip', ['addr', 'add', `${hostIp}/24`, 'dev', `ivdr${slot}`]);
    await must('ip', ['link', 'set', `ivdr${slot}`, 'up']);
    for (const args of [['addr', 'add', `${ip}/24`, 'dev', `ivdn${slot}`], ['link', 'set', `ivdn${slot}`, 'up'], ['link', 'set', 'lo', 'up']]) await must('ip', ['-n', ns, ...args]);
    proxy = await startMirrorProxy(hostIp, found.hosts);

    // No service may start inside the chroot: it would run on this machine, outside any namespace.
    await writeFile(join(dir, 'usr/sbin/policy-rc.d'), '#!/bin/sh\n# iovlab test: no services start in this chroot\nexit 101\n', { mode: 0o755 });
    await writeFile(join(dir, 'etc/apt/apt.conf.d/99iovlab-test-proxy'), `Acquire::http::Proxy "${proxy.url}";\nAcquire::https::Proxy "${proxy.url}";\nAcquire::Retries "3";\n`);
    // A sudo user, as most real nodes have (steps then go through `sudo -n sh -c`). Its password
    // field is "*" rather than useradd's locked "!", which sshd (UsePAM no) would refuse.
    await must('chroot', [dir, 'useradd', '--create-home', '--shell', '/bin/sh', '--password', '*', USER]);
    await writeFile(join(dir, `etc/sudoers.d/${USER}`), `${USER} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    // One authorized_keys file serves root and the user (AuthorizedKeysFile is an absolute path).
    await writeFile(join(dir, 'etc/ssh/iovlab_authorized_keys'), await readFile(join(top, 'id_user.pub'), 'utf8'), { mode: 0o644 });
    await mkdir(join(dir, 'run/sshd'), { recursive: true, mode: 0o755 });
    await chmod(join(dir, 'run/sshd'), 0o755);
    await writeFile(join(dir, 'etc/ssh/iovlab_sshd_config'), sshdConfigText({
      listen: [`${ip}:22`], hostKey: '/etc/ssh/ssh_host_ed25519_key', pidFile: '/run/sshd-iovlab.pid', authorizedKeys: '/etc/ssh/iovlab_authorized_keys', env: {},
    }));
    const mountAndServe = [
      'set -e',
      'r=$1',
      'mount -t proc proc "$r/proc"',
      'mount --bind /dev "$r/dev"',
      'mount --bind /dev/pts "$r/dev/pts"',
      'mount -t sysfs sysfs "$r/sys"',
      'exec chroot "$r" /usr/sbin/sshd -D -e -f /etc/ssh/iovlab_sshd_config',
    ].join('\n');
    const logFd = openSync(logPath, 'a');
    const child = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', mountAndServe, 'sh', dir], { stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    sshd = child;
    await waitForPort(ip, 22, child, logPath, 15_000);
    const fp = await fingerprintOf(join(dir, 'etc/ssh/ssh_host_ed25519_key.pub'));

    let stopping: Promise<void> | null = null;
    return {
      dir, ns, ip, user: USER, port: 22, hostKeyType: fp.type, hostKeyFingerprint: fp.fingerprint, userKeyPath: join(top, 'id_user'),
      mirror: found.mirror, proxy,
      strayProcesses: async () => {
        const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
        const names = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').then((c) => c.trim(), () => '')));
        return names.filter((n) => n !== '' && n !== 'sshd');
      },
      installedPackages: async () => installedIn(await readFile(join(dir, 'var/lib/dpkg/status'), 'utf8')),
      sshdLog: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
      stop() {
        stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            const exited = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await exited;
          }
          // Sessions and apt's helpers die first, so the mounts of their namespace go with them.
          await killAllIn(ns);
          await proxy?.close();
          stopSync();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await proxy?.close();
    stopSync();
    throw e;
  }
}

async function debootstrap(dir: string, mirror: string, logPath: string): Promise<void> {
  const logFd = openSync(logPath, 'a');
  const child = spawn('debootstrap', ['--variant=minbase', '--include=openssh-server,sudo', SUITE, dir, mirror], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const code = await new Promise<number | string | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), DEBOOTSTRAP_TIMEOUT_MS);
    child.on('exit', (c, sig) => {
      clearTimeout(timer);
      resolve(c ?? sig);
    });
  });
  if (code !== 0) {
    const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-8).join('\n');
    throw new Error(`debian-root: debootstrap ${SUITE} from ${mirror} failed (${String(code)}):\n${tail}`);
  }
}

/** `Package:` names whose `Status:` is "install ok installed" in a dpkg status file. */
export function installedIn(status: string): Set<string> {
  const out = new Set<string>();
  for (const stanza of status.split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
    if (name && /^Status: install ok installed$/m.test(stanza)) out.add(name);
  }
  return out;
}

/** A veth pair named after a free slot (the name can exist only once, so the claim is atomic). */
async function claimSlot(ns: string, seed: number): Promise<number> {
  const routes = await must('ip', ['-4', 'route', 'show']);
  for (let i = 0; i < SLOTS; i++) {
    const slot = (seed + i) % SLOTS;
    if (routes.includes(`10.238.${slot}.`)) continue;
    const r = await run('ip', ['link', 'add', `ivdr${slot}`, 'type', 'veth', 'peer', 'name', `ivdn${slot}`, 'netns', ns]);
    if (r.code === 0) return slot;
    if (!/exists/i.test(r.stderr)) throw new Error(`debian-root: cannot create veth ivdr${slot}: ${r.stderr.trim()}`);
  }
  throw new Error(`debian-root: all ${SLOTS} slots (10.238.0-249.0/24) are in use`);
}

/** Unmounts anything still mounted under `top` (there should be nothing), then deletes it without crossing into other file systems. */
function removeRootSync(top: string): void {
  let mounts: string[] = [];
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(`${top}/`));
  } catch { /* no /proc */ }
  for (const m of mounts.sort().reverse()) {
    try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
  try {
    execFileSync('rm', ['-rf', '--one-file-system', top], { stdio: 'ignore' });
  } catch {
    // Something is still mounted: leave the rest for removeStaleRoots rather than walk into a mount.
  }
}

/** Roots and namespaces left by test processes that died before their cleanup. */
function removeStaleRoots(): void {
  let names: string[] = [];
  try {
    names = execFileSync('ip', ['netns', 'list'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n').map((l) => l.split(' ')[0] ?? '');
  } catch { /* none */ }
  for (const name of names) {
    const m = NS_RE.exec(name);
    if (m && !pidAlive(Number(m[1]))) destroyNsSync(name);
  }
  for (const entry of readdirSync(tmpdir())) {
    const m = DIR_RE.exec(entry);
    if (m && !pidAlive(Number(m[1]))) removeRootSync(join(tmpdir(), entry));
  }
}
