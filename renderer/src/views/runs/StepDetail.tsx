// One step as it ran: the exact command lines (and on which node), the raw stdout and stderr,
// the context it ran under, and its host iostat samples.
import { useEffect } from 'react';
import type { StepRecord } from '../../../../shared/bench/types.js';
import { useApp } from '../../store/index.js';
import { formatTime } from '../format.js';
import { badgeClass, num, unitLabel } from './format.js';
import { SamplesPanel } from './SamplesPanel.js';

function Output({ title, text, testId }: { title: string; text: string; testId: string }) {
  return (
    <div className="output">
      <h4>{title}</h4>
      {text === '' ? <p className="muted small">(empty)</p> : <pre className="output-text" data-testid={testId}>{text}</pre>}
    </div>
  );
}

export function StepDetail({ step, describe, onClose }: { step: StepRecord; describe: string | null; onClose: () => void }) {
  const samples = useApp((s) => s.stepSamples[step.id]);
  const loadStepSamples = useApp((s) => s.loadStepSamples);
  const running = step.status === 'running';
  useEffect(() => {
    // Live samples arrive by event; a finished step's come from the store.
    if (!running && samples === undefined) void loadStepSamples(step.id);
  }, [running, samples, step.id, loadStepSamples]);

  return (
    <section className="card" data-testid="step-detail" data-step-id={step.id} data-status={step.status}>
      <div className="card-head">
        <h2>
          Step {step.index + 1}: <span className="mono">{step.workloadId}</span>
          {step.targetName ? ` on ${step.targetName}` : ''} · repeat {step.repeat}
        </h2>
        <button type="button" className="link" onClick={onClose} data-testid="step-detail-close">
          close
        </button>
      </div>
      <dl className="kv facts-summary">
        <dt>Workload</dt>
        <dd>{describe ?? step.tool}</dd>
        <dt>Status</dt>
        <dd>
          <span className={badgeClass(step.status)}>{step.status}</span> attempt {step.attempt || '—'}
        </dd>
        <dt>Configuration</dt>
        <dd>{step.configName}</dd>
        <dt>Result</dt>
        <dd>{step.metric ? `${num(step.metric.value)} ${unitLabel(step.metric.unit)} (${step.metric.name})` : '—'}</dd>
        <dt>Started</dt>
        <dd>{formatTime(step.startedAt)}</dd>
        <dt>Ended</dt>
        <dd>{formatTime(step.endedAt)}</dd>
      </dl>
      {step.error && (
        <p className="danger-box small" data-testid="step-error">
          {step.error}
        </p>
      )}
      <h4>Command lines</h4>
      {step.commands.length === 0 ? (
        <p className="muted small">Nothing ran yet.</p>
      ) : (
        <ol className="commands" data-testid="step-commands">
          {step.commands.map((c, i) => (
            <li key={i}>
              <span className="badge role">{c.node}</span> <code className="command">{c.command}</code>
            </li>
          ))}
        </ol>
      )}
      <div className="grid-2">
        <Output title="stdout" text={step.stdout} testId="step-stdout" />
        <Output title="stderr" text={step.stderr} testId="step-stderr" />
      </div>
      <SamplesPanel step={step} samples={samples} live={running} />
      {Object.keys(step.context).length > 0 && (
        <details className="context">
          <summary className="small">Context (node facts, configuration, host device)</summary>
          <pre className="output-text">{JSON.stringify(step.context, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}
