// Turns the stdout of PROBE_SCRIPT (./script.ts) into NodeFacts. Tolerant by design: a
// section that is missing, reports an error or cannot be read becomes a `warnings` entry
// naming it, and the other sections still count. Only output with no probe marker at all
// (a login banner, "sh: not found", nothing) is rejected.
import { PROBED_TOOLS, type NodeFacts, type ProbedTool, type ToolFact } from '../facts.js';
import { AppError } from '../result.js';
import { parseLsblk } from './parse-lsblk.js';
import { parseCpuinfo, parseCpus, parseKvm, parseMemory, parseNics, parseRelease, parseUname, parseVmNoise, type Warn } from './parse-system.js';
import { parseToolSection } from './parse-tools.js';
import { PROBE_FORMAT_VERSION } from './script.js';
import { splitProbeOutput, type SplitProbeOutput } from './sections.js';

function firstLine(stdout: string): string {
  const line = stdout.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (line === undefined) return '(empty output)';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function parseProbeOutput(stdout: string): NodeFacts {
  const split = splitProbeOutput(stdout);
  if (!split) throw new AppError('PARSE_ERROR', `probe output had no iovlab sections: ${firstLine(stdout)}`);
  const warnings: string[] = [...split.problems];
  if (split.formatVersion !== null && split.formatVersion > PROBE_FORMAT_VERSION) {
    warnings.push(`probe output format ${split.formatVersion} is newer than this parser's (${PROBE_FORMAT_VERSION}); some facts may be missed`);
  }
  if (!split.ended) warnings.push('probe output ended early (no end marker): the script or the connection was cut off');

  const read = sectionReader(split, warnings);
  const distro = read('release', { id: null, name: null, version: null, prettyName: null }, parseRelease);
  const { kernel, arch } = read('uname', { kernel: null, arch: null }, parseUname);
  const cpuinfo = read('cpuinfo', { model: null, virtFlags: [] }, parseCpuinfo);
  const cores = read('cpus', null, parseCpus);
  const memoryBytes = read('memory', null, parseMemory);
  const kvmDevice = read('kvm', false, parseKvm);
  // A later addition to the script: its absence only means an older probe, not a fault.
  const vmNoise = split.sections.has('vmnoise') ? read('vmnoise', undefined, parseVmNoise) : undefined;
  const blockDevices = read('lsblk', [], parseLsblk);
  const nics = read('nics', [], parseNics);

  const missingTool: ToolFact = { installed: false, version: null, path: null };
  const tools = {} as Record<ProbedTool, ToolFact>;
  for (const tool of PROBED_TOOLS) {
    tools[tool] = read(`tool.${tool}`, missingTool, (lines, warn) => parseToolSection(tool, lines, warn));
  }
  // netserver is not run by the probe (an old one could start a daemon); it ships in the
  // same package as netperf, so netperf's version stands for both.
  if (tools.netserver.installed && tools.netserver.version === null) {
    tools.netserver = { ...tools.netserver, version: tools.netperf.version };
  }

  return { distro, kernel, arch, cpu: { ...cpuinfo, cores }, memoryBytes, kvmDevice, blockDevices, nics, tools, ...(vmNoise ? { vmNoise } : {}), warnings };
}

type SectionParser<T> = (lines: string[], warn: Warn) => T;

/** Runs one section's parser so that nothing it meets can spoil the other sections. */
function sectionReader(split: SplitProbeOutput, warnings: string[]) {
  return <T>(name: string, fallback: T, parse: SectionParser<T>): T => {
    const warn: Warn = (message) => warnings.push(`${name}: ${message}`);
    const section = split.sections.get(name);
    if (!section) {
      warn('section missing from the probe output');
      return fallback;
    }
    for (const error of section.errors) warn(error);
    try {
      return parse(section.lines, warn);
    } catch (e) {
      warn(`could not be read (${describe(e)})`);
      return fallback;
    }
  };
}
