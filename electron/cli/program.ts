// The `iovlab` command tree: the command-line face of the same backend the desktop app and the browser host use.
import { Command, CommanderError } from 'commander';
import { isAppError } from '../../shared/result.js';
import { appVersion } from '../core/backend.js';
import { CliFailure } from './context.js';
import { registerConfig } from './commands/config.js';
import { registerImport } from './commands/import.js';
import { registerLab } from './commands/lab.js';
import { registerLocalLab } from './commands/locallab.js';
import { registerPresets } from './commands/presets.js';
import { registerNode } from './commands/node.js';
import { registerParse } from './commands/parse.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerReport } from './commands/report.js';
import { registerBundle } from './commands/bundle.js';
import { registerServe } from './commands/serve.js';
import { registerInstall } from './commands/install.js';

export function buildProgram(): Command {
  // exitOverride first: subcommands copy it when they are created, so errors come back to main().
  const program = new Command('iovlab')
    .exitOverride()
    .description('I/O virtualization lab workbench (reproduces Shafer 2010)')
    .version(appVersion())
    .option('--data-dir <dir>', 'where the database lives (default: $IOVLAB_DATA or the XDG data dir)')
    .showHelpAfterError();
  registerServe(program);
  registerLab(program);
  registerLocalLab(program);
  registerPresets(program);
  registerNode(program);
  registerParse(program);
  registerRun(program);
  registerConfig(program);
  registerImport(program);
  registerRuns(program);
  registerReport(program);
  registerBundle(program);
  registerInstall(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof CliFailure) {
      process.stderr.write(`iovlab: ${e.error.message} [${e.error.code}]\n`);
      return e.exitCode;
    }
    if (isAppError(e)) {
      process.stderr.write(`iovlab: ${e.message} [${e.code}]\n`);
      return 1;
    }
    process.stderr.write(`iovlab: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

