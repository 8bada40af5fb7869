// The support check on outputs recorded on this machine (libvirt 9.0, QEMU 7.2; see
// test/fixtures/drivers/README.md): virsh domcapabilities for machine pc and q35, `-device help`
// and `virsh version`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { assertSupported, checkSupport, parseDeviceHelp, parseDomCaps, parseVirshVersion, type NodeCapabilities } from '../../shared/vmconfig/domcaps.js';
import { DISK_BUSES, NIC_MODELS, parseVmConfig, type VmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'drivers');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const pc = parseDomCaps(read('domcaps-qemu-pc.xml'));
const q35 = parseDomCaps(read('domcaps-qemu-q35.xml'));
const deviceHelp = read('qemu-device-help.txt');
const devices = parseDeviceHelp(deviceHelp);
const versions = parseVirshVersion(read('virsh-version.txt'));
const WHERE = 'node "back"';

function cfg(disk: Partial<VmConfigInput['disk']>, nic: VmConfigInput['nic']['model'] = 'e1000'): VmConfig {
  return parseVmConfig({ name: 'caps', disk: { bus: 'virtio-blk', backing: 'sparse-file', path: '/x.img', ...disk }, nic: { model: nic } });
}

test('recorded domcapabilities parse: emulator, machine and the disk buses each machine offers', () => {
  assert.deepEqual(pc, { emulator: '/usr/bin/qemu-system-x86_64', domainType: 'qemu', machine: 'pc-i440fx-7.2', arch: 'x86_64', diskSupported: true, diskBuses: ['ide', 'fdc', 'scsi', 'virtio', 'usb', 'sata'] });
  assert.equal(q35.machine, 'pc-q35-7.2');
  assert.deepEqual(q35.diskBuses, ['fdc', 'scsi', 'virtio', 'usb', 'sata']);
});

test('-device help: names and aliases of the models the configurations need', () => {
  for (const name of ['lsi53c895a', 'lsi', 'virtio-scsi-pci', 'scsi-hd', 'ide-hd', 'virtio-blk-pci', 'e1000', 'e1000-82540em', 'virtio-net-pci']) assert.ok(devices.has(name), name);
  assert.ok(!devices.has('Storage devices:'));
  assert.deepEqual(versions, { libvirt: [9, 0, 0], qemu: [7, 2, 22] });
});

test('every bus and NIC a libvirt guest can have is supported by the recorded pc machine', () => {
  const caps: NodeCapabilities = { domcaps: pc, devices, versions };
  for (const bus of DISK_BUSES.filter((b) => b !== 'xen')) {
    for (const nic of NIC_MODELS) {
      const v = checkSupport(cfg({ bus, cache: 'none', aio: 'io_uring' }, nic), caps, WHERE);
      assert.deepEqual(v.problems, [], `${bus}/${nic}`);
      assert.ok(v.checked.some((c) => c.startsWith('io_uring (QEMU 7.2.22, libvirt 9.0.0)')));
    }
  }
});

test('q35 has no IDE: the refusal says so and how to get it', () => {
  const v = checkSupport(cfg({ bus: 'ide' }), { domcaps: q35, devices }, WHERE);
  assert.deepEqual(v.problems, [
    'disk.bus: ide needs libvirt disk bus "ide", which qemu domains of machine pc-q35-7.2 on node "back" does not offer (it offers fdc, scsi, virtio, usb, sata); q35 machines have no IDE controller: define the domain with machine type pc (i440fx) or choose another bus',
  ]);
});

test('a QEMU built without the LSI controller and e1000 (the recorded list minus those lines) is refused with every problem at once', () => {
  const stripped = parseDeviceHelp(deviceHelp.split('\n').filter((l) => !/^name "(lsi53c895a|e1000)"/.test(l)).join('\n'));
  assert.throws(
    () => assertSupported(cfg({ bus: 'lsi-scsi' }, 'e1000'), { domcaps: pc, devices: stripped, versions }, WHERE),
    (e) => {
      assert.ok(isAppError(e));
      assert.equal(e.code, 'MISSING_DEPENDENCY');
      assert.match(e.message, /^node "back" cannot run configuration "caps": disk\.bus: lsi-scsi needs QEMU device lsi53c895a \(the emulated LSI 53c895a SCSI controller\), which `-device help` of \/usr\/bin\/qemu-system-x86_64 on node "back" does not list: this QEMU build lacks it; nic\.model: e1000 needs QEMU device e1000/);
      assert.equal((e.details?.['problems'] as string[]).length, 2);
      return true;
    },
  );
});

test('io_uring on an old stack, and the xen bus under libvirt, are refused specifically', () => {
  const old = checkSupport(cfg({ aio: 'io_uring' }), { domcaps: pc, devices, versions: { libvirt: [6, 0, 0], qemu: [4, 2, 1] } }, WHERE);
  assert.deepEqual(old.problems, ['disk.aio: io_uring needs QEMU >= 5.0 and libvirt >= 6.3, and node "back" has QEMU 4.2.1 and libvirt 6.0.0; use aio threads or native']);
  const xen = checkSupport(cfg({ bus: 'xen' }), { domcaps: pc, devices }, WHERE);
  assert.match(xen.problems[0] ?? '', /^disk\.bus: xen is the Xen PV disk; node "back" runs qemu under libvirt — apply it to a Xen host \(--stack xen\)/);
});

test('garbage instead of domcapabilities is a parse error naming the command', () => {
  assert.throws(() => parseDomCaps('error: failed to get emulator capabilities'), (e) => isAppError(e) && e.code === 'PARSE_ERROR' && /virsh domcapabilities/.test(e.message));
});
