// Which rows of Shafer 2010 an iovlab storage configuration corresponds to, so a user's run can
// be shown next to the paper's number (e.g. lsi-scsi + sparse-file <-> KVM "SCSI/sparse file").
import { PAPER_ROWS } from './shafer2010.js';
import type { PaperAttach, PaperBus, PaperRow, PaperVmm, PaperWorkload } from './types.js';

/** Guest disk controller as iovlab configures it (QEMU device or Xen frontend). */
export type GuestBus = 'virtio-blk' | 'virtio-scsi' | 'lsi-scsi' | 'ide' | 'xen-scsi' | 'xvd';
/** What backs the guest disk on the host. */
export type Backing = 'sparse-file' | 'prealloc-file' | 'block-device' | 'qcow2';
export type StorageTarget = 'local' | 'ebs';

/** Emulated controllers make the guest drive a model of real hardware; para-virtual ones queue through shared rings. */
export function isEmulatedBus(bus: GuestBus): boolean {
  return bus === 'lsi-scsi' || bus === 'ide' || bus === 'xen-scsi';
}

export interface RowMatch {
  row: PaperRow;
  /** exact: the paper measured this very combination; approximate: the closest thing it measured. */
  match: 'exact' | 'approximate';
  note: string | null;
}

const BUS_TO_PAPER: Record<GuestBus, { vmm: PaperVmm; bus: PaperBus; note: string | null } | null> = {
  // §3.3: KVM's fully-virtualized SCSI driver emulates an LSI Logic 53c895a controller.
  'lsi-scsi': { vmm: 'KVM', bus: 'scsi', note: null },
  'virtio-blk': { vmm: 'KVM', bus: 'virtio', note: null },
  'virtio-scsi': { vmm: 'KVM', bus: 'virtio', note: "The paper's Virtio rows are virtio-blk; virtio-scsi is the closest para-virtual match." },
  'xen-scsi': { vmm: 'Xen', bus: 'scsi', note: null },
  xvd: { vmm: 'Xen', bus: 'xvd', note: null },
  ide: null, // the paper did not measure IDE
};

function attachFor(backing: Backing, target: StorageTarget): { attach: PaperAttach; approximate: PaperAttach[] } | null {
  switch (backing) {
    case 'sparse-file':
      return target === 'local' ? { attach: 'sparse-file', approximate: [] } : null;
    case 'prealloc-file':
      return target === 'local' ? { attach: 'prealloc-file', approximate: [] } : null;
    // A whole device handed to the guest: the paper's "phy"; its "tap" reaches the same device through user space.
    case 'block-device':
      return { attach: 'phy', approximate: ['tap'] };
    case 'qcow2':
      return null; // the paper measured no image format
  }
}

/** Paper rows for one iovlab configuration; empty when the paper measured nothing comparable. */
export function paperRowsFor(config: { bus: GuestBus; backing: Backing; target: StorageTarget }, workload: PaperWorkload): RowMatch[] {
  const bus = BUS_TO_PAPER[config.bus];
  const attach = attachFor(config.backing, config.target);
  if (!bus || !attach) return [];
  const wantTarget = config.target === 'ebs' ? 'EBS' : config.backing === 'block-device' ? 'Local disk' : 'Local file';
  const out: RowMatch[] = [];
  for (const row of PAPER_ROWS) {
    if (row.workload !== workload || row.vmm !== bus.vmm || row.bus !== bus.bus || row.target !== wantTarget) continue;
    if (row.attach === attach.attach) out.push({ row, match: bus.note ? 'approximate' : 'exact', note: bus.note });
    else if (attach.approximate.includes(row.attach)) out.push({ row, match: 'approximate', note: `The paper reached the same device through '${row.attach}'.` });
  }
  return out.sort((a, b) => (a.match === b.match ? 0 : a.match === 'exact' ? -1 : 1));
}

const PAPER_TO_BUS: Partial<Record<`${PaperVmm}/${PaperBus}`, GuestBus>> = {
  'KVM/scsi': 'lsi-scsi',
  'KVM/virtio': 'virtio-blk',
  'Xen/scsi': 'xen-scsi',
  'Xen/xvd': 'xvd',
};

/** The iovlab configuration closest to a paper row (inverse of paperRowsFor); null for native and EC2 rows. */
export function configForRow(row: PaperRow): { bus: GuestBus; backing: Backing; target: StorageTarget } | null {
  const bus = PAPER_TO_BUS[`${row.vmm}/${row.bus}`];
  if (!bus) return null;
  const backing: Backing = row.attach === 'sparse-file' || row.attach === 'prealloc-file' ? row.attach : 'block-device';
  return { bus, backing, target: row.target === 'EBS' ? 'ebs' : 'local' };
}
