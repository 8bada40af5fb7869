// A preset becomes an ordinary benchmark plan (shared/bench/plan.ts) for the local lab: one plan
// configuration per preset configuration, its guest as config.vm, tagged with the accelerator,
// and the workloads at the chosen scale. The guest's test disk is the target "disk" on node
// "guest"; the lab moves it to the device each configuration gives the guest. The host-side EBS
// baseline has no guest and no kernel NBD client: the lab points "disk" at the front-end's
// volume, reached over NBD by fio on the back-end, so that configuration runs fio, not dd.
import type { PlanInput } from '../bench/plan.js';
import { AppError } from '../result.js';
import type { VmConfigInput } from '../vmconfig/index.js';
import { LOCAL_LAB_NODES, TCG_NOTE } from './lab.js';
import { PRESETS } from './shafer2010.js';
import { PRESET_IDS, type Preset, type PresetConfiguration, type PresetLab, type PresetOptions, type PresetScale } from './types.js';

export const DISK_TARGET = 'disk';
const BLOCK = '64k';

export function getPreset(id: string): Preset {
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset) throw new AppError('NOT_FOUND', `no preset "${id}"; the presets are ${PRESET_IDS.join(', ')} (see: iovlab presets)`);
  return preset;
}

/** The configurations whose name contains one of the comma-separated substrings (all when none are given). */
export function selectConfigurations(preset: Preset, only?: string): PresetConfiguration[] {
  const wanted = (only ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) return [...preset.configurations];
  const picked = preset.configurations.filter((c) => wanted.some((w) => c.name.includes(w)));
  if (picked.length === 0) {
    throw new AppError('INVALID_ARGUMENT', `--only ${JSON.stringify(only)} matches no configuration of ${preset.id}; its configurations are: ${preset.configurations.map((c) => c.name).join(', ')}`);
  }
  return picked;
}

export function presetScale(preset: Preset, opts: PresetOptions): PresetScale {
  const base = opts.size === 'paper' ? preset.paper : preset.laptop;
  const sizeBytes = typeof opts.size === 'number' ? opts.size : base.sizeBytes;
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || sizeBytes % (64 * 1024) !== 0) {
    throw new AppError('INVALID_ARGUMENT', `--size must be a whole number of 64 KiB blocks, e.g. 64M or 20G (got ${sizeBytes} bytes)`);
  }
  const repeats = opts.repeats ?? base.repeats;
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 1000) throw new AppError('INVALID_ARGUMENT', `--repeats must be 1-1000 (got ${repeats})`);
  return { sizeBytes, durationS: base.durationS, repeats };
}

function vmFor(c: PresetConfiguration, lab: PresetLab): VmConfigInput | undefined {
  const g = c.guest;
  if (!g) return undefined;
  const name = c.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64);
  const ext = g.backing === 'qcow2' ? 'qcow2' : 'img';
  const path = g.backing === 'device' ? '/dev/loop-iovlab' : `${lab.diskDir}/${name}.${ext}`;
  const vm: VmConfigInput = {
    name, accel: lab.accel, memoryMiB: lab.memoryMiB, vcpus: 1,
    disk: { bus: g.bus, backing: g.backing, path, cache: g.cache, aio: g.aio },
    nic: { model: g.nic },
  };
  if (g.ebs) vm.ebs = { attach: g.ebs, export: g.ebs === 'guest-aoe' ? (lab.aoeTarget ?? 'aoe:e1.0') : (lab.nbdUrl ?? 'nbd://127.0.0.1:10809/vol0') };
  return vm;
}

function tagsFor(preset: Preset, c: PresetConfiguration, lab: PresetLab): Record<string, string> {
  const tags: Record<string, string> = { preset: preset.id, accel: lab.accel, vmm: c.guest ? 'qemu' : 'none' };
  if (c.guest) {
    Object.assign(tags, { bus: c.guest.bus, backing: c.guest.backing, nic: c.guest.nic, cache: c.guest.cache, aio: c.guest.aio });
    if (c.guest.ebs) tags.ebs = c.guest.ebs;
    if (lab.accel === 'tcg') tags.note = TCG_NOTE;
  }
  // The host on EBS is the paper's "None / EBS" row: the report reads target=ebs with vmm=none so.
  if (c.hostStorage === 'ebs-nbd') Object.assign(tags, { target: 'ebs', ebsClient: 'fio-nbd' });
  if (c.paperRow) tags.paperRow = c.paperRow;
  return tags;
}

const DD_IDS = ['dd-write', 'dd-read'];
const EBS_FIO_IDS = ['ebs-fio-write', 'ebs-fio-read'];

/** fio over NBD from the host: the host-side EBS baseline's counterpart of the guests' dd (64 kB, one request at a time). */
function ebsFioWorkloads(scale: PresetScale): PlanInput['workloads'] {
  return (['write', 'read'] as const).map((op) => ({ id: `ebs-fio-${op}`, tool: 'fio' as const, op, size: scale.sizeBytes, blockSize: BLOCK, ioengine: 'psync' as const, iodepth: 1 }));
}

function workloads(preset: Preset, scale: PresetScale, lab: PresetLab): PlanInput['workloads'] {
  if (preset.kind === 'storage') {
    return [
      { id: 'dd-write', tool: 'dd', op: 'write', size: scale.sizeBytes, blockSize: BLOCK, mode: 'fdatasync' },
      { id: 'dd-read', tool: 'dd', op: 'read', size: scale.sizeBytes, blockSize: BLOCK, mode: 'direct' },
    ];
  }
  const { guest, back, front } = LOCAL_LAB_NODES;
  const pair = (id: string, server: string, serverAddress: string) => (['send', 'receive'] as const).map((direction) => ({
    id: `${id}-${direction === 'send' ? 'transmit' : 'receive'}`, tool: 'iperf3' as const, client: guest, server, serverAddress, direction, durationS: scale.durationS,
  }));
  return [...pair('driver-domain', back, lab.backLab), ...pair('other-host', front, lab.frontLab)];
}

export interface PresetPlan {
  plan: PlanInput;
  scale: PresetScale;
  /** Configurations left out because this lab cannot run them, with the reason. */
  omitted: { name: string; reason: string }[];
}

export function buildPresetPlan(id: string, lab: PresetLab, opts: PresetOptions = {}): PresetPlan {
  const preset = getPreset(id);
  const scale = presetScale(preset, opts);
  const omitted: PresetPlan['omitted'] = [];
  const chosen = selectConfigurations(preset, opts.only).filter((c) => {
    const reason = c.requires === 'aoe' && !lab.aoeTarget ? 'this lab has no AoE export (vblade is not installed on the front-end)'
      : c.hostStorage === 'ebs-nbd' && !lab.nbdUrl ? 'this lab has no NBD export (qemu-nbd did not start on the front-end)' : null;
    if (reason) omitted.push({ name: c.name, reason });
    return reason === null;
  });
  if (chosen.length === 0) throw new AppError('INVALID_ARGUMENT', `no configuration of ${preset.id} can run on this lab: ${omitted.map((o) => `${o.name}: ${o.reason}`).join('; ')}`);
  // The host-side EBS baseline runs fio (its own NBD client) where everything else runs dd.
  const hostEbs = preset.kind === 'storage' && chosen.some((c) => c.hostStorage === 'ebs-nbd');
  const configs: NonNullable<PlanInput['configs']> = chosen.map((c) => {
    const vm = vmFor(c, lab);
    const only = hostEbs ? { workloads: c.hostStorage === 'ebs-nbd' ? EBS_FIO_IDS : DD_IDS } : {};
    return { name: c.name, tags: tagsFor(preset, c, lab), ...(vm ? { vm } : {}), ...only };
  });
  const targets = preset.kind === 'storage'
    ? [{ name: DISK_TARGET, node: LOCAL_LAB_NODES.guest, kind: 'device' as const, path: '/dev/vda', hostNode: LOCAL_LAB_NODES.back }]
    : [];
  const size = opts.size === 'paper' ? 'paper sizes' : preset.kind === 'storage' ? `${Math.round(scale.sizeBytes / 2 ** 20)} MiB` : `${scale.durationS} s`;
  const used = (id: string) => configs.some((c) => c.workloads?.includes(id) ?? true);
  const all = [...workloads(preset, scale, lab), ...(hostEbs ? ebsFioWorkloads(scale) : [])].filter((w) => used(w.id));
  const plan: PlanInput = { name: `${preset.title} (${size}, ${lab.accel})`, repeats: scale.repeats, configs, targets, workloads: all };
  return { plan, scale, omitted };
}
