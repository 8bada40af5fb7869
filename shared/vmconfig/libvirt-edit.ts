// Applies a VmConfig's driver choices to an EXISTING libvirt domain (as `virsh dumpxml --inactive`
// prints it), for a real lab whose guests are defined already. Only the test disk and one NIC
// change; every other element, attribute and comment is kept as it was (see ./xml-tree.ts).
//
// Which disk is the test disk, in this order:
//   1. the one the caller names by its current target dev (e.g. "vdb");
//   2. the one carrying the serial iovlab gives it (TEST_DISK_SERIAL), so the disk is found again
//      after a switch renamed it (vdb -> sdb);
//   3. the first disk (device="disk", not a cdrom/floppy/lun) that is not the boot disk. The boot
//      disk is the one with the lowest <boot order>; without boot orders it is the first disk —
//      except for a direct kernel boot without root= on the command line, whose root lives in the
//      initramfs, so a single disk is the test disk.
// The domain's type (kvm/qemu) is left alone: accel belongs to the host, not to the guest's drivers.
import { AppError } from '../result.js';
import { imageFormat, impossible } from './common.js';
import { busOf, chooseScsiController, diskBus, driveController, dropUnusedScsiController, targetDev, type ScsiChoice } from './libvirt-devices.js';
import type { VmConfig } from './schema.js';
import { buildXml, child, element, elements, insertChild, parseXml, removeChild, replaceChild, text, textOf, type XmlElement } from './xml-tree.js';

/** What iovlab writes into the test disk's <serial> (at most 20 characters: virtio-blk's limit). */
export const TEST_DISK_SERIAL = 'iovlab-test';

export { diskBus, targetDev };

export interface LibvirtEditOptions {
  /** Target dev of the disk to switch, as the domain names it now (e.g. "vdb"). */
  disk?: string | undefined;
  /** MAC address of the interface whose model to set; default: the first <interface>. */
  nicMac?: string | undefined;
  /** Serial that marks the test disk (given to it when it has none); default TEST_DISK_SERIAL. */
  serial?: string | undefined;
}

export interface LibvirtEdit {
  xml: string;
  domain: string;
  disk: { before: string; after: string; bus: string; serial: string; controller: { index: string; model: string } | null };
  nic: { mac: string | null; before: string | null; model: string };
  /** One line per change, for logs and the stored run context. */
  changes: string[];
}

export interface DomainSummary {
  name: string;
  /** kvm, qemu, xen, ... (the virsh domcapabilities --virttype). */
  type: string;
  arch: string | null;
  machine: string | null;
  emulator: string | null;
  disks: { dev: string; bus: string; device: string }[];
}

const VIRTIO_ONLY_DRIVER_ATTRS = ['queues', 'queue_size', 'iothread', 'ioeventfd', 'event_idx', 'packed', 'page_per_vq', 'ats', 'iommu'];

function domainOf(xml: string): { doc: ReturnType<typeof parseXml>; domain: XmlElement; name: string; devices: XmlElement } {
  const doc = parseXml(xml, 'the domain XML');
  const domain = elements(doc)[0];
  if (!domain || domain.name !== 'domain') throw new AppError('PARSE_ERROR', `not a libvirt domain XML: the root element is <${domain?.name ?? 'nothing'}>, expected <domain>`);
  const name = textOf(child(domain, 'name')) || '(unnamed)';
  const devices = child(domain, 'devices');
  if (!devices) throw new AppError('INVALID_ARGUMENT', `domain "${name}" has no <devices> element`);
  return { doc, domain, name, devices };
}

const deviceOf = (disk: XmlElement): string => disk.attrs['device'] ?? 'disk';

export function summarizeDomain(xml: string): DomainSummary {
  const { domain, name, devices } = domainOf(xml);
  const os = child(domain, 'os');
  const osType = os && child(os, 'type');
  return {
    name,
    type: domain.attrs['type'] ?? 'unknown',
    arch: osType?.attrs['arch'] ?? null,
    machine: osType?.attrs['machine'] ?? null,
    emulator: textOf(child(devices, 'emulator')) || null,
    disks: elements(devices, 'disk').map((d) => ({ dev: targetDev(d), bus: diskBus(d), device: deviceOf(d) })),
  };
}

function listDisks(disks: XmlElement[]): string {
  return disks.map((d) => `${targetDev(d)}${deviceOf(d) === 'disk' ? '' : ` (${deviceOf(d)})`}`).join(', ') || 'none';
}

function bootDisk(domain: XmlElement, disks: XmlElement[]): XmlElement | undefined {
  const order = (d: XmlElement) => Number(child(d, 'boot')?.attrs['order'] ?? Infinity);
  const ordered = disks.filter((d) => child(d, 'boot')).sort((a, b) => order(a) - order(b));
  if (ordered[0]) return ordered[0];
  const os = child(domain, 'os');
  const kernelBoot = os !== undefined && child(os, 'kernel') !== undefined;
  const cmdline = (os && textOf(child(os, 'cmdline'))) ?? '';
  if (kernelBoot && !/(^|\s)root=/.test(cmdline) && disks.length === 1) return undefined;
  return disks[0];
}

function pickTestDisk(domain: XmlElement, devices: XmlElement, name: string, opts: LibvirtEditOptions, serial: string): XmlElement {
  const all = elements(devices, 'disk');
  if (opts.disk !== undefined) {
    const named = all.find((d) => targetDev(d) === opts.disk);
    if (!named) throw new AppError('NOT_FOUND', `domain "${name}" has no disk with target dev "${opts.disk}" (its disks: ${listDisks(all)})`);
    if (deviceOf(named) !== 'disk') throw new AppError('INVALID_ARGUMENT', `${opts.disk} of domain "${name}" is a ${deviceOf(named)}, not a disk; name a disk to benchmark (its disks: ${listDisks(all)})`);
    return named;
  }
  const marked = all.find((d) => textOf(child(d, 'serial')) === serial);
  if (marked) return marked;
  const disks = all.filter((d) => deviceOf(d) === 'disk');
  const boot = bootDisk(domain, disks);
  const test = disks.find((d) => d !== boot);
  if (!test) {
    throw new AppError('NOT_FOUND', `domain "${name}" has no disk to benchmark besides its boot disk ${boot ? targetDev(boot) : ''} (its disks: ${listDisks(all)}); add a second disk, or name one with --disk`);
  }
  return test;
}

function letters(i: number): string {
  return i < 26 ? String.fromCharCode(97 + i) : letters(Math.floor(i / 26) - 1) + letters(i % 26);
}

/** The first free name with the bus's prefix; PIIX IDE has four positions (hda-hdd). */
function freeDev(prefix: string, others: XmlElement[], name: string): string {
  const used = new Set(others.map(targetDev));
  const limit = prefix === 'hd' ? 4 : 26 * 27;
  for (let i = 0; i < limit; i++) if (!used.has(prefix + letters(i))) return prefix + letters(i);
  throw new AppError('INVALID_ARGUMENT', `domain "${name}" has no free ${prefix}X name for the test disk: its other disks take ${[...used].filter((d) => d.startsWith(prefix)).join(', ')} (IDE has four positions, hda-hdd)`);
}

function setDriver(disk: XmlElement, cfg: VmConfig, bus: string): void {
  let driver = child(disk, 'driver');
  if (!driver) {
    driver = element('driver', { name: 'qemu' });
    insertChild(disk, driver, elements(disk)[0]);
  }
  driver.attrs['type'] = imageFormat(cfg);
  driver.attrs['cache'] = cfg.disk.cache;
  driver.attrs['io'] = cfg.disk.aio;
  if (bus !== 'virtio') for (const a of VIRTIO_ONLY_DRIVER_ATTRS) delete driver.attrs[a];
}

function setSource(disk: XmlElement, cfg: VmConfig, typeChanged: boolean): void {
  const attr = cfg.disk.backing === 'device' ? 'dev' : 'file';
  const fresh = element('source', { [attr]: cfg.disk.path });
  const source = child(disk, 'source');
  if (!source) insertChild(disk, fresh, child(disk, 'target'));
  else if (typeChanged || elements(source).length > 0) replaceChild(disk, source, fresh);
  else {
    const pathChanged = source.attrs['file'] !== cfg.disk.path && source.attrs['dev'] !== cfg.disk.path;
    delete source.attrs['file'];
    delete source.attrs['dev'];
    source.attrs[attr] = cfg.disk.path;
    if (!pathChanged) return;
  }
  // A <backingStore> describes the chain of the image the disk had before.
  const chain = child(disk, 'backingStore');
  if (chain) removeChild(disk, chain);
}

function switchDisk(domain: XmlElement, devices: XmlElement, name: string, cfg: VmConfig, opts: LibvirtEditOptions, changes: string[]): LibvirtEdit['disk'] {
  const serial = opts.serial ?? TEST_DISK_SERIAL;
  if (!/^[A-Za-z0-9._-]{1,20}$/.test(serial)) throw new AppError('INVALID_ARGUMENT', `disk serial "${serial}" must be 1-20 letters, digits, . _ - (virtio-blk keeps at most 20 bytes)`);
  const disk = pickTestDisk(domain, devices, name, opts, serial);
  const target = child(disk, 'target') ?? element('target');
  if (!child(disk, 'target')) insertChild(disk, target);
  const others = elements(devices, 'disk').filter((d) => d !== disk);
  const before = targetDev(disk);
  const oldBus = diskBus(disk);
  const oldController = oldBus === 'scsi' ? driveController(disk) : null;
  const want = busOf(cfg);

  const after = before.startsWith(want.prefix) ? before : freeDev(want.prefix, others, name);
  target.attrs['dev'] = after;
  target.attrs['bus'] = want.bus;
  if (want.bus !== 'scsi') delete target.attrs['removable'];
  if (before !== after || oldBus !== want.bus) changes.push(`test disk ${before} (bus ${oldBus}) -> ${after} (bus ${want.bus})`);

  const type = cfg.disk.backing === 'device' ? 'block' : 'file';
  const typeChanged = disk.attrs['type'] !== type;
  disk.attrs['type'] = type;
  if (want.bus !== 'virtio') delete disk.attrs['model'];
  setDriver(disk, cfg, want.bus);
  setSource(disk, cfg, typeChanged);
  changes.push(`test disk ${after}: ${type} ${cfg.disk.path}, format ${imageFormat(cfg)}, cache ${cfg.disk.cache}, io ${cfg.disk.aio}`);
  for (const [el, keep] of [['wwn', want.bus !== 'virtio'], ['vendor', want.bus === 'scsi'], ['product', want.bus === 'scsi']] as const) {
    const found = child(disk, el);
    if (found && !keep) removeChild(disk, found);
  }
  const hasSerial = textOf(child(disk, 'serial'));
  if (!hasSerial) insertChild(disk, element('serial', {}, [text(serial)]), child(disk, 'address'));

  let controller: ScsiChoice | null = null;
  if (want.scsiModel) controller = chooseScsiController(devices, disk, want.scsiModel, changes);
  const moved = oldBus !== want.bus || (controller !== null && (controller.index !== oldController || controller.modelChanged));
  const address = child(disk, 'address');
  if (moved && address) {
    removeChild(disk, address);
    changes.push(`dropped the stale <address type="${address.attrs['type'] ?? '?'}"> of ${after}; libvirt assigns a new one`);
  }
  if (moved && controller && controller.index !== '0') {
    insertChild(disk, element('address', { type: 'drive', controller: controller.index, bus: '0', target: '0', unit: controller.unit }));
  }
  if (oldController !== null) dropUnusedScsiController(devices, oldController, controller?.index ?? null, changes);
  return { before, after, bus: want.bus, serial: hasSerial || serial, controller: controller ? { index: controller.index, model: want.scsiModel ?? '' } : null };
}

function switchNic(devices: XmlElement, name: string, cfg: VmConfig, mac: string | undefined, changes: string[]): LibvirtEdit['nic'] {
  const ifaces = elements(devices, 'interface');
  const macOf = (i: XmlElement) => child(i, 'mac')?.attrs['address']?.toLowerCase() ?? null;
  const iface = mac === undefined ? ifaces[0] : ifaces.find((i) => macOf(i) === mac.toLowerCase());
  if (!iface) {
    const which = mac === undefined ? 'no <interface>' : `no interface with MAC ${mac} (its NICs: ${ifaces.map((i) => macOf(i) ?? '?').join(', ') || 'none'})`;
    throw new AppError('NOT_FOUND', `domain "${name}" has ${which}: nic.model ${cfg.nic.model} cannot be applied; add a NIC to the domain first`);
  }
  if (iface.attrs['type'] === 'hostdev') throw new AppError('INVALID_ARGUMENT', `the NIC ${macOf(iface) ?? ''} of domain "${name}" is a passed-through host device: it has no emulated model to switch`);
  const want = cfg.nic.model === 'virtio' ? 'virtio' : 'e1000';
  let model = child(iface, 'model');
  const before = model?.attrs['type'] ?? null;
  if (!model) {
    model = element('model');
    insertChild(iface, model, child(iface, 'address'));
  }
  model.attrs['type'] = want;
  if (before !== want) changes.push(`NIC${macOf(iface) === null ? '' : ` ${macOf(iface) ?? ''}`}: model ${before ?? '(libvirt default)'} -> ${want}`);
  // <driver> of an interface carries virtio-net backend options (vhost, queues) an e1000 rejects.
  const driver = child(iface, 'driver');
  if (want !== 'virtio' && driver) {
    removeChild(iface, driver);
    changes.push(`removed the NIC's virtio-net <driver> options (${Object.entries(driver.attrs).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  }
  return { mac: macOf(iface), before, model: want };
}

/** Applies the configuration's disk bus/backing/cache/io and NIC model to a domain XML. */
export function editLibvirtDomain(xml: string, cfg: VmConfig, opts: LibvirtEditOptions = {}): LibvirtEdit {
  if (cfg.disk.bus === 'xen') throw impossible('libvirt', 'disk.bus', 'xen is the Xen PV disk (vdev=xvda); switch a Xen guest through xl (--stack xen)');
  if (cfg.ebs?.attach === 'host-nbd') {
    throw impossible('libvirt', 'ebs.attach', 'host-nbd adds a network disk, and switching an existing domain changes only its test disk; create the domain from the configuration instead, or attach the volume in the guest (guest-nbd, guest-aoe)');
  }
  const { doc, domain, name, devices } = domainOf(xml);
  const changes: string[] = [];
  const disk = switchDisk(domain, devices, name, cfg, opts, changes);
  const nic = switchNic(devices, name, cfg, opts.nicMac, changes);
  // The parser drops whitespace after the root element; virsh ends its output with a blank line.
  const tail = /\s*$/.exec(xml)?.[0] || '\n';
  return { xml: buildXml(doc).trimEnd() + tail, domain: name, disk, nic, changes };
}
