// A lab made of recorded tool outputs (test/fixtures/tools), imported with the real
// `iovlab import` CLI the way a user hands in outputs run by hand: each file is one repeat, its
// label the sample set, its --config tags the configuration in the paper's terms. The values
// are whatever the recordings say; tests compute what the report must show from the same files.
import { resolve } from 'node:path';
import { PARSERS, type ToolName } from '../../shared/parsers/index.js';
import { runCli } from './cli.js';
import { FIXTURES, fixture } from './report-runs.js';

export interface RecordedSet {
  label: string;
  tool: ToolName;
  tags: Record<string, string>;
  files: string[];
}

const dd = (label: string, tags: Record<string, string>, files: string[]): RecordedSet => ({ label, tool: 'dd', tags, files });

export const RECORDED_SETS: RecordedSet[] = [
  dd('host write', { vmm: 'none', config: 'native', workload: 'dd-write' }, ['gnu-write-64k.txt', 'gnu-write-fdatasync.txt']),
  dd('virtio write', { vmm: 'kvm', bus: 'virtio-blk', backing: 'device', config: 'virtio-dev', workload: 'dd-write' }, ['gnu-write-fdatasync.txt', 'gnu-write-64k.txt', 'gnu-status-progress.txt']),
  dd('lsi write', { vmm: 'kvm', bus: 'lsi-scsi', backing: 'device', config: 'lsi-dev', workload: 'dd-write' }, ['public-busybox-lkml-ppc.txt', 'public-busybox-nuvoton-pr883.txt']),
  dd('sparse write', { vmm: 'kvm', bus: 'lsi-scsi', backing: 'sparse-file', nic: 'e1000', config: 'uec-default', workload: 'dd-write' }, ['public-busybox-nuvoton-pr883.txt', 'gnu-tiny.txt']),
  { label: 'sparse write', tool: 'iostat', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'sparse-file', nic: 'e1000', config: 'uec-default', workload: 'dd-write' }, files: ['sysstat12-dxt.txt'] },
  dd('host read', { vmm: 'none', config: 'native', workload: 'dd-read' }, ['gnu-read-direct.txt', 'gnu-write-64k.txt']),
  dd('virtio read', { vmm: 'kvm', bus: 'virtio-blk', backing: 'device', config: 'virtio-dev', workload: 'dd-read' }, ['gnu-read-direct.txt', 'public-busybox-lkml-ppc.txt']),
  { label: 'virtio net', tool: 'iperf3', tags: { vmm: 'kvm', nic: 'virtio', peer: 'other-host', config: 'virtio-net', workload: 'iperf3-send' }, files: ['send.json.txt', 'send.text.txt', 'send-parallel2.text.txt'] },
  { label: 'e1000 net', tool: 'iperf3', tags: { vmm: 'kvm', nic: 'e1000', peer: 'other-host', config: 'e1000-net', workload: 'iperf3-send' }, files: ['send.text.txt', 'send-parallel2.text.txt'] },
  { label: 'host dfsio', tool: 'testdfsio', tags: { vmm: 'none', config: 'native', workload: 'dfsio-write' }, files: ['public-write-ssm.txt', 'public-write-hadoop020-rabbitknow.txt'] },
  { label: 'kvm dfsio', tool: 'testdfsio', tags: { vmm: 'kvm', bus: 'virtio-blk', backing: 'device', config: 'virtio-dev', workload: 'dfsio-write' }, files: ['public-write-exponent-serranoble.txt', 'public-write-hadoop020-rabbitknow.txt'] },
];

/** The metric values of a set, straight from the parsers (what the report must average). */
export function recordedValues(label: string): number[] {
  return RECORDED_SETS.filter((s) => s.label === label && s.tool !== 'iostat').flatMap((s) =>
    s.files.map((f) => {
      const r = PARSERS[s.tool](fixture(s.tool, f)) as { MBps?: number; Mbps?: number; throughputMBps?: number };
      return s.tool === 'testdfsio' ? (r.throughputMBps ?? 0) * (2 ** 20 / 1e6) : (r.MBps ?? r.Mbps ?? NaN);
    }),
  );
}

/** Imports every recorded set into `dataDir` with the CLI, a few at a time; returns the run ids. */
export async function importRecorded(dataDir: string, lab = 'recorded lab', sets: RecordedSet[] = RECORDED_SETS): Promise<number[]> {
  const jobs = sets.flatMap((s) => s.files.map((f) => ({ s, f })));
  const ids: number[] = [];
  for (let i = 0; i < jobs.length; i += 6) {
    const batch = jobs.slice(i, i + 6).map(async ({ s, f }) => {
      const tags = Object.entries(s.tags).flatMap(([k, v]) => ['--config', `${k}=${v}`]);
      const r = await runCli(['--data-dir', dataDir, 'import', s.tool, resolve(FIXTURES, s.tool, f), '--lab', lab, '--label', s.label, ...tags]);
      if (r.code !== 0) throw new Error(`iovlab import ${s.tool} ${f} failed (${r.code}): ${r.stderr}`);
      return Number(r.stdout.trim());
    });
    ids.push(...(await Promise.all(batch)));
  }
  return ids.sort((a, b) => a - b);
}
