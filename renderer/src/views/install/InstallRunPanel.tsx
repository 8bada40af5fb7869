// One install of a recipe on the lab: its status and progress, Cancel while it runs, Resume
// after a failure, cancellation or a lost process, the live output of its job and every step.
import type { InstallRun } from '../../../../shared/install/types.js';
import { useApp } from '../../store/index.js';
import { formatTime } from '../format.js';
import { canResume, runBadge, settledCount } from './format.js';
import { InstallStepsTable } from './InstallStepsTable.js';
import { LogPane } from './LogPane.js';

function Actions({ run, jobId }: { run: InstallRun; jobId: string | undefined }) {
  const cancelInstall = useApp((s) => s.cancelInstall);
  const resumeInstall = useApp((s) => s.resumeInstall);
  const busy = useApp((s) => s.busy);
  const cancelling = busy[`install:cancel:${run.id}`] === true;
  return (
    <div className="run-actions">
      {run.status === 'running' && (
        <button
          type="button"
          className="danger-outline"
          disabled={!jobId || cancelling}
          title={jobId ? 'Stops the running step (its command is killed) and the steps after it' : 'Waiting to learn which job runs this install'}
          onClick={() => void cancelInstall(run.id)}
          data-testid="install-cancel"
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      {canResume(run.status) && (
        <button type="button" className="primary" disabled={busy[`install:resume:${run.id}`] === true} onClick={() => void resumeInstall(run.id)} data-testid="install-resume">
          Resume
        </button>
      )}
    </div>
  );
}

export function InstallRunPanel({ run, recipeTitle }: { run: InstallRun; recipeTitle: string }) {
  const jobId = useApp((s) => s.installJobIds[run.id]);
  const job = useApp((s) => (jobId ? s.jobs[jobId] : undefined));
  const done = settledCount(run.steps);
  const total = run.steps.length;
  const running = run.steps.find((s) => s.status === 'running');
  const jobError = job?.status === 'failed' ? job.error?.message : undefined;

  return (
    <section className="card" data-testid="install-run" data-install-id={run.id} data-state={run.status}>
      <div className="page-head">
        <div>
          <h2>
            Install #{run.id}: {recipeTitle}{' '}
            <span className={runBadge(run.status)} data-testid="install-status">
              {run.status}
            </span>
          </h2>
          <p className="muted small">
            recipe <code>{run.recipeId}</code> · started {formatTime(run.createdAt)}
            {run.finishedAt ? ` · finished ${formatTime(run.finishedAt)}` : ''}
          </p>
        </div>
        <Actions run={run} jobId={jobId} />
      </div>
      <div className="install-progress" data-testid="install-progress" data-done={done} data-total={total}>
        <progress max={Math.max(1, total)} value={done} aria-label="steps settled" />
        <span className="strong">
          {done} of {total} steps settled
        </span>
        {run.status === 'running' && running && (
          <span data-testid="install-current">
            · now: {running.title} on {running.nodeName}
          </span>
        )}
      </div>
      {run.status === 'interrupted' && <p className="banner small">The process running this install is gone (app closed, connection lost). Resume re-runs the steps that did not finish; a step's check skips what is already done.</p>}
      {jobError && (
        <p className="danger-box small" role="alert" data-testid="install-job-error">
          {jobError}
        </p>
      )}
      <div className="log-head">
        <h3>Live output</h3>
        <span className="muted small">{jobId ? 'what the steps print, as they print it' : 'shown while this window follows the install; each step keeps its own output below'}</span>
      </div>
      <LogPane jobId={jobId ?? null} testId="install-log" empty={run.status === 'running' ? 'waiting for output…' : 'no live output in this window: open a step below to see what it printed'} />
      <h3 className="steps-head">Steps</h3>
      <InstallStepsTable steps={run.steps} />
    </section>
  );
}
