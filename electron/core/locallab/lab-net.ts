// The local lab's network, shaped like the paper's cluster:
//
//   root ns (iovlab) --ivlu<S>/uplink 10.235.S.0/24--> front ns --lab0/fe0 10.236.S.0/24--> back ns: br0 + tap0 -> guest
//
// iovlab reaches the front-end at 10.235.S.2 and, with the front-end as SSH jump host, the
// back-end at 10.236.S.2 on its bridge; guests sit on that bridge (10.236.S.10) and reach the
// back-end (driver domain) and the front-end (another host, 10.236.S.1) directly, so AoE frames and
// NBD connections from a guest travel over its virtual NIC. 10.236.S.0/24 exists only inside the
// two namespaces; the root namespace routes nothing but 10.235.S.0/24 to them.
import { execFileSync } from 'node:child_process';
import type { LocalLabAddresses } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import { mustRun, run } from './host.js';
import type { LabNames } from './lab-state.js';

const SLOTS = 250;
export const FRONT_LAB_IF = 'lab0';
export const GUEST_TAP = 'tap0';
const UPLINK = 'uplink';

export interface Topology {
  slot: number;
  addresses: LocalLabAddresses;
  rootVeth: string;
}

function quiet(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } catch {
    return null;
  }
}

export function namespaceExists(ns: string): boolean {
  return (quiet('ip', ['netns', 'list']) ?? '').split('\n').some((l) => l.split(' ')[0] === ns);
}

export function linkExists(ns: string | null, dev: string): boolean {
  return quiet('ip', [...(ns ? ['-n', ns] : []), 'link', 'show', 'dev', dev]) !== null;
}

/** PIDs of the processes inside a namespace (zombies are not listed: they have left it). */
export function pidsIn(ns: string): number[] {
  return (quiet('ip', ['netns', 'pids', ns]) ?? '').split(/\s+/).filter(Boolean).map(Number);
}

export function addressesFor(slot: number): LocalLabAddresses {
  return { root: `10.235.${slot}.1`, front: `10.235.${slot}.2`, frontLab: `10.236.${slot}.1`, backLab: `10.236.${slot}.2`, guest: `10.236.${slot}.10`, prefix: 24 };
}

/** Claims a slot atomically: the root-side veth ivlu<slot> can exist only once on this machine. */
async function claimSlot(frontNs: string): Promise<number> {
  const routes = await mustRun('ip', ['-4', 'route', 'show'], 'reading routes');
  const seed = Math.floor(Math.random() * SLOTS);
  for (let i = 0; i < SLOTS; i++) {
    const slot = (seed + i) % SLOTS;
    if (routes.includes(`10.235.${slot}.`)) continue;
    const r = await run('ip', ['link', 'add', `ivlu${slot}`, 'type', 'veth', 'peer', 'name', UPLINK, 'netns', frontNs]);
    if (r.code === 0) return slot;
    if (!/exists/i.test(r.stderr)) throw new AppError('COMMAND_FAILED', `cannot create the local lab's uplink veth ivlu${slot}: ${r.stderr.trim()}`);
  }
  throw new AppError('INTERNAL', `all ${SLOTS} local lab slots (10.235.0-249.0/24) are in use on this machine`);
}

export async function createTopology(names: LabNames): Promise<Topology> {
  const { frontNs, backNs } = names;
  await mustRun('ip', ['netns', 'add', frontNs], `creating network namespace ${frontNs} (front-end)`);
  await mustRun('ip', ['netns', 'add', backNs], `creating network namespace ${backNs} (back-end)`);
  const slot = await claimSlot(frontNs);
  const a = addressesFor(slot);
  const rootVeth = `ivlu${slot}`;
  const ip = (args: string[]) => mustRun('ip', args, 'building the local lab network');
  const inNs = (ns: string, args: string[]) => ip(['-n', ns, ...args]);
  await ip(['addr', 'add', `${a.root}/24`, 'dev', rootVeth]);
  await ip(['link', 'set', rootVeth, 'up']);
  await inNs(frontNs, ['addr', 'add', `${a.front}/24`, 'dev', UPLINK]);
  await ip(['link', 'add', FRONT_LAB_IF, 'netns', frontNs, 'type', 'veth', 'peer', 'name', 'fe0', 'netns', backNs]);
  await inNs(frontNs, ['addr', 'add', `${a.frontLab}/24`, 'dev', FRONT_LAB_IF]);
  await inNs(backNs, ['link', 'add', 'br0', 'type', 'bridge']);
  await inNs(backNs, ['link', 'set', 'fe0', 'master', 'br0']);
  await inNs(backNs, ['addr', 'add', `${a.backLab}/24`, 'dev', 'br0']);
  await inNs(backNs, ['tuntap', 'add', 'dev', GUEST_TAP, 'mode', 'tap']);
  await inNs(backNs, ['link', 'set', GUEST_TAP, 'master', 'br0']);
  for (const dev of ['lo', UPLINK, FRONT_LAB_IF]) await inNs(frontNs, ['link', 'set', dev, 'up']);
  for (const dev of ['lo', 'fe0', 'br0', GUEST_TAP]) await inNs(backNs, ['link', 'set', dev, 'up']);
  return { slot, addresses: a, rootVeth };
}

/** The root-namespace veth whose peer is the front-end's uplink: found by the peer's ifindex, not by name. */
export function rootVethOf(frontNs: string): string | null {
  const line = quiet('ip', ['-n', frontNs, '-o', 'link', 'show', 'dev', UPLINK]);
  const peerIndex = line ? /@if(\d+):/.exec(line)?.[1] : undefined;
  if (!peerIndex) return null;
  const rootLinks = quiet('ip', ['-o', 'link', 'show']) ?? '';
  const m = new RegExp(`^${peerIndex}:\\s+([^:@\\s]+)`, 'm').exec(rootLinks);
  return m?.[1] ?? null;
}

async function killAllIn(ns: string, removed: string[]): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pids = pidsIn(ns);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new AppError('COMMAND_FAILED', `processes ${pids.join(', ')} in namespace ${ns} survived SIGKILL`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        removed.push(`process ${pid} in ${ns}`);
      } catch {
        /* already gone */
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Removes the lab's network: whatever still runs inside the namespaces (killed by the PIDs the
 * kernel lists for them), the uplink veth, then the namespaces. Safe to call on a half-built lab.
 */
export async function teardownNetwork(names: LabNames): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of [names.frontNs, names.backNs]) {
    if (namespaceExists(ns)) await killAllIn(ns, removed);
  }
  if (namespaceExists(names.frontNs)) {
    // Deleting the root end first makes its route vanish at once; the namespace's own devices go asynchronously.
    const rootVeth = rootVethOf(names.frontNs);
    if (rootVeth && (await run('ip', ['link', 'del', rootVeth])).code === 0) removed.push(`veth ${rootVeth}`);
  }
  for (const ns of [names.frontNs, names.backNs]) {
    if (!namespaceExists(ns)) continue;
    await mustRun('ip', ['netns', 'del', ns], `deleting network namespace ${ns}`);
    removed.push(`namespace ${ns}`);
  }
  return removed;
}

const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');

/** Whether a TCP socket listens on `port` inside a namespace (its /proc/net/tcp, read there). */
export function listeningIn(ns: string, port: number): boolean {
  const text = quiet('ip', ['netns', 'exec', ns, 'cat', '/proc/net/tcp', '/proc/net/tcp6']) ?? '';
  return text.split('\n').some((l) => {
    const f = l.trim().split(/\s+/);
    return f[3] === '0A' && (f[1] ?? '').endsWith(`:${hexPort(port)}`);
  });
}

/**
 * Waits until a server in a namespace listens, checking inside the namespace so nothing connects
 * to an address the root namespace has no route for. Fails early with the log when it exits.
 */
export async function waitListening(ns: string, port: number, opts: { alive: () => boolean; label: string; logPath: string; timeoutMs?: number }): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    if (listeningIn(ns, port)) return;
    if (!opts.alive()) {
      const log = quiet('tail', ['-n', '10', opts.logPath]) ?? '';
      throw new AppError('COMMAND_FAILED', `${opts.label} exited before it listened on port ${port}. Its log (${opts.logPath}):\n${log.trim()}`);
    }
    if (Date.now() > deadline) throw new AppError('COMMAND_TIMEOUT', `${opts.label} did not listen on port ${port} within ${(opts.timeoutMs ?? 15_000) / 1000} s (log: ${opts.logPath})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
