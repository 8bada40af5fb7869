// Numbers that the TEXT of Shafer 2010 states, each with the sentence it comes from. Values
// that only the figures show (Figures 2-4 are images the text file does not contain) are left
// out. `note` is iovlab's own remark, mostly where a table and the text disagree.
import type { PaperFact } from './types.js';

const S_ABSTRACT = 'ABSTRACT';
const S_SYSTEM = '3.1 Experimental System';
const S_APPS = '3.2 Test Applications';
const S_STORAGE = '3.3 Storage Performance';
const S_NETWORK = '3.4 Network Performance';

const Q_ABSTRACT_STORAGE =
  'Unfortunately, limitations in commodity I/O virtualization technology restrict the out-of-the-box storage bandwidth to 51% and 77% of a non-virtualized disk for writes and reads, respectively.';
const Q_ABSTRACT_NET =
  'Similarly, out-of-the-box network bandwidth to another host is only 71% and 45% of non-virtualized performance for transmit and receive workloads, respectively.';
const Q_FIG2_LOCAL = 'When accessing local storage, write bandwidth decreases by 98% and read bandwidth decreases by 38%.';
const Q_FIG2_EBS = 'When accessing remote (EBS) storage, write bandwidth decreases by 83%, and read bandwidth decreases by 54%.';
const Q_SPARSE_RQ = 'As measured, each disk write operation averages 15 sectors per access, or 7.5kB.';
const Q_SMALL_RQ_BW =
  'The maximum write bandwidth measured was 15.7MB, compared to a write bandwidth of over 100 MB/s for the same disk using 64kB access sizes.';
const Q_VIRTIO_QUEUE =
  'For example, when writing to a locally-attached disk in KVM, the virtio driver was able to achieve full disk bandwidth by maintaining a large queue (60 elements) of large requests (512kB each), thus keeping the disk busy 100% of the time.';
const Q_READ_BEST =
  'Third, although para-virtualized I/O in KVM achieved higher read bandwidth to a local disk than fully-virtualized I/O, the best achieved bandwidth of 76MB/s for a local disk is only 70% of the non-virtualized disk bandwidth of 108 MB/s.';
const Q_IDLE = 'Because of the increased latency between the guest and host domain, the disk sits idle in KVM for 30-40% of the time.';
const Q_EBS_WRITE =
  'Finally, the performance of writing to EBS storage when accessed inside a guest domain is significantly worse than writing to the same EBS device from inside the host domain. For example, KVM degrades performance by almost 68%.';
const Q_EBS_READ = 'This bottleneck is less severe when reading from EBS storage, which experiences a performance degradation of approximately 10%.';
const Q_HADOOP =
  'First, the fully-virtualized SCSI and para-virtualized `virtio` drivers in KVM only achieve 60% of the bandwidth of the non-virtualized Hadoop performance (shown at the right of the figure).';
const Q_NET_700 =
  'The bandwidth never exceeded 700 Mb/s even with para-virtualized drivers, even though bandwidth in this test should be limited only by processor speed, and the processor was idle in excess of 90% of the time.';
const Q_DISK_PEAK =
  'For storage, the Seagate Barracuda 7200.11 500GB hard drive has a peak read and write bandwidth of approximately 110MB/s, assuming large block sizes (64kB+) and streaming sequential access patterns.';
const Q_TCP = 'For networking, the gigabit Ethernet network has a max application-level TCP throughput of 940Mb/s for both transmit and receive.';
const Q_DD = 'When using *dd*, 20GB tests were conducted using a 64kB block size.';
const Q_MTU = 'The private network was configured to support jumbo frames with a 9000 byte MTU to accelerate EBS performance.';

const KVM_LOCAL_READS = ['scsi-phy', 'scsi-tap', 'virtio-phy', 'virtio-tap'].map((d) => `read:kvm:local-disk:${d}`);
const KVM_EBS_WRITES = ['scsi-phy', 'scsi-tap', 'virtio-phy', 'virtio-tap'].map((d) => `write:kvm:ebs:${d}`);
const KVM_EBS_READS = KVM_EBS_WRITES.map((id) => id.replace('write:', 'read:'));
const VIRTIO_LOCAL_WRITES = ['write:kvm:local-disk:virtio-phy', 'write:kvm:local-disk:virtio-tap'];

export const PAPER_FACTS: readonly PaperFact[] = Object.freeze([
  { id: 'abstract.storage-write-of-native', quantity: 'out-of-the-box storage write bandwidth', value: 51, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_ABSTRACT, quote: Q_ABSTRACT_STORAGE }, rows: ['write:xen:local-file:scsi-prealloc-file', 'write:none:local-disk'],
    note: 'Section 4 attributes 51%/77% to the best default configuration (Xen). Table 1 gives 58.4/111 = 53% for that row; the text does not say which baseline gives 51%.' },
  { id: 'abstract.storage-read-of-native', quantity: 'out-of-the-box storage read bandwidth', value: 77, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_ABSTRACT, quote: Q_ABSTRACT_STORAGE }, rows: ['read:xen:local-file:scsi-prealloc-file', 'read:none:local-disk'] },
  { id: 'abstract.network-transmit-of-native', quantity: 'out-of-the-box network transmit bandwidth to another host', value: 71, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_ABSTRACT, quote: Q_ABSTRACT_NET }, note: 'Presumably read off Figure 4, whose per-driver values the text does not state.' },
  { id: 'abstract.network-receive-of-native', quantity: 'out-of-the-box network receive bandwidth from another host', value: 45, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_ABSTRACT, quote: Q_ABSTRACT_NET } },
  { id: 'fig2.local-write-change', quantity: 'local write bandwidth, UEC default guest vs non-virtualized control', value: -98, unit: 'pct-change', qualifier: 'exact',
    source: { section: S_STORAGE, figure: 'Figure 2', quote: Q_FIG2_LOCAL }, rows: ['write:kvm:local-file:scsi-sparse-file', 'write:none:local-disk'],
    note: 'Table 1 gives 1.3 vs 111 MB/s = -98.8%.' },
  { id: 'fig2.local-read-change', quantity: 'local read bandwidth, UEC default guest vs non-virtualized control', value: -38, unit: 'pct-change', qualifier: 'exact',
    source: { section: S_STORAGE, figure: 'Figure 2', quote: Q_FIG2_LOCAL }, rows: ['read:kvm:local-file:scsi-sparse-file', 'read:none:local-disk'],
    note: 'Table 2 gives 71.9 vs 108 MB/s = -33%, not -38%; the text does not say whether Figure 2 comes from separate runs.' },
  { id: 'fig2.ebs-write-change', quantity: 'EBS write bandwidth, UEC default guest vs non-virtualized control', value: -83, unit: 'pct-change', qualifier: 'exact',
    source: { section: S_STORAGE, figure: 'Figure 2', quote: Q_FIG2_EBS }, rows: ['write:kvm:ebs:scsi-phy', 'write:none:local-disk'],
    note: 'Consistent with Table 1 against the native LOCAL disk (18.7 vs 111 MB/s = -83%), not against EBS written from the host (65.2 MB/s).' },
  { id: 'fig2.ebs-read-change', quantity: 'EBS read bandwidth, UEC default guest vs non-virtualized control', value: -54, unit: 'pct-change', qualifier: 'exact',
    source: { section: S_STORAGE, figure: 'Figure 2', quote: Q_FIG2_EBS }, rows: ['read:kvm:ebs:scsi-phy', 'read:none:local-disk'],
    note: 'Consistent with Table 2 against the native local disk (49.5 vs 108 MB/s = -54%).' },
  { id: 'sparse.write-request-sectors', quantity: 'average host write request, KVM sparse file', value: 15, unit: 'sectors', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_SPARSE_RQ }, rows: ['write:kvm:local-file:scsi-sparse-file'],
    note: 'Table 1 prints avgrq-sz 30 sectors (15 kB) for this row, twice the text\'s figure.' },
  { id: 'sparse.write-request-kB', quantity: 'average host write request, KVM sparse file', value: 7.5, unit: 'kB', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_SPARSE_RQ }, rows: ['write:kvm:local-file:scsi-sparse-file'] },
  { id: 'host.small-request-write-max', quantity: 'best host dd write bandwidth with 7.5 kB requests', value: 15.7, unit: 'MB/s', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_SMALL_RQ_BW }, note: 'Printed as "15.7MB"; it is a bandwidth, so MB/s.' },
  { id: 'host.64k-write', quantity: 'host dd write bandwidth with 64 kB requests, same disk', value: 100, unit: 'MB/s', qualifier: 'at-least',
    source: { section: S_STORAGE, quote: Q_SMALL_RQ_BW }, rows: ['write:none:local-disk'] },
  { id: 'virtio.write-queue', quantity: 'host queue depth, KVM virtio write to local disk', value: 60, unit: 'requests', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_VIRTIO_QUEUE }, rows: VIRTIO_LOCAL_WRITES },
  { id: 'virtio.write-request-kB', quantity: 'host request size, KVM virtio write to local disk', value: 512, unit: 'kB', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_VIRTIO_QUEUE }, rows: VIRTIO_LOCAL_WRITES },
  { id: 'virtio.write-disk-busy', quantity: 'disk busy time, KVM virtio write to local disk', value: 100, unit: 'pct-of-time', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_VIRTIO_QUEUE }, rows: VIRTIO_LOCAL_WRITES },
  { id: 'kvm.read-best', quantity: 'best KVM read bandwidth from a local disk', value: 76, unit: 'MB/s', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_READ_BEST }, rows: ['read:kvm:local-disk:virtio-phy'] },
  { id: 'kvm.read-best-of-native', quantity: 'best KVM local read bandwidth relative to native', value: 70, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_READ_BEST }, rows: ['read:kvm:local-disk:virtio-phy', 'read:none:local-disk'] },
  { id: 'native.read', quantity: 'non-virtualized dd read bandwidth', value: 108, unit: 'MB/s', qualifier: 'exact',
    source: { section: S_STORAGE, quote: Q_READ_BEST }, rows: ['read:none:local-disk'] },
  { id: 'kvm.read-disk-idle', quantity: 'disk idle time during KVM guest reads (synchronous reader)', value: [30, 40], unit: 'pct-of-time', qualifier: 'approx',
    source: { section: S_STORAGE, quote: Q_IDLE }, rows: KVM_LOCAL_READS, note: 'Table 2 %util 57-68% for these rows, i.e. 32-43% idle.' },
  { id: 'ebs.write-guest-vs-host', quantity: 'EBS write bandwidth, KVM guest vs the same EBS device from the host', value: -68, unit: 'pct-change', qualifier: 'approx',
    source: { section: S_STORAGE, quote: Q_EBS_WRITE }, rows: [...KVM_EBS_WRITES, 'write:none:ebs'], note: 'Table 1: 18.7-20.3 vs 65.2 MB/s = -69% to -71%.' },
  { id: 'ebs.read-guest-vs-host', quantity: 'EBS read bandwidth, guest vs the same EBS device from the host', value: -10, unit: 'pct-change', qualifier: 'approx',
    source: { section: S_STORAGE, quote: Q_EBS_READ }, rows: [...KVM_EBS_READS, 'read:none:ebs'], note: 'Table 2: KVM 46.2-49.5 vs 55.8 MB/s = -11% to -17%.' },
  { id: 'hadoop.kvm-of-native', quantity: 'Hadoop storage bandwidth in KVM (SCSI and virtio) relative to native Hadoop', value: 60, unit: 'pct-of-native', qualifier: 'exact',
    source: { section: S_STORAGE, figure: 'Figure 3', quote: Q_HADOOP } },
  { id: 'net.driver-domain-max', quantity: 'guest network bandwidth to the driver domain, either direction, any driver', value: 700, unit: 'Mb/s', qualifier: 'at-most',
    source: { section: S_NETWORK, figure: 'Figure 4', quote: Q_NET_700 } },
  { id: 'net.cpu-idle', quantity: 'processor idle time during the driver-domain network test', value: 90, unit: 'pct-of-time', qualifier: 'at-least',
    source: { section: S_NETWORK, figure: 'Figure 4', quote: Q_NET_700 } },
  { id: 'baseline.disk-peak', quantity: 'native disk peak read and write bandwidth (Seagate Barracuda 7200.11 500GB)', value: 110, unit: 'MB/s', qualifier: 'approx',
    source: { section: S_SYSTEM, quote: Q_DISK_PEAK } },
  { id: 'baseline.disk-peak-block', quantity: 'block size needed for the disk peak bandwidth', value: 64, unit: 'kB', qualifier: 'at-least',
    source: { section: S_SYSTEM, quote: Q_DISK_PEAK } },
  { id: 'baseline.tcp', quantity: 'max application-level TCP throughput of the gigabit network, each direction', value: 940, unit: 'Mb/s', qualifier: 'exact',
    source: { section: S_SYSTEM, quote: Q_TCP } },
  { id: 'method.dd-size', quantity: 'dd test size', value: 20, unit: 'GB', qualifier: 'exact', source: { section: S_APPS, quote: Q_DD } },
  { id: 'method.dd-block', quantity: 'dd block size', value: 64, unit: 'kB', qualifier: 'exact', source: { section: S_APPS, quote: Q_DD } },
  { id: 'setup.mtu', quantity: 'MTU of the private (EBS) network', value: 9000, unit: 'bytes', qualifier: 'exact', source: { section: S_SYSTEM, quote: Q_MTU } },
] satisfies PaperFact[]);
