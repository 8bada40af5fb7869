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
  /** Sections of the probe that could not be read, with the reason; the rest still counts. */
  warnings: string[];
}

export interface ProbeRecord {
  id: number;
  nodeId: number;
  takenAt: string; // ISO 8601
  facts: NodeFacts;
}
