// Findings F1-F5, comparisons and advisor notes judged on the paper's replayed rows (where the
// paper's claims must hold), on a TCG-like lab (where they must not) and on the edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verdict } from '../../shared/stats.js';
import { importOutput } from '../../shared/bench/import.js';
import { adviseGroups, adviseStep, buildGroups, compareSets, compareWithBaselines, judgeFindings, type ReportRun } from '../../shared/report/index.js';
import { fixture, iostatSamples, makeRun, paperReplayRun, spread } from '../helpers/report-runs.js';

const replay = paperReplayRun();
const status = (runs: ReportRun[]) => Object.fromEntries(judgeFindings(buildGroups(runs)).map((f) => [f.id, f.status]));

test("the paper's own rows: F1, F2 and F4 held; F3 and F5 not measured, naming what to run", () => {
  const f = judgeFindings(buildGroups([replay]));
  assert.deepEqual(Object.fromEntries(f.map((x) => [x.id, x.status])), { F1: 'held', F2: 'held', F3: 'not-measured', F4: 'held', F5: 'not-measured' });
  const byId = Object.fromEntries(f.map((x) => [x.id, x]));
  assert.match(byId.F1?.summary ?? '', /1\.3 MB\/s \(n=5\), 1% of native 111 MB\/s .*30 sectors/);
  assert.match(byId.F3?.summary ?? '', /76\.2 MB\/s \(71% of native 108 MB\/s\).*busy 57%/);
  assert.match(byId.F3?.summary ?? '', /no queued asynchronous read/);
  assert.match(byId.F4?.summary ?? '', /guest got 29%/);
  assert.match(byId.F5?.summary ?? '', /nic=virtio/);
  assert.match(byId.F1?.paper ?? '', /Table 1: KVM SCSI\/sparse file 1\.3 MB\/s vs native 111 MB\/s/);
});

test('F3 held once a queued asynchronous read closes the gap, and did not hold if it does not', () => {
  const aio = (mbps: number) =>
    makeRun({
      id: 2,
      name: 'paper replay',
      label: 'paper replay',
      plan: replay.run.plan,
      specs: [{ configName: 'kvm-virtio-phy', workloadId: 'fio-read-aio', tool: 'fio', values: spread(mbps) }],
    });
  assert.equal(status([replay, aio(105)]).F3, 'held');
  assert.equal(status([replay, aio(76.2)]).F3, 'did-not-hold');
});

test('a TCG lab where the emulated CPU caps every guest: F1 and F2 did not hold', () => {
  const tcg = makeRun({
    id: 3,
    name: 'tcg',
    tags: { accel: 'tcg' },
    plan: {
      configs: [
        { name: 'host', tags: { vmm: 'none' } },
        { name: 'sparse', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'sparse-file' } },
        { name: 'lsi-dev', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'device' } },
        { name: 'virtio-dev', tags: { vmm: 'kvm', bus: 'virtio-blk', backing: 'device' } },
      ],
    },
    specs: [
      { configName: 'host', workloadId: 'dd-write', tool: 'dd', values: [620, 650, 640] },
      { configName: 'sparse', workloadId: 'dd-write', tool: 'dd', values: [118, 131, 125], host: { avgRqSectors: 1020, avgQueue: 3, utilPct: 20, samples: 9 } },
      { configName: 'lsi-dev', workloadId: 'dd-write', tool: 'dd', values: [120, 140, 130] },
      { configName: 'virtio-dev', workloadId: 'dd-write', tool: 'dd', values: [115, 150, 135] },
    ],
  });
  const f = judgeFindings(buildGroups([tcg]));
  assert.deepEqual(f.map((x) => x.status), ['did-not-hold', 'did-not-hold', 'not-measured', 'not-measured', 'not-measured']);
  assert.match(f[0]?.summary ?? '', /host requests averaged 1020 sectors/);
  assert.match(f[1]?.summary ?? '', /virtio-blk wrote 133 MB\/s \(21% of native 637 MB\/s\)/);
});

test('F5 follows the t-test on virtio vs e1000 throughput', () => {
  const net = (virtio: number[], e1000: number[]) =>
    makeRun({
      id: 4,
      name: 'net',
      plan: { configs: [{ name: 'v', tags: { vmm: 'kvm', nic: 'virtio' } }, { name: 'e', tags: { vmm: 'kvm', nic: 'e1000' } }] },
      specs: [
        { configName: 'v', workloadId: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', targetName: null, values: virtio, parsed: { direction: 'send' } },
        { configName: 'e', workloadId: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', targetName: null, values: e1000, parsed: { direction: 'send' } },
      ],
    });
  const held = judgeFindings(buildGroups([net([940, 935, 938], [600, 610, 605])])).find((f) => f.id === 'F5');
  assert.equal(held?.status, 'held');
  assert.match(held?.summary ?? '', /transmit to other host: virtio 938 Mb\/s, e1000 605 Mb\/s \(p<0\.001\)/);
  assert.equal(status([net([700, 720, 690], [705, 695, 712])]).F5, 'did-not-hold');
});

test('compare two configurations: Welch verdicts per workload, same text as shared/stats verdict()', () => {
  const c = compareSets([replay], { label: 'SCSI/phy', runIds: [1], configName: 'kvm-scsi-phy' }, { label: 'Virtio/phy', runIds: [1], configName: 'kvm-virtio-phy' });
  assert.deepEqual(c.rows.map((r) => r.workloadId), ['dd-write', 'dd-read']);
  const write = c.rows[0];
  assert.equal(write?.configName, 'kvm-scsi-phy vs kvm-virtio-phy');
  assert.equal(write?.verdict, verdict(spread(71.5), spread(110), 0.05, { a: 'SCSI/phy', b: 'Virtio/phy' }));
  assert.match(write?.verdict ?? '', /^Virtio\/phy is faster by 53\.8% \(p<0\.001\)$/);
  assert.ok(write && write.significant && Math.abs((write.relDiff ?? 0) - (110 - 71.5) / 71.5) < 1e-12);
  assert.deepEqual(c.summary, { faster: 2, slower: 0, same: 0, incomparable: 0 });
});

test('compare a run with itself and with a partial run: no difference, and cells measured on one side only', () => {
  const same = compareSets([replay], { label: 'A', runIds: [1] }, { label: 'B', runIds: [1] });
  assert.equal(same.rows.length, 16);
  assert.ok(same.rows.every((r) => r.verdict === 'no significant difference between A and B (p=1.000)'));
  const partial = makeRun({ id: 5, name: 'partial', specs: [{ configName: 'native', workloadId: 'dd-write', tool: 'dd', values: [111] }] });
  const c = compareSets([replay, partial], { label: 'paper', runIds: [1] }, { label: 'one run', runIds: [5] });
  const native = c.rows.find((r) => r.configName === 'native' && r.workloadId === 'dd-write');
  assert.match(native?.verdict ?? '', /need at least 2 runs each/);
  assert.equal(c.rows.find((r) => r.configName === 'xen-xvd')?.verdict, 'not measured in one run');
  assert.equal(c.summary.incomparable, 16);
});

test('advisor notes per configuration: the paper rows fire the rules built from them; native rows get none', () => {
  const advice = adviseGroups(buildGroups([replay]));
  const rules = (config: string, op: string) => advice.find((a) => a.label.includes(`— ${config}, dd ${op}`))?.advice.map((x) => x.ruleId);
  assert.deepEqual(rules('kvm-sparse', 'write'), ['sparse-backing', 'emulated-driver']);
  assert.equal(advice.find((a) => a.label.includes('— kvm-sparse, dd write'))?.advice[0]?.severity, 'critical');
  assert.deepEqual(rules('kvm-virtio-phy', 'read'), ['synchronous-reader', 'driver-path']);
  assert.deepEqual(rules('kvm-ebs-scsi', 'write'), ['ebs-guest-path']);
  assert.deepEqual(rules('kvm-virtio-phy', 'write'), []);
  assert.equal(advice.some((a) => a.label.includes('— native,')), false);
  assert.equal(advice.find((a) => a.label.includes('— kvm-sparse, dd write'))?.baselineMBps, 111);
});

test('advisor note per step from a real iostat recording (sysstat 12, busiest device)', () => {
  const groups = buildGroups([replay]);
  const group = groups.find((g) => g.configName === 'kvm-virtio-phy' && g.workloadId === 'dd-read');
  const step = replay.steps.find((s) => s.id === group?.stepIds[0]);
  assert.ok(group && step);
  const samples = iostatSamples('sysstat12-dxt.txt');
  const a = adviseStep(group, groups, step, samples);
  assert.equal(a?.scope, 'step');
  // The recording's reports average a 0.62 queue at 54% utilisation: a synchronous reader.
  assert.equal(a?.host?.samples, 3);
  assert.ok(Math.abs((a?.host?.avgQueue ?? 0) - (0.01 + 0.91 + 0.95) / 3) < 1e-9);
  assert.deepEqual(a?.advice.map((x) => x.ruleId), ['synchronous-reader', 'driver-path']);
});

test('every guest measurement against the lab native: one Welch verdict per guest group', () => {
  const vm = compareWithBaselines(buildGroups([replay]));
  assert.equal(vm.rows.length, 12, '6 guest configurations x write/read');
  const sparse = vm.rows.find((r) => r.configName === 'kvm-sparse' && r.workloadId === 'dd-write');
  assert.equal(sparse?.verdict, verdict(spread(111), spread(1.3), 0.05, { a: 'native [paper replay]', b: 'kvm-sparse [paper replay]' }));
  assert.match(sparse?.verdict ?? '', /^native \[paper replay\] is faster by 8438\.5% \(p<0\.001\)$/);
  const ebs = vm.rows.find((r) => r.configName === 'kvm-ebs-scsi' && r.workloadId === 'dd-write');
  assert.equal(ebs?.a?.mean, 65.2, 'EBS guests are compared with EBS from the host');
});

test('host iostat imported next to a dd output (same label and cell) becomes the group host figures', () => {
  const dd = importOutput('dd', fixture('dd', 'gnu-write-64k.txt'), 'sparse write', { config: 'uec', workload: 'dd-write' });
  const io = importOutput('iostat', fixture('iostat', 'sysstat12-dxt.txt'), 'sparse write', { config: 'uec', workload: 'dd-write' });
  const asRun = (id: number, o: typeof dd) => {
    const r = makeRun({ id, name: 'sparse write', tags: { vmm: 'kvm', bus: 'lsi-scsi', backing: 'sparse-file' }, specs: [{ configName: o.step.configName, workloadId: o.step.workloadId, targetName: null, tool: o.step.tool, values: [o.metric?.value ?? 0], parsed: o.parsed }] });
    const step = r.steps[0]!;
    if (!o.metric) step.metric = null;
    return { ...r, stats: o.metric ? r.stats : [] };
  };
  const groups = buildGroups([asRun(1, dd), asRun(2, io)]);
  assert.equal(groups.length, 1, 'the iostat step has no metric, so it is no measurement of its own');
  const vda = (io.parsed as { devices: { device: string; avgRqSectors: number; samples: number }[] }).devices.find((d) => d.device === 'vda');
  assert.equal(groups[0]?.host?.avgRqSectors, vda?.avgRqSectors);
  assert.equal(groups[0]?.host?.samples, vda?.samples);
  assert.equal(groups[0]?.estimate.mean, dd.metric?.value);
});

test('two sets without a common configuration are compared workload by workload', () => {
  const one = (id: number, label: string, config: string, values: number[]) => makeRun({ id, name: label, specs: [{ configName: config, workloadId: 'dd-write', tool: 'dd', values }] });
  const runs = [one(11, 'lsi write', 'lsi-dev', [40, 42, 41]), one(12, 'virtio write', 'virtio-dev', [90, 95, 92])];
  const c = compareSets(runs, { label: 'lsi write', runIds: [11] }, { label: 'virtio write', runIds: [12] });
  assert.equal(c.rows.length, 1);
  assert.equal(c.rows[0]?.configName, 'lsi-dev vs virtio-dev');
  assert.equal(c.rows[0]?.verdict, verdict([40, 42, 41], [90, 95, 92], 0.05, { a: 'lsi write', b: 'virtio write' }));
});
