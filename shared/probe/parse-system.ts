// Readers for the probe's system sections: release, uname, cpuinfo + cpus, memory, kvm, vmnoise, nics.
// Each takes the section's lines and a `warn` for what it could not understand.
import type { NetInterface, NodeFacts, VmNoise } from '../facts.js';
import { keyValues, takeHeader } from './sections.js';

export type Warn = (message: string) => void;

const nonEmpty = (s: string | undefined): string | null => {
  const t = s?.trim() ?? '';
  return t === '' ? null : t;
};

/** An integer written in decimal digits (optionally negative), else null. */
export function parseInteger(s: string | undefined): number | null {
  if (s === undefined || !/^-?\d{1,15}$/.test(s.trim())) return null;
  return Number(s.trim());
}

/** os-release values may be quoted, with \ escaping $ " \ and ` inside double quotes. */
function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\([$"\\`])/g, '$1');
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1);
  return t;
}

export function parseRelease(lines: string[], warn: Warn): NodeFacts['distro'] {
  const { header, rest } = takeHeader(lines, ['file']);
  const file = header.get('file') ?? '';
  const unknown = { id: null, name: null, version: null, prettyName: null };
  if (/(^|\/)os-release$/.test(file) || /(^|\/)lsb-release$/.test(file)) {
    const { values } = keyValues(rest);
    const get = (k: string) => nonEmpty(unquote(values.get(k) ?? ''));
    if (file.endsWith('os-release')) {
      const distro = { id: get('ID'), name: get('NAME'), version: get('VERSION_ID') ?? get('VERSION'), prettyName: get('PRETTY_NAME') };
      if (!distro.id && !distro.name) warn(`${file} names no distribution (no ID= or NAME= line)`);
      return distro;
    }
    const id = get('DISTRIB_ID');
    return { id: id?.toLowerCase() ?? null, name: id, version: get('DISTRIB_RELEASE'), prettyName: get('DISTRIB_DESCRIPTION') };
  }
  const first = nonEmpty(rest.find((l) => l.trim() !== ''));
  if (!first) {
    if (file) warn(`${file} is empty; distribution unknown`);
    return unknown;
  }
  if (file.endsWith('debian_version')) return { id: 'debian', name: 'Debian', version: first, prettyName: `Debian ${first}` };
  // Pre-os-release systems: "CentOS release 5.4 (Final)", "Red Hat Enterprise Linux Server release 6.10 (Santiago)".
  const m = /^(.+?)\s+release\s+(\d[\w.]*)/i.exec(first);
  const name = m?.[1] ?? null;
  return { id: name ? (name.split(/\s+/)[0] ?? '').toLowerCase() || null : null, name, version: m?.[2] ?? null, prettyName: first };
}

export function parseUname(lines: string[], warn: Warn): { kernel: string | null; arch: string | null } {
  const { values, odd } = keyValues(lines);
  if (odd.length > 0) warn(`${odd.length} line(s) not understood`);
  return { kernel: nonEmpty(values.get('kernel')), arch: nonEmpty(values.get('arch')) };
}

/** Keys that name the CPU, most specific first (x86 "model name"; ARM "Hardware"/"Processor"; MIPS "cpu model"). */
const MODEL_KEYS = ['model name', 'cpu model', 'Processor', 'Hardware', 'Model', 'cpu'];

export function parseCpuinfo(lines: string[]): Pick<NodeFacts['cpu'], 'model' | 'virtFlags'> {
  const fields = new Map<string, string>();
  for (const line of lines) {
    const m = /^([^:\t]+?)\s*:\s?(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && !fields.has(m[1])) fields.set(m[1], m[2]);
  }
  const modelKey = MODEL_KEYS.find((k) => nonEmpty(fields.get(k)));
  const flags = new Set((fields.get('flags') ?? '').split(/\s+/));
  const virtFlags = (['vmx', 'svm'] as const).filter((f) => flags.has(f));
  return { model: modelKey ? nonEmpty(fields.get(modelKey)) : null, virtFlags };
}

/** Cores: what the node may use (nproc), else the processors listed in /proc/cpuinfo. */
export function parseCpus(lines: string[], warn: Warn): number | null {
  const { values, odd } = keyValues(lines);
  if (odd.length > 0) warn(`${odd.length} line(s) not understood`);
  for (const key of ['online', 'processors']) {
    const n = parseInteger(values.get(key));
    if (n !== null && n > 0) return n;
  }
  return null;
}

export function parseMemory(lines: string[], warn: Warn): number | null {
  for (const line of lines) {
    const m = /^MemTotal:\s*(\d{1,15})\s*kB\s*$/.exec(line);
    const bytes = Number(m?.[1]) * 1024;
    if (Number.isSafeInteger(bytes)) return bytes;
  }
  warn('no readable MemTotal line');
  return null;
}

export function parseKvm(lines: string[], warn: Warn): boolean {
  const present = keyValues(lines).values.get('present');
  if (present !== '0' && present !== '1') warn('no present=0|1 line; assuming /dev/kvm is absent');
  return present === '1';
}

export function parseVmNoise(lines: string[], warn: Warn): VmNoise {
  const { values, odd } = keyValues(lines);
  if (odd.length > 0) warn(`${odd.length} line(s) not understood`);
  const flag = (key: string): boolean | null => {
    const v = values.get(key);
    if (v === '0' || v === '1') return v === '1';
    if (v !== undefined) warn(`${key}=${v.slice(0, 40)} is not 0 or 1`);
    return null;
  };
  const order = parseInteger(values.get('order'));
  return { hypervisor: flag('hypervisor'), freePageReporting: flag('reporting') ?? false, pageReportingOrder: order !== null && order >= 0 ? order : null };
}

const NIC_KEYS = ['nic', 'mtu', 'speed', 'state', 'mac'] as const;

export function parseNics(lines: string[], warn: Warn): NetInterface[] {
  const nics: NetInterface[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const fields = new Map<string, string>();
    for (const token of line.trim().split(/\s+/)) {
      const eq = token.indexOf('=');
      if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
    }
    const name = nonEmpty(fields.get('nic'));
    if (!name || !NIC_KEYS.every((k) => fields.has(k))) {
      warn(`line not understood: "${line.slice(0, 80)}"`);
      continue;
    }
    const mtu = parseInteger(fields.get('mtu'));
    // The kernel reports -1 for a link that is down or has no notion of speed, and the
    // read fails (empty) on virtual links: both mean "unknown".
    const speed = parseInteger(fields.get('speed'));
    nics.push({
      name,
      mtu: mtu !== null && mtu > 0 ? mtu : null,
      speedMbps: speed !== null && speed > 0 ? speed : null,
      state: nonEmpty(fields.get('state')),
      mac: nonEmpty(fields.get('mac')),
    });
  }
  return nics;
}
