// The benchmark runner end to end on the namespace lab (two real sshd hosts): a plan of dd and
// fio write/read on a file target and iperf3 both ways, 3 repeats, host iostat sampled on the
// node owning the file; the real CLI killed with SIGKILL mid-plan and resumed; cancel leaving
// nothing behind on the nodes; a link taken down mid-step. Everything real: dd, fio, iperf3,
// iostat, the SQLite file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseFile } from '../../electron/core/paths.js';
import type { RunStepEvent } from '../../shared/api.js';
import type { StepRecord } from '../../shared/bench/types.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';
import { run } from '../helpers/netns-sys.js';
import { openBenchLab, processesIn, spawnCli, vethOf, waitFor, type BenchLab } from '../helpers/bench-lab.js';

const skip = netnsUnavailableReason() ?? false;
const WORKLOAD_TOOLS = ['dd', 'fio', 'iperf3', 'iostat'];
let lab: NsLab;
let bench: BenchLab;
const dir = `/var/tmp/iovlab/bench-it-${process.pid}`;

before(async () => {
  if (skip) return;
  lab = await startNsLab();
  bench = await openBenchLab(lab);
});
after(async () => {
  await bench?.backend.close();
  await lab?.stop();
  if (bench) rmSync(bench.dataDir, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

const target = (name: string) => ({ name, node: 'back', kind: 'file' as const, path: `${dir}/${name}.dat` });
const storage = (size: string) => [
  { id: 'dd-write', tool: 'dd', op: 'write', size, blockSize: '64k', mode: 'fdatasync' },
  { id: 'dd-read', tool: 'dd', op: 'read', size, blockSize: '64k', mode: 'direct' },
  { id: 'fio-write', tool: 'fio', op: 'write', size, blockSize: '64k' },
  { id: 'fio-read', tool: 'fio', op: 'read', size, blockSize: '64k' },
];
const network = [
  { id: 'net-send', tool: 'iperf3', client: 'front', server: 'back', direction: 'send', durationS: 1 },
  { id: 'net-receive', tool: 'iperf3', client: 'front', server: 'back', direction: 'receive', durationS: 1 },
];

async function leftovers(): Promise<string[]> {
  const names = [...(await processesIn(lab.front.ns)), ...(await processesIn(lab.back.ns))];
  return names.filter((n) => WORKLOAD_TOOLS.includes(n));
}

const stepView = (s: StepRecord) => ({ id: s.id, status: s.status, attempt: s.attempt, metric: s.metric, stdout: s.stdout, startedAt: s.startedAt, endedAt: s.endedAt, commands: s.commands });

test('a plan runs through the CLI, survives SIGKILL mid-plan, resumes to the end with every finished step intact', { skip, timeout: 150_000 }, async () => {
  const planFile = join(bench.dataDir, 'plan.yaml');
  const plan = { name: 'paper-suite', repeats: 3, targets: [target('scratch')], workloads: [...storage('16M'), ...network] };
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
  const first = spawnCli(['--data-dir', bench.dataDir, 'run', '--lab', bench.labName, '--plan', planFile]);
  const runId = await waitFor('the run to be stored', async () => (await bench.call('run.list', { labId: bench.labId }))[0]?.id);
  const okBefore = await waitFor('7 finished steps', async () => {
    const { steps } = await bench.call('run.get', { runId });
    return steps.filter((s) => s.status === 'ok').length >= 7 && steps;
  }, 90_000, 50);
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');
  const { steps: atKill } = await bench.call('run.get', { runId });
  const finished = atKill.filter((s) => s.status === 'ok');
  assert.ok(finished.length >= okBefore.filter((s) => s.status === 'ok').length && finished.length < 18, `killed mid-plan (${finished.length} ok)`);
  const samplesBefore = new Map<number, unknown>();
  for (const s of finished) samplesBefore.set(s.id, await bench.call('run.samples', { stepId: s.id }));
  assert.match(first.output().stderr, /\[\d+\/18\] .*ETA/, 'plain progress lines on a non-TTY stderr');

  const interrupted = await bench.call('run.interrupted', {});
  assert.deepEqual(interrupted.map((r) => r.id), [runId], 'the killed run is offered for resume');
  assert.equal((await bench.call('run.get', { runId })).run.status, 'running');

  const second = spawnCli(['--data-dir', bench.dataDir, 'run', '--lab', bench.labName, '--resume', String(runId)]);
  const end = await second.exited;
  assert.equal(end.code, 0, second.output().stderr);
  assert.equal(second.output().stdout, `${runId}\n`);

  const { run: done, steps } = await bench.call('run.get', { runId });
  assert.equal(done.status, 'ok');
  assert.equal(steps.length, 18);
  assert.deepEqual(steps.map((s) => s.status), Array(18).fill('ok'));
  for (const s of finished) {
    const now = steps.find((x) => x.id === s.id);
    assert.ok(now);
    assert.deepEqual(stepView(now), stepView(s), `finished step ${s.index} kept as it was`);
    assert.deepEqual(await bench.call('run.samples', { stepId: s.id }), samplesBefore.get(s.id));
  }
  for (const s of steps) {
    assert.ok(s.metric && s.metric.value > 0, `step ${s.index} has a metric`);
    assert.ok(s.commands.length >= 1 && s.commands.every((c) => c.command.includes('IOVLAB_RUN=')));
    const context = s.context as { nodes: Record<string, { factsId: number | null }>; sampler: { device: string | null } | null };
    assert.ok(Object.values(context.nodes).every((n) => typeof n.factsId === 'number'), 'context names the node facts');
    if (s.tool === 'iperf3') {
      assert.equal(s.targetName, null);
      assert.deepEqual(await bench.call('run.samples', { stepId: s.id }), []);
      continue;
    }
    assert.ok(context.sampler?.device, JSON.stringify(context.sampler));
    const samples = await bench.call('run.samples', { stepId: s.id });
    assert.ok(samples.length >= 1, `storage step ${s.index} has host iostat samples`);
    assert.ok(samples.every((x) => x.device === context.sampler?.device && x.t >= 0));
    assert.ok(s.commands.some((c) => c.node === 'back' && /'iostat' '-dxk'/.test(c.command)));
  }

  const stats = await bench.call('run.stats', { runId });
  assert.equal(stats.length, 6);
  for (const row of stats) {
    assert.equal(row.n, 3, `${row.workloadId}: 3 repeats`);
    assert.ok(row.mean > 0 && row.ci95 && row.stdev !== null);
    assert.equal(row.unit, row.workloadId.startsWith('net') ? 'Mbps' : 'MBps');
    if (row.workloadId.startsWith('net')) assert.equal(row.host, null);
    else assert.ok(row.host && row.host.samples >= 3 && row.host.avgRqSectors > 0, JSON.stringify(row));
  }
  const db = new Database(databaseFile(bench.dataDir), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
  assert.deepEqual(await bench.call('run.interrupted', {}), []);
  assert.deepEqual(await waitFor('no workload processes', async () => ((await leftovers()).length === 0 ? [] : null), 10_000), []);
});

test('cancel stops the remote processes: nothing of the run is left in either namespace', { skip, timeout: 60_000 }, async () => {
  const plan = {
    name: 'cancel-me',
    repeats: 1,
    targets: [target('cancel')],
    workloads: [
      { id: 'net-long', tool: 'iperf3', client: 'front', server: 'back', durationS: 60 },
      { id: 'dd-slow', tool: 'dd', op: 'write', size: '4G', blockSize: '4k', mode: 'direct' },
    ],
  };
  for (const [expected, workload] of [[['iperf3'], 'net-long'], [['dd', 'iostat'], 'dd-slow']] as const) {
    const only = { ...plan, workloads: plan.workloads.filter((w) => w.id === workload) };
    const { runId, jobId } = await bench.call('run.start', { labId: bench.labId, plan: only });
    await waitFor(`${expected.join(' and ')} running on the nodes`, async () => {
      const names = await leftovers();
      return expected.every((e) => names.includes(e));
    }, 20_000, 50);
    assert.deepEqual(await bench.call('run.cancel', { runId }), { cancelled: true });
    const outcome = await bench.backend.waitForJob(jobId);
    assert.equal(!outcome.ok && outcome.error.code, 'CANCELLED');
    const { run: cancelled, steps } = await bench.call('run.get', { runId });
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(steps[0]?.status, 'cancelled');
    assert.match(steps[0]?.error ?? '', /cancelled/);
    assert.deepEqual(await leftovers(), [], 'no dd, fio, iperf3 or iostat left in the namespaces');
    assert.deepEqual(await bench.call('run.cancel', { runId }), { cancelled: false }, 'a finished run is not cancelled twice');
  }
});

test('a link taken down mid-step: the step is retried on a fresh connection and the run goes on', { skip, timeout: 90_000 }, async () => {
  const link = (await vethOf(lab.front.ns)).find((n) => n.startsWith('ivp'));
  assert.ok(link, 'front has a veth towards back');
  const plan = {
    name: 'flaky-link',
    repeats: 1,
    targets: [target('flaky')],
    workloads: [{ id: 'net-long', tool: 'iperf3', client: 'front', server: 'back', durationS: 8 }, storage('16M')[0], network[0]],
  };
  const events: RunStepEvent[] = [];
  const stop = bench.client.on('run.step', (e) => events.push(e));
  let restored = false;
  const up = async () => {
    if (restored) return;
    restored = true;
    await run('ip', ['-n', lab.front.ns, 'link', 'set', link, 'up']);
  };
  try {
    const { runId, jobId } = await bench.call('run.start', { labId: bench.labId, plan });
    await waitFor('iperf3 running', async () => (await leftovers()).includes('iperf3'), 20_000, 50);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await run('ip', ['-n', lab.front.ns, 'link', 'set', link, 'down'])).code, 0);
    const noticed = await waitFor('the runner to notice the dead link', () => events.find((e) => e.runId === runId && e.step.index === 0 && e.step.error !== null), 40_000, 50);
    await up();
    const outcome = await bench.backend.waitForJob(jobId);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    const { run: finished, steps } = await bench.call('run.get', { runId });
    const [flaky, ...rest] = steps;
    assert.ok(flaky);
    assert.match(noticed.step.error ?? '', /connection was lost .*retrying/);
    if (flaky.status === 'ok') {
      assert.equal(flaky.attempt, 2, 'ok on the retry');
      assert.match(String((flaky.context as { previousAttempt?: string }).previousAttempt), /stopped answering|lost|unreachable/i);
    } else {
      assert.equal(flaky.status, 'failed');
      assert.match(flaky.error ?? '', /connection was lost/);
    }
    assert.deepEqual(rest.map((s) => s.status), ['ok', 'ok'], 'the run went on');
    assert.equal(finished.status, flaky.status === 'ok' ? 'ok' : 'failed');
    assert.deepEqual(await waitFor('no workload processes', async () => ((await leftovers()).length === 0 ? [] : null), 15_000), []);
  } finally {
    stop();
    await up();
  }
});

test('run.start refuses hostile or dangerous targets before anything is stored', { skip }, async () => {
  const before = (await bench.call('run.list', { labId: bench.labId })).length;
  const attempt = async (t: object) => {
    const r = await bench.client.call('run.start', { labId: bench.labId, plan: { name: 'refused', targets: [t], workloads: [storage('16M')[0]] } });
    assert.equal(r.ok, false);
    return !r.ok ? r.error : null;
  };
  const hostile = await attempt({ name: 'evil', node: 'back', kind: 'file', path: `${dir}/x;touch ${dir}/pwned` });
  assert.equal(hostile?.code, 'INVALID_ARGUMENT');
  assert.equal(hostile?.details?.reason, 'unsafe-path');
  assert.match(hostile?.message ?? '', /target "evil" on node "back": refusing target path .*the shell metacharacter ";"/);
  const root = (await run('findmnt', ['-nvo', 'SOURCE', '/'])).stdout.trim();
  if (root.startsWith('/dev/')) {
    const refused = await attempt({ name: 'root', node: 'back', kind: 'device', path: root, confirm: `${root} 1G` });
    assert.equal(refused?.details?.reason, 'root', refused?.message);
  }
  assert.equal((await bench.call('run.list', { labId: bench.labId })).length, before, 'no run was stored');
});
