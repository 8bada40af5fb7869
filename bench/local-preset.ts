// The paper's full presets on the local lab: storage (every configuration, dd write + read at
// 256 MiB) and network (iperf3, e1000 vs virtio-net), 3 repeats each, timed. Goal: < 20 minutes on
// 2 cores under TCG. Prints the wall time per preset, the guests' boot times and each
// configuration's median, then removes the lab (unless --keep). Run as root:
//   node --import tsx bench/local-preset.ts [--size 256M] [--repeats 3] [--only TEXT] [--preset ID] [--keep]
import { mkdtempSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { parseSize } from '../shared/bench/units.js';
import type { StepRecord } from '../shared/bench/types.js';
import { createBackend } from '../electron/core/backend.js';
import { createLocalClient } from '../electron/core/api/local-client.js';
import type { ApiClient, ApiMethod, ApiParams, ApiResults } from '../shared/api.js';

const GOAL_MIN = 20;
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '256M' },
    repeats: { type: 'string', default: '3' },
    only: { type: 'string' },
    preset: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  },
});

function callOf(client: ApiClient) {
  return async <M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]> => {
    const r = await client.call(method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.message} [${r.error.code}]`);
    return r.value;
  };
}

async function main(): Promise<void> {
  const size = parseSize(values.size);
  if (typeof size === 'string') throw new Error(`--size ${size}`);
  const repeats = Number(values.repeats);
  const presets = values.preset ?? ['shafer2010-storage', 'shafer2010-network'];
  const dataDir = values['data-dir'] ?? mkdtempSync('/var/tmp/iovlab-bench-preset-');
  const backend = createBackend({ dataDir, host: 'cli' });
  const client = createLocalClient(backend);
  const call = callOf(client);
  client.on('job.log', (l) => process.stderr.write(`  ${l.at.slice(11, 23)} ${l.text}\n`));
  const total = Date.now();
  try {
    let t = Date.now();
    const up = await backend.waitForJob((await call('locallab.up', {})).jobId);
    if (!up.ok) throw new Error(`lab up: ${up.error.message}`);
    const status = await call('locallab.status', {});
    console.log(`lab up: ${((Date.now() - t) / 1000).toFixed(1)} s; accelerator ${status.accel?.accel} (${status.accel?.reason})`);
    if (status.accel?.note) console.log(`note: ${status.accel.note}`);
    const lab = (await call('lab.list', {})).find((l) => l.name === 'local');
    if (!lab) throw new Error('the local lab is not registered');
    for (const presetId of presets) {
      t = Date.now();
      const { plan, omitted } = await call('presets.plan', { presetId, size, repeats, ...(values.only ? { only: values.only } : {}) }).catch((e: Error) => {
        console.log(`${presetId}: ${e.message}`);
        return { plan: null, omitted: [] };
      });
      if (!plan) continue;
      for (const o of omitted) console.log(`${presetId}: left out ${o.name}: ${o.reason}`);
      const { runId, jobId } = await call('run.start', { labId: lab.id, plan });
      const done = await backend.waitForJob(jobId);
      const secs = (Date.now() - t) / 1000;
      const { steps } = await call('run.get', { runId });
      report(presetId, secs, steps, done.ok ? null : done.error.message);
    }
  } finally {
    if (!values.keep) {
      const down = await call('locallab.down', {});
      console.log(`lab down: removed ${down.removed.length} items`);
    }
    await backend.close();
    if (!values['data-dir'] && !values.keep) rmSync(dataDir, { recursive: true, force: true });
  }
  const minutes = (Date.now() - total) / 60_000;
  console.log(`total: ${minutes.toFixed(1)} min for ${presets.join(' + ')} at ${values.size}, ${repeats} repeat(s) (goal for the full presets at 256M x 3: < ${GOAL_MIN} min: ${minutes < GOAL_MIN ? 'met' : 'missed'})`);
}

function report(presetId: string, secs: number, steps: StepRecord[], error: string | null): void {
  const ok = steps.filter((s) => s.status === 'ok');
  const configs = [...new Set(steps.map((s) => s.configName))];
  const boots = [...new Set(steps.map((s) => (s.context.localLab as { guest?: { bootMs: number } } | undefined)?.guest?.bootMs).filter((b): b is number => b !== undefined))];
  console.log(`${presetId}: ${(secs / 60).toFixed(1)} min, ${ok.length}/${steps.length} steps ok, ${configs.length} configurations${boots.length ? `, guest boot-to-SSH median ${(median(boots) / 1000).toFixed(1)} s over ${boots.length} boots` : ''}${error ? ` (${error})` : ''}`);
  for (const c of configs) {
    const cells = [...new Set(steps.filter((s) => s.configName === c).map((s) => s.workloadId))].map((w) => {
      const vals = ok.filter((s) => s.configName === c && s.workloadId === w && s.metric).map((s) => s.metric?.value ?? 0);
      const unit = ok.find((s) => s.configName === c && s.workloadId === w)?.metric?.unit ?? '';
      return `${w} ${vals.length ? median(vals).toFixed(1) : '—'} ${unit}`;
    });
    console.log(`  ${c.padEnd(28)} ${cells.join('  ')}`);
  }
  for (const s of steps.filter((x) => x.status !== 'ok').slice(0, 5)) console.log(`  failed: ${s.configName} ${s.workloadId}: ${s.error ?? s.status}`);
}

await main();
