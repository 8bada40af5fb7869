// What a configuration is in the paper's terms (VMM, disk controller, backing, target, NIC,
// network peer), read from the run's plan (its config's `vm` and `tags`) and the run's own tags
// (imports carry `--config K=V` there). Tags accept both iovlab's words and the paper's
// ("device"/"phy", "xen"/"xvd", "scsi" ...), because sysadmins type them by hand.
// And what a configuration ran under: the QEMU argv / domain XML / xl.cfg a step stored, or,
// when the run stored none, the same re-rendered from the plan (and labelled so).
import type { RunRecord, StepRecord } from '../bench/types.js';
import { renderLibvirtXml, renderQemuArgv, renderXlCfg, vmConfigSchema, type VmConfig } from '../vmconfig/index.js';
import type { Backing, GuestBus } from '../reference/match.js';
import type { ConfigFacts, ConfigTexts, Peer, Vmm } from './types.js';

const NATIVE_NAMES = /^(native|host|none|bare[-_ ]?metal|baseline|no-?vm)$/i;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : null;
}

/** The plan's entry for a configuration, read loosely: imported runs may carry older plans. */
export function planConfig(run: RunRecord, configName: string): { tags: Record<string, string>; vm: VmConfig | null } {
  const configs = (run.plan as { configs?: unknown } | null)?.configs;
  const entry = Array.isArray(configs) ? (configs as { name?: unknown; tags?: unknown; vm?: unknown }[]).find((c) => c?.name === configName) : undefined;
  const tags: Record<string, string> = {};
  if (entry?.tags && typeof entry.tags === 'object') {
    for (const [k, v] of Object.entries(entry.tags as Record<string, unknown>)) if (typeof v === 'string') tags[k] = v;
  }
  const vm = entry?.vm === undefined ? null : vmConfigSchema.safeParse(entry.vm);
  return { tags, vm: vm?.success ? vm.data : null };
}

/** Plan workload entry by id (loosely), for op/direction/iodepth details. */
export function planWorkload(run: RunRecord, workloadId: string): Record<string, unknown> | null {
  const workloads = (run.plan as { workloads?: unknown } | null)?.workloads;
  if (!Array.isArray(workloads)) return null;
  const w = (workloads as Record<string, unknown>[]).find((x) => x?.id === workloadId);
  return w ?? null;
}

function pick(tags: Record<string, string>, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = str(tags[k]);
    if (v) return v;
  }
  return null;
}

function vmmOf(v: string | null): Vmm | null {
  if (!v) return null;
  if (/^(none|native|host|bare-?metal)$/.test(v)) return 'None';
  if (/^(kvm|qemu|tcg)$/.test(v)) return 'KVM';
  if (v === 'xen') return 'Xen';
  return null;
}

function busOf(v: string | null, vmm: Vmm | null): GuestBus | null {
  switch (v) {
    case 'virtio':
    case 'virtio-blk':
      return 'virtio-blk';
    case 'virtio-scsi':
      return 'virtio-scsi';
    case 'scsi':
    case 'lsi':
    case 'lsi-scsi':
    case 'lsi53c895a':
      return vmm === 'Xen' ? 'xen-scsi' : 'lsi-scsi';
    case 'xen-scsi':
      return 'xen-scsi';
    case 'xen':
    case 'xvd':
      return 'xvd';
    case 'ide':
      return 'ide';
    default:
      return null;
  }
}

function backingOf(v: string | null): Backing | null {
  if (!v) return null;
  if (/^(device|phy|tap|block|block-device|disk|whole-device)$/.test(v)) return 'block-device';
  if (/^(sparse|sparse-file)$/.test(v)) return 'sparse-file';
  if (/^(prealloc|pre-alloc|prealloc-file|pre-alloc-file|preallocated)$/.test(v)) return 'prealloc-file';
  if (v === 'qcow2') return 'qcow2';
  return null;
}

function peerOf(v: string | null): Peer | null {
  if (!v) return null;
  if (/^(driver-domain|dom0|host|hypervisor|nc)$/.test(v)) return 'driver-domain';
  if (/^(other-host|remote|front|front-end|frontend|cc|external)$/.test(v)) return 'other-host';
  return null;
}

/**
 * A network peer named by the workload itself: one configuration may measure both peers (the
 * local lab's network preset names its iperf3 workloads driver-domain-* and other-host-*).
 */
export function peerOfWorkload(workloadId: string): Peer | null {
  const m = /^(driver-domain|other-host)-/.exec(workloadId);
  return m ? (m[1] as Peer) : null;
}

/** Eucalyptus' out-of-the-box setups, the rows Tables 1-2 mark (*). */
export function isEucalyptusDefault(f: Pick<ConfigFacts, 'vmm' | 'bus' | 'backing' | 'target' | 'nic' | 'ebsPath'>): boolean {
  if (f.target === 'ebs') {
    if (f.ebsPath === 'in-guest') return false;
    return (f.vmm === 'KVM' && f.bus === 'lsi-scsi') || (f.vmm === 'Xen' && f.bus === 'xen-scsi');
  }
  if (f.vmm === 'KVM') return f.bus === 'lsi-scsi' && f.backing === 'sparse-file' && f.nic !== 'virtio';
  if (f.vmm === 'Xen') return f.bus === 'xen-scsi' && f.backing === 'prealloc-file';
  return false;
}

/** Everything the report knows about a configuration of a run; plan config beats run tags. */
export function configFacts(run: RunRecord, configName: string): ConfigFacts {
  const { tags: cfgTags, vm } = planConfig(run, configName);
  const tags = { ...run.tags, ...cfgTags };
  const hv = pick(tags, 'vmm', 'hypervisor');
  let vmm = vmmOf(hv) ?? (vm ? (vm.disk.bus === 'xen' ? 'Xen' : 'KVM') : null);
  const busTag = pick(tags, 'bus', 'disk.bus', 'disk', 'driver', 'controller');
  if (vmm === null && NATIVE_NAMES.test(configName)) vmm = 'None';
  if (vmm === null && (busTag || pick(tags, 'backing', 'disk.backing'))) vmm = 'KVM';
  vmm ??= 'None';
  let bus: GuestBus | null = vmm === 'None' ? null : busOf(busTag, vmm);
  if (!bus && vm && vmm !== 'None') bus = vm.disk.bus === 'xen' ? 'xvd' : vmm === 'Xen' && vm.disk.bus === 'lsi-scsi' ? 'xen-scsi' : vm.disk.bus;
  let backing = vmm === 'None' ? null : backingOf(pick(tags, 'backing', 'disk.backing', 'attach'));
  if (!backing && vm && vmm !== 'None') backing = vm.disk.backing === 'device' ? 'block-device' : vm.disk.backing;
  const targetTag = pick(tags, 'target', 'storage');
  const ebsPathTag = pick(tags, 'ebs', 'ebs.attach', 'ebs-path');
  const target: 'local' | 'ebs' = targetTag === 'ebs' || /^ebs/.test(targetTag ?? '') || vm?.ebs !== undefined || ebsPathTag !== null ? 'ebs' : 'local';
  let ebsPath: ConfigFacts['ebsPath'] = null;
  if (target === 'ebs' && vmm !== 'None') {
    const attach = ebsPathTag ?? (vm?.ebs?.attach ?? null);
    ebsPath = attach && /guest|in-guest/.test(attach) ? 'in-guest' : 'via-host';
  }
  if (target === 'ebs' && vmm !== 'None' && !backing) backing = 'block-device';
  const nicTag = pick(tags, 'nic', 'nic.model', 'net');
  const nic: ConfigFacts['nic'] = nicTag === 'e1000' ? 'e1000' : nicTag && /^virtio/.test(nicTag) ? 'virtio' : vm && vmm !== 'None' ? vm.nic.model : null;
  const accel = pick(tags, 'accel', 'accelerator') ?? vm?.accel ?? null;
  const base = { vmm, bus, backing, target, ebsPath, nic };
  return { ...base, peer: peerOf(pick(tags, 'peer', 'to', 'dest', 'destination')), accel, vm, eucalyptusDefault: isEucalyptusDefault(base) };
}

const BUS_TERM: Record<GuestBus, string> = { 'virtio-blk': 'Virtio', 'virtio-scsi': 'virtio-scsi', 'lsi-scsi': 'SCSI', ide: 'IDE', 'xen-scsi': 'SCSI', xvd: 'XVD' };
const BACKING_TERM: Record<Backing, string> = { 'block-device': 'phy', 'sparse-file': 'sparse file', 'prealloc-file': 'pre-alloc file', qcow2: 'qcow2 file' };

/** The paper's VMM / Target / Driver cells for a configuration. */
export function paperTerms(f: ConfigFacts): { vmm: string; target: string; driver: string } {
  const target = f.target === 'ebs' ? (f.ebsPath === 'in-guest' ? 'EBS (in guest)' : 'EBS') : f.backing === 'block-device' || f.vmm === 'None' ? 'Local disk' : 'Local file';
  if (f.vmm === 'None') return { vmm: 'None', target, driver: 'N/A' };
  const bus = f.bus ? BUS_TERM[f.bus] : '?';
  const backing = f.backing ? BACKING_TERM[f.backing] : '?';
  return { vmm: f.vmm, target, driver: `${bus}/${backing}` };
}

/** "KVM Local file(*) SCSI/sparse file" (the tables' way of naming a row). */
export function paperLabel(f: ConfigFacts): string {
  // A network-only configuration says nothing about disks: name the VMM and the NIC.
  if (f.vmm !== 'None' && !f.bus && !f.backing) return `${f.vmm} guest${f.nic ? `, ${f.nic} NIC` : ''}`;
  const t = paperTerms(f);
  return `${t.vmm} ${t.target}${f.eucalyptusDefault ? '(*)' : ''} ${t.driver}`.trim();
}

/** One shell word per argument, so the command can be pasted into a terminal. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

function objectOf(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function textOf(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

type StoredTexts = Omit<ConfigTexts, 'source' | 'fromStep'> & { node: string | null };

/**
 * What one step stored about the configuration it ran under: the local lab's guest
 * (context.localLab, written by electron/core/locallab/guest-apply.ts: qemuArgv, libvirtXml)
 * or a real lab's driver (context.driverApply: {stack, xml | cfg | conf, node}). Null when it
 * stored nothing to show (a host baseline, a plain run on a lab nobody configured).
 */
function storedTexts(step: StepRecord): StoredTexts | null {
  const local = objectOf(step.context.localLab);
  const driver = objectOf(step.context.driverApply);
  const argv = Array.isArray(local?.qemuArgv) && local.qemuArgv.length > 0 && local.qemuArgv.every((a) => typeof a === 'string') ? (local.qemuArgv as string[]) : null;
  const stack = textOf(driver?.stack);
  const out: StoredTexts = {
    qemu: argv ? shellJoin(argv) : null,
    libvirt: (stack === 'libvirt' ? textOf(driver?.xml) : null) ?? textOf(local?.libvirtXml),
    xen: stack === 'xen' ? textOf(driver?.cfg) : null,
    eucalyptus: stack === 'eucalyptus' ? textOf(driver?.conf) : null,
    notes: [],
    node: textOf(driver?.node),
  };
  if (!out.qemu && !out.libvirt && !out.xen && !out.eucalyptus) return null;
  if (argv) {
    out.notes.push('The local lab started QEMU itself with this command line; the libvirt domain describes the same guest (kernel, disks, NIC) for a libvirt host.');
    const libvirtNote = textOf(local?.libvirtNote);
    if (!out.libvirt && libvirtNote) out.notes.push(`No libvirt domain: ${libvirtNote}`);
  }
  return out;
}

function tryRender(render: () => string): string | null {
  try {
    return render();
  } catch {
    // A config the target cannot express (a xen bus as QEMU argv) simply has no such rendering.
    return null;
  }
}

/**
 * A configuration's command line / domain XML / config file for the report: what the run's
 * first ok step of that configuration stored (as run); else a QEMU command a step ran; else
 * rendered from the plan's vm config, which may differ from what ran (paths, accelerator).
 */
export function configTexts(run: RunRecord, steps: readonly StepRecord[], configName: string): ConfigTexts {
  const mine = steps.filter((s) => s.configName === configName).sort((a, b) => a.index - b.index);
  for (const step of mine) {
    if (step.status !== 'ok') continue;
    const stored = storedTexts(step);
    if (!stored) continue;
    const { node, ...texts } = stored;
    return { ...texts, source: 'as-run', fromStep: { runId: run.id, stepId: step.id, index: step.index, node } };
  }
  for (const step of mine) {
    const command = step.commands.find((c) => /qemu-system/.test(c.command));
    if (command) return { source: 'as-run', fromStep: { runId: run.id, stepId: step.id, index: step.index, node: command.node }, qemu: command.command, libvirt: null, xen: null, eucalyptus: null, notes: [] };
  }
  const { vm } = planConfig(run, configName);
  if (!vm) return { source: null, fromStep: null, qemu: null, libvirt: null, xen: null, eucalyptus: null, notes: [] };
  const xen = configFacts(run, configName).vmm === 'Xen' ? tryRender(() => renderXlCfg(vm)) : null;
  return { source: 'plan', fromStep: null, qemu: tryRender(() => shellJoin(renderQemuArgv(vm))), libvirt: tryRender(() => renderLibvirtXml(vm)), xen, eucalyptus: null, notes: [] };
}
