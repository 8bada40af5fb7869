// Device facts of a libvirt domain the editor (./libvirt-edit.ts) needs: how a disk's bus is
// named, which SCSI controller a disk sits on, and how the controller for the wanted model is
// found, converted or added. SCSI is the one bus where a controller element carries the choice
// (model="lsilogic" is the LSI 53c895a, model="virtio-scsi" the paravirtual HBA).
import type { VmConfig } from './schema.js';
import { child, element, elements, insertChild, removeChild, type XmlElement } from './xml-tree.js';

export type ScsiModel = 'lsilogic' | 'virtio-scsi';

export interface WantedBus {
  bus: 'virtio' | 'scsi' | 'ide';
  /** Target dev prefix libvirt expects for the bus. */
  prefix: 'vd' | 'sd' | 'hd';
  scsiModel: ScsiModel | null;
}

export function busOf(cfg: VmConfig): WantedBus {
  switch (cfg.disk.bus) {
    case 'virtio-blk':
      return { bus: 'virtio', prefix: 'vd', scsiModel: null };
    case 'lsi-scsi':
      return { bus: 'scsi', prefix: 'sd', scsiModel: 'lsilogic' };
    case 'virtio-scsi':
      return { bus: 'scsi', prefix: 'sd', scsiModel: 'virtio-scsi' };
    case 'ide':
      return { bus: 'ide', prefix: 'hd', scsiModel: null };
    case 'xen':
      throw new Error('unreachable: the xen bus is refused before editing');
  }
}

export function targetDev(disk: XmlElement): string {
  return child(disk, 'target')?.attrs['dev'] ?? '';
}

/** libvirt infers the bus from the name when <target> has no bus attribute. */
export function diskBus(disk: XmlElement): string {
  const target = child(disk, 'target');
  const dev = target?.attrs['dev'] ?? '';
  if (target?.attrs['bus']) return target.attrs['bus'];
  for (const [prefix, bus] of [['hd', 'ide'], ['sd', 'scsi'], ['vd', 'virtio'], ['xvd', 'xen']] as const) if (dev.startsWith(prefix)) return bus;
  return 'unknown';
}

/** The index of the controller a disk (or SCSI hostdev) is addressed to; libvirt's default is 0. */
export function driveController(dev: XmlElement): string {
  const address = child(dev, 'address');
  return address?.attrs['type'] === 'drive' ? (address.attrs['controller'] ?? '0') : '0';
}

const indexOf = (c: XmlElement): string => c.attrs['index'] ?? '0';

function scsiControllers(devices: XmlElement): XmlElement[] {
  return elements(devices, 'controller').filter((c) => c.attrs['type'] === 'scsi');
}

/** Disks and SCSI host devices on controller `index`, other than `except`. */
function usersOf(devices: XmlElement, index: string, except: XmlElement | null): XmlElement[] {
  const disks = elements(devices, 'disk').filter((d) => d !== except && diskBus(d) === 'scsi' && driveController(d) === index);
  const hostdevs = elements(devices, 'hostdev').filter((h) => h.attrs['type'] === 'scsi' && driveController(h) === index);
  return [...disks, ...hostdevs];
}

export interface ScsiChoice {
  index: string;
  /** The controller changed model in place (its old PCI address was dropped). */
  modelChanged: boolean;
  /** The unit the test disk takes when it needs an explicit address (controller other than 0). */
  unit: string;
}

function freeUnit(devices: XmlElement, index: string, except: XmlElement): string {
  const used = new Set(usersOf(devices, index, except).map((d) => child(d, 'address')?.attrs['unit'] ?? ''));
  for (let u = 0; u < 16; u++) if (u !== 7 && !used.has(String(u))) return String(u); // 7 is the LSI HBA's own id
  return '0';
}

/**
 * The SCSI controller the test disk goes on: one of the wanted model if the domain has it; else
 * one no other device uses (the test disk's own first), converted in place; else a new one.
 */
export function chooseScsiController(devices: XmlElement, disk: XmlElement, model: ScsiModel, changes: string[]): ScsiChoice {
  const controllers = scsiControllers(devices);
  const choice = (c: XmlElement, modelChanged: boolean): ScsiChoice => ({ index: indexOf(c), modelChanged, unit: freeUnit(devices, indexOf(c), disk) });
  const same = controllers.find((c) => c.attrs['model'] === model);
  if (same) return choice(same, false);
  const own = diskBus(disk) === 'scsi' ? driveController(disk) : null;
  const free = [...controllers].sort((a, b) => Number(indexOf(b) === own) - Number(indexOf(a) === own)).find((c) => usersOf(devices, indexOf(c), disk).length === 0);
  if (free) {
    changes.push(`SCSI controller ${indexOf(free)}: model ${free.attrs['model'] ?? '(default)'} -> ${model}`);
    free.attrs['model'] = model;
    // The old model's PCI address and its virtio-scsi <driver> options (queues, iothread) are stale.
    for (const name of ['address', 'driver']) {
      const stale = child(free, name);
      if (stale) {
        removeChild(free, stale);
        changes.push(`dropped the stale <${name}> of SCSI controller ${indexOf(free)}`);
      }
    }
    return choice(free, true);
  }
  const index = String(controllers.reduce((max, c) => Math.max(max, Number(indexOf(c)) + 1), 0));
  insertChild(devices, element('controller', { type: 'scsi', index, model }), elements(devices, 'controller')[0]);
  changes.push(`added SCSI controller ${index} (model ${model}); controller${controllers.length > 1 ? 's' : ''} ${controllers.map(indexOf).join(', ')} serve other disks`);
  return choice(elements(devices, 'controller').find((c) => c.attrs['type'] === 'scsi' && indexOf(c) === index) as XmlElement, false);
}

/** Removes the SCSI controller the test disk left, once nothing uses it. */
export function dropUnusedScsiController(devices: XmlElement, index: string, kept: string | null, changes: string[]): void {
  if (index === kept) return;
  const controller = scsiControllers(devices).find((c) => indexOf(c) === index);
  if (!controller || usersOf(devices, index, null).length > 0) return;
  removeChild(devices, controller);
  changes.push(`removed SCSI controller ${index} (model ${controller.attrs['model'] ?? 'default'}): no disk uses it any more`);
}
