import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise, THRESHOLDS } from '../../shared/advisor/rules.js';
import { advisorInputFromPaperRow } from '../../shared/advisor/from-paper.js';
import { sectorsFromKB } from '../../shared/advisor/types.js';
import type { AdvisorInput } from '../../shared/advisor/types.js';
import { PAPER_ROWS, paperRow } from '../../shared/reference/shafer2010.js';

const fired = (input: AdvisorInput) => advise(input).map((a) => a.ruleId);
const fromRow = (id: string) => advisorInputFromPaperRow(paperRow(id));

test('sparse-backing fires on the paper\'s KVM SCSI/sparse-file write (1.3 MB/s, 30 sectors, 0.9, 90%)', () => {
  const literal: AdvisorInput = { workload: 'write', guestMBps: 1.3, host: { avgRqSectors: 30, avgQueue: 0.9, utilPct: 90 }, config: { bus: 'lsi-scsi', backing: 'sparse-file' } };
  const [first] = advise(literal);
  assert.equal(first?.ruleId, 'sparse-backing');
  assert.equal(first.severity, 'warning', 'without a baseline the collapse cannot be sized');
  assert.match(first.explanation, /growing sparse file/);
  assert.match(first.explanation, /Table 1/);
  const replayed = advise(fromRow('write:kvm:local-file:scsi-sparse-file'));
  assert.equal(replayed[0]?.ruleId, 'sparse-backing');
  assert.equal(replayed[0].severity, 'critical', '1.3 of 111 MB/s is a collapse');
  // Same numbers on a pre-allocated file or a whole device: the growing-file explanation does not apply.
  assert.ok(!fired({ ...literal, config: { bus: 'lsi-scsi', backing: 'prealloc-file' } }).includes('sparse-backing'));
  assert.ok(!fired({ ...literal, workload: 'read' }).includes('sparse-backing'));
  assert.match(advise({ ...literal, config: { bus: 'virtio-blk', backing: 'qcow2' } })[0]!.title, /qcow2/);
});

test('nothing fires for the paper\'s native write (None/local disk: 111 MB/s, 1024 sectors, queue 140, 100%)', () => {
  const host = { avgRqSectors: 1024, avgQueue: 140, utilPct: 100 };
  assert.deepEqual(fired({ workload: 'write', guestMBps: 111, hostBaselineMBps: 111, host }), []);
  assert.deepEqual(fired({ workload: 'write', guestMBps: 111, hostBaselineMBps: 111, host, config: { bus: 'lsi-scsi', backing: 'sparse-file' } }), []);
  assert.deepEqual(fired(fromRow('write:none:local-disk')), []);
});

test('synchronous-reader fires on the paper\'s KVM Virtio/phy read (76.2 MB/s, 512, queue 0.5, 57%)', () => {
  const input: AdvisorInput = { workload: 'read', guestMBps: 76.2, host: { avgRqSectors: 512, avgQueue: 0.5, utilPct: 57 } };
  const advice = advise(input);
  assert.deepEqual(advice.map((a) => a.ruleId), ['synchronous-reader']);
  assert.match(advice[0]!.suggestion, /libaio.*iodepth/);
  assert.match(advice[0]!.explanation, /Table 2/);
  // The native read also has queue < 1, but the disk is busy 96%: a synchronous reader is fine there.
  assert.deepEqual(fired(fromRow('read:none:local-disk')), []);
  assert.deepEqual(fired({ ...input, host: { avgRqSectors: 512, avgQueue: 16, utilPct: 57 } }), []);
});

test('emulated-driver fires on emulated SCSI with a shallow write queue or tiny requests, not on virtio', () => {
  assert.ok(fired(fromRow('write:kvm:local-disk:scsi-phy')).includes('emulated-driver'));
  assert.ok(!fired(fromRow('write:kvm:local-disk:virtio-phy')).includes('emulated-driver'));
  const xenRead = advise(fromRow('read:xen:local-disk:scsi-phy'));
  assert.deepEqual(xenRead.map((a) => a.ruleId), ['emulated-driver']);
  assert.match(xenRead[0]!.explanation, /14-sector/);
  assert.match(xenRead[0]!.suggestion, /XVD/);
  // Same shallow queue on virtio-blk is not the controller's fault.
  const kvmScsi = fromRow('write:kvm:local-disk:scsi-phy');
  assert.ok(!fired({ ...kvmScsi, config: { bus: 'virtio-blk', backing: 'block-device' } }).includes('emulated-driver'));
  assert.match(advise({ ...kvmScsi, config: { bus: 'ide', backing: 'block-device' } })[0]!.suggestion, /virtio-blk/);
});

test('driver-path fires when the host disk idles but the guest is slow against its baseline', () => {
  const row = fromRow('write:kvm:local-disk:scsi-phy'); // 71.5 of 111 MB/s at 64% util
  assert.ok(fired(row).includes('driver-path'));
  const { hostBaselineMBps: _drop, ...noBaseline } = row;
  assert.ok(!fired(noBaseline).includes('driver-path'), 'needs a baseline');
  assert.ok(!fired(fromRow('write:xen:local-disk:scsi-phy')).includes('driver-path'), '86% busy: the disk is the limit');
  assert.ok(!fired({ ...row, guestMBps: 100 }).includes('driver-path'), '90% of baseline is not slow');
});

test('ebs-guest-path fires for KVM EBS writes through the host (18.7 vs 65.2 MB/s) but not reads (49.5 vs 55.8)', () => {
  const write = advise(fromRow('write:kvm:ebs:scsi-phy'));
  assert.deepEqual(write.map((a) => a.ruleId), ['ebs-guest-path']);
  assert.match(write[0]!.explanation, /29% of the 65.2 MB\/s/);
  assert.match(write[0]!.suggestion, /inside the guest/);
  assert.deepEqual(fired(fromRow('read:kvm:ebs:scsi-phy')), []);
  const inGuest = fromRow('write:kvm:ebs:scsi-phy');
  assert.deepEqual(fired({ ...inGuest, config: { ...inGuest.config!, ebs: 'in-guest' } }), []);
});

// Every row of both tables replayed through the advisor; rows not listed get no advice.
const EXPECTED: Record<string, string[]> = {
  'write:kvm:local-file:scsi-sparse-file': ['sparse-backing', 'emulated-driver'],
  'write:kvm:local-disk:scsi-phy': ['emulated-driver', 'driver-path'],
  'write:kvm:local-disk:scsi-tap': ['emulated-driver', 'driver-path'],
  'write:xen:local-disk:scsi-phy': ['emulated-driver'],
  'write:kvm:ebs:scsi-phy': ['ebs-guest-path'],
  'write:kvm:ebs:scsi-tap': ['ebs-guest-path'],
  'write:kvm:ebs:virtio-phy': ['ebs-guest-path'],
  'write:kvm:ebs:virtio-tap': ['ebs-guest-path'],
  'write:xen:ebs:scsi-phy': ['ebs-guest-path'],
  'write:xen:ebs:scsi-tap': ['ebs-guest-path'],
  'read:kvm:local-disk:scsi-phy': ['synchronous-reader', 'driver-path'],
  'read:kvm:local-disk:scsi-tap': ['synchronous-reader', 'driver-path'],
  'read:kvm:local-disk:virtio-phy': ['synchronous-reader', 'driver-path'],
  'read:kvm:local-disk:virtio-tap': ['synchronous-reader', 'driver-path'],
  'read:xen:local-disk:scsi-phy': ['emulated-driver'],
  'read:xen:local-disk:scsi-tap': ['emulated-driver'],
};

test('all 38 paper rows replayed: each rule fires exactly on the rows the paper blames', () => {
  for (const id of Object.keys(EXPECTED)) assert.doesNotThrow(() => paperRow(id));
  for (const row of PAPER_ROWS) assert.deepEqual(fired(advisorInputFromPaperRow(row)), EXPECTED[row.id] ?? [], row.id);
});

test('every explanation cites the paper (table or section) and names only real rows', () => {
  for (const row of PAPER_ROWS) {
    for (const a of advise(advisorInputFromPaperRow(row))) {
      assert.match(a.explanation, /Shafer 2010 Table [12]|Table [12]:/, `${row.id} ${a.ruleId}`);
      assert.match(`${a.explanation} ${a.suggestion}`, /§[34]/, `${row.id} ${a.ruleId}`);
      assert.ok(a.paperRows.length > 0);
      for (const id of a.paperRows) assert.doesNotThrow(() => paperRow(id));
    }
  }
});

test('thresholds separate the paper rows they were set from', () => {
  assert.ok(paperRow('write:kvm:local-file:scsi-sparse-file').avgRqSectors! < THRESHOLDS.splitWriteSectors);
  assert.ok(paperRow('read:kvm:local-disk:virtio-phy').avgQueue! <= THRESHOLDS.syncReaderQueue);
  assert.ok(paperRow('read:none:local-disk').utilPct! >= THRESHOLDS.syncReaderUtilPct);
  assert.ok(paperRow('write:xen:local-disk:xvd-phy').avgQueue! >= THRESHOLDS.shallowQueue);
  assert.ok(paperRow('read:kvm:ebs:scsi-phy').bandwidthMBps / paperRow('read:none:ebs').bandwidthMBps >= THRESHOLDS.ebsSlowShare);
});

test('bad input is rejected with a specific message; sysstat kB convert to sectors', () => {
  assert.throws(() => advise({ workload: 'write', guestMBps: -1 }), { code: 'INVALID_ARGUMENT', message: /guest bandwidth/ });
  assert.throws(() => advise({ workload: 'write', guestMBps: 1, hostBaselineMBps: 0 }), { code: 'INVALID_ARGUMENT', message: /baseline/ });
  assert.throws(() => advise({ workload: 'read', guestMBps: 1, host: { avgRqSectors: 8, avgQueue: 1, utilPct: 250 } }), { code: 'INVALID_ARGUMENT', message: /%util/ });
  assert.throws(() => advise({ workload: 'read', guestMBps: 1, host: { avgRqSectors: NaN, avgQueue: 1, utilPct: 50 } }), { message: /avgRqSectors/ });
  assert.equal(sectorsFromKB(15), 30);
});
