// `iovlab lab up --local`, `lab down --local`, `lab status --local`: the embedded local lab (the
// paper's front-end and back-end in two network namespaces of this machine, QEMU guests on the
// back-end), added to the existing `lab` command group. Progress goes to stderr, the result to
// stdout (--json for scripts). Needs root.
import type { Command } from 'commander';
import type { LocalLabStatus } from '../../../shared/presets/lab.js';
import { CliFailure, printJson, withSession } from '../context.js';

interface LocalOpts {
  local?: boolean;
  json?: boolean;
}

function requireLocal(opts: LocalOpts, verb: string): void {
  if (!opts.local) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `lab ${verb} works on the embedded local lab only: run \`iovlab lab ${verb} --local\`` });
}

export function describeStatus(s: LocalLabStatus): string {
  const lines = [`local lab: ${s.up ? 'up' : s.addresses ? 'broken' : 'down'} (state in ${s.stateDir})`];
  if (s.addresses) {
    const a = s.addresses;
    lines.push(`  front-end  ${a.front} (lab network ${a.frontLab})  namespace ${s.namespaces.front}  roles CLC,CC,EBS,WALRUS`);
    lines.push(`  back-end   ${a.backLab} via the front-end  namespace ${s.namespaces.back}  role NC`);
    lines.push(`  guest      ${a.guest} via the back-end (booted per configuration)`);
  }
  if (s.accel) lines.push(`  accelerator: ${s.accel.accel} — ${s.accel.reason}${s.accel.note ? `\n  note: ${s.accel.note}` : ''}`);
  if (s.image) lines.push(`  guest image: ${s.image.id} (kernel ${s.image.kernelRelease})`);
  if (s.ebs) lines.push(`  EBS: ${s.ebs.summary}`);
  for (const p of s.problems) lines.push(`  problem: ${p}`);
  return lines.join('\n');
}

/** Adds up/down/status to the `lab` command group registered by registerLab. */
export function registerLocalLab(program: Command): void {
  const lab = program.commands.find((c) => c.name() === 'lab');
  if (!lab) throw new Error('registerLocalLab: register the lab command first');

  lab
    .command('up')
    .description('build the embedded local lab on this machine (root): front-end and back-end namespaces with sshd, EBS exports, guest image')
    .option('--local', 'the embedded local lab (the only kind lab up builds)')
    .option('--json', 'print the lab status as JSON')
    .action(async (opts: LocalOpts, command: Command) => {
      requireLocal(opts, 'up');
      await withSession(command, async ({ call, client, backend }) => {
        const { jobId } = await call('locallab.up', {});
        const stop = client.on('job.log', (l) => l.jobId === jobId && process.stderr.write(`${l.text}\n`));
        const outcome = await backend.waitForJob(jobId);
        stop();
        if (!outcome.ok) throw new CliFailure(outcome.error);
        const status = outcome.value as LocalLabStatus;
        if (opts.json) printJson(status);
        else console.log(describeStatus(status));
      });
    });

  lab
    .command('down')
    .description('remove the embedded local lab: its guests, servers, namespaces, loop devices and files (its results stay)')
    .option('--local', 'the embedded local lab')
    .option('--json', 'print what was removed as JSON')
    .action(async (opts: LocalOpts, command: Command) => {
      requireLocal(opts, 'down');
      await withSession(command, async ({ call }) => {
        const { removed } = await call('locallab.down', {});
        if (opts.json) return printJson({ removed });
        console.log(removed.length === 0 ? 'the local lab was not up: nothing to remove' : `removed: ${removed.join(', ')}`);
      });
    });

  lab
    .command('status')
    .description('show whether the embedded local lab is up, its addresses, accelerator and EBS exports')
    .option('--local', 'the embedded local lab')
    .option('--json', 'print JSON')
    .action(async (opts: LocalOpts, command: Command) => {
      requireLocal(opts, 'status');
      await withSession(command, async ({ call }) => {
        const status = await call('locallab.status', {});
        if (opts.json) printJson(status);
        else console.log(describeStatus(status));
      });
    });
}
