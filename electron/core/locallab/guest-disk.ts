// The disks behind a local guest and what is stored about them. Each application of a
// configuration gets fresh backing (a sparse file must start empty, or its growth — the paper's
// 1.3 MB/s — would not be measured again), made the way the configuration model says (qemu-img),
// and a "whole device" is a loop device with direct I/O over a preallocated file. With the run it
// stores the exact QEMU argv, the equivalent libvirt XML (checked by virt-xml-validate when
// installed) and the xl.cfg where Xen can express the configuration.
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAppError } from '../../../shared/result.js';
import { parseVmConfig, qemuImgCreateArgv, renderLibvirtXml, renderXlCfg, type DiskBacking, type VmConfig } from '../../../shared/vmconfig/index.js';
import { findBinary, mustRun, run } from './host.js';
import type { LabPaths } from './lab-state.js';
import { attachDirectLoop, detachLoop, detachLoopsUnder, type LoopDevice } from './loopdev.js';

export interface Backing {
  /** What QEMU (or the baseline's dd) opens: the file, or the loop device over it. */
  path: string;
  file: string;
  backing: DiskBacking;
  sizeBytes: number;
  loop: LoopDevice | null;
  /** How it was made, in words for the stored context. */
  description: string;
  release(): Promise<void>;
}

const MiB = 2 ** 20;

const DESCRIBE: Record<DiskBacking, string> = {
  'sparse-file': 'a sparse raw file (blocks allocated as the guest writes; Eucalyptus/UEC\'s KVM default)',
  'prealloc-file': 'a preallocated raw file (qemu-img preallocation=full)',
  qcow2: 'a qcow2 image',
  device: 'a whole device: a loop device with direct I/O (losetup --direct-io=on) over a preallocated raw file, standing in for a dedicated disk',
};

/** Creates fresh backing for one configuration under the lab's disks directory. */
export async function createBacking(paths: LabPaths, name: string, backing: DiskBacking, sizeBytes: number): Promise<Backing> {
  const file = join(paths.disksDir, `${name}.${backing === 'qcow2' ? 'qcow2' : 'img'}`);
  await rm(file, { force: true });
  const model = parseVmConfig({ name: 'backing', disk: { bus: 'virtio-blk', backing: backing === 'device' ? 'prealloc-file' : backing, path: file }, nic: { model: 'virtio' } });
  const [cmd, ...args] = qemuImgCreateArgv(model, Math.ceil(sizeBytes / MiB)) ?? [];
  if (cmd) await mustRun(cmd, args, `creating the ${backing} backing ${file}`);
  let loop: LoopDevice | null = null;
  try {
    if (backing === 'device') loop = await attachDirectLoop(file);
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
  const description = loop && !loop.directIo ? `${DESCRIBE.device} — but the kernel refused direct I/O on it, so it goes through the host page cache` : DESCRIBE[backing];
  return {
    path: loop?.device ?? file, file, backing, sizeBytes: Math.ceil(sizeBytes / MiB) * MiB, loop, description,
    async release() {
      if (loop) await detachLoop(loop.device);
      await rm(file, { force: true });
    },
  };
}

/** Detaches loop devices over the disks directory and deletes its files (call holding the guest lock). */
export async function removeStaleDisks(paths: LabPaths): Promise<string[]> {
  const removed = (await detachLoopsUnder(paths.disksDir)).map((l) => `loop device ${l}`);
  for (const f of await readdir(paths.disksDir).catch(() => [] as string[])) {
    await rm(join(paths.disksDir, f), { force: true, recursive: true });
    removed.push(f);
  }
  return removed;
}

/**
 * The guest device of a disk: the first disk of each bus is its first name (vda, sda); QEMU's
 * host-side EBS disk is the second on the same bus (ebs0 in slot 1 of renderQemuArgv).
 */
export function guestDiskDevice(vm: VmConfig, which: 'local' | 'ebs'): string {
  const letter = which === 'local' ? 'a' : 'b';
  // libata (ata_piix) presents IDE disks as SCSI disks, so they are sd* too.
  return `/dev/${vm.disk.bus === 'virtio-blk' ? 'vd' : 'sd'}${letter}`;
}

export interface RenderedConfig {
  /** The argv QEMU was started with, exactly (guest.ts wrote it next to the guest). */
  qemuArgv: string[];
  libvirtXml: string | null;
  /** virt-xml-validate's verdict: null when it is not installed or the XML could not be rendered. */
  libvirtXmlValid: boolean | null;
  libvirtNote: string | null;
  xlCfg: string | null;
  /** Why there is no xl.cfg (Xen has no virtio disk, no QEMU NBD client). */
  xlNote: string | null;
}

function valueAfter(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function validateXml(xml: string, dir: string): Promise<boolean | null> {
  if (!findBinary('virt-xml-validate')) return null;
  const file = join(dir, 'domain.xml');
  await writeFile(file, xml);
  const r = await run('virt-xml-validate', [file, 'domain']);
  await rm(file, { force: true });
  return r.code === 0;
}

/** The libvirt XML and xl.cfg of what was booted: the same config, kernel, initrd and command line as the argv. */
export async function renderForRun(vm: VmConfig, argv: string[], boot: { kernel: string; initrd: string; serialLog: string }, scratchDir: string): Promise<RenderedConfig> {
  const append = valueAfter(argv, '-append');
  const full = parseVmConfig({ ...vm, kernel: boot.kernel, initrd: boot.initrd, ...(append !== undefined ? { append } : {}), serial: { file: boot.serialLog } });
  const out: RenderedConfig = { qemuArgv: argv, libvirtXml: null, libvirtXmlValid: null, libvirtNote: null, xlCfg: null, xlNote: null };
  try {
    out.libvirtXml = renderLibvirtXml(full);
    out.libvirtXmlValid = await validateXml(out.libvirtXml, scratchDir);
  } catch (e) {
    if (!isAppError(e)) throw e;
    out.libvirtNote = e.message;
  }
  try {
    out.xlCfg = renderXlCfg(full);
  } catch (e) {
    if (!isAppError(e)) throw e;
    out.xlNote = e.message;
  }
  return out;
}
