// The host side of a configuration's test disk on a real node. A whole block device goes through
// the destructive-target guard (the benchmark in the guest overwrites it), so it needs the user's
// "<device> <size>" confirmation and is never the root disk, swap or mounted. A file is created
// with qemu-img when missing (raw sparse, raw preallocation=full, or qcow2 — the backing is part
// of the experiment); an existing file is used as it is, after checking its format.
import { AppError } from '../../../shared/result.js';
import { imageFormat } from '../../../shared/vmconfig/common.js';
import { qemuImgCreateArgv, type VmConfig } from '../../../shared/vmconfig/index.js';
import { guardTarget } from '../bench/guard.js';
import { keyValues, first } from '../bench/shell.js';
import { humanSize } from '../bench/target-path.js';
import { shJoin, shQuote } from '../ssh/quote.js';
import { asShell, must, type NodeShell } from './remote.js';

export const DEFAULT_BACKING_MIB = 1024;
/** preallocation=full writes every block: a slow disk takes minutes for a large file. */
const CREATE_TIMEOUT_MS = 30 * 60_000;

export interface BackingOptions {
  /** The lab's name for the node, as the guard's messages say it. */
  nodeName: string;
  sizeMiB?: number | undefined;
  /** For a whole device: the "<device> <size>" the user typed to allow overwriting it. */
  confirm?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface PreparedBacking {
  path: string;
  kind: 'device' | 'file';
  format: 'raw' | 'qcow2';
  created: boolean;
  sizeBytes: number | null;
  confirmedAs: string | null;
  /** The command that created it, when iovlab did. */
  createdWith: string | null;
  /** What the results should be read with (an existing file's allocation, ...). */
  notes: string[];
}

/** The shell command creating the file, or null for a device. */
export function backingCreateCommand(cfg: VmConfig, sizeMiB = DEFAULT_BACKING_MIB): string | null {
  const argv = qemuImgCreateArgv(cfg, sizeMiB);
  return argv ? shJoin(argv) : null;
}

interface ImageInfo {
  format?: string;
  'virtual-size'?: number;
  'actual-size'?: number;
}

async function checkExistingFile(node: NodeShell, cfg: VmConfig, notes: string[]): Promise<number | null> {
  const path = cfg.disk.path;
  // -U (force-share): the guest may be running on it, holding QEMU's image lock.
  const text = await must(node, `qemu-img info -U --output=json ${shQuote(path)}`, `reading ${path} with qemu-img info`);
  let info: ImageInfo;
  try {
    info = JSON.parse(text) as ImageInfo;
  } catch {
    throw new AppError('PARSE_ERROR', `qemu-img info on ${node.where} printed no JSON for ${path}: ${text.slice(0, 200)}`);
  }
  const want = imageFormat(cfg);
  if (info.format !== want) {
    throw new AppError('INVALID_ARGUMENT', `${path} on ${node.where} is a ${info.format ?? 'unknown'} image, but disk.backing ${cfg.disk.backing} needs ${want}; iovlab does not overwrite an existing file: remove it, or point disk.path elsewhere`);
  }
  const size = info['virtual-size'] ?? null;
  const allocated = info['actual-size'] ?? null;
  if (want === 'raw' && size !== null && allocated !== null) {
    const full = allocated >= size * 0.99;
    if (cfg.disk.backing === 'sparse-file' && full) {
      notes.push(`${path} already exists fully allocated (${humanSize(allocated)}), e.g. written by an earlier run: this measures an allocated file, not the paper's growing sparse file; delete it to start sparse again`);
    }
    if (cfg.disk.backing === 'prealloc-file' && !full) {
      notes.push(`${path} already exists but only ${humanSize(allocated)} of ${humanSize(size)} are allocated: it is not preallocated; delete it so iovlab creates it with preallocation=full`);
    }
  }
  notes.push(`${path} existed and was used as it is`);
  return size;
}

/** O_DIRECT (cache none/directsync, io native) fails on filesystems without it; find out before QEMU does. */
async function checkDirectIo(node: NodeShell, cfg: VmConfig): Promise<void> {
  if (cfg.disk.cache !== 'none' && cfg.disk.cache !== 'directsync') return;
  const p = shQuote(cfg.disk.path);
  const r = await node.exec(`dd if=${p} of=/dev/null bs=4096 count=1 iflag=direct 2>&1 || { echo "fs=$(stat -f -c %T ${p})"; exit 1; }`);
  if (r.code !== 0) {
    const fs = first(keyValues(r.stdout), 'fs') ?? 'unknown';
    throw new AppError('INVALID_ARGUMENT', `disk.cache ${cfg.disk.cache} opens ${cfg.disk.path} with O_DIRECT, which its filesystem (${fs}) on ${node.where} refuses (${r.stdout.split('\n')[0]?.trim() ?? ''}); put disk.path on ext4 or xfs, or use cache writeback or writethrough`);
  }
}

export async function ensureBacking(node: NodeShell, cfg: VmConfig, opts: BackingOptions): Promise<PreparedBacking> {
  const path = cfg.disk.path;
  const format = imageFormat(cfg);
  if (cfg.disk.backing === 'device') {
    const guarded = await guardTarget(asShell(node), { targetName: `test disk of configuration "${cfg.name}"`, nodeName: opts.nodeName, path, confirm: opts.confirm });
    if (guarded.kind !== 'device') {
      throw new AppError('INVALID_ARGUMENT', `disk.backing is device, but ${path} on ${node.where} is not a block device; give a /dev/... path, or choose a file backing (sparse-file, prealloc-file, qcow2)`);
    }
    return { path: guarded.path, kind: 'device', format, created: false, sizeBytes: guarded.sizeBytes, confirmedAs: guarded.confirmedAs, createdWith: null, notes: [] };
  }
  const p = shQuote(path);
  const state = keyValues(await must(node, `p=${p}; if [ -b "$p" ]; then echo kind=block; elif [ -e "$p" ]; then echo kind=exists; else echo kind=missing; [ -d "$(dirname -- "$p")" ] && echo parent=1; fi; true`, `inspecting ${path}`));
  const kind = first(state, 'kind');
  if (kind === 'block') throw new AppError('INVALID_ARGUMENT', `disk.path ${path} on ${node.where} is a block device, but disk.backing is ${cfg.disk.backing}; set disk.backing to device (and confirm it) or give a file path`);
  const notes: string[] = [];
  let created = false;
  let createdWith: string | null = null;
  let sizeBytes: number | null;
  if (kind === 'exists') {
    sizeBytes = await checkExistingFile(node, cfg, notes);
  } else {
    if (first(state, 'parent') !== '1') throw new AppError('NOT_FOUND', `the directory of ${path} does not exist on ${node.where}; create it, or point disk.path into an existing directory`);
    const sizeMiB = opts.sizeMiB ?? DEFAULT_BACKING_MIB;
    createdWith = backingCreateCommand(cfg, sizeMiB);
    if (createdWith === null) throw new AppError('INTERNAL', 'no qemu-img command for a file backing');
    await must(node, createdWith, `creating ${path} (${cfg.disk.backing}, ${sizeMiB} MiB)`, { timeoutMs: CREATE_TIMEOUT_MS, signal: opts.signal });
    created = true;
    sizeBytes = sizeMiB * 2 ** 20;
  }
  await checkDirectIo(node, cfg);
  return { path, kind: 'file', format, created, sizeBytes, confirmedAs: null, createdWith, notes };
}
