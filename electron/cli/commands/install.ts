// `iovlab install ...`: recipes, dry-run plans, preflight and install runs on a lab. Stable
// interface (other tools and tests call it):
//   install recipes [--json]                     the recipes (id, title, stack, distro, historical, summary, steps)
//   install plan <recipe> [--lab L] [--json]     the dry-run plan; nothing runs
//   install preflight <recipe> --lab L [--json]  exit 1 when a node does not fit
//   install run <recipe> --lab L [--json]        progress lines on stderr, then the install id (or its JSON) on stdout
//     [--ignore-preflight distro,virt-extensions,memory,disk]  knowingly waive those preflight checks
//   install resume <install> [--json]            same, for the steps not done yet
//   install show <install> [--json], install list [--lab L] [--json]
// run and resume exit 0 when every step ended done / already done / not applicable, else 1.
import { InvalidArgumentError, type Command } from 'commander';
import { stepLine } from '../../../shared/install/progress.js';
import type { InstallSide } from '../../../shared/install/recipe.js';
import type { InstallStepEvent } from '../../../shared/install/api.js';
import { IGNORABLE_CHECKS, type IgnorableCheck, type InstallPlan, type InstallRun, type PreflightResult } from '../../../shared/install/types.js';
import type { JobLogLine } from '../../../shared/model.js';
import { CliFailure, printJson, withSession, type CliSession } from '../context.js';
import { findLab } from './lookup.js';

interface JsonOpt {
  json?: boolean;
}
interface RunOpts extends JsonOpt {
  lab?: string;
  verbose?: boolean;
  ignorePreflight?: IgnorableCheck[];
}

function parseIgnorable(value: string): IgnorableCheck[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = names.filter((n) => !(IGNORABLE_CHECKS as readonly string[]).includes(n));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`must be a comma-separated list of ${IGNORABLE_CHECKS.join(', ')}${bad.length > 0 ? ` (not: ${bad.join(', ')})` : ''}; reachability and sudo are never waived`);
  }
  return names as IgnorableCheck[];
}

function parseInstallId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an install id (a positive whole number; see: iovlab install list)');
  return n;
}

/** Step id → side, from the recipe's plan; empty when the recipe is gone from the folder. */
async function sidesOf(call: CliSession['call'], recipeId: string): Promise<Map<string, InstallSide>> {
  try {
    const plan = await call('install.plan', { recipeId });
    return new Map(plan.steps.map((s) => [s.stepId, s.side]));
  } catch {
    return new Map();
  }
}

function printPlan(plan: InstallPlan): void {
  console.log(`${plan.recipe.title} (${plan.recipe.id}; ${plan.recipe.distro})${plan.recipe.historical ? ' [historical]' : ''}`);
  console.log(plan.lab ? `on lab "${plan.lab.name}"` : 'no lab given: nodes are not shown');
  for (const w of plan.warnings) console.log(`warning: ${w}`);
  for (const s of plan.steps) {
    const nodes = s.nodes.map((n) => `${n.name}${n.sudo ? ' (sudo)' : ''}`).join(', ');
    const extra = [s.needs.length ? `needs ${s.needs.join(', ')}` : '', s.reboot ? 'reboots' : '', `timeout ${s.timeoutS}s`].filter(Boolean).join('; ');
    console.log(`\n[${s.index + 1}/${plan.steps.length}] ${s.side} ${s.stepId}: ${s.title}${nodes ? ` on ${nodes}` : ''} (${extra})`);
    if (s.why) console.log(`  why: ${s.why}`);
    for (const [phase, text] of [['check', s.check], ['action', s.action], ['verify', s.verify]] as const) {
      console.log(`  ${phase}:`);
      for (const line of text.split('\n')) console.log(`    ${line}`);
    }
  }
}

function printPreflight(result: PreflightResult): void {
  if (result.ok) console.log('preflight ok: every node fits the recipe');
  for (const p of result.problems) console.log(`problem: ${p.message}`);
}

async function labNames(call: CliSession['call']): Promise<(labId: number) => string> {
  const labs = new Map((await call('lab.list', {})).map((l) => [l.id, l.name]));
  return (labId) => labs.get(labId) ?? String(labId);
}

function printInstall(run: InstallRun, sides: Map<string, InstallSide>, labName: string): void {
  console.log(`install ${run.id}: recipe ${run.recipeId} on lab "${labName}": ${run.status} (started ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''})`);
  for (const s of run.steps) console.log(stepLine(s, run.steps.length, sides.get(s.stepId) ?? null));
}

/**
 * Listens before the install starts (its first steps may end before the start call returns),
 * then follows its job: one stderr line per step start and end, Ctrl-C cancels; prints the result.
 */
function follower(session: CliSession, opts: RunOpts) {
  const { call, client, backend } = session;
  const early: (() => void)[] = [];
  let target: { installId: number; jobId: string; total: number; sides: Map<string, InstallSide> } | null = null;
  const shown = new Set<string>();
  const onStep = (e: InstallStepEvent) => {
    if (!target) return void early.push(() => onStep(e));
    if (e.installId !== target.installId || e.step.status === 'pending') return;
    const key = `${e.step.id}:${e.step.status}`;
    if (shown.has(key)) return;
    shown.add(key);
    process.stderr.write(`${stepLine(e.step, target.total, target.sides.get(e.step.stepId) ?? null)}\n`);
  };
  const onLog = (l: JobLogLine) => {
    if (!target) return void early.push(() => onLog(l));
    if (opts.verbose && l.jobId === target.jobId && l.stream !== 'info') process.stderr.write(`    ${l.text}\n`);
  };
  const stops = [client.on('install.step', onStep), client.on('job.log', onLog)];
  return {
    stop: () => stops.forEach((stop) => stop()),
    async follow(installId: number, jobId: string): Promise<void> {
      const first = await call('install.get', { installId });
      target = { installId, jobId, total: first.steps.length, sides: await sidesOf(call, first.recipeId) };
      early.splice(0).forEach((replay) => replay());
      const onSigint = () => {
        process.stderr.write(`cancelling install ${installId}...\n`);
        void call('job.cancel', { jobId }).catch(() => undefined);
      };
      process.once('SIGINT', onSigint);
      const outcome = await backend.waitForJob(jobId);
      process.removeListener('SIGINT', onSigint);
      const run = await call('install.get', { installId });
      if (!outcome.ok && !['COMMAND_FAILED', 'CANCELLED'].includes(outcome.error.code)) throw new CliFailure(outcome.error);
      if (opts.json) printJson(run);
      else process.stdout.write(`${installId}\n`);
      if (!outcome.ok) process.stderr.write(`iovlab: ${outcome.error.message}\n`);
      if (run.status !== 'ok') process.exitCode = 1;
    },
  };
}

export function registerInstall(program: Command): void {
  const install = program.command('install').description('install a hypervisor stack on a lab from a recipe (KVM + libvirt, UEC/Eucalyptus, Xen)');

  install
    .command('recipes')
    .description('list the install recipes')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOpt, command: Command) => {
      await withSession(command, async ({ call }) => {
        const recipes = await call('install.recipes', {});
        if (opts.json) return printJson(recipes);
        for (const r of recipes) console.log(`${r.id}\t${r.stack}\t${r.distro}\t${r.steps} steps${r.historical ? '\thistorical' : ''}\t${r.title}`);
      });
    });

  install
    .command('plan <recipe>')
    .description('show every step with its commands and the nodes it would run on (a dry run: nothing runs)')
    .option('--lab <lab>', 'the lab (name or id) whose nodes the steps would run on')
    .option('--json', 'print JSON')
    .action(async (recipeId: string, opts: RunOpts, command: Command) => {
      await withSession(command, async ({ call }) => {
        const lab = opts.lab === undefined ? undefined : await findLab(call, opts.lab);
        const plan = await call('install.plan', lab ? { recipeId, labId: lab.id } : { recipeId });
        if (opts.json) printJson(plan);
        else printPlan(plan);
      });
    });

  install
    .command('preflight <recipe>')
    .description("check the lab's nodes against the recipe (distribution, vmx/svm, memory, disk, sudo); changes nothing")
    .requiredOption('--lab <lab>', 'the lab (name or id)')
    .option('--json', 'print JSON')
    .action(async (recipeId: string, opts: RunOpts, command: Command) => {
      await withSession(command, async ({ call }) => {
        const lab = await findLab(call, opts.lab ?? '');
        const result = await call('install.preflight', { recipeId, labId: lab.id });
        if (opts.json) printJson(result);
        else printPreflight(result);
        if (!result.ok) process.exitCode = 1;
      });
    });

  install
    .command('run <recipe>')
    .description('run a recipe on a lab (after preflight) and print the install id')
    .requiredOption('--lab <lab>', 'the lab (name or id)')
    .option('--json', 'print the install as JSON when it ends')
    .option('--verbose', "also print the commands' output on stderr")
    .option('--ignore-preflight <checks>', `knowingly waive preflight checks (${IGNORABLE_CHECKS.join(', ')}); steps that need what is missing are still reported not applicable`, parseIgnorable)
    .action(async (recipeId: string, opts: RunOpts, command: Command) => {
      await withSession(command, async (session) => {
        const lab = await findLab(session.call, opts.lab ?? '');
        const follow = follower(session, opts);
        try {
          const { installId, jobId } = await session.call('install.start', { recipeId, labId: lab.id, ignore: opts.ignorePreflight ?? [] });
          process.stderr.write(`install ${installId}: recipe ${recipeId} on lab "${lab.name}"\n`);
          await follow.follow(installId, jobId);
        } finally {
          follow.stop();
        }
      });
    });

  install
    .command('resume <install>')
    .description('run again every step of an install that is not done, already done or not applicable')
    .option('--json', 'print the install as JSON when it ends')
    .option('--verbose', "also print the commands' output on stderr")
    .action(async (installId: string, opts: RunOpts, command: Command) => {
      const id = parseInstallId(installId);
      await withSession(command, async (session) => {
        const follow = follower(session, opts);
        try {
          const { jobId } = await session.call('install.resume', { installId: id });
          await follow.follow(id, jobId);
        } finally {
          follow.stop();
        }
      });
    });

  install
    .command('show <install>')
    .description('show an install and the state of each of its steps')
    .option('--json', 'print JSON (with each step\'s log)')
    .action(async (installId: string, opts: JsonOpt, command: Command) => {
      const id = parseInstallId(installId);
      await withSession(command, async ({ call }) => {
        const run = await call('install.get', { installId: id });
        if (opts.json) printJson(run);
        else printInstall(run, await sidesOf(call, run.recipeId), (await labNames(call))(run.labId));
      });
    });

  install
    .command('list')
    .description('list installs, newest first')
    .option('--lab <lab>', 'only the installs of this lab (name or id)')
    .option('--json', 'print JSON')
    .action(async (opts: RunOpts, command: Command) => {
      await withSession(command, async ({ call }) => {
        const lab = opts.lab === undefined ? undefined : await findLab(call, opts.lab);
        const runs = await call('install.list', lab ? { labId: lab.id } : {});
        if (opts.json) return printJson(runs);
        const labName = await labNames(call);
        for (const r of runs) {
          const settled = r.steps.filter((s) => ['done', 'already-done', 'not-applicable'].includes(s.status)).length;
          console.log(`${r.id}\t${r.recipeId}\tlab "${labName(r.labId)}"\t${r.status}\t${r.createdAt}\t${settled}/${r.steps.length} steps settled`);
        }
      });
    });
}
