// Rules that explain a storage result from host metrics in the terms of Shafer 2010. Every
// threshold is set from the paper's own rows (see THRESHOLDS) and every explanation quotes the
// paper's numbers from the reference dataset, so the text cannot drift from the data.
import { AppError } from '../result.js';
import { isEmulatedBus } from '../reference/match.js';
import { nativeRow, paperFact, paperRow } from '../reference/shafer2010.js';
import type { PaperRow } from '../reference/types.js';
import { RULE_IDS } from './types.js';
import type { Advice, AdvisorInput, HostDiskMetrics, RuleId, Severity } from './types.js';

export const THRESHOLDS = Object.freeze({
  /** Below the benchmark's 64 kB block (128 sectors) the path split writes; the sparse row averaged 30 (Table 1). */
  splitWriteSectors: 128,
  /** "Small" requests: Xen's emulated SCSI read in 11-14 sectors (Table 2); healthy rows use 128 or more. */
  smallRequestSectors: 64,
  /** Emulated SCSI writes queued 0.57-0.87 requests, virtio 60 and XVD 3.0 (Table 1). */
  shallowQueue: 2,
  /** KVM guest reads queued 0.5-0.7 requests (Table 2); ~1 means one request at a time. */
  syncReaderQueue: 1.2,
  /** Those reads kept the disk busy 57-68%, native 96% (Table 2): "well below 100%". */
  syncReaderUtilPct: 90,
  /** The host disk is not the limit when it is idle this often (KVM SCSI/phy write: 64%, Table 1). */
  idleDiskUtilPct: 80,
  /** Guest below this share of its baseline counts as slow (KVM SCSI/phy write: 71.5/111 = 64%). */
  slowShare: 0.8,
  /** Guest below this share counts as collapsed (sparse file: 1.3/111 = 1%). */
  collapsedShare: 0.2,
  /** EBS via the host: KVM writes got 29-31% of the host's bandwidth, reads 83-89% ("less severe"). */
  ebsSlowShare: 0.75,
});

const mb = (v: number): string => `${Number(v.toFixed(1))} MB/s`;
const pct = (share: number): string => `${Math.round(share * 100)}%`;
const share = (input: AdvisorInput): number | null =>
  input.hostBaselineMBps && input.hostBaselineMBps > 0 ? input.guestMBps / input.hostBaselineMBps : null;

type Rule = (input: AdvisorInput) => Omit<Advice, 'ruleId'> | null;

const sparseBacking: Rule = (input) => {
  const { workload, config, host } = input;
  const growing = config?.backing === 'sparse-file' || config?.backing === 'qcow2';
  if (workload !== 'write' || !growing || !host || host.avgRqSectors >= THRESHOLDS.splitWriteSectors) return null;
  const sparse = paperRow('write:kvm:local-file:scsi-sparse-file');
  const native = nativeRow('write', 'local');
  const s = share(input);
  const what = config.backing === 'qcow2' ? 'a growing qcow2 image' : 'a growing sparse file';
  return {
    severity: s !== null && s < THRESHOLDS.collapsedShare ? 'critical' : 'warning',
    title: `Writes into ${what} reach the disk in small pieces`,
    explanation:
      `Host requests averaged ${host.avgRqSectors} sectors (${host.avgRqSectors / 2} kB) while the guest wrote into ${what}. ` +
      `Shafer 2010 Table 1: KVM's default "SCSI/sparse file" wrote ${mb(sparse.bandwidthMBps)} with ${sparse.avgRqSectors}-sector requests, ` +
      `against ${mb(native.bandwidthMBps)} natively; §3.3 blames growing the file during writes plus the small disk accesses, ` +
      `which even from the host reached at most ${mb(paperFact('host.small-request-write-max').value as number)}.`,
    suggestion:
      'Pre-allocate the image (qemu-img create -o preallocation=full, or fallocate a raw file) or give the guest a whole block device; ' +
      '§3.3: "sparse file-based access should not be used" for data-intensive applications.',
    paperRows: [sparse.id, native.id],
  };
};

const synchronousReader: Rule = ({ workload, host }) => {
  if (workload !== 'read' || !host || host.avgQueue > THRESHOLDS.syncReaderQueue || host.utilPct >= THRESHOLDS.syncReaderUtilPct) return null;
  const kvm = paperRow('read:kvm:local-disk:virtio-phy');
  const native = nativeRow('read', 'local');
  return {
    severity: 'warning',
    title: 'Synchronous reader: the disk waits for the guest between requests',
    explanation:
      `The host disk had ${host.avgQueue} requests queued on average and was busy ${host.utilPct}% of the time: the reader issues one request, ` +
      `waits for it, then issues the next. Shafer 2010 Table 2: KVM "Virtio/phy" read ${mb(kvm.bandwidthMBps)} with queue ${kvm.avgQueue} ` +
      `and ${kvm.utilPct}% utilisation, against ${mb(native.bandwidthMBps)} natively; §3.3: "the disk sits idle in KVM for 30-40% of the time".`,
    suggestion:
      'Give the disk a queue with asynchronous I/O, e.g. fio --rw=read --bs=64k --ioengine=libaio --iodepth=16 --direct=1; ' +
      '§3.3 recommends AIO and notes Linux only queues AIO for files opened with O_DIRECT, so keep --direct=1.',
    paperRows: [kvm.id, native.id],
  };
};

function emulatedEvidence(workload: 'write' | 'read', host: HostDiskMetrics): { detail: string; rows: PaperRow[] } | null {
  if (workload === 'write' && host.avgQueue < THRESHOLDS.shallowQueue) {
    const [scsi, virtio] = [paperRow('write:kvm:local-disk:scsi-phy'), paperRow('write:kvm:local-disk:virtio-phy')];
    return {
      detail: `kept only ${host.avgQueue} requests queued at the host. Table 1: KVM's emulated "SCSI/phy" wrote ${mb(scsi.bandwidthMBps)} ` +
        `with queue ${scsi.avgQueue}, while "Virtio/phy" kept ${virtio.avgQueue} requests of ${(virtio.avgRqSectors ?? 0) / 2} kB queued and reached ${mb(virtio.bandwidthMBps)}`,
      rows: [scsi, virtio],
    };
  }
  if (host.avgRqSectors < THRESHOLDS.smallRequestSectors) {
    const [scsi, xvd] = [paperRow('read:xen:local-disk:scsi-phy'), paperRow('read:xen:local-disk:xvd-phy')];
    return {
      detail: `split I/O into ${host.avgRqSectors}-sector requests. Table 2: Xen's emulated "SCSI/phy" read ${mb(scsi.bandwidthMBps)} ` +
        `with ${scsi.avgRqSectors}-sector requests, its para-virtual "XVD/phy" ${mb(xvd.bandwidthMBps)} with ${xvd.avgRqSectors}`,
      rows: [scsi, xvd],
    };
  }
  return null;
}

const emulatedDriver: Rule = ({ workload, config, host }) => {
  if (!config || !host || !isEmulatedBus(config.bus)) return null;
  const ev = emulatedEvidence(workload, host);
  if (!ev) return null;
  const pv = config.bus === 'xen-scsi' ? 'the para-virtual XVD frontend' : "virtio-blk (QEMU -device virtio-blk-pci; libvirt <target bus='virtio'/>)";
  return {
    severity: 'warning',
    title: `Emulated ${config.bus} controller limits the request stream`,
    explanation: `The emulated ${config.bus} controller ${ev.detail}; §3.3: para-virtualized drivers enabled higher bandwidth than fully-virtualized devices.`,
    suggestion: `Attach the same backing through ${pv} and compare.`,
    paperRows: ev.rows.map((r) => r.id),
  };
};

const driverPath: Rule = (input) => {
  const s = share(input);
  const { host, workload } = input;
  if (!host || s === null || host.utilPct >= THRESHOLDS.idleDiskUtilPct || s >= THRESHOLDS.slowShare) return null;
  const example = paperRow(workload === 'write' ? 'write:kvm:local-disk:scsi-phy' : 'read:kvm:local-disk:virtio-phy');
  const native = nativeRow(workload, 'local');
  return {
    severity: 'warning',
    title: 'The virtualization path, not the disk, is the bottleneck',
    explanation:
      `The guest got ${mb(input.guestMBps)}, ${pct(s)} of the ${mb(input.hostBaselineMBps ?? 0)} baseline, yet the host disk was busy only ` +
      `${host.utilPct}% of the time: it was waiting for the guest. Shafer 2010 Table ${example.table} shows the same pattern: KVM "${example.driver}" ` +
      `${mb(example.bandwidthMBps)} at ${example.utilPct}% utilisation, native ${mb(native.bandwidthMBps)} at ${native.utilPct}%; ` +
      '§3.3: performance degrades "when the host waits on I/O requests from the guest".',
    suggestion:
      'Vary the path, not the disk: a para-virtual driver, a whole-device backing and, for reads, a deeper asynchronous queue; ' +
      '§4: full disk devices and para-virtualized drivers narrow the gap.',
    paperRows: [example.id, native.id],
  };
};

const ebsGuestPath: Rule = (input) => {
  const s = share(input);
  if (input.config?.ebs !== 'via-host' || s === null || s >= THRESHOLDS.ebsSlowShare) return null;
  const guest = paperRow(`${input.workload}:kvm:ebs:scsi-phy`);
  const host = nativeRow(input.workload, 'ebs');
  return {
    severity: 'warning',
    title: 'Network storage is much slower from the guest than from the host',
    explanation:
      `Through the host's virtual disk the guest got ${mb(input.guestMBps)}, ${pct(s)} of the ${mb(input.hostBaselineMBps ?? 0)} the host gets from the same device. ` +
      `Shafer 2010 Table ${guest.table}: the default KVM guest got ${mb(guest.bandwidthMBps)} from EBS, the host ${mb(host.bandwidthMBps)}; §3.3: ` +
      '"the storage virtualization mechanism, not the network transport mechanism, is the bottleneck".',
    suggestion:
      'Attach the network disk inside the guest (its own AoE/NBD/iSCSI client) so data crosses the virtual NIC instead of the virtual disk, as §4 proposes; ' +
      'then compare both paths.',
    paperRows: [guest.id, host.id],
  };
};

const RULES: Record<RuleId, Rule> = {
  'sparse-backing': sparseBacking,
  'synchronous-reader': synchronousReader,
  'emulated-driver': emulatedDriver,
  'driver-path': driverPath,
  'ebs-guest-path': ebsGuestPath,
};

function checkInput(input: AdvisorInput): void {
  const bad = (what: string) => new AppError('INVALID_ARGUMENT', `advisor: ${what}`);
  if (!Number.isFinite(input.guestMBps) || input.guestMBps < 0) throw bad(`guest bandwidth must be a number >= 0 MB/s, got ${input.guestMBps}`);
  if (input.hostBaselineMBps !== undefined && !(Number.isFinite(input.hostBaselineMBps) && input.hostBaselineMBps > 0)) {
    throw bad(`baseline bandwidth must be > 0 MB/s, got ${input.hostBaselineMBps}`);
  }
  for (const [k, v] of Object.entries(input.host ?? {})) if (!Number.isFinite(v) || v < 0) throw bad(`host metric ${k} must be a number >= 0, got ${v}`);
  // iostat can print a little over 100 from rounding; far over means the wrong column was read.
  if (input.host && input.host.utilPct > 101) throw bad(`host %util must be 0-100, got ${input.host.utilPct}`);
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Every rule that fires for this result, most severe first, ties in rule order. */
export function advise(input: AdvisorInput): Advice[] {
  checkInput(input);
  const out: Advice[] = [];
  for (const ruleId of RULE_IDS) {
    const advice = RULES[ruleId](input);
    if (advice) out.push({ ruleId, ...advice });
  }
  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
