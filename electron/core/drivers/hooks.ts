// The benchmark runner's configuration hook for a real lab (not the embedded local lab): when a
// plan's configurations carry `vm` and the lab has a back-end node (role NC) whose latest probe
// found virsh, each configuration is applied to the libvirt domain named by vm.name on that node
// before its steps (defined from the configuration when missing and vm.kernel says how to boot
// it), and the domain is stopped after them. Every step's stored context gets
// driverApply: {stack: 'libvirt', node, domain, xml, ...}: the exact XML its guest ran under.
// Guest nodes are the plan's nodes that carry no Eucalyptus role; the hook waits until they answer
// over SSH and moves their device targets to the test disk, found by the serial libvirt-edit gives it.
import { planNodeNames, type Plan, type PlanConfig, type PlanTarget } from '../../../shared/bench/plan.js';
import type { Lab, LabNode } from '../../../shared/model.js';
import { LOCAL_LAB_DESCRIPTION, LOCAL_LAB_NAME } from '../../../shared/presets/lab.js';
import { AppError } from '../../../shared/result.js';
import type { AppliedConfig, ConfigHook, ConfigHookFactory } from '../bench/config-hook.js';
import { mapHostDevice } from '../bench/device-map.js';
import { diskBytesFor } from '../locallab/guest-apply.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import { shQuote } from '../ssh/quote.js';
import type { SshPool } from '../ssh/types.js';
import { applyLibvirt, DEFAULT_LIBVIRT_URI, stopDomain, type LibvirtApplied } from './libvirt.js';
import { asShell, sshNode, type NodeShell } from './remote.js';

export interface RealLabHookDeps extends EndpointDeps {
  pool: SshPool;
  uri?: string;
  /** How long a guest may take to answer over SSH after its domain started. */
  bootTimeoutMs?: number;
  /** How long a guest gets to shut down (ACPI) before it is destroyed. */
  shutdownTimeoutMs?: number;
}

/** The first factory that claims a lab wins: compose the local lab's hook with this one. */
export function firstHook(...factories: ConfigHookFactory[]): ConfigHookFactory {
  return (lab, plan) => {
    for (const f of factories) {
      const hook = f(lab, plan);
      if (hook) return hook;
    }
    return null;
  };
}

export function realLabHooks(deps: RealLabHookDeps): ConfigHookFactory {
  return (lab, plan) => {
    if (lab.name === LOCAL_LAB_NAME && lab.description === LOCAL_LAB_DESCRIPTION) return null;
    if (!plan.configs.some((c) => c.vm !== undefined)) return null;
    const nc = lab.nodes.find((n) => n.roles.includes('NC') && deps.store.probes.latest(n.id)?.facts.tools.virsh.installed === true);
    return nc ? new LibvirtLabHook(deps, lab, plan, nc) : null;
  };
}

/** Finds the test disk in the guest by its serial (udev's by-id links, else lsblk's SERIAL column). */
export function findDiskScript(serial: string): string {
  const s = shQuote(serial);
  return [
    `s=${s}`,
    'for l in /dev/disk/by-id/*"$s"; do [ -e "$l" ] && { readlink -f -- "$l"; exit 0; }; done',
    'lsblk -dnpo NAME,SERIAL 2>/dev/null | awk -v s="$s" \'$2 == s { print $1; exit }\'',
  ].join('\n');
}

class LibvirtLabHook implements ConfigHook {
  readonly managedNodes: string[];
  private readonly uri: string;

  constructor(private readonly deps: RealLabHookDeps, private readonly lab: Lab, private readonly plan: Plan, private readonly nc: LabNode) {
    this.uri = deps.uri ?? DEFAULT_LIBVIRT_URI;
    const roleless = new Set(lab.nodes.filter((n) => n.roles.length === 0).map((n) => n.name));
    this.managedNodes = planNodeNames(plan).filter((n) => roleless.has(n));
  }

  private labNode(name: string): LabNode {
    const node = this.lab.nodes.find((n) => n.name === name);
    if (!node) throw new AppError('NOT_FOUND', `lab "${this.lab.name}" has no node "${name}"`);
    return node;
  }

  async apply(config: PlanConfig, opts: { signal: AbortSignal; log(text: string): void }): Promise<AppliedConfig> {
    const vm = config.vm;
    if (!vm) return { release: async () => {} };
    const ep = await endpointFor(this.deps, this.nc.id);
    const node = sshNode(this.deps.pool, ep, `node "${this.nc.name}" (${this.nc.host})`);
    const shutdown = this.deps.shutdownTimeoutMs ?? 30_000;
    const applied = await applyLibvirt(node, {
      cfg: vm, nodeName: this.nc.name, uri: this.uri, sizeMiB: Math.ceil(diskBytesFor(this.plan) / 2 ** 20),
      createIfMissing: vm.kernel !== undefined, shutdownTimeoutMs: shutdown, log: opts.log, signal: opts.signal,
    });
    let released: Promise<void> | null = null;
    const release = () => (released ??= stopDomain(node, this.uri, applied.domain, shutdown, opts.log));
    try {
      await this.waitForGuests(applied, opts);
      const targets = await this.moveTargets(applied, node, opts.log);
      return { targets, changedNodes: this.managedNodes, context: { driverApply: driverContext(applied) }, release };
    } catch (e) {
      await release().catch((r: unknown) => opts.log(`stopping domain "${applied.domain}": ${(r as Error).message}`));
      throw e;
    }
  }

  private async waitForGuests(applied: LibvirtApplied, opts: { signal: AbortSignal; log(text: string): void }): Promise<void> {
    const timeoutMs = this.deps.bootTimeoutMs ?? 300_000;
    for (const name of this.managedNodes) {
      const guest = this.labNode(name);
      const deadline = Date.now() + timeoutMs;
      let last: string;
      for (;;) {
        if (opts.signal.aborted) throw new AppError('CANCELLED', 'cancelled');
        this.deps.pool.forget(String(guest.id));
        try {
          const r = await this.deps.pool.exec(await endpointFor(this.deps, guest.id), 'true', { timeoutMs: 10_000, signal: opts.signal });
          if (r.code === 0) break;
          last = `exit ${String(r.code)}`;
        } catch (e) {
          last = (e as Error).message;
        }
        if (Date.now() > deadline) {
          throw new AppError('COMMAND_TIMEOUT', `guest node "${name}" did not answer over SSH within ${Math.round(timeoutMs / 1000)} s after domain "${applied.domain}" started on node "${this.nc.name}" (last: ${last}); check that the guest boots with these drivers (virsh console ${applied.domain})`);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
      opts.log(`guest node "${name}" answers over SSH`);
    }
  }

  /** Device targets on the guests follow the test disk, whose name changes with the bus (vdb, sdb, hdb). */
  private async moveTargets(applied: LibvirtApplied, node: NodeShell, log: (l: string) => void): Promise<Record<string, Partial<PlanTarget>>> {
    const out: Record<string, Partial<PlanTarget>> = {};
    let hostDevice: string | undefined;
    try {
      hostDevice = (await mapHostDevice(asShell(node), applied.backing.path, `the backing ${applied.backing.path} on node "${this.nc.name}"`)).device;
    } catch (e) {
      log(`host iostat: ${(e as Error).message}`);
    }
    for (const t of this.plan.targets.filter((x) => x.kind === 'device' && this.managedNodes.includes(x.node))) {
      const guest = this.labNode(t.node);
      const shell = asShell(sshNode(this.deps.pool, await endpointFor(this.deps, guest.id), `guest node "${guest.name}"`));
      const dev = (await shell(findDiskScript(applied.disk.serial))).stdout.trim().split('\n')[0] ?? '';
      if (!dev.startsWith('/dev/')) {
        log(`target "${t.name}": guest "${guest.name}" shows no disk with serial ${applied.disk.serial}; keeping ${t.path}`);
        continue;
      }
      const size = (await shell(`lsblk -dno SIZE -- ${shQuote(dev)}`)).stdout.trim();
      // iovlab put this disk there for the benchmark: it is the scratch disk the user's plan names.
      out[t.name] = { path: dev, confirm: `${dev} ${size}`, hostNode: this.nc.name, ...(hostDevice ? { hostDevice } : {}) };
      log(`target "${t.name}": the test disk is ${dev} (${size}) in guest "${guest.name}"`);
    }
    return out;
  }
}

function driverContext(a: LibvirtApplied): Record<string, unknown> {
  const { path, kind, format, created, notes } = a.backing;
  return { stack: a.stack, node: a.node, uri: a.uri, domain: a.domain, xml: a.xml, liveXml: a.liveXml, created: a.created, changes: a.changes, disk: a.disk, nic: a.nic, backing: { path, kind, format, created, notes }, supported: a.supported };
}
