// Reads the probe's tool.NAME sections (path=, exit=, then what the version command printed)
// and trims version output to the version number where the format is known.
import type { ProbedTool, ToolFact } from '../facts.js';
import { parseInteger, type Warn } from './parse-system.js';
import { takeHeader } from './sections.js';

const V = String.raw`(\d+(?:\.\d+)+)`;

/** What each tool prints, as recorded from the real tools (see test/unit/probe-versions.test.ts). */
const VERSION_PATTERNS: Partial<Record<ProbedTool, RegExp>> = {
  'qemu-system-x86_64': new RegExp(`QEMU emulator version ${V}`),
  'qemu-img': new RegExp(`qemu-img version ${V}`),
  'qemu-nbd': new RegExp(`qemu-nbd ${V}`),
  virsh: new RegExp(`^\\s*${V}\\s*$`, 'm'),
  libvirtd: new RegExp(`libvirtd \\(libvirt\\) ${V}`),
  xl: new RegExp(`xen_version\\s*:\\s*${V}`),
  fio: new RegExp(`fio-${V}`),
  dd: new RegExp(`\\(coreutils\\) ${V}`),
  iostat: new RegExp(`sysstat version ${V}`),
  iperf3: new RegExp(`iperf ${V}`),
  netperf: new RegExp(`Netperf version ${V}`, 'i'),
  netserver: new RegExp(`Netperf version ${V}`, 'i'),
  hadoop: new RegExp(`^Hadoop ${V}`, 'm'),
};

/** Exit codes of a command cut off by GNU timeout (124), busybox timeout (143) or the watchdog (137). */
const TIMED_OUT = new Set([124, 137, 143]);

/**
 * The version in a tool's `--version` output: the number alone when the format is known
 * ("QEMU emulator version 7.2.19 (Debian ...)" → "7.2.19"), "busybox X" for a busybox
 * applet; when the command succeeded, else the first dotted number of its output, else its
 * first line as printed; null when it failed with nothing recognisable.
 */
export function extractVersion(tool: ProbedTool, output: string, exitCode: number | null): string | null {
  const busybox = /BusyBox v(\d+(?:\.\d+)+)/.exec(output);
  if (busybox?.[1]) return `busybox ${busybox[1]}`;
  const known = VERSION_PATTERNS[tool]?.exec(output);
  if (known?.[1]) return known[1];
  if (exitCode !== 0) return null;
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    const number = new RegExp(V).exec(line)?.[1];
    if (number) return number;
  }
  return lines[0]?.slice(0, 120) ?? null;
}

export function parseToolSection(tool: ProbedTool, lines: string[], warn: Warn): ToolFact {
  const { header, rest } = takeHeader(lines, ['path', 'exit']);
  const path = header.get('path')?.trim() ?? '';
  if (!header.has('path')) {
    warn('no path= line; assuming the tool is missing');
    return { installed: false, version: null, path: null };
  }
  if (path === '') return { installed: false, version: null, path: null };
  if (!header.has('exit')) return { installed: true, version: null, path };
  const exitCode = parseInteger(header.get('exit'));
  const output = rest.join('\n');
  const version = extractVersion(tool, output, exitCode);
  if (version === null) {
    const firstLine = rest.find((l) => l.trim() !== '')?.trim().slice(0, 120) ?? '(no output)';
    if (exitCode !== null && TIMED_OUT.has(exitCode)) warn(`version command of ${path} timed out (exit ${exitCode})`);
    else warn(`could not read the version of ${path} (exit ${exitCode ?? '?'}): ${firstLine}`);
  }
  return { installed: true, version, path };
}
