// View-models of the report: everything the screen, the PDF and the CSV/JSON exports show,
// computed once (pure) from stored runs and the paper's reference data. React views only lay
// them out, so the printed report and the screen can never disagree.
import type { NodeFacts } from '../facts.js';
import type { Advice } from '../advisor/types.js';
import type { FindingId } from '../advisor/findings.js';
import type { RunRecord, StatsRow, StepRecord } from '../bench/types.js';
import type { Backing, GuestBus } from '../reference/match.js';
import type { VmConfig } from '../vmconfig/index.js';
import type { Summary } from '../stats.js';

/** One stored run with what the report reads of it (the run store's get/steps/stats). */
export interface ReportRun {
  run: RunRecord;
  steps: StepRecord[];
  stats: StatsRow[];
}

/** A lab as the report describes it: nodes and their latest probe. */
export interface ReportLab {
  id: number;
  name: string;
  description: string;
  nodes: { name: string; roles: string[]; host: string; probedAt: string | null; facts: NodeFacts | null }[];
}

export interface ReportInput {
  runs: ReportRun[];
  labs: ReportLab[];
  title?: string;
  /** ISO time the report is generated at (passed in: shared/ reads no clock). */
  generatedAt: string;
  appVersion: string;
}

export type Vmm = 'None' | 'KVM' | 'Xen';
export type Peer = 'driver-domain' | 'other-host';

/** What a configuration is, in the paper's terms, read from the plan's config, its tags and the run's tags. */
export interface ConfigFacts {
  vmm: Vmm;
  bus: GuestBus | null;
  backing: Backing | null;
  target: 'local' | 'ebs';
  /** EBS reached through the host's virtual disk (the paper) or attached inside the guest (§4). */
  ebsPath: 'via-host' | 'in-guest' | null;
  nic: 'e1000' | 'virtio' | null;
  peer: Peer | null;
  accel: string | null;
  vm: VmConfig | null;
  eucalyptusDefault: boolean;
}

export type WorkloadClass =
  | { kind: 'storage'; op: 'write' | 'read'; access: 'sync' | 'async'; tool: 'dd' | 'fio' }
  | { kind: 'hadoop'; op: 'write' | 'read' }
  | { kind: 'network'; direction: 'transmit' | 'receive' }
  | { kind: 'other' };

/** A sample set's estimate: the same summary the run store computes (shared/stats.ts). */
export type Estimate = Summary;

export interface HostMetrics {
  avgRqSectors: number;
  avgQueue: number;
  utilPct: number;
  samples: number;
}

/** All ok steps of one configuration × workload × target across the selected runs. */
export interface MeasurementGroup {
  key: string;
  /** Run label (imports) or run name: what the user called this set of measurements. */
  setLabel: string;
  configName: string;
  workloadId: string;
  targetName: string | null;
  runIds: number[];
  stepIds: number[];
  facts: ConfigFacts;
  workload: WorkloadClass;
  unit: 'MBps' | 'Mbps';
  values: number[];
  estimate: Estimate;
  host: HostMetrics | null;
  /** e.g. "KVM Local disk Virtio/phy — virtio-dev (run 3)". */
  label: string;
}

export type TableCell = number | string | null;

/** Paper and lab rows of Table 1 or 2, in the paper's column order. */
export interface TableLine {
  source: 'paper' | 'lab';
  paperRowId: string | null;
  vmm: string;
  target: string;
  driver: string;
  eucalyptusDefault: boolean;
  bandwidth: number;
  /** Lab rows: 95% CI of the mean and repeats. */
  ci95: [number, number] | null;
  n: number | null;
  avgRqSectors: TableCell;
  avgQueue: TableCell;
  utilPct: TableCell;
  pctOfNative: number | null;
  match: 'exact' | 'approximate' | null;
  note: string | null;
  groupKey: string | null;
  setLabel: string | null;
}

export interface TableVM {
  id: 'table1' | 'table2';
  table: 1 | 2;
  caption: string;
  columns: string[];
  /** Paper rows in printed order, each followed by the lab rows matched to it. */
  lines: TableLine[];
  /** Lab rows the paper has no row for (IDE, qcow2, ...). */
  labOnly: TableLine[];
  notes: string[];
}

export interface FigureSeries {
  name: string;
  /** One value per group (null = not measured). */
  values: (number | null)[];
  ciLow: (number | null)[];
  ciHigh: (number | null)[];
  n: (number | null)[];
}

export interface FigureMarkers {
  /** Which series (offset group) the markers sit on. */
  series: string;
  name: string;
  values: (number | null)[];
}

export interface FigureVM {
  id: 'fig2' | 'fig3' | 'fig4';
  title: string;
  caption: string;
  unit: 'MB/s' | 'Mb/s';
  groups: string[];
  series: FigureSeries[];
  paper: FigureMarkers[];
  notes: string[];
  measured: boolean;
}

export interface CompareRow {
  key: string;
  configName: string;
  workloadId: string;
  targetName: string | null;
  unit: 'MBps' | 'Mbps';
  a: Estimate | null;
  b: Estimate | null;
  /** mean(b) - mean(a), relative to mean(a). */
  relDiff: number | null;
  p: number | null;
  significant: boolean;
  verdict: string;
}

export interface CompareVM {
  a: string;
  b: string;
  alpha: number;
  rows: CompareRow[];
  summary: { faster: number; slower: number; same: number; incomparable: number };
}

export type FindingStatus = 'held' | 'did-not-hold' | 'not-measured';

export interface FindingVM {
  id: FindingId;
  title: string;
  claim: string;
  paperSupport: string;
  status: FindingStatus;
  /** The numbers, in one or two sentences. */
  summary: string;
  /** What the paper's own numbers say (its tables or text). */
  paper: string;
  groupKeys: string[];
}

export interface AdviceVM {
  scope: 'config' | 'step';
  groupKey: string;
  stepId: number | null;
  label: string;
  host: HostMetrics | null;
  baselineMBps: number | null;
  advice: Advice[];
}

export interface SeriesTrace {
  name: string;
  unit: string;
  t: number[];
  v: number[];
}

export interface SeriesVM {
  stepId: number;
  title: string;
  device: string | null;
  devices: string[];
  /** Points per trace before reduction. */
  points: number;
  reduced: boolean;
  traces: SeriesTrace[];
  /** The workload's own progress (dd status=progress), MB done over time. */
  progress: SeriesTrace | null;
  /** Step start/end as seconds on the samples' clock. */
  span: [number, number] | null;
  metric: { value: number; unit: string } | null;
}

/** Where a configuration's command line, domain XML or config file in the report come from. */
export type ConfigSource = 'as-run' | 'plan';

/** What a configuration ran under: stored by the run when it can be, re-rendered from the plan otherwise. */
export interface ConfigTexts {
  /** as-run: what a step of the run stored (its context, or a command it ran); plan: rendered from the plan's vm config; null: neither exists. */
  source: ConfigSource | null;
  /** The step whose stored context gave the texts (as run only), and the node the driver applied it on. */
  fromStep: { runId: number; stepId: number; index: number; node: string | null } | null;
  /** The QEMU command line, one shell word per argument. */
  qemu: string | null;
  /** The libvirt domain XML. */
  libvirt: string | null;
  /** Xen's xl.cfg. */
  xen: string | null;
  /** Eucalyptus' configuration (eucalyptus.conf) of the node controller. */
  eucalyptus: string | null;
  /** What the reader should know about the texts (e.g. the local lab boots QEMU itself; the XML describes that guest). */
  notes: string[];
}

export interface ConfigVM extends ConfigTexts {
  key: string;
  name: string;
  setLabel: string;
  runIds: number[];
  label: string;
  paperLabel: string | null;
  facts: ConfigFacts;
  tags: Record<string, string>;
}

export interface ProvenanceVM {
  app: string;
  dataset: { version: string; sha256: string; citation: string };
  tools: { node: string; tool: string; version: string }[];
  kernels: { node: string; kernel: string }[];
  accelerators: string[];
  firstStep: string | null;
  lastStep: string | null;
  runs: { id: number; name: string; label: string; status: string; createdAt: string; finishedAt: string | null; steps: string; tags: string }[];
}

/** A run as the report page needs it for comparisons and step pickers (no outputs, no plan). */
export interface RunLite {
  run: Pick<RunRecord, 'id' | 'labId' | 'name' | 'label' | 'status' | 'createdAt' | 'tags'>;
  steps: Pick<StepRecord, 'id' | 'index' | 'configName' | 'workloadId' | 'targetName' | 'repeat' | 'status' | 'tool' | 'metric' | 'startedAt' | 'endedAt'>[];
}

export interface ReportDoc {
  title: string;
  generatedAt: string;
  citation: string;
  labs: ReportLab[];
  runs: RunLite[];
  configs: ConfigVM[];
  groups: MeasurementGroup[];
  tables: [TableVM, TableVM];
  figures: FigureVM[];
  /** Each guest measurement against the lab's non-virtualized baseline (Welch verdicts). */
  baseline: CompareVM;
  findings: FindingVM[];
  advice: AdviceVM[];
  timelines: SeriesVM[];
  provenance: ProvenanceVM;
}
