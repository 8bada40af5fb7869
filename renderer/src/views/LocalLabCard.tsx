// The embedded local lab on the labs page: whether it exists on this machine, a button that
// builds it (a job: progress and live output shown here), and its removal behind a confirmation.
import { useEffect } from 'react';
import type { LocalLabStatus } from '../../../shared/presets/lab.js';
import { useApp } from '../store/index.js';
import { ConfirmButton } from './ConfirmButton.js';
import { LogPane } from './install/LogPane.js';
import './install/install.css';

type LabState = 'loading' | 'up' | 'broken' | 'down';

function stateOf(status: LocalLabStatus | null): LabState {
  if (!status) return 'loading';
  if (status.up) return 'up';
  // Addresses or daemons without "up": something of a lab exists but not all of it runs.
  return status.addresses || status.daemons.length > 0 || status.problems.length > 0 ? 'broken' : 'down';
}

const STATE_TEXT: Record<LabState, string> = {
  loading: 'checking…',
  up: 'up',
  broken: 'partly there (see the problems)',
  down: 'not on this machine',
};

function StatusDetails({ status }: { status: LocalLabStatus }) {
  const a = status.addresses;
  return (
    <dl className="kv small locallab-status" data-testid="locallab-details">
      {a && (
        <>
          <dt>front-end</dt>
          <dd>
            {a.front} · namespace <code>{status.namespaces.front}</code> · CLC, CC, EBS, Walrus
          </dd>
          <dt>back-end</dt>
          <dd>
            {a.backLab} via the front-end · namespace <code>{status.namespaces.back}</code> · NC
          </dd>
          <dt>guest</dt>
          <dd>{a.guest} via the back-end (booted per configuration)</dd>
        </>
      )}
      {status.accel && (
        <>
          <dt>accelerator</dt>
          <dd data-testid="locallab-accel">
            <strong>{status.accel.accel}</strong> — {status.accel.reason}
            {status.accel.note && <div className="note">{status.accel.note}</div>}
          </dd>
        </>
      )}
      {status.image && (
        <>
          <dt>guest image</dt>
          <dd>
            <code>{status.image.id}</code> (kernel {status.image.kernelRelease})
          </dd>
        </>
      )}
      {status.ebs && (
        <>
          <dt>EBS</dt>
          <dd>{status.ebs.summary}</dd>
        </>
      )}
      <dt>state</dt>
      <dd>
        <code>{status.stateDir}</code>
      </dd>
    </dl>
  );
}

export function LocalLabCard() {
  const status = useApp((s) => s.localLabStatus);
  const jobId = useApp((s) => s.localLabJobId);
  const job = useApp((s) => (s.localLabJobId ? s.jobs[s.localLabJobId] : undefined));
  const error = useApp((s) => s.localLabError);
  const removed = useApp((s) => s.localLabRemoved);
  const busy = useApp((s) => s.busy);
  const connection = useApp((s) => s.connection);
  const load = useApp((s) => s.loadLocalLabStatus);
  const watch = useApp((s) => s.watchLocalLab);
  const create = useApp((s) => s.createLocalLab);
  const cancel = useApp((s) => s.cancelLocalLab);
  const remove = useApp((s) => s.removeLocalLab);
  const openLab = useApp((s) => s.openLab);

  useEffect(() => watch(), [watch]);
  useEffect(() => {
    if (connection === 'open') void load();
  }, [connection, load]);

  const state = stateOf(status);
  const building = job?.status === 'running';
  const cancelRequested = useApp((s) => s.localLabCancelledJobId !== null && s.localLabCancelledJobId === s.localLabJobId) || busy['locallab:cancel'] === true;

  return (
    <section className="card" data-testid="locallab-card" data-state={state} data-job-status={job?.status ?? 'none'}>
      <div className="card-head">
        <h2>Local lab on this machine</h2>
        <span className={state === 'up' ? 'badge ok' : state === 'broken' ? 'badge warn' : 'badge idle'} data-testid="locallab-state">
          {STATE_TEXT[state]}
        </span>
      </div>
      <p className="muted small">
        No spare servers? iovlab builds the paper's two-node lab here: a front-end and a back-end in two network namespaces with their own sshd, EBS volumes exported over NBD (and AoE where the kernel
        allows), and QEMU guests on the back-end. Needs root; the first build makes a guest image from Debian packages, which takes a few minutes.
      </p>
      {status && <StatusDetails status={status} />}
      {status && status.problems.length > 0 && (
        <ul className="warnings small" data-testid="locallab-problems">
          {status.problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      {job && (
        <div className="install-progress" data-testid="locallab-progress" data-status={job.status} data-step={job.step}>
          <progress max={Math.max(1, job.stepsTotal)} value={job.step} aria-label="build steps done" />
          <span className="strong">
            {building ? `Building: step ${job.step} of ${job.stepsTotal}` : job.status === 'ok' ? 'Built' : job.status === 'cancelled' ? 'Build cancelled' : 'Build failed'}
          </span>
          {building && job.stepTitle && <span className="muted small">· {job.stepTitle}</span>}
          {building && cancelRequested && <span className="muted small">· cancel requested</span>}
        </div>
      )}
      {job?.status === 'cancelled' && state !== 'down' && state !== 'loading' && (
        <p className="banner small" data-testid="locallab-cancel-note">
          The build was cancelled, but what it had made is still here (state: {STATE_TEXT[state]}). Remove it with <strong>Remove local lab…</strong>, or build it again.
        </p>
      )}
      {job?.status === 'failed' && job.error && (
        <p className="danger-box small" role="alert" data-testid="locallab-job-error">
          {job.error.message}
        </p>
      )}
      {error && (
        <p className="danger-box small" role="alert" data-testid="locallab-error" data-code={error.code}>
          {error.message}
        </p>
      )}
      {jobId && <LogPane jobId={jobId} testId="locallab-log" empty="waiting for output…" short />}
      {removed && (
        <p className="muted small" data-testid="locallab-removed">
          {removed.length === 0 ? 'There was no local lab to remove.' : `Removed: ${removed.join(', ')}.`}
        </p>
      )}
      <div className="locallab-actions">
        {building ? (
          <button type="button" className="danger-outline" disabled={cancelRequested} onClick={() => void cancel()} data-testid="locallab-cancel">
            {cancelRequested ? 'Cancelling…' : 'Cancel the build'}
          </button>
        ) : (
          <button type="button" className="primary" disabled={busy['locallab:up'] === true || state === 'loading'} aria-busy={busy['locallab:up'] === true} onClick={() => void create()} data-testid="locallab-create">
            {state === 'up' ? 'Check and repair the local lab' : 'Create local lab'}
          </button>
        )}
        {status?.labId != null && (
          <button type="button" onClick={() => openLab(status.labId)} data-testid="locallab-open">
            Open the lab
          </button>
        )}
        {!building && state !== 'down' && state !== 'loading' && (
          <ConfirmButton
            label="Remove local lab…"
            question="Stop its guests and servers and delete its namespaces, loop devices and files? Its results stay."
            confirmLabel="Remove"
            busy={busy['locallab:down'] === true}
            onConfirm={() => void remove()}
            testId="locallab-remove"
          />
        )}
      </div>
    </section>
  );
}
