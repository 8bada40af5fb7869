// A private network for local guests: a namespace holding a bridge and one tap per guest, joined
// to the root namespace by a veth pair whose root end is the guests' gateway, 10.233.<slot>.1/24.
// Guests get .2, .3, ...; nothing is routed beyond that /24. Names carry the owner's PID so a
// network left by a dead process is recognised and removed by the next one.
import { execFileSync } from 'node:child_process';
import { AppError } from '../../../shared/result.js';
import { isRoot, mustRun, requireBinaries, run } from './host.js';
import { ownerAlive, processStartTime, registerExitCleanup } from './process.js';

export interface LabNetwork {
  ns: string;
  bridge: string;
  /** The root-namespace address guests use as gateway and the host reaches them from. */
  gateway: string;
  prefix: number;
  /** Creates tap<i> on the bridge and returns its name and the address reserved for its guest (CIDR). */
  addTap(): Promise<{ tap: string; ip: string; cidr: string }>;
  destroy(): Promise<void>;
}

const NS_RE = /^iovg-(\d+)-(\d+)-(\d+)$/;
const SLOTS = 250;
let counter = 0;

function listNamespaces(): string[] {
  try {
    return execFileSync('ip', ['netns', 'list'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Kills what still runs in a namespace (by the PIDs `ip netns pids` names) and deletes it. */
export function destroyNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split(/\s+/).filter(Boolean);
    for (const p of pids) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  } catch {
    /* namespace already gone */
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}

/** Removes lab networks whose owning process is gone; returns their names. */
export function cleanupStaleNetworks(): string[] {
  const removed: string[] = [];
  for (const ns of listNamespaces()) {
    const m = NS_RE.exec(ns);
    if (m && !ownerAlive({ ownerPid: Number(m[1]), ownerStartTime: m[2] ?? '' })) {
      destroyNamespaceSync(ns);
      removed.push(ns);
    }
  }
  return removed;
}

/** Claims a slot atomically: the root-side veth name ivgr<slot> can exist only once. */
async function claimSlot(ns: string): Promise<number> {
  const routes = await mustRun('ip', ['-4', 'route', 'show'], 'reading routes');
  const seed = (process.pid * 7 + counter * 13) % SLOTS;
  for (let i = 0; i < SLOTS; i++) {
    const slot = (seed + i) % SLOTS;
    if (routes.includes(`10.233.${slot}.`)) continue;
    const r = await run('ip', ['link', 'add', `ivgr${slot}`, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', ns]);
    if (r.code === 0) return slot;
    if (!/exists/i.test(r.stderr)) throw new AppError('COMMAND_FAILED', `cannot create veth ivgr${slot} for the local lab network: ${r.stderr.trim()}`);
  }
  throw new AppError('INTERNAL', `all ${SLOTS} local lab network slots (10.233.0-249.0/24) are in use`);
}

export async function createLabNetwork(): Promise<LabNetwork> {
  if (!isRoot()) throw new AppError('NEEDS_ROOT', 'the local lab network (a namespace with a bridge and tap devices) needs root; run iovlab as root');
  requireBinaries([{ bin: 'ip', pkg: 'iproute2' }], 'The local lab network');
  cleanupStaleNetworks();
  const ns = `iovg-${process.pid}-${processStartTime(process.pid) ?? 0}-${counter++}`;
  await mustRun('ip', ['netns', 'add', ns], `creating network namespace ${ns}`);
  let destroyed = false;
  let rootVeth: string | null = null;
  // A namespace's devices are torn down asynchronously after `ip netns del`; deleting the root end
  // of the veth first (which takes its peer along) makes the gateway and its route vanish at once.
  const destroySync = () => {
    if (rootVeth) {
      try {
        execFileSync('ip', ['link', 'del', rootVeth], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
    destroyNamespaceSync(ns);
  };
  const unregister = registerExitCleanup(destroySync);
  const destroy = () => {
    if (!destroyed) {
      destroyed = true;
      unregister();
      destroySync();
    }
    return Promise.resolve();
  };
  try {
    const slot = await claimSlot(ns);
    rootVeth = `ivgr${slot}`;
    const gateway = `10.233.${slot}.1`;
    const inNs = (args: string[]) => mustRun('ip', ['-n', ns, ...args], `configuring ${ns}`);
    await mustRun('ip', ['addr', 'add', `${gateway}/24`, 'dev', `ivgr${slot}`], 'addressing the lab gateway');
    await mustRun('ip', ['link', 'set', `ivgr${slot}`, 'up'], 'bringing up the lab gateway');
    await inNs(['link', 'add', 'br0', 'type', 'bridge']);
    await inNs(['link', 'set', 'uplink', 'master', 'br0']);
    for (const dev of ['lo', 'br0', 'uplink']) await inNs(['link', 'set', dev, 'up']);
    let taps = 0;
    return {
      ns,
      bridge: 'br0',
      gateway,
      prefix: 24,
      async addTap() {
        const i = taps++;
        if (i > 200) throw new AppError('INVALID_ARGUMENT', `lab network ${ns} has no addresses left`);
        const tap = `tap${i}`;
        await inNs(['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
        await inNs(['link', 'set', tap, 'master', 'br0']);
        await inNs(['link', 'set', tap, 'up']);
        const ip = `10.233.${slot}.${i + 2}`;
        return { tap, ip, cidr: `${ip}/24` };
      },
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}
