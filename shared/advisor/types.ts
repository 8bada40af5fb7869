// Input and output of the advisor: a measured result plus host metrics in, explanations in the
// paper's terms out. Host metrics use the paper's iostat units (Tables 1-2).
import type { Backing, GuestBus } from '../reference/match.js';

export type { Backing, GuestBus };

/**
 * How networked block storage (the paper's EBS, over ATA over Ethernet) reaches the guest:
 * via-host = the host attaches it and hands the guest a virtual disk (Eucalyptus' design);
 * in-guest = the guest attaches it itself over its virtual NIC (what §4 proposes).
 */
export type EbsPath = 'via-host' | 'in-guest';

export interface HostDiskMetrics {
  /** iostat avgrq-sz: average request in 512-byte sectors. sysstat >= 11.5.7 prints areq-sz in kB: use sectorsFromKB. */
  avgRqSectors: number;
  /** iostat avgqu-sz (aqu-sz in newer sysstat): average number of requests queued. */
  avgQueue: number;
  /** iostat %util: percent of time the disk had at least one request outstanding. */
  utilPct: number;
}

export interface AdvisorInput {
  workload: 'write' | 'read';
  /** Bandwidth the benchmark saw inside the guest, MB/s. */
  guestMBps: number;
  /** The same workload without the VM: the host on the same disk, or the same EBS device from the host. */
  hostBaselineMBps?: number;
  /** iostat of the backing disk on the host during the guest's run. */
  host?: HostDiskMetrics;
  config?: { bus: GuestBus; backing: Backing; ebs?: EbsPath };
}

export type Severity = 'info' | 'warning' | 'critical';

export const RULE_IDS = ['sparse-backing', 'synchronous-reader', 'emulated-driver', 'driver-path', 'ebs-guest-path'] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface Advice {
  ruleId: RuleId;
  severity: Severity;
  title: string;
  /** What the numbers mean, in the paper's terms, citing its table or section. */
  explanation: string;
  /** What to try next. */
  suggestion: string;
  /** Ids of the Shafer 2010 table rows the explanation cites (shared/reference/shafer2010.ts). */
  paperRows: string[];
}

/** sysstat >= 11.5.7 reports request size as areq-sz in kB; the paper's avgrq-sz counts 512-byte sectors. */
export function sectorsFromKB(kB: number): number {
  return kB * 2;
}
