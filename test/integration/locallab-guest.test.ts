// The embedded local lab end to end: a guest image built (or reused) from this host's Debian
// packages, real QEMU guests in network namespaces, SSH into them with the project's ssh2 pool
// (directly, and through a back-end node as jump host), benchmarks tools run inside, and nothing
// left behind afterwards. Image cache: $IOVLAB_CACHE or ~/.cache/iovlab.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, qemuImgCreateArgv, type VmConfigInput } from '../../shared/vmconfig/index.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import type { SshEndpoint } from '../../electron/core/ssh/types.js';
import { buildGuestImage, createLabNetwork, defaultLabCacheDir, detectAccelerator, isRoot, requireBinaries, startGuest } from '../../electron/core/locallab/index.js';
import type { AccelVerdict, GuestImage, RunningGuest } from '../../electron/core/locallab/index.js';
import { spawnTracked, killTracked } from '../../electron/core/locallab/process.js';
import { waitFor } from '../../electron/core/locallab/wait.js';
import { netnsUnavailableReason, startNsLab } from '../helpers/netns-lab.js';

const cacheDir = defaultLabCacheDir();
const work = mkdtempSync(join(tmpdir(), 'iovlab-locallab-test-'));
const runRoot = join(cacheDir, 'run'); // stable, so a crashed run's guests are reclaimed by the next one
const buildLog: string[] = [];
const pool = createSshPool();

/** Environment problems skip (with the reason); anything else is a bug and fails the first test. */
async function prepare(): Promise<{ skip: string | false; image?: GuestImage; accel?: AccelVerdict; error?: unknown }> {
  if (!isRoot()) return { skip: 'needs root (network namespaces, tap devices, QEMU)' };
  try {
    requireBinaries([{ bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86' }, { bin: 'qemu-img', pkg: 'qemu-utils' }, { bin: 'ip', pkg: 'iproute2' }], 'The local-lab test');
  } catch (e) {
    return { skip: (e as Error).message };
  }
  const netns = netnsUnavailableReason();
  if (netns) return { skip: netns };
  try {
    const image = await buildGuestImage({ cacheDir, log: (l) => buildLog.push(l) });
    const accel = await detectAccelerator({ image, cacheDir, log: (l) => buildLog.push(l) });
    return { skip: false, image, accel };
  } catch (e) {
    if (isAppError(e) && e.code === 'MISSING_DEPENDENCY') return { skip: `the guest image cannot be built here: ${e.message}` };
    return { skip: false, error: e };
  }
}

const prep = await prepare();
const skip = prep.skip;

after(() => {
  pool.closeAll();
  rmSync(work, { recursive: true, force: true });
});

function ready(): { image: GuestImage; accel: AccelVerdict } {
  if (prep.error) throw prep.error;
  assert.ok(prep.image && prep.accel);
  return { image: prep.image, accel: prep.accel };
}


function namespaces(): string {
  return execFileSync('ip', ['netns', 'list']).toString();
}

async function assertGone(guest: RunningGuest, stopped: { clean: boolean }): Promise<void> {
  assert.equal(stopped.clean, true, 'the guest should power off by itself after `poweroff`');
  assert.throws(() => process.kill(guest.pid, 0), /ESRCH/, `QEMU (pid ${guest.pid}) still runs`);
  assert.equal(existsSync(guest.pidfile), false, 'the pidfile should be removed');
}

/** GNU dd with O_DIRECT and fdatasync on the guest's disk; the bytes must reach the host's sparse file. */
async function ddOnDisk(guest: RunningGuest, dev: string, hostFile: string): Promise<void> {
  const r = await guest.exec(`dd if=/dev/zero of=${dev} bs=64k count=256 oflag=direct conv=fdatasync`, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^16777216 bytes \(17 MB, 16 MiB\) copied, [\d.]+ s, [\d.]+ [kMG]?B\/s$/m);
  assert.ok(statSync(hostFile).blocks * 512 >= 16 * 1024 * 1024, 'the written blocks should be allocated in the host file');
}

async function toolVersions(guest: RunningGuest): Promise<void> {
  const r = await guest.exec('dd --version | head -n1; fio --version; iperf3 --version | head -n1; nbd-client --version 2>&1 | head -n1');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^dd \(coreutils\) \d/m, 'dd must be GNU dd (busybox dd lacks conv=fdatasync)');
  assert.match(r.stdout, /^fio-\d/m);
  assert.match(r.stdout, /^iperf 3\.\d/m);
  assert.match(r.stdout, /^This is nbd-client, from nbd \d/m);
}

/** A configuration with a 64 MiB sparse disk, created the way the renderer says (qemu-img). */
function guestConfig(name: string, bus: 'virtio-blk' | 'lsi-scsi', nic: 'virtio' | 'e1000'): { config: VmConfigInput; disk: string } {
  const disk = join(work, `${name}.img`);
  const config: VmConfigInput = { name, memoryMiB: 512, disk: { bus, backing: 'sparse-file', path: disk }, nic: { model: nic } };
  const [cmd, ...args] = qemuImgCreateArgv(parseVmConfig(config), 64) ?? [];
  assert.ok(cmd);
  execFileSync(cmd, args);
  return { disk, config };
}

test('guest image is built from Debian packages and reused from the cache', { skip }, async (t) => {
  const { image, accel } = ready();
  for (const line of buildLog) t.diagnostic(line);
  t.diagnostic(`accelerator: ${accel.accel} (${accel.reason})`);
  assert.ok(existsSync(image.kernel) && existsSync(image.initrd));
  assert.equal(readFileSync(image.kernel).subarray(0, 4).toString('latin1'), '\x7fELF', 'the kernel is the uncompressed vmlinux (PVH boot)');
  assert.equal(readFileSync(image.initrd).subarray(0, 6).toString('latin1'), '070701', 'the initramfs is a newc cpio archive');
  for (const m of ['virtio_blk', 'virtio_net', 'virtio_scsi', 'sym53c8xx', 'sd_mod', 'e1000', 'nbd', 'aoe', 'scsi_transport_spi']) assert.ok(image.modulesLoaded.includes(m), m);
  const at = (m: string) => image.modulesLoaded.indexOf(m);
  for (const [dep, mod] of [['virtio_ring', 'virtio_blk'], ['scsi_mod', 'sd_mod'], ['scsi_transport_spi', 'sym53c8xx'], ['libata', 'ata_piix']] as const) {
    if (at(dep) >= 0) assert.ok(at(dep) < at(mod), `${dep} must load before ${mod}`);
  }
  const again = await buildGuestImage({ cacheDir });
  assert.equal(again.id, image.id);
  assert.equal(again.buildMs, null, 'unchanged inputs must reuse the cached image');
  assert.ok(accel.accel === 'kvm' || accel.accel === 'tcg');
  assert.ok(accel.reason.length > 0);
  assert.equal((await detectAccelerator({ image, cacheDir })).accel, accel.accel, 'the verdict is cached per host boot');
});

test('virtio-blk + virtio-net guest: SSH, GNU dd direct write, fio, iperf3 to the host, clean stop', { skip }, async (t) => {
  const { image, accel } = ready();
  const net = await createLabNetwork();
  let guest: RunningGuest | undefined;
  try {
    const { tap, cidr } = await net.addTap();
    const { config, disk } = guestConfig('lab-virtio', 'virtio-blk', 'virtio');
    guest = await startGuest({ image, accel, config, runRoot, ip: cidr, gateway: net.gateway, netns: net.ns, tap, pool });
    t.diagnostic(`boot to SSH: ${(guest.bootMs / 1000).toFixed(1)} s under ${guest.accel}`);
    assert.equal(guest.accel, accel.accel, 'every guest carries its accelerator');
    assert.equal(guest.accelReason, accel.reason);
    await toolVersions(guest);
    const dev = await guest.exec('ls /sys/block; readlink /sys/class/net/eth0/device/driver');
    assert.match(dev.stdout, /^vda$/m);
    assert.match(dev.stdout, /virtio_net$/m);
    await ddOnDisk(guest, '/dev/vda', disk);

    // iperf3 from the guest to a server in the root namespace, on the lab network's gateway address.
    const server = await spawnTracked(['iperf3', '-s', '-B', net.gateway, '-p', '5201'], { pidfile: join(work, 'iperf3.pid.json'), logFile: join(work, 'iperf3.log'), label: 'iperf3 server' });
    try {
      const listening = await waitFor(() => new Promise<true | null>((resolve) => {
        const s = connect({ host: net.gateway, port: 5201 }, () => { s.destroy(); resolve(true); });
        s.once('error', () => resolve(null));
      }), Date.now() + 10_000, 50);
      assert.equal(listening, true, 'iperf3 -s did not listen');
      const r = await guest.exec(`iperf3 -c ${net.gateway} -p 5201 -t 1 -J`, { timeoutMs: 30_000 });
      const report = JSON.parse(r.stdout) as { error?: string; end?: { sum_received?: { bits_per_second?: number } } };
      assert.equal(report.error, undefined, report.error);
      const bps = report.end?.sum_received?.bits_per_second ?? 0;
      t.diagnostic(`iperf3 guest -> host: ${(bps / 1e6).toFixed(0)} Mbit/s`);
      assert.ok(bps > 1e6, `throughput ${bps} bit/s`);
    } finally {
      await killTracked(server);
    }
    await assertGone(guest, await guest.stop());
  } finally {
    await guest?.stop();
    await net.destroy();
  }
  assert.ok(!namespaces().includes(net.ns), `namespace ${net.ns} should be gone`);
  assert.ok(!execFileSync('ip', ['-4', 'route']).toString().includes(`${net.gateway.replace(/\.1$/, '.0')}/24`), 'the root-side veth and its route should be gone');
});

test('lsi-scsi + e1000 guest: the disk is /dev/sda on sym53c8xx, the NIC is e1000', { skip }, async (t) => {
  const { image, accel } = ready();
  const net = await createLabNetwork();
  let guest: RunningGuest | undefined;
  try {
    const { tap, cidr } = await net.addTap();
    const { config, disk } = guestConfig('lab-lsi', 'lsi-scsi', 'e1000');
    guest = await startGuest({ image, accel, config, runRoot, ip: cidr, gateway: net.gateway, netns: net.ns, tap, pool });
    t.diagnostic(`boot to SSH: ${(guest.bootMs / 1000).toFixed(1)} s under ${guest.accel}`);
    // sda's SCSI device sits under host0/target0:0:0/ below the PCI function of the controller.
    const dev = await guest.exec('ls /sys/block; readlink "$(readlink -f /sys/block/sda/device)/../../../driver"; readlink /sys/class/net/eth0/device/driver');
    assert.match(dev.stdout, /^sda$/m);
    assert.match(dev.stdout, /\/sym53c8xx$/m);
    assert.match(dev.stdout, /\/e1000$/m);
    await ddOnDisk(guest, '/dev/sda', disk);
    await assertGone(guest, await guest.stop());
  } finally {
    await guest?.stop();
    await net.destroy();
  }
  assert.ok(!namespaces().includes(net.ns));
});

test('a guest behind a back-end node is reached with the back-end as SSH jump host', { skip }, async (t) => {
  const { image, accel } = ready();
  const lab = await startNsLab();
  let guest: RunningGuest | undefined;
  try {
    // The guest lives on a bridge inside the back-end's namespace: only the back-end can reach it.
    const slot = lab.back.ip.split('.')[2];
    const bridgeIp = `10.234.${slot}.1`;
    for (const args of [['link', 'add', 'br0', 'type', 'bridge'], ['addr', 'add', `${bridgeIp}/24`, 'dev', 'br0'], ['tuntap', 'add', 'dev', 'tap0', 'mode', 'tap'],
      ['link', 'set', 'tap0', 'master', 'br0'], ['link', 'set', 'tap0', 'up'], ['link', 'set', 'br0', 'up']]) {
      execFileSync('ip', ['-n', lab.back.ns, ...args]);
    }
    const jump: SshEndpoint = {
      key: 'back-end', host: lab.back.ip, port: lab.back.port, user: 'root',
      auth: { kind: 'key', privateKey: readFileSync(lab.userKeyPath) }, trustedFingerprint: lab.back.hostKeyFingerprint,
    };
    const { config } = guestConfig('lab-jump', 'virtio-blk', 'virtio');
    guest = await startGuest({ image, accel, config, runRoot, ip: `10.234.${slot}.2/24`, gateway: bridgeIp, netns: lab.back.ns, tap: 'tap0', jump, pool });
    t.diagnostic(`boot to SSH via jump host: ${(guest.bootMs / 1000).toFixed(1)} s`);
    const r = await guest.exec('hostname; echo "$SSH_CLIENT"');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^lab-jump$/m);
    // Only the back-end sits on that bridge, so the session must come from its address there.
    assert.match(r.stdout, new RegExp(`^${bridgeIp.replaceAll('.', '\\.')} `, 'm'), 'the session comes from the back-end');
    await assertGone(guest, await guest.stop());
  } finally {
    await guest?.stop();
    await lab.stop();
  }
});
