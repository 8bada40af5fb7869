import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isEmulatedBus, paperRowsFor } from '../../shared/reference/match.js';
import { isParavirtual, nativeRow } from '../../shared/reference/shafer2010.js';

const ids = (ms: ReturnType<typeof paperRowsFor>) => ms.map((m) => `${m.match} ${m.row.id}`);

test('lsi-scsi on a sparse file is the UEC default KVM row "SCSI/sparse file"', () => {
  const write = paperRowsFor({ bus: 'lsi-scsi', backing: 'sparse-file', target: 'local' }, 'write');
  assert.deepEqual(ids(write), ['exact write:kvm:local-file:scsi-sparse-file']);
  assert.equal(write[0]!.row.eucalyptusDefault, true);
  assert.equal(write[0]!.row.bandwidthMBps, 1.3);
  assert.deepEqual(ids(paperRowsFor({ bus: 'lsi-scsi', backing: 'sparse-file', target: 'local' }, 'read')), ['exact read:kvm:local-file:scsi-sparse-file']);
});

test('a whole block device matches "phy" exactly and "tap" approximately', () => {
  assert.deepEqual(ids(paperRowsFor({ bus: 'virtio-blk', backing: 'block-device', target: 'local' }, 'read')), [
    'exact read:kvm:local-disk:virtio-phy',
    'approximate read:kvm:local-disk:virtio-tap',
  ]);
  assert.deepEqual(ids(paperRowsFor({ bus: 'lsi-scsi', backing: 'block-device', target: 'ebs' }, 'write')), [
    'exact write:kvm:ebs:scsi-phy',
    'approximate write:kvm:ebs:scsi-tap',
  ]);
});

test('virtio-scsi maps to the paper\'s virtio rows, flagged approximate with a note', () => {
  const m = paperRowsFor({ bus: 'virtio-scsi', backing: 'block-device', target: 'local' }, 'write');
  assert.deepEqual(ids(m), ['approximate write:kvm:local-disk:virtio-phy', 'approximate write:kvm:local-disk:virtio-tap']);
  assert.match(m[0]!.note ?? '', /virtio-blk/);
});

test('configurations the paper never measured match nothing', () => {
  assert.deepEqual(paperRowsFor({ bus: 'ide', backing: 'block-device', target: 'local' }, 'write'), []);
  assert.deepEqual(paperRowsFor({ bus: 'virtio-blk', backing: 'qcow2', target: 'local' }, 'write'), []);
  // The paper pre-allocated files only under Xen; KVM + pre-allocated file has no row.
  assert.deepEqual(paperRowsFor({ bus: 'lsi-scsi', backing: 'prealloc-file', target: 'local' }, 'write'), []);
  assert.deepEqual(ids(paperRowsFor({ bus: 'xen-scsi', backing: 'prealloc-file', target: 'local' }, 'write')), ['exact write:xen:local-file:scsi-prealloc-file']);
});

test('bus classification: emulated vs para-virtual, on both vocabularies', () => {
  assert.deepEqual((['lsi-scsi', 'ide', 'xen-scsi', 'virtio-blk', 'virtio-scsi', 'xvd'] as const).map(isEmulatedBus), [true, true, true, false, false, false]);
  assert.deepEqual((['scsi', 'virtio', 'xvd', 'proprietary', 'n/a'] as const).map(isParavirtual), [false, true, true, null, null]);
  assert.equal(nativeRow('write', 'ebs').bandwidthMBps, 65.2);
  assert.equal(nativeRow('read', 'local').bandwidthMBps, 108);
});
