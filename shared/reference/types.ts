// Shapes of the paper's published numbers (shared/reference/shafer2010.ts holds the values).

export type PaperWorkload = 'write' | 'read';
export type PaperVmm = 'None' | 'KVM' | 'Xen' | 'EC2';
export type PaperTarget = 'Local disk' | 'Local file' | 'Instance' | 'EBS';

/** Guest-visible device family of the paper's "Driver" column (the part before the slash). */
export type PaperBus = 'scsi' | 'virtio' | 'xvd' | 'proprietary' | 'n/a';
/** How the host backs that device (the part after the slash). */
export type PaperAttach = 'phy' | 'tap' | 'sparse-file' | 'prealloc-file' | 'n/a';

/**
 * Why host metrics are missing: the paper prints "N/A" for EBS (the physical disk is across
 * the network) and "-" for EC2 (customers cannot reach the host domain). Both become null.
 */
export type AbsentMark = 'N/A' | '-';

/** One row of Table 1 (dd write) or Table 2 (dd read). */
export interface PaperRow {
  /** Stable id, `${workload}:${vmm}:${target}[:${bus}-${attach}]`, lower case, e.g. `write:kvm:local-file:scsi-sparse-file`. */
  id: string;
  table: 1 | 2;
  workload: PaperWorkload;
  /** 1-based position of the row in its table. */
  position: number;
  vmm: PaperVmm;
  target: PaperTarget;
  /** The paper marks Eucalyptus default configurations with (*) after the target. */
  eucalyptusDefault: boolean;
  /** The "Driver" cell as printed; null where the paper prints N/A. */
  driver: string | null;
  bus: PaperBus;
  attach: PaperAttach;
  /** Application-level bandwidth seen by dd in the guest, MB/s. */
  bandwidthMBps: number;
  /** iostat avgrq-sz at the host: average request size in 512-byte sectors. */
  avgRqSectors: number | null;
  /** iostat avgqu-sz at the host: average queue depth in requests. */
  avgQueue: number | null;
  /** iostat %util at the host: percent of time the disk had a request outstanding. */
  utilPct: number | null;
  /** Set when the three host metrics are null, saying which mark the paper printed. */
  hostMetricsAbsent: AbsentMark | null;
}

export type FactUnit =
  | 'MB/s'
  | 'Mb/s'
  | 'kB'
  | 'GB'
  | 'bytes'
  | 'sectors'
  | 'requests'
  /** Percent of the non-virtualized (native) result. */
  | 'pct-of-native'
  /** Signed percent change against a baseline named in `quantity`; negative = decrease. */
  | 'pct-change'
  /** Percent of wall-clock time. */
  | 'pct-of-time';

/** How the text qualifies the number: "approximately", "never exceeded", "over", "in excess of". */
export type FactQualifier = 'exact' | 'approx' | 'at-most' | 'at-least';

/** A number the paper's TEXT states (figure values it does not state are not transcribed). */
export interface PaperFact {
  id: string;
  /** What the number measures, in words. */
  quantity: string;
  /** A single number, or an inclusive range such as 30-40 (% of time idle). */
  value: number | readonly [number, number];
  unit: FactUnit;
  qualifier: FactQualifier;
  source: {
    /** Section heading exactly as printed, e.g. "3.3 Storage Performance" or "ABSTRACT". */
    section: string;
    /** The figure the sentence describes, when it describes one. */
    figure?: 'Figure 2' | 'Figure 3' | 'Figure 4';
    /** The sentence(s) as printed (markup such as *dd* and `virtio` kept). */
    quote: string;
  };
  /** Table rows the number can be checked against. */
  rows?: readonly string[];
  /** iovlab's remark, e.g. where the text and a table disagree. Never part of the paper. */
  note?: string;
}
