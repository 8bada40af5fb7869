// `iovlab presets [--json]`: the paper's experiments ready to run on the local lab
// (`iovlab run --lab local --preset <id>`), with every configuration they cover; and the part of
// `iovlab run` that turns --preset/--size/--repeats/--only into a plan.
import { InvalidArgumentError, type Command } from 'commander';
import { parseSize } from '../../../shared/bench/units.js';
import { LOCAL_LAB_NAME } from '../../../shared/presets/lab.js';
import { CliFailure, printJson, withSession, type CliSession } from '../context.js';

const MiB = 2 ** 20;

export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the presets (the paper\'s experiments for the local lab) and their configurations')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const presets = await call('presets.list', {});
        if (opts.json) return printJson(presets);
        for (const p of presets) {
          const sizes = p.kind === 'storage'
            ? `${p.laptop.sizeBytes / MiB} MiB per test (paper: ${p.paper.sizeBytes / 2 ** 30} GiB with --size paper)`
            : `${p.laptop.durationS} s per test (paper: ${p.paper.durationS} s with --size paper)`;
          console.log(`${p.id} — ${p.title}\n  ${p.description}\n  ${sizes}, ${p.laptop.repeats} repeats`);
          for (const c of p.configurations) console.log(`    ${c.name.padEnd(28)} ${c.title}${c.paperRow ? `  [paper: ${c.paperRow}]` : ''}`);
        }
      });
    });
}

export interface PresetRunOptions {
  preset?: string;
  size?: number | 'paper';
  repeats?: number;
  only?: string;
}

/** --size: a size like 64M or 20G (powers of 1024), or "paper" for the paper's own sizes. */
export function parsePresetSize(value: string): number | 'paper' {
  if (value.trim().toLowerCase() === 'paper') return 'paper';
  const bytes = parseSize(value);
  if (typeof bytes === 'string') throw new InvalidArgumentError(`${bytes}, or "paper"`);
  return bytes;
}

export function parseRepeats(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}

/** Without --lab a run goes to the local lab, as long as no other lab is configured. */
export async function defaultLabName(call: CliSession['call']): Promise<string> {
  const others = (await call('lab.list', {})).filter((l) => l.name !== LOCAL_LAB_NAME);
  if (others.length > 0) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `give --lab: this data dir has labs (${others.map((l) => l.name).join(', ')}); use --lab ${LOCAL_LAB_NAME} for the local lab` });
  return LOCAL_LAB_NAME;
}

/**
 * The plan of a preset on the local lab, bringing the lab up first when it is down (the local
 * lab is the default target). Omitted configurations and the TCG caveat go to stderr.
 */
export async function presetPlan({ call, client, backend }: CliSession, opts: PresetRunOptions & { preset: string }, labName: string): Promise<unknown> {
  if (labName !== LOCAL_LAB_NAME) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `--preset runs on the local lab: use --lab ${LOCAL_LAB_NAME} (or leave --lab out), not "${labName}"` });
  const status = await call('locallab.status', {});
  if (!status.up) {
    process.stderr.write('the local lab is not up: bringing it up (iovlab lab up --local)\n');
    const { jobId } = await call('locallab.up', {});
    const stop = client.on('job.log', (l) => l.jobId === jobId && process.stderr.write(`${l.text}\n`));
    const outcome = await backend.waitForJob(jobId);
    stop();
    if (!outcome.ok) throw new CliFailure(outcome.error);
  }
  const built = await call('presets.plan', {
    presetId: opts.preset,
    ...(opts.size !== undefined ? { size: opts.size } : {}),
    ...(opts.repeats !== undefined ? { repeats: opts.repeats } : {}),
    ...(opts.only !== undefined ? { only: opts.only } : {}),
  });
  for (const o of built.omitted) process.stderr.write(`left out ${o.name}: ${o.reason}\n`);
  const after = await call('locallab.status', {});
  if (after.accel?.note) process.stderr.write(`note: ${after.accel.note}\n`);
  return built.plan;
}
