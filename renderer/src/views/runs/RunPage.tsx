// One run: its progress (step i of n, ETA from the measured steps), the running step's host
// iostat streamed live, every step, the statistics, and one step's detail; Cancel and Resume.
import { useEffect, useMemo, useState } from 'react';
import { describeWorkload } from '../../../../shared/bench/metric.js';
import { parsePlan } from '../../../../shared/bench/plan.js';
import type { RunRecord, RunStatus, StepRecord } from '../../../../shared/bench/types.js';
import type { JobProgress, Lab } from '../../../../shared/model.js';
import { useApp } from '../../store/index.js';
import { formatTime } from '../format.js';
import { badgeClass, duration, runStatusOf } from './format.js';
import { Tags } from './RunsList.js';
import { SamplesPanel } from './SamplesPanel.js';
import { StatsTable } from './StatsTable.js';
import { StepDetail } from './StepDetail.js';
import { StepsTable } from './StepsTable.js';

/** Workload id → plain-language description, from the plan stored with the run. */
function describer(plan: unknown): (workloadId: string) => string | null {
  try {
    const byId = new Map(parsePlan(plan).workloads.map((w) => [w.id, describeWorkload(w)]));
    return (id) => byId.get(id) ?? null;
  } catch {
    return () => null; // an imported run's plan is not a runnable plan
  }
}

function Progress({ run, steps, job, status }: { run: RunRecord; steps: StepRecord[]; job: JobProgress | undefined; status: RunStatus }) {
  const running = steps.find((s) => s.status === 'running');
  const live = status === 'running' && job?.status === 'running';
  const at = live && job.step > 0 ? job.step : running ? running.index + 1 : null;
  return (
    <div className="run-progress" data-testid="run-progress" data-done={run.stepsDone} data-total={run.stepsTotal}>
      <progress max={Math.max(1, run.stepsTotal)} value={run.stepsDone} aria-label="steps done" />
      <span className="strong">
        {run.stepsDone} of {run.stepsTotal} steps done
      </span>
      {status === 'running' && at !== null && (
        <span data-testid="run-current">
          · step {at} of {run.stepsTotal}
          {live && job.stepTitle ? `: ${job.stepTitle}` : ''}
        </span>
      )}
      {live && (
        <span className="muted" data-testid="run-eta">
          · {job.etaS === null ? 'ETA after the first step' : `about ${duration(job.etaS)} left`}
        </span>
      )}
    </div>
  );
}

function RunActions({ lab, run, status }: { lab: Lab; run: RunRecord; status: RunStatus }) {
  const cancelRun = useApp((s) => s.cancelRun);
  const resumeRun = useApp((s) => s.resumeRun);
  const startRun = useApp((s) => s.startRun);
  const busy = useApp((s) => s.busy);
  const [again, setAgain] = useState<string | null>(null);
  const runAgain = async () => {
    const r = await startRun(lab.id, run.plan);
    setAgain(r.ok ? null : r.error.message);
  };
  return (
    <div className="run-actions">
      {(status === 'running' || status === 'interrupted') && (
        <button type="button" className="danger-outline" disabled={busy[`runs:cancel:${run.id}`] === true} onClick={() => void cancelRun(run.id)} data-testid="cancel-run">
          {busy[`runs:cancel:${run.id}`] ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      {(status === 'interrupted' || status === 'failed' || status === 'cancelled') && (
        <button type="button" className="primary" disabled={busy[`runs:resume:${run.id}`] === true} onClick={() => void resumeRun(run.id)} data-testid="resume-run">
          Resume
        </button>
      )}
      {status !== 'running' && (
        <button type="button" disabled={busy['runs:start'] === true} onClick={() => void runAgain()} title="Start a new run of the same plan" data-testid="run-again">
          Run again
        </button>
      )}
      {again && (
        <span className="alert inline small" role="alert">
          {again}
        </span>
      )}
    </div>
  );
}

export function RunPage({ lab, runId }: { lab: Lab; runId: number }) {
  const detail = useApp((s) => s.runDetails[runId]);
  const stats = useApp((s) => s.runStats[runId]);
  const interrupted = useApp((s) => s.interruptedRuns);
  const job = useApp((s) => s.jobs[s.runJobIds[runId] ?? '']);
  const loadRunDetail = useApp((s) => s.loadRunDetail);
  const loadRunStats = useApp((s) => s.loadRunStats);
  const showRuns = useApp((s) => s.showRuns);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const describe = useMemo(() => describer(detail?.run.plan), [detail?.run.plan]);
  const running = detail?.steps.find((s) => s.status === 'running');
  const liveSamples = useApp((s) => (running ? s.stepSamples[running.id] : undefined));

  const connection = useApp((s) => s.connection);
  // Again after a reconnect: run.step events sent while the socket was down are lost.
  useEffect(() => {
    if (connection !== 'open') return;
    void loadRunDetail(runId);
    void loadRunStats(runId);
  }, [runId, connection, loadRunDetail, loadRunStats]);

  if (!detail) {
    return (
      <section className="card" data-testid="run-page" data-state="loading">
        <p className="muted">Loading run #{runId}…</p>
      </section>
    );
  }
  const { run, steps } = detail;
  const status = runStatusOf(run, new Set(interrupted.map((r) => r.id)));
  const selected = steps.find((s) => s.id === selectedId);
  const jobError = job && job.status === 'failed' ? job.error?.message : undefined;

  return (
    <div className="stack" data-testid="run-page" data-run-id={run.id} data-state={status}>
      <section className="card">
        <div className="page-head">
          <div>
            <button type="button" className="link small" onClick={() => showRuns('runs')} data-testid="run-back">
              ← runs of {lab.name}
            </button>
            <h1 data-testid="run-title">
              Run #{run.id}: {run.label}{' '}
              <span className={badgeClass(status)} data-testid="run-status">
                {status}
              </span>
            </h1>
            <p className="muted small">
              {run.name} · created {formatTime(run.createdAt)}
              {run.finishedAt ? ` · finished ${formatTime(run.finishedAt)}` : ''}
              {run.owner ? ` · run by process ${run.owner.pid} on ${run.owner.host}` : ''}
            </p>
            {Object.keys(run.tags).length > 0 && <Tags tags={run.tags} />}
          </div>
          <RunActions lab={lab} run={run} status={status} />
        </div>
        <Progress run={run} steps={steps} job={job} status={status} />
        {status === 'interrupted' && (
          <p className="banner small">The process running this run is gone. Resume re-runs the steps that did not finish; the finished ones are kept.</p>
        )}
        {jobError && (
          <p className="danger-box small" role="alert" data-testid="run-job-error">
            {jobError}
          </p>
        )}
      </section>
      {running && (
        <section className="card" data-testid="run-live" data-step-id={running.id}>
          <h2>
            Now: step {running.index + 1} · <span className="mono">{running.workloadId}</span>
            {running.targetName ? ` on ${running.targetName}` : ''} · repeat {running.repeat}
          </h2>
          <p className="muted small">{describe(running.workloadId) ?? running.tool}</p>
          <SamplesPanel step={running} samples={liveSamples ?? []} live />
        </section>
      )}
      <StepsTable steps={steps} describe={describe} selectedId={selectedId} onSelect={setSelectedId} />
      {selected && <StepDetail step={selected} describe={describe(selected.workloadId)} onClose={() => setSelectedId(null)} />}
      <StatsTable rows={stats} loaded={stats !== undefined} />
    </div>
  );
}
