// `iovlab lab up --local` / `lab down --local` through the real CLI: two namespaces with real
// sshd, qemu-nbd and vblade on the front-end, the lab registered and probed, the NBD export read
// from the back-end over SSH (through the front-end as jump host), idempotence, and crashes — a
// SIGKILLed `lab up`, a killed EBS server, a SIGKILLed run with its guest up — that a later
// `lab up` or `lab down` cleans, leaving nothing behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { LocalLabStatus } from '../../shared/presets/lab.js';
import type { Lab } from '../../shared/model.js';
import { labPaths } from '../../electron/core/locallab/lab-state.js';
import { listLoops } from '../../electron/core/locallab/loopdev.js';
import { processStatus, readDaemon } from '../../electron/core/locallab/daemon.js';
import { databaseFile } from '../../electron/core/paths.js';
import { createStore } from '../../electron/core/store/store.js';
import { createMemoryVault } from '../../electron/core/secrets/vault.js';
import { endpointFor } from '../../electron/core/nodes/endpoint.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { spawnCli, waitFor } from '../helpers/bench-lab.js';
import { footprint, leftovers, localLabSkipReason } from '../helpers/locallab-leftovers.js';

const skip = localLabSkipReason();
const dataDir = mkdtempSync(join(tmpdir(), 'iovlab-locallab-'));
const paths = labPaths(dataDir);
const LONG = 600_000;

after(async () => {
  if (!skip) await runCli(['--data-dir', dataDir, 'lab', 'down', '--local'], { timeoutMs: 60_000 });
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (args: string[], env?: NodeJS.ProcessEnv) => runCli(['--data-dir', dataDir, ...args], { timeoutMs: LONG, ...(env ? { env } : {}) });

async function up(): Promise<LocalLabStatus> {
  const r = await cli(['lab', 'up', '--local', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as LocalLabStatus;
}

async function downAndCheck(): Promise<void> {
  const fp = footprint(dataDir);
  const r = await cli(['lab', 'down', '--local']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await leftovers(fp), [], 'lab down leaves nothing behind');
  assert.ok(existsSync(join(paths.keysDir, 'id_ed25519')), 'the keys stay, so the inventory trusts the same hosts next time');
}

test('not root: lab up --local says it needs root', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-locallab-user-'));
  chmodSync(dir, 0o777);
  try {
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', '--data-dir', join(dir, 'data'), 'lab', 'up', '--local'], {
      cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, HOME: dir }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^iovlab: the local lab builds network namespaces, a bridge, tap and loop devices, which needs root: run it as root .*\[NEEDS_ROOT\]$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing packages: one message with the apt-get line', { skip: process.getuid?.() === 0 ? false : 'needs root (without it the root check answers first)' }, async () => {
  const r = await runCli(['--data-dir', join(dataDir, 'nopath'), 'lab', 'up', '--local'], { env: { PATH: '/nonexistent' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /needs tools this host lacks: .*qemu-system-x86_64 \(qemu-system-x86\).* Install them with: apt-get install -y --no-install-recommends .*qemu-system-x86 qemu-utils.* \[MISSING_DEPENDENCY\]/);
});

test('lab up --local builds, registers and probes the lab; a second lab up leaves it as it is; NBD is read from the back-end; lab down removes it all', { skip, timeout: LONG }, async (t) => {
  const first = await up();
  t.diagnostic(`accelerator: ${first.accel?.accel} (${first.accel?.reason}); EBS: ${first.ebs?.summary}`);
  assert.equal(first.up, true, first.problems.join('; '));
  const a = first.addresses;
  assert.ok(a);
  assert.match(a.front, /^10\.235\.\d+\.2$/);
  assert.match(first.ebs?.nbd?.url ?? '', new RegExp(`^nbd://${a.frontLab.replaceAll('.', '\\.')}:10809/vol0$`));
  assert.ok(first.ebs?.summary.includes(first.ebs.aoe ? 'AoE: vblade exports e1.0' : 'AoE: unavailable'));
  assert.match(first.ebs?.hostAoe.reason ?? '', /aoe module/);
  assert.ok(first.accel && ['kvm', 'tcg'].includes(first.accel.accel));
  const labels = first.daemons.map((d) => d.label).sort();
  assert.deepEqual(labels.filter((l) => !l.startsWith('vblade')), ['qemu-nbd (EBS)', 'sshd (back-end)', 'sshd (front-end)']);
  assert.ok(first.daemons.every((d) => d.running));

  const second = await up();
  assert.deepEqual(second.daemons, first.daemons, 'the second lab up reuses the running lab (same PIDs)');
  assert.deepEqual(second.addresses, first.addresses);

  const list = JSON.parse((await cli(['lab', 'list', '--json'])).stdout) as Lab[];
  const lab = list.find((l) => l.name === 'local');
  assert.ok(lab, 'the lab is registered as "local"');
  const node = (name: string) => lab.nodes.find((n) => n.name === name);
  assert.deepEqual(node('front')?.roles, ['CLC', 'CC', 'EBS', 'WALRUS']);
  assert.deepEqual(node('back')?.roles, ['NC']);
  assert.equal(node('back')?.jumpNodeId, node('front')?.id, 'the back-end is reached through the front-end');
  assert.equal(node('guest')?.jumpNodeId, node('back')?.id, 'guests are reached through the back-end');
  assert.ok(node('front')?.hostKey && node('back')?.hostKey, 'host keys trusted from the files the lab generated');

  const store = createStore(databaseFile(dataDir));
  const pool = createSshPool();
  try {
    for (const n of ['front', 'back']) assert.ok(store.probes.latest(node(n)?.id ?? 0)?.facts.kernel, `${n} was probed`);
    const back = await endpointFor({ store, vault: createMemoryVault(), env: process.env }, node('back')?.id ?? 0);
    const r = await pool.exec(back, `qemu-img info --output=json ${first.ebs?.nbd?.url ?? ''}`, { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { 'virtual-size': number })['virtual-size'], first.ebs?.nbd?.sizeBytes, 'the back-end reads the EBS volume over NBD');
    const where = await pool.exec(back, 'ip -4 -o addr show dev br0', { timeoutMs: 10_000 });
    assert.match(where.stdout, new RegExp(` ${a.backLab.replaceAll('.', '\\.')}/24 `), 'the session runs on the back-end');
  } finally {
    pool.closeAll();
    store.close();
  }
  await downAndCheck();
  const status = JSON.parse((await cli(['lab', 'status', '--local', '--json'])).stdout) as LocalLabStatus;
  assert.equal(status.up, false);
  assert.equal((await cli(['lab', 'down', '--local'])).code, 0, 'lab down on a lab that is down is fine');
});

test('a SIGKILLed lab up is cleaned by lab down; a killed EBS server is rebuilt by the next lab up', { skip, timeout: LONG }, async () => {
  const child = spawnCli(['--data-dir', dataDir, 'lab', 'up', '--local']);
  await waitFor('lab up to start the front-end sshd', () => existsSync(join(paths.pidsDir, 'sshd-front.pid.json')), 120_000, 20);
  child.child.kill('SIGKILL');
  assert.equal((await child.exited).signal, 'SIGKILL');
  assert.ok(footprint(dataDir).processes.length > 0, 'the killed lab up left daemons');
  await downAndCheck();

  const before = await up();
  const nbd = readDaemon(join(paths.pidsDir, 'qemu-nbd.pid.json'));
  assert.ok(nbd);
  process.kill(nbd.pid, 'SIGKILL');
  await waitFor('qemu-nbd to die', () => processStatus(nbd.pid) !== 'running');
  const broken = JSON.parse((await cli(['lab', 'status', '--local', '--json'])).stdout) as LocalLabStatus;
  assert.deepEqual(broken.problems, ['an EBS server (qemu-nbd or vblade) is not running']);
  const after = await up();
  assert.equal(after.up, true);
  assert.notDeepEqual(after.daemons.map((d) => d.pid), before.daemons.map((d) => d.pid), 'rebuilt from scratch');
  await downAndCheck();
});

test('a run SIGKILLed with its guest up leaves QEMU and a loop device; lab up reclaims them, lab down leaves nothing', { skip, timeout: LONG }, async () => {
  await up();
  const run = spawnCli(['--data-dir', dataDir, 'run', '--lab', 'local', '--preset', 'shafer2010-storage', '--only', 'lsi-scsi-device', '--size', '16M', '--repeats', '1']);
  const qemu = await waitFor('the guest to start', () => footprint(dataDir).processes.find((p) => p.label.startsWith('guest ')), 120_000, 50);
  const loop = await waitFor('its loop device', async () => (await listLoops()).find((l) => l.backingFile.startsWith(`${paths.disksDir}/`)), 30_000, 50);
  run.child.kill('SIGKILL');
  await run.exited;
  assert.equal(processStatus(qemu.pid), 'running', 'QEMU outlives the killed run (its exit hooks never ran)');
  await up();
  assert.notEqual(processStatus(qemu.pid), 'running', 'lab up stopped the dead run\'s guest');
  assert.ok(!(await listLoops()).some((l) => l.device === loop.device && l.backingFile === loop.backingFile), 'lab up detached its loop device');
  assert.deepEqual(readdirSync(paths.disksDir), []);
  await downAndCheck();
});
