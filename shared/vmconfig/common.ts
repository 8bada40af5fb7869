// Facts shared by the three renderers: how each cache mode maps onto the host's page cache and
// the guest-visible write cache, and the errors for configurations a target cannot express.
import { AppError } from '../result.js';
import { NBD_URL } from './schema.js';
import type { DiskCache, VmConfig } from './schema.js';

export type RenderFormat = 'qemu' | 'libvirt' | 'xl';
export const RENDER_FORMATS: readonly RenderFormat[] = ['qemu', 'libvirt', 'xl'];

export interface CacheFlags {
  /** O_DIRECT on the host file: bypass the host page cache. */
  direct: boolean;
  /** Ignore guest flushes (only the "unsafe" mode, which iovlab does not offer). */
  noFlush: boolean;
  /** Whether the guest sees a volatile write cache (it must flush) or write-through. */
  guestWriteCache: boolean;
}

/** QEMU's documented expansion of -drive cache=MODE (qemu-options.hx, "cache" table). */
export function cacheFlags(cache: DiskCache): CacheFlags {
  switch (cache) {
    case 'writeback':
      return { direct: false, noFlush: false, guestWriteCache: true };
    case 'none':
      return { direct: true, noFlush: false, guestWriteCache: true };
    case 'writethrough':
      return { direct: false, noFlush: false, guestWriteCache: false };
    case 'directsync':
      return { direct: true, noFlush: false, guestWriteCache: false };
  }
}

export function impossible(format: RenderFormat, field: string, why: string): AppError {
  return new AppError('INVALID_ARGUMENT', `${field}: cannot be rendered for ${format}: ${why}`, { format, field });
}

/** The xen bus is Xen's PV block device (blkfront, xvda); only xl can express it. */
export function rejectXenBus(cfg: VmConfig, format: 'qemu' | 'libvirt'): void {
  if (cfg.disk.bus === 'xen') {
    throw impossible(format, 'disk.bus', 'xen is the Xen PV disk (vdev=xvda) and exists only under --format xl; choose virtio-blk, virtio-scsi, lsi-scsi or ide');
  }
}

export interface NbdExport {
  host: string;
  port: number;
  name: string;
}

/** Splits an nbd:// URL already checked by the schema; the port defaults to NBD's 10809. */
export function parseNbdUrl(url: string): NbdExport {
  const m = NBD_URL.exec(url);
  if (!m) throw new AppError('INVALID_ARGUMENT', `ebs.export: must be an NBD URL like nbd://127.0.0.1:10809/vol0 (got ${JSON.stringify(url)})`);
  const host = (m[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = m[2] === undefined ? 10809 : Number(m[2]);
  if (port < 1 || port > 65535) throw new AppError('INVALID_ARGUMENT', `ebs.export: port must be 1-65535 (got ${port})`);
  return { host, port, name: m[3] ?? '' };
}

/** The image format QEMU/libvirt/xl must be told; only qcow2 differs from raw. */
export function imageFormat(cfg: VmConfig): 'raw' | 'qcow2' {
  return cfg.disk.backing === 'qcow2' ? 'qcow2' : 'raw';
}
