// Which stored runs the report covers: a checklist of runs (newest first) and a bundle import.
import { useEffect, useState } from 'react';
import { MAX_UPLOAD_BASE64 } from '../../../../shared/report/api.js';
import { useApp } from '../../store/index.js';
import { formatTime } from '../format.js';
import { fileToBase64 } from './format.js';

export function RunPicker() {
  const runs = useApp((s) => s.reportRuns);
  const loaded = useApp((s) => s.reportRunsLoaded);
  const labs = useApp((s) => s.labs);
  const selected = useApp((s) => s.reportRunIds);
  const select = useApp((s) => s.selectReportRuns);
  const loadReport = useApp((s) => s.loadReport);
  const loadRuns = useApp((s) => s.loadReportRuns);
  const importBundle = useApp((s) => s.importBundle);
  const busy = useApp((s) => s.busy);
  const [picked, setPicked] = useState<Set<number>>(() => new Set(selected));
  const [uploadError, setUploadError] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded) void loadRuns();
  }, [loaded, loadRuns]);

  const toggle = (id: number) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const labName = (labId: number) => labs.find((l) => l.id === labId)?.name ?? `lab ${labId}`;
  const show = () => {
    select([...picked].sort((a, b) => a - b));
    void loadReport();
  };
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUploadError(null);
    const base64 = await fileToBase64(file);
    if (base64.length > MAX_UPLOAD_BASE64) {
      setUploadError(`${file.name} is ${Math.round(file.size / 1024)} KiB, too large to send from the page; run \`iovlab bundle import ${file.name}\` instead.`);
      return;
    }
    const ids = await importBundle(base64, file.name);
    if (ids) setPicked(new Set(ids));
  };

  return (
    <section className="card" data-testid="run-picker">
      <div className="card-head">
        <h2>Runs</h2>
        <span className="nowrap">
          <button type="button" className="small-btn" onClick={() => setPicked(new Set(runs.map((r) => r.id)))} data-testid="runs-all">
            Select all
          </button>{' '}
          <button type="button" className="primary" disabled={picked.size === 0 || busy['report:build'] === true} onClick={show} data-testid="show-report">
            Show report
          </button>
        </span>
      </div>
      {!loaded ? (
        <p className="muted">Loading runs…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs yet: run a plan (iovlab run), import a tool output (iovlab import) or a bundle.</p>
      ) : (
        <div className="table-wrap run-list">
          <table className="table compact">
            <thead>
              <tr>
                <th />
                <th>Run</th>
                <th>Label</th>
                <th>Lab</th>
                <th>Status</th>
                <th className="num">Steps</th>
                <th>Created</th>
                <th>Tags</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={picked.has(r.id) ? 'selected' : ''} data-testid="run-row" data-run-id={r.id} data-label={r.label}>
                  <td>
                    <input type="checkbox" checked={picked.has(r.id)} onChange={() => toggle(r.id)} aria-label={`include run ${r.id}`} data-testid="run-check" />
                  </td>
                  <td>
                    {r.id} {r.name !== r.label ? <span className="muted">{r.name}</span> : null}
                  </td>
                  <td>{r.label}</td>
                  <td>{labName(r.labId)}</td>
                  <td>{r.status}</td>
                  <td className="num">
                    {r.stepsDone}/{r.stepsTotal}
                  </td>
                  <td className="small">{formatTime(r.createdAt)}</td>
                  <td className="mono small">
                    {Object.entries(r.tags)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(' ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <label className="field small bundle-import">
        <span>Import a bundle from another iovlab</span>
        <input type="file" accept=".json,.gz,application/json,application/gzip" data-testid="bundle-file" onChange={(e) => void onFile(e.target.files?.[0])} />
      </label>
      {uploadError && <p className="small note">{uploadError}</p>}
    </section>
  );
}
