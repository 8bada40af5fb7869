// The paper's findings F1-F5, each held / did not hold / not measured, with the lab's numbers
// beside the paper's; and the advisor's notes explaining each measurement in the paper's terms.
import { findingsCsv, type AdviceVM, type FindingVM } from '../../../../shared/report/index.js';
import { downloadText, fmt } from './format.js';

const STATUS = { held: ['held', 'ok'], 'did-not-hold': ['did not hold', 'bad'], 'not-measured': ['not measured', 'warn'] } as const;

export function FindingsView({ findings, exportable = true }: { findings: FindingVM[]; exportable?: boolean }) {
  return (
    <section data-testid="findings">
      <div className="card-head">
        <h3>Findings of Shafer 2010, checked against these runs</h3>
        {exportable && (
          <button type="button" className="small-btn no-print" data-testid="findings-csv" onClick={() => downloadText(findingsCsv(findings), 'iovlab-findings.csv', 'text/csv')}>
            CSV
          </button>
        )}
      </div>
      {findings.map((f) => {
        const [word, tone] = STATUS[f.status];
        return (
          <article key={f.id} className="finding" data-testid="finding" data-finding={f.id} data-status={f.status}>
            <h4 className="finding-title">
              <span className="finding-id">{f.id}</span> {f.title} <span className={`badge ${tone}`}>{word}</span>
            </h4>
            <p className="small">{f.claim}</p>
            <p data-testid="finding-summary">
              <span className="strong">This lab: </span>
              {f.summary}
            </p>
            <p className="small muted">
              <span className="strong">Paper: </span>
              {f.paper} {f.paperSupport}
            </p>
          </article>
        );
      })}
    </section>
  );
}

export function AdvisorView({ advice }: { advice: AdviceVM[] }) {
  if (advice.length === 0) return <p className="muted">No guest storage measurements in the selection, so there is nothing to explain.</p>;
  return (
    <section data-testid="advisor">
      <h3>Advisor notes</h3>
      <p className="small muted">Each guest storage measurement read in the paper's terms, from the host's iostat figures and the lab's own non-virtualized baseline.</p>
      {advice.map((a) => (
        <article key={`${a.scope}-${a.groupKey}-${a.stepId ?? ''}`} className="advice" data-testid="advice" data-scope={a.scope}>
          <h4 className="advice-title">
            {a.scope === 'step' ? 'Step: ' : ''}
            {a.label}
          </h4>
          <p className="small muted">
            {a.host
              ? `Host: ${fmt(a.host.avgRqSectors)} sectors per request, queue ${fmt(a.host.avgQueue)}, ${fmt(a.host.utilPct)}% busy (${a.host.samples} samples).`
              : 'No host iostat samples.'}{' '}
            {a.baselineMBps !== null ? `Baseline: ${fmt(a.baselineMBps)} MB/s non-virtualized.` : 'No non-virtualized baseline in the selection.'}
          </p>
          {a.advice.length === 0 ? (
            <p className="small">No rule fired: nothing in these numbers points at a known bottleneck.</p>
          ) : (
            a.advice.map((x) => (
              <div key={x.ruleId} className={`advice-item sev-${x.severity}`} data-rule={x.ruleId}>
                <p className="strong">{x.title}</p>
                <p className="small">{x.explanation}</p>
                <p className="small">
                  <span className="strong">Try: </span>
                  {x.suggestion}
                </p>
              </div>
            ))
          )}
        </article>
      ))}
    </section>
  );
}
