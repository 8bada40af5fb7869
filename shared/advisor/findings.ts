// The paper's findings that iovlab sets out to reproduce (F1-F5 of the compare/report issue),
// each tied to the dataset rows and text facts that carry it. Judging a user's runs against
// them is a later step; this file only says what the paper claims and on what evidence.
import type { RuleId } from './types.js';

export type FindingId = 'F1' | 'F2' | 'F3' | 'F4' | 'F5';

export interface Finding {
  id: FindingId;
  title: string;
  /** The claim in one or two sentences, in the paper's terms. */
  claim: string;
  workload: 'write' | 'read' | 'network';
  /** Table rows (shared/reference/shafer2010.ts ids) that carry the claim. */
  evidenceRows: readonly string[];
  /** Text facts (PAPER_FACTS ids) that carry it. */
  evidenceFacts: readonly string[];
  /** What the paper measured and what it only proposed or showed in a figure without numbers. */
  paperSupport: string;
  /** Advisor rules that explain a run showing (or not showing) this finding. */
  rules: readonly RuleId[];
}

const kvmLocal = (workload: 'write' | 'read', drivers: string[]) => drivers.map((d) => `${workload}:kvm:local-disk:${d}`);

export const FINDINGS: readonly Finding[] = Object.freeze([
  {
    id: 'F1',
    title: 'Sparse-file default collapses write bandwidth with small requests',
    claim: 'Mapping a sparse file into the guest (the UEC default) writes a small fraction of native bandwidth, with small requests at the disk and the disk not always busy.',
    workload: 'write',
    evidenceRows: ['write:kvm:local-file:scsi-sparse-file', 'write:none:local-disk', 'write:xen:local-file:scsi-prealloc-file'],
    evidenceFacts: ['fig2.local-write-change', 'sparse.write-request-sectors', 'sparse.write-request-kB', 'host.small-request-write-max', 'host.64k-write'],
    paperSupport: 'Measured (Table 1, Figure 2, §3.3). The pre-allocated Xen file is the paper\'s contrast: it "did not exhibit this severe performance degradation".',
    rules: ['sparse-backing'],
  },
  {
    id: 'F2',
    title: 'Paravirtual writes reach native while emulated SCSI does not',
    claim:
      'With a whole local disk, para-virtual drivers (KVM virtio, Xen XVD) write at or near native bandwidth with queues of large requests; ' +
      'emulated SCSI stays near 60% of native (KVM\'s with less than one request queued at the disk).',
    workload: 'write',
    evidenceRows: [
      'write:none:local-disk',
      ...kvmLocal('write', ['virtio-phy', 'virtio-tap', 'scsi-phy', 'scsi-tap']),
      'write:xen:local-disk:xvd-phy',
      'write:xen:local-disk:scsi-phy',
      'write:xen:local-disk:scsi-tap',
    ],
    evidenceFacts: ['virtio.write-queue', 'virtio.write-request-kB', 'virtio.write-disk-busy'],
    paperSupport: 'Measured (Table 1, §3.3). XVD reaches 102 of 111 MB/s, close to but not at native.',
    rules: ['emulated-driver', 'driver-path'],
  },
  {
    id: 'F3',
    title: 'Synchronous reads leave the disk idle and async I/O depth closes the gap',
    claim: 'A synchronous reader in a KVM guest keeps at most one request outstanding, so the disk idles 30-40% of the time and the best read reaches 70% of native; queuing reads with asynchronous I/O should keep the disk busy.',
    workload: 'read',
    evidenceRows: ['read:none:local-disk', ...kvmLocal('read', ['virtio-phy', 'virtio-tap', 'scsi-phy', 'scsi-tap'])],
    evidenceFacts: ['kvm.read-best', 'kvm.read-best-of-native', 'native.read', 'kvm.read-disk-idle'],
    paperSupport: 'The idle disk and the 70% are measured (Table 2, §3.3). That asynchronous I/O closes the gap is proposed in §3.3 and §4, not measured: iovlab\'s runs test it.',
    rules: ['synchronous-reader', 'driver-path'],
  },
  {
    id: 'F4',
    title: 'EBS writes from the guest are far below the same EBS device written from the host',
    claim:
      'Writing networked (EBS) storage from a guest, through the host\'s virtual disk, gets 29-41% of what the host itself gets from the same device; ' +
      'reads lose far less (about 10% in the text).',
    workload: 'write',
    evidenceRows: ['write:none:ebs', 'write:kvm:ebs:scsi-phy', 'write:kvm:ebs:scsi-tap', 'write:kvm:ebs:virtio-phy', 'write:kvm:ebs:virtio-tap', 'write:xen:ebs:scsi-phy', 'write:xen:ebs:scsi-tap'],
    evidenceFacts: ['ebs.write-guest-vs-host', 'ebs.read-guest-vs-host'],
    paperSupport: 'Measured (Table 1, §3.3). Attaching the network disk inside the guest instead is proposed in §4, not measured.',
    rules: ['ebs-guest-path'],
  },
  {
    id: 'F5',
    title: 'virtio NIC beats e1000',
    claim: 'In KVM the para-virtual virtio NIC achieves more bandwidth than the emulated e1000 (the default), though neither exceeded 700 Mb/s to the driver domain.',
    workload: 'network',
    evidenceRows: [],
    evidenceFacts: ['net.driver-domain-max', 'abstract.network-transmit-of-native', 'abstract.network-receive-of-native', 'baseline.tcp'],
    paperSupport:
      'Shown only in Figure 4 (netperf), whose values the text does not give. The text says both e1000 (the default) and virtio were used and that ' +
      'bandwidth "never exceeded 700 Mb/s even with para-virtualized drivers"; it never states the virtio-vs-e1000 numbers, so the dataset has none.',
    rules: [],
  },
] satisfies Finding[]);
