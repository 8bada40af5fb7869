// Bundles on disk and in the store: export selected runs (every step's raw output, parsed
// result, host samples, the plan with its vm configurations, and the statistics they gave) as
// one JSON file, gzip optional; import one into any data dir, inside one transaction, and prove
// the statistics came out identical — else nothing is kept.
import { gunzipSync, gzipSync } from 'node:zlib';
import { BUNDLE_FORMAT, BUNDLE_VERSION, parseBundle, sameStats, type Bundle } from '../../../shared/report/index.js';
import { DATASET_SHA256, DATASET_VERSION } from '../../../shared/reference/shafer2010.js';
import { AppError } from '../../../shared/result.js';
import type { Store } from '../store/types.js';
import { loadLabs, loadRuns } from './load.js';

export function buildBundle(store: Store, runIds: readonly number[], opts: { appVersion: string; now?: Date }): Bundle {
  const runs = loadRuns(store, runIds);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: (opts.now ?? new Date()).toISOString(),
    app: { version: opts.appVersion },
    reference: { version: DATASET_VERSION, sha256: DATASET_SHA256 },
    labs: loadLabs(store, runs.map((r) => r.run.labId)),
    runs: runs.map(({ run, steps, stats }) => ({ run, stats, steps: steps.map((s) => ({ ...s, samples: store.runs.samples(s.id) })) })),
  };
}

export function encodeBundle(bundle: Bundle, gzip: boolean): Buffer {
  const json = Buffer.from(JSON.stringify(bundle), 'utf8');
  return gzip ? gzipSync(json) : json;
}

/** Accepts plain or gzipped JSON (told apart by gzip's magic bytes, not the file name). */
export function decodeBundle(data: Buffer, source: string): Bundle {
  let text: string;
  try {
    text = (data[0] === 0x1f && data[1] === 0x8b ? gunzipSync(data) : data).toString('utf8');
  } catch (e) {
    throw new AppError('INVALID_ARGUMENT', `${source} looks gzipped but does not decompress: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_ARGUMENT', `${source} is not JSON (nor gzipped JSON): ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseBundle(doc, source);
}

export interface ImportedBundle {
  labId: number;
  labName: string;
  runIds: number[];
  createdLab: boolean;
}

/**
 * Stores every run of the bundle under the lab named `labName` (default: the bundle's own lab
 * names; created when missing). Runs get new ids; steps keep their outputs, times and samples.
 */
export function importBundle(store: Store, bundle: Bundle, opts: { labName?: string } = {}): ImportedBundle[] {
  const labNames = new Map(bundle.labs.map((l) => [l.id, l]));
  const byLab = new Map<string, ImportedBundle>();
  store.runs.transaction(() => {
    for (const { run, steps, stats } of bundle.runs) {
      const source = labNames.get(run.labId);
      const name = opts.labName ?? source?.name ?? 'imported';
      let target = byLab.get(name);
      if (!target) {
        const existing = store.labs.findByName(name);
        const lab = existing ?? store.labs.create(name, source?.description ?? `imported from an iovlab bundle of ${bundle.createdAt}`);
        target = { labId: lab.id, labName: lab.name, runIds: [], createdLab: !existing };
        byLab.set(name, target);
      }
      const created = store.runs.create({
        labId: target.labId,
        name: run.name,
        label: run.label,
        plan: run.plan,
        tags: run.tags,
        steps: steps.map(({ index, configName, workloadId, targetName, repeat, tool }) => ({ index, configName, workloadId, targetName, repeat, tool })),
        owner: null,
      });
      const stored = store.runs.steps(created.id);
      steps.forEach((s, i) => {
        const into = stored[i];
        if (!into) throw new AppError('INTERNAL', `run ${created.id} was created without step ${i + 1}`);
        const { status, attempt, commands, context, stdout, stderr, parsed, metric, error, startedAt, endedAt } = s;
        store.runs.updateStep(into.id, { status, attempt, commands, context, stdout, stderr, parsed, metric, error, startedAt, endedAt });
        if (s.samples.length > 0) store.runs.addSamples(into.id, s.samples);
      });
      // A run that was still going when exported stays resumable only where it ran: here it is history.
      store.runs.setStatus(created.id, run.status === 'running' ? 'interrupted' : run.status);
      const diff = sameStats(stats, store.runs.stats(created.id));
      if (diff) throw new AppError('INTERNAL', `bundle run "${run.name}" (id ${run.id}) did not re-import identically (${diff}); nothing was imported`);
      target.runIds.push(created.id);
    }
  });
  return [...byLab.values()];
}
