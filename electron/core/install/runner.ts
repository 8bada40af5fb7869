// The install runner: a recipe on a lab becomes a stored install of step records (one per step
// and node, in plan order) run one after the other as a job. A failed step stops the install:
// later steps build on earlier ones (packages before their configuration, the bridge before
// the guests). Resume runs every record that did not end done / already done / not applicable;
// the others keep what they recorded. An install left 'running' by a process that is gone
// shows as 'interrupted' (owner pid and host, as benchmark runs do).
import { buildInstallPlan, plannedRecords } from '../../../shared/install/plan.js';
import { stepLine, stepSettled } from '../../../shared/install/progress.js';
import { recipeSchema, type Recipe } from '../../../shared/install/recipe.js';
import type { InstallRun, InstallStatus, InstallStepRecord } from '../../../shared/install/types.js';
import type { Lab } from '../../../shared/model.js';
import { AppError } from '../../../shared/result.js';
import { ownerAlive, selfOwner } from '../bench/resume.js';
import type { EventBus } from '../events.js';
import type { JobContext, JobManager } from '../jobs/manager.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import type { SshPool } from '../ssh/types.js';
import type { StoredInstall } from '../store/installs.js';
import { labEnvOf, type NodeTarget } from './remote.js';
import { AbilityCache, runRecord } from './step.js';
import { DEFAULT_INSTALL_TUNING, type InstallTuning } from './tuning.js';

export interface InstallRunnerDeps extends EndpointDeps {
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
  tuning?: Partial<InstallTuning>;
}

/** Installs running in this process, by database file and install id (two backends may share a process). */
const active = new Map<string, string>();
const now = (): string => new Date().toISOString();

export class InstallRunner {
  private readonly tuning: InstallTuning;

  constructor(private readonly deps: InstallRunnerDeps) {
    this.tuning = { ...DEFAULT_INSTALL_TUNING, ...deps.tuning };
  }

  private key(installId: number): string {
    return `${this.deps.store.file}#${installId}`;
  }

  readonly runningHere = (installId: number): boolean => active.has(this.key(installId));

  /** Stores the install (every record pending) and starts it; preflight is the caller's business. */
  /** notes: said first in the install's log (e.g. the preflight problems the user waived). */
  start(recipe: Recipe, lab: Lab, notes: readonly string[] = []): { installId: number; jobId: string } {
    const busy = this.list(lab.id).find((i) => i.status === 'running');
    if (busy) throw new AppError('ALREADY_EXISTS', `lab "${lab.name}" already has install ${busy.id} (recipe "${busy.recipeId}") running; wait for it or cancel it first`);
    const records = plannedRecords(buildInstallPlan(recipe, lab));
    if (records.length === 0) throw new AppError('INVALID_ARGUMENT', `nothing to install: lab "${lab.name}" has no node on the sides recipe "${recipe.id}" installs (front-end: CLC, CC, EBS, WALRUS; back-end: NC)`);
    const stored = this.deps.store.installs.create({
      labId: lab.id,
      recipeId: recipe.id,
      recipe,
      steps: records.map(({ step, node }) => ({ stepId: step.stepId, nodeId: node.id, nodeName: node.name, title: step.title })),
      owner: selfOwner(),
    });
    return { installId: stored.id, jobId: this.launch(stored, recipe, lab.name, notes) };
  }

  /** Continues a failed, cancelled or interrupted install from its first unsettled record. */
  resume(installId: number): { jobId: string } {
    const installs = this.deps.store.installs;
    const stored = installs.get(installId);
    if (this.runningHere(installId)) throw new AppError('ALREADY_EXISTS', `install ${installId} is already running in this process`);
    if (stored.status === 'running' && stored.owner && ownerAlive(stored.owner)) {
      throw new AppError('ALREADY_EXISTS', `install ${installId} is still running in process ${stored.owner.pid} on ${stored.owner.host}; wait for it or cancel it there`);
    }
    if (stored.steps.every((s) => stepSettled(s.status))) throw new AppError('INVALID_ARGUMENT', `install ${installId} has nothing left to run: every step is done, already done or not applicable`);
    const parsed = recipeSchema.safeParse(stored.recipe);
    if (!parsed.success) throw new AppError('PARSE_ERROR', `install ${installId}: its stored recipe is not readable any more (${parsed.error.issues[0]?.message ?? 'invalid'}); start a new install`);
    installs.setStatus(installId, 'running', selfOwner());
    const labName = this.deps.store.labs.get(stored.labId).name;
    return { jobId: this.launch(stored, parsed.data, labName) };
  }

  get(installId: number): InstallRun {
    return this.view(this.deps.store.installs.get(installId));
  }

  list(labId?: number): InstallRun[] {
    return this.deps.store.installs.list(labId === undefined ? {} : { labId }).map((s) => this.view(s));
  }

  /** The API's view: 'running' without a live owner is 'interrupted', and so is its running step's state. */
  view(s: StoredInstall): InstallRun {
    const interrupted = s.status === 'running' && !this.runningHere(s.id) && (s.owner === null || !ownerAlive(s.owner));
    const gone = s.owner ? `process ${s.owner.pid} on ${s.owner.host}` : 'the process running it';
    const steps = interrupted
      ? s.steps.map((st) => (st.status === 'running' ? { ...st, status: 'pending' as const, reason: `interrupted: ${gone} is gone; resume the install to run this step again` } : st))
      : s.steps;
    const status: InstallStatus = interrupted ? 'interrupted' : s.status;
    return { id: s.id, labId: s.labId, recipeId: s.recipeId, status, createdAt: s.createdAt, finishedAt: s.finishedAt, steps };
  }

  private launch(stored: StoredInstall, recipe: Recipe, labName: string, notes: readonly string[] = []): string {
    const key = this.key(stored.id);
    const { jobId } = this.deps.jobs.start('install', `Install ${recipe.title} on ${labName}`, stored.steps.length, async (ctx) => {
      try {
        for (const note of notes) ctx.log('info', note);
        return await this.execute(stored.id, recipe, ctx);
      } finally {
        active.delete(key);
      }
    });
    active.set(key, jobId);
    return jobId;
  }

  private async execute(installId: number, recipe: Recipe, ctx: JobContext): Promise<InstallRun> {
    const { store, pool, bus } = this.deps;
    const installs = store.installs;
    const emit = (step: InstallStepRecord) => bus.emit('install.step', { installId, jobId: ctx.jobId, step });
    const steps = new Map(recipe.steps.map((s) => [s.id, s]));
    const abilities = new AbilityCache(pool);
    const targets = new Map<number, Promise<NodeTarget>>();
    const stored = installs.get(installId);
    const records = stored.steps;
    // Unique across databases and installs: the install's id and creation time, and the record.
    const tagOf = (record: InstallStepRecord) => `${installId}.${Date.parse(stored.createdAt).toString(36)}.${record.id}`;
    let failed: InstallStepRecord | null = null;
    try {
      for (const record of records) {
        if (stepSettled(record.status)) continue;
        if (ctx.signal.aborted) break;
        const step = steps.get(record.stepId);
        ctx.progress(record.index + 1, `${step?.side ?? ''} ${record.nodeName} ${record.stepId}`.trim());
        let done: InstallStepRecord;
        try {
          if (!step) throw new AppError('PARSE_ERROR', `the recipe stored with install ${installId} has no step "${record.stepId}"`);
          const target = await this.targetOf(record.nodeId, targets);
          const tag = `[${record.nodeName} ${record.stepId}]`;
          done = await runRecord({
            pool, installs, record, step, target, abilities, tuning: this.tuning, signal: ctx.signal, tag: tagOf(record),
            onLine: (stream, line) => ctx.log(stream, `${tag} ${line}`),
            onUpdate: emit,
          });
        } catch (e) {
          if (ctx.signal.aborted) break;
          // The node is gone from the lab or its key is unreadable: nothing ran on it.
          const at = now();
          done = installs.updateStep(record.id, { status: 'failed', reason: e instanceof Error ? e.message : String(e), startedAt: at, finishedAt: at });
          emit(done);
        }
        ctx.log('info', stepLine(done, records.length, step?.side ?? null));
        if (done.status === 'failed') {
          failed = installs.updateStep(done.id, { reason: `${done.reason ?? 'failed'}. The steps after it were not run (they build on this one): fix the problem, then resume install ${installId}` });
          emit(failed);
          break;
        }
        if (done.status === 'cancelled') break;
      }
    } catch (e) {
      installs.setStatus(installId, ctx.signal.aborted ? 'cancelled' : 'failed');
      throw e;
    }
    const final = installs.get(installId).steps;
    const status: InstallStatus = ctx.signal.aborted ? 'cancelled' : failed || !final.every((s) => stepSettled(s.status)) ? 'failed' : 'ok';
    installs.setStatus(installId, status);
    if (status === 'cancelled') throw new AppError('CANCELLED', `install ${installId} of "${recipe.title}" was cancelled; resume it to go on`);
    if (failed) throw new AppError('COMMAND_FAILED', `install ${installId} of "${recipe.title}" failed at step "${failed.stepId}" on node "${failed.nodeName}": ${failed.reason ?? ''}`, { installId });
    if (status === 'failed') throw new AppError('COMMAND_FAILED', `install ${installId} of "${recipe.title}" did not finish every step`, { installId });
    return this.get(installId);
  }

  private targetOf(nodeId: number, cache: Map<number, Promise<NodeTarget>>): Promise<NodeTarget> {
    let found = cache.get(nodeId);
    if (!found) {
      found = (async () => {
        const node = this.deps.store.nodes.get(nodeId);
        const labEnv = labEnvOf(this.deps.store.labs.get(node.labId).nodes);
        return { node, endpoint: await endpointFor(this.deps, nodeId), sudo: node.user !== 'root', labEnv };
      })();
      found.catch(() => cache.delete(nodeId));
      cache.set(nodeId, found);
    }
    return found;
  }
}
