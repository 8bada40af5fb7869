// The local lab's "whole device" (the paper's phy backing): a loop device with direct I/O over a
// preallocated file. With --direct-io=on the loop driver submits the guest's requests to the file
// with O_DIRECT, so they bypass the host page cache as a real disk's would, and iostat on the
// loop device sees them as the host's block layer receives them. Loop devices are found again by
// their backing file, so a crash never leaks one: everything backed by a file under the lab's
// state directory is the lab's.
import { AppError } from '../../../shared/result.js';
import { mustRun, requireBinaries, run } from './host.js';

export interface LoopDevice {
  device: string;
  backingFile: string;
  directIo: boolean;
}

interface LosetupJson {
  loopdevices?: Array<{ name?: string; 'back-file'?: string | null; dio?: boolean | string | number }>;
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1';
}

export async function listLoops(): Promise<LoopDevice[]> {
  const r = await run('losetup', ['--json', '--list', '--output', 'NAME,BACK-FILE,DIO']);
  if (r.code !== 0 || r.stdout.trim() === '') return [];
  const parsed = JSON.parse(r.stdout) as LosetupJson;
  return (parsed.loopdevices ?? []).map((l) => ({
    device: l.name ?? '',
    backingFile: (l['back-file'] ?? '').replace(/ \(deleted\)$/, ''),
    directIo: truthy(l.dio),
  })).filter((l) => l.device !== '');
}

/** Attaches `file` to a free loop device with direct I/O and returns it (its DIO state as the kernel reports it). */
export async function attachDirectLoop(file: string): Promise<LoopDevice> {
  requireBinaries([{ bin: 'losetup', pkg: 'mount' }], 'A whole-device (phy) disk');
  const device = (await mustRun('losetup', ['--direct-io=on', '--show', '--find', file], `attaching ${file} to a loop device`)).trim();
  if (!/^\/dev\/loop\d+$/.test(device)) throw new AppError('COMMAND_FAILED', `losetup printed no loop device for ${file} (got ${JSON.stringify(device)})`);
  const found = (await listLoops()).find((l) => l.device === device);
  return { device, backingFile: file, directIo: found?.directIo ?? false };
}

export async function detachLoop(device: string): Promise<void> {
  const r = await run('losetup', ['--detach', device]);
  if (r.code !== 0 && !/No such device|not a block device|failed to use device/i.test(r.stderr)) {
    throw new AppError('COMMAND_FAILED', `cannot detach ${device}: ${r.stderr.trim()} (is a guest still using it?)`);
  }
}

/** Detaches every loop device backed by a file under `dir`; returns their names. */
export async function detachLoopsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const mine = (await listLoops()).filter((l) => l.backingFile.startsWith(prefix));
  for (const l of mine) await detachLoop(l.device);
  return mine.map((l) => `${l.device} (${l.backingFile})`);
}
