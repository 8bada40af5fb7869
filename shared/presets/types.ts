// Presets: the paper's experiments as ready-made plans for the local lab. A preset lists its
// configurations as data (which disk bus, backing, NIC, EBS path — the experiment variable) and
// how its workloads scale between a laptop and the paper's own sizes.
import type { DiskAio, DiskBacking, DiskBus, DiskCache, NicModel } from '../vmconfig/index.js';

export const PRESET_IDS = ['shafer2010-storage', 'shafer2010-network'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export type EbsAttach = 'host-nbd' | 'guest-nbd' | 'guest-aoe';

/** A guest's driver configuration; the lab fills in paths, the tap and the EBS export. */
export interface GuestSpec {
  bus: DiskBus;
  backing: DiskBacking;
  nic: NicModel;
  cache: DiskCache;
  aio: DiskAio;
  ebs: EbsAttach | null;
}

export interface PresetConfiguration {
  /** Contains the bus and NIC names as the config JSON spells them (virtio-blk, lsi-scsi, e1000, virtio). */
  name: string;
  title: string;
  /** The row of Tables 1-2 (or the bar of Figure 4) it reproduces, in the paper's words; null when new. */
  paperRow: string | null;
  /** null: the host baseline ("None" in the tables), no guest. */
  guest: GuestSpec | null;
  /** What the lab must offer beyond the basics (AoE needs vblade on the front-end). */
  requires: 'aoe' | null;
  /**
   * Only without a guest: 'ebs-nbd' = the back-end host itself writes and reads the front-end's
   * EBS volume over NBD with fio's user-space client (no kernel nbd module), the paper's "None /
   * EBS" row; left out = the host on its whole local device ("None / Local disk").
   */
  hostStorage?: 'ebs-nbd';
  notes: string[];
}

export interface PresetScale {
  /** Bytes each storage workload moves. */
  sizeBytes: number;
  /** Seconds each network workload runs. */
  durationS: number;
  repeats: number;
}

export interface Preset {
  id: PresetId;
  title: string;
  /** What it measures and where in the paper, in two or three sentences. */
  description: string;
  kind: 'storage' | 'network';
  configurations: PresetConfiguration[];
  /** Small enough for a laptop under TCG. */
  laptop: PresetScale;
  /** The paper's own sizes (20 GB dd runs). */
  paper: PresetScale;
}

/** What presets.list returns: the presets with their configurations, as data. */
export type PresetSummary = Preset;

/** What the lab tells the plan builder. */
export interface PresetLab {
  accel: 'kvm' | 'tcg';
  /** The front-end and the back-end as a guest reaches them on the lab network. */
  frontLab: string;
  backLab: string;
  nbdUrl: string | null;
  aoeTarget: string | null;
  /** Guest memory: enough for the guest image, which lives in RAM. */
  memoryMiB: number;
  /** Where the lab keeps guest disks (a placeholder path in the plan; the lab makes the real ones). */
  diskDir: string;
}

export interface PresetOptions {
  /** Bytes per storage workload, or the paper's size. */
  size?: number | 'paper';
  repeats?: number;
  /** Comma-separated substrings; a configuration runs when its name contains one of them. */
  only?: string;
}
