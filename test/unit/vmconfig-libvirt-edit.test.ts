// Editing real `virsh dumpxml --inactive` outputs (recorded with libvirt 9.0, see
// test/fixtures/drivers/README.md) for each disk bus: golden files under
// test/fixtures/drivers/edit/, every output checked with `virt-xml-validate FILE domain`.
// Regenerate only on purpose: IOVLAB_UPDATE_GOLDENS=1 node --import tsx --test test/unit/vmconfig-libvirt-edit.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, type VmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';
import { editLibvirtDomain, summarizeDomain } from '../../shared/vmconfig/libvirt-edit.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'drivers');
const GOLD = join(FIX, 'edit');
const UPDATE = process.env['IOVLAB_UPDATE_GOLDENS'] === '1';
const DOMAINS = ['dumpxml-guest1-virtio-scsi', 'dumpxml-guest2-virtio-cdrom'];
const BUSES = ['virtio-blk', 'lsi-scsi', 'virtio-scsi', 'ide'] as const;

const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const validatorSkip = which('virt-xml-validate') && which('xmllint') ? false : 'virt-xml-validate/xmllint not installed (apt-get install --no-install-recommends libvirt-clients libxml2-utils)';

function cfg(bus: (typeof BUSES)[number], extra: Partial<VmConfigInput> = {}): VmConfig {
  const nic = bus === 'virtio-blk' || bus === 'virtio-scsi' ? 'virtio' : 'e1000';
  const cache = bus === 'virtio-blk' ? { cache: 'none' as const, aio: 'native' as const } : {};
  return parseVmConfig({ name: 'edit', disk: { bus, backing: 'prealloc-file', path: '/var/lib/iovlab/scratch.img', ...cache }, nic: { model: nic }, ...extra });
}

const read = (name: string) => readFileSync(join(FIX, `${name}.xml`), 'utf8');
const quotes = (s: string) => s.replace(/='([^']*)'/g, '="$1"');

function validate(xml: string, label: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-edit-'));
  try {
    writeFileSync(join(dir, 'd.xml'), xml);
    const r = spawnSync('virt-xml-validate', [join(dir, 'd.xml'), 'domain'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${label}: virt-xml-validate failed:\n${r.stdout}${r.stderr}\n${xml}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const domain of DOMAINS) {
  for (const bus of BUSES) {
    test(`golden ${domain} -> ${bus}`, () => {
      const out = editLibvirtDomain(read(domain), cfg(bus));
      const file = join(GOLD, `${domain}.${bus}.xml`);
      if (UPDATE) {
        mkdirSync(GOLD, { recursive: true });
        writeFileSync(file, out.xml);
      }
      assert.ok(existsSync(file), `missing golden ${file}; run with IOVLAB_UPDATE_GOLDENS=1`);
      assert.equal(out.xml, readFileSync(file, 'utf8'));
    });
  }
}

test('every edit passes virt-xml-validate (and the validator rejects a broken one)', { skip: validatorSkip }, () => {
  for (const domain of DOMAINS) for (const bus of BUSES) validate(editLibvirtDomain(read(domain), cfg(bus)).xml, `${domain} -> ${bus}`);
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-edit-'));
  try {
    writeFileSync(join(dir, 'bad.xml'), editLibvirtDomain(read(DOMAINS[0] ?? ''), cfg('ide')).xml.replace('bus="ide"', 'bus="bogus"'));
    assert.notEqual(spawnSync('virt-xml-validate', [join(dir, 'bad.xml'), 'domain'], { stdio: 'ignore' }).status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an edit that changes nothing keeps the document byte for byte (but the quote style), adding only the serial', () => {
  const before = read('dumpxml-guest1-virtio-scsi');
  const same = parseVmConfig({ name: 'x', disk: { bus: 'virtio-scsi', backing: 'sparse-file', path: '/var/lib/libvirt/images/guest1-scratch.img', cache: 'none', aio: 'native' }, nic: { model: 'e1000' } });
  const out = editLibvirtDomain(before, same);
  const expected = quotes(before).replace('<target dev="sdb" bus="scsi"/>\n      <address', '<target dev="sdb" bus="scsi"/>\n      <serial>iovlab-test</serial>\n      <address');
  assert.notEqual(expected, quotes(before));
  assert.equal(out.xml, expected);
  assert.equal(out.disk.after, 'sdb');
});

test('guest1 -> virtio-blk: the disk becomes vdb, its drive address and the now unused virtio-scsi controller go, the boot disk keeps its slot', () => {
  const out = editLibvirtDomain(read('dumpxml-guest1-virtio-scsi'), cfg('virtio-blk'));
  assert.deepEqual([out.disk.before, out.disk.after, out.disk.bus], ['sdb', 'vdb', 'virtio']);
  assert.doesNotMatch(out.xml, /type="drive"/);
  assert.doesNotMatch(out.xml, /controller type="scsi"/);
  assert.match(out.xml, /<target dev="vda" bus="virtio"\/>\n\s*<boot order="1"\/>\n\s*<address type="pci" domain="0x0000" bus="0x00" slot="0x04" function="0x0"\/>/);
  assert.match(out.xml, /<driver name="qemu" type="raw" cache="none" io="native"\/>\n\s*<source file="\/var\/lib\/iovlab\/scratch.img"\/>\n\s*<target dev="vdb" bus="virtio"\/>\n\s*<serial>iovlab-test<\/serial>\n\s*<\/disk>/);
  assert.ok(out.changes.some((c) => /removed SCSI controller 0 \(model virtio-scsi\)/.test(c)), out.changes.join('\n'));
});

test('guest1 -> lsi-scsi: the virtio-scsi controller becomes lsilogic in place, without its stale PCI address and queues', () => {
  const out = editLibvirtDomain(read('dumpxml-guest1-virtio-scsi'), cfg('lsi-scsi'));
  assert.match(out.xml, /<controller type="scsi" index="0" model="lsilogic"\/>/);
  assert.doesNotMatch(out.xml, /queues/);
  assert.deepEqual(out.disk.controller, { index: '0', model: 'lsilogic' });
});

test('guest2 -> lsi-scsi: a block device on a new controller; the virtio-only queues go, the cdrom keeps hdc and its address', () => {
  const out = editLibvirtDomain(read('dumpxml-guest2-virtio-cdrom'), cfg('lsi-scsi', { disk: { bus: 'lsi-scsi', backing: 'device', path: '/dev/sdc' } }));
  assert.deepEqual([out.disk.before, out.disk.after], ['vdb', 'sda']);
  assert.match(out.xml, /<disk type="block" device="disk">\n\s*<driver name="qemu" type="raw" cache="writeback" io="threads"\/>\n\s*<source dev="\/dev\/sdc"\/>\n\s*<target dev="sda" bus="scsi"\/>/);
  assert.match(out.xml, /<controller type="scsi" index="0" model="lsilogic"\/>/);
  assert.match(out.xml, /<target dev="hdc" bus="ide"\/>\n\s*<readonly\/>\n\s*<address type="drive" controller="0" bus="1" target="0" unit="0"\/>/);
});

test('guest2 -> ide: the test disk takes hda (hdc is the cdrom); virtio NIC -> e1000 drops the vhost <driver>', () => {
  const out = editLibvirtDomain(read('dumpxml-guest2-virtio-cdrom'), cfg('ide'));
  assert.equal(out.disk.after, 'hda');
  assert.deepEqual(out.nic, { mac: '52:54:00:6a:10:02', before: 'virtio', model: 'e1000' });
  assert.doesNotMatch(out.xml, /name="vhost"/);
  assert.match(out.xml, /<model type="e1000"\/>\n\s*<address type="pci" domain="0x0000" bus="0x00" slot="0x03" function="0x0"\/>/);
});

test('the test disk is found again by its serial after a switch renamed it', () => {
  const first = editLibvirtDomain(read('dumpxml-guest2-virtio-cdrom'), cfg('ide'));
  const second = editLibvirtDomain(first.xml, cfg('virtio-scsi'));
  assert.deepEqual([second.disk.before, second.disk.after], ['hda', 'sda']);
  const back = editLibvirtDomain(second.xml, cfg('virtio-blk'));
  assert.deepEqual([back.disk.before, back.disk.after], ['sda', 'vdb']);
  assert.doesNotMatch(back.xml, /controller type="scsi"/);
});

test('a boot disk on an lsilogic controller keeps it; virtio-scsi for the test disk gets a second controller and an explicit address', { skip: validatorSkip }, () => {
  const boot = read('dumpxml-guest1-virtio-scsi')
    .replace("<target dev='vda' bus='virtio'/>", "<target dev='sda' bus='scsi'/>")
    .replace("<address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>", "<address type='drive' controller='0' bus='0' target='0' unit='0'/>")
    .replace("model='virtio-scsi'", "model='lsilogic'")
    .replace(/\s*<driver queues='2'\/>/, '');
  const out = editLibvirtDomain(boot, cfg('virtio-scsi'), { disk: 'sdb' });
  assert.match(out.xml, /<controller type="scsi" index="1" model="virtio-scsi"\/>\n\s*<controller type="scsi" index="0" model="lsilogic">/);
  assert.match(out.xml, /<serial>iovlab-test<\/serial>\n\s*<address type="drive" controller="1" bus="0" target="0" unit="0"\/>/);
  validate(out.xml, 'two SCSI controllers');
  // Back to lsi: the test disk joins controller 0 and the virtio-scsi one is removed.
  const back = editLibvirtDomain(out.xml, cfg('lsi-scsi'));
  assert.doesNotMatch(back.xml, /virtio-scsi/);
  assert.doesNotMatch(back.xml, /controller="1"/);
  validate(back.xml, 'back to one controller');
});

test('refusals name the domain, the disks and what to do', () => {
  const xml = read('dumpxml-guest2-virtio-cdrom');
  const cases: [() => unknown, string, RegExp][] = [
    [() => editLibvirtDomain(xml, cfg('ide'), { disk: 'vdz' }), 'NOT_FOUND', /domain "guest2" has no disk with target dev "vdz" \(its disks: vda, vdb, hdc \(cdrom\)\)/],
    [() => editLibvirtDomain(xml, cfg('ide'), { disk: 'hdc' }), 'INVALID_ARGUMENT', /hdc of domain "guest2" is a cdrom, not a disk/],
    [() => editLibvirtDomain(xml, cfg('ide'), { nicMac: '52:54:00:00:00:01' }), 'NOT_FOUND', /no interface with MAC 52:54:00:00:00:01 \(its NICs: 52:54:00:6a:10:02\)/],
    [() => editLibvirtDomain(xml.replace(/<disk type='block'[\s\S]*?<\/disk>/, ''), cfg('ide')), 'NOT_FOUND', /has no disk to benchmark besides its boot disk vda .*add a second disk, or name one with --disk/],
    [() => editLibvirtDomain(xml, parseVmConfig({ name: 'x', disk: { bus: 'xen', backing: 'device', path: '/dev/sdb' }, nic: { model: 'e1000' } })), 'INVALID_ARGUMENT', /disk\.bus: cannot be rendered for libvirt: xen is the Xen PV disk/],
    [() => editLibvirtDomain(xml, cfg('ide', { ebs: { attach: 'host-nbd', export: 'nbd://10.0.0.1' } })), 'INVALID_ARGUMENT', /ebs\.attach: .*host-nbd adds a network disk/],
    [() => editLibvirtDomain('<network><name>default</name></network>', cfg('ide')), 'PARSE_ERROR', /root element is <network>, expected <domain>/],
    [() => editLibvirtDomain('<domain><devices>', cfg('ide')), 'PARSE_ERROR', /the domain XML is not well-formed XML/],
  ];
  for (const [fn, code, message] of cases) assert.throws(fn, (e) => isAppError(e) && e.code === code && message.test(e.message), String(message));
});

test('direct kernel boot without root= makes a single disk the test disk; awkward paths survive the escaping', () => {
  const xml = "<domain type='qemu'><name>k</name><os><type>hvm</type><kernel>/k</kernel><cmdline>console=ttyS0</cmdline></os><devices><disk type='file' device='disk'><source file='/a.img'/><target dev='hda'/></disk><interface type='user'/></devices></domain>";
  const path = `/srv/it's "q" & <b>.img`;
  const out = editLibvirtDomain(xml, cfg('virtio-blk', { disk: { bus: 'virtio-blk', backing: 'qcow2', path } }));
  assert.equal(out.disk.after, 'vda');
  assert.match(out.xml, /<source file="\/srv\/it&apos;s &quot;q&quot; &amp; &lt;b&gt;.img"\/>/);
  assert.equal(summarizeDomain(out.xml).disks[0]?.bus, 'virtio');
  assert.throws(() => editLibvirtDomain(xml.replace('console=ttyS0', 'root=/dev/hda'), cfg('ide')), /no disk to benchmark besides its boot disk hda/);
});
