// Which block device does iostat have to watch for a target? The paper sampled the host disk
// under the guest's storage, so a target path is followed down to a disk as iostat names it
// (kernel names: sda, vda, nvme0n1, dm-0, loop3):
//   file → the filesystem holding it (findmnt MAJ:MIN, or its SOURCE for btrfs/zfs) → device;
//   partition → its whole disk; dm/md with a single slave (LVM, dm-crypt) → that slave;
//   loop device → the device under its backing file.
// Several slaves (striped LVM, RAID) stop at the dm/md device, which iostat reports as a whole.
import { AppError } from '../../../shared/result.js';
import { shQuote } from '../ssh/quote.js';
import { first, keyValues, type Shell } from './shell.js';

export interface DeviceMapping {
  /** The kernel name iostat reports (no /dev/). */
  device: string;
  /** How it was found: every block device passed on the way, top first. */
  chain: string[];
  /** The filesystem (source and type) the path lives on, when it is a file. */
  filesystem: string | null;
  /** The user named the device (target.hostDevice). */
  overridden: boolean;
}

const KERNEL_NAME = /^[A-Za-z0-9._:-]{1,255}$/;
const MAX_HOPS = 16;

export function mapScript(path: string): string {
  return [
    `p=${shQuote(path)}`,
    // n := kernel name of the block device under path $1 (empty when there is none).
    'holder() {',
    '  t=$1; while [ ! -e "$t" ] && [ "$t" != / ] && [ "$t" != . ]; do t=$(dirname -- "$t"); done',
    '  t=$(readlink -f -- "$t"); n=',
    '  if [ -b "$t" ]; then n=$(lsblk -dno KNAME -- "$t" 2>/dev/null | tr -d " "); return; fi',
    '  echo "fs=$(findmnt -nvo SOURCE,FSTYPE --target "$t" | tr -s " ")"',
    '  mm=$(findmnt -nvo MAJ:MIN --target "$t" | tr -d " ")',
    '  [ -n "$mm" ] && [ -e "/sys/dev/block/$mm" ] && n=$(basename "$(readlink -f "/sys/dev/block/$mm")")',
    '  if [ -z "$n" ]; then s=$(findmnt -nvo SOURCE --target "$t"); [ -b "$s" ] && n=$(lsblk -dno KNAME -- "$s" 2>/dev/null | tr -d " "); fi',
    '}',
    'holder "$p"; i=0',
    `while [ -n "$n" ] && [ $i -lt ${MAX_HOPS} ]; do`,
    '  i=$((i+1)); echo "hop=$n"; b=/sys/class/block/$n',
    '  if [ -e "$b/partition" ]; then n=$(basename "$(dirname "$(readlink -f "$b")")"); continue; fi',
    '  s=$(ls "$b/slaves" 2>/dev/null)',
    '  if [ -n "$s" ] && [ "$(echo "$s" | wc -w)" -eq 1 ]; then n=$s; continue; fi',
    '  if [ -r "$b/loop/backing_file" ]; then',
    '    cur=$n; f=$(cat "$b/loop/backing_file"); echo "backing=$f"; holder "${f% (deleted)}"',
    '    if [ -z "$n" ] || [ "$n" = "$cur" ]; then n=$cur; break; fi; continue',
    '  fi',
    '  break',
    'done',
    'echo "device=$n"',
    '[ -n "$n" ] && awk -v d="$n" \'$3 == d { found = 1 } END { exit !found }\' /proc/diskstats && echo reported=1',
    'true',
  ].join('\n');
}

/** Resolves a /dev path the user gave as hostDevice to its kernel name; a bare name is taken as is. */
async function overrideName(shell: Shell, hostDevice: string, where: string): Promise<string> {
  const name = hostDevice.replace(/^\/dev\//, '');
  if (KERNEL_NAME.test(name)) return name;
  const r = await shell(`lsblk -dno KNAME -- ${shQuote(hostDevice)}`);
  const kname = r.stdout.trim();
  if (r.code !== 0 || !KERNEL_NAME.test(kname)) throw new AppError('NOT_FOUND', `${where}: hostDevice ${hostDevice} is not a block device on the node (${r.stderr.trim() || 'lsblk found nothing'})`);
  return kname;
}

/**
 * The device iostat should watch for `path` on the node `shell` runs on. `where` names the target
 * for messages. Throws NOT_FOUND when the path is not on a local block device (tmpfs, NFS, overlay).
 */
export async function mapHostDevice(shell: Shell, path: string, where: string, hostDevice?: string): Promise<DeviceMapping> {
  if (hostDevice !== undefined) {
    const device = await overrideName(shell, hostDevice, where);
    return { device, chain: [device], filesystem: null, overridden: true };
  }
  const r = await shell(mapScript(path));
  const kv = keyValues(r.stdout);
  const device = first(kv, 'device') ?? '';
  const filesystem = first(kv, 'fs')?.trim() || null;
  if (r.code !== 0 || !KERNEL_NAME.test(device)) {
    const fs = filesystem ? ` (it is on ${filesystem})` : '';
    throw new AppError('NOT_FOUND', `${where}: cannot find the block device under ${path}${fs}; iostat has nothing to sample. Set hostDevice in the target to name the disk.`, { path, filesystem });
  }
  if (first(kv, 'reported') !== '1') {
    throw new AppError('NOT_FOUND', `${where}: ${path} is on ${device}, but /proc/diskstats does not list it, so iostat cannot report it; set hostDevice in the target.`, { path, device });
  }
  return { device, chain: kv.get('hop') ?? [device], filesystem, overridden: false };
}
