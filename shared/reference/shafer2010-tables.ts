// Tables 1 and 2 of Shafer 2010, transcribed by hand from
// shared/paper/shafer-2010-io-virtualization-bottlenecks.txt. Each line below mirrors one
// printed row: VMM, target, (*) marker, driver, bandwidth (MB/s), then the host iostat
// metrics [avgrq-sz sectors, avgqu-sz, %util] or the mark the paper prints instead of them.
// test/unit/reference-shafer2010.test.ts re-parses the paper text and compares every cell.
import type { AbsentMark, PaperAttach, PaperBus, PaperRow, PaperTarget, PaperVmm, PaperWorkload } from './types.js';

type HostCells = readonly [avgRq: number, avgQu: number, util: number] | AbsentMark;
type RawRow = readonly [vmm: PaperVmm, target: PaperTarget, star: '' | '*', driver: string, mbps: number, host: HostCells];

const TABLE_1_WRITE_RAW: readonly RawRow[] = [
  ['None', 'Local disk', '', 'N/A', 111, [1024, 140, 100]],
  ['KVM', 'Local file', '*', 'SCSI/sparse file', 1.3, [30, 0.9, 90]],
  ['KVM', 'Local disk', '', 'SCSI/phy', 71.5, [256, 0.57, 64]],
  ['KVM', 'Local disk', '', 'SCSI/tap', 70.0, [256, 0.58, 59]],
  ['KVM', 'Local disk', '', 'Virtio/phy', 110, [1024, 60, 100]],
  ['KVM', 'Local disk', '', 'Virtio/tap', 111, [1024, 60, 100]],
  ['Xen', 'Local file', '*', 'SCSI/pre-alloc file', 58.4, [995, 142, 100]],
  ['Xen', 'Local disk', '', 'SCSI/phy', 65.8, [251, 0.87, 86]],
  ['Xen', 'Local disk', '', 'SCSI/tap', 66.0, [78, 30, 99]],
  ['Xen', 'Local disk', '', 'XVD/phy', 102, [700, 3.0, 100]],
  ['EC2', 'Instance', '', 'Proprietary', 65.8, '-'],
  ['None', 'EBS', '', 'N/A', 65.2, 'N/A'],
  ['KVM', 'EBS', '*', 'SCSI/phy', 18.7, 'N/A'],
  ['KVM', 'EBS', '', 'SCSI/tap', 19.9, 'N/A'],
  ['KVM', 'EBS', '', 'Virtio/phy', 20.3, 'N/A'],
  ['KVM', 'EBS', '', 'Virtio/tap', 20.2, 'N/A'],
  ['Xen', 'EBS', '*', 'SCSI/phy', 26.5, 'N/A'],
  ['Xen', 'EBS', '', 'SCSI/tap', 19.9, 'N/A'],
  ['EC2', 'EBS', '', 'Proprietary', 43.1, '-'],
];

const TABLE_2_READ_RAW: readonly RawRow[] = [
  ['None', 'Local disk', '', 'N/A', 108, [512, 0.94, 96]],
  ['KVM', 'Local file', '*', 'SCSI/sparse file', 71.9, [450, 1.1, 96]],
  ['KVM', 'Local disk', '', 'SCSI/phy', 70.5, [512, 0.7, 68]],
  ['KVM', 'Local disk', '', 'SCSI/tap', 56.7, [512, 0.7, 62]],
  ['KVM', 'Local disk', '', 'Virtio/phy', 76.2, [512, 0.5, 57]],
  ['KVM', 'Local disk', '', 'Virtio/tap', 76.1, [512, 0.5, 62]],
  ['Xen', 'Local file', '*', 'SCSI/pre-alloc file', 83.1, [241, 1.6, 99]],
  ['Xen', 'Local disk', '', 'SCSI/phy', 42.8, [14, 22.4, 99]],
  ['Xen', 'Local disk', '', 'SCSI/tap', 35.3, [11, 22.0, 99]],
  ['Xen', 'Local disk', '', 'XVD/phy', 94.8, [128, 2.2, 99]],
  ['EC2', 'Instance', '', 'Proprietary', 113.0, '-'],
  ['None', 'EBS', '', 'N/A', 55.8, 'N/A'],
  ['KVM', 'EBS', '*', 'SCSI/phy', 49.5, 'N/A'],
  ['KVM', 'EBS', '', 'SCSI/tap', 46.2, 'N/A'],
  ['KVM', 'EBS', '', 'Virtio/phy', 48.0, 'N/A'],
  ['KVM', 'EBS', '', 'Virtio/tap', 46.3, 'N/A'],
  ['Xen', 'EBS', '*', 'SCSI/phy', 51.4, 'N/A'],
  ['Xen', 'EBS', '', 'SCSI/tap', 47.8, 'N/A'],
  ['EC2', 'EBS', '', 'Proprietary', 68.0, '-'],
];

/** Every printed driver cell, decomposed so iovlab configs can be matched against it. */
const DRIVERS: Readonly<Record<string, { bus: PaperBus; attach: PaperAttach }>> = {
  'N/A': { bus: 'n/a', attach: 'n/a' },
  Proprietary: { bus: 'proprietary', attach: 'n/a' },
  'SCSI/sparse file': { bus: 'scsi', attach: 'sparse-file' },
  'SCSI/pre-alloc file': { bus: 'scsi', attach: 'prealloc-file' },
  'SCSI/phy': { bus: 'scsi', attach: 'phy' },
  'SCSI/tap': { bus: 'scsi', attach: 'tap' },
  'Virtio/phy': { bus: 'virtio', attach: 'phy' },
  'Virtio/tap': { bus: 'virtio', attach: 'tap' },
  'XVD/phy': { bus: 'xvd', attach: 'phy' },
};

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function rowId(workload: PaperWorkload, vmm: PaperVmm, target: PaperTarget, bus: PaperBus, attach: PaperAttach): string {
  const base = `${workload}:${slug(vmm)}:${slug(target)}`;
  if (bus === 'n/a') return base;
  return attach === 'n/a' ? `${base}:${bus}` : `${base}:${bus}-${attach}`;
}

function buildTable(table: 1 | 2, workload: PaperWorkload, raw: readonly RawRow[]): readonly PaperRow[] {
  return raw.map(([vmm, target, star, driver, mbps, host], i) => {
    const decomposed = DRIVERS[driver];
    // A driver string missing from DRIVERS is a transcription error in this file, caught by the unit test.
    if (!decomposed) throw new Error(`shafer2010 table ${table}: driver '${driver}' has no decomposition`);
    const absent = typeof host === 'string' ? host : null;
    const cells = typeof host === 'string' ? null : host;
    return Object.freeze({
      id: rowId(workload, vmm, target, decomposed.bus, decomposed.attach),
      table,
      workload,
      position: i + 1,
      vmm,
      target,
      eucalyptusDefault: star === '*',
      driver: driver === 'N/A' ? null : driver,
      bus: decomposed.bus,
      attach: decomposed.attach,
      bandwidthMBps: mbps,
      avgRqSectors: cells ? cells[0] : null,
      avgQueue: cells ? cells[1] : null,
      utilPct: cells ? cells[2] : null,
      hostMetricsAbsent: absent,
    });
  });
}

export const TABLE_1_WRITE: readonly PaperRow[] = Object.freeze(buildTable(1, 'write', TABLE_1_WRITE_RAW));
export const TABLE_2_READ: readonly PaperRow[] = Object.freeze(buildTable(2, 'read', TABLE_2_READ_RAW));

export const TABLE_CAPTIONS = {
  1: 'Table 1: DD Write Bandwidth (MB/s) and Disk Access Pattern Measured at Host Domain. Entries marked (*) are Eucalyptus Default Configurations.',
  2: 'Table 2: DD Read Bandwidth (MB/s) and Disk Access Pattern Measured at Host Domain. Entries marked (*) are Eucalyptus Default Configurations.',
} as const;
