import { EXPERIMENTS } from '../../../shared/experiments.js';
import type { ExperimentReadiness, Lab } from '../../../shared/model.js';
import { useApp } from '../store/index.js';

const NONE: ExperimentReadiness[] = [];

function groupByNode(missing: ExperimentReadiness['missing']): [string, string[]][] {
  const byNode = new Map<string, string[]>();
  for (const m of missing) byNode.set(m.node, [...(byNode.get(m.node) ?? []), m.tool]);
  return [...byNode.entries()];
}

/** What each experiment still needs in this lab, from the nodes' latest probes (lab.readiness). */
export function ReadinessPanel({ lab }: { lab: Lab }) {
  const readiness = useApp((s) => s.readiness[lab.id] ?? NONE);
  const probed = lab.nodes.some((n) => n.lastProbeAt !== null);
  const readyCount = readiness.filter((r) => r.ready).length;

  return (
    <section className="card" data-testid="readiness-panel">
      <div className="card-head">
        <h2>Experiment readiness</h2>
        {readiness.length > 0 && (
          <span className="small muted" data-testid="readiness-summary">
            {readyCount} of {readiness.length} experiments can run
          </span>
        )}
      </div>
      {!probed && <p className="small muted">Probe the lab's nodes to see which of the paper's experiments can run and what is missing where.</p>}
      {readiness.length > 0 && (
        <table className="table" data-testid="readiness-table">
          <thead>
            <tr>
              <th>Experiment</th>
              <th>Status</th>
              <th>Missing, by node</th>
            </tr>
          </thead>
          <tbody>
            {readiness.map((r) => {
              const experiment = EXPERIMENTS.find((e) => e.id === r.experimentId);
              return (
                <tr key={r.experimentId} data-testid="readiness-row" data-experiment={r.experimentId} data-ready={r.ready ? 'yes' : 'no'}>
                  <td>
                    <div>{experiment?.title ?? r.experimentId}</div>
                    <div className="small muted">{experiment ? `${experiment.paperRef} · ${r.experimentId}` : ''}</div>
                  </td>
                  <td>{r.ready ? <span className="badge ok">ready</span> : <span className="badge bad">not ready</span>}</td>
                  <td>
                    {groupByNode(r.missing).map(([node, tools]) => (
                      <div key={node} className="small">
                        <strong>{node}</strong>: <span className="mono">{tools.join(', ')}</span>
                      </div>
                    ))}
                    {r.notes.map((note) => (
                      <div key={note} className="small note">
                        {note}
                      </div>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
