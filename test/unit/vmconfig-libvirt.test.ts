// Every libvirt domain iovlab generates is checked against libvirt's own RELAX NG schema with
// `virt-xml-validate FILE domain` (Debian: libvirt-clients, which needs xmllint from
// libxml2-utils), and parsed back to prove awkward paths survive the escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, parseVmConfigText, renderLibvirtXml, type VmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'vmconfig');

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
const validatorSkip = !which('virt-xml-validate')
  ? 'virt-xml-validate is not installed (apt-get install --no-install-recommends libvirt-clients libxml2-utils)'
  : !which('xmllint')
    ? 'xmllint is not installed (apt-get install --no-install-recommends libxml2-utils); virt-xml-validate needs it'
    : false;

function fixtureConfigs(): [string, VmConfig][] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.qemu.json'))
    .sort()
    .map((f) => [f, parseVmConfigText(readFileSync(join(DIR, f), 'utf8'))]);
}

function base(overrides: Partial<VmConfigInput> = {}): VmConfigInput {
  return {
    name: 'extra',
    disk: { bus: 'virtio-blk', backing: 'sparse-file', path: '/var/lib/iovlab/x.img' },
    nic: { model: 'virtio' },
    ...overrides,
  };
}

/** Configurations beyond the goldens: each bus/backing/aio pairing and each NIC attachment. */
function extraConfigs(): [string, VmConfig][] {
  const out: [string, VmConfig][] = [];
  for (const bus of ['virtio-blk', 'lsi-scsi', 'virtio-scsi', 'ide'] as const) {
    for (const backing of ['device', 'prealloc-file', 'sparse-file', 'qcow2'] as const) {
      for (const aio of ['threads', 'native', 'io_uring'] as const) {
        const disk = { bus, backing, path: backing === 'device' ? '/dev/sdc' : '/srv/x.img', cache: 'directsync' as const, aio };
        out.push([`${bus}/${backing}/${aio}`, parseVmConfig(base({ disk }))]);
      }
    }
  }
  out.push(['bridge+mac', parseVmConfig(base({ nic: { model: 'e1000', bridge: 'br0', mac: '52:54:00:AB:CD:EF' } }))]);
  out.push(['tap+kernel+initrd', parseVmConfig(base({ nic: { model: 'virtio', tap: 'tap7' }, kernel: '/k', initrd: '/i', append: 'a b' }))]);
  out.push(['ebs ipv6', parseVmConfig(base({ ebs: { attach: 'host-nbd', export: 'nbd://[::1]:10810' } }))]);
  return out;
}

test('every generated libvirt domain passes virt-xml-validate', { skip: validatorSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-libvirt-'));
  try {
    let validated = 0;
    for (const [label, cfg] of [...fixtureConfigs(), ...extraConfigs()]) {
      let xml: string;
      try {
        xml = renderLibvirtXml(cfg);
      } catch (e) {
        if (isAppError(e)) continue; // refused on purpose (xen bus, serial stdio): covered by the goldens
        throw e;
      }
      const file = join(dir, `${validated}.xml`);
      writeFileSync(file, xml);
      const r = spawnSync('virt-xml-validate', [file, 'domain'], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${label}: virt-xml-validate failed:\n${r.stdout}${r.stderr}\n${xml}`);
      validated++;
    }
    assert.ok(validated >= 50, `validated ${validated} domains`);
    // Negative control: the validator must actually reject a domain libvirt would not accept.
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, renderLibvirtXml(extraConfigs()[0]![1]).replace(/io="[a-z_]+"/, 'io="bogus"'));
    assert.notEqual(spawnSync('virt-xml-validate', [bad, 'domain'], { stdio: 'ignore' }).status, 0, 'virt-xml-validate accepted io="bogus"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('paths with quotes, $(), & and < survive the XML round trip unchanged', () => {
  const path = `/srv/it's "q" $(rm -rf /) & <b> \\x.img`;
  const append = `init=/bin/sh -c 'echo "$(x)" && true'`;
  const cfg = parseVmConfig(base({ disk: { bus: 'lsi-scsi', backing: 'prealloc-file', path }, kernel: '/k k', append }));
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(renderLibvirtXml(cfg)) as {
    domain: { os: { cmdline: string; kernel: string }; devices: { disk: { source: { '@_file': string } } } };
  };
  assert.equal(doc.domain.devices.disk.source['@_file'], path);
  assert.equal(doc.domain.os.cmdline, append);
  assert.equal(doc.domain.os.kernel, '/k k');
});

test('accel picks the domain type; KVM also passes the host CPU through', () => {
  assert.match(renderLibvirtXml(parseVmConfig(base({ accel: 'kvm' }))), /<domain type="kvm">[\s\S]*<cpu mode="host-passthrough"\/>/);
  const tcg = renderLibvirtXml(parseVmConfig(base({ accel: 'tcg' })));
  assert.match(tcg, /<domain type="qemu">/);
  assert.doesNotMatch(tcg, /<cpu /);
});
