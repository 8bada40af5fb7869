// The presets' configurations against the paper's own tables and the configuration model: every
// configuration renders to a real QEMU command line with the controller and NIC its name says,
// and every paper row it claims exists in Tables 1-2 as transcribed (shared/reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS, PRESET_IDS, SHAFER2010_NETWORK, SHAFER2010_STORAGE } from '../../shared/presets/index.js';
import { paperRowsFor, type Backing } from '../../shared/reference/match.js';
import { TABLE_1_WRITE, TABLE_2_READ } from '../../shared/reference/shafer2010.js';
import { parseVmConfig, renderQemuArgv, type DiskBacking } from '../../shared/vmconfig/index.js';

const CONTROLLER = { 'lsi-scsi': 'lsi53c895a,id=scsi0', 'virtio-blk': 'virtio-blk-pci,', 'virtio-scsi': 'virtio-scsi-pci,id=scsi0', ide: 'ide-hd,' } as const;
const NIC = { e1000: 'e1000,netdev=net0', virtio: 'virtio-net-pci,netdev=net0' } as const;
const printed = (r: (typeof TABLE_1_WRITE)[number]) => `${r.vmm} ${r.target}${r.eucalyptusDefault ? '(*)' : ''}${r.driver ? ` ${r.driver}` : ''}`;
const toMatchBacking = (b: DiskBacking): Backing => (b === 'device' ? 'block-device' : b);

test('the two presets have the ids the CLI documents', () => {
  assert.deepEqual(PRESETS.map((p) => p.id), [...PRESET_IDS]);
  assert.deepEqual([...PRESET_IDS], ['shafer2010-storage', 'shafer2010-network']);
});

test('storage: every bus x backing the issue asks for, the host baseline, EBS host-side and guest-side', () => {
  const names = SHAFER2010_STORAGE.configurations.map((c) => c.name);
  for (const bus of ['lsi-scsi', 'virtio-blk', 'virtio-scsi', 'ide']) {
    for (const backing of ['sparse-file', 'prealloc-file', 'device']) assert.ok(names.includes(`${bus}-${backing}`), `${bus}-${backing}`);
  }
  assert.ok(names.includes('host-device'));
  assert.deepEqual(names.filter((n) => n.startsWith('ebs-host-')), ['ebs-host-baseline', 'ebs-host-nbd-lsi-scsi', 'ebs-host-nbd-virtio-blk']);
  assert.deepEqual(names.filter((n) => n.startsWith('ebs-guest-')).sort(), ['ebs-guest-aoe-e1000', 'ebs-guest-aoe-virtio', 'ebs-guest-nbd-e1000', 'ebs-guest-nbd-virtio']);
  assert.equal(new Set(names).size, names.length, 'names are unique');
  const whole = SHAFER2010_STORAGE.configurations.filter((c) => c.guest?.backing === 'device' || c.name === 'host-device');
  for (const c of whole) assert.match(`${c.title} ${c.notes.join(' ')}`, /loop device with direct I\/O over a preallocated file/, `${c.name} says what "whole device" is`);
});

test('every guest configuration renders to QEMU with the controller and NIC its name spells', () => {
  for (const preset of PRESETS) {
    for (const c of preset.configurations) {
      if (!c.guest) continue;
      const g = c.guest;
      const cfg = parseVmConfig({ name: c.name, accel: 'tcg', disk: { bus: g.bus, backing: g.backing, path: '/var/lib/iovlab/d.img', cache: g.cache, aio: g.aio }, nic: { model: g.nic }, ...(g.ebs ? { ebs: { attach: g.ebs, export: g.ebs === 'guest-aoe' ? 'aoe:e1.0' : 'nbd://10.236.0.1:10809/vol0' } } : {}) });
      const argv = renderQemuArgv(cfg).join(' ');
      assert.ok(argv.includes(CONTROLLER[g.bus as keyof typeof CONTROLLER]), `${c.name}: ${argv}`);
      assert.ok(argv.includes(NIC[g.nic]), `${c.name}: NIC ${g.nic}`);
      assert.ok(c.name.includes(g.bus) || c.name.includes(g.nic), `${c.name} names its bus or NIC as the config JSON spells them`);
      if (g.ebs === 'host-nbd') assert.match(argv, /"driver":"nbd".*"host":"10\.236\.0\.1"/, `${c.name}: QEMU's NBD client attaches the volume`);
      if (g.ebs?.startsWith('guest-')) assert.ok(c.name.includes(g.nic), `${c.name}: a guest-side EBS configuration names the NIC it travels over`);
    }
  }
});

test('every paper row a configuration claims is in Tables 1-2, and matches the reference mapping', () => {
  const rows = new Set([...TABLE_1_WRITE, ...TABLE_2_READ].map(printed));
  for (const c of SHAFER2010_STORAGE.configurations) {
    if (c.paperRow) assert.ok(rows.has(c.paperRow), `${c.name}: "${c.paperRow}" is not a row of Tables 1-2`);
    const g = c.guest;
    if (!g || g.ebs?.startsWith('guest-')) continue;
    const target = g.ebs === 'host-nbd' ? 'ebs' : 'local';
    const exact = paperRowsFor({ bus: g.bus as 'lsi-scsi', backing: g.ebs ? 'block-device' : toMatchBacking(g.backing), target }, 'write').filter((m) => m.match === 'exact');
    assert.equal(c.paperRow, exact[0] ? printed(exact[0].row) : null, `${c.name}: paper row`);
  }
  assert.equal(SHAFER2010_STORAGE.configurations.find((c) => c.name === 'lsi-scsi-sparse-file')?.paperRow, 'KVM Local file(*) SCSI/sparse file', "UEC's default");
});

test('network: e1000 against virtio-net, the sizes a laptop and the paper use', () => {
  assert.deepEqual(SHAFER2010_NETWORK.configurations.map((c) => [c.name, c.guest?.nic]), [['nic-e1000', 'e1000'], ['nic-virtio', 'virtio']]);
  assert.equal(SHAFER2010_STORAGE.laptop.sizeBytes, 64 * 2 ** 20);
  assert.equal(SHAFER2010_STORAGE.paper.sizeBytes, 20 * 2 ** 30, "the paper's dd runs moved 20 GB");
  assert.ok(SHAFER2010_NETWORK.paper.durationS >= SHAFER2010_NETWORK.laptop.durationS);
});
