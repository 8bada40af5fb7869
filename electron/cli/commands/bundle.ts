// `iovlab bundle export --runs 1,2 --out f.json[.gz]` and `iovlab bundle import f [--lab NAME]`:
// move runs (outputs, samples, plans, statistics) between iovlab data dirs in one file. Both go
// through the API contract (bundle.export / bundle.import), like every other face.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '../../../shared/result.js';
import { printJson, withSession } from '../context.js';
import { parseRunIds } from './report.js';

export function registerBundle(program: Command): void {
  const bundle = program.command('bundle').description('move runs between iovlab installations: one JSON file (gzip optional) with outputs, samples and configurations');

  bundle
    .command('export')
    .description('write the given runs to one bundle file (gzipped with --gzip or a name ending in .gz)')
    .requiredOption('--runs <ids>', 'run ids, comma separated (see: iovlab runs list)', parseRunIds)
    .requiredOption('--out <file>', 'bundle file to write')
    .option('--gzip', 'gzip the JSON')
    .action(async (opts: { runs: number[]; out: string; gzip?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const file = await call('bundle.export', { runIds: opts.runs, gzip: opts.gzip === true || opts.out.endsWith('.gz') });
        await writeFile(opts.out, Buffer.from(file.base64, 'base64'));
        process.stderr.write(`iovlab bundle: ${file.runs} run${file.runs === 1 ? '' : 's'} written to ${opts.out} (${file.bytes} bytes)\n`);
      });
    });

  bundle
    .command('import')
    .description('import a bundle into this data dir (all or nothing); prints the new run ids as JSON')
    .argument('<file>', 'bundle file (JSON or gzipped JSON)')
    .option('--lab <name>', "lab to put the runs in (default: the bundle's lab names; created when missing)")
    .action(async (file: string, opts: { lab?: string }, command: Command) => {
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (e) {
        throw new AppError('NOT_FOUND', `cannot read bundle ${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      await withSession(command, async ({ call }) => {
        printJson(await call('bundle.import', { base64: data.toString('base64'), name: file, ...(opts.lab ? { lab: opts.lab } : {}) }));
      });
    });
}
