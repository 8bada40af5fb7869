// Bundle round trip through the real CLI and real SQLite files: recorded outputs imported into
// one data dir (plus a run with a plan, vm configurations and 5,000 host samples made through
// the run store), exported (plain and gzip), imported into an empty data dir; statistics,
// steps, samples and the report's tables and findings must come out identical. A tampered
// bundle is refused as a whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { databaseFile } from '../../electron/core/paths.js';
import { createStore } from '../../electron/core/store/store.js';
import type { IostatSample, StepRecord } from '../../shared/bench/types.js';
import type { ReportDoc } from '../../shared/report/index.js';
import { runCli } from '../helpers/cli.js';
import { importRecorded, RECORDED_SETS } from '../helpers/report-lab.js';

const VM = { name: 'g', accel: 'tcg', disk: { bus: 'virtio-blk', backing: 'prealloc-file', path: '/var/tmp/iovlab/disk.img', cache: 'none', aio: 'native' }, nic: { model: 'virtio' } };

/** A finished run as the runner stores it: plan with a vm config, 3 repeats, 5,000 samples on one step. */
function storeRunWithSamples(dataDir: string): number {
  const store = createStore(databaseFile(dataDir));
  try {
    const lab = store.labs.findByName('recorded lab') ?? store.labs.create('recorded lab', '');
    const plan = { name: 'tcg virtio', configs: [{ name: 'virtio-prealloc', tags: { vmm: 'kvm' }, vm: VM }], workloads: [{ id: 'dd-write', tool: 'dd', op: 'write' }] };
    const run = store.runs.create({
      labId: lab.id,
      name: 'tcg virtio',
      label: 'tcg virtio',
      plan,
      tags: { accel: 'tcg' },
      steps: [1, 2, 3].map((repeat, index) => ({ index, configName: 'virtio-prealloc', workloadId: 'dd-write', targetName: 'img', repeat, tool: 'dd' as const })),
      owner: null,
    });
    store.runs.steps(run.id).forEach((s, i) => {
      store.runs.updateStep(s.id, {
        status: 'ok',
        attempt: 1,
        commands: [{ node: 'guest', command: 'dd if=/dev/zero of=/mnt/t bs=64k count=16384 conv=fdatasync' }],
        context: { hostDevice: 'vda' },
        stdout: '',
        stderr: `1073741824 bytes (1.1 GB, 1.0 GiB) copied, ${8 + i} s, ${(1073.741824 / (8 + i)).toFixed(0)} MB/s\n`,
        parsed: { bytes: 1073741824, seconds: 8 + i, MBps: 1073.741824 / (8 + i) },
        metric: { name: 'bandwidth', value: 1073.741824 / (8 + i), unit: 'MBps' },
        startedAt: `2026-11-26T10:0${i}:00.000Z`,
        endedAt: `2026-11-26T10:0${i}:09.000Z`,
      });
      if (i === 0) {
        const samples: IostatSample[] = Array.from({ length: 5000 }, (_, k) => ({ t: k / 500, device: 'vda', rMBps: 0, wMBps: 100 + (k % 37), avgRqSectors: 1024 - (k % 11), avgQueue: 1 + (k % 5) / 10, utilPct: 60 + (k % 30) }));
        store.runs.addSamples(s.id, samples);
      }
    });
    store.runs.setStatus(run.id, 'ok');
    return run.id;
  } finally {
    store.close();
  }
}

const withoutIds = (s: StepRecord) => {
  const { id: _id, runId: _runId, ...rest } = s;
  return rest;
};
const comparable = (doc: ReportDoc) => ({ tables: doc.tables, figures: doc.figures, findings: doc.findings, baseline: doc.baseline, advice: doc.advice.map((a) => ({ ...a, stepId: null, label: a.label.replace(/run \d+/, 'run') })) });

async function call<T>(backend: Backend, method: string, params: unknown): Promise<T> {
  const r = await backend.call(method, params);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

test('bundle round trip: export with the CLI, import into an empty data dir, identical statistics, steps, samples and report', { timeout: 240_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'iovlab-bundle-'));
  const [dirA, dirB] = [join(work, 'a'), join(work, 'b')];
  try {
    const imported = await importRecorded(dirA, 'recorded lab', RECORDED_SETS.slice(0, 5));
    const runIds = [...imported, storeRunWithSamples(dirA)];
    const gz = join(work, 'bundle.json.gz');
    const plain = join(work, 'bundle.json');
    for (const out of [gz, plain]) {
      const r = await runCli(['--data-dir', dirA, 'bundle', 'export', '--runs', runIds.join(','), '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`${runIds.length} runs written to`));
    }
    const gzBytes = await readFile(gz);
    assert.deepEqual([gzBytes[0], gzBytes[1]], [0x1f, 0x8b], '.gz name: gzipped');
    const undated = (text: string) => ({ ...(JSON.parse(text) as object), createdAt: null });
    assert.deepEqual(undated(gunzipSync(gzBytes).toString('utf8')), undated(await readFile(plain, 'utf8')), 'the same bundle inside');

    const r = await runCli(['--data-dir', dirB, 'bundle', 'import', gz]);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { imported: { labName: string; runIds: number[]; createdLab: boolean }[] };
    assert.equal(result.imported.length, 1);
    assert.equal(result.imported[0]?.labName, 'recorded lab');
    assert.equal(result.imported[0]?.createdLab, true);
    const newIds = result.imported[0]?.runIds ?? [];
    assert.equal(newIds.length, runIds.length);

    const a = createBackend({ dataDir: dirA, host: 'cli' });
    const b = createBackend({ dataDir: dirB, host: 'cli' });
    try {
      for (const [i, oldId] of runIds.entries()) {
        const newId = newIds[i] ?? 0;
        assert.deepEqual(await call(b, 'run.stats', { runId: newId }), await call(a, 'run.stats', { runId: oldId }), `statistics of run ${oldId}`);
        const [ga, gb] = [await call<{ run: { plan: unknown; tags: unknown; label: string }; steps: StepRecord[] }>(a, 'run.get', { runId: oldId }), await call<{ run: { plan: unknown; tags: unknown; label: string }; steps: StepRecord[] }>(b, 'run.get', { runId: newId })];
        assert.deepEqual([gb.run.plan, gb.run.tags, gb.run.label], [ga.run.plan, ga.run.tags, ga.run.label]);
        assert.deepEqual(gb.steps.map(withoutIds), ga.steps.map(withoutIds), `steps of run ${oldId}`);
        for (const [k, s] of ga.steps.entries()) {
          assert.deepEqual(await call(b, 'run.samples', { stepId: gb.steps[k]?.id }), await call(a, 'run.samples', { stepId: s.id }));
        }
      }
      const [docA, docB] = [await call<ReportDoc>(a, 'report.build', { runIds }), await call<ReportDoc>(b, 'report.build', { runIds: newIds })];
      assert.deepEqual(comparable(docB), comparable(docA), 'tables, figures, findings, verdicts and advice');
      assert.equal(docB.configs.find((c) => c.name === 'virtio-prealloc')?.qemu, docA.configs.find((c) => c.name === 'virtio-prealloc')?.qemu);
      assert.equal(docB.timelines[0]?.points, 5000);

      // A tampered value no longer gives the statistics the bundle carries: nothing is imported.
      const doc = JSON.parse(await readFile(plain, 'utf8')) as { runs: { steps: { metric: { value: number } | null }[] }[] };
      const last = doc.runs[doc.runs.length - 1]?.steps[1];
      if (last?.metric) last.metric.value += 1;
      const tampered = join(work, 'tampered.json');
      await writeFile(tampered, JSON.stringify(doc));
      const before = (await call<unknown[]>(b, 'run.list', {})).length;
      const t = await runCli(['--data-dir', dirB, 'bundle', 'import', tampered]);
      assert.equal(t.code, 1);
      assert.match(t.stderr, /did not re-import identically \(.*mean was .*\); nothing was imported/);
      assert.equal((await call<unknown[]>(b, 'run.list', {})).length, before);

      const bad = await runCli(['--data-dir', dirB, 'bundle', 'import', join(work, 'nope.json')]);
      assert.match(bad.stderr, /cannot read bundle .*nope\.json/);
      await writeFile(join(work, 'other.json'), '{"format":"something"}');
      const other = await runCli(['--data-dir', dirB, 'bundle', 'import', join(work, 'other.json')]);
      assert.match(other.stderr, /other\.json is not an iovlab bundle/);
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
