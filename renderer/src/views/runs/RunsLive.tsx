// Always mounted: keeps the runs slice subscribed to run.step / job.progress events, and offers
// to resume the runs a process left 'running' when it died (app closed, machine rebooted).
import { useEffect } from 'react';
import { useApp } from '../../store/index.js';

export function RunsLive() {
  const watchRuns = useApp((s) => s.watchRuns);
  const connection = useApp((s) => s.connection);
  const loadInterrupted = useApp((s) => s.loadInterrupted);
  const interrupted = useApp((s) => s.interruptedRuns);
  const labs = useApp((s) => s.labs);
  const resumeRun = useApp((s) => s.resumeRun);
  const openLab = useApp((s) => s.openLab);
  const showRuns = useApp((s) => s.showRuns);
  const busy = useApp((s) => s.busy);

  useEffect(() => watchRuns(), [watchRuns]);
  // On start and after every reconnect: the server may have been restarted meanwhile.
  useEffect(() => {
    if (connection === 'open') void loadInterrupted();
  }, [connection, loadInterrupted]);

  if (interrupted.length === 0) return null;
  const open = (labId: number, runId: number) => {
    openLab(labId);
    showRuns('run', runId);
  };
  const resume = async (labId: number, runId: number) => {
    if (await resumeRun(runId)) open(labId, runId);
  };
  return (
    <div className="banner interrupted-banner" role="status" data-testid="interrupted-banner">
      <strong>
        {interrupted.length === 1 ? 'A run was' : `${interrupted.length} runs were`} interrupted (the process running {interrupted.length === 1 ? 'it' : 'them'} is gone).
      </strong>{' '}
      Finished steps are kept; resuming re-runs only the steps that did not finish.
      <ul className="interrupted-list">
        {interrupted.map((r) => (
          <li key={r.id} data-testid="interrupted-run" data-run-id={r.id}>
            <span>
              run #{r.id} <strong>{r.label}</strong> in lab {labs.find((l) => l.id === r.labId)?.name ?? `#${r.labId}`}: {r.stepsDone} of {r.stepsTotal} steps done
            </span>
            <button type="button" className="small-btn primary" disabled={busy[`runs:resume:${r.id}`] === true} onClick={() => void resume(r.labId, r.id)} data-testid="interrupted-resume">
              Resume
            </button>
            <button type="button" className="small-btn" onClick={() => open(r.labId, r.id)} data-testid="interrupted-open">
              Open
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
