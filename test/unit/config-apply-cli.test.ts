// `iovlab config apply ... --dry-run`: in process through a fresh commander program, nothing
// connects anywhere. The real apply over SSH is in test/integration/drivers-libvirt.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { isAppError } from '../../shared/result.js';
import { parseVmConfig, renderXlCfg } from '../../shared/vmconfig/index.js';
import { registerConfig } from '../../electron/cli/commands/config.js';
import { CliFailure } from '../../electron/cli/context.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'drivers');
const scratch = mkdtempSync(join(tmpdir(), 'iovlab-config-apply-'));
test.after(() => rmSync(scratch, { recursive: true, force: true }));

async function apply(args: string[]): Promise<{ out: string; error: unknown }> {
  const out: string[] = [];
  const p = new Command('iovlab').exitOverride().option('--data-dir <dir>').configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(`ERR:${s}`) });
  registerConfig(p);
  try {
    await p.parseAsync(['node', 'iovlab', '--data-dir', join(scratch, 'data'), 'config', 'apply', ...args]);
    return { out: out.join(''), error: null };
  } catch (e) {
    return { out: out.join(''), error: e };
  }
}

function config(name: string, doc: unknown): string {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const ide = config('ide', { name: 'guest1', disk: { bus: 'ide', backing: 'prealloc-file', path: '/var/lib/iovlab/scratch.img' }, nic: { model: 'e1000' } });
const lsi = config('lsi', { name: 'drv', disk: { bus: 'lsi-scsi', backing: 'sparse-file', path: '/srv/drv.img' }, nic: { model: 'e1000' } });

test('libvirt dry run with a saved dumpxml prints the commands, the changes and the exact XML (the golden edit)', async () => {
  const { out, error } = await apply([ide, '--stack', 'libvirt', '--dry-run', '--size', '512', '--current', join(FIX, 'dumpxml-guest1-virtio-scsi.xml')]);
  assert.equal(error, null, String(error));
  assert.match(out, /^# iovlab config apply --stack libvirt \(dry run: nothing was run\)\n'virsh' '-c' 'qemu:\/\/\/system' 'domstate' 'guest1'\n/);
  assert.match(out, /'qemu-img' 'create' '-q' '-f' 'raw' '-o' 'preallocation=full' '\/var\/lib\/iovlab\/scratch.img' '512M'/);
  assert.match(out, /# test disk sdb \(bus scsi\) -> hda \(bus ide\)\n/);
  assert.ok(out.endsWith(readFileSync(join(FIX, 'edit', 'dumpxml-guest1-virtio-scsi.ide.xml'), 'utf8')));
});

test('xen dry run --json: the xl.cfg the renderer makes and the four commands', async () => {
  const { out, error } = await apply([lsi, '--stack', 'xen', '--dry-run', '--json', '--dir', '/etc/xen/lab']);
  assert.equal(error, null, String(error));
  const json = JSON.parse(out) as { cfg: string; cfgPath: string; commands: string[] };
  assert.equal(json.cfg, renderXlCfg(parseVmConfig(JSON.parse(readFileSync(lsi, 'utf8')))));
  assert.equal(json.cfgPath, '/etc/xen/lab/drv.cfg');
  assert.equal(json.commands.length, 4);
});

test('eucalyptus dry run: the edited eucalyptus.conf and the relaunch commands; a half-given relaunch is refused', async () => {
  const virtio = config('virtio', { name: 'v', disk: { bus: 'virtio-blk', backing: 'sparse-file', path: '/x' }, nic: { model: 'virtio' } });
  const { out, error } = await apply([virtio, '--stack', 'eucalyptus', '--dry-run', '--current', join(FIX, 'eucalyptus', 'uec-1.6.2.conf'), '--instance', 'i-1A2B3C4D', '--image', 'emi-DEADBEEF']);
  assert.equal(error, null, String(error));
  assert.match(out, /\. "\$HOME\/\.euca\/eucarc" && 'euca-terminate-instances' 'i-1A2B3C4D'\n/);
  assert.match(out, /# note: disk\.cache writeback and disk\.aio threads cannot be set/);
  assert.ok(out.endsWith(readFileSync(join(FIX, 'eucalyptus', 'uec-1.6.2.virtio-blk-virtio.conf'), 'utf8')));
  const half = await apply([virtio, '--stack', 'eucalyptus', '--dry-run', '--instance', 'i-1A2B3C4D']);
  assert.ok(isAppError(half.error) && /needs both --instance i-XXXXXXXX and --image emi-XXXXXXXX/.test(half.error.message));
  const ideEuca = await apply([ide, '--stack', 'eucalyptus', '--dry-run']);
  assert.ok(isAppError(ideEuca.error) && /never IDE/.test(ideEuca.error.message));
});

test('without --dry-run it needs --lab and --node; an unknown lab is named; an invalid configuration exits 3', async () => {
  const none = await apply([ide, '--stack', 'libvirt']);
  assert.ok(isAppError(none.error) && /needs --lab and --node/.test(none.error.message));
  const unknown = await apply([ide, '--stack', 'libvirt', '--lab', 'nope', '--node', 'back']);
  assert.ok(isAppError(unknown.error) && unknown.error.code === 'NOT_FOUND' && /no lab "nope"/.test(unknown.error.message));
  const bad = await apply([config('bad', { name: 'x', disk: { bus: 'scsi', backing: 'device', path: '/dev/sdb' }, nic: { model: 'e1000' } }), '--stack', 'xen', '--dry-run']);
  assert.ok(bad.error instanceof CliFailure);
  assert.equal(bad.error.exitCode, 3);
  assert.match(bad.error.error.message, /disk\.bus: must be one of/);
});
