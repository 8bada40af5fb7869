import { useState, type FormEvent } from 'react';
import { useApp } from '../store/index.js';
import { formatTime } from './format.js';
import { LocalLabCard } from './LocalLabCard.js';

function CreateLabForm() {
  const createLab = useApp((s) => s.createLab);
  const openLab = useApp((s) => s.openLab);
  const busy = useApp((s) => Boolean(s.busy['lab:create']));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const lab = await createLab(name, description);
    if (!lab) return;
    setName('');
    setDescription('');
    openLab(lab.id);
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="create-lab-form">
      <label className="field">
        <span>Name</span>
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="e.g. rack-3 Xen vs KVM" data-testid="lab-name" />
      </label>
      <label className="field">
        <span>Description</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} rows={3} placeholder="What this lab is for (optional)" data-testid="lab-description" />
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} aria-busy={busy} data-testid="create-lab">
          {busy ? 'Creating…' : 'Create lab'}
        </button>
      </div>
    </form>
  );
}

export function LabsView() {
  const labs = useApp((s) => s.labs);
  const loaded = useApp((s) => s.labsLoaded);
  const openLab = useApp((s) => s.openLab);
  return (
    <div className="stack">
      <div className="grid-2">
        <section className="card">
          <h2>Labs</h2>
          {!loaded ? (
            <p className="muted">Loading…</p>
          ) : labs.length === 0 ? (
            <p className="muted" data-testid="labs-empty">
              No labs yet. A lab is a set of machines you benchmark together — typically the paper's front-end (cloud, cluster and storage controllers) and one back-end node controller.
            </p>
          ) : (
            <table className="table" data-testid="labs-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Description</th>
                  <th className="num">Nodes</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {labs.map((lab) => (
                  <tr key={lab.id} data-testid="lab-row" data-lab-name={lab.name}>
                    <td>
                      <button type="button" className="link strong" onClick={() => openLab(lab.id)} data-testid="open-lab">
                        {lab.name}
                      </button>
                    </td>
                    <td className="muted">{lab.description || '—'}</td>
                    <td className="num">{lab.nodes.length}</td>
                    <td className="nowrap">{formatTime(lab.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section className="card">
          <h2>New lab</h2>
          <CreateLabForm />
        </section>
      </div>
      <LocalLabCard />
    </div>
  );
}
