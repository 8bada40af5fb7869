// Applies a configuration to a Eucalyptus 1.6 cloud: the node controller's eucalyptus.conf gets
// the USE_VIRTIO settings (shared/vmconfig/eucalyptus-conf.ts) after a backup, the NC restarts,
// and — because the NC writes an instance's devices only when it launches it — the instance is
// terminated and a new one run from the same image with euca2ools on the front-end.
import { AppError } from '../../../shared/result.js';
import { EUCA_CONF_PATH, EUCA_LOCAL_CONF_PATH, applyToEucalyptusConf, overriddenByLocalConf, type EucaSettings } from '../../../shared/vmconfig/eucalyptus-conf.js';
import type { VmConfig } from '../../../shared/vmconfig/index.js';
import { shJoin, shQuote } from '../ssh/quote.js';
import { must, type NodeShell } from './remote.js';

export interface EucaRelaunch {
  /** The instance to replace (i-XXXXXXXX). */
  instanceId: string;
  /** Its image (emi-XXXXXXXX); the new instance runs from it. */
  image: string;
  keypair?: string | undefined;
  instanceType?: string | undefined;
  group?: string | undefined;
  zone?: string | undefined;
  /** Credentials file to source; default $HOME/.euca/eucarc. */
  eucarc?: string | undefined;
}

export interface EucaOptions {
  cfg: VmConfig;
  nodeName: string;
  confPath?: string | undefined;
  localConfPath?: string | undefined;
  relaunch?: EucaRelaunch | undefined;
  /** Suffix of the backup file; default a UTC timestamp. */
  stamp?: string | undefined;
  /** How long the new instance may take to reach "running". */
  runTimeoutMs?: number | undefined;
  pollMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
  signal?: AbortSignal | undefined;
}

const EUCA_ID = /^[a-z]{1,4}-[0-9A-Fa-f]{8,17}$/;

function checkId(value: string, what: string): string {
  if (!EUCA_ID.test(value)) throw new AppError('INVALID_ARGUMENT', `${what} must look like i-1A2B3C4D or emi-1A2B3C4D (got ${JSON.stringify(value)})`);
  return value;
}

/** The NC's init system differs by release: upstart (UEC 10.04), SysV (CentOS 5/6), systemd (Eucalyptus 4.4 on CentOS 7). */
export const NC_RESTART = 'if [ -r /etc/init/eucalyptus-nc.conf ] && command -v restart >/dev/null 2>&1; then restart eucalyptus-nc; elif [ -x /etc/init.d/eucalyptus-nc ]; then /etc/init.d/eucalyptus-nc restart; else service eucalyptus-nc restart; fi';

function eucarc(r: EucaRelaunch): string {
  return `. ${r.eucarc === undefined ? '"$HOME/.euca/eucarc"' : shQuote(r.eucarc)}`;
}

export const eucaCommands = {
  read: (conf: string) => `cat -- ${shQuote(conf)}`,
  readLocal: (local: string) => `if [ -e ${shQuote(local)} ]; then cat -- ${shQuote(local)}; fi`,
  backup: (conf: string, backup: string) => `cp -p -- ${shQuote(conf)} ${shQuote(backup)}`,
  /** Replaces the file from stdin through a temp file, keeping its owner and mode. */
  write: (conf: string) => {
    const c = shQuote(conf);
    return `t=$(mktemp ${shQuote(`${conf}.XXXXXX`)}) && cat > "$t" && chmod --reference=${c} "$t" && chown --reference=${c} "$t" && mv -f -- "$t" ${c}`;
  },
  restart: () => NC_RESTART,
  terminate: (r: EucaRelaunch) => `${eucarc(r)} && ${shJoin(['euca-terminate-instances', checkId(r.instanceId, 'the instance id')])}`,
  run: (r: EucaRelaunch) => {
    const argv = ['euca-run-instances', checkId(r.image, 'the image id'), '-n', '1'];
    if (r.keypair !== undefined) argv.push('-k', r.keypair);
    if (r.instanceType !== undefined) argv.push('-t', r.instanceType);
    if (r.group !== undefined) argv.push('-g', r.group);
    if (r.zone !== undefined) argv.push('-z', r.zone);
    return `${eucarc(r)} && ${shJoin(argv)}`;
  },
  describe: (r: EucaRelaunch, instanceId: string) => `${eucarc(r)} && ${shJoin(['euca-describe-instances', checkId(instanceId, 'the instance id')])}`,
};

/** `INSTANCE  i-4A7A0864  emi-...  <public>  <private>  running  ...` -> id and state. */
export function parseInstanceLine(text: string): { id: string; state: string } | null {
  const line = text.split('\n').find((l) => /^INSTANCE\s/.test(l));
  const cols = line?.split('\t') ?? [];
  const id = cols[1]?.trim();
  return id ? { id, state: cols[5]?.trim() ?? '' } : null;
}

export interface EucaApplied {
  stack: 'eucalyptus';
  node: string;
  confPath: string;
  backupPath: string | null;
  /** The eucalyptus.conf the NC runs with. */
  conf: string;
  settings: EucaSettings;
  changed: string[];
  notes: string[];
  commands: string[];
  instance: { terminated: string; launched: string; state: string } | null;
}

async function relaunch(front: NodeShell, r: EucaRelaunch, opts: EucaOptions, ran: string[]): Promise<EucaApplied['instance']> {
  const log = opts.log ?? (() => {});
  const step = async (command: string, what: string) => {
    ran.push(command);
    return must(front, command, what, { signal: opts.signal });
  };
  await step(eucaCommands.terminate(r), `terminating instance ${r.instanceId}`);
  const launched = parseInstanceLine(await step(eucaCommands.run(r), `running a new instance of ${r.image}`));
  if (!launched) throw new AppError('PARSE_ERROR', `euca-run-instances on ${front.where} printed no INSTANCE line; check the image ${r.image} and the credentials`);
  log(`launched ${launched.id} (replacing ${r.instanceId})`);
  const deadline = Date.now() + (opts.runTimeoutMs ?? 10 * 60_000);
  let state = launched.state;
  while (state !== 'running') {
    if (state === 'terminated' || state === 'shutting-down') throw new AppError('COMMAND_FAILED', `instance ${launched.id} went to "${state}" instead of running; see the NC's nc.log on the back-end`);
    if (Date.now() > deadline) throw new AppError('COMMAND_TIMEOUT', `instance ${launched.id} is still "${state}" after ${Math.round((opts.runTimeoutMs ?? 600_000) / 1000)} s`);
    await new Promise((res) => setTimeout(res, opts.pollMs ?? 5000));
    state = parseInstanceLine(await step(eucaCommands.describe(r, launched.id), `checking instance ${launched.id}`))?.state ?? '';
  }
  return { terminated: r.instanceId, launched: launched.id, state };
}

/** Rewrites eucalyptus.conf on the NC node, restarts the NC and relaunches the instance (euca2ools on `front`, default the NC). */
export async function applyEucalyptus(nc: NodeShell, opts: EucaOptions, front: NodeShell = nc): Promise<EucaApplied> {
  const log = opts.log ?? (() => {});
  const confPath = opts.confPath ?? EUCA_CONF_PATH;
  const localPath = opts.localConfPath ?? EUCA_LOCAL_CONF_PATH;
  const ran: string[] = [];
  const read = async (command: string, what: string) => {
    ran.push(command);
    return must(nc, command, what);
  };
  const before = await read(eucaCommands.read(confPath), `reading ${confPath}`);
  const overridden = overriddenByLocalConf(await read(eucaCommands.readLocal(localPath), `reading ${localPath}`));
  if (overridden.length > 0) {
    throw new AppError('INVALID_ARGUMENT', `${localPath} on ${nc.where} sets ${overridden.join(', ')}, which overrides eucalyptus.conf; remove ${overridden.length > 1 ? 'them' : 'it'} there (euca_conf manages that file) and apply again`);
  }
  const edit = applyToEucalyptusConf(before, opts.cfg, nc.where);
  let backupPath: string | null = null;
  if (edit.changed.length === 0) {
    log(`${confPath} on ${nc.where} already has ${Object.entries(edit.settings).map(([k, v]) => `${k}="${v}"`).join(' ')}; the NC is not restarted`);
  } else {
    backupPath = `${confPath}.iovlab-${opts.stamp ?? new Date().toISOString().replace(/[:.]/g, '-')}`;
    await read(eucaCommands.backup(confPath, backupPath), `backing up ${confPath}`);
    ran.push(eucaCommands.write(confPath));
    await must(nc, eucaCommands.write(confPath), `writing ${confPath}`, { stdin: edit.text });
    for (const c of edit.changed) log(c);
    await read(eucaCommands.restart(), 'restarting the node controller (eucalyptus-nc)');
  }
  const instance = opts.relaunch ? await relaunch(front, opts.relaunch, opts, ran) : null;
  return { stack: 'eucalyptus', node: opts.nodeName, confPath, backupPath, conf: edit.text, settings: edit.settings, changed: edit.changed, notes: edit.notes, commands: ran, instance };
}
