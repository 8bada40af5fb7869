import { useApp } from '../store/index.js';
import { AddNodeForm } from './AddNodeForm.js';
import { ConfirmButton } from './ConfirmButton.js';
import { NodeDetails } from './NodeDetails.js';
import { NodesTable } from './NodesTable.js';
import { ReadinessPanel } from './ReadinessPanel.js';
import { formatTime } from './format.js';

function DeleteLabButton({ labId }: { labId: number }) {
  const deleteLab = useApp((s) => s.deleteLab);
  const busy = useApp((s) => Boolean(s.busy[`lab:delete:${labId}`]));
  return <ConfirmButton label="Delete lab…" question="Delete this lab and everything recorded for it?" confirmLabel="Delete" busy={busy} onConfirm={() => void deleteLab(labId)} testId="delete-lab" />;
}

export function LabPage({ labId }: { labId: number }) {
  const lab = useApp((s) => s.labs.find((l) => l.id === labId));
  const loaded = useApp((s) => s.labsLoaded);
  const openLab = useApp((s) => s.openLab);

  if (!lab) {
    return (
      <section className="card">
        {loaded ? (
          <p>
            There is no lab #{labId} (it may have been deleted).{' '}
            <button type="button" className="link" onClick={() => openLab(null)}>
              Back to all labs
            </button>
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    );
  }

  return (
    <div className="stack" data-testid="lab-page" data-lab-id={lab.id}>
      <div className="page-head">
        <div>
          <h1 data-testid="lab-title">{lab.name}</h1>
          {lab.description && <p className="muted">{lab.description}</p>}
          <p className="muted small">
            {lab.nodes.length} node{lab.nodes.length === 1 ? '' : 's'} · created {formatTime(lab.createdAt)}
          </p>
        </div>
        <DeleteLabButton labId={lab.id} />
      </div>
      <NodesTable lab={lab} />
      <NodeDetails lab={lab} />
      <ReadinessPanel lab={lab} />
      <AddNodeForm lab={lab} />
    </div>
  );
}
