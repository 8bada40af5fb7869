// The destructive-target guard against real block devices on this machine: loop devices made
// with losetup and formatted with mkfs.ext4 / mkswap, the real root device, real mounts. The
// guard's inspection script runs here through a local shell instead of SSH (same script).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardTarget, type GuardTarget } from '../../electron/core/bench/guard.js';
import type { Shell } from '../../electron/core/bench/shell.js';
import { isAppError } from '../../shared/result.js';
import { localShell } from '../helpers/local-shell.js';

function has(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function loopReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (losetup, mount)';
  for (const bin of ['losetup', 'mkfs.ext4', 'wipefs', 'blkid', 'lsblk', 'findmnt']) if (!has(bin)) return `${bin} not found (apt-get install util-linux e2fsprogs)`;
  if (!existsSync('/dev/loop-control')) return 'no /dev/loop-control (loop devices unavailable)';
  return false;
}

const skipLoop = loopReason();
const rootSource = (() => {
  try {
    return execFileSync('findmnt', ['-nvo', 'SOURCE', '/']).toString().trim();
  } catch {
    return '';
  }
})();
const skipRoot = skipLoop || (rootSource.startsWith('/dev/') && statSync(rootSource, { throwIfNoEntry: false })?.isBlockDevice() ? false : `/ is on ${rootSource || 'nothing'}, not a block device (container overlay?)`);

const work = mkdtempSync(join(tmpdir(), 'iovlab-guard-'));
const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups.reverse()) {
    try { c(); } catch { /* best effort */ }
  }
  rmSync(work, { recursive: true, force: true });
});

function loopDevice(name: string, mb: number): string {
  const img = join(work, `${name}.img`);
  execFileSync('truncate', ['-s', `${mb}M`, img]);
  const dev = execFileSync('losetup', ['-f', '--show', img]).toString().trim();
  cleanups.push(() => execFileSync('losetup', ['-d', dev]));
  return dev;
}

function target(path: string, confirm?: string): GuardTarget {
  return { targetName: 'scratch', nodeName: 'lab-host', path, confirm };
}

async function refusal(shell: Shell, t: GuardTarget, dir?: string): Promise<{ reason: unknown; message: string }> {
  try {
    await guardTarget(shell, t, dir);
  } catch (e) {
    assert.ok(isAppError(e), String(e));
    assert.equal(e.code, 'INVALID_ARGUMENT');
    return { reason: e.details?.reason, message: e.message };
  }
  assert.fail(`the guard let ${t.path} through`);
}

test('a device with a filesystem signature (mkfs.ext4 on a loop device) is refused until its name and size are typed', { skip: skipLoop }, async () => {
  const dev = loopDevice('ext4', 32);
  execFileSync('mkfs.ext4', ['-q', dev]);
  const r = await refusal(localShell, target(dev));
  assert.equal(r.reason, 'signature');
  assert.match(r.message, /carries a ext4 signature/);
  assert.ok(r.message.includes(`confirm by typing exactly: ${dev} 32M`), r.message);
  assert.ok(r.message.includes('target "scratch" on node "lab-host"'));
  assert.equal((await refusal(localShell, target(dev, `${dev} 64M`))).reason, 'signature', 'a wrong size is not a confirmation');
  const ok = await guardTarget(localShell, target(dev, `  ${dev}   32m `));
  assert.deepEqual(ok, { path: dev, kind: 'device', sizeBytes: 32 * 2 ** 20, confirmedAs: `  ${dev}   32m ` });
});

test('a mounted device is refused, even when confirmed, and the message says where it is mounted', { skip: skipLoop }, async () => {
  const dev = loopDevice('mounted', 32);
  execFileSync('mkfs.ext4', ['-q', dev]);
  const mnt = join(work, 'mnt');
  execFileSync('mkdir', ['-p', mnt]);
  execFileSync('mount', [dev, mnt]);
  cleanups.push(() => execFileSync('umount', [mnt]));
  for (const confirm of [undefined, `${dev} 32M`]) {
    const r = await refusal(localShell, target(dev, confirm));
    assert.equal(r.reason, 'mounted');
    assert.ok(r.message.includes(`it is mounted (at ${mnt})`), r.message);
    assert.ok(r.message.includes(`umount ${mnt}`));
  }
});

test('the root device is refused', { skip: skipRoot }, async () => {
  const size = execFileSync('lsblk', ['-dno', 'SIZE', rootSource]).toString().trim();
  const r = await refusal(localShell, target(rootSource, `${rootSource} ${size}`));
  assert.equal(r.reason, 'root');
  assert.match(r.message, /holds the root filesystem/);
});

test('a device in use as swap is refused (mkswap + swapon on a loop device)', { skip: skipLoop || (has('swapon') ? false : 'swapon not found') }, async (t) => {
  const dev = loopDevice('swap', 16);
  execFileSync('mkswap', ['-q', dev]);
  try {
    execFileSync('swapon', [dev], { stdio: 'pipe' });
  } catch (e) {
    t.skip(`swapon is not allowed here: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    return;
  }
  try {
    const r = await refusal(localShell, target(dev, `${dev} 16M`));
    assert.equal(r.reason, 'swap');
    assert.match(r.message, /holds swap space in use/);
  } finally {
    execFileSync('swapoff', [dev]);
  }
});

test('a blank device still needs the typed confirmation; an existing file outside the target directory too', { skip: skipLoop }, async () => {
  const dev = loopDevice('blank', 8);
  const r = await refusal(localShell, target(dev));
  assert.equal(r.reason, 'unconfirmed');
  assert.ok(r.message.includes(`Confirm by typing exactly: ${dev} 8M`), r.message);
  assert.equal((await guardTarget(localShell, target(dev, `${dev} 8M`))).kind, 'device');

  const file = join(work, 'precious.dat');
  writeFileSync(file, 'x'.repeat(3000));
  const f = await refusal(localShell, target(file), join(work, 'targets'));
  assert.equal(f.reason, 'unconfirmed');
  assert.ok(f.message.includes(`Confirm by typing exactly: ${file} 2.9K`), f.message);
});

test('a file in the workbench directory passes and the directory is created; a new file elsewhere passes', async () => {
  const dir = join(work, 'targets');
  const inDir = await guardTarget(localShell, target(`${dir}/run-1/scratch.dat`), dir);
  assert.deepEqual(inDir, { path: `${dir}/run-1/scratch.dat`, kind: 'file', sizeBytes: null, confirmedAs: null });
  assert.ok(statSync(join(dir, 'run-1')).isDirectory());
  assert.equal((await guardTarget(localShell, target(join(work, 'new.dat')), dir)).kind, 'file');
  assert.equal((await refusal(localShell, target(join(work, 'nowhere', 'x.dat')), dir)).reason, 'not-a-target');
  assert.equal((await refusal(localShell, target(work), dir)).reason, 'not-a-target');
});

test('paths with shell metacharacters are refused before anything reaches a shell', async () => {
  const calls: string[] = [];
  const recording: Shell = async (command) => {
    calls.push(command);
    return localShell(command);
  };
  const pwned = join(work, 'pwned');
  const cases: [string, RegExp][] = [
    [`/var/tmp/iovlab/x;touch ${pwned}`, /the shell metacharacter ";"/],
    [`/var/tmp/iovlab/$(touch ${pwned})`, /the shell metacharacter "\$"/],
    ['/var/tmp/iovlab/`id`', /the shell metacharacter "`"/],
    ['/var/tmp/iovlab/a b', /whitespace \(U\+0020\)/],
    ['/var/tmp/iovlab/a\nb', /a control character \(U\+000A\)/],
    ["/var/tmp/iovlab/it's", /the shell metacharacter "'"/],
    ['/var/tmp/iovlab/../../etc/passwd', /a "\.\." component/],
    ['/dev/-sdb', /starts with "-"/],
    ['/var/tmp/iovlab/*', /the shell metacharacter "\*"/],
  ];
  for (const [path, why] of cases) {
    const r = await refusal(recording, target(path));
    assert.equal(r.reason, 'unsafe-path', path);
    assert.match(r.message, why);
    assert.ok(r.message.startsWith('target "scratch" on node "lab-host": refusing target path'), r.message);
  }
  assert.deepEqual(calls, [], 'no refused path reached the shell');
  assert.equal(existsSync(pwned), false);
});
