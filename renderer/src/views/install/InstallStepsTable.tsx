// Every step of an install on every node it runs on, in run order, updated live from
// install.step events: status, the reason (why not applicable, what failed), how long it took;
// a click shows what the step's check/action/verify printed (the stored tail of its log).
import { Fragment, useState } from 'react';
import type { InstallStepRecord } from '../../../../shared/install/types.js';
import { elapsed } from '../runs/format.js';
import { stepBadge, stepLabel } from './format.js';

export function InstallStepsTable({ steps }: { steps: InstallStepRecord[] }) {
  const [openId, setOpenId] = useState<number | null>(null);
  if (steps.length === 0) return <p className="muted small">No steps recorded yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table compact" data-testid="install-steps">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Step</th>
            <th>Node</th>
            <th>Status</th>
            <th>Reason</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => (
            <Fragment key={s.id}>
              <tr
                className={`clickable${s.id === openId ? ' selected' : ''}${s.status === 'running' ? ' running-row' : ''}`}
                onClick={() => setOpenId(s.id === openId ? null : s.id)}
                data-testid="install-step-row"
                data-step-id={s.stepId}
                data-index={s.index}
                data-node-name={s.nodeName}
                data-status={s.status}
              >
                <td className="num">
                  <button type="button" className="link" aria-expanded={s.id === openId} aria-label={`Show the output of step ${s.index + 1} on ${s.nodeName}`} data-testid="install-step-open">
                    {s.index + 1}
                  </button>
                </td>
                <td>
                  {s.title}
                  <div className="muted small mono">{s.stepId}</div>
                </td>
                <td>{s.nodeName}</td>
                <td>
                  <span className={stepBadge(s.status)} data-testid="install-step-status">
                    {stepLabel(s.status)}
                  </span>
                </td>
                <td className={`step-reason small${s.status === 'failed' ? ' step-error' : ''}`} data-testid="install-step-reason">
                  {s.reason ?? ''}
                </td>
                <td className="num nowrap">{s.status === 'pending' ? '—' : elapsed(s.startedAt, s.finishedAt)}</td>
              </tr>
              {s.id === openId && (
                <tr className="step-log-row">
                  <td />
                  <td colSpan={5}>
                    <pre className="output-text" data-testid="install-step-log">
                      {s.log || '(nothing printed)'}
                    </pre>
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
