// Stored-run records for report tests, built the way the run store builds them: steps with
// metrics, host aggregates and StatsRows from shared/bench/stats-rows.ts (the store's own code).
// `paperReplayRuns` replays Tables 1-2 of Shafer 2010 as if the paper's lab had used iovlab:
// each row's bandwidth with a small deterministic spread over 5 repeats, its iostat columns as
// the host samples. Tests then know exactly what the report must say.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IostatSample, RunRecord, StepMetric, StepRecord } from '../../shared/bench/types.js';
import { statsRow } from '../../shared/bench/stats-rows.js';
import { parseIostatReports, type ToolName } from '../../shared/parsers/index.js';
import { paperRow } from '../../shared/reference/shafer2010.js';
import type { ReportRun } from '../../shared/report/index.js';

export const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'tools');
export const fixture = (tool: string, file: string): string => readFileSync(resolve(FIXTURES, tool, file), 'utf8');

export interface StepSpec {
  configName: string;
  workloadId: string;
  targetName?: string | null;
  tool: ToolName;
  unit?: StepMetric['unit'];
  values: number[];
  host?: { avgRqSectors: number; avgQueue: number; utilPct: number; samples: number };
  stdout?: string;
  stderr?: string;
  parsed?: unknown;
  commands?: { node: string; command: string }[];
}

let nextStepId = 1;

export function makeRun(o: { id: number; name: string; label?: string; labId?: number; tags?: Record<string, string>; plan?: unknown; specs: StepSpec[] }): ReportRun {
  const run: RunRecord = {
    id: o.id,
    labId: o.labId ?? 1,
    name: o.name,
    label: o.label ?? o.name,
    status: 'ok',
    plan: o.plan ?? { name: o.name, configs: [], workloads: [] },
    tags: o.tags ?? {},
    stepsTotal: 0,
    stepsDone: 0,
    createdAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T11:00:00.000Z',
    owner: null,
  };
  const steps: StepRecord[] = [];
  for (const spec of o.specs) {
    spec.values.forEach((value, i) => {
      const minute = String(steps.length % 60).padStart(2, '0');
      steps.push({
        id: nextStepId++,
        runId: o.id,
        index: steps.length,
        configName: spec.configName,
        workloadId: spec.workloadId,
        targetName: spec.targetName === undefined ? 'disk' : spec.targetName,
        repeat: i + 1,
        status: 'ok',
        attempt: 1,
        commands: spec.commands ?? [],
        context: {},
        stdout: spec.stdout ?? '',
        stderr: spec.stderr ?? '',
        tool: spec.tool,
        parsed: spec.parsed ?? null,
        metric: { name: spec.unit === 'Mbps' ? 'throughput' : 'bandwidth', value, unit: spec.unit ?? 'MBps' },
        error: null,
        startedAt: `2026-11-26T10:${minute}:00.000Z`,
        endedAt: `2026-11-26T10:${minute}:30.000Z`,
      });
    });
  }
  run.stepsTotal = run.stepsDone = steps.length;
  const stats = o.specs.map((spec) =>
    statsRow(
      { configName: spec.configName, workloadId: spec.workloadId, targetName: spec.targetName === undefined ? 'disk' : spec.targetName, unit: spec.unit ?? 'MBps', values: spec.values },
      spec.host ? [{ device: 'sdb', traffic: 1, ...spec.host }] : [],
    ),
  );
  return { run, steps, stats };
}

/** Five repeats around a value: -2%, -1%, 0, +1%, +2% (mean = value exactly). */
export const spread = (v: number): number[] => [-2, -1, 0, 1, 2].map((k) => v * (1 + k / 100));

function fromRow(rowId: string): Pick<StepSpec, 'values' | 'host'> {
  const r = paperRow(rowId);
  const host = r.avgRqSectors !== null && r.avgQueue !== null && r.utilPct !== null ? { avgRqSectors: r.avgRqSectors, avgQueue: r.avgQueue, utilPct: r.utilPct, samples: 20 } : undefined;
  return host ? { values: spread(r.bandwidthMBps), host } : { values: spread(r.bandwidthMBps) };
}

/** Configurations of the replay: name, plan tags and the paper rows (write, read) they reproduce. */
export const REPLAY_CONFIGS: { name: string; tags: Record<string, string>; rows: [string, string] }[] = [
  { name: 'native', tags: { vmm: 'none', target: 'local' }, rows: ['write:none:local-disk', 'read:none:local-disk'] },
  { name: 'kvm-sparse', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'sparse-file', nic: 'e1000' }, rows: ['write:kvm:local-file:scsi-sparse-file', 'read:kvm:local-file:scsi-sparse-file'] },
  { name: 'kvm-scsi-phy', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'device' }, rows: ['write:kvm:local-disk:scsi-phy', 'read:kvm:local-disk:scsi-phy'] },
  { name: 'kvm-virtio-phy', tags: { vmm: 'kvm', bus: 'virtio-blk', backing: 'device' }, rows: ['write:kvm:local-disk:virtio-phy', 'read:kvm:local-disk:virtio-phy'] },
  { name: 'xen-prealloc', tags: { vmm: 'xen', bus: 'scsi', backing: 'prealloc' }, rows: ['write:xen:local-file:scsi-prealloc-file', 'read:xen:local-file:scsi-prealloc-file'] },
  { name: 'xen-xvd', tags: { vmm: 'xen', bus: 'xvd', backing: 'phy' }, rows: ['write:xen:local-disk:xvd-phy', 'read:xen:local-disk:xvd-phy'] },
  { name: 'native-ebs', tags: { vmm: 'none', target: 'ebs' }, rows: ['write:none:ebs', 'read:none:ebs'] },
  { name: 'kvm-ebs-scsi', tags: { vmm: 'kvm', bus: 'lsi-scsi', target: 'ebs' }, rows: ['write:kvm:ebs:scsi-phy', 'read:kvm:ebs:scsi-phy'] },
];

export function paperReplayRun(id = 1, label = 'paper replay'): ReportRun {
  const specs: StepSpec[] = REPLAY_CONFIGS.flatMap((c) => [
    { configName: c.name, workloadId: 'dd-write', tool: 'dd' as const, ...fromRow(c.rows[0]) },
    { configName: c.name, workloadId: 'dd-read', tool: 'dd' as const, ...fromRow(c.rows[1]) },
  ]);
  const plan = {
    name: label,
    configs: REPLAY_CONFIGS.map((c) => ({ name: c.name, tags: c.tags })),
    workloads: [
      { id: 'dd-write', tool: 'dd', op: 'write' },
      { id: 'dd-read', tool: 'dd', op: 'read' },
      { id: 'fio-read-aio', tool: 'fio', op: 'read', ioengine: 'libaio', iodepth: 16 },
    ],
  };
  return makeRun({ id, name: label, label, plan, specs });
}

/** Host samples from a real iostat recording, one report per second. */
export function iostatSamples(file: string): IostatSample[] {
  return parseIostatReports(fixture('iostat', file)).flatMap((report, i) => report.devices.map(({ raw: _raw, ...d }) => ({ ...d, t: i })));
}
