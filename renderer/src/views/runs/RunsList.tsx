// A lab's runs, newest first: status, steps done of total, when, tags and label.
import { useEffect, useMemo } from 'react';
import type { Lab } from '../../../../shared/model.js';
import { useApp } from '../../store/index.js';
import { formatTime } from '../format.js';
import { badgeClass, runStatusOf } from './format.js';

export function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="tags">
      {entries.map(([k, v]) => (
        <code key={k} className="tag">
          {k}={v}
        </code>
      ))}
    </span>
  );
}

export function RunsList({ lab }: { lab: Lab }) {
  const runs = useApp((s) => s.runLists[lab.id]);
  const interrupted = useApp((s) => s.interruptedRuns);
  const loadRunList = useApp((s) => s.loadRunList);
  const showRuns = useApp((s) => s.showRuns);
  const resumeRun = useApp((s) => s.resumeRun);
  const busy = useApp((s) => s.busy);
  const interruptedIds = useMemo(() => new Set(interrupted.map((r) => r.id)), [interrupted]);

  const connection = useApp((s) => s.connection);
  useEffect(() => {
    if (connection === 'open') void loadRunList(lab.id);
  }, [lab.id, connection, loadRunList]);

  const resume = async (runId: number) => {
    if (await resumeRun(runId)) showRuns('run', runId);
  };

  return (
    <section className="card" data-testid="runs-list" data-state={runs ? 'ready' : 'loading'}>
      <div className="card-head">
        <h2>Runs</h2>
        <button type="button" className="primary" onClick={() => showRuns('plan')} data-testid="new-run">
          New run…
        </button>
      </div>
      {!runs ? (
        <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted" data-testid="runs-empty">
          No runs in this lab yet. Start one with <strong>New run…</strong>, or run <code>iovlab run --lab "{lab.name}" --plan plan.yaml</code>.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Label</th>
                <th>Status</th>
                <th className="num">Steps</th>
                <th>Created</th>
                <th>Tags</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const status = runStatusOf(r, interruptedIds);
                return (
                  <tr key={r.id} data-testid="runs-row" data-run-id={r.id} data-status={status}>
                    <td className="nowrap">
                      <button type="button" className="link" onClick={() => showRuns('run', r.id)} data-testid="open-run">
                        #{r.id}
                      </button>
                    </td>
                    <td>
                      <div className="strong">{r.label}</div>
                      <div className="muted small">{r.name}</div>
                    </td>
                    <td>
                      <span className={badgeClass(status)} data-testid="run-status">
                        {status}
                      </span>
                    </td>
                    <td className="num nowrap" data-testid="run-steps">
                      <progress max={Math.max(1, r.stepsTotal)} value={r.stepsDone} className="mini" aria-label={`${r.stepsDone} of ${r.stepsTotal} steps`} /> {r.stepsDone}/{r.stepsTotal}
                    </td>
                    <td className="nowrap">{formatTime(r.createdAt)}</td>
                    <td>
                      <Tags tags={r.tags} />
                    </td>
                    <td className="actions">
                      {status === 'interrupted' && (
                        <button type="button" className="small-btn" disabled={busy[`runs:resume:${r.id}`] === true} onClick={() => void resume(r.id)} data-testid="resume-run">
                          Resume
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
