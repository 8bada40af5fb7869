import type { LabNode } from '../../../shared/model.js';
import { describeVmNoise } from '../../../shared/experiments.js';
import { useApp } from '../store/index.js';
import { BlockDevicesTable, NicsTable, ToolsTable } from './FactsTables.js';
import { formatBytes, formatTime, orDash } from './format.js';

export function FactsPanel({ node }: { node: LabNode }) {
  const record = useApp((s) => s.facts[node.id]);
  if (record === undefined) return null;
  if (record === null) {
    return (
      <div className="subcard" data-testid="facts-empty">
        <h3>Facts</h3>
        <p className="small muted">Not probed yet: accept the host key, then probe the node to see its hardware and tools.</p>
      </div>
    );
  }
  const f = record.facts;
  const virt = f.cpu.virtFlags.length ? f.cpu.virtFlags.join(', ') : 'none (no vmx/svm flag)';
  return (
    <div className="subcard" data-testid="facts-panel">
      <div className="subcard-head">
        <h3>Facts</h3>
        <span className="small muted">probed {formatTime(record.takenAt)}</span>
      </div>
      <dl className="kv facts-summary">
        <dt>Distribution</dt>
        <dd data-testid="facts-distro">{orDash(f.distro.prettyName ?? f.distro.name)}</dd>
        <dt>Kernel</dt>
        <dd className="mono" data-testid="facts-kernel">{orDash(f.kernel)}</dd>
        <dt>Architecture</dt>
        <dd>{orDash(f.arch)}</dd>
        <dt>CPU</dt>
        <dd data-testid="facts-cpu">{orDash(f.cpu.model)}</dd>
        <dt>Cores</dt>
        <dd data-testid="facts-cores">{orDash(f.cpu.cores)}</dd>
        <dt>Memory</dt>
        <dd data-testid="facts-memory">{formatBytes(f.memoryBytes)}</dd>
        <dt>Hardware virtualization</dt>
        <dd data-testid="facts-virt">{virt}</dd>
        <dt>/dev/kvm</dt>
        <dd data-testid="facts-kvm">{f.kvmDevice ? <span className="badge ok">present</span> : <span className="badge bad">absent</span>}</dd>
        {f.vmNoise && (
          <>
            <dt title="A VM that gives freed memory back to its hypervisor makes buffered writes vary between repeats">Memory noise</dt>
            <dd data-testid="facts-vm-noise">{describeVmNoise(f.vmNoise)}</dd>
          </>
        )}
      </dl>
      {f.warnings.length > 0 && (
        <ul className="warnings small" data-testid="facts-warnings">
          {f.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <h4>Block devices</h4>
      <BlockDevicesTable devices={f.blockDevices} />
      <h4>Network interfaces</h4>
      <NicsTable nics={f.nics} />
      <h4>Tools</h4>
      <ToolsTable tools={f.tools} />
    </div>
  );
}
