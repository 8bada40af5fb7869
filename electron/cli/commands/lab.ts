import type { Command } from 'commander';
import { printJson, withSession } from '../context.js';
import { findLab } from './lookup.js';

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('manage labs (a front-end node and back-end nodes)');

  lab
    .command('list')
    .description('list labs and their nodes')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const labs = await call('lab.list', {});
        if (opts.json) return printJson(labs);
        if (labs.length === 0) return console.log('no labs yet: iovlab lab add <name>');
        for (const l of labs) {
          console.log(`${l.name}${l.description ? ` — ${l.description}` : ''}`);
          for (const n of l.nodes) console.log(`  ${n.name}  ${n.user}@${n.host}:${n.port}  [${n.roles.join(',')}]${n.hostKey ? '' : '  (host key not accepted yet)'}`);
        }
      });
    });

  lab
    .command('add <name>')
    .description('create a lab')
    .option('--description <text>', 'what the lab is for', '')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { description: string; json?: boolean }, command: Command) => {
      await withSession(command, async ({ call }) => {
        const created = await call('lab.create', { name, description: opts.description });
        if (opts.json) printJson(created);
        else console.log(`created lab "${created.name}" (id ${created.id})`);
      });
    });

  lab
    .command('rm <name>')
    .description('delete a lab with its nodes and probes')
    .action(async (name: string, _opts: unknown, command: Command) => {
      await withSession(command, async ({ call }) => {
        const found = await findLab(call, name);
        await call('lab.delete', { labId: found.id });
        console.log(`deleted lab "${found.name}"`);
      });
    });
}
