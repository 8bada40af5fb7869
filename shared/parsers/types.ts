// Results of the benchmark-output parsers. Units are fixed across tools:
// every `MBps` is 10^6 bytes/s and every `Mbps` 10^6 bits/s; TestDFSIO keeps its own MB (2^20 bytes).

export interface DdResult {
  bytes: number;
  seconds: number;
  /** bytes / seconds / 1e6 */
  MBps: number;
}

export interface FioJob {
  name: string;
  readMBps: number;
  writeMBps: number;
  readIops: number;
  writeIops: number;
}

export interface FioResult {
  jobs: FioJob[];
}

export interface Iperf3Result {
  /** From the client's view: `-R` (the server sends) is `receive`. */
  direction: 'send' | 'receive';
  /** The receiving side's bits per second / 1e6. */
  Mbps: number;
}

export interface NetperfResult {
  test: 'TCP_STREAM' | 'TCP_MAERTS';
  Mbps: number;
}

/** One device in one iostat report, in the paper's units whatever the sysstat version. */
export interface IostatDeviceSample {
  device: string;
  rMBps: number;
  wMBps: number;
  /** Average request size in 512-byte sectors (old sysstat's avgrq-sz). */
  avgRqSectors: number;
  /** Average queue length (avgqu-sz, later aqu-sz). */
  avgQueue: number;
  utilPct: number;
  /** Every numeric column as the tool printed it, keyed by its header (for storing raw samples). */
  raw: Record<string, number>;
}

export interface IostatReport {
  /** The report's time line as printed (-t, or the JSON "timestamp"), when there is one. */
  timestamp?: string;
  devices: IostatDeviceSample[];
}

export interface IostatDeviceAverage {
  device: string;
  rMBps: number;
  wMBps: number;
  avgRqSectors: number;
  avgQueue: number;
  utilPct: number;
  /** Number of reports averaged for this device. */
  samples: number;
}

export interface IostatResult {
  devices: IostatDeviceAverage[];
}

export interface TestDfsioResult {
  op: 'write' | 'read';
  files: number;
  /** As TestDFSIO prints it: its "MB" is 2^20 bytes. */
  totalMB: number;
  throughputMBps: number;
  avgIORateMBps: number;
}
