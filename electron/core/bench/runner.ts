// The benchmark runner: a plan becomes a stored run of ordered steps, executed one after the
// other over the SSH pool as a job (progress with ETA, cancellable), each step stored the
// moment it changes, so a crash loses at most the step that was running. Resume re-runs
// every step that is not ok and keeps the rest.
import { expandPlan, stepParts } from '../../../shared/bench/expand.js';
import { describeWorkload } from '../../../shared/bench/metric.js';
import { parsePlan, type Plan, type PlanConfig } from '../../../shared/bench/plan.js';
import type { RunRecord, RunStatus, StepRecord } from '../../../shared/bench/types.js';
import type { RunStepEvent } from '../../../shared/api.js';
import { AppError } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobContext, JobManager } from '../jobs/manager.js';
import type { EndpointDeps } from '../nodes/endpoint.js';
import type { SshPool } from '../ssh/types.js';
import type { GuardedTarget } from './guard.js';
import { LabNodes } from './lab-nodes.js';
import { runTag } from './leftovers.js';
import { EtaClock } from './eta.js';
import { checkResumable, interruptedRuns, killLeftovers, selfOwner } from './resume.js';
import { runStep, type StepTuning } from './step.js';
import { guardPlanTargets, prepareTargets } from './targets.js';
import { DEFAULT_WATCHDOG } from './watchdog.js';
import { cleanupTargets } from './cleanup.js';
import { commonTags, withTargetOverrides, type AppliedConfig, type ConfigHook, type ConfigHookFactory } from './config-hook.js';
import type { PreparedTarget } from './targets.js';
import { describeError } from './resume.js';

export interface RunnerDeps extends EndpointDeps {
  pool: SshPool;
  jobs: JobManager;
  bus: EventBus;
  tuning?: Partial<StepTuning>;
  /** Labs that apply configurations themselves (the local lab boots a guest per config.vm). */
  configHooks?: ConfigHookFactory;
}

/** The configuration currently applied by a hook: its steps' context, or why it could not be applied. */
interface Applied {
  name: string;
  value: AppliedConfig | null;
  error: string | null;
}

export interface RunSummary {
  runId: number;
  status: RunStatus;
  ok: number;
  failed: number;
  cancelled: number;
}

export const DEFAULT_TUNING: StepTuning = { watchdog: DEFAULT_WATCHDOG, samplerIntervalS: 1, serverListenMs: 10_000, serverExitGraceMs: 5000, retryDelayMs: 2000 };

/** Runs active in this process, by database file and run id (two backends may share a process). */
const active = new Map<string, string>();

export class Runner {
  private readonly tuning: StepTuning;

  constructor(private readonly deps: RunnerDeps) {
    this.tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  }

  private key(runId: number): string {
    return `${this.deps.store.file}#${runId}`;
  }

  readonly runningHere = (runId: number): boolean => active.has(this.key(runId));

  jobOf(runId: number): string | undefined {
    return active.get(this.key(runId));
  }

  /** Validates the plan, checks every target with the guard, stores the run and starts it. */
  async start(labId: number, planInput: unknown): Promise<{ runId: number; jobId: string }> {
    const { store, pool } = this.deps;
    const lab = store.labs.get(labId);
    const plan = parsePlan(planInput);
    const nodes = new LabNodes(this.deps, lab, plan);
    // A hook's targets exist only once their configuration is applied: they are guarded then.
    const guarded = this.hookFor(nodes, plan) ? null : await guardPlanTargets(pool, nodes, plan);
    const tags = commonTags(plan.configs);
    const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
    const run = store.runs.create({ labId, name: `${plan.name} ${stamp}`, label: plan.name, plan, tags, steps: expandPlan(plan), owner: selfOwner() });
    return { runId: run.id, jobId: this.launch(run, plan, nodes, guarded) };
  }

  /** Continues an interrupted, failed or cancelled run: steps that are not ok run again. */
  async resume(runId: number): Promise<{ jobId: string }> {
    const { store } = this.deps;
    const run = checkResumable(store.runs, runId, this.runningHere);
    const plan = parsePlan(run.plan, `run ${runId}'s stored plan`);
    const nodes = new LabNodes(this.deps, store.labs.get(run.labId), plan);
    store.runs.setStatus(runId, 'running', selfOwner());
    return { jobId: this.launch(run, plan, nodes, null) };
  }

  /** Cancels a run running here, or marks an interrupted one cancelled (so it is not offered for resume). */
  cancel(runId: number): boolean {
    const { store, jobs } = this.deps;
    const jobId = this.jobOf(runId);
    if (jobId) return jobs.cancel(jobId);
    const run = store.runs.get(runId);
    if (run.status !== 'running') return false;
    if (!interruptedRuns(store.runs, this.runningHere).some((r) => r.id === runId)) {
      throw new AppError('ALREADY_EXISTS', `run ${runId} is being run by process ${run.owner?.pid ?? '?'} on ${run.owner?.host ?? '?'}; cancel it there`);
    }
    store.runs.setStatus(runId, 'cancelled');
    return true;
  }

  private hookFor(nodes: LabNodes, plan: Plan): ConfigHook | null {
    return this.deps.configHooks?.(nodes.lab, plan) ?? null;
  }

  /** Applies a configuration through the hook and prepares the targets it moved; a failure is kept to fail its steps. */
  private async applyConfig(hook: ConfigHook, plan: Plan, config: PlanConfig, nodes: LabNodes, ctx: JobContext): Promise<Applied & { prepared: Map<string, PreparedTarget> | null }> {
    ctx.log('info', `applying configuration "${config.name}"`);
    let value: AppliedConfig | null = null;
    try {
      value = await hook.apply(config, { signal: ctx.signal, log: (text) => ctx.log('info', text) });
      for (const name of value.changedNodes ?? []) {
        this.deps.pool.forget(String(nodes.node(name).id));
        nodes.forget(name);
      }
      const prepared = await prepareTargets(this.deps.pool, nodes, withTargetOverrides(plan, value.targets), undefined, ctx.signal);
      for (const p of prepared.values()) {
        if (p.sampling.device === null) ctx.log('info', `no host iostat for target "${p.target.name}": ${p.sampling.problem}`);
      }
      return { name: config.name, value, error: null, prepared };
    } catch (e) {
      await value?.release().catch((r: unknown) => ctx.log('info', `releasing configuration "${config.name}": ${describeError(r)}`));
      if (ctx.signal.aborted) throw e;
      const error = `configuration "${config.name}" could not be applied: ${describeError(e)}`;
      ctx.log('info', error);
      return { name: config.name, value: null, error, prepared: null };
    }
  }

  interrupted(): RunRecord[] {
    return interruptedRuns(this.deps.store.runs, this.runningHere);
  }

  private launch(run: RunRecord, plan: Plan, nodes: LabNodes, guarded: Map<string, GuardedTarget> | null): string {
    const key = this.key(run.id);
    const { jobId } = this.deps.jobs.start('run', `Run ${run.label}`, run.stepsTotal, async (ctx) => {
      try {
        return await this.execute(run, plan, nodes, guarded, ctx);
      } finally {
        active.delete(key);
      }
    });
    active.set(key, jobId);
    return jobId;
  }

  private async execute(run: RunRecord, plan: Plan, nodes: LabNodes, guarded: Map<string, GuardedTarget> | null, ctx: JobContext): Promise<RunSummary> {
    const { store, pool, bus } = this.deps;
    const runs = store.runs;
    const tag = runTag(run);
    const emit = (step: StepRecord, sample: RunStepEvent['sample']) => bus.emit('run.step', { runId: run.id, jobId: ctx.jobId, step, sample });
    try {
      ctx.progress(0, guarded ? 'mapping target devices' : 'checking targets');
      const hook = this.hookFor(nodes, plan);
      let prepared = hook ? new Map<string, PreparedTarget>() : await prepareTargets(pool, nodes, plan, guarded ?? undefined, ctx.signal);
      for (const p of prepared.values()) {
        if (p.sampling.device === null) ctx.log('info', `no host iostat for target "${p.target.name}": ${p.sampling.problem}`);
      }
      const steps = runs.steps(run.id);
      if (steps.some((s) => s.status !== 'pending')) {
        // A resumed run: a killed runner may have left its last step running on the nodes.
        const touched = [...plan.targets.flatMap((t) => [t.node, t.hostNode ?? t.node]), ...plan.workloads.flatMap((w) => ('client' in w ? [w.client, w.server] : []))];
        const killed = await killLeftovers(pool, nodes, touched.filter((n) => !hook?.managedNodes.includes(n)), tag, ctx.signal);
        if (killed.length > 0) ctx.log('info', `stopped what the previous runner left running: ${killed.join('; ')}`);
      }
      const eta = new EtaClock(steps);
      let applied: Applied | null = null;
      try {
        for (const step of steps) {
          if (step.status === 'ok') continue;
          if (ctx.signal.aborted) break;
          const parts = stepParts(plan, step);
          if (hook && applied?.name !== step.configName) {
            const previous = applied?.value;
            applied = null;
            await previous?.release();
            const next = await this.applyConfig(hook, plan, parts.config, nodes, ctx);
            applied = next;
            if (next.prepared) prepared = next.prepared;
          }
          if (applied?.error) {
            const at = new Date().toISOString();
            emit(runs.updateStep(step.id, { status: 'failed', error: applied.error, context: { config: parts.config }, startedAt: at, endedAt: at }), null);
            continue;
          }
          const title = `${describeWorkload(parts.workload)}${step.targetName ? ` on ${step.targetName}` : ''} · ${step.configName} · repeat ${step.repeat}`;
          ctx.progress(step.index + 1, title, eta.remainingS(step.index));
          const started = Date.now();
          const prep = step.targetName === null ? null : (prepared.get(step.targetName) ?? null);
          const done = await runStep({ pool, runs, nodes, step, parts, prepared: prep, tag, tuning: this.tuning, signal: ctx.signal, onUpdate: emit, ...(applied?.value?.context ? { extraContext: applied.value.context } : {}) });
          eta.record(done, Date.now() - started);
          const figure = done.metric ? `${done.metric.value.toFixed(1)} ${done.metric.unit}` : (done.error ?? done.status);
          ctx.log('info', `step ${step.index + 1}/${steps.length} ${done.status}: ${title}: ${figure}`);
        }
      } finally {
        await applied?.value?.release().catch((e: unknown) => ctx.log('info', `releasing configuration "${applied?.name ?? ''}": ${describeError(e)}`));
      }
      const final = runs.steps(run.id);
      const count = (s: StepRecord['status']) => final.filter((x) => x.status === s).length;
      const status: RunStatus = ctx.signal.aborted ? 'cancelled' : count('ok') === final.length ? 'ok' : 'failed';
      if (!ctx.signal.aborted) await cleanupTargets(pool, nodes, prepared, ctx).catch((e: unknown) => ctx.log('info', `cleanup: ${String(e)}`));
      runs.setStatus(run.id, status);
      if (status === 'cancelled') throw new AppError('CANCELLED', `run ${run.id} cancelled`);
      return { runId: run.id, status, ok: count('ok'), failed: count('failed'), cancelled: count('cancelled') };
    } catch (e) {
      if (runs.get(run.id).status === 'running') runs.setStatus(run.id, ctx.signal.aborted ? 'cancelled' : 'failed');
      throw e;
    }
  }
}
