// Step timelines from real iostat and dd recordings, min/max reduction of long series, CSV/JSON
// exports and the bundle schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGroups, buildReport, buildSeries, buildTable, ddProgress, parseBundle, reduceMinMax, sameStats, tableCsv, toCsv, toJson } from '../../shared/report/index.js';
import { fixture, iostatSamples, makeRun, paperReplayRun } from '../helpers/report-runs.js';
import { mulberry32 } from '../helpers/prng.js';

test('timeline of a step: the recorded iostat device, four traces in paper units, the step span', () => {
  const samples = iostatSamples('sysstat12-dxt.txt');
  const run = makeRun({ id: 1, name: 'r', specs: [{ configName: 'c', workloadId: 'dd-write', tool: 'dd', values: [100] }] });
  const step = run.steps[0]!;
  const s = buildSeries(step, samples);
  assert.equal(s.device, 'vda');
  assert.deepEqual(s.traces.map((t) => [t.name, t.unit]), [['Bandwidth', 'MB/s'], ['Request size', 'sectors'], ['Queue depth', 'requests'], ['Utilisation', '%']]);
  assert.deepEqual(s.traces[3]?.v, samples.map((x) => x.utilPct));
  assert.deepEqual(s.traces[0]?.v, samples.map((x) => x.rMBps + x.wMBps));
  assert.deepEqual(s.span, [0, 30]);
  assert.equal(s.reduced, false);
});

test('workload progress from a real dd status=progress recording', () => {
  const p = ddProgress(fixture('dd', 'gnu-status-progress.txt'));
  assert.ok(p && p.t.length >= 2);
  for (let i = 1; i < p.t.length; i++) {
    assert.ok(p.t[i]! > p.t[i - 1]!, 'time increases');
    assert.ok(p.v[i]! >= p.v[i - 1]!, 'bytes done never decrease');
  }
  assert.equal(p.v[p.v.length - 1], 3072000000 / 1e6, 'ends at the 512 x 6000000 bytes dd reports');
  assert.equal(ddProgress(fixture('dd', 'gnu-write-64k.txt')), null, 'one final line is no progress curve');
});

test('min/max reduction keeps every bucket extreme, the global peak and dip, in time order', () => {
  const rnd = mulberry32(7);
  const n = 100_000;
  const t = Array.from({ length: n }, (_, i) => i / 10);
  const v = t.map((x) => 100 + 20 * Math.sin(x / 50) + rnd() * 5);
  v[31_337] = 500;
  v[77_777] = -50;
  const r = reduceMinMax(t, v, 2000);
  assert.ok(r.t.length <= 2000);
  assert.ok(r.v.includes(500) && r.v.includes(-50));
  for (let i = 1; i < r.t.length; i++) assert.ok(r.t[i]! > r.t[i - 1]!);
  assert.deepEqual(reduceMinMax([1, 2], [3, 4], 2000), { t: [1, 2], v: [3, 4] });
});

test('CSV: RFC 4180 quoting, spreadsheet formulas neutralised, one line per table row', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=SUM(A1)', -3], [null, 1.5]]), 'a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),-3\r\n,1.5\r\n');
  const t = buildTable(1, buildGroups([paperReplayRun()]));
  const csv = tableCsv(t);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + t.lines.length + t.labOnly.length);
  assert.match(lines[1] ?? '', /^1,Shafer 2010,None,Local disk,,N\/A,111,,,,1024,140,100,100,write:none:local-disk,$/);
  assert.ok(lines.some((l) => /^1,"?lab: paper replay \(n=5, 95% CI 1\.27-1\.33\)"?,KVM,Local file,\*,SCSI\/sparse file,1\.3,/.test(l)));
  const json = JSON.parse(toJson('table', t)) as { format: string; data: { lines: unknown[] } };
  assert.equal(json.format, 'iovlab-table');
  assert.equal(json.data.lines.length, t.lines.length);
});

test('the whole report document: configurations rendered from plan vm configs, timelines and provenance', () => {
  const vm = { name: 'g', accel: 'tcg', disk: { bus: 'virtio-blk', backing: 'prealloc-file', path: '/var/tmp/iovlab/disk.img' }, nic: { model: 'virtio' } };
  const run = makeRun({ id: 9, name: 'tcg', tags: { accel: 'tcg' }, plan: { configs: [{ name: 'vb', vm }] }, specs: [{ configName: 'vb', workloadId: 'dd-write', tool: 'dd', values: [120, 125, 130] }] });
  const samples = new Map([[run.steps[0]!.id, iostatSamples('sysstat12-dxt.txt')]]);
  const doc = buildReport({ runs: [run], labs: [], generatedAt: '2026-11-26T12:00:00.000Z', appVersion: '0.1.0' }, samples);
  const cfg = doc.configs[0];
  assert.match(cfg?.qemu ?? '', /^qemu-system-x86_64 -name guest=g -machine pc -accel tcg .*virtio-blk-pci/);
  assert.match(cfg?.libvirt ?? '', /<target dev="vda" bus="virtio"\/>|<target dev='vda' bus='virtio'\/>/);
  assert.equal(cfg?.paperLabel, 'KVM Local file Virtio/pre-alloc file');
  assert.equal(doc.timelines.length, 1);
  assert.equal(doc.advice.filter((a) => a.scope === 'step').length, 1);
  assert.deepEqual(doc.provenance.accelerators, ['tcg']);
  assert.equal(doc.provenance.firstStep, '2026-11-26T10:00:00.000Z');
  assert.equal(doc.provenance.runs[0]?.steps, '3 ok of 3');
  assert.equal(doc.tables.length, 2);
  assert.equal(doc.findings.length, 5);
});

test('bundle schema: a foreign file is named, a bad field is named by its path', () => {
  assert.throws(() => parseBundle({ format: 'something-else' }, 'x.json'), /x\.json is not an iovlab bundle \(its "format" is "something-else"/);
  const r = paperReplayRun();
  const doc = {
    format: 'iovlab-bundle',
    version: 1,
    createdAt: '2026-11-26T12:00:00.000Z',
    app: { version: '0.1.0' },
    reference: { version: '1.0.0', sha256: 'x' },
    labs: [],
    runs: [{ run: r.run, steps: r.steps.map((s) => ({ ...s, samples: [] })), stats: r.stats }],
  };
  assert.equal(parseBundle(structuredClone(doc)).runs[0]?.steps.length, r.steps.length);
  const bad = structuredClone(doc);
  (bad.runs[0]!.steps[3]!.metric as { value: unknown }).value = 'fast';
  assert.throws(() => parseBundle(bad, 'b.json'), /b\.json: runs\.0\.steps\.3\.metric\.value:/);
});

test('sameStats: identical rows pass, a changed mean or host figure is named', () => {
  const { stats } = paperReplayRun();
  assert.equal(sameStats(stats, structuredClone(stats)), null);
  const changed = structuredClone(stats);
  changed[2]!.mean += 0.01;
  assert.match(sameStats(stats, changed) ?? '', /"kvm-sparse","dd-write".*mean was 1\.3, is 1\.31/);
  const host = structuredClone(stats);
  host[0]!.host!.utilPct = 50;
  assert.match(sameStats(stats, host) ?? '', /host %util was 100, is 50/);
});
