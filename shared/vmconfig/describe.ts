// Human labels for a configuration and its place in Shafer 2010's Tables 1-2, whose rows are
// named VMM / Target / Driver ("KVM  Local file(*)  SCSI/sparse file"); (*) marks the
// Eucalyptus default configurations.
import type { DiskBacking, DiskBus, VmConfig } from './schema.js';

export type Hypervisor = 'kvm' | 'xen';

export interface PaperTerms {
  vmm: 'KVM' | 'Xen';
  /** The tables' Target column; "EBS (in guest)" is the paper's proposed fix, not a table row. */
  target: 'Local file' | 'Local disk' | 'EBS' | 'EBS (in guest)';
  /** The tables' Driver column, e.g. "SCSI/sparse file", "Virtio/phy", "XVD/phy". */
  driver: string;
  /** The paper's NIC naming ("e1000, the default" and "virtio" under KVM). */
  nic: string;
  /** Marked (*) in Tables 1-2: what Eucalyptus (UEC) set up out of the box. */
  eucalyptusDefault: boolean;
  /** Whether Tables 1-2 have a row with this VMM, target and driver. */
  inTables: boolean;
  /** How an approximate mapping differs from what the paper measured, when it does. */
  note: string | null;
}

export interface ConfigDescription {
  /** e.g. "virtio-blk / preallocated file / cache=none aio=native / virtio-net". */
  label: string;
  /** e.g. "KVM Local file(*) SCSI/sparse file". */
  paperLabel: string;
  paper: PaperTerms;
}

const BUS_LABEL: Record<DiskBus, string> = {
  'virtio-blk': 'virtio-blk',
  'lsi-scsi': 'LSI SCSI',
  'virtio-scsi': 'virtio-scsi',
  ide: 'IDE',
  xen: 'Xen PV disk',
};
const BUS_TERM: Record<DiskBus, string> = { 'virtio-blk': 'Virtio', 'lsi-scsi': 'SCSI', 'virtio-scsi': 'virtio-scsi', ide: 'IDE', xen: 'XVD' };
const BACKING_LABEL: Record<DiskBacking, string> = {
  device: 'whole device',
  'prealloc-file': 'preallocated file',
  'sparse-file': 'sparse file',
  qcow2: 'qcow2 image',
};
const BACKING_TERM: Record<DiskBacking, string> = { device: 'phy', 'prealloc-file': 'pre-alloc file', 'sparse-file': 'sparse file', qcow2: 'qcow2 file' };

/** Rows of Tables 1-2 as "VMM|Target|Driver"; "tap" rows (blktap / file-mapped devices) are not modelled. */
const TABLE_ROWS = new Set([
  'KVM|Local file|SCSI/sparse file',
  'KVM|Local disk|SCSI/phy',
  'KVM|Local disk|Virtio/phy',
  'Xen|Local file|SCSI/pre-alloc file',
  'Xen|Local disk|SCSI/phy',
  'Xen|Local disk|XVD/phy',
  'KVM|EBS|SCSI/phy',
  'KVM|EBS|Virtio/phy',
  'Xen|EBS|SCSI/phy',
]);

function nicTerm(cfg: VmConfig, hv: Hypervisor): string {
  if (hv === 'xen' && cfg.disk.bus === 'xen') return 'Xen PV net';
  return cfg.nic.model === 'virtio' ? 'virtio-net' : 'e1000';
}

function paperTerms(cfg: VmConfig, hv: Hypervisor): PaperTerms {
  const vmm = hv === 'kvm' ? 'KVM' : 'Xen';
  const bus = BUS_TERM[cfg.disk.bus];
  const nic = nicTerm(cfg, hv);
  const ebs = cfg.ebs;
  if (ebs && ebs.attach !== 'host-nbd') {
    const proto = ebs.attach === 'guest-aoe' ? 'AoE' : 'NBD';
    return { vmm, target: 'EBS (in guest)', driver: `${proto} over ${nic}`, nic, eucalyptusDefault: false, inTables: false, note: "the paper's proposed fix (Section 5): the guest attaches the volume over its NIC" };
  }
  if (ebs) {
    // Eucalyptus attached EBS in the host (AoE) and passed the block device through as phy.
    const driver = `${bus}/phy`;
    const eucalyptusDefault = cfg.disk.bus === 'lsi-scsi' && (hv === 'xen' || cfg.nic.model === 'e1000');
    return { vmm, target: 'EBS', driver, nic, eucalyptusDefault, inTables: TABLE_ROWS.has(`${vmm}|EBS|${driver}`), note: "host-side NBD in QEMU stands in for the paper's host-side AoE device" };
  }
  const target = cfg.disk.backing === 'device' ? 'Local disk' : 'Local file';
  const driver = `${bus}/${BACKING_TERM[cfg.disk.backing]}`;
  const eucalyptusDefault =
    cfg.disk.bus === 'lsi-scsi' &&
    (hv === 'kvm' ? cfg.disk.backing === 'sparse-file' && cfg.nic.model === 'e1000' : cfg.disk.backing === 'prealloc-file');
  return { vmm, target, driver, nic, eucalyptusDefault, inTables: TABLE_ROWS.has(`${vmm}|${target}|${driver}`), note: null };
}

/**
 * A short label and the paper's terms. The hypervisor defaults to Xen for the xen bus and KVM
 * otherwise; pass it when the same devices run under the other one (Xen's emulated SCSI rows).
 */
export function describeConfig(cfg: VmConfig, hypervisor?: Hypervisor): ConfigDescription {
  const hv = hypervisor ?? (cfg.disk.bus === 'xen' ? 'xen' : 'kvm');
  const paper = paperTerms(cfg, hv);
  const ebs = cfg.ebs ? ` + EBS ${cfg.ebs.attach} ${cfg.ebs.export}` : '';
  const label = `${BUS_LABEL[cfg.disk.bus]} / ${BACKING_LABEL[cfg.disk.backing]} / cache=${cfg.disk.cache} aio=${cfg.disk.aio} / ${paper.nic}${ebs}`;
  const paperLabel = `${paper.vmm} ${paper.target}${paper.eucalyptusDefault ? '(*)' : ''} ${paper.driver}`;
  return { label, paperLabel, paper };
}
