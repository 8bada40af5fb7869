// Switches a libvirt guest on a real lab node to a configuration's drivers: check what the
// hypervisor supports, prepare the backing, then `virsh dumpxml --inactive` -> edit -> `virsh
// define` -> `virsh start`. The XML defined is returned verbatim, so a run stores exactly what
// its guest ran under. The node's SSH user must be allowed to manage qemu:///system (root, or
// the libvirt group) and to write the backing's directory.
import { AppError } from '../../../shared/result.js';
import { parseDomCaps, parseDeviceHelp, parseVirshVersion, assertSupported } from '../../../shared/vmconfig/domcaps.js';
import { renderLibvirtXml, type VmConfig } from '../../../shared/vmconfig/index.js';
import { editLibvirtDomain, summarizeDomain, type DomainSummary, type LibvirtEdit } from '../../../shared/vmconfig/libvirt-edit.js';
import { shJoin, shQuote } from '../ssh/quote.js';
import { backingCreateCommand, ensureBacking, type PreparedBacking } from './backing.js';
import { must, requireTools, type NodeShell } from './remote.js';

export const DEFAULT_LIBVIRT_URI = 'qemu:///system';
const START_TIMEOUT_MS = 120_000;

export interface LibvirtApplyOptions {
  cfg: VmConfig;
  /** The lab's name for the node (the guard's messages). */
  nodeName: string;
  /** Domain to switch; default cfg.name. */
  domain?: string | undefined;
  uri?: string | undefined;
  /** Target dev of the test disk, when the default choice (see libvirt-edit.ts) is not it. */
  disk?: string | undefined;
  nicMac?: string | undefined;
  sizeMiB?: number | undefined;
  confirm?: string | undefined;
  /** Define the domain from the configuration (renderLibvirtXml) when it does not exist. */
  createIfMissing?: boolean | undefined;
  /** Start it after defining (default true). */
  start?: boolean | undefined;
  /** How long a running guest gets to shut down before it is destroyed; 0 destroys it at once. */
  shutdownTimeoutMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface LibvirtApplied {
  stack: 'libvirt';
  node: string;
  uri: string;
  domain: string;
  /** Exactly what was passed to virsh define. */
  xml: string;
  /** `virsh dumpxml` of the started domain (addresses and aliases libvirt assigned), or null if not started. */
  liveXml: string | null;
  created: boolean;
  changes: string[];
  disk: LibvirtEdit['disk'];
  nic: LibvirtEdit['nic'];
  backing: PreparedBacking;
  /** What the support check confirmed. */
  supported: string[];
}

export function virsh(uri: string, ...args: string[]): string {
  return shJoin(['virsh', '-c', uri, ...args]);
}

/** The domain's state ("running", "shut off", ...), or null when it does not exist. */
export async function domainState(node: NodeShell, uri: string, domain: string): Promise<string | null> {
  const r = await node.exec(virsh(uri, 'domstate', domain));
  if (r.code === 0) return r.stdout.trim().split('\n')[0]?.trim() ?? '';
  if (/failed to get domain|domain not found|no domain with matching name/i.test(r.stderr)) return null;
  throw new AppError('COMMAND_FAILED', `virsh on ${node.where} cannot reach ${uri}: ${r.stderr.trim().slice(0, 400)} (is libvirtd running, and may this user use it?)`);
}

/** Shuts the guest down (ACPI), destroying it when it has not stopped within the timeout. */
export async function stopDomain(node: NodeShell, uri: string, domain: string, timeoutMs = 30_000, log: (l: string) => void = () => {}): Promise<void> {
  const state = await domainState(node, uri, domain);
  if (state === null || state === 'shut off') return;
  if (timeoutMs > 0 && state === 'running') {
    await node.exec(virsh(uri, 'shutdown', domain));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await domainState(node, uri, domain)) === 'shut off') return;
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`domain "${domain}" did not shut down within ${Math.round(timeoutMs / 1000)} s; destroying it`);
  }
  const r = await node.exec(virsh(uri, 'destroy', domain));
  if (r.code !== 0 && !/not running/i.test(r.stderr)) throw new AppError('COMMAND_FAILED', `virsh destroy ${domain} on ${node.where} failed: ${r.stderr.trim()}`);
}

function capsCommands(uri: string, s: Pick<DomainSummary, 'type' | 'arch' | 'machine' | 'emulator'>): { domcaps: string; deviceHelp: string; version: string } {
  const args = ['domcapabilities', '--virttype', s.type];
  if (s.arch) args.push('--arch', s.arch);
  if (s.machine) args.push('--machine', s.machine);
  if (s.emulator) args.push('--emulatorbin', s.emulator);
  return { domcaps: virsh(uri, ...args), deviceHelp: `${shQuote(s.emulator ?? 'qemu-system-x86_64')} -nodefaults -device help`, version: virsh(uri, 'version') };
}

async function checkSupport(node: NodeShell, uri: string, cfg: VmConfig, summary: DomainSummary): Promise<string[]> {
  const cmds = capsCommands(uri, summary);
  const domcaps = parseDomCaps(await must(node, cmds.domcaps, `virsh domcapabilities for ${summary.type} ${summary.machine ?? ''}`));
  // The emulator libvirt would use, when the domain does not name its own.
  const deviceCmd = summary.emulator ? cmds.deviceHelp : capsCommands(uri, { ...summary, emulator: domcaps.emulator }).deviceHelp;
  const devices = parseDeviceHelp(await must(node, deviceCmd, 'listing QEMU devices (-device help)'));
  const version = await node.exec(cmds.version);
  return assertSupported(cfg, { domcaps, devices, versions: version.code === 0 ? parseVirshVersion(version.stdout) : undefined }, node.where).checked;
}

export async function applyLibvirt(node: NodeShell, opts: LibvirtApplyOptions): Promise<LibvirtApplied> {
  const { cfg } = opts;
  const log = opts.log ?? (() => {});
  const uri = opts.uri ?? DEFAULT_LIBVIRT_URI;
  const domain = opts.domain ?? cfg.name;
  await requireTools(node, ['virsh', 'qemu-img'], 'install libvirt-clients and qemu-utils (Debian/Ubuntu) or libvirt-client and qemu-img (RHEL)');
  const state = await domainState(node, uri, domain);
  let base: string;
  if (state === null) {
    if (!opts.createIfMissing) {
      throw new AppError('NOT_FOUND', `${node.where} has no libvirt domain "${domain}" at ${uri}; define it first (virsh define), or let iovlab define it from the configuration (--create)`);
    }
    base = renderLibvirtXml({ ...cfg, name: domain });
    log(`domain "${domain}" does not exist: defining it from the configuration`);
  } else {
    base = await must(node, virsh(uri, 'dumpxml', '--inactive', domain), `reading the definition of domain "${domain}"`);
  }
  const summary = summarizeDomain(base);
  const supported = await checkSupport(node, uri, cfg, summary);
  log(`${node.where} supports it: ${supported.join(', ')}`);
  const edit = editLibvirtDomain(base, cfg, { disk: opts.disk ?? (state === null ? summary.disks[0]?.dev : undefined), nicMac: opts.nicMac });
  const backing = await ensureBacking(node, cfg, { nodeName: opts.nodeName, sizeMiB: opts.sizeMiB, confirm: opts.confirm, signal: opts.signal });
  if (backing.created) log(`created ${backing.path}: ${backing.createdWith ?? ''}`);
  for (const note of backing.notes) log(note);
  if (state !== null && state !== 'shut off') {
    log(`stopping domain "${domain}" (${state}) to change its devices`);
    await stopDomain(node, uri, domain, opts.shutdownTimeoutMs, log);
  }
  // virsh reads the file on the client side; the temp file lives only for this command.
  await must(node, `t=$(mktemp) || exit 1; cat > "$t" && ${virsh(uri, 'define')} "$t"; rc=$?; rm -f "$t"; exit $rc`, `defining domain "${domain}"`, { stdin: edit.xml });
  for (const change of edit.changes) log(change);
  let liveXml: string | null = null;
  if (opts.start !== false) {
    await must(node, virsh(uri, 'start', domain), `starting domain "${domain}"`, { timeoutMs: START_TIMEOUT_MS, signal: opts.signal });
    liveXml = await must(node, virsh(uri, 'dumpxml', domain), `reading the running definition of "${domain}"`);
  }
  return { stack: 'libvirt', node: opts.nodeName, uri, domain, xml: edit.xml, liveXml, created: state === null, changes: edit.changes, disk: edit.disk, nic: edit.nic, backing, supported };
}

export interface LibvirtDryRun {
  commands: string[];
  /** The XML virsh define would get: the edit of `baseXml` when given, else the domain rendered from the configuration. */
  xml: string;
  xmlSource: 'edited' | 'rendered';
  changes: string[];
}

/** What applyLibvirt would run, without touching the node; `baseXml` is a saved `virsh dumpxml --inactive`. */
export function libvirtDryRun(opts: Pick<LibvirtApplyOptions, 'cfg' | 'domain' | 'uri' | 'disk' | 'nicMac' | 'sizeMiB'> & { baseXml?: string | undefined }): LibvirtDryRun {
  const { cfg } = opts;
  const uri = opts.uri ?? DEFAULT_LIBVIRT_URI;
  const domain = opts.domain ?? cfg.name;
  const base = opts.baseXml ?? renderLibvirtXml({ ...cfg, name: domain });
  const summary = summarizeDomain(base);
  const edit = editLibvirtDomain(base, cfg, { disk: opts.disk ?? (opts.baseXml === undefined ? summary.disks[0]?.dev : undefined), nicMac: opts.nicMac });
  const caps = capsCommands(uri, summary);
  const create = backingCreateCommand(cfg, opts.sizeMiB);
  const commands = [
    virsh(uri, 'domstate', domain),
    virsh(uri, 'dumpxml', '--inactive', domain),
    caps.domcaps,
    caps.deviceHelp,
    caps.version,
    create === null ? `# guard: inspect ${shQuote(cfg.disk.path)} (refused unless confirmed "<device> <size>")` : `[ -e ${shQuote(cfg.disk.path)} ] || ${create}`,
    `# if running: ${virsh(uri, 'shutdown', domain)}, then ${virsh(uri, 'destroy', domain)}`,
    `${virsh(uri, 'define')} FILE   # FILE holds the XML below`,
    virsh(uri, 'start', domain),
    virsh(uri, 'dumpxml', domain),
  ];
  return { commands, xml: edit.xml, xmlSource: opts.baseXml === undefined ? 'rendered' : 'edited', changes: edit.changes };
}
