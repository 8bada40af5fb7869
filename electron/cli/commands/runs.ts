// `iovlab runs list|show|stats`: the stored runs, read through the API contract. The --json
// forms are stable (external checks read them): list → RunRecord[]; show → { run, steps,
// stats }; stats → statistics per label across runs.
import type { Command } from 'commander';
import type { LabelStatsRow } from '../../../shared/bench/stats-rows.js';
import type { RunRecord, StatsRow, StepRecord } from '../../../shared/bench/types.js';
import { CliFailure, printJson, withSession } from '../context.js';
import { findLab } from './lookup.js';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('stored benchmark runs: list, show one with its statistics, compare labels');

  runs
    .command('list')
    .description('list runs, newest first')
    .option('--lab <name>', 'only the runs of this lab')
    .option('--json', 'print JSON')
    .action(async (opts: { lab?: string; json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const labs = await call('lab.list', {});
        const labId = opts.lab === undefined ? undefined : (await findLab(call, opts.lab)).id;
        const list = await call('run.list', labId === undefined ? {} : { labId });
        if (opts.json) return printJson(list);
        if (list.length === 0) return console.log('no runs yet: iovlab run --lab L --plan plan.yaml, or iovlab import');
        const labName = new Map(labs.map((l) => [l.id, l.name]));
        for (const r of list) console.log(runLine(r, labName.get(r.labId) ?? `lab ${r.labId}`));
      });
    });

  runs
    .command('show <id>')
    .description('one run: its steps and statistics per configuration and workload')
    .option('--json', 'print JSON { run, steps, stats }')
    .action(async (idText: string, opts: { json?: boolean }, command: Command) => {
      const runId = Number(idText);
      if (!Number.isSafeInteger(runId) || runId <= 0) throw new CliFailure({ code: 'INVALID_ARGUMENT', message: `"${idText}" is not a run id (see: iovlab runs list)` }, 2);
      await withSession(command, async ({ call }) => {
        const { run, steps } = await call('run.get', { runId });
        const stats = await call('run.stats', { runId });
        if (opts.json) return printJson({ run, steps, stats });
        console.log(runLine(run, (await call('lab.list', {})).find((l) => l.id === run.labId)?.name ?? `lab ${run.labId}`));
        console.log('\nsteps:');
        for (const s of steps) console.log(`  ${stepLine(s)}`);
        printStats(stats);
      });
    });

  runs
    .command('stats')
    .description('statistics per label across runs (repeated imports under one label form one sample set)')
    .option('--lab <name>', 'only the runs of this lab')
    .option('--json', 'print JSON')
    .action(async (opts: { lab?: string; json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const labId = opts.lab === undefined ? undefined : (await findLab(call, opts.lab)).id;
        const rows = await call('run.statsByLabel', labId === undefined ? {} : { labId });
        if (opts.json) return printJson(rows);
        printStats(rows);
      });
    });
}

const num = (v: number, digits = 1): string => v.toFixed(digits);

function runLine(r: RunRecord, labName: string): string {
  const tags = Object.entries(r.tags).map(([k, v]) => `${k}=${v}`).join(' ');
  const when = r.createdAt.replace('T', ' ').slice(0, 16);
  return `#${r.id}  ${r.status.padEnd(11)} ${r.stepsDone}/${r.stepsTotal} steps  ${when}  ${labName}  "${r.label}"${r.name !== r.label ? ` (${r.name})` : ''}${tags ? `  [${tags}]` : ''}`;
}

function stepLine(s: StepRecord): string {
  const where = [s.configName, s.workloadId, s.targetName].filter((x) => x !== null).join(' / ');
  const figure = s.metric ? `${num(s.metric.value)} ${s.metric.unit}` : s.error ? `— ${s.error}` : '';
  return `${String(s.index + 1).padStart(3)}. ${where}  repeat ${s.repeat}  ${s.status}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}  ${figure}`.trimEnd();
}

function printStats(rows: (StatsRow | LabelStatsRow)[]): void {
  if (rows.length === 0) return console.log('\nno statistics: no finished step with a bandwidth or throughput figure');
  console.log('\nstatistics (mean ± 95% CI half-width):');
  for (const r of rows) {
    const who = 'label' in r ? `"${r.label}" ${r.runs} run${r.runs === 1 ? '' : 's'}: ` : '';
    const where = [r.configName, r.workloadId, r.targetName].filter((x) => x !== null).join(' / ');
    const ci = r.ci95 ? ` ± ${num((r.ci95[1] - r.ci95[0]) / 2)}` : '';
    const cv = r.cv === null ? '' : `  CV ${num(r.cv * 100)}%${r.noisy ? ' NOISY' : ''}`;
    const host = r.host ? `  host: avgrq-sz ${num(r.host.avgRqSectors)} sectors, avgqu-sz ${num(r.host.avgQueue, 2)}, util ${num(r.host.utilPct)}% (${r.host.samples} samples)` : '';
    console.log(`  ${who}${where}  n=${r.n}  ${num(r.mean)}${ci} ${r.unit}  median ${num(r.median)}${cv}${host}`);
  }
}
