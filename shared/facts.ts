// What a probe learns about a node. Produced by the probe parser (shared/probe/parse.ts)
// from the output of one shell script run over SSH; stored as JSON with a timestamp.

export interface BlockDevice {
  name: string;
  sizeBytes: number | null;
  model: string | null;
  type: string | null; // disk, part, loop, rom, ...
  fsType: string | null;
  mountpoints: string[];
  children: BlockDevice[];
}

export interface NetInterface {
  name: string;
  mtu: number | null;
  /** Link speed in Mbit/s as the kernel reports it; null when unknown (virtual links). */
  speedMbps: number | null;
  state: string | null;
  mac: string | null;
}

export const PROBED_TOOLS = [
  'qemu-system-x86_64',
  'qemu-img',
  'qemu-nbd',
  'vblade',
  'virsh',
  'libvirtd',
  'xl',
  'eucalyptus',
  'fio',
  'dd',
  'iostat',
  'iperf3',
  'netperf',
  'netserver',
  'hadoop',
] as const;
export type ProbedTool = (typeof PROBED_TOOLS)[number];

export interface ToolFact {
  installed: boolean;
  /** Version string as printed by the tool, trimmed to its version number when recognised. */
  version: string | null;
  path: string | null;
}

/** What makes the same measurement vary on a node that is itself a virtual machine. */
export interface VmNoise {
  /** The CPU's hypervisor flag: the node runs under a hypervisor; null when unreadable. */
  hypervisor: boolean | null;
  /** A virtio-balloon device with free page reporting: freed memory goes back to the hypervisor. */
  freePageReporting: boolean;
  /** The smallest free block (as a power-of-two page count) the kernel reports; null when unknown. */
  pageReportingOrder: number | null;
}

export interface NodeFacts {
  distro: { id: string | null; name: string | null; version: string | null; prettyName: string | null };
  kernel: string | null;
  arch: string | null;
  cpu: { model: string | null; cores: number | null; virtFlags: ('vmx' | 'svm')[] };
  memoryBytes: number | null;
  kvmDevice: boolean;
  blockDevices: BlockDevice[];
  nics: NetInterface[];
  tools: Record<ProbedTool, ToolFact>;
  /** Absent from probes taken before iovlab read it. */
  vmNoise?: VmNoise;
  /** Sections of the probe that could not be read, with the reason; the rest still counts. */
  warnings: string[];
}

export interface ProbeRecord {
  id: number;
  nodeId: number;
  takenAt: string; // ISO 8601
  facts: NodeFacts;
}
