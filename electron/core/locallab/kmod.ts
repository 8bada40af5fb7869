// Kernel module closure for the guest image, read straight from the .ko files: Debian's kernel
// package ships no modules.dep (its postinst runs depmod), and parsing each module's .modinfo
// "depends=" string avoids needing kmod on the host.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AppError } from '../../../shared/result.js';

export interface ModuleRef {
  name: string;
  /** Path relative to /lib/modules/<version>/, e.g. kernel/drivers/block/virtio_blk.ko. */
  rel: string;
  depends: string[];
}

/** Module names use _ where file names may use - (crc64-rocksoft.ko is crc64_rocksoft). */
export function moduleName(file: string): string {
  return (file.split('/').pop() ?? file).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replaceAll('-', '_');
}

async function walk(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await walk(p, out);
    else if (entry.name.endsWith('.ko')) out.push(p);
  }
}

/** The "depends=" value of a module's .modinfo section (NUL-separated key=value strings). */
export function modinfoDepends(ko: Buffer): string[] {
  const key = Buffer.from('\0depends=');
  const at = ko.indexOf(key);
  if (at < 0) return [];
  const start = at + key.length;
  const end = ko.indexOf(0, start);
  const value = ko.subarray(start, end < 0 ? undefined : end).toString('latin1');
  return value.split(',').filter(Boolean).map(moduleName);
}

/**
 * Resolves `wanted` (plus their dependencies) to files under `modDir` (/lib/modules/<ver>),
 * ordered so every module comes after what it depends on — the order insmod needs. Modules built
 * into the kernel are reported separately; a name that is neither is an error.
 */
export async function resolveModules(modDir: string, wanted: readonly string[]): Promise<{ order: ModuleRef[]; builtin: string[] }> {
  const files: string[] = [];
  await walk(join(modDir, 'kernel'), files);
  const byName = new Map(files.map((f) => [moduleName(f), f]));
  const builtinText = await readFile(join(modDir, 'modules.builtin'), 'utf8').catch(() => '');
  const builtinNames = new Set(builtinText.split('\n').filter(Boolean).map(moduleName));

  const order: ModuleRef[] = [];
  const builtin: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = async (name: string, chain: string[]): Promise<void> => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new AppError('INTERNAL', `kernel modules depend on each other in a cycle: ${[...chain, name].join(' -> ')}`);
    const file = byName.get(name);
    if (!file) {
      if (builtinNames.has(name)) {
        state.set(name, 'done');
        builtin.push(name);
        return;
      }
      throw new AppError('NOT_FOUND', `kernel module ${name} (needed by ${chain.join(' -> ') || 'the guest image'}) is not in ${modDir}`);
    }
    state.set(name, 'visiting');
    const depends = modinfoDepends(await readFile(file));
    for (const dep of depends) await visit(dep, [...chain, name]);
    state.set(name, 'done');
    order.push({ name, rel: relative(modDir, file), depends });
  };
  for (const name of wanted) await visit(moduleName(name), []);
  return { order, builtin };
}

/**
 * modules.dep for the copied subset, so busybox modprobe in the guest can load more on demand.
 * Like depmod's, each line lists every transitive dependency, the one to load last first.
 */
export function modulesDep(order: readonly ModuleRef[]): string {
  const index = new Map(order.map((m, i) => [m.name, i]));
  const closure = (m: ModuleRef, acc: Set<number>): Set<number> => {
    for (const d of m.depends) {
      const i = index.get(d);
      const dep = i === undefined ? undefined : order[i];
      if (i !== undefined && dep && !acc.has(i)) {
        acc.add(i);
        closure(dep, acc);
      }
    }
    return acc;
  };
  return order
    .map((m) => {
      const deps = [...closure(m, new Set())].sort((a, b) => b - a).map((i) => order[i]?.rel ?? '');
      return `${m.rel}:${deps.map((d) => ` ${d}`).join('')}\n`;
    })
    .join('');
}
