// Whether a libvirt/QEMU node can run a configuration, decided before anything is changed on it:
// `virsh domcapabilities` says which disk buses the machine type offers (q35 has no IDE), and
// `qemu-system-x86_64 -device help` which device models this QEMU build has (RHEL's qemu-kvm, for
// one, ships without the LSI 53c895a). Every problem names the field, the node and a way out.
import { AppError } from '../result.js';
import { busOf } from './libvirt-devices.js';
import type { VmConfig } from './schema.js';
import { child, elements, parseXml, textOf, type XmlElement } from './xml-tree.js';

export interface DomCaps {
  emulator: string | null;
  /** kvm or qemu (TCG). */
  domainType: string | null;
  machine: string | null;
  arch: string | null;
  diskSupported: boolean;
  diskBuses: string[];
}

export interface HypervisorVersions {
  libvirt: number[] | null;
  qemu: number[] | null;
}

export interface NodeCapabilities {
  domcaps: DomCaps;
  /** Device names and aliases from `-device help`. */
  devices: ReadonlySet<string>;
  versions?: HypervisorVersions | undefined;
}

function enumValues(parent: XmlElement | undefined, name: string): string[] {
  const en = parent && elements(parent, 'enum').find((e) => e.attrs['name'] === name);
  return en ? elements(en, 'value').map((v) => textOf(v) ?? '') : [];
}

export function parseDomCaps(xml: string): DomCaps {
  const root = elements(parseXml(xml, 'virsh domcapabilities output'))[0];
  if (!root || root.name !== 'domainCapabilities') throw new AppError('PARSE_ERROR', `virsh domcapabilities printed <${root?.name ?? 'nothing'}>, expected <domainCapabilities>`);
  const disk = child(root, 'devices') && child(child(root, 'devices') as XmlElement, 'disk');
  return {
    emulator: textOf(child(root, 'path')) || null,
    domainType: textOf(child(root, 'domain')) || null,
    machine: textOf(child(root, 'machine')) || null,
    arch: textOf(child(root, 'arch')) || null,
    diskSupported: disk?.attrs['supported'] === 'yes',
    diskBuses: enumValues(disk, 'bus'),
  };
}

/** `name "virtio-blk-pci", bus PCI, alias "virtio-blk"` lines: names and aliases. */
export function parseDeviceHelp(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^name "([^"]+)"(?:.*?, alias "([^"]+)")?/gm)) {
    if (m[1]) names.add(m[1]);
    if (m[2]) names.add(m[2]);
  }
  return names;
}

function version(text: string, re: RegExp): number[] | null {
  const m = re.exec(text);
  return m?.[1] ? m[1].split('.').map(Number) : null;
}

/** `virsh version`: "Using library: libvirt 9.0.0", "Running hypervisor: QEMU 7.2.22". */
export function parseVirshVersion(text: string): HypervisorVersions {
  return { libvirt: version(text, /Using library: libvirt (\d+(?:\.\d+)*)/), qemu: version(text, /Running hypervisor: QEMU (\d+(?:\.\d+)*)/) };
}

function atLeast(have: number[], want: number[]): boolean {
  for (let i = 0; i < want.length; i++) {
    const h = have[i] ?? 0;
    const w = want[i] ?? 0;
    if (h !== w) return h > w;
  }
  return true;
}

interface NeededDevice {
  device: string;
  field: 'disk.bus' | 'nic.model';
  why: string;
}

const DISK_DEVICES: Record<VmConfig['disk']['bus'], [string, string][]> = {
  'virtio-blk': [['virtio-blk-pci', 'the virtio block device']],
  'lsi-scsi': [['lsi53c895a', 'the emulated LSI 53c895a SCSI controller'], ['scsi-hd', 'the SCSI disk on it']],
  'virtio-scsi': [['virtio-scsi-pci', 'the virtio SCSI controller'], ['scsi-hd', 'the SCSI disk on it']],
  ide: [['ide-hd', 'the IDE disk']],
  xen: [],
};

/** QEMU device models a configuration instantiates. */
export function requiredDevices(cfg: VmConfig): NeededDevice[] {
  const disk = DISK_DEVICES[cfg.disk.bus].map(([device, why]): NeededDevice => ({ device, why, field: 'disk.bus' }));
  const nic: NeededDevice = cfg.nic.model === 'virtio' ? { device: 'virtio-net-pci', why: 'the virtio network device', field: 'nic.model' } : { device: 'e1000', why: 'the emulated Intel e1000 NIC', field: 'nic.model' };
  return [...disk, nic];
}

export interface SupportVerdict {
  ok: boolean;
  problems: string[];
  /** What was checked and passed, for the log. */
  checked: string[];
}

export function checkSupport(cfg: VmConfig, caps: NodeCapabilities, where: string): SupportVerdict {
  const problems: string[] = [];
  const checked: string[] = [];
  const { domcaps } = caps;
  const qemu = `${domcaps.emulator ?? 'QEMU'} on ${where}`;
  const machine = `${domcaps.domainType ?? '?'} domains of machine ${domcaps.machine ?? '?'}`;
  if (cfg.disk.bus === 'xen') {
    problems.push(`disk.bus: xen is the Xen PV disk; ${where} runs ${domcaps.domainType ?? 'QEMU'} under libvirt — apply it to a Xen host (--stack xen) or choose virtio-blk, lsi-scsi, virtio-scsi or ide`);
  } else if (!domcaps.diskSupported) {
    problems.push(`disk.bus: libvirt on ${where} reports no disk support for ${machine}`);
  } else {
    const { bus } = busOf(cfg);
    if (!domcaps.diskBuses.includes(bus)) {
      const q35 = bus === 'ide' && /q35/.test(domcaps.machine ?? '') ? '; q35 machines have no IDE controller: define the domain with machine type pc (i440fx) or choose another bus' : '';
      problems.push(`disk.bus: ${cfg.disk.bus} needs libvirt disk bus "${bus}", which ${machine} on ${where} does not offer (it offers ${domcaps.diskBuses.join(', ') || 'none'})${q35}`);
    } else checked.push(`disk bus ${bus} offered by ${machine}`);
  }
  for (const need of requiredDevices(cfg)) {
    if (caps.devices.has(need.device)) checked.push(`QEMU device ${need.device}`);
    else problems.push(`${need.field}: ${need.field === 'nic.model' ? cfg.nic.model : cfg.disk.bus} needs QEMU device ${need.device} (${need.why}), which \`-device help\` of ${qemu} does not list: this QEMU build lacks it`);
  }
  if (cfg.disk.aio === 'io_uring') {
    const v = caps.versions;
    const old: string[] = [];
    if (v?.qemu && !atLeast(v.qemu, [5, 0])) old.push(`QEMU ${v.qemu.join('.')}`);
    if (v?.libvirt && !atLeast(v.libvirt, [6, 3])) old.push(`libvirt ${v.libvirt.join('.')}`);
    if (old.length > 0) problems.push(`disk.aio: io_uring needs QEMU >= 5.0 and libvirt >= 6.3, and ${where} has ${old.join(' and ')}; use aio threads or native`);
    else if (v?.qemu && v.libvirt) checked.push(`io_uring (QEMU ${v.qemu.join('.')}, libvirt ${v.libvirt.join('.')})`);
  }
  return { ok: problems.length === 0, problems, checked };
}

/** Throws MISSING_DEPENDENCY listing every problem at once, so one round of fixes is enough. */
export function assertSupported(cfg: VmConfig, caps: NodeCapabilities, where: string): SupportVerdict {
  const verdict = checkSupport(cfg, caps, where);
  if (!verdict.ok) {
    throw new AppError('MISSING_DEPENDENCY', `${where} cannot run configuration "${cfg.name}": ${verdict.problems.join('; ')}`, { problems: verdict.problems });
  }
  return verdict;
}
