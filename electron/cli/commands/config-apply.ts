// `iovlab config apply <config.json|-> --lab L --node N --stack libvirt|eucalyptus|xen`: puts a
// configuration into effect on a real lab node over SSH (../../core/drivers/). --dry-run prints
// the commands and the XML / xl.cfg / eucalyptus.conf without connecting anywhere; with
// --current FILE (a saved `virsh dumpxml --inactive` or eucalyptus.conf) it shows the exact edit.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { AppError } from '../../../shared/result.js';
import { applyToEucalyptusConf, eucalyptusSettings } from '../../../shared/vmconfig/eucalyptus-conf.js';
import type { VmConfig } from '../../../shared/vmconfig/index.js';
import { applyEucalyptus, eucaCommands, type EucaRelaunch } from '../../core/drivers/eucalyptus.js';
import { applyLibvirt, libvirtDryRun } from '../../core/drivers/libvirt.js';
import { sshNode } from '../../core/drivers/remote.js';
import { applyXen, xenPlan } from '../../core/drivers/xen.js';
import { endpointFor } from '../../core/nodes/endpoint.js';
import { databaseFile } from '../../core/paths.js';
import { createMemoryVault } from '../../core/secrets/vault.js';
import { createSshPool } from '../../core/ssh/pool.js';
import { createStore } from '../../core/store/store.js';
import { dataDirOf } from '../context.js';

export const STACKS = ['libvirt', 'eucalyptus', 'xen'] as const;
export type Stack = (typeof STACKS)[number];

export interface ApplyFlags {
  lab?: string;
  node?: string;
  stack: Stack;
  domain?: string;
  disk?: string;
  uri?: string;
  create?: boolean;
  size?: string;
  confirm?: string;
  current?: string;
  dir?: string;
  conf?: string;
  instance?: string;
  image?: string;
  keypair?: string;
  type?: string;
  eucarc?: string;
  front?: string;
  dryRun?: boolean;
  json?: boolean;
}

function relaunchOf(f: ApplyFlags): EucaRelaunch | undefined {
  if (f.instance === undefined && f.image === undefined) return undefined;
  if (f.instance === undefined || f.image === undefined) throw new AppError('INVALID_ARGUMENT', 'relaunching an instance needs both --instance i-XXXXXXXX and --image emi-XXXXXXXX');
  return { instanceId: f.instance, image: f.image, keypair: f.keypair, instanceType: f.type, eucarc: f.eucarc };
}

function sizeMiB(f: ApplyFlags): number | undefined {
  if (f.size === undefined) return undefined;
  const n = Number(f.size);
  if (!Number.isInteger(n) || n < 1) throw new AppError('INVALID_ARGUMENT', `--size must be a whole number of MiB (got ${f.size})`);
  return n;
}

/** The dry run: everything computed locally, nothing connects. */
export async function dryRun(cfg: VmConfig, f: ApplyFlags): Promise<{ text: string; json: Record<string, unknown> }> {
  const current = f.current === undefined ? undefined : await readFile(f.current, 'utf8');
  const head = `# iovlab config apply --stack ${f.stack} (dry run: nothing was run)\n`;
  if (f.stack === 'libvirt') {
    const r = libvirtDryRun({ cfg, domain: f.domain, uri: f.uri, disk: f.disk, sizeMiB: sizeMiB(f), baseXml: current });
    const what = r.xmlSource === 'edited' ? `# the domain XML, edited from ${f.current ?? ''}:` : '# the domain XML (rendered from the configuration; pass --current with a saved `virsh dumpxml --inactive` to see the edit):';
    return { text: `${head}${r.commands.join('\n')}\n${r.changes.map((c) => `# ${c}`).join('\n')}\n${what}\n${r.xml}`, json: { dryRun: true, stack: f.stack, ...r } };
  }
  if (f.stack === 'xen') {
    const plan = xenPlan(cfg, f.dir);
    const commands = plan.steps.map((s) => s.command);
    return { text: `${head}${commands.join('\n')}\n# ${plan.cfgPath}:\n${plan.cfgText}`, json: { dryRun: true, stack: f.stack, cfgPath: plan.cfgPath, cfg: plan.cfgText, commands } };
  }
  const conf = f.conf ?? '/etc/eucalyptus/eucalyptus.conf';
  const relaunch = relaunchOf(f);
  const commands = [eucaCommands.read(conf), eucaCommands.backup(conf, `${conf}.iovlab-STAMP`), `${eucaCommands.write(conf)}   # stdin: the new eucalyptus.conf`, eucaCommands.restart()];
  if (relaunch) commands.push(eucaCommands.terminate(relaunch), eucaCommands.run(relaunch));
  const edit = current === undefined ? null : applyToEucalyptusConf(current, cfg);
  const mapping = edit ?? eucalyptusSettings(cfg);
  const settings = Object.entries(mapping.settings).map(([k, v]) => `${k}="${v}"`).join('\n');
  const body = edit ? `# ${conf} after the edit:\n${edit.text}` : `# settings written to ${conf} (pass --current with a copy of it to see the whole file):\n${settings}\n`;
  return { text: `${head}${commands.join('\n')}\n${mapping.notes.map((n) => `# note: ${n}`).join('\n')}\n${body}`, json: { dryRun: true, stack: f.stack, commands, settings: mapping.settings, notes: mapping.notes, conf: edit?.text ?? null } };
}

/** Applies for real on the named node; logs go to stderr, the applied XML / cfg / conf to stdout. */
export async function applyOnNode(cfg: VmConfig, f: ApplyFlags, dataDir: string, log: (line: string) => void): Promise<{ text: string; json: Record<string, unknown> }> {
  if (f.lab === undefined || f.node === undefined) throw new AppError('INVALID_ARGUMENT', 'config apply needs --lab and --node (or --dry-run to only print the commands)');
  const store = createStore(databaseFile(dataDir));
  const pool = createSshPool();
  try {
    const deps = { store, vault: createMemoryVault(), env: process.env };
    const lab = store.labs.findByName(f.lab);
    if (!lab) throw new AppError('NOT_FOUND', `no lab "${f.lab}" (see: iovlab lab list)`);
    const nodeOf = (name: string) => {
      const n = store.nodes.findByName(lab.id, name);
      if (!n) throw new AppError('NOT_FOUND', `lab "${lab.name}" has no node "${name}" (its nodes: ${lab.nodes.map((x) => x.name).join(', ') || 'none'})`);
      return n;
    };
    const target = nodeOf(f.node);
    const node = sshNode(pool, await endpointFor(deps, target.id), `node "${target.name}" (${target.host})`);
    const common = { cfg, nodeName: target.name, sizeMiB: sizeMiB(f), confirm: f.confirm, log };
    if (f.stack === 'libvirt') {
      const r = await applyLibvirt(node, { ...common, domain: f.domain, uri: f.uri, disk: f.disk, createIfMissing: f.create === true });
      return { text: r.xml, json: { ...r } };
    }
    if (f.stack === 'xen') {
      const r = await applyXen(node, { ...common, dir: f.dir });
      return { text: r.cfg, json: { ...r } };
    }
    const front = f.front === undefined ? node : sshNode(pool, await endpointFor(deps, nodeOf(f.front).id), `node "${f.front}"`);
    const r = await applyEucalyptus(node, { cfg, nodeName: target.name, confPath: f.conf, relaunch: relaunchOf(f), log }, front);
    return { text: r.conf, json: { ...r } };
  } finally {
    pool.closeAll();
    store.close();
  }
}

export function registerConfigApply(config: Command, load: (source: string) => Promise<VmConfig>): void {
  config
    .command('apply')
    .description('apply a configuration to a real lab node over SSH: a libvirt domain, a Eucalyptus node controller or a Xen guest')
    .argument('<config>', 'configuration JSON file, or - for stdin')
    .addOption(new Option('--stack <stack>', 'what the node runs').choices(STACKS).makeOptionMandatory())
    .option('--lab <lab>', 'lab name')
    .option('--node <node>', 'the back-end node (libvirt host, Eucalyptus NC, Xen dom0)')
    .option('--domain <name>', 'libvirt domain to switch (default: the configuration name)')
    .option('--disk <dev>', 'libvirt: target dev of the test disk (default: the disk iovlab marked, else the first non-boot disk)')
    .option('--uri <uri>', 'libvirt connection URI (default qemu:///system)')
    .option('--create', 'libvirt: define the domain from the configuration if it does not exist')
    .option('--size <MiB>', 'size of a backing file iovlab creates (default 1024)')
    .option('--confirm <text>', 'for a whole-device backing: "<device> <size>" as lsblk shows it, to allow overwriting it')
    .option('--current <file>', 'dry run: a saved `virsh dumpxml --inactive` or eucalyptus.conf to show the exact edit')
    .option('--dir <dir>', 'xen: where the xl.cfg goes on dom0 (default /etc/xen/iovlab)')
    .option('--conf <path>', 'eucalyptus: the NC\'s eucalyptus.conf (default /etc/eucalyptus/eucalyptus.conf)')
    .option('--instance <id>', 'eucalyptus: instance to terminate and relaunch with the new drivers')
    .option('--image <emi>', 'eucalyptus: image of the relaunched instance')
    .option('--keypair <name>', 'eucalyptus: key pair of the relaunched instance')
    .option('--type <type>', 'eucalyptus: instance type (e.g. m1.small)')
    .option('--eucarc <path>', 'eucalyptus: credentials to source (default $HOME/.euca/eucarc)')
    .option('--front <node>', 'eucalyptus: node running euca2ools (default: --node)')
    .option('--dry-run', 'print the commands and the XML / xl.cfg / eucalyptus.conf; run nothing')
    .option('--json', 'print JSON')
    .action(async (source: string, flags: ApplyFlags, command: Command) => {
      const cfg = await load(source);
      const write = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      const log = (line: string) => {
        if (!flags.json) process.stderr.write(`${line}\n`);
      };
      const out = flags.dryRun ? await dryRun(cfg, flags) : await applyOnNode(cfg, flags, dataDirOf(command), log);
      write(flags.json ? `${JSON.stringify(out.json, null, 2)}\n` : out.text.endsWith('\n') ? out.text : `${out.text}\n`);
    });
}
