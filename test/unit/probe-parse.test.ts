// parseProbeOutput on recorded probe outputs (test/fixtures/probe, see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { BlockDevice } from '../../shared/facts.js';
import { nodeFactsSchema } from '../../shared/probe/facts-schema.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import { isAppError } from '../../shared/result.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/probe/${name}`, import.meta.url), 'utf8');
const parse = (name: string) => nodeFactsSchema.parse(parseProbeOutput(fixture(name)));
const missing = { installed: false, version: null, path: null };

test('debian12-sh.txt (recorded): every fact as the machine had it', () => {
  const f = parse('debian12-sh.txt');
  assert.deepEqual(f.distro, { id: 'debian', name: 'Debian GNU/Linux', version: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
  assert.equal(f.kernel, '6.18.44-fc-v669');
  assert.equal(f.arch, 'x86_64');
  assert.deepEqual(f.cpu, { model: 'AMD EPYC', virtFlags: [], cores: 2 });
  assert.equal(f.memoryBytes, 24684084 * 1024);
  assert.equal(f.kvmDevice, true);
  assert.deepEqual(f.blockDevices, [
    { name: 'zram0', sizeBytes: 0, model: null, type: 'disk', fsType: null, mountpoints: [], children: [] },
    { name: 'vda', sizeBytes: 274877906944, model: null, type: 'disk', fsType: null, mountpoints: ['/run/netns', '/'], children: [] },
  ]);
  assert.deepEqual(f.nics, [
    { name: 'eth0', mtu: 1400, speedMbps: null, state: 'up', mac: '02:fc:00:00:00:01' },
    { name: 'ifb0', mtu: 1500, speedMbps: null, state: 'down', mac: '3a:3a:c2:89:97:1e' },
    { name: 'ifb1', mtu: 1500, speedMbps: null, state: 'down', mac: '82:22:30:eb:c6:72' },
    { name: 'iovrec0', mtu: 1500, speedMbps: 10000, state: 'up', mac: 'ba:83:52:e6:0f:19' },
    { name: 'lo', mtu: 65536, speedMbps: null, state: 'unknown', mac: '00:00:00:00:00:00' },
  ]);
  const versions = Object.fromEntries(Object.entries(f.tools).map(([k, v]) => [k, v.installed ? v.version : 'missing']));
  assert.deepEqual(versions, {
    'qemu-system-x86_64': '7.2.22',
    'qemu-img': '7.2.22',
    'qemu-nbd': '7.2.22',
    vblade: null,
    virsh: '9.0.0',
    libvirtd: '9.0.0',
    xl: 'missing',
    eucalyptus: 'missing',
    fio: '3.33',
    dd: '9.1',
    iostat: '12.6.1',
    iperf3: '3.12',
    netperf: 'missing',
    netserver: 'missing',
    hadoop: 'missing',
  });
  assert.equal(f.tools.fio.path, '/usr/bin/fio');
  // vblade has no version flag: present, version unknown.
  assert.deepEqual(f.tools.vblade, { installed: true, version: null, path: '/usr/sbin/vblade' });
  assert.deepEqual(f.tools.hadoop, missing);
  // A Firecracker VM whose balloon device reports free pages, at the kernel's default order 9.
  assert.deepEqual(f.vmNoise, { hypervisor: true, freePageReporting: true, pageReportingOrder: 9 });
  assert.deepEqual(f.warnings, []);
});

test('debian12-busybox-ash.txt (recorded under busybox sh) parses to the same facts as under dash', () => {
  assert.deepEqual(parse('debian12-busybox-ash.txt'), parse('debian12-sh.txt'));
});

test('debian12-sparse-path.txt (recorded): busybox dd is reported as "busybox X", absent tools as missing', () => {
  const f = parse('debian12-sparse-path.txt');
  assert.deepEqual(f.tools.dd, { installed: true, version: 'busybox 1.35.0', path: '/opt/sparse/dd' });
  for (const t of ['fio', 'iperf3', 'iostat', 'qemu-img', 'qemu-nbd', 'virsh'] as const) assert.deepEqual(f.tools[t], missing);
  // The probe appends /usr/sbin to any PATH, so sbin tools are found even on a sparse one.
  assert.deepEqual(f.tools.vblade, { installed: true, version: null, path: '/usr/sbin/vblade' });
  assert.deepEqual(f.warnings, []);
});

test('old-lsblk.txt (hand-edited): MOUNTPOINT instead of MOUNTPOINTS, sizes as strings, nested children', () => {
  const f = parse('old-lsblk.txt');
  assert.equal(f.distro.version, '10');
  assert.equal(f.tools['qemu-nbd'].version, '7.2.22');
  assert.deepEqual(f.tools.vblade, missing);
  const leaf = (name: string, sizeBytes: number, type: string, fsType: string | null, mountpoints: string[]): BlockDevice => ({ name, sizeBytes, model: null, type, fsType, mountpoints, children: [] });
  assert.deepEqual(f.blockDevices, [
    {
      name: 'sda', sizeBytes: 500107862016, model: 'ST3500418AS', type: 'disk', fsType: null, mountpoints: [],
      children: [
        leaf('sda1', 536870912, 'part', 'ext2', ['/boot']),
        { ...leaf('sda2', 499569131520, 'part', 'LVM2_member', []), children: [leaf('vg0-root', 32212254720, 'lvm', 'ext4', ['/']), leaf('vg0-swap', 8589934592, 'lvm', 'swap', ['[SWAP]'])] },
      ],
    },
    { name: 'sr0', sizeBytes: 1073741312, model: 'DVD+-RW GH24NSD1', type: 'rom', fsType: null, mountpoints: [], children: [] },
  ]);
  assert.deepEqual(f.warnings, []);
});

test('lsblk-pairs.txt (hand-edited): lsblk -P lines become a tree by PKNAME; \\x20 is unescaped; CentOS 5 release file', () => {
  const f = parse('lsblk-pairs.txt');
  assert.deepEqual(f.distro, { id: 'centos', name: 'CentOS', version: '5.4', prettyName: 'CentOS release 5.4 (Final)' });
  assert.deepEqual(f.blockDevices.map((d) => [d.name, d.children.map((c) => c.name)]), [['sda', ['sda1', 'sda2']], ['sdb', []]]);
  assert.deepEqual(f.blockDevices[0]?.children[1]?.mountpoints, ['/srv/eucalyptus volumes']);
  assert.equal(f.blockDevices[1]?.model, 'WDC WD5000AAKS');
  assert.deepEqual(f.warnings, []);
});

test('hand-edited fixtures from before the vmnoise section: no vmNoise, and no warning for its absence', () => {
  for (const name of ['old-lsblk.txt', 'lsblk-pairs.txt', 'garbled.txt']) {
    const f = parse(name);
    assert.equal(f.vmNoise, undefined, name);
    assert.ok(!f.warnings.some((w) => w.startsWith('vmnoise')), name);
  }
});

test('a vmnoise section with values it cannot read warns and leaves them unknown', () => {
  const text = fixture('debian12-sh.txt').replace(/(@@IOVLAB:section:vmnoise@@\r?\n)[^@]*/, '$1hypervisor=maybe\nreporting=1\norder=-3\nnoise\n');
  const f = nodeFactsSchema.parse(parseProbeOutput(text));
  assert.deepEqual(f.vmNoise, { hypervisor: null, freePageReporting: true, pageReportingOrder: null });
  assert.deepEqual(f.warnings, ['vmnoise: 1 line(s) not understood', 'vmnoise: hypervisor=maybe is not 0 or 1']);
});

test('garbled.txt (hand-edited): each broken section becomes a warning naming it; the rest still counts', () => {
  const f = parse('garbled.txt');
  // JSON.parse's own wording differs between V8 versions.
  const lsblk = /^lsblk: lsblk JSON could not be parsed \(.+\); block devices unknown$/;
  assert.equal(f.warnings.filter((w) => lsblk.test(w)).length, 1);
  assert.deepEqual(f.warnings.filter((w) => !lsblk.test(w)), [
    'section cpus appears twice; the first one counts',
    'malformed section marker: "@@IOVLAB:section:Tool fio@@"',
    'probe output ended early (no end marker): the script or the connection was cut off',
    'uname: section missing from the probe output',
    'memory: no readable MemTotal line',
    'kvm: /dev/kvm: Permission denied',
    'nics: line not understood: "nic=ifb0 mtu speed= state=down mac=3a:3a:c2:89:97:1e"',
    'tool.fio: section missing from the probe output',
  ]);
  assert.equal(f.kernel, null);
  assert.equal(f.memoryBytes, null);
  assert.equal(f.cpu.cores, 2);
  assert.deepEqual(f.blockDevices, []);
  assert.deepEqual(f.nics.map((n) => n.name), ['eth0', 'ifb1', 'lo']);
  assert.equal(f.distro.id, 'debian');
  assert.equal(f.tools.dd.version, '9.1');
  assert.deepEqual(f.tools.fio, missing);
});

function parseError(stdout: string): string {
  try {
    parseProbeOutput(stdout);
  } catch (e) {
    assert.ok(isAppError(e), String(e));
    assert.equal(e.code, 'PARSE_ERROR');
    return e.message;
  }
  assert.fail('expected a PARSE_ERROR');
}

test('output without any marker is a PARSE_ERROR quoting its first line', () => {
  assert.equal(parseError('\nWelcome to node-07!\nAuthorized use only.\n'), 'probe output had no iovlab sections: Welcome to node-07!');
  assert.equal(parseError('sh: 1: Syntax error: "(" unexpected\n'), 'probe output had no iovlab sections: sh: 1: Syntax error: "(" unexpected');
  assert.equal(parseError(''), 'probe output had no iovlab sections: (empty output)');
  assert.match(parseError('x'.repeat(5000)), /^probe output had no iovlab sections: x{200}…$/);
});

test('output cut off after the nics section: tools are missing, with warnings naming each', () => {
  const full = fixture('debian12-sh.txt');
  const f = parseProbeOutput(full.slice(0, full.indexOf('@@IOVLAB:section:tool.')));
  assert.equal(f.nics.length, 5);
  assert.deepEqual(f.tools.fio, missing);
  assert.ok(f.warnings.includes('probe output ended early (no end marker): the script or the connection was cut off'));
  assert.ok(f.warnings.includes('tool.qemu-system-x86_64: section missing from the probe output'));
  assert.equal(f.warnings.length, 16);
});

test('a newer probe format is read with a warning; a shifted marker-like line inside a section stays content', () => {
  const text = fixture('debian12-sh.txt')
    .replace('@@IOVLAB:probe:1@@', '@@IOVLAB:probe:2@@')
    .replace('VERSION_ID="12"', 'VERSION_ID="12"\n @@IOVLAB:end@@');
  const f = parseProbeOutput(text);
  assert.deepEqual(f.warnings, ["probe output format 2 is newer than this parser's (1); some facts may be missed"]);
  assert.equal(f.tools.fio.version, '3.33');
});
