// Validation of the guest driver configuration: defaults, and one specific line per mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/result.js';
import { parseVmConfig, parseVmConfigText, qemuImgCreateArgv, type VmConfigInput } from '../../shared/vmconfig/index.js';

const good: VmConfigInput = {
  name: 'kvm-virtio-blk-prealloc',
  disk: { bus: 'virtio-blk', backing: 'prealloc-file', path: '/var/lib/iovlab/disk.img', cache: 'none', aio: 'native' },
  nic: { model: 'e1000' },
  memoryMiB: 1024,
  vcpus: 1,
};

function messageOf(input: unknown): string {
  try {
    parseVmConfig(input);
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.doesNotMatch(e.message, /\n/, 'one line');
    return e.message;
  }
  assert.fail('expected the configuration to be refused');
}

function withDisk(disk: Record<string, unknown>): unknown {
  return { ...good, disk: { ...good.disk, ...disk } };
}

test('the spec example parses and gets defaults for optional fields', () => {
  const cfg = parseVmConfig({ name: 'x', disk: { bus: 'ide', backing: 'device', path: '/dev/sdb' }, nic: { model: 'virtio' } });
  assert.equal(cfg.accel, 'kvm');
  assert.equal(cfg.memoryMiB, 1024);
  assert.equal(cfg.vcpus, 1);
  assert.equal(cfg.serial, 'none');
  assert.deepEqual(cfg.disk, { bus: 'ide', backing: 'device', path: '/dev/sdb', cache: 'writeback', aio: 'threads' });
  assert.deepEqual(parseVmConfig(good).disk, good.disk);
});

const refusals: [string, unknown, RegExp][] = [
  ['unknown bus', withDisk({ bus: 'scsi' }), /^disk\.bus: must be one of virtio-blk, lsi-scsi, virtio-scsi, ide, xen \(got "scsi"\)$/],
  ['io=native with cache=writeback', withDisk({ cache: 'writeback' }), /^disk\.aio: native needs O_DIRECT: set disk\.cache to none or directsync \(got cache=writeback\)/],
  ['io=native with cache=writethrough', withDisk({ cache: 'writethrough' }), /^disk\.aio: native needs O_DIRECT/],
  ['missing path', { ...good, disk: { bus: 'ide', backing: 'device' } }, /^disk\.path: is required/],
  ['relative path', withDisk({ path: 'disk.img' }), /^disk\.path: must be an absolute path/],
  ['path with a NUL', withDisk({ path: '/var/lib/a\u0000b' }), /^disk\.path: must not contain control characters/],
  ['path with a newline', withDisk({ path: '/var/lib/a\nb' }), /^disk\.path: must not contain control characters/],
  ['negative memory', { ...good, memoryMiB: -1 }, /^memoryMiB: must be at least 16 MiB \(got -1\)$/],
  ['fractional memory', { ...good, memoryMiB: 1.5 }, /^memoryMiB: must be a whole number of MiB/],
  ['memory as a string', { ...good, memoryMiB: '1024' }, /^memoryMiB: must be a number of MiB \(got "1024"\)$/],
  ['zero vcpus', { ...good, vcpus: 0 }, /^vcpus: must be at least 1/],
  ['unknown backing', withDisk({ backing: 'lvm' }), /^disk\.backing: must be one of device, prealloc-file, sparse-file, qcow2 \(got "lvm"\)$/],
  ['unknown aio', withDisk({ aio: 'posix' }), /^disk\.aio: must be one of threads, native, io_uring/],
  ['unknown nic', { ...good, nic: { model: 'rtl8139' } }, /^nic\.model: must be one of e1000, virtio \(got "rtl8139"\)$/],
  ['missing nic', { name: 'x', disk: good.disk }, /^nic: is required/],
  ['misspelt field', { ...good, vpcus: 2 }, /^config: unknown field "vpcus"$/],
  ['unknown disk field', withDisk({ format: 'raw' }), /^disk: unknown field "format"$/],
  ['not an object', [1, 2], /^config: must be a JSON object$/],
  ['bad name', { ...good, name: 'a b' }, /^name: must be 1-64 letters/],
  ['tap name with a comma', { ...good, nic: { model: 'e1000', tap: 'tap0,script=/evil' } }, /^nic\.tap: must be an interface name/],
  ['multicast MAC', { ...good, nic: { model: 'e1000', mac: '01:00:5e:00:00:01' } }, /^nic\.mac: must be a unicast MAC/],
  ['initrd without kernel', { ...good, initrd: '/boot/initrd' }, /^initrd: needs kernel/],
  ['append without kernel', { ...good, append: 'quiet' }, /^append: needs kernel/],
  ['ebs export not an NBD URL', { ...good, ebs: { attach: 'host-nbd', export: 'http://x/y' } }, /^ebs\.export: must be an NBD URL/],
  ['ebs AoE target malformed', { ...good, ebs: { attach: 'guest-aoe', export: 'nbd://x' } }, /^ebs\.export: must be an AoE target like aoe:e1\.0/],
  ['serial mode unknown', { ...good, serial: 'tcp' }, /^serial: must be one of none, stdio, pty or \{ "file": "\/abs\/path" \}/],
];

for (const [what, input, expected] of refusals) {
  test(`refuses ${what} with one specific line`, () => {
    assert.match(messageOf(input), expected);
  });
}

test('several problems are reported as the first one plus a count', () => {
  assert.match(messageOf({ ...good, memoryMiB: -1, vcpus: 0 }), /^memoryMiB: .* \(and 1 more problem\)$/);
});

test('JSON that does not parse is an invalid configuration too', () => {
  assert.throws(() => parseVmConfigText('{"name": '), (e: unknown) => e instanceof AppError && /^not valid JSON: /.test(e.message));
});

const imgSkip = spawnSync('sh', ['-c', 'command -v qemu-img'], { stdio: 'ignore' }).status === 0 ? false : 'qemu-img not installed (qemu-utils)';
test('qemuImgCreateArgv makes a sparse file, a fully preallocated file and a qcow2 image', { skip: imgSkip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-img-'));
  try {
    const made = (backing: 'sparse-file' | 'prealloc-file' | 'qcow2') => {
      const cfg = parseVmConfig({ ...good, disk: { bus: 'virtio-blk', backing, path: join(dir, `${backing}.img`) } });
      const argv = qemuImgCreateArgv(cfg, 16)!;
      assert.equal(spawnSync(argv[0]!, argv.slice(1)).status, 0);
      return statSync(cfg.disk.path);
    };
    const sparse = made('sparse-file');
    const full = made('prealloc-file');
    made('qcow2');
    assert.equal(sparse.size, 16 << 20);
    assert.equal(full.size, 16 << 20);
    assert.ok(sparse.blocks * 512 < 1 << 20, `sparse file allocates almost nothing (${sparse.blocks} blocks)`);
    assert.ok(full.blocks * 512 >= 16 << 20, `preallocated file has every block (${full.blocks} blocks)`);
    const qcow = spawnSync('qemu-img', ['info', '--output=json', join(dir, 'qcow2.img')], { encoding: 'utf8' });
    assert.equal((JSON.parse(qcow.stdout) as { format: string }).format, 'qcow2');
    assert.equal(qemuImgCreateArgv(parseVmConfig({ ...good, disk: { bus: 'ide', backing: 'device', path: '/dev/sdb' } }), 16), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
