// A two-host SSH lab in network namespaces, shaped like the paper's cluster: the root namespace
// (where tests run) <-veth-> "front" <-veth-> "back". front sits on both networks and forwards,
// back lives only on the private one (reachable directly through the route via front, or through
// front as an SSH jump host). Each namespace runs its own real sshd with generated keys.
// Every name and subnet is unique per lab (pid + counter + a claimed slot) so parallel test files
// never collide; labs left behind by dead test processes are removed on the next start.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, openSync, closeSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destroyNsSync, fingerprintOf, keygen, killAllIn, must, removeStaleLabs, run, waitForPort, which } from './netns-sys.js';
import { ensureSshdRunDir, SSHD_BINARY, sshdConfigText } from '../../electron/core/locallab/sshd.js';

export interface NsHost { name: 'front' | 'back'; ns: string; ip: string; port: number; hostKeyType: string; hostKeyFingerprint: string }
export interface NsLab {
  dir: string;
  front: NsHost;
  back: NsHost;
  backPrivateIp: string;
  userKeyPath: string;
  encryptedKeyPath: string; keyPassphrase: string;
  wrongKeyPath: string;
  blackholeIp: string;
  refusedIp: string; refusedPort: number;
  rotateHostKey(host: 'front' | 'back'): Promise<string>;
  runIn(host: 'front' | 'back', argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

const SSHD = SSHD_BINARY;
// Subnets 10.231.S.0/24 (root<->front) and 10.232.S.0/24 (front<->back); S is the claimed slot.
const SLOTS = 250;
const HOST_KEY_TYPE = { front: 'ed25519', back: 'ecdsa' } as const;
// Tools a minimal remote host has; benchmark tools (fio, iperf3, iostat, qemu-*, dd) are left out on purpose.
const BASIC_TOOLS = ['sh', 'bash', 'cat', 'uname', 'grep', 'sed', 'awk', 'head', 'tail', 'ls', 'lsblk', 'ip', 'id', 'nproc', 'sleep',
  'printf', 'echo', 'env', 'tr', 'cut', 'wc', 'sort', 'uniq', 'true', 'false', 'test', 'mkdir', 'rm', 'mktemp', 'stat', 'df', 'free',
  'ps', 'pgrep', 'pkill', 'kill', 'hostname', 'date', 'readlink', 'dirname', 'basename', 'xargs', 'findmnt', 'lscpu', 'tee', 'touch'];

let counter = 0;
const liveLabs = new Set<() => void>();
let exitHookInstalled = false;

let cachedReason: string | null | undefined;
export function netnsUnavailableReason(): string | null {
  if (cachedReason !== undefined) return cachedReason;
  cachedReason = computeReason();
  return cachedReason;
}

function computeReason(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces + sshd)';
  for (const bin of ['ip', 'ssh-keygen']) if (!which(bin)) return `\`${bin}\` not found (apt-get install iproute2 openssh-client)`;
  try {
    accessSync(SSHD, fsConstants.X_OK);
  } catch {
    return `${SSHD} not found (apt-get install openssh-server)`;
  }
  const probe = `iovl-${process.pid}-probe-front`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  } catch (e) {
    return `\`ip netns add\` does not work here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  return null;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanAll = () => { for (const c of [...liveLabs]) c(); };
  process.on('exit', cleanAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanAll();
      process.kill(process.pid, sig); // the once-handler is gone now, so this ends the process as the signal intended
    });
  }
}

export async function startNsLab(opts: { backMissingTools?: boolean } = {}): Promise<NsLab> {
  const reason = netnsUnavailableReason();
  if (reason) throw new Error(`netns-lab unavailable: ${reason}`);
  removeStaleLabs();
  installExitHook();
  const id = `${process.pid}-${counter++}`;
  const dir = await mkdtemp(join(tmpdir(), `iovlab-lab-${id}-`));
  const ns = { front: `iovl-${id}-front`, back: `iovl-${id}-back` };
  const sshds: Partial<Record<'front' | 'back', ChildProcess>> = {};
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    liveLabs.delete(stopSync);
    destroyNsSync(ns.front);
    destroyNsSync(ns.back);
    rmSync(dir, { recursive: true, force: true });
  };
  liveLabs.add(stopSync);
  try {
    ensureSshdRunDir();
    await must('ip', ['netns', 'add', ns.front]);
    await must('ip', ['netns', 'add', ns.back]);
    const slot = await claimSlot(ns.front, Number(process.pid) + counter * 37);
    const pub = `10.231.${slot}`;
    const priv = `10.232.${slot}`;
    const inNs = (n: string, args: string[]) => must('ip', ['-n', n, ...args]);
    await must('ip', ['link', 'add', `ivp${slot}`, 'netns', ns.front, 'type', 'veth', 'peer', 'name', `ivb${slot}`, 'netns', ns.back]);
    await must('ip', ['addr', 'add', `${pub}.1/24`, 'dev', `ivr${slot}`]);
    await must('ip', ['link', 'set', `ivr${slot}`, 'up']);
    await inNs(ns.front, ['addr', 'add', `${pub}.2/24`, 'dev', `ivf${slot}`]);
    await inNs(ns.front, ['addr', 'add', `${priv}.1/24`, 'dev', `ivp${slot}`]);
    await inNs(ns.back, ['addr', 'add', `${priv}.2/24`, 'dev', `ivb${slot}`]);
    for (const [n, devs] of [[ns.front, ['lo', `ivf${slot}`, `ivp${slot}`]], [ns.back, ['lo', `ivb${slot}`]]] as const) {
      for (const dev of devs) await inNs(n, ['link', 'set', dev, 'up']);
    }
    await must('ip', ['netns', 'exec', ns.front, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await inNs(ns.back, ['route', 'add', 'default', 'via', `${priv}.1`]);
    await must('ip', ['route', 'add', `${priv}.0/24`, 'via', `${pub}.2`]);
    // front forwards everything except this address, which it drops without an ICMP answer: a connect times out.
    await inNs(ns.front, ['route', 'add', 'blackhole', `${priv}.99/32`]);

    const keys = { user: join(dir, 'id_user'), encrypted: join(dir, 'id_encrypted'), wrong: join(dir, 'id_wrong') };
    const keyPassphrase = `lab pass ${id}`;
    await Promise.all([
      keygen(keys.user, 'ed25519'), keygen(keys.encrypted, 'ed25519', keyPassphrase), keygen(keys.wrong, 'ed25519'),
      keygen(join(dir, 'host_front'), HOST_KEY_TYPE.front), keygen(join(dir, 'host_back'), HOST_KEY_TYPE.back),
    ]);
    const authorized = (await Promise.all([readFile(`${keys.user}.pub`, 'utf8'), readFile(`${keys.encrypted}.pub`, 'utf8')])).join('');
    await writeFile(join(dir, 'authorized_keys'), authorized, { mode: 0o600 });
    let backPath: string | null = null;
    if (opts.backMissingTools) backPath = await makeBasicToolsDir(join(dir, 'back-bin'));

    const hosts: Record<'front' | 'back', NsHost> = {
      front: { name: 'front', ns: ns.front, ip: `${pub}.2`, port: 22, hostKeyType: '', hostKeyFingerprint: '' },
      back: { name: 'back', ns: ns.back, ip: `${priv}.2`, port: 22, hostKeyType: '', hostKeyFingerprint: '' },
    };
    const startSshd = async (h: 'front' | 'back') => {
      const cfg = join(dir, `sshd_${h}.conf`);
      // A clean HOME keeps this machine's ~/.bashrc (pyenv etc.: slow, noisy) out of lab sessions.
      const home = join(dir, `home_${h}`);
      await mkdir(home, { recursive: true });
      await writeFile(cfg, sshdConfigText({
        listen: [hosts[h].ip], hostKey: join(dir, `host_${h}`), pidFile: join(dir, `sshd_${h}.pid`), authorizedKeys: join(dir, 'authorized_keys'),
        env: h === 'back' && backPath ? { HOME: home, PATH: backPath } : { HOME: home },
      }));
      const logPath = join(dir, `sshd_${h}.log`);
      const logFd = openSync(logPath, 'a');
      const child = spawn('ip', ['netns', 'exec', hosts[h].ns, SSHD, '-D', '-e', '-f', cfg], { stdio: ['ignore', logFd, logFd] });
      closeSync(logFd);
      sshds[h] = child;
      await waitForPort(hosts[h].ip, 22, child, logPath);
      const fp = await fingerprintOf(join(dir, `host_${h}.pub`));
      hosts[h].hostKeyType = fp.type;
      hosts[h].hostKeyFingerprint = fp.fingerprint;
    };
    const stopSshd = async (h: 'front' | 'back') => {
      const child = sshds[h];
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    };
    await Promise.all([startSshd('front'), startSshd('back')]);

    let stopping: Promise<void> | null = null;
    return {
      dir, front: hosts.front, back: hosts.back, backPrivateIp: `${priv}.2`,
      userKeyPath: keys.user, encryptedKeyPath: keys.encrypted, keyPassphrase, wrongKeyPath: keys.wrong,
      blackholeIp: `${priv}.99`, refusedIp: `${pub}.2`, refusedPort: 9,
      async rotateHostKey(h) {
        await stopSshd(h);
        await rm(join(dir, `host_${h}`), { force: true });
        await rm(join(dir, `host_${h}.pub`), { force: true });
        await keygen(join(dir, `host_${h}`), HOST_KEY_TYPE[h]);
        await startSshd(h);
        return hosts[h].hostKeyFingerprint;
      },
      runIn: (h, argv) => run('ip', ['netns', 'exec', hosts[h].ns, ...argv]),
      stop() {
        stopping ??= (async () => {
          await Promise.all([stopSshd('front'), stopSshd('back')]);
          // Let sessions die (and send their FINs) before the veths vanish, or clients would wait for minutes.
          await Promise.all([killAllIn(ns.front), killAllIn(ns.back)]);
          stopSync();
        })();
        return stopping;
      },
    };
  } catch (e) {
    stopSync();
    throw e;
  }
}

/**
 * Claim a free slot atomically: the root-side veth name `ivr<slot>` can exist only once, and it
 * vanishes with the front namespace, so a dead lab's slot frees itself when its namespace is removed.
 */
async function claimSlot(frontNs: string, seed: number): Promise<number> {
  const routes = await must('ip', ['-4', 'route', 'show']);
  for (let i = 0; i < SLOTS; i++) {
    const slot = (seed + i) % SLOTS;
    if (routes.includes(`10.231.${slot}.`) || routes.includes(`10.232.${slot}.`)) continue;
    const r = await run('ip', ['link', 'add', `ivr${slot}`, 'type', 'veth', 'peer', 'name', `ivf${slot}`, 'netns', frontNs]);
    if (r.code === 0) return slot;
    if (!/exists/i.test(r.stderr)) throw new Error(`netns-lab: cannot create veth ivr${slot}: ${r.stderr.trim()}`);
  }
  throw new Error(`netns-lab: all ${SLOTS} lab slots are in use`);
}

async function makeBasicToolsDir(binDir: string): Promise<string> {
  await mkdir(binDir, { recursive: true });
  for (const tool of BASIC_TOOLS) {
    const target = which(tool);
    if (target && !existsSync(join(binDir, tool))) await symlink(target, join(binDir, tool));
  }
  return binDir;
}
