// `iovlab run --lab L --plan plan.yaml [--resume RUN]`: runs a benchmark plan (or resumes an
// interrupted run) and prints the run id on stdout when it is done. Progress goes to stderr:
// a redrawn bar with ETA on a terminal, plain lines otherwise (logs, CI). Stable interface:
//   exit 0  every step ok (the run id on stdout)
//   exit 4  the run finished but some steps failed (the run id on stdout; see `iovlab runs show`)
//   exit 1  the run could not start or was cancelled (a target refused, a node unreachable, a
//           secret missing or wrong, Ctrl-C)
// The CLI keeps secrets in memory for this one process, so a node whose key has a passphrase
// (or that logs in with a password) gets it on stdin: `... | iovlab run ... --secret-stdin NODE`.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import ssh2 from 'ssh2';
import { parsePlan, planNodeNames } from '../../../shared/bench/plan.js';
import { parsePlanText } from '../../../shared/bench/plan-text.js';
import type { JobProgress, Lab, LabNode } from '../../../shared/model.js';
import type { RunSummary } from '../../core/bench/runner.js';
import { expandHome } from '../../core/nodes/endpoint.js';
import { CliFailure, readSecretFromStdin, withSession, type CliSession } from '../context.js';
import { findLab } from './lookup.js';
import { defaultLabName, parsePresetSize, parseRepeats, presetPlan, type PresetRunOptions } from './presets.js';

export const EXIT_STEPS_FAILED = 4;

interface RunOptions extends PresetRunOptions {
  lab?: string;
  plan?: string;
  resume?: number;
  secretStdin?: string[];
}

function parseNodeNames(value: string): string[] {
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('must name a node of the lab (several, comma-separated, take the same secret)');
  return names;
}

function parseRunId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a run id (a positive whole number; see: iovlab runs list)');
  return n;
}

function formatEta(s: number | null): string {
  if (s === null) return 'ETA --';
  if (s < 90) return `ETA ${s}s`;
  if (s < 5400) return `ETA ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `ETA ${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Writes progress to stderr: a bar redrawn in place on a terminal, one line per change otherwise. */
function progressWriter(stream: NodeJS.WriteStream): { progress(p: JobProgress): void; line(text: string): void; done(): void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  let last = '';
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    progress(p) {
      const head = `[${p.step}/${p.stepsTotal}]`;
      if (!tty) {
        const text = `${head} ${p.stepTitle} (${formatEta(p.etaS)})`;
        if (text !== last) stream.write(`${text}\n`);
        last = text;
        return;
      }
      const width = Math.max(40, stream.columns || 80); // 0 under some pseudo-terminals
      const barWidth = 24;
      const filled = p.stepsTotal > 0 ? Math.round((Math.max(0, p.step - 1) / p.stepsTotal) * barWidth) : 0;
      const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
      const text = `[${bar}] ${p.step}/${p.stepsTotal} ${formatEta(p.etaS)}  ${p.stepTitle}`;
      clear();
      stream.write(text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text);
      drawn = true;
    },
    line(text) {
      clear();
      stream.write(`${text}\n`);
    },
    done: clear,
  };
}

/** Gives the secret read from stdin to the named nodes; returns it by node id for the check below. */
async function supplySecret(call: CliSession['call'], lab: Lab, names: string[]): Promise<Map<number, string>> {
  const nodes = names.map((name) => {
    const node = lab.nodes.find((n) => n.name === name || String(n.id) === name);
    if (!node) throw new CliFailure({ code: 'NOT_FOUND', message: `--secret-stdin ${name}: lab "${lab.name}" has no node named "${name}"` });
    return node;
  });
  const secret = await readSecretFromStdin();
  if (secret === '') throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `--secret-stdin ${names.join(',')}: nothing came on stdin; pipe the password or key passphrase in, e.g. echo "$SECRET" | iovlab run ...` });
  const given = new Map<number, string>();
  for (const node of nodes) {
    await call('node.setSecret', { nodeId: node.id, secret });
    given.set(node.id, secret);
  }
  return given;
}

/** The nodes a plan logs in to, with the jump hosts on the way; names the lab lacks are left to the runner's check. */
function nodesReached(lab: Lab, planInput: unknown): LabNode[] {
  let names: string[];
  try {
    names = planNodeNames(parsePlan(planInput));
  } catch {
    return []; // run.start reports an invalid plan with its own, field-naming message
  }
  const reached = new Map<number, LabNode>();
  const visit = (node: LabNode | undefined) => {
    if (!node || reached.has(node.id)) return;
    reached.set(node.id, node);
    if (node.jumpNodeId !== null) visit(lab.nodes.find((n) => n.id === node.jumpNodeId));
  };
  for (const name of names) visit(lab.nodes.find((n) => n.name === name));
  return [...reached.values()];
}

/**
 * Fails before a run is stored when a node the plan reaches needs a secret this process does
 * not have, or when the one given does not decrypt the node's key: otherwise the run would
 * start and every step on that node would fail with an SSH error that does not name the flag.
 */
async function checkSecrets(lab: Lab, nodes: LabNode[], given: Map<number, string>, rerun: string): Promise<void> {
  const hint = (node: LabNode) => `give it on stdin: echo "$SECRET" | ${rerun} --secret-stdin ${node.name}`;
  for (const node of nodes) {
    const secret = given.get(node.id);
    if (secret === undefined && node.auth.hasSecret) continue;
    if (node.auth.kind === 'password' && secret === undefined) {
      throw new CliFailure({ code: 'SECRET_REQUIRED', message: `node "${node.name}" of lab "${lab.name}" logs in with a password, and this command was given none; ${hint(node)}` });
    }
    if (node.auth.kind !== 'key' || node.auth.keyPath === null) continue;
    const path = expandHome(node.auth.keyPath);
    const key = await readFile(path).catch(() => null);
    if (key === null) continue; // the runner names the unreadable key file
    const parsed = ssh2.utils.parseKey(key, secret);
    if (!(parsed instanceof Error)) continue;
    if (secret === undefined && /no passphrase given/i.test(parsed.message)) {
      throw new CliFailure({ code: 'SECRET_REQUIRED', message: `node "${node.name}" of lab "${lab.name}": its private key ${path} is protected by a passphrase, and this command was given none; ${hint(node)}` });
    }
    if (secret !== undefined) {
      throw new CliFailure({ code: 'AUTH_FAILED', message: `node "${node.name}" of lab "${lab.name}": the passphrase read from stdin (--secret-stdin ${node.name}) does not decrypt its private key ${path} (${parsed.message})` });
    }
  }
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a benchmark plan (YAML or JSON) on a lab and print the run id; --resume continues an interrupted run')
    .option('--lab <lab>', 'the lab (name or id) whose nodes the plan names (default: the local lab, when no other lab is configured)')
    .option('--plan <file>', 'the plan file (YAML or JSON)')
    .option('--resume <run>', 're-run the steps of this run that are not ok, keeping the finished ones', parseRunId)
    .option('--preset <id>', 'run a preset of the paper on the local lab instead of a plan file (see: iovlab presets)')
    .option('--size <size>', 'with --preset: bytes per storage test, e.g. 64M, or "paper" for the paper\'s sizes', parsePresetSize)
    .option('--repeats <n>', 'with --preset: how often each test runs', parseRepeats)
    .option('--only <text>', 'with --preset: only configurations whose name contains TEXT (comma-separated alternatives)')
    .option('--secret-stdin <nodes>', "read the password/key passphrase of this node (or of these comma-separated nodes, which share it) from stdin", parseNodeNames)
    .action(async (opts: RunOptions, command: Command) => {
      if (opts.plan === undefined && opts.resume === undefined && opts.preset === undefined) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: 'give --plan FILE or --preset ID to start a run, or --resume RUN to continue one' });
      const plan = opts.plan === undefined ? undefined : parsePlanText(await readFile(opts.plan, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `cannot read plan file ${opts.plan}: ${e.code ?? e.message}` });
      }), opts.plan);
      await withSession(command, async (session) => {
        const { call, client, backend } = session;
        const labName = opts.lab ?? (await defaultLabName(call));
        const presetRun = opts.preset !== undefined && opts.resume === undefined ? await presetPlan(session, { ...opts, preset: opts.preset }, labName) : undefined;
        const lab = await findLab(call, labName);
        const given = opts.secretStdin ? await supplySecret(call, lab, opts.secretStdin) : new Map<number, string>();
        const rerun = `iovlab run --lab ${lab.name} ${opts.resume !== undefined ? `--resume ${opts.resume}` : opts.plan !== undefined ? `--plan ${opts.plan}` : `--preset ${opts.preset ?? ''}`}`;
        let runId: number;
        let jobId: string;
        if (opts.resume !== undefined) {
          const { run } = await call('run.get', { runId: opts.resume });
          if (run.labId !== lab.id) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `run ${run.id} belongs to another lab, not "${lab.name}"` });
          if (plan && JSON.stringify(plan) !== JSON.stringify(run.plan)) {
            throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `run ${run.id} was started from a different plan than ${opts.plan ?? ''}; resume it without --plan, or start a new run` });
          }
          await checkSecrets(lab, nodesReached(lab, run.plan), given, rerun);
          runId = run.id;
          ({ jobId } = await call('run.resume', { runId }));
        } else {
          for (const r of (await call('run.interrupted', {})).filter((x) => x.labId === lab.id)) {
            process.stderr.write(`note: run ${r.id} ("${r.label}") was interrupted after ${r.stepsDone} of ${r.stepsTotal} steps; continue it with: iovlab run --lab ${lab.name} --resume ${r.id}\n`);
          }
          await checkSecrets(lab, nodesReached(lab, presetRun ?? plan), given, rerun);
          ({ runId, jobId } = await call('run.start', { labId: lab.id, plan: presetRun ?? plan }));
        }
        const out = progressWriter(process.stderr);
        const stops = [
          client.on('job.progress', (p) => p.jobId === jobId && p.status === 'running' && out.progress(p)),
          client.on('job.log', (l) => l.jobId === jobId && out.line(l.text)),
        ];
        // Ctrl-C cancels the run properly: the remote processes are stopped, the run stays resumable.
        const onSigint = () => {
          out.line(`cancelling run ${runId}...`);
          void call('run.cancel', { runId }).catch(() => undefined);
        };
        process.once('SIGINT', onSigint);
        const outcome = await backend.waitForJob(jobId);
        process.removeListener('SIGINT', onSigint);
        stops.forEach((stop) => stop());
        out.done();
        if (!outcome.ok) throw new CliFailure(outcome.error);
        const summary = outcome.value as RunSummary;
        process.stdout.write(`${runId}\n`);
        if (summary.status !== 'ok') {
          process.stderr.write(`iovlab: run ${runId} finished with ${summary.failed} failed step${summary.failed === 1 ? '' : 's'} of ${summary.ok + summary.failed + summary.cancelled}; see: iovlab runs show ${runId}\n`);
          process.exitCode = EXIT_STEPS_FAILED;
        }
      });
    });
}
