// The embedded local lab as the API describes it: the paper's two-node lab (a front-end with
// CLC/CC/EBS/Walrus, a back-end NC running the guests) built in two network namespaces of this
// machine by `iovlab lab up --local`. Node names are fixed so presets can name them.
export const LOCAL_LAB_NAME = 'local';
export const LOCAL_LAB_NODES = { front: 'front', back: 'back', guest: 'guest' } as const;
export const LOCAL_LAB_DESCRIPTION = 'Embedded local lab: front-end and back-end in network namespaces of this machine, QEMU guests on the back-end (iovlab lab up --local)';

/** Said next to every result measured under TCG, in the UI, the CLI and reports. */
export const TCG_NOTE = 'TCG: QEMU emulated the guest CPU, which limits these results; they are not representative of hardware virtualization (KVM)';

export interface LocalLabAddresses {
  /** The root namespace's end of the uplink: iovlab reaches the front-end from here. */
  root: string;
  /** The front-end on the uplink (what the inventory's "front" node connects to). */
  front: string;
  /** The front-end on the lab network (NBD server, other-host iperf3 server, AoE interface). */
  frontLab: string;
  /** The back-end (driver domain) on the lab network's bridge. */
  backLab: string;
  /** The guest's address; it reaches both hosts directly on the lab network. */
  guest: string;
  prefix: number;
}

export interface LocalLabEbs {
  /** qemu-nbd on the front-end: the portable EBS transport. */
  nbd: { url: string; volume: string; sizeBytes: number } | null;
  /** vblade (ATA over Ethernet, the paper's protocol) on the front-end's lab interface. */
  aoe: { target: string; iface: string; volume: string; sizeBytes: number } | null;
  /** Whether the back-end kernel itself can attach AoE (its aoe module), and why not. */
  hostAoe: { available: boolean; reason: string };
  /** One sentence saying which transports this machine got and why. */
  summary: string;
}

export interface LocalLabDaemon {
  label: string;
  pid: number;
  running: boolean;
}

export interface LocalLabStatus {
  /** Everything the lab needs exists and runs. */
  up: boolean;
  stateDir: string;
  labId: number | null;
  namespaces: { front: string; back: string };
  addresses: LocalLabAddresses | null;
  accel: { accel: 'kvm' | 'tcg'; reason: string; note: string | null } | null;
  image: { id: string; kernelRelease: string } | null;
  ebs: LocalLabEbs | null;
  daemons: LocalLabDaemon[];
  /** What is missing or broken (empty when up, or when the lab was never created). */
  problems: string[];
}

export interface LocalLabDown {
  /** What was stopped or removed, for the log. */
  removed: string[];
}
