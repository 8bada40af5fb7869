// Switches a Xen guest (xl toolstack, dom0 over SSH) to a configuration: the xl.cfg rendered by
// shared/vmconfig/xl.ts is written to a directory on dom0, a running guest of that name is
// destroyed and the guest created again from the file. What xl.cfg cannot say is refused by the
// renderer before anything changes (virtio buses; QEMU's NBD client). Gaps, by design of the
// VmConfig model: the disk's backendtype is derived from the backing (device -> phy/blkback,
// file -> qdisk), so the paper's "tap" rows (blktap2, backendtype=tap) cannot be expressed —
// blktap2 left Xen in 4.13 anyway; and cache/aio have no xl.cfg key (said in the file's header).
import { renderXlCfg, type VmConfig } from '../../../shared/vmconfig/index.js';
import { shQuote } from '../ssh/quote.js';
import { ensureBacking, type PreparedBacking } from './backing.js';
import { must, requireTools, type NodeShell } from './remote.js';

export const DEFAULT_XEN_DIR = '/etc/xen/iovlab';
const CREATE_TIMEOUT_MS = 120_000;

export interface XenOptions {
  cfg: VmConfig;
  nodeName: string;
  /** Where the xl.cfg files go on dom0. */
  dir?: string | undefined;
  sizeMiB?: number | undefined;
  confirm?: string | undefined;
  log?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export interface XenStep {
  what: string;
  command: string;
  /** Sent on stdin (the xl.cfg). */
  stdin?: string;
}

export interface XenPlan {
  cfgPath: string;
  cfgText: string;
  steps: XenStep[];
}

/** The commands, in order; pure, so the sequence is testable where Xen cannot run. */
export function xenPlan(cfg: VmConfig, dir = DEFAULT_XEN_DIR): XenPlan {
  const cfgText = renderXlCfg(cfg);
  // The schema limits names to letters, digits, . _ - : safe as a file name.
  const cfgPath = `${dir.replace(/\/+$/, '')}/${cfg.name}.cfg`;
  const name = shQuote(cfg.name);
  return {
    cfgPath,
    cfgText,
    steps: [
      { what: `creating ${dir}`, command: `mkdir -p -- ${shQuote(dir)}` },
      { what: `writing ${cfgPath}`, command: `t=$(mktemp ${shQuote(`${cfgPath}.XXXXXX`)}) && cat > "$t" && mv -f -- "$t" ${shQuote(cfgPath)}`, stdin: cfgText },
      { what: `destroying the running guest "${cfg.name}"`, command: `if xl domid ${name} >/dev/null 2>&1; then xl destroy ${name}; fi` },
      { what: `creating the guest from ${cfgPath}`, command: `xl create ${shQuote(cfgPath)}` },
    ],
  };
}

export interface XenApplied {
  stack: 'xen';
  node: string;
  cfgPath: string;
  /** Exactly the xl.cfg the guest was created from. */
  cfg: string;
  commands: string[];
  backing: PreparedBacking;
}

export async function applyXen(node: NodeShell, opts: XenOptions): Promise<XenApplied> {
  const { cfg } = opts;
  const log = opts.log ?? (() => {});
  const plan = xenPlan(cfg, opts.dir);
  await requireTools(node, ['xl', ...(cfg.disk.backing === 'device' ? [] : ['qemu-img'])], 'this does not look like a Xen dom0 with its tools (Debian: xen-utils, qemu-utils)');
  const backing = await ensureBacking(node, cfg, { nodeName: opts.nodeName, sizeMiB: opts.sizeMiB, confirm: opts.confirm, signal: opts.signal });
  if (backing.created) log(`created ${backing.path}: ${backing.createdWith ?? ''}`);
  for (const note of backing.notes) log(note);
  const commands: string[] = [];
  for (const step of plan.steps) {
    commands.push(step.command);
    const timeoutMs = step.command.startsWith('xl create') ? CREATE_TIMEOUT_MS : undefined;
    await must(node, step.command, step.what, { ...(step.stdin !== undefined ? { stdin: step.stdin } : {}), ...(timeoutMs ? { timeoutMs } : {}), signal: opts.signal });
  }
  log(`guest "${cfg.name}" created from ${plan.cfgPath}`);
  return { stack: 'xen', node: opts.nodeName, cfgPath: plan.cfgPath, cfg: plan.cfgText, commands, backing };
}

/** Stops the guest (the hook's release). */
export async function destroyXenGuest(node: NodeShell, name: string): Promise<void> {
  await must(node, `if xl domid ${shQuote(name)} >/dev/null 2>&1; then xl destroy ${shQuote(name)}; fi`, `destroying Xen guest "${name}"`);
}
