// Presets become ordinary plans the engine accepts (parsePlan), at the chosen scale, filtered by
// --only, tagged with the accelerator, with the local lab's nodes and addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlan } from '../../shared/bench/plan.js';
import { buildPresetPlan, TCG_NOTE, type PresetLab } from '../../shared/presets/index.js';
import { appErrorOf } from '../helpers/app-error.js';

const lab: PresetLab = {
  accel: 'tcg', frontLab: '10.236.7.1', backLab: '10.236.7.2', nbdUrl: 'nbd://10.236.7.1:10809/vol0', aoeTarget: 'aoe:e1.0', memoryMiB: 512, diskDir: '/var/lib/iovlab/local-lab/disks',
};

const code = appErrorOf;

test('the storage preset is a valid plan: dd write + read of 64k blocks on the guest disk, sampled on the back-end', () => {
  const { plan, scale, omitted } = buildPresetPlan('shafer2010-storage', lab);
  assert.deepEqual(omitted, []);
  const parsed = parsePlan(plan);
  assert.equal(parsed.repeats, 3);
  assert.equal(scale.sizeBytes, 64 * 2 ** 20);
  assert.deepEqual(parsed.workloads.map((w) => [w.id, w.tool, 'op' in w ? w.op : null, 'size' in w ? w.size : null, 'blockSize' in w ? w.blockSize : null]), [
    ['dd-write', 'dd', 'write', 64 * 2 ** 20, 65536],
    ['dd-read', 'dd', 'read', 64 * 2 ** 20, 65536],
    // The host-side EBS baseline's own NBD client (test/unit/ebs-host-baseline.test.ts).
    ['ebs-fio-write', 'fio', 'write', 64 * 2 ** 20, 65536],
    ['ebs-fio-read', 'fio', 'read', 64 * 2 ** 20, 65536],
  ]);
  assert.deepEqual(parsed.targets.map((t) => [t.name, t.node, t.kind, t.hostNode]), [['disk', 'guest', 'device', 'back']]);
  const baseline = parsed.configs.find((c) => c.name === 'host-device');
  assert.equal(baseline?.vm, undefined, 'the host baseline boots no guest');
  const sparse = parsed.configs.find((c) => c.name === 'lsi-scsi-sparse-file');
  assert.equal(sparse?.vm?.disk.bus, 'lsi-scsi');
  assert.equal(sparse?.vm?.disk.backing, 'sparse-file');
  assert.equal(sparse?.vm?.accel, 'tcg');
  assert.equal(sparse?.vm?.memoryMiB, 512);
  assert.equal(parsed.configs.find((c) => c.name === 'ebs-guest-aoe-virtio')?.vm?.ebs?.export, 'aoe:e1.0');
  assert.equal(parsed.configs.find((c) => c.name === 'ebs-host-nbd-lsi-scsi')?.vm?.ebs?.export, lab.nbdUrl);
});

test('every configuration carries its accelerator, and TCG guests the plain note', () => {
  const { plan } = buildPresetPlan('shafer2010-storage', lab);
  for (const c of parsePlan(plan).configs) {
    assert.equal(c.tags.accel, 'tcg', c.name);
    assert.equal(c.tags.preset, 'shafer2010-storage');
    if (c.vm) assert.equal(c.tags.note, TCG_NOTE, c.name);
  }
  assert.match(TCG_NOTE, /TCG.*emulated.*CPU.*not representative/);
  const kvm = parsePlan(buildPresetPlan('shafer2010-storage', { ...lab, accel: 'kvm' }).plan);
  assert.ok(kvm.configs.every((c) => c.tags.accel === 'kvm' && c.tags.note === undefined));
  assert.match(kvm.name, /kvm/);
});

test('--only keeps configurations containing any of its comma-separated substrings, in preset order', () => {
  const { plan } = buildPresetPlan('shafer2010-storage', lab, { only: 'virtio-blk-sparse,lsi-scsi-prealloc, ebs-host-nbd-virtio-blk ' });
  assert.deepEqual(parsePlan(plan).configs.map((c) => c.name), ['lsi-scsi-prealloc-file', 'virtio-blk-sparse-file', 'ebs-host-nbd-virtio-blk']);
  assert.match(code(() => buildPresetPlan('shafer2010-storage', lab, { only: 'floppy' })), /^INVALID_ARGUMENT: --only "floppy" matches no configuration of shafer2010-storage; its configurations are: host-device, lsi-scsi-sparse-file/);
});

test('a lab without AoE leaves the AoE configurations out and says why', () => {
  const { plan, omitted } = buildPresetPlan('shafer2010-storage', { ...lab, aoeTarget: null });
  assert.deepEqual(omitted.map((o) => o.name), ['ebs-guest-aoe-e1000', 'ebs-guest-aoe-virtio']);
  assert.match(omitted[0]?.reason ?? '', /vblade/);
  assert.ok(!parsePlan(plan).configs.some((c) => c.name.includes('aoe')));
  assert.match(code(() => buildPresetPlan('shafer2010-storage', { ...lab, aoeTarget: null }, { only: 'aoe' })), /^INVALID_ARGUMENT: no configuration of shafer2010-storage can run on this lab: ebs-guest-aoe-e1000: /);
});

test('sizes: a given size, the paper\'s 20 GiB, repeats; sizes that are not whole 64k blocks are refused', () => {
  const small = parsePlan(buildPresetPlan('shafer2010-storage', lab, { size: 16 * 2 ** 20, repeats: 1 }).plan);
  assert.equal(small.repeats, 1);
  assert.ok(small.workloads.every((w) => 'size' in w && w.size === 16 * 2 ** 20));
  const paper = buildPresetPlan('shafer2010-storage', lab, { size: 'paper' });
  assert.equal(paper.scale.sizeBytes, 20 * 2 ** 30);
  assert.match(paper.plan.name, /paper sizes/);
  assert.match(code(() => buildPresetPlan('shafer2010-storage', lab, { size: 1000 })), /^INVALID_ARGUMENT: --size must be a whole number of 64 KiB blocks/);
  assert.match(code(() => buildPresetPlan('shafer2010-storage', lab, { repeats: 0 })), /^INVALID_ARGUMENT: --repeats must be 1-1000/);
  assert.match(code(() => buildPresetPlan('shafer2010-disk', lab)), /^NOT_FOUND: no preset "shafer2010-disk"; the presets are shafer2010-storage, shafer2010-network/);
});

test('the network preset: guest to driver domain and to the other host, transmit and receive, e1000 and virtio', () => {
  const parsed = parsePlan(buildPresetPlan('shafer2010-network', lab).plan);
  assert.deepEqual(parsed.targets, []);
  assert.deepEqual(parsed.configs.map((c) => [c.name, c.vm?.nic.model]), [['nic-e1000', 'e1000'], ['nic-virtio', 'virtio']]);
  assert.deepEqual(parsed.workloads.map((w) => w.tool === 'iperf3' && [w.id, w.client, w.server, w.serverAddress, w.direction, w.durationS]), [
    ['driver-domain-transmit', 'guest', 'back', '10.236.7.2', 'send', 5],
    ['driver-domain-receive', 'guest', 'back', '10.236.7.2', 'receive', 5],
    ['other-host-transmit', 'guest', 'front', '10.236.7.1', 'send', 5],
    ['other-host-receive', 'guest', 'front', '10.236.7.1', 'receive', 5],
  ]);
  const paper = parsePlan(buildPresetPlan('shafer2010-network', lab, { size: 'paper' }).plan);
  assert.ok(paper.workloads.every((w) => w.tool === 'iperf3' && w.durationS === 10));
});
