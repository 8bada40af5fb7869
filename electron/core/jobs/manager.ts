// Long work is a job: an id, typed progress and log events, and cancellation through an
// AbortSignal that reaches all the way down to the SSH channel.
import { randomUUID } from 'node:crypto';
import type { JobLogLine, JobProgress } from '../../../shared/model.js';
import { AppError, isAppError, type ApiError, type Result } from '../../../shared/result.js';
import type { EventBus } from '../events.js';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  progress(step: number, stepTitle: string, etaS?: number | null): void;
  log(stream: JobLogLine['stream'], text: string): void;
}

interface RunningJob {
  progress: JobProgress;
  controller: AbortController;
  done: Promise<Result<unknown>>;
}

/** Finished jobs stay listed for a while so a late-joining UI can still see how they ended. */
const KEEP_FINISHED = 50;

export class JobManager {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(private readonly bus: EventBus) {}

  start<T>(kind: string, title: string, stepsTotal: number, run: (ctx: JobContext) => Promise<T>): { jobId: string; done: Promise<Result<T>> } {
    const jobId = randomUUID();
    const controller = new AbortController();
    const job: RunningJob = {
      controller,
      progress: { jobId, kind, title, step: 0, stepsTotal, stepTitle: 'starting', status: 'running', etaS: null },
      done: Promise.resolve({ ok: true, value: undefined }), // replaced below, once the run has started
    };
    this.jobs.set(jobId, job);
    this.prune();
    this.bus.emit('job.progress', { ...job.progress });

    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (step, stepTitle, etaS = null) => {
        job.progress = { ...job.progress, step, stepTitle, etaS };
        this.bus.emit('job.progress', { ...job.progress });
      },
      log: (stream, text) => this.bus.emit('job.log', { jobId, at: new Date().toISOString(), stream, text }),
    };

    const done = (async (): Promise<Result<T>> => {
      try {
        const value = await run(ctx);
        this.finish(job, 'ok');
        return { ok: true, value };
      } catch (e) {
        const error: ApiError = isAppError(e) ? e.toApiError() : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
        const cancelled = controller.signal.aborted || error.code === 'CANCELLED';
        this.finish(job, cancelled ? 'cancelled' : 'failed', error);
        return { ok: false, error: cancelled ? { code: 'CANCELLED', message: `${title}: cancelled` } : error };
      }
    })();
    job.done = done;
    return { jobId, done };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.progress.status !== 'running') return false;
    job.controller.abort(new AppError('CANCELLED', `${job.progress.title}: cancelled by the user`));
    return true;
  }

  /** Resolves with the job's outcome (at once for a finished job still listed). */
  wait(jobId: string): Promise<Result<unknown>> {
    const job = this.jobs.get(jobId);
    return job ? job.done : Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `no job ${jobId}` } });
  }

  list(): JobProgress[] {
    return [...this.jobs.values()].map((j) => ({ ...j.progress }));
  }

  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id);
  }

  private finish(job: RunningJob, status: JobProgress['status'], error?: ApiError): void {
    job.progress = { ...job.progress, status, etaS: 0, ...(status === 'ok' ? { step: job.progress.stepsTotal, stepTitle: 'done' } : {}), ...(error ? { error } : {}) };
    this.bus.emit('job.progress', { ...job.progress });
  }

  private prune(): void {
    const finished = [...this.jobs.entries()].filter(([, j]) => j.progress.status !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(id);
  }
}
