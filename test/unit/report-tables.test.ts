// Tables 1-2 and Figures 2-4 built from the paper's own rows replayed as lab runs: every lab
// cell must reproduce the paper's value, sit under the right paper row, and keep its markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TABLE_1_WRITE, TABLE_2_READ, paperRow } from '../../shared/reference/shafer2010.js';
import { buildGroups, buildTable, configFacts, figure2, figure3, figure4 } from '../../shared/report/index.js';
import { makeRun, paperReplayRun, spread } from '../helpers/report-runs.js';

const replay = paperReplayRun();
const groups = buildGroups([replay]);

test('Table 1 keeps every paper row in printed order and places each lab row under its paper row', () => {
  const t = buildTable(1, groups);
  const paper = t.lines.filter((l) => l.source === 'paper');
  assert.deepEqual(paper.map((l) => l.paperRowId), TABLE_1_WRITE.map((r) => r.id));
  assert.deepEqual(t.columns.slice(0, 7), ['VMM', 'Target', 'Driver', 'Bandwidth (MB/s)', 'Avgrq-sz', 'Avgqu-sz', '% Util']);
  for (const [i, line] of t.lines.entries()) {
    if (line.source !== 'lab') continue;
    // The lab line follows its paper row (possibly after other lab lines of that row).
    const owner = t.lines.slice(0, i).reverse().find((l) => l.source === 'paper');
    assert.equal(owner?.paperRowId, line.paperRowId);
    const row = paperRow(line.paperRowId ?? '');
    assert.equal(line.bandwidth, row.bandwidthMBps, `${row.id}: the mean of the replay is the paper's value`);
    assert.equal(line.n, 5);
    assert.ok(line.ci95 && line.ci95[0] < row.bandwidthMBps && line.ci95[1] > row.bandwidthMBps);
    assert.equal(line.eucalyptusDefault, row.eucalyptusDefault, `${row.id}: (*) marker`);
    if (row.avgRqSectors !== null) assert.equal(line.avgRqSectors, row.avgRqSectors);
  }
  assert.equal(t.lines.filter((l) => l.source === 'lab').length, 8);
  assert.deepEqual(t.labOnly, []);
});

test('% of native: 1.3 of 111 MB/s for the KVM sparse default in both the paper row and the lab row', () => {
  const t = buildTable(1, groups);
  const sparse = t.lines.filter((l) => l.paperRowId === 'write:kvm:local-file:scsi-sparse-file');
  assert.deepEqual(sparse.map((l) => [l.source, l.pctOfNative]), [['paper', 1.2], ['lab', 1.2]]);
  const ebs = t.lines.filter((l) => l.paperRowId === 'write:kvm:ebs:scsi-phy');
  // EBS rows are compared with EBS written from the host: 18.7 / 65.2.
  assert.deepEqual(ebs.map((l) => l.pctOfNative), [28.7, 28.7]);
  const ec2 = t.lines.find((l) => l.paperRowId === 'write:ec2:instance:proprietary');
  assert.equal(ec2?.pctOfNative, null);
  assert.equal(ec2?.avgRqSectors, '-');
  assert.equal(t.lines.find((l) => l.paperRowId === 'write:none:ebs' && l.source === 'paper')?.avgQueue, 'N/A');
});

test('Table 2 places reads; unknown or unmeasured configurations go to lab-only rows with the reason', () => {
  const extra = makeRun({
    id: 2,
    name: 'extras',
    tags: { vmm: 'kvm' },
    plan: { configs: [{ name: 'ide-qcow', tags: { bus: 'ide', backing: 'qcow2' } }, { name: 'mystery', tags: {} }] },
    specs: [
      { configName: 'ide-qcow', workloadId: 'dd-read', tool: 'dd', values: spread(40) },
      { configName: 'mystery', workloadId: 'dd-read', tool: 'dd', values: spread(50) },
    ],
  });
  const t = buildTable(2, buildGroups([replay, extra]));
  assert.deepEqual(t.lines.filter((l) => l.source === 'paper').map((l) => l.paperRowId), TABLE_2_READ.map((r) => r.id));
  assert.equal(t.labOnly.length, 2);
  assert.match(t.labOnly[0]?.note ?? '', /measured no ide on qcow2/);
  assert.match(t.labOnly[1]?.note ?? '', /Driver or backing unknown: tag the configuration/);
  assert.equal(t.labOnly[0]?.pctOfNative, Number(((100 * 40) / 108).toFixed(1)), 'lab-only rows still get % of the lab native read');
});

test('config facts: plan vm config, paper words in tags, native names, virtio-scsi approximate match', () => {
  const vm = { name: 'g', accel: 'tcg', disk: { bus: 'virtio-scsi', backing: 'device', path: '/dev/sdb' }, nic: { model: 'virtio' } };
  const stored = makeRun({ id: 3, name: 'r', plan: { configs: [{ name: 'vs', vm }, { name: 'baseline' }] }, specs: [{ configName: 'vs', workloadId: 'dd-write', tool: 'dd', values: [100, 101] }] });
  const run = stored.run;
  const f = configFacts(run, 'vs');
  assert.deepEqual([f.vmm, f.bus, f.backing, f.target, f.nic, f.accel, f.eucalyptusDefault], ['KVM', 'virtio-scsi', 'block-device', 'local', 'virtio', 'tcg', false]);
  assert.equal(configFacts(run, 'baseline').vmm, 'None');
  const t = buildTable(1, buildGroups([stored]));
  const lab = t.lines.find((l) => l.source === 'lab');
  assert.equal(lab?.paperRowId, 'write:kvm:local-disk:virtio-phy');
  assert.equal(lab?.match, 'approximate');
});

test('Figure 2: lab bars and CI from the replay, paper markers from the tables', () => {
  const f = figure2(groups);
  assert.deepEqual(f.groups, ['Local write', 'Local read', 'EBS write', 'EBS read']);
  assert.deepEqual(f.series.map((s) => s.values), [[111, 108, 65.2, 55.8], [1.3, 71.9, 18.7, 49.5]]);
  assert.deepEqual(f.paper.map((p) => p.values), [[111, 108, 65.2, 55.8], [1.3, 71.9, 18.7, 49.5]]);
  for (const s of f.series) s.values.forEach((v, i) => assert.ok((s.ciLow[i] ?? Infinity) < (v ?? 0) && (v ?? 0) < (s.ciHigh[i] ?? -Infinity)));
  assert.equal(f.measured, true);
});

test('Figures 3 and 4: streaming and network groups, with the paper ratios applied to the lab baseline', () => {
  const net = makeRun({
    id: 4,
    name: 'net',
    plan: {
      configs: [
        { name: 'host', tags: { vmm: 'none' } },
        { name: 'e1000', tags: { vmm: 'kvm', nic: 'e1000' } },
        { name: 'virtio', tags: { vmm: 'kvm', nic: 'virtio-net' } },
        { name: 'kvm-virtio-disk', tags: { vmm: 'kvm', bus: 'virtio', backing: 'device' } },
      ],
    },
    tags: { peer: 'other-host' },
    specs: [
      { configName: 'host', workloadId: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', targetName: null, values: spread(940), parsed: { direction: 'send', Mbps: 940 } },
      { configName: 'e1000', workloadId: 'iperf3-send', tool: 'iperf3', unit: 'Mbps', targetName: null, values: spread(600), parsed: { direction: 'send', Mbps: 600 } },
      { configName: 'virtio', workloadId: 'iperf3-recv', tool: 'iperf3', unit: 'Mbps', targetName: null, values: spread(500), parsed: { direction: 'receive', Mbps: 500 } },
      { configName: 'host', workloadId: 'dfsio-write', tool: 'testdfsio', values: spread(100), parsed: { op: 'write' } },
      { configName: 'kvm-virtio-disk', workloadId: 'dfsio-write', tool: 'testdfsio', values: spread(62), parsed: { op: 'write' } },
    ],
  });
  const g = buildGroups([net]);
  const f3 = figure3(g);
  assert.deepEqual(f3.groups, ['KVM virtio', 'Native'], 'native at the right, as in the paper');
  assert.deepEqual(f3.series[0]?.values, [62, 100]);
  assert.deepEqual(f3.paper[0]?.values, [60, null]);
  const f4 = figure4(g);
  const byName = Object.fromEntries(f4.series.map((s) => [s.name, s.values]));
  assert.deepEqual(byName['Non-virtualized'], [null, null, 940, null]);
  assert.deepEqual(byName['KVM e1000'], [null, null, 600, null]);
  assert.deepEqual(byName['KVM virtio'], [null, null, null, 500]);
  const share = f4.paper.find((p) => p.series === 'KVM e1000');
  assert.ok(Math.abs((share?.values[2] ?? 0) - 0.71 * 940) < 1e-9);
  assert.ok(Math.abs((share?.values[3] ?? 0) - 0.45 * 940) < 1e-9, 'no native receive measured: falls back to the 940 Mb/s maximum');
});
