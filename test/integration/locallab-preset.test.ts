// The paper's presets end to end on the local lab, through the real CLI and the real engine:
// `lab up --local`; a reduced storage preset (virtio-blk and lsi-scsi on sparse and preallocated
// files, one EBS volume attached host-side, dd write + read at 16 MiB) with the back-end's iostat
// sampled; the network preset (iperf3, e1000 vs virtio-net, to the driver domain and to the other
// host, both directions); assertions on what the store keeps (metrics, samples, accelerator, the
// QEMU argv, libvirt XML and xl.cfg of each configuration); `lab down`, nothing left behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalLabStatus } from '../../shared/presets/lab.js';
import type { StepRecord } from '../../shared/bench/types.js';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { createLocalClient } from '../../electron/core/api/local-client.js';
import { mapHostDevice } from '../../electron/core/bench/device-map.js';
import { findBinary } from '../../electron/core/locallab/host.js';
import { runCli } from '../helpers/cli.js';
import { callOf } from '../helpers/bench-lab.js';
import { localShell } from '../helpers/local-shell.js';
import { footprint, leftovers, localLabSkipReason } from '../helpers/locallab-leftovers.js';

const skip = localLabSkipReason();
// /var/tmp rather than /tmp: the guests' disk files must sit on a block device iostat can watch.
const dataDir = mkdtempSync(join('/var/tmp', 'iovlab-preset-'));
const LONG = 900_000;
const STORAGE_ONLY = 'virtio-blk-sparse-file,virtio-blk-prealloc-file,lsi-scsi-sparse-file,lsi-scsi-prealloc-file,ebs-host-nbd-virtio-blk';
let status: LocalLabStatus;
let backend: Backend | null = null;

const cli = (args: string[]) => runCli(['--data-dir', dataDir, ...args], { timeoutMs: LONG });

before(async () => {
  if (skip) return;
  const r = await cli(['lab', 'up', '--local', '--json']);
  assert.equal(r.code, 0, r.stderr);
  status = JSON.parse(r.stdout) as LocalLabStatus;
});

after(async () => {
  await backend?.close();
  if (!skip) await cli(['lab', 'down', '--local']);
  rmSync(dataDir, { recursive: true, force: true });
});

async function stored(runId: number) {
  backend ??= createBackend({ dataDir, host: 'cli' });
  const call = callOf(createLocalClient(backend));
  const got = await call('run.get', { runId });
  const samples = new Map<number, number>();
  for (const s of got.steps) samples.set(s.id, (await call('run.samples', { stepId: s.id })).length);
  return { ...got, samples };
}

interface LocalContext {
  accel: { accel: string; note: string | null };
  qemuArgv: string[];
  libvirtXml: string | null;
  libvirtXmlValid: boolean | null;
  xlCfg: string | null;
  xlNote: string | null;
  guest: { device: string };
  backing: { kind: string };
}
const local = (s: StepRecord) => s.context.localLab as LocalContext;

test('reduced storage preset: dd write + read per configuration, host iostat samples, the exact QEMU argv and libvirt XML stored', { skip, timeout: LONG }, async (t) => {
  const started = Date.now();
  const r = await cli(['run', '--lab', 'local', '--preset', 'shafer2010-storage', '--size', '16M', '--repeats', '1', '--only', STORAGE_ONLY]);
  t.diagnostic(`storage preset: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  assert.equal(r.code, 0, r.stderr);
  const { run, steps, samples } = await stored(Number(r.stdout.trim()));
  assert.equal(run.status, 'ok');
  assert.equal(run.tags.accel, status.accel?.accel, 'the run carries its accelerator');
  assert.deepEqual([...new Set(steps.map((s) => s.configName))].sort(), STORAGE_ONLY.split(',').sort());
  const fileOnDisk = await mapHostDevice(localShell, dataDir, 'the data dir').then(() => true, () => false);
  for (const s of steps) {
    const what = `${s.configName} ${s.workloadId}`;
    const ctx = local(s);
    t.diagnostic(`${what}: ${s.metric?.value.toFixed(1)} ${s.metric?.unit}, ${samples.get(s.id)} iostat samples of ${String((s.context.sampler as { device?: string } | null)?.device)}`);
    assert.equal(s.status, 'ok', `${what}: ${s.error ?? ''}`);
    assert.equal(s.metric?.unit, 'MBps');
    assert.ok((s.metric?.value ?? 0) > 0, what);
    assert.equal(s.commands.at(-1)?.node, 'guest', `${what} ran in the guest`);
    assert.match(s.commands.at(-1)?.command ?? '', new RegExp(`'dd' .*'(of|if)=${ctx.guest.device}'`));
    assert.equal(ctx.accel.accel, status.accel?.accel);
    if (ctx.accel.accel === 'tcg') assert.match(ctx.accel.note ?? '', /emulated the guest CPU/);
    assert.equal(ctx.qemuArgv[0], 'qemu-system-x86_64');
    assert.equal(ctx.qemuArgv[ctx.qemuArgv.indexOf('-accel') + 1], ctx.accel.accel);
    const bus = s.configName.includes('lsi-scsi') ? 'lsi53c895a' : 'virtio-blk-pci';
    assert.ok(ctx.qemuArgv.some((a) => a.startsWith(bus)), `${what}: ${bus} in the argv`);
    assert.match(ctx.libvirtXml ?? '', s.configName.includes('lsi-scsi') ? /<controller type="scsi" index="0" model="lsilogic"\/>/ : /<target dev="vd[ab]" bus="virtio"\/>/);
    if (findBinary('virt-xml-validate')) assert.equal(ctx.libvirtXmlValid, true, `${what}: libvirt's schema accepts the XML`);
    if (s.configName === 'lsi-scsi-sparse-file') assert.match(ctx.xlCfg ?? '', /vdev=sda/);
    if (s.configName.includes('virtio-blk')) assert.match(ctx.xlNote ?? '', /cannot be rendered for xl/);
    const target = s.context.target as { hostNode?: string; hostDevice?: string };
    assert.equal(target.hostNode, s.configName.startsWith('ebs-') ? 'front' : 'back', `${what}: sampled where the data lands`);
    if (fileOnDisk) assert.ok((samples.get(s.id) ?? 0) >= 1, `${what}: host iostat samples stored (${JSON.stringify(s.context.samplerOutcome)})`);
  }
  const ebs = steps.find((s) => s.configName === 'ebs-host-nbd-virtio-blk');
  assert.ok(ebs && local(ebs).qemuArgv.some((a) => a.includes('"driver":"nbd"')), "EBS attached by QEMU's NBD client");
  assert.equal(ebs && local(ebs).guest.device, '/dev/vdb');
});

test('host-side EBS baseline: fio\'s NBD client on the back-end writes and reads the front-end\'s volume (no kernel nbd module), sampled on the front-end', { skip, timeout: LONG }, async (t) => {
  const started = Date.now();
  const r = await cli(['run', '--lab', 'local', '--preset', 'shafer2010-storage', '--size', '16M', '--repeats', '1', '--only', 'ebs-host-baseline']);
  t.diagnostic(`ebs-host-baseline: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.equal(r.code, 0, r.stderr);
  const { run, steps, samples } = await stored(Number(r.stdout.trim()));
  assert.equal(run.status, 'ok');
  assert.deepEqual(steps.map((s) => [s.configName, s.workloadId, s.tool]), [['ebs-host-baseline', 'ebs-fio-write', 'fio'], ['ebs-host-baseline', 'ebs-fio-read', 'fio']]);
  const nbd = status.ebs?.nbd;
  assert.ok(nbd, `the lab exports an NBD volume (${status.ebs?.summary ?? 'no EBS'})`);
  const fileOnDisk = await mapHostDevice(localShell, dataDir, 'the data dir').then(() => true, () => false);
  for (const s of steps) {
    const sampler = s.context.sampler as { node?: string; device?: string | null } | null;
    t.diagnostic(`${s.workloadId}: ${s.metric?.value.toFixed(1)} ${s.metric?.unit}, ${samples.get(s.id)} iostat samples of ${String(sampler?.device)} on ${String(sampler?.node)}`);
    assert.equal(s.status, 'ok', `${s.workloadId}: ${s.error ?? ''}`);
    assert.equal(s.metric?.unit, 'MBps');
    assert.ok((s.metric?.value ?? 0) > 0, s.workloadId);
    const last = s.commands.at(-1);
    assert.equal(last?.node, 'back', 'the back-end host is the NBD client');
    assert.ok(last?.command.includes("'--ioengine=nbd'") && last.command.includes(`'--uri=${nbd.url}'`), last?.command);
    const target = s.context.target as { node: string; path: string; hostNode?: string; nbd?: { uri: string; client: string } };
    assert.deepEqual([target.node, target.path, target.hostNode, target.nbd], ['front', realpathSync(nbd.volume), 'front', { uri: nbd.url, client: 'back' }]);
    assert.equal(sampler?.node, 'front', 'host iostat runs where the volume lives');
    if (fileOnDisk) {
      assert.ok(sampler?.device, `the front-end's disk under ${nbd.volume} was found (${JSON.stringify(s.context.sampler)})`);
      assert.ok((samples.get(s.id) ?? 0) >= 1, `host iostat samples stored (${JSON.stringify(s.context.samplerOutcome)})`);
    }
  }
  assert.ok(existsSync(nbd.volume), 'the EBS volume is the lab\'s, not a test file: it stays');
});

test('network preset: iperf3 from the guest to the driver domain and the other host, both ways, e1000 vs virtio-net', { skip, timeout: LONG }, async (t) => {
  const started = Date.now();
  const r = await cli(['run', '--lab', 'local', '--preset', 'shafer2010-network', '--repeats', '1']);
  t.diagnostic(`network preset: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  assert.equal(r.code, 0, r.stderr);
  const { run, steps } = await stored(Number(r.stdout.trim()));
  assert.equal(run.status, 'ok');
  assert.equal(steps.length, 8);
  for (const s of steps) {
    const ctx = local(s);
    t.diagnostic(`${s.configName} ${s.workloadId}: ${s.metric?.value.toFixed(0)} Mbit/s`);
    assert.equal(s.status, 'ok', `${s.configName} ${s.workloadId}: ${s.error ?? ''}`);
    assert.equal(s.metric?.unit, 'Mbps');
    assert.ok((s.metric?.value ?? 0) > 1, 'more than 1 Mbit/s');
    const model = s.configName === 'nic-e1000' ? 'e1000,netdev=net0' : 'virtio-net-pci,netdev=net0';
    assert.ok(ctx.qemuArgv.some((a) => a.startsWith(model)), `${s.configName}: ${model}`);
    const server = s.workloadId.startsWith('driver-domain') ? 'back' : 'front';
    assert.deepEqual(s.commands.map((c) => c.node), [server, 'guest']);
    assert.equal(s.commands[1]?.command.includes("'-R'"), s.workloadId.endsWith('-receive'), 'receive runs iperf3 -R');
  }
});

test('lab down after the presets leaves nothing behind', { skip, timeout: LONG }, async () => {
  await backend?.close();
  backend = null;
  const fp = footprint(dataDir);
  const r = await cli(['lab', 'down', '--local']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await leftovers(fp), []);
});
