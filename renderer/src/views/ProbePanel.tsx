import type { LabNode } from '../../../shared/model.js';
import { useApp } from '../store/index.js';
import { formatTime } from './format.js';

/** Progress of the latest probe started for this node, fed by job.progress events. */
export function ProbePanel({ node }: { node: LabNode }) {
  const job = useApp((s) => {
    const jobId = s.probeJobs[node.id];
    return jobId === undefined ? undefined : s.jobs[jobId];
  });
  const starting = useApp((s) => Boolean(s.busy[`probe:${node.id}`]));
  const probe = useApp((s) => s.probe);
  const running = starting || job?.status === 'running';

  return (
    <div className="subcard" data-testid="probe-panel">
      <div className="subcard-head">
        <h3>Probe</h3>
        <button type="button" className="primary" disabled={running} aria-busy={running} onClick={() => void probe(node.id)} data-testid="probe-start">
          {running ? 'Probing…' : 'Probe now'}
        </button>
      </div>
      {!job ? (
        <p className="small muted">
          {node.lastProbeAt ? `Last probed ${formatTime(node.lastProbeAt)}. ` : 'Not probed yet. '}A probe logs in over SSH and reads the distribution, kernel, CPU, memory, disks, NICs and
          the benchmark tools installed.
        </p>
      ) : (
        <div data-testid="probe-status" data-status={job.status}>
          <div className="progress-line">
            <progress max={Math.max(job.stepsTotal, 1)} value={job.step} />
            <span className="small">
              {job.status === 'running' ? `step ${job.step} of ${job.stepsTotal}: ${job.stepTitle}` : job.status === 'ok' ? 'finished' : job.status}
              {job.status === 'running' && job.etaS !== null ? ` · about ${Math.ceil(job.etaS)} s left` : ''}
            </span>
          </div>
          {job.error && (
            <div className="alert inline" role="alert" data-testid="probe-error" data-code={job.error.code}>
              <span className="alert-message">{job.error.message}</span>
              <code className="alert-code">{job.error.code}</code>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
