// `iovlab config render --format qemu|libvirt|xl <file|->`: in process through a fresh commander
// program, and as a real process through electron/cli/main.ts (the stable CLI external checks call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerConfig } from '../../electron/cli/commands/config.js';
import { CliFailure } from '../../electron/cli/context.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'vmconfig');
const GOLDEN = { qemu: '.qemu.json', libvirt: '.xml', xl: '.xl.cfg' } as const;

function program(out: string[]): Command {
  // Output is configured before registerConfig: subcommands copy the parent's settings when created.
  const p = new Command('iovlab').exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(`ERR:${s}`) });
  registerConfig(p);
  return p;
}

async function runInProcess(args: string[]): Promise<{ out: string; error: unknown }> {
  const out: string[] = [];
  try {
    await program(out).parseAsync(['node', 'iovlab', 'config', 'render', ...args]);
    return { out: out.join(''), error: null };
  } catch (e) {
    return { out: out.join(''), error: e };
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'iovlab-config-cli-'));
function tempConfig(name: string, doc: unknown): string {
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

const base = { name: 'cli', disk: { bus: 'virtio-blk', backing: 'prealloc-file', path: '/var/lib/iovlab/disk.img', cache: 'none', aio: 'native' }, nic: { model: 'e1000' } };
const INVALID: [string, unknown, RegExp][] = [
  ['unknown bus', { ...base, disk: { ...base.disk, bus: 'scsi' } }, /disk\.bus: must be one of virtio-blk, lsi-scsi, virtio-scsi, ide, xen \(got "scsi"\)/],
  ['io=native with cache=writeback', { ...base, disk: { ...base.disk, cache: 'writeback' } }, /disk\.aio: native needs O_DIRECT/],
  ['xen bus for qemu', { ...base, disk: { ...base.disk, bus: 'xen' } }, /disk\.bus: cannot be rendered for qemu: xen is the Xen PV disk/],
  ['missing path', { ...base, disk: { bus: 'ide', backing: 'device' } }, /disk\.path: is required/],
  ['negative memory', { ...base, memoryMiB: -512 }, /memoryMiB: must be at least 16 MiB \(got -512\)/],
  ['a path with a NUL', { ...base, disk: { ...base.disk, path: '/var/lib/a\u0000b.img' } }, /disk\.path: must not contain control characters/],
  ['broken JSON', '{"name": "x",', /not valid JSON/],
];

for (const format of ['qemu', 'libvirt', 'xl'] as const) {
  test(`in process: --format ${format} prints exactly the golden file`, async () => {
    const { out, error } = await runInProcess(['--format', format, join(FIX, 'xen-lsi-prealloc.json')]);
    assert.equal(error, null);
    assert.equal(out, readFileSync(join(FIX, `xen-lsi-prealloc${GOLDEN[format]}`), 'utf8'));
  });
}

for (const [what, doc, message] of INVALID) {
  test(`in process: ${what} fails with exit code 3 and prints nothing`, async () => {
    const file = tempConfig(what.replace(/\W+/g, '-'), doc);
    const { out, error } = await runInProcess(['--format', 'qemu', file]);
    assert.equal(out, '');
    assert.ok(error instanceof CliFailure, String(error));
    assert.equal(error.exitCode, 3);
    assert.equal(error.error.code, 'INVALID_ARGUMENT');
    assert.match(error.error.message, message);
    assert.ok(error.error.message.startsWith(`invalid configuration ${file}: `));
  });
}

test('in process: an unknown --format is a usage error naming the choices', async () => {
  const { error } = await runInProcess(['--format', 'vmx', join(FIX, 'xen-lsi-prealloc.json')]);
  assert.ok(error instanceof CommanderError);
  assert.match(error.message, /Allowed choices are qemu, libvirt, xl/);
});

test('in process: a missing file exits 2 naming the file', async () => {
  const { error } = await runInProcess(['--format', 'xl', join(scratch, 'nope.json')]);
  assert.ok(error instanceof CliFailure);
  assert.equal(error.exitCode, 2);
  assert.match(error.error.message, /cannot read configuration .*nope\.json: ENOENT/);
});

// --- as a real process --------------------------------------------------------------------------

const MAIN = join(ROOT, 'electron', 'cli', 'main.ts');
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, input: input ?? '', encoding: 'utf8' });
}
function mainSkipReason(): string | false {
  if (!existsSync(MAIN)) return 'electron/cli/main.ts does not exist yet';
  const probe = cli(['config', 'render', '--help']);
  return probe.status === 0 ? false : `electron/cli/main.ts does not load yet: ${probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? probe.stderr.trim()}`;
}
const mainSkip = mainSkipReason();

test('main.ts: every format prints the golden text on stdout and nothing on stderr', { skip: mainSkip }, () => {
  for (const format of ['qemu', 'libvirt', 'xl'] as const) {
    const r = cli(['config', 'render', '--format', format, join(FIX, 'xen-lsi-prealloc.json')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, readFileSync(join(FIX, `xen-lsi-prealloc${GOLDEN[format]}`), 'utf8'));
  }
});

test('main.ts: reads the configuration from stdin with -', { skip: mainSkip }, () => {
  const r = cli(['config', 'render', '--format', 'qemu', '-'], readFileSync(join(FIX, 'kvm-lsi-sparse-e1000.json'), 'utf8'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(join(FIX, 'kvm-lsi-sparse-e1000.qemu.json'), 'utf8'));
});

test('main.ts: invalid or impossible configurations exit 3 with one line on stderr and nothing on stdout', { skip: mainSkip }, () => {
  for (const [what, doc, message] of INVALID) {
    const r = cli(['config', 'render', '--format', 'qemu', '-'], typeof doc === 'string' ? doc : JSON.stringify(doc));
    assert.equal(r.status, 3, `${what}: ${r.stderr}`);
    assert.equal(r.stdout, '', what);
    assert.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, `${what}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(r.stderr, message, what);
  }
  const xl = cli(['config', 'render', '--format', 'xl', join(FIX, 'kvm-virtio-blk-device.json')]);
  assert.equal(xl.status, 3);
  assert.match(xl.stderr, /disk\.bus: cannot be rendered for xl: virtio-blk has no xl\.cfg disk spec/);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));
