// describeConfig: short labels and the mapping onto Shafer 2010's Tables 1-2 terminology.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeConfig, parseVmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';

function cfg(disk: Partial<VmConfigInput['disk']>, rest: Partial<VmConfigInput> = {}) {
  return parseVmConfig({
    name: 'd',
    disk: { bus: 'virtio-blk', backing: 'prealloc-file', path: '/x.img', cache: 'none', aio: 'native', ...disk },
    nic: { model: 'virtio' },
    ...rest,
  });
}

test('the label reads bus / backing / cache+aio / NIC', () => {
  assert.equal(describeConfig(cfg({})).label, 'virtio-blk / preallocated file / cache=none aio=native / virtio-net');
  assert.equal(
    describeConfig(cfg({ bus: 'lsi-scsi', backing: 'sparse-file', cache: 'writeback', aio: 'threads' }, { nic: { model: 'e1000' } })).label,
    'LSI SCSI / sparse file / cache=writeback aio=threads / e1000',
  );
});

test('the Eucalyptus KVM default (lsi-scsi + sparse file + e1000) is marked (*) as in Tables 1-2', () => {
  const d = describeConfig(cfg({ bus: 'lsi-scsi', backing: 'sparse-file', cache: 'writeback', aio: 'threads' }, { nic: { model: 'e1000' } }));
  assert.equal(d.paperLabel, 'KVM Local file(*) SCSI/sparse file');
  assert.deepEqual([d.paper.eucalyptusDefault, d.paper.inTables], [true, true]);
  // Same disk with virtio-net is no longer what Eucalyptus set up.
  assert.equal(describeConfig(cfg({ bus: 'lsi-scsi', backing: 'sparse-file', aio: 'threads' })).paper.eucalyptusDefault, false);
});

test('whole devices are "phy" rows; virtio-blk is "Virtio"', () => {
  assert.equal(describeConfig(cfg({ backing: 'device', path: '/dev/sdb' })).paperLabel, 'KVM Local disk Virtio/phy');
  const scsiPhy = describeConfig(cfg({ bus: 'lsi-scsi', backing: 'device', path: '/dev/sdb' }, { nic: { model: 'e1000' } }));
  assert.equal(scsiPhy.paperLabel, 'KVM Local disk SCSI/phy');
  assert.equal(scsiPhy.paper.inTables, true);
});

test('Xen rows: the xen bus is XVD, and the pre-allocated SCSI file is the Xen default', () => {
  const xvd = describeConfig(cfg({ bus: 'xen', backing: 'device', path: '/dev/sdb' }));
  assert.equal(xvd.paperLabel, 'Xen Local disk XVD/phy');
  assert.equal(xvd.paper.nic, 'Xen PV net');
  const xenDefault = describeConfig(cfg({ bus: 'lsi-scsi', backing: 'prealloc-file' }), 'xen');
  assert.equal(xenDefault.paperLabel, 'Xen Local file(*) SCSI/pre-alloc file');
  assert.equal(xenDefault.paper.inTables, true);
});

test('configurations the paper did not measure say so', () => {
  for (const d of [cfg({ bus: 'virtio-scsi' }), cfg({ backing: 'qcow2' }), cfg({ bus: 'ide', backing: 'device', path: '/dev/sdb' })].map((c) => describeConfig(c))) {
    assert.equal(d.paper.inTables, false, d.paperLabel);
    assert.equal(d.paper.eucalyptusDefault, false, d.paperLabel);
  }
});

test('EBS: host-side attach maps to the EBS rows, guest-side attach to the paper\'s proposed fix', () => {
  const host = describeConfig(cfg({ bus: 'lsi-scsi', backing: 'sparse-file', aio: 'threads' }, { nic: { model: 'e1000' }, ebs: { attach: 'host-nbd', export: 'nbd://10.0.0.1/vol' } }));
  assert.equal(host.paperLabel, 'KVM EBS(*) SCSI/phy');
  assert.match(host.paper.note ?? '', /stands in for/);
  assert.match(host.label, /\+ EBS host-nbd nbd:\/\/10\.0\.0\.1\/vol$/);
  const guest = describeConfig(cfg({}, { ebs: { attach: 'guest-aoe', export: 'aoe:e1.0' } }));
  assert.equal(guest.paperLabel, 'KVM EBS (in guest) AoE over virtio-net');
  assert.equal(guest.paper.inTables, false);
});
