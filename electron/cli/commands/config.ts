// `iovlab config render --format qemu|libvirt|xl <config.json|->`: a stable command external
// checks call. Output goes to stdout only on success; an invalid or impossible configuration is
// one line on stderr (via CliFailure, printed by program.ts) and exit code 3.
// `iovlab config apply ...` (./config-apply.ts) puts a configuration into effect on a lab node.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { AppError, isAppError } from '../../../shared/result.js';
import { RENDER_FORMATS, parseVmConfigText, renderConfig, type RenderFormat, type VmConfig } from '../../../shared/vmconfig/index.js';
import { CliFailure } from '../context.js';
import { registerConfigApply } from './config-apply.js';

/** Exit code for a configuration that is invalid or that the chosen format cannot express. */
export const EXIT_INVALID_CONFIG = 3;
/** Exit code when the input file cannot be read at all. */
export const EXIT_UNREADABLE = 2;

async function readInput(source: string): Promise<string> {
  try {
    if (source === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return await readFile(source, 'utf8');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new CliFailure({ code: 'NOT_FOUND', message: `cannot read configuration ${source === '-' ? 'from stdin' : source}: ${why}` }, EXIT_UNREADABLE);
  }
}

export function render(text: string, source: string, format: RenderFormat): string {
  try {
    return renderConfig(parseVmConfigText(text), format);
  } catch (e) {
    if (!isAppError(e)) throw e;
    const err = new AppError(e.code, `invalid configuration ${source}: ${e.message}`, e.details);
    throw new CliFailure(err.toApiError(), EXIT_INVALID_CONFIG);
  }
}

/** Reads and validates a configuration; an invalid one exits with EXIT_INVALID_CONFIG like render. */
export async function loadConfig(source: string): Promise<VmConfig> {
  const text = await readInput(source);
  try {
    return parseVmConfigText(text);
  } catch (e) {
    if (!isAppError(e)) throw e;
    const err = new AppError(e.code, `invalid configuration ${source === '-' ? '(stdin)' : source}: ${e.message}`, e.details);
    throw new CliFailure(err.toApiError(), EXIT_INVALID_CONFIG);
  }
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('guest driver configurations (the experiment variable of Shafer 2010)');
  config
    .command('render')
    .description('print the QEMU argv (one JSON array), the libvirt domain XML or the xl.cfg for a configuration JSON')
    .addOption(new Option('--format <format>', 'what to render').choices(RENDER_FORMATS).makeOptionMandatory())
    .argument('<config>', 'configuration JSON file, or - for stdin')
    .action(async (source: string, opts: { format: RenderFormat }, command: Command) => {
      const text = await readInput(source);
      const out = render(text, source === '-' ? '(stdin)' : source, opts.format);
      const write = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
      write(out);
    });
  registerConfigApply(config, loadConfig);
}
