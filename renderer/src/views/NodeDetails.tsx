import type { Lab } from '../../../shared/model.js';
import { useApp } from '../store/index.js';
import { FactsPanel } from './FactsPanel.js';
import { HostKeyPanel } from './HostKeyPanel.js';
import { RoleBadges } from './NodesTable.js';
import { ProbePanel } from './ProbePanel.js';

export function NodeDetails({ lab }: { lab: Lab }) {
  const selectedId = useApp((s) => s.selectedNodeId);
  const node = lab.nodes.find((n) => n.id === selectedId);
  if (!node) {
    if (lab.nodes.length === 0) return null;
    return (
      <section className="card muted small" data-testid="node-details-hint">
        Select a node (click its name) to check its host key, probe it and see its facts.
      </section>
    );
  }
  return (
    <section className="card" data-testid="node-details" data-node-name={node.name}>
      <div className="card-head">
        <h2>
          {node.name} <RoleBadges roles={node.roles} />
        </h2>
        <span className="mono small muted">
          {node.user}@{node.host}:{node.port}
        </span>
      </div>
      <div className="grid-2">
        <HostKeyPanel node={node} />
        <ProbePanel node={node} />
      </div>
      <FactsPanel node={node} />
    </section>
  );
}
