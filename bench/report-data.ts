// Data dirs for the report benchmarks, written through the real run store: runs with plans,
// ok steps with metrics, and host iostat samples. Values follow a seeded PRNG so every run of a
// benchmark draws the same report.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseFile } from '../electron/core/paths.js';
import { createStore } from '../electron/core/store/store.js';
import type { Store } from '../electron/core/store/types.js';
import type { IostatSample } from '../shared/bench/types.js';
import type { ToolName } from '../shared/parsers/index.js';
import { mulberry32 } from '../test/helpers/prng.js';

/** The seeded PRNG the fuzz tests use, so bench data is reproducible from its seed. */
export const prng = mulberry32;

export interface CellSpec {
  config: string;
  tags: Record<string, string>;
  workload: string;
  tool: ToolName;
  unit: 'MBps' | 'Mbps';
  mean: number;
  repeats: number;
  /** Host samples on the first repeat. */
  samples?: number;
}

export function newDataDir(prefix: string): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'data');
}

export function samplesFor(n: number, rnd: () => number, mbps: number): IostatSample[] {
  return Array.from({ length: n }, (_, k) => ({
    t: k,
    device: 'sdb',
    rMBps: 0,
    wMBps: Math.max(0, mbps * (0.9 + 0.2 * rnd()) + (k % 997 === 0 ? 3 * mbps : 0)),
    avgRqSectors: 128 + 64 * rnd(),
    avgQueue: 1 + 4 * rnd(),
    utilPct: 50 + 50 * rnd(),
  }));
}

/** One finished run with every cell's repeats; returns its id. */
export function addRun(store: Store, labId: number, label: string, cells: CellSpec[], seed = 1): number {
  const rnd = prng(seed);
  const plan = {
    name: label,
    configs: [...new Map(cells.map((c) => [c.config, { name: c.config, tags: c.tags }])).values()],
    workloads: [...new Map(cells.map((c) => [c.workload, { id: c.workload, tool: c.tool, ...(c.tool === 'dd' ? { op: /read/.test(c.workload) ? 'read' : 'write' } : {}) }])).values()],
  };
  const steps = cells.flatMap((c) => Array.from({ length: c.repeats }, (_, r) => ({ c, r })));
  const run = store.runs.create({
    labId,
    name: label,
    label,
    plan,
    tags: {},
    steps: steps.map(({ c, r }, index) => ({ index, configName: c.config, workloadId: c.workload, targetName: c.unit === 'MBps' ? 'disk' : null, repeat: r + 1, tool: c.tool })),
    owner: null,
  });
  store.runs.steps(run.id).forEach((s, i) => {
    const { c, r } = steps[i]!;
    const value = c.mean * (0.95 + 0.1 * rnd());
    store.runs.updateStep(s.id, {
      status: 'ok',
      attempt: 1,
      metric: { name: c.unit === 'MBps' ? 'bandwidth' : 'throughput', value, unit: c.unit },
      parsed: c.tool === 'iperf3' ? { direction: /recv|receive/.test(c.workload) ? 'receive' : 'send', Mbps: value } : c.tool === 'testdfsio' ? { op: /read/.test(c.workload) ? 'read' : 'write' } : null,
      startedAt: new Date(Date.UTC(2026, 10, 26, 10, 0, i)).toISOString(),
      endedAt: new Date(Date.UTC(2026, 10, 26, 10, 0, i + 30)).toISOString(),
    });
    if (r === 0 && c.samples) store.runs.addSamples(s.id, samplesFor(c.samples, rnd, c.mean));
  });
  store.runs.setStatus(run.id, 'ok');
  return run.id;
}

export function withStore<T>(dataDir: string, fn: (store: Store, labId: number) => T): T {
  const store = createStore(databaseFile(dataDir));
  try {
    const lab = store.labs.findByName('bench') ?? store.labs.create('bench', 'report benchmark data');
    return fn(store, lab.id);
  } finally {
    store.close();
  }
}

const kvm = (bus: string, backing: string, extra: Record<string, string> = {}) => ({ vmm: 'kvm', bus, backing, ...extra });

/**
 * The paper's experiment in full: every Table 1-2 configuration (dd write and read), streaming
 * and network runs, 5 repeats each; `timelines` configurations carry host samples. Together:
 * 3 figures + up to 6 step timelines, about 10 printed pages.
 */
export function paperScaleCells(timelines: number, samples = 600): CellSpec[] {
  const storage: [string, Record<string, string>, number, number][] = [
    ['native', { vmm: 'none' }, 111, 108],
    ['kvm-sparse', kvm('lsi-scsi', 'sparse-file', { nic: 'e1000' }), 1.3, 71.9],
    ['kvm-scsi-phy', kvm('lsi-scsi', 'device'), 71.5, 70.5],
    ['kvm-virtio-phy', kvm('virtio-blk', 'device'), 110, 76.2],
    ['xen-prealloc', { vmm: 'xen', bus: 'scsi', backing: 'prealloc' }, 58.4, 83.1],
    ['xen-xvd', { vmm: 'xen', bus: 'xvd', backing: 'device' }, 102, 94.8],
    ['native-ebs', { vmm: 'none', target: 'ebs' }, 65.2, 55.8],
    ['kvm-ebs', kvm('lsi-scsi', 'device', { target: 'ebs' }), 18.7, 49.5],
  ];
  const cells: CellSpec[] = storage.flatMap(([config, tags, w, r], i) => [
    { config, tags, workload: 'dd-write', tool: 'dd', unit: 'MBps', mean: w, repeats: 5, ...(i < timelines ? { samples } : {}) },
    { config, tags, workload: 'dd-read', tool: 'dd', unit: 'MBps', mean: r, repeats: 5 },
  ]);
  cells.push(
    { config: 'native', tags: { vmm: 'none' }, workload: 'dfsio-write', tool: 'testdfsio', unit: 'MBps', mean: 95, repeats: 5 },
    { config: 'kvm-virtio-phy', tags: kvm('virtio-blk', 'device'), workload: 'dfsio-write', tool: 'testdfsio', unit: 'MBps', mean: 57, repeats: 5 },
    { config: 'native-net', tags: { vmm: 'none', peer: 'other-host' }, workload: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', mean: 940, repeats: 5 },
    { config: 'kvm-e1000', tags: { vmm: 'kvm', nic: 'e1000', peer: 'other-host' }, workload: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', mean: 667, repeats: 5 },
    { config: 'kvm-virtio-net', tags: { vmm: 'kvm', nic: 'virtio', peer: 'other-host' }, workload: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', mean: 810, repeats: 5 },
  );
  return cells;
}
