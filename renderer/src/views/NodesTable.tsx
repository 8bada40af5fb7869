import { ROLE_TITLES } from '../../../shared/roles.js';
import type { Lab, LabNode } from '../../../shared/model.js';
import { useApp } from '../store/index.js';
import { ConfirmButton } from './ConfirmButton.js';
import { formatTime } from './format.js';

export function RoleBadges({ roles }: { roles: LabNode['roles'] }) {
  return (
    <span className="badges">
      {roles.map((r) => (
        <abbr key={r} className={`badge role role-${r.toLowerCase()}`} title={ROLE_TITLES[r]}>
          {r}
        </abbr>
      ))}
    </span>
  );
}

function baseName(path: string): string {
  return path.split('/').pop() || path;
}

function AuthCell({ node }: { node: LabNode }) {
  switch (node.auth.kind) {
    case 'key':
      return (
        <span title={node.auth.keyPath ?? undefined}>
          key <span className="mono">{baseName(node.auth.keyPath ?? '')}</span>
          {node.auth.hasSecret ? ' + passphrase' : ''}
        </span>
      );
    case 'agent':
      return <span>ssh-agent</span>;
    case 'password':
      return <span>{node.auth.hasSecret ? 'password' : 'password (not set)'}</span>;
  }
}

function NodeRow({ node, lab }: { node: LabNode; lab: Lab }) {
  const selected = useApp((s) => s.selectedNodeId === node.id);
  const scanning = useApp((s) => Boolean(s.busy[`scan:${node.id}`]));
  const probing = useApp((s) => {
    const jobId = s.probeJobs[node.id];
    return Boolean(s.busy[`probe:${node.id}`]) || (jobId !== undefined && s.jobs[jobId]?.status === 'running');
  });
  const removing = useApp((s) => Boolean(s.busy[`node:remove:${node.id}`]));
  const { selectNode, scanHostKey, probe, removeNode } = useApp.getState();
  const jump = node.jumpNodeId === null ? null : lab.nodes.find((n) => n.id === node.jumpNodeId);

  return (
    <tr className={selected ? 'selected' : undefined} data-testid="node-row" data-node-name={node.name} data-node-id={node.id}>
      <td>
        <button type="button" className="link strong" onClick={() => selectNode(node.id)} data-testid="select-node">
          {node.name}
        </button>
      </td>
      <td className="nowrap">
        <RoleBadges roles={node.roles} />
      </td>
      <td className="mono nowrap">
        {node.user}@{node.host}:{node.port}
      </td>
      <td>{jump ? jump.name : <span className="muted">direct</span>}</td>
      <td className="small nowrap">
        <AuthCell node={node} />
      </td>
      <td data-testid="node-hostkey" data-trusted={node.hostKey ? 'yes' : 'no'}>
        {node.hostKey ? (
          <span className="badge ok" title={node.hostKey.fingerprint}>
            trusted {node.hostKey.keyType}
          </span>
        ) : (
          <span className="badge warn">not checked</span>
        )}
      </td>
      <td className="nowrap small">{formatTime(node.lastProbeAt)}</td>
      <td className="actions">
        <button type="button" disabled={scanning} aria-busy={scanning} onClick={() => void scanHostKey(node.id)} data-testid="check-host-key">
          {scanning ? 'Checking…' : 'Check host key'}
        </button>
        <button type="button" className="primary" disabled={probing} aria-busy={probing} onClick={() => void probe(node.id)} data-testid="probe-node">
          {probing ? 'Probing…' : 'Probe'}
        </button>
        <ConfirmButton label="Remove" question={`Remove ${node.name}?`} confirmLabel="Remove" busy={removing} onConfirm={() => void removeNode(node.id)} testId="remove-node" />
      </td>
    </tr>
  );
}

export function NodesTable({ lab }: { lab: Lab }) {
  return (
    <section className="card">
      <h2>Nodes</h2>
      {lab.nodes.length === 0 ? (
        <p className="muted" data-testid="nodes-empty">
          No nodes yet. Add the front-end (CLC, CC, EBS, Walrus) and at least one back-end node controller (NC) below.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="nodes-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Roles</th>
                <th>Address</th>
                <th>Via</th>
                <th>Auth</th>
                <th>Host key</th>
                <th>Last probe</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {lab.nodes.map((node) => (
                <NodeRow key={node.id} node={node} lab={lab} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
