// The local lab's and the presets' part of the API contract, merged into the one handler map
// by electron/core/api/handlers.ts. `locallab.up` is a job (building the guest image the first
// time takes minutes); its root and package checks run before the job starts, so a host that
// cannot have the lab gets NEEDS_ROOT / MISSING_DEPENDENCY from the call itself.
import type { ApiHandlers } from '../../../shared/api.js';
import type { LocalLabResults } from '../../../shared/presets/api.js';
import { LOCAL_LAB_NODES, PRESETS } from '../../../shared/presets/index.js';
import type { EventBus } from '../events.js';
import type { JobContext, JobManager } from '../jobs/manager.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import { runProbe } from '../probe/run-probe.js';
import type { SshPool } from '../ssh/types.js';
import { defaultLabCacheDir } from './image.js';
import { labDown, labUp, preflight } from './lab.js';
import { findLocalLab, localLabStatus, registerLocalLab } from './lab-inventory.js';
import { planForPreset } from './presets-run.js';

export interface LocalLabHandlerDeps extends EndpointDeps {
  dataDir: string;
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
}

export function createLocalLabHandlers(deps: LocalLabHandlerDeps): Pick<ApiHandlers, keyof LocalLabResults> {
  const { store, pool, jobs, bus, dataDir } = deps;
  const cacheDir = defaultLabCacheDir(deps.env);
  return {
    'locallab.up': async () => {
      preflight();
      const { jobId } = jobs.start('locallab', 'Create the local lab', 3, async (ctx) => {
        ctx.progress(1, 'namespaces, sshd, EBS exports, guest image, accelerator');
        const up = await labUp({ dataDir, cacheDir, signal: ctx.signal, log: (line) => ctx.log('info', line) });
        const { lab, nodeIds } = registerLocalLab(store, pool, up.paths, up.state);
        bus.emit('lab.changed', { labId: lab.id });
        ctx.progress(2, 'probing the front-end and the back-end');
        // The probe reports its own steps; this job's progress stays on "probing".
        const quiet: JobContext = { jobId: ctx.jobId, signal: ctx.signal, log: ctx.log, progress: () => undefined };
        for (const name of [LOCAL_LAB_NODES.front, LOCAL_LAB_NODES.back] as const) {
          const record = await runProbe({ pool, store, endpoint: await endpointFor(deps, nodeIds[name]), nodeId: nodeIds[name], ctx: quiet });
          ctx.log('info', `probed ${name}: ${record.facts.kernel ?? 'kernel unknown'}`);
        }
        bus.emit('lab.changed', { labId: lab.id });
        ctx.progress(3, up.reused ? 'the local lab was already up' : 'the local lab is up');
        return localLabStatus(store, dataDir);
      });
      return { jobId };
    },

    'locallab.down': async () => {
      const removed = await labDown({ dataDir, cacheDir });
      const lab = findLocalLab(store);
      if (lab) {
        for (const node of lab.nodes) pool.forget(String(node.id));
        bus.emit('lab.changed', { labId: lab.id });
      }
      return { removed };
    },

    'locallab.status': async () => localLabStatus(store, dataDir),

    'presets.list': async () => [...PRESETS],

    'presets.plan': async ({ presetId, size, repeats, only }) =>
      planForPreset(dataDir, presetId, { ...(size !== undefined ? { size } : {}), ...(repeats !== undefined ? { repeats } : {}), ...(only !== undefined ? { only } : {}) }),
  };
}
