import { InvalidArgumentError, type Command } from 'commander';
import type { AuthInput } from '../../../shared/api.js';
import { BACK_END_ROLES, FRONT_END_ROLES, ROLES, type Role } from '../../../shared/roles.js';
import { CliFailure, printJson, readSecretFromStdin, withSession, type CliSession } from '../context.js';
import { findLab, findNode } from './lookup.js';
import { formatFacts } from './format-facts.js';

interface NodeAddOptions {
  host: string;
  port: number;
  user: string;
  roles?: Role[];
  frontEnd?: boolean;
  backEnd?: boolean;
  key?: string;
  agent?: boolean;
  password?: boolean;
  passphraseStdin?: boolean;
  passwordStdin?: boolean;
  jump?: string;
  json?: boolean;
}

function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim().toUpperCase()).filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) throw new InvalidArgumentError(`unknown role(s) ${unknown.join(', ')}; roles are ${ROLES.join(', ')}`);
  return roles as Role[];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('port must be 1..65535');
  return port;
}

async function authFrom(opts: NodeAddOptions): Promise<AuthInput> {
  const kinds = [opts.key ? 'key' : null, opts.agent ? 'agent' : null, opts.password || opts.passwordStdin ? 'password' : null].filter(Boolean);
  if (kinds.length !== 1) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: 'choose exactly one of --key PATH, --agent, --password' });
  if (opts.key) return opts.passphraseStdin ? { kind: 'key', keyPath: opts.key, passphrase: await readSecretFromStdin() } : { kind: 'key', keyPath: opts.key };
  if (opts.agent) return { kind: 'agent' };
  return opts.passwordStdin ? { kind: 'password', password: await readSecretFromStdin() } : { kind: 'password' };
}

/** The CLI keeps secrets in memory for one command only, so commands that connect may take one on stdin. */
async function supplySecret(call: CliSession['call'], nodeId: number, fromStdin: boolean | undefined): Promise<void> {
  if (fromStdin) await call('node.setSecret', { nodeId, secret: await readSecretFromStdin() });
}

export function registerNode(program: Command): void {
  const node = program.command('node').description('manage the nodes of a lab');

  node
    .command('add <lab> <name>')
    .description('add a node to a lab')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'SSH port', parsePort, 22)
    .option('--user <user>', 'SSH user', 'root')
    .option('--roles <roles>', `comma-separated roles: ${ROLES.join(',')}`, parseRoles)
    .option('--front-end', `shorthand for --roles ${FRONT_END_ROLES.join(',')}`)
    .option('--back-end', `shorthand for --roles ${BACK_END_ROLES.join(',')}`)
    .option('--key <path>', 'private key file')
    .option('--passphrase-stdin', 'read the key passphrase from stdin')
    .option('--agent', 'authenticate with ssh-agent (SSH_AUTH_SOCK)')
    .option('--password', 'authenticate with a password (asked for when connecting)')
    .option('--password-stdin', 'authenticate with a password read from stdin')
    .option('--jump <node>', 'reach this node through another node of the lab (ssh -J)')
    .option('--json', 'print JSON')
    .action(async (labName: string, name: string, opts: NodeAddOptions, command: Command) => {
      await withSession(command, async ({ call }) => {
        const lab = await findLab(call, labName);
        const roles = [...(opts.roles ?? []), ...(opts.frontEnd ? FRONT_END_ROLES : []), ...(opts.backEnd ? BACK_END_ROLES : [])];
        const jump = opts.jump ? (await findNode(call, lab.name, opts.jump)).node : null;
        const added = await call('node.add', {
          labId: lab.id,
          name,
          roles: [...new Set(roles)],
          host: opts.host,
          port: opts.port,
          user: opts.user,
          auth: await authFrom(opts),
          jumpNodeId: jump?.id ?? null,
        });
        if (opts.json) printJson(added);
        else console.log(`added node "${added.name}" to lab "${lab.name}"; next: iovlab node trust ${lab.name} ${added.name}`);
      });
    });

  node
    .command('trust <lab> <node>')
    .description("show the node's SSH host key fingerprint and accept it (trust on first use)")
    .option('--fingerprint <sha256>', 'accept only if the host presents exactly this fingerprint')
    .option('--yes', 'accept whatever fingerprint the host presents now')
    .option('--secret-stdin', "read the jump host's password/passphrase from stdin")
    .option('--json', 'print JSON')
    .action(async (labName: string, nodeName: string, opts: { fingerprint?: string; yes?: boolean; secretStdin?: boolean; json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const { node: target } = await findNode(call, labName, nodeName);
        if (target.jumpNodeId !== null) await supplySecret(call, target.jumpNodeId, opts.secretStdin);
        const scan = await call('node.scanHostKey', { nodeId: target.id });
        const accept = opts.fingerprint ?? (opts.yes ? scan.fingerprint : null);
        const accepted = accept ? await call('node.acceptHostKey', { nodeId: target.id, fingerprint: accept }) : null;
        if (opts.json) return printJson({ ...scan, accepted: accepted !== null });
        console.log(`${target.host}:${target.port} presents ${scan.keyType} ${scan.fingerprint} (${scan.status})`);
        if (scan.status === 'changed') console.log(`WARNING: the key changed; previously trusted ${scan.knownFingerprint}`);
        console.log(accepted ? 'accepted' : `not accepted: re-run with --fingerprint ${scan.fingerprint} after checking it on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub)`);
      });
    });

  node
    .command('probe <lab> <node>')
    .description('collect distro, kernel, CPU, memory, disks, NICs and tool versions over SSH')
    .option('--secret-stdin', "read the node's password/passphrase from stdin")
    .option('--json', 'print the stored facts as JSON')
    .action(async (labName: string, nodeName: string, opts: { secretStdin?: boolean; json?: boolean }, command: Command) => {
      await withSession(command, async ({ call, client, backend }) => {
        const { node: target } = await findNode(call, labName, nodeName);
        await supplySecret(call, target.id, opts.secretStdin);
        const stop = client.on('job.progress', (p) => {
          if (!opts.json && p.status === 'running') console.error(`[${p.step}/${p.stepsTotal}] ${p.stepTitle}`);
        });
        const { jobId } = await call('node.probe', { nodeId: target.id });
        const outcome = await backend.waitForJob(jobId);
        stop();
        if (!outcome.ok) throw new CliFailure(outcome.error);
        const record = await call('node.facts', { nodeId: target.id });
        if (opts.json) printJson(record);
        else if (record) console.log(formatFacts(record.facts));
      });
    });

  node
    .command('show <lab> <node>')
    .description("show a node's settings and its latest probe")
    .option('--json', 'print JSON')
    .action(async (labName: string, nodeName: string, opts: { json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const { node: target } = await findNode(call, labName, nodeName);
        const probe = await call('node.facts', { nodeId: target.id });
        if (opts.json) return printJson({ node: target, probe });
        console.log(`${target.name}: ${target.user}@${target.host}:${target.port} [${target.roles.join(',')}] auth=${target.auth.kind}`);
        console.log(`host key: ${target.hostKey ? `${target.hostKey.keyType} ${target.hostKey.fingerprint}` : 'not accepted yet'}`);
        console.log(probe ? `probed ${probe.takenAt}\n${formatFacts(probe.facts)}` : 'not probed yet');
      });
    });

  node
    .command('rm <lab> <node>')
    .description('remove a node from a lab')
    .action(async (labName: string, nodeName: string, _opts: unknown, command: Command) => {
      await withSession(command, async ({ call }) => {
        const { node: target } = await findNode(call, labName, nodeName);
        await call('node.remove', { nodeId: target.id });
        console.log(`removed node "${target.name}"`);
      });
    });
}
