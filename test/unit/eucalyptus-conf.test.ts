// eucalyptus.conf edits for the driver choice, on golden files: test/fixtures/drivers/eucalyptus/
// NAME.conf (before) -> NAME.CASE.conf (after). Regenerate only on purpose:
//   IOVLAB_UPDATE_GOLDENS=1 node --import tsx --test test/unit/eucalyptus-conf.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { applyToEucalyptusConf, eucalyptusSettings, overriddenByLocalConf, readEucaConf, setEucaConf } from '../../shared/vmconfig/eucalyptus-conf.js';
import { parseVmConfig, type VmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'drivers', 'eucalyptus');
const UPDATE = process.env['IOVLAB_UPDATE_GOLDENS'] === '1';

function cfg(bus: VmConfigInput['disk']['bus'], nic: 'e1000' | 'virtio', extra: Partial<VmConfigInput> = {}): VmConfig {
  return parseVmConfig({ name: `euca-${bus}-${nic}`, disk: { bus, backing: 'sparse-file', path: '/var/lib/eucalyptus/instances/x' }, nic: { model: nic }, ...extra });
}

const CASES: [string, VmConfig][] = [
  ['virtio-blk-virtio', cfg('virtio-blk', 'virtio')],
  ['lsi-e1000', cfg('lsi-scsi', 'e1000')],
];

function golden(file: string, text: string): void {
  const path = join(DIR, file);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) assert.fail(`missing golden ${file}; run with IOVLAB_UPDATE_GOLDENS=1 to create it`);
    writeFileSync(path, text);
  }
  assert.equal(text, readFileSync(path, 'utf8'), `${file} differs from the golden file`);
}

for (const base of ['uec-1.6.2', 'hand-edited']) {
  for (const [label, config] of CASES) {
    test(`golden ${base}.conf + ${label}`, () => {
      const before = readFileSync(join(DIR, `${base}.conf`), 'utf8');
      const out = applyToEucalyptusConf(before, config);
      golden(`${base}.${label}.conf`, out.text);
      // The NC sources the file: what it would read is exactly the mapped settings.
      const read = readEucaConf(out.text);
      for (const [k, v] of Object.entries(out.settings)) assert.equal(read.get(k), v, k);
      // Everything else survives: each line of the original that is not a virtio assignment is still there, in order.
      const kept = before.split('\n').filter((l) => !/^\s*(export\s+)?USE_VIRTIO_/.test(l));
      const after = out.text.split('\n');
      let at = 0;
      for (const line of kept) {
        at = after.indexOf(line, at);
        assert.ok(at >= 0, `line lost: ${JSON.stringify(line)}`);
      }
      // Applying again changes nothing.
      const again = applyToEucalyptusConf(out.text, config);
      assert.equal(again.text, out.text);
      assert.deepEqual(again.changed, []);
    });
  }
}

test('UEC defaults: root on emulated SCSI, EBS on virtio, e1000; the lsi/e1000 configuration changes only USE_VIRTIO_DISK', () => {
  const before = readFileSync(join(DIR, 'uec-1.6.2.conf'), 'utf8');
  const out = applyToEucalyptusConf(before, cfg('lsi-scsi', 'e1000'));
  assert.deepEqual(out.changed, ['USE_VIRTIO_DISK: "1" -> "0"']);
  assert.deepEqual(out.settings, { USE_VIRTIO_ROOT: '0', USE_VIRTIO_DISK: '0', USE_VIRTIO_NET: '0' });
});

test('hand-edited file: a commented template gets the value after it, a missing key is appended, a duplicate is set everywhere', () => {
  const out = applyToEucalyptusConf(readFileSync(join(DIR, 'hand-edited.conf'), 'utf8'), cfg('virtio-blk', 'virtio'));
  const lines = out.text.split('\n');
  const template = lines.indexOf('#USE_VIRTIO_ROOT="0"');
  assert.equal(lines[template + 1], 'USE_VIRTIO_ROOT="1"');
  assert.ok(lines.includes('export USE_VIRTIO_NET="1"   # back to e1000 for the driver comparison'), 'export and the trailing comment are kept');
  assert.equal(lines.filter((l) => l.includes('USE_VIRTIO_DISK')).length, 1);
  assert.match(out.text, /# iovlab: guest drivers for configuration "euca-virtio-blk-virtio"\nUSE_VIRTIO_DISK="1"\n$/);
  assert.deepEqual(out.changed, ['USE_VIRTIO_ROOT: (unset) -> "1"', 'USE_VIRTIO_DISK: (unset) -> "1"', 'USE_VIRTIO_NET: "0" -> "1"']);
});

test('CRLF files keep their line endings', () => {
  const out = setEucaConf('A="1"\r\n#USE_VIRTIO_NET="0"\r\nB="2"\r\n', { USE_VIRTIO_NET: '1', USE_VIRTIO_ROOT: '0' }, 'why');
  assert.equal(out.text, 'A="1"\r\n#USE_VIRTIO_NET="0"\r\nUSE_VIRTIO_NET="1"\r\nB="2"\r\n\r\n# why\r\nUSE_VIRTIO_ROOT="0"\r\n');
});

test('what Eucalyptus 1.6 cannot express is refused, naming the field and the way out', () => {
  const refusals: [VmConfig, RegExp][] = [
    [cfg('virtio-scsi', 'virtio'), /^disk\.bus: cannot be applied to a Eucalyptus 1\.6 node controller: .*no virtio-scsi setting/],
    [cfg('ide', 'e1000'), /^disk\.bus: .*never IDE\. Choose lsi-scsi \(the default\) or virtio-blk/],
    [cfg('xen', 'e1000'), /^disk\.bus: .*only act on KVM node controllers.*--stack xen/],
    [cfg('virtio-blk', 'virtio', { ebs: { attach: 'host-nbd', export: 'nbd://10.0.0.1:10809/vol' } }), /^ebs\.attach: .*euca-attach-volume/],
  ];
  for (const [config, message] of refusals) {
    assert.throws(() => eucalyptusSettings(config), (e) => isAppError(e) && e.code === 'INVALID_ARGUMENT' && message.test(e.message), config.name);
  }
  assert.throws(
    () => applyToEucalyptusConf('HYPERVISOR="xen"\nUSE_VIRTIO_NET="0"\n', cfg('virtio-blk', 'virtio'), 'node "nc1"'),
    (e) => isAppError(e) && /node "nc1" runs HYPERVISOR="xen": the USE_VIRTIO settings only act on KVM/.test(e.message),
  );
  // Guest-side EBS is fine: the guest attaches it over its NIC.
  assert.equal(eucalyptusSettings(cfg('virtio-blk', 'e1000', { ebs: { attach: 'guest-aoe', export: 'aoe:e1.0' } })).settings.USE_VIRTIO_NET, '0');
});

test('what Eucalyptus decides itself is said, not silently dropped', () => {
  const notes = eucalyptusSettings(cfg('lsi-scsi', 'e1000', { nic: { model: 'e1000', bridge: 'br1' } })).notes.join('\n');
  assert.match(notes, /disk\.backing sparse-file and disk\.path are Eucalyptus' choice/);
  assert.match(notes, /disk\.cache writeback and disk\.aio threads cannot be set/);
  assert.match(notes, /nic\.tap, nic\.bridge and nic\.mac/);
});

test('eucalyptus.local.conf settings that would override the edit are found', () => {
  assert.deepEqual(overriddenByLocalConf('# euca_conf\nVNET_MODE="SYSTEM"\nUSE_VIRTIO_NET="1"\n'), ['USE_VIRTIO_NET="1"']);
  assert.deepEqual(overriddenByLocalConf('#USE_VIRTIO_NET="1"\n'), []);
});
