// Every step of a run in run order, updated live from run.step events; a click opens its detail.
import type { StepRecord } from '../../../../shared/bench/types.js';
import { badgeClass, elapsed, num, unitLabel } from './format.js';

export function StepsTable({ steps, describe, selectedId, onSelect }: { steps: StepRecord[]; describe: (workloadId: string) => string | null; selectedId: number | null; onSelect: (id: number) => void }) {
  const multiConfig = new Set(steps.map((s) => s.configName)).size > 1;
  return (
    <section className="card" data-testid="steps-table">
      <h2>Steps</h2>
      <div className="table-wrap">
        <table className="table compact">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Config</th>
              <th>Workload</th>
              <th>Target</th>
              <th className="num">Repeat</th>
              <th>Status</th>
              <th className="num">Result</th>
              <th className="num">Attempt</th>
              <th className="num">Time</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr
                key={s.id}
                className={`clickable${s.id === selectedId ? ' selected' : ''}${s.status === 'running' ? ' running-row' : ''}`}
                onClick={() => onSelect(s.id)}
                data-testid="step-row"
                data-step-id={s.id}
                data-index={s.index}
                data-status={s.status}
                data-workload={s.workloadId}
              >
                <td className="num">
                  <button type="button" className="link" onClick={() => onSelect(s.id)} aria-label={`Show step ${s.index + 1}`} data-testid="step-open">
                    {s.index + 1}
                  </button>
                </td>
                <td className={multiConfig ? '' : 'muted'}>{s.configName}</td>
                <td title={describe(s.workloadId) ?? undefined}>
                  <span className="mono">{s.workloadId}</span>
                  <div className="muted small">{describe(s.workloadId) ?? s.tool}</div>
                </td>
                <td>{s.targetName ?? <span className="muted">—</span>}</td>
                <td className="num">{s.repeat}</td>
                <td>
                  <span className={badgeClass(s.status)} data-testid="step-status">
                    {s.status}
                  </span>
                </td>
                <td className="num nowrap" data-testid="step-metric">
                  {s.metric ? (
                    <>
                      <strong>{num(s.metric.value)}</strong> {unitLabel(s.metric.unit)}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td className="num">{s.attempt || '—'}</td>
                <td className="num nowrap">{s.status === 'pending' ? '—' : elapsed(s.startedAt, s.endedAt)}</td>
                <td className="step-error small">{s.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
