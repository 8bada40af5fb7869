// The generated argv run by the real qemu-system-x86_64 (Debian: qemu-system-x86, qemu-utils)
// against small images made with qemu-img: QEMU starts paused (-S, TCG, no display), and QMP
// reports what it built — block nodes with their cache flags, the guest devices and their write
// cache — before we quit it. No OS is booted. Each case skips itself when what it needs is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheFlags, parseVmConfig, qemuImgCreateArgv, renderQemuArgv, type VmConfig, type VmConfigInput } from '../../shared/vmconfig/index.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const qemuSkip = !has('qemu-system-x86_64') || !has('qemu-img') ? 'qemu-system-x86_64/qemu-img not installed (apt-get install --no-install-recommends qemu-system-x86 qemu-utils)' : false;
const isRoot = process.getuid?.() === 0;

/** O_DIRECT (cache none/directsync) fails on tmpfs; find a scratch dir whose filesystem supports it. */
function scratchDir(): { dir: string; direct: boolean } {
  for (const parent of [tmpdir(), '/var/tmp']) {
    const dir = mkdtempSync(join(parent, 'iovlab-qemu-'));
    try {
      closeSync(openSync(join(dir, 'probe'), constants.O_CREAT | constants.O_RDWR | constants.O_DIRECT));
      return { dir, direct: true };
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { dir: mkdtempSync(join(tmpdir(), 'iovlab-qemu-')), direct: false };
}
const scratch = qemuSkip ? null : scratchDir();
const directSkip = qemuSkip || (scratch?.direct ? false : 'no scratch filesystem supports O_DIRECT (tmpfs?)');

class Qmp {
  private buf = '';
  private waiters: ((line: Record<string, unknown>) => void)[] = [];
  constructor(private sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      this.buf += d;
      for (let i = this.buf.indexOf('\n'); i >= 0; i = this.buf.indexOf('\n')) {
        const msg = JSON.parse(this.buf.slice(0, i)) as Record<string, unknown>;
        this.buf = this.buf.slice(i + 1);
        if (!('event' in msg)) this.waiters.shift()?.(msg);
      }
    });
  }
  next(): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  async run(execute: string, args?: Record<string, unknown>): Promise<unknown> {
    const reply = this.next();
    this.sock.write(JSON.stringify(args ? { execute, arguments: args } : { execute }) + '\n');
    const msg = await reply;
    if ('error' in msg) throw new Error(`QMP ${execute}: ${JSON.stringify(msg['error'])}`);
    return msg['return'];
  }
}

interface Started {
  qmp: Qmp;
  done: Promise<number | null>;
  /** Kills QEMU if it is still running (an assertion failed before `quit`). */
  stop: () => void;
}

/** Starts QEMU paused with a QMP socket; resolves once QMP answers (machine fully built) or rejects with QEMU's stderr. */
async function startQemu(argv: string[], wrap: string[] = []): Promise<Started> {
  const sock = join(scratch!.dir, `qmp-${process.hrtime.bigint()}.sock`);
  const full = [...argv.slice(1), '-S', '-monitor', 'none', '-qmp', `unix:${sock},server=on,wait=off`];
  const proc = wrap.length > 0 ? spawn(wrap[0]!, [...wrap.slice(1), argv[0]!, ...full]) : spawn(argv[0]!, full);
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let exited = false;
  void done.then(() => (exited = true));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`QEMU refused the argv:\n${stderr}\n${JSON.stringify(argv)}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`QEMU did not open QMP within 30 s:\n${stderr}`);
    }
    const conn = await new Promise<Socket | null>((resolve) => {
      const c = createConnection(sock, () => resolve(c));
      c.on('error', () => resolve(null));
    });
    if (conn) {
      const qmp = new Qmp(conn);
      const stop = () => {
        conn.destroy();
        if (!exited) proc.kill('SIGKILL');
      };
      try {
        await qmp.next(); // greeting
        await qmp.run('qmp_capabilities');
      } catch (e) {
        stop();
        throw e;
      }
      return { qmp, done, stop };
    }
    await new Promise((r) => setTimeout(r, 50)); // poll for the socket QEMU is about to create
  }
}

interface NodeInfo {
  'node-name': string;
  drv: string;
  cache: { direct: boolean; 'no-flush': boolean };
}

/** Runs the config in QEMU and checks the block graph and devices against the config. */
async function assertQemuBuilds(cfg: VmConfig, wrap: string[] = []): Promise<void> {
  const { qmp, done, stop } = await startQemu(renderQemuArgv(cfg), wrap);
  try {
    await checkBuilt(qmp, cfg);
    await qmp.run('quit');
    assert.equal(await done, 0);
  } finally {
    stop();
  }
}

async function checkBuilt(qmp: Qmp, cfg: VmConfig): Promise<void> {
  const nodes = (await qmp.run('query-named-block-nodes')) as NodeInfo[];
  const byName = new Map(nodes.map((n) => [n['node-name'], n]));
  const flags = cacheFlags(cfg.disk.cache);
  const storage = byName.get('disk0-storage');
  assert.equal(storage?.drv, cfg.disk.backing === 'device' ? 'host_device' : 'file');
  assert.equal(byName.get('disk0')?.drv, cfg.disk.backing === 'qcow2' ? 'qcow2' : 'raw');
  assert.deepEqual({ direct: storage?.cache.direct, noFlush: storage?.cache['no-flush'] }, { direct: flags.direct, noFlush: flags.noFlush });
  const qom = (path: string, property: string) => qmp.run('qom-get', { path: `/machine/peripheral/${path}`, property });
  const deviceType = { 'virtio-blk': 'virtio-blk-pci', 'lsi-scsi': 'scsi-hd', 'virtio-scsi': 'scsi-hd', ide: 'ide-hd', xen: '' }[cfg.disk.bus];
  assert.equal(await qom('disk0-dev', 'type'), deviceType);
  assert.equal(await qom('disk0-dev', 'write-cache'), flags.guestWriteCache ? 'on' : 'off');
  if (cfg.disk.bus === 'lsi-scsi') assert.equal(await qom('scsi0', 'type'), 'lsi53c895a');
  if (cfg.disk.bus === 'virtio-scsi') assert.equal(await qom('scsi0', 'type'), 'virtio-scsi-pci');
  assert.equal(await qom('nic0', 'type'), cfg.nic.model === 'virtio' ? 'virtio-net-pci' : 'e1000');
  if (cfg.ebs?.attach === 'host-nbd') {
    assert.equal(byName.get('ebs0-storage')?.drv, 'nbd');
    assert.equal(await qom('ebs0-dev', 'type'), deviceType);
  }
}

function makeImage(cfg: VmConfig, sizeMiB = 8): void {
  const argv = qemuImgCreateArgv(cfg, sizeMiB);
  if (!argv) return;
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function config(name: string, disk: Omit<VmConfigInput['disk'], 'path'>, rest: Partial<VmConfigInput> = {}, file = `${name}.img`): VmConfig {
  return parseVmConfig({ name, accel: 'tcg', memoryMiB: 64, nic: { model: 'e1000' }, disk: { ...disk, path: join(scratch!.dir, file) }, ...rest });
}

const CASES: { title: string; skip: string | false; cfg: () => VmConfig }[] = [
  { title: 'Eucalyptus KVM default: lsi53c895a + sparse raw, writeback/threads, e1000', skip: qemuSkip, cfg: () => config('euca', { bus: 'lsi-scsi', backing: 'sparse-file', cache: 'writeback', aio: 'threads' }) },
  { title: 'virtio-blk + preallocated raw, none/native, virtio-net', skip: directSkip, cfg: () => config('vblk', { bus: 'virtio-blk', backing: 'prealloc-file', cache: 'none', aio: 'native' }, { nic: { model: 'virtio' } }) },
  { title: 'virtio-scsi + qcow2, writethrough/threads', skip: qemuSkip, cfg: () => config('vscsi', { bus: 'virtio-scsi', backing: 'qcow2', cache: 'writethrough', aio: 'threads' }, { nic: { model: 'virtio' } }) },
  { title: 'IDE + sparse raw, directsync/io_uring', skip: directSkip, cfg: () => config('ide', { bus: 'ide', backing: 'sparse-file', cache: 'directsync', aio: 'io_uring' }) },
  {
    title: 'awkward path (space, quotes, comma, $()) for disk and serial file',
    skip: directSkip,
    cfg: () => {
      mkdirSync(join(scratch!.dir, `it's "a", $(dir)`), { recursive: true });
      return config('awkward', { bus: 'lsi-scsi', backing: 'prealloc-file', cache: 'none', aio: 'io_uring' }, { serial: { file: join(scratch!.dir, `it's "a", $(dir)`, 'serial, log') } }, `it's "a", $(dir)/disk 1.img`);
    },
  },
];

for (const c of CASES) {
  test(`QEMU accepts the argv: ${c.title}`, { skip: c.skip }, async () => {
    const cfg = c.cfg();
    makeImage(cfg);
    await assertQemuBuilds(cfg);
  });
}

test('QEMU accepts direct kernel boot options with a spaced kernel path (multiboot stub, never run)', { skip: qemuSkip }, async () => {
  // A 36-byte multiboot header is enough for QEMU's loader; -S keeps the CPU from executing it.
  const stub = Buffer.alloc(64);
  const [magic, flags] = [0x1badb002, 0x00010000];
  [magic, flags, (-(magic + flags)) >>> 0, 0x100000, 0x100000, 0, 0, 0x100020].forEach((v, i) => stub.writeUInt32LE(v, i * 4));
  const kernel = join(scratch!.dir, 'vm "linuz", 1');
  writeFileSync(kernel, stub);
  writeFileSync(join(scratch!.dir, 'initrd.img'), 'initrd');
  const cfg = config('kboot', { bus: 'virtio-blk', backing: 'sparse-file' }, { kernel, initrd: join(scratch!.dir, 'initrd.img'), append: `console=ttyS0 x='$(y)' "z"` });
  makeImage(cfg);
  assert.ok(!renderQemuArgv(cfg).some((a) => a.includes('bootindex')), 'no bootindex with a kernel');
  await assertQemuBuilds(cfg);
});

test('the harness notices when QEMU refuses an argv (aio=native without O_DIRECT, forced past the schema)', { skip: qemuSkip }, async () => {
  const cfg = config('refused', { bus: 'virtio-blk', backing: 'sparse-file', cache: 'writeback', aio: 'threads' });
  makeImage(cfg);
  const argv = renderQemuArgv(cfg).map((a) => a.replace('"aio":"threads"', '"aio":"native"'));
  await assert.rejects(startQemu(argv), /QEMU refused the argv:[\s\S]*cache\.direct/);
});

const losetupSkip = qemuSkip || (!isRoot ? 'needs root for a loop device' : !has('losetup') ? 'losetup not installed' : false);
test('QEMU accepts a whole block device (loop device) as backing "device"', { skip: losetupSkip }, async (t) => {
  const img = join(scratch!.dir, 'loop.img');
  assert.equal(spawnSync('qemu-img', ['create', '-q', '-f', 'raw', img, '8M']).status, 0);
  const attach = spawnSync('losetup', ['--find', '--show', img], { encoding: 'utf8' });
  if (attach.status !== 0) return t.skip(`losetup could not attach a loop device: ${attach.stderr.trim()}`);
  const dev = attach.stdout.trim();
  try {
    const cfg = parseVmConfig({ name: 'loop', accel: 'tcg', memoryMiB: 64, nic: { model: 'virtio' }, disk: { bus: 'virtio-blk', backing: 'device', path: dev, cache: scratch!.direct ? 'none' : 'writeback', aio: scratch!.direct ? 'native' : 'threads' } });
    await assertQemuBuilds(cfg);
  } finally {
    spawnSync('losetup', ['--detach', dev]);
  }
});

async function waitForPort(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && server.exitCode === null) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => (c.end(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`qemu-nbd did not listen on 127.0.0.1:${port}`);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

test('QEMU attaches an EBS volume through its NBD client (host-nbd) from a local qemu-nbd', { skip: qemuSkip || (has('qemu-nbd') ? false : 'qemu-nbd not installed (qemu-utils)') }, async () => {
  const vol = join(scratch!.dir, 'ebs-volume.img');
  assert.equal(spawnSync('qemu-img', ['create', '-q', '-f', 'raw', vol, '8M']).status, 0);
  const port = await freePort();
  // A direct child (not --fork), so it is reaped when killed; ready once it accepts a connection.
  const nbd = spawn('qemu-nbd', ['-f', 'raw', '-x', 'vol0', '-b', '127.0.0.1', '-p', String(port), '--persistent', vol]);
  const exited = new Promise((r) => nbd.on('exit', r));
  try {
    await waitForPort(port, nbd);
    const cfg = config('ebs', { bus: 'lsi-scsi', backing: 'sparse-file' }, { ebs: { attach: 'host-nbd', export: `nbd://127.0.0.1:${port}/vol0` } });
    makeImage(cfg);
    await assertQemuBuilds(cfg);
  } finally {
    nbd.kill('SIGTERM');
    await exited;
  }
});

const tapSkip = qemuSkip || (!isRoot ? 'needs root to create a tap device in a private network namespace' : !has('unshare') || !has('ip') ? 'unshare or ip not installed' : false);
test('QEMU opens the configured tap (script=no) inside a private network namespace', { skip: tapSkip }, async () => {
  const cfg = config('tap', { bus: 'virtio-blk', backing: 'sparse-file' }, { nic: { model: 'virtio', tap: 'iovtap0', mac: '52:54:00:12:34:56' } });
  makeImage(cfg);
  // unshare -n gives QEMU a namespace of its own, so the tap never touches the host's network.
  await assertQemuBuilds(cfg, ['unshare', '-n', 'sh', '-c', 'ip tuntap add dev iovtap0 mode tap && exec "$@"', 'sh']);
});

test.after(() => {
  if (scratch) rmSync(scratch.dir, { recursive: true, force: true });
});
