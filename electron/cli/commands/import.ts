// `iovlab import <tool> <file|-> --lab L --label TEXT [--config KEY=VALUE ...]`: store a
// hand-run tool output as a finished run and print the new run's id (just the number).
// External checks call this, so like `iovlab parse`: exit 3 with one line on stderr when the
// output is unusable, exit 2 for usage errors, exit 1 for anything else (e.g. the database).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TOOLS, isToolName } from '../../../shared/parsers/index.js';
import { CliFailure, withSession } from '../context.js';
import { EXIT_UNPARSABLE, EXIT_USAGE } from './parse.js';

const TAG = /^([A-Za-z0-9_.-]{1,64})=(.*)$/s;

interface ImportOptions {
  lab?: string;
  label?: string;
  config: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(`store a hand-run benchmark output as a run (tools: ${TOOLS.join(', ')}); prints the run id`)
    .argument('[tool]', TOOLS.join(' | '))
    .argument('[file]', 'file holding the output, or - for stdin')
    .option('--lab <name>', 'lab to store it in (created if missing)')
    .option('--label <text>', 'what was measured, e.g. "virtio-blk write"; runs with one label are compared together')
    .option('--config <key=value>', 'a tag describing the configuration (repeatable), e.g. bus=virtio-blk; config=NAME, workload=ID and target=NAME place the step', collect, [])
    .allowExcessArguments(true)
    .action(async (tool: string | undefined, file: string | undefined, opts: ImportOptions, command: Command) => {
      const usage = (message: string): void => {
        process.stderr.write(`iovlab import: ${message}\n`);
        process.exitCode = EXIT_USAGE;
      };
      if (tool === undefined || file === undefined) return usage(`needs a tool and a file: iovlab import <${TOOLS.join('|')}> <file|-> --lab L --label TEXT`);
      if (command.args.length > 2) return usage(`unexpected argument "${command.args[2] ?? ''}"`);
      if (!isToolName(tool)) return usage(`unknown tool "${tool}" (expected one of: ${TOOLS.join(', ')})`);
      if (!opts.lab) return usage('needs --lab NAME (the lab is created if it does not exist)');
      if (!opts.label) return usage('needs --label TEXT (what the output measured)');
      const tags: Record<string, string> = {};
      for (const pair of opts.config) {
        const m = TAG.exec(pair);
        if (!m?.[1]) return usage(`--config "${pair}" is not KEY=VALUE (KEY: 1-64 letters, digits, _ . -)`);
        tags[m[1]] = m[2] ?? '';
      }
      let text: string;
      try {
        text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      } catch (e) {
        return usage(`cannot read ${file === '-' ? 'stdin' : file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const source = file === '-' ? 'stdin' : resolve(file);
      await withSession(command, async ({ client }) => {
        const result = await client.call('run.import', { lab: opts.lab ?? '', tool, text, label: opts.label ?? '', tags, source });
        if (result.ok) return void process.stdout.write(`${result.value.id}\n`);
        if (result.error.code === 'PARSE_ERROR') {
          process.stderr.write(`iovlab import: ${result.error.message.replace(/\s*\n\s*/g, ' ')}\n`);
          process.exitCode = EXIT_UNPARSABLE;
          return;
        }
        throw new CliFailure(result.error, result.error.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : 1);
      });
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
