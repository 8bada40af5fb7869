// Target path → the block device iostat must watch, on this machine's real devices: a file on
// the root filesystem, a file on a partition of a loop device (partition → disk → the disk
// under the loop's backing file), tmpfs (no device), and iostat really reporting the result.
// The mapping script runs through a local shell instead of SSH (same script).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mapHostDevice } from '../../electron/core/bench/device-map.js';
import { parseIostatReports } from '../../shared/parsers/index.js';
import { isAppError } from '../../shared/result.js';
import { localShell } from '../helpers/local-shell.js';

const sh = (cmd: string): string => execFileSync('sh', ['-c', cmd], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
const has = (bin: string): boolean => {
  try {
    sh(`command -v ${bin}`);
    return true;
  } catch {
    return false;
  }
};

const work = mkdtempSync(join('/var/tmp', 'iovlab-devmap-'));
const cleanups: (() => void)[] = [];
after(() => {
  for (const c of cleanups.reverse()) {
    try { c(); } catch { /* best effort */ }
  }
  rmSync(work, { recursive: true, force: true });
});

/** The whole disk under a directory, found another way than the script does (lsblk PKNAME, not sysfs). */
function diskUnder(dir: string): string | null {
  try {
    const source = sh(`findmnt -nvo SOURCE --target ${dir}`);
    if (!source.startsWith('/dev/')) return null;
    return sh(`lsblk -dno PKNAME ${source}`) || sh(`lsblk -dno KNAME ${source}`);
  } catch {
    return null;
  }
}

const rootDisk = diskUnder(work);
const skipRoot = rootDisk ? false : `${work} is not on a block device here (container overlay?)`;
const skipLoop = skipRoot || (process.getuid?.() !== 0 ? 'needs root (losetup, mount)' : ['losetup', 'sfdisk', 'mkfs.ext4'].find((b) => !has(b)) ? 'losetup, sfdisk or mkfs.ext4 missing (apt-get install util-linux fdisk e2fsprogs)' : false);

test('a file (existing or not yet) on the root filesystem maps to its disk, and iostat reports that disk', { skip: skipRoot || (has('iostat') ? false : 'iostat not found (apt-get install sysstat)') }, async () => {
  const mapped = await mapHostDevice(localShell, join(work, 'not', 'yet', 'there.dat'), 'target "t"');
  assert.equal(mapped.device, rootDisk);
  assert.equal(mapped.overridden, false);
  assert.match(mapped.filesystem ?? '', /^\/dev\/\S+ \S+$/);
  const reports = parseIostatReports(sh(`LC_ALL=C iostat -dxk ${mapped.device} 1 1`));
  assert.deepEqual(reports[0]?.devices.map((d) => d.device), [mapped.device]);
});

test('a file on a partition of a loop device maps through partition → loop → the disk under its backing file', { skip: skipLoop }, async () => {
  const img = join(work, 'disk.img');
  sh(`truncate -s 64M ${img}`);
  const loop = sh(`losetup -f --show -P ${img}`);
  cleanups.push(() => sh(`losetup -d ${loop}`));
  sh(`printf 'label: dos\\n,32M\\n' | sfdisk -q ${loop}`);
  sh(`partx -u ${loop} 2>/dev/null || true`);
  const part = `${loop}p1`;
  for (let i = 0; i < 50 && !existsSync(part); i++) await new Promise((r) => setTimeout(r, 20));
  sh(`mkfs.ext4 -q ${part}`);
  const mnt = join(work, 'mnt');
  mkdirSync(mnt);
  sh(`mount ${part} ${mnt}`);
  cleanups.push(() => sh(`umount ${mnt}`));
  const name = loop.replace('/dev/', '');
  const mapped = await mapHostDevice(localShell, join(mnt, 'scratch.dat'), 'target "t"');
  assert.deepEqual(mapped.chain, [`${name}p1`, name, rootDisk]);
  assert.equal(mapped.device, rootDisk);
  const direct = await mapHostDevice(localShell, part, 'target "t"');
  assert.equal(direct.device, rootDisk, 'a device path is followed the same way');
});

test('a path on tmpfs has no block device: NOT_FOUND saying which filesystem and what to set', { skip: existsSync('/dev/shm') ? false : 'no /dev/shm' }, async () => {
  try {
    await mapHostDevice(localShell, '/dev/shm/iovlab-x.dat', 'target "ram" on node "n"');
    assert.fail('mapped a tmpfs path');
  } catch (e) {
    assert.ok(isAppError(e));
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.message, /^target "ram" on node "n": cannot find the block device under \/dev\/shm\/iovlab-x\.dat \(it is on tmpfs tmpfs\).*Set hostDevice/);
  }
});

test('hostDevice overrides the mapping: a kernel name or a /dev path', async () => {
  assert.deepEqual(await mapHostDevice(localShell, '/anything', 'target "t"', 'nvme0n1'), { device: 'nvme0n1', chain: ['nvme0n1'], filesystem: null, overridden: true });
  assert.equal((await mapHostDevice(localShell, '/anything', 'target "t"', '/dev/sdb')).device, 'sdb');
});
