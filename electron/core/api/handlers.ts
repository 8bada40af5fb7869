// The one implementation of the API contract. Transports never call these directly; they
// go through dispatch() so every argument is validated first.
import type { ApiHandlers } from '../../../shared/api.js';
import type { AppInfo, LabNode, Lab } from '../../../shared/model.js';
import { AppError } from '../../../shared/result.js';
import { experimentReadiness } from '../../../shared/experiments.js';
import type { EventBus } from '../events.js';
import type { JobManager } from '../jobs/manager.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import { runProbe } from '../probe/run-probe.js';
import type { SecretVault } from '../secrets/vault.js';
import type { SshPool } from '../ssh/types.js';
import type { Store } from '../store/types.js';
import { createRunDataHandlers } from './run-handlers.js';
import { createRunnerHandlers } from '../bench/handlers.js';
import { createReportHandlers } from '../report/handlers.js';
import { createLocalLabHandlers } from '../locallab/handlers.js';
import { createInstallHandlers } from '../install/handlers.js';
import { defaultRecipesDir } from '../install/recipes-dir.js';
import { localLabHooks } from '../locallab/guest-apply.js';
import { firstHook, realLabHooks } from '../drivers/hooks.js';
import { defaultLabCacheDir } from '../locallab/image.js';
import { dispatch } from './dispatch.js';

export interface HandlerDeps {
  info: AppInfo;
  store: Store;
  vault: SecretVault;
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
  env: NodeJS.ProcessEnv;
}

export function createHandlers(deps: HandlerDeps): ApiHandlers {
  const { store, vault, pool, jobs, bus } = deps;
  const endpointDeps: EndpointDeps = { store, vault, env: deps.env };

  // The database knows only sealed secrets; the vault also knows memory-only ones.
  const withSecret = (node: LabNode): LabNode => ({ ...node, auth: { ...node.auth, hasSecret: vault.has(node.id) } });
  const labView = (lab: Lab): Lab => ({ ...lab, nodes: lab.nodes.map(withSecret) });
  const changed = (labId: number | null) => bus.emit('lab.changed', { labId });

  const handlers: ApiHandlers = {
    'app.info': async () => deps.info,

    'lab.list': async () => store.labs.list().map(labView),

    'lab.create': async ({ name, description }) => {
      const lab = store.labs.create(name, description);
      changed(lab.id);
      return labView(lab);
    },

    'lab.delete': async ({ labId }) => {
      const lab = store.labs.get(labId);
      for (const node of lab.nodes) {
        pool.forget(String(node.id));
        await vault.delete(node.id);
      }
      store.labs.delete(labId);
      changed(labId);
      return { deleted: true };
    },

    'lab.readiness': async ({ labId }) => {
      const lab = store.labs.get(labId);
      return experimentReadiness(
        lab.nodes.map((node) => ({ name: node.name, roles: node.roles, facts: store.probes.latest(node.id)?.facts ?? null })),
      );
    },

    'node.add': async ({ labId, auth, ...rest }) => {
      const node = store.nodes.add({
        ...rest,
        labId,
        authKind: auth.kind,
        keyPath: auth.kind === 'key' ? auth.keyPath : null,
      });
      const secret = auth.kind === 'key' ? auth.passphrase : auth.kind === 'password' ? auth.password : undefined;
      if (secret) await vault.set(node.id, secret);
      changed(labId);
      return withSecret(store.nodes.get(node.id));
    },

    'node.update': async ({ nodeId, auth, ...rest }) => {
      const patch = auth ? { ...rest, authKind: auth.kind, keyPath: auth.kind === 'key' ? auth.keyPath : null } : rest;
      const node = store.nodes.update(nodeId, patch);
      if (auth) {
        const secret = auth.kind === 'key' ? auth.passphrase : auth.kind === 'password' ? auth.password : undefined;
        if (secret) await vault.set(nodeId, secret);
        else await vault.delete(nodeId);
      }
      pool.forget(String(nodeId));
      changed(node.labId);
      return withSecret(store.nodes.get(nodeId));
    },

    'node.remove': async ({ nodeId }) => {
      const node = store.nodes.get(nodeId);
      pool.forget(String(nodeId));
      await vault.delete(nodeId);
      store.nodes.remove(nodeId);
      changed(node.labId);
      return { removed: true };
    },

    'node.setSecret': async ({ nodeId, secret }) => {
      const node = store.nodes.get(nodeId);
      if (node.auth.kind === 'agent') throw new AppError('INVALID_ARGUMENT', `node "${node.name}" uses ssh-agent and takes no secret`);
      await vault.set(nodeId, secret);
      pool.forget(String(nodeId));
      return withSecret(store.nodes.get(nodeId));
    },

    'node.scanHostKey': async ({ nodeId }) => {
      const node = store.nodes.get(nodeId);
      const { trustedFingerprint: _trusted, auth: _auth, ...target } = await scanTarget(endpointDeps, nodeId);
      const scanned = await pool.scanHostKey(target);
      const known = node.hostKey?.fingerprint ?? null;
      const status = known === null ? 'new' : known === scanned.fingerprint ? 'trusted' : 'changed';
      return { ...scanned, status, knownFingerprint: known };
    },

    'node.acceptHostKey': async ({ nodeId, fingerprint }) => {
      // Re-scan so that what gets stored is what the host presents now, and exactly what the
      // user was shown: a key that changed in between is refused, never silently trusted.
      const node = store.nodes.get(nodeId);
      const { trustedFingerprint: _trusted, auth: _auth, ...target } = await scanTarget(endpointDeps, nodeId);
      const scanned = await pool.scanHostKey(target);
      if (scanned.fingerprint !== fingerprint) {
        throw new AppError('HOST_KEY_CHANGED', `node "${node.name}" (${node.host}:${node.port}) now presents ${scanned.fingerprint}, not the ${fingerprint} you accepted; check the host and try again`, {
          knownFingerprint: fingerprint,
          fingerprint: scanned.fingerprint,
        });
      }
      store.hostKeys.accept(nodeId, scanned.keyType, scanned.fingerprint);
      pool.forget(String(nodeId));
      changed(node.labId);
      return withSecret(store.nodes.get(nodeId));
    },

    'node.probe': async ({ nodeId }) => {
      const node = store.nodes.get(nodeId);
      const { jobId } = jobs.start('probe', `Probe ${node.name}`, 3, async (ctx) => {
        ctx.progress(1, `connecting to ${node.user}@${node.host}:${node.port}`);
        const endpoint = await endpointFor(endpointDeps, nodeId);
        const record = await runProbe({ pool, store, endpoint, nodeId, ctx });
        changed(node.labId);
        return record;
      });
      return { jobId };
    },

    'node.facts': async ({ nodeId }) => {
      store.nodes.get(nodeId);
      return store.probes.latest(nodeId);
    },

    'job.cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),

    'job.list': async () => jobs.list(),

    ...createRunDataHandlers({ store, bus }),

    ...createRunnerHandlers({ ...endpointDeps, pool, jobs, bus, configHooks: firstHook(localLabHooks({ ...endpointDeps, pool, dataDir: deps.info.dataDir, cacheDir: defaultLabCacheDir(deps.env) }), realLabHooks({ ...endpointDeps, pool })) }),

    ...createLocalLabHandlers({ ...endpointDeps, dataDir: deps.info.dataDir, pool, jobs, bus }),

    ...createReportHandlers({ info: deps.info, store, bus, call: (method, params) => dispatch(handlers, method, params) }),

    ...createInstallHandlers({ ...endpointDeps, pool, jobs, bus, recipesDir: defaultRecipesDir(deps.env) }),
  };
  return handlers;
}

/** The endpoint to scan: its own host key is not trusted yet, but a jump host's must be. */
async function scanTarget(deps: EndpointDeps, nodeId: number) {
  const node = deps.store.nodes.get(nodeId);
  const jump = node.jumpNodeId === null ? undefined : await endpointFor(deps, node.jumpNodeId, [nodeId]);
  return { key: String(node.id), host: node.host, port: node.port, user: node.user, trustedFingerprint: null, auth: undefined, ...(jump ? { jump } : {}) };
}
