// The host-side EBS baseline ("None / EBS" of Table 1) without a kernel NBD client: an NBD
// target in a plan, fio's nbd engine as its command (golden argv, and run for real against a
// real qemu-nbd on 127.0.0.1), fio's recorded NBD outputs parsed, the storage preset's
// ebs-host-baseline configuration, and finding F4 / the advisor taking it as the host side.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildWorkloadCommand, commandArgv, targetCleanup } from '../../shared/bench/commands.js';
import { expandPlan } from '../../shared/bench/expand.js';
import { metricOf } from '../../shared/bench/metric.js';
import { parsePlan, planNodeNames, type PlanTarget, type Workload } from '../../shared/bench/plan.js';
import { parseFio } from '../../shared/parsers/index.js';
import { buildPresetPlan, SHAFER2010_STORAGE, type PresetLab } from '../../shared/presets/index.js';
import { adviseGroups, buildGroups, configFacts, judgeFindings } from '../../shared/report/index.js';
import { appErrorOf } from '../helpers/app-error.js';
import { fixture, makeRun, type StepSpec } from '../helpers/report-runs.js';

const run = promisify(execFile);
const lab: PresetLab = {
  accel: 'tcg', frontLab: '10.236.7.1', backLab: '10.236.7.2', nbdUrl: 'nbd://10.236.7.1:10809/vol0', aoeTarget: null, memoryMiB: 512, diskDir: '/var/lib/iovlab/local-lab/disks',
};
const nbdTarget: PlanTarget = { name: 'disk', node: 'front', kind: 'file', path: '/var/lib/iovlab/volumes/ebs-nbd.img', confirm: '/var/lib/iovlab/volumes/ebs-nbd.img 256M', hostNode: 'front', nbd: { uri: 'nbd://10.236.7.1:10809/vol0', client: 'back' } };
const fioWrite = { id: 'ebs-fio-write', tool: 'fio', op: 'write', size: '16M', blockSize: '64k' } as const;
const fioRead = { id: 'ebs-fio-read', tool: 'fio', op: 'read', size: '16M', blockSize: '64k' } as const;

const message = appErrorOf;

test('fio nbd outputs recorded here (with the engine\'s "connected" line first) give MBps = bw_bytes / 10^6', () => {
  const w = parseFio(fixture('fio', 'nbd-write-64k.json.txt'));
  assert.deepEqual(w.jobs.map((j) => [j.name, j.writeMBps, j.readMBps]), [['ebs-fio-write', 190.650181, 0]]);
  const r = parseFio(fixture('fio', 'nbd-read-64k.json.txt'));
  assert.deepEqual(r.jobs.map((j) => [j.name, j.readMBps, j.writeMBps]), [['ebs-fio-read', 226.719135, 0]]);
  const plan = parsePlan({ name: 'p', targets: [nbdTarget], workloads: [fioWrite, fioRead] });
  assert.deepEqual(metricOf('fio', w, plan.workloads[0]), { name: 'bandwidth', value: 190.650181, unit: 'MBps' });
  assert.deepEqual(metricOf('fio', r, plan.workloads[1]), { name: 'bandwidth', value: 226.719135, unit: 'MBps' });
});

test('plans: an NBD target is reached by fio only, its client is a plan node, and a configuration may limit its workloads', () => {
  const plan = parsePlan({ name: 'p', targets: [nbdTarget], workloads: [fioWrite, fioRead] });
  assert.deepEqual(planNodeNames(plan).sort(), ['back', 'front']);
  assert.match(message(() => parsePlan({ name: 'p', targets: [nbdTarget], workloads: [fioWrite, { id: 'dd-write', tool: 'dd', op: 'write', size: '16M' }] })), /targets\[0\] "disk"\.nbd: .*fio's nbd engine only.*dd-write \(as-is\) would run on it/);
  assert.match(message(() => parsePlan({ name: 'p', targets: [{ ...nbdTarget, nbd: { uri: 'http://x/vol0', client: 'back' } }], workloads: [fioWrite] })), /must be an NBD URL like nbd:\/\//);
  const limited = parsePlan({
    name: 'p', repeats: 2, targets: [nbdTarget],
    configs: [{ name: 'host', workloads: ['ebs-fio-write'] }, { name: 'all' }],
    workloads: [fioWrite, fioRead],
  });
  assert.deepEqual(expandPlan(limited).map((s) => `${s.repeat}:${s.configName}:${s.workloadId}`), [
    '1:host:ebs-fio-write', '1:all:ebs-fio-write', '1:all:ebs-fio-read', '2:host:ebs-fio-write', '2:all:ebs-fio-write', '2:all:ebs-fio-read',
  ]);
  assert.match(message(() => parsePlan({ name: 'p', targets: [nbdTarget], configs: [{ name: 'c', workloads: ['nope'] }], workloads: [fioWrite] })), /configs\[0\] "c"\.workloads\[0\]: "nope" is not a workload of this plan \(its workloads are ebs-fio-write\)/);
});

test('commands: fio on an NBD target runs on the client with its nbd engine (a write ends with a flush); dd refuses; the volume is never removed', () => {
  const plan = parsePlan({ name: 'p', targets: [nbdTarget], workloads: [fioWrite, fioRead, { id: 'aio', tool: 'fio', op: 'read', size: '16M', ioengine: 'libaio', iodepth: 8 }] });
  const [w, r, aio] = plan.workloads.map((x) => buildWorkloadCommand(x, plan.targets[0]));
  assert.equal(w?.node, 'back');
  assert.equal(w?.tool, 'fio');
  assert.equal(w?.output, 'stdout');
  assert.deepEqual(w?.argv, ['fio', '--output-format=json', '--name=ebs-fio-write', '--ioengine=nbd', '--uri=nbd://10.236.7.1:10809/vol0', '--rw=write', '--bs=64k', '--size=16777216', '--iodepth=1', '--end_fsync=1']);
  assert.deepEqual(r?.argv.slice(5), ['--rw=read', '--bs=64k', '--size=16777216', '--iodepth=1']);
  assert.equal(aio?.argv.at(-1), '--iodepth=8', 'libaio asks for a queue: the nbd engine keeps that many requests in flight');
  const dd: Workload = { id: 'dd-write', tool: 'dd', op: 'write', size: 2 ** 24, blockSize: 65536, mode: 'fdatasync' };
  assert.match(message(() => buildWorkloadCommand(dd, nbdTarget)), /^INVALID_ARGUMENT: dd workload "dd-write" cannot reach target "disk" over NBD .*without the kernel's nbd client; use a fio workload/);
  assert.equal(targetCleanup(nbdTarget), null, "the EBS volume is the front-end's, not a test file");
});

const fioNbd = (() => {
  try {
    return /^\s*nbd$/m.test(execFileSync('fio', ['--enghelp'], { encoding: 'utf8' })) && execFileSync('sh', ['-c', 'command -v qemu-nbd'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
})();
const dir = mkdtempSync('/var/tmp/iovlab-ebs-host-');
after(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise((res) => srv.close(res));
  return port;
}

test('the built command line, run for real: fio writes and reads a qemu-nbd export on 127.0.0.1 with no kernel nbd module', { skip: fioNbd ? false : 'needs fio built with its nbd engine (Debian fio) and qemu-nbd (qemu-utils)' }, async (t) => {
  const volume = join(dir, 'vol.img');
  await run('qemu-img', ['create', '-q', '-f', 'raw', '-o', 'preallocation=full', volume, '32M']);
  const port = await freePort();
  const server = spawn('qemu-nbd', ['--format=raw', '--export-name=vol0', '--bind=127.0.0.1', `--port=${port}`, '--persistent', '--cache=none', volume], { stdio: 'ignore' });
  t.after(() => void server.kill());
  for (let i = 0; i < 100; i++) {
    if ((await run('sh', ['-c', `ss -Hltn 'sport = :${port}'`])).stdout.trim() !== '') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const plan = parsePlan({ name: 'p', targets: [{ ...nbdTarget, nbd: { uri: `nbd://127.0.0.1:${port}/vol0`, client: 'back' } }], workloads: [fioWrite, fioRead] });
  for (const workload of plan.workloads) {
    const cmd = buildWorkloadCommand(workload, plan.targets[0]);
    const [bin, ...args] = commandArgv(cmd);
    const out = await run(bin ?? 'env', args, { maxBuffer: 2 ** 24 });
    const metric = metricOf('fio', parseFio(out.stdout), workload);
    t.diagnostic(`${workload.id}: ${metric?.value.toFixed(1)} MB/s`);
    assert.ok(metric && metric.unit === 'MBps' && metric.value > 0, workload.id);
  }
  // fio fills its buffers with random data: the volume now holds it, written over NBD.
  const head = Buffer.alloc(65536);
  const fd = openSync(volume, 'r');
  readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  assert.ok(head.some((b) => b !== 0), 'the write reached the volume behind qemu-nbd');
});

test('storage preset: ebs-host-baseline is the "None / EBS" row, runs fio where the others run dd, and is left out without an NBD export', () => {
  const c = SHAFER2010_STORAGE.configurations.find((x) => x.name === 'ebs-host-baseline');
  assert.equal(c?.guest, null);
  assert.equal(c?.hostStorage, 'ebs-nbd');
  assert.equal(c?.paperRow, 'None EBS');
  const full = parsePlan(buildPresetPlan('shafer2010-storage', lab).plan);
  const baseline = full.configs.find((x) => x.name === 'ebs-host-baseline');
  assert.deepEqual(baseline?.workloads, ['ebs-fio-write', 'ebs-fio-read']);
  assert.equal(baseline?.vm, undefined);
  assert.deepEqual({ vmm: baseline?.tags.vmm, target: baseline?.tags.target, ebsClient: baseline?.tags.ebsClient }, { vmm: 'none', target: 'ebs', ebsClient: 'fio-nbd' });
  assert.ok(full.configs.filter((x) => x !== baseline).every((x) => x.workloads?.join() === 'dd-write,dd-read'), 'guests and the local host baseline keep dd');
  const only = parsePlan(buildPresetPlan('shafer2010-storage', lab, { only: 'ebs-host-baseline', size: 16 * 2 ** 20, repeats: 1 }).plan);
  assert.deepEqual(only.workloads.map((w) => [w.id, w.tool, w.tool === 'fio' && [w.op, w.size, w.blockSize, w.ioengine, w.iodepth]]), [
    ['ebs-fio-write', 'fio', ['write', 2 ** 24, 65536, 'psync', 1]],
    ['ebs-fio-read', 'fio', ['read', 2 ** 24, 65536, 'psync', 1]],
  ]);
  assert.deepEqual(expandPlan(only).map((s) => [s.configName, s.workloadId, s.targetName, s.tool]), [['ebs-host-baseline', 'ebs-fio-write', 'disk', 'fio'], ['ebs-host-baseline', 'ebs-fio-read', 'disk', 'fio']]);
  const facts = configFacts({ id: 1, labId: 1, name: 'r', label: 'r', status: 'ok', plan: only, tags: {}, stepsTotal: 0, stepsDone: 0, createdAt: '', finishedAt: null, owner: null }, 'ebs-host-baseline');
  assert.deepEqual([facts.vmm, facts.target], ['None', 'ebs']);
  const plain = buildPresetPlan('shafer2010-storage', lab, { only: 'virtio-blk-sparse' }).plan;
  assert.deepEqual(plain.workloads.map((w) => w.id), ['dd-write', 'dd-read'], 'without the baseline the plan is as before');
  assert.ok(plain.configs?.every((x) => x.workloads === undefined));
  const noNbd = buildPresetPlan('shafer2010-storage', { ...lab, nbdUrl: null }, { only: 'ebs-host-baseline,host-device' });
  assert.deepEqual(noNbd.omitted.map((o) => o.name), ['ebs-host-baseline']);
  assert.match(noNbd.omitted[0]?.reason ?? '', /no NBD export/);
});

test('F4 and the advisor take ebs-host-baseline as "the same EBS device written from the host"', () => {
  const plan = parsePlan(buildPresetPlan('shafer2010-storage', lab, { only: 'ebs-host-nbd-virtio-blk,ebs-host-baseline' }).plan);
  const lab1 = (guest: number[], host: number[]) => makeRun({
    id: 7, name: 'local lab', plan,
    specs: ([
      { configName: 'ebs-host-nbd-virtio-blk', workloadId: 'dd-write', tool: 'dd', values: guest, host: { avgRqSectors: 128, avgQueue: 0.9, utilPct: 35, samples: 4 } },
      { configName: 'ebs-host-baseline', workloadId: 'ebs-fio-write', tool: 'fio', values: host, host: { avgRqSectors: 128, avgQueue: 1, utilPct: 80, samples: 3 } },
    ] satisfies StepSpec[]).filter((s) => s.values.length > 0),
  });
  const groups = buildGroups([lab1([60, 62, 58], [190, 185, 195])]);
  const f4 = judgeFindings(groups).find((f) => f.id === 'F4');
  assert.equal(f4?.status, 'held');
  assert.match(f4?.summary ?? '', /From the guest 60 MB\/s \(ebs-host-nbd-virtio-blk, dd, n=3\), from the host 190 MB\/s \(ebs-host-baseline, fio, n=3\): the guest got 32% \(p<0\.001\)/);
  const notes = adviseGroups(groups).find((a) => a.label.includes('ebs-host-nbd-virtio-blk'));
  assert.equal(notes?.baselineMBps, 190);
  assert.ok(notes?.advice.some((a) => a.ruleId === 'ebs-guest-path'), JSON.stringify(notes?.advice.map((a) => a.ruleId)));
  assert.equal(judgeFindings(buildGroups([lab1([180, 185, 190], [190, 185, 195])])).find((f) => f.id === 'F4')?.status, 'did-not-hold');
  const guestOnly = judgeFindings(buildGroups([lab1([60, 62, 58], [])])).find((f) => f.id === 'F4');
  assert.equal(guestOnly?.status, 'not-measured');
  assert.match(guestOnly?.summary ?? '', /ebs-host-baseline configuration of shafer2010-storage/);
});
