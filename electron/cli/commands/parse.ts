// `iovlab parse <tool> <file|->`: one benchmark output in, one JSON object out. External
// checks call this, so its contract is fixed: exit 0 with the JSON on stdout; exit 3 with
// one line "iovlab parse: <tool>: <what was wrong>" when the output is unusable; exit 2 for
// usage errors (unknown tool, unreadable file, wrong arguments).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PARSERS, TOOLS, isToolName, isToolParseError } from '../../../shared/parsers/index.js';

/** Where the command writes; tests pass their own to run it in-process. */
export interface ParseIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  readStdin(): Promise<string>;
}

const processIo: ParseIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

export const EXIT_USAGE = 2;
export const EXIT_UNPARSABLE = 3;

export function registerParse(program: Command, io: ParseIo = processIo): void {
  program
    .command('parse')
    .description(`parse a benchmark tool's output into JSON (tools: ${TOOLS.join(', ')}); "-" reads stdin`)
    .argument('[tool]', TOOLS.join(' | '))
    .argument('[file]', 'file holding the output, or - for stdin')
    // Argument mistakes are checked below so they all end with exit code 2, not commander's 1.
    .allowExcessArguments(true)
    .allowUnknownOption(true)
    .action(async (tool: string | undefined, file: string | undefined, _opts: unknown, command: Command) => {
      const usage = (message: string): void => {
        io.stderr(`iovlab parse: ${message}\n`);
        io.setExitCode(EXIT_USAGE);
      };
      if (tool === undefined || file === undefined) return usage(`needs a tool and a file: iovlab parse <${TOOLS.join('|')}> <file|->`);
      if (command.args.length > 2) return usage(`unexpected argument "${command.args[2] ?? ''}"`);
      if (!isToolName(tool)) return usage(`unknown tool "${tool}" (expected one of: ${TOOLS.join(', ')})`);
      let text: string;
      try {
        text = file === '-' ? await io.readStdin() : await readFile(file, 'utf8');
      } catch (e) {
        return usage(`cannot read ${file === '-' ? 'stdin' : file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        const result = PARSERS[tool](text);
        io.stdout(`${JSON.stringify(result)}\n`);
        io.setExitCode(0);
      } catch (e) {
        if (!isToolParseError(e)) throw e;
        io.stderr(`iovlab parse: ${tool}: ${e.reason.replace(/\s*\n\s*/g, ' ')}\n`);
        io.setExitCode(EXIT_UNPARSABLE);
      }
    });
}
