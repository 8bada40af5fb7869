// How the lab creates the disk a configuration names: the backing is part of the experiment
// (the paper's sparse-file default wrote at 1.3 MB/s), so each kind gets its own qemu-img call.
import type { VmConfig } from './schema.js';

/**
 * The qemu-img argv that creates cfg.disk.path at `sizeMiB`, or null for a whole device (which
 * already exists). prealloc-file uses preallocation=full so every block is written up front, the
 * way Eucalyptus' Xen default and EBS volumes were laid out.
 */
export function qemuImgCreateArgv(cfg: VmConfig, sizeMiB: number): string[] | null {
  const size = `${Math.max(1, Math.floor(sizeMiB))}M`;
  switch (cfg.disk.backing) {
    case 'device':
      return null;
    case 'sparse-file':
      return ['qemu-img', 'create', '-q', '-f', 'raw', cfg.disk.path, size];
    case 'prealloc-file':
      return ['qemu-img', 'create', '-q', '-f', 'raw', '-o', 'preallocation=full', cfg.disk.path, size];
    case 'qcow2':
      return ['qemu-img', 'create', '-q', '-f', 'qcow2', cfg.disk.path, size];
  }
}
