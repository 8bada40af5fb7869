import { InvalidArgumentError, type Command } from 'commander';
import { runServe } from '../../host/serve.js';
import { dataDirOf } from '../context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the iovlab UI to a browser on 127.0.0.1 (prints a URL with a one-time token)')
    .option('--port <port>', 'port to listen on (0 = any free port)', (v) => {
      const port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port must be 0..65535');
      return port;
    }, 0)
    .action(async (opts: { port: number }, command: Command) => {
      await runServe({ dataDir: dataDirOf(command), port: opts.port });
    });
}
