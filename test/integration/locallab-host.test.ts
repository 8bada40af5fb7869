// The local lab's host-side bookkeeping, without booting a guest: missing packages named in one
// message, processes tracked by PID (and a reused PID left alone), stale guests and networks of
// dead lab processes reclaimed, and a guest that cannot boot reported with QEMU's own words.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../shared/result.js';
import { findBinary, requireBinaries, isRoot } from '../../electron/core/locallab/host.js';
import { modulesDep } from '../../electron/core/locallab/kmod.js';
import { cleanupStaleGuests, startGuest } from '../../electron/core/locallab/guest.js';
import { cleanupStaleNetworks } from '../../electron/core/locallab/netns.js';
import { ensureUserKey } from '../../electron/core/locallab/keys.js';
import { processStartTime, type PidRecord } from '../../electron/core/locallab/process.js';
import type { GuestImage } from '../../electron/core/locallab/image.js';

const work = mkdtempSync(join(tmpdir(), 'iovlab-locallab-host-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A PID that certainly belongs to no running process: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid ?? 999_999;
}

function sleeper(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return { child, exited: new Promise((r) => child.once('exit', (_code, sig) => r(sig))) };
}

test('missing host tools are reported once, with the apt-get line that installs them (real PATH lookup of names that do not exist)', () => {
  try {
    requireBinaries([{ bin: 'sh', pkg: 'dash' }, { bin: 'iovlab-no-such-tool-a', pkg: 'iovlab-fake-pkg-a' }, { bin: 'iovlab-no-such-tool-b', pkg: 'iovlab-fake-pkg-b' }], 'Building the guest image');
    assert.fail('should have thrown');
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'MISSING_DEPENDENCY');
    assert.match(e.message, /^Building the guest image needs tools this host lacks: iovlab-no-such-tool-a \(iovlab-fake-pkg-a\), iovlab-no-such-tool-b \(iovlab-fake-pkg-b\)\./);
    assert.match(e.message, /apt-get install -y --no-install-recommends iovlab-fake-pkg-a iovlab-fake-pkg-b$/);
    assert.deepEqual(e.details?.['aptPackages'], ['iovlab-fake-pkg-a', 'iovlab-fake-pkg-b']);
  }
});

test('modules.dep for the guest lists every transitive dependency, the one loaded last first', () => {
  const dep = modulesDep([
    { name: 'scsi_common', rel: 'kernel/drivers/scsi/scsi_common.ko', depends: [] },
    { name: 'scsi_mod', rel: 'kernel/drivers/scsi/scsi_mod.ko', depends: ['scsi_common'] },
    { name: 'sd_mod', rel: 'kernel/drivers/scsi/sd_mod.ko', depends: ['scsi_mod'] },
  ]);
  assert.equal(dep, [
    'kernel/drivers/scsi/scsi_common.ko:',
    'kernel/drivers/scsi/scsi_mod.ko: kernel/drivers/scsi/scsi_common.ko',
    'kernel/drivers/scsi/sd_mod.ko: kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko',
    '',
  ].join('\n'));
});

test('stale pidfiles: an orphaned process is killed by PID; a reused PID and a live owner are left alone', async () => {
  const runRoot = join(work, 'run-stale');
  const dead = await deadPid();
  const orphan = sleeper();
  const reused = sleeper();
  const owned = sleeper();
  const write = (dir: string, rec: PidRecord) => {
    mkdirSync(join(runRoot, dir), { recursive: true });
    writeFileSync(join(runRoot, dir, 'qemu.pid.json'), JSON.stringify(rec));
  };
  const startOf = (c: ChildProcess) => processStartTime(c.pid ?? 0) ?? '';
  write(`${dead}-1-0-orphan`, { pid: orphan.child.pid ?? 0, startTime: startOf(orphan.child), ownerPid: dead, ownerStartTime: '1', label: 'guest orphan' });
  write(`${dead}-1-1-reused`, { pid: reused.child.pid ?? 0, startTime: '1', ownerPid: dead, ownerStartTime: '1', label: 'guest reused' });
  write('mine', { pid: owned.child.pid ?? 0, startTime: startOf(owned.child), ownerPid: process.pid, ownerStartTime: processStartTime(process.pid) ?? '', label: 'guest mine' });

  const killed = cleanupStaleGuests(runRoot);
  assert.deepEqual(killed, [`guest orphan (pid ${orphan.child.pid})`]);
  assert.equal(await orphan.exited, 'SIGKILL');
  assert.equal(reused.child.exitCode, null, 'a PID now naming another process must not be killed');
  assert.equal(reused.child.signalCode, null);
  assert.equal(existsSync(join(runRoot, `${dead}-1-1-reused`)), false, "a dead owner's run directory is removed");
  assert.equal(existsSync(join(runRoot, 'mine', 'qemu.pid.json')), true, 'a live owner keeps its guests');
});

const netSkip = !isRoot() ? 'needs root (network namespaces)' : !findBinary('ip') ? 'needs ip (apt-get install iproute2)' : false;
test('stale lab networks of dead processes are deleted, those of live ones kept', { skip: netSkip }, async () => {
  const dead = await deadPid();
  const stale = `iovg-${dead}-1-0`;
  const live = `iovg-${process.pid}-${processStartTime(process.pid)}-99`;
  execFileSync('ip', ['netns', 'add', stale]);
  execFileSync('ip', ['netns', 'add', live]);
  try {
    const removed = cleanupStaleNetworks();
    assert.ok(removed.includes(stale), `removed: ${removed.join(', ')}`);
    const list = execFileSync('ip', ['netns', 'list']).toString();
    assert.ok(!list.includes(stale));
    assert.ok(list.includes(live));
  } finally {
    for (const ns of [stale, live]) {
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* gone */ }
    }
  }
});

const bootSkip = ['qemu-system-x86_64', 'dropbearkey', 'ssh-keygen'].map((b) => (findBinary(b) ? null : `needs ${b} (qemu-system-x86, dropbear-bin, openssh-client)`)).find(Boolean) ?? false;
test('a guest whose kernel cannot be loaded fails fast with what QEMU said, and leaves no process', { skip: bootSkip }, async () => {
  const keys = await ensureUserKey(join(work, 'keys'));
  const image: GuestImage = {
    id: 'broken', dir: work, kernel: join(work, 'no-such-vmlinux'), initrd: join(work, 'no-such-initrd'), kernelRelease: '0', modulesLoaded: [],
    sshPrivateKeyPath: keys.privateKeyPath, sshPublicKeyPath: keys.publicKeyPath, sizeBytes: { kernel: 0, initrd: 0 }, buildMs: null,
  };
  writeFileSync(join(work, 'disk.img'), Buffer.alloc(1024 * 1024));
  const runRoot = join(work, 'run-broken');
  const options = (memoryMiB: number) => ({
    image, accel: { accel: 'tcg' as const, reason: 'test', cached: false }, runRoot, ip: '10.233.251.2/24',
    config: { name: 'broken', memoryMiB, disk: { bus: 'virtio-blk' as const, backing: 'sparse-file' as const, path: join(work, 'disk.img') }, nic: { model: 'virtio' as const } },
  });
  await assert.rejects(startGuest(options(128)), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, /^memoryMiB: 128 MiB is too little for the local-lab guest, .* give it at least 192 MiB$/);
    return true;
  });
  const started = Date.now();
  await assert.rejects(
    startGuest(options(256)),
    (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'COMMAND_FAILED');
      assert.match(e.message, /^guest broken exited before it answered SSH\.\nQEMU said: .*no-such-vmlinux/s);
      return true;
    },
  );
  assert.ok(Date.now() - started < 15_000, 'it must not wait for the boot deadline');
  assert.deepEqual(readdirSync(runRoot), [], 'its run directory (pidfile, logs, host key) is removed');
  const qemus = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes('guest=broken');
    } catch {
      return false;
    }
  });
  assert.deepEqual(qemus, [], 'no QEMU of this guest may remain');
});
