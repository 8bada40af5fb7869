// Statistics per (configuration, workload, target) over the ok repeats (run.stats): n, median,
// mean, stdev, 95% CI (Student t), CV with a noisy flag above 5%, and the host's iostat
// averages in the paper's units.
import type { StatsRow } from '../../../../shared/bench/types.js';
import { num, pct, unitLabel } from './format.js';

export function StatsTable({ rows, loaded }: { rows: StatsRow[] | undefined; loaded: boolean }) {
  return (
    <section className="card" data-testid="stats-table" data-state={!loaded ? 'loading' : rows && rows.length > 0 ? 'ready' : 'empty'}>
      <h2>Statistics</h2>
      {!rows || rows.length === 0 ? (
        <p className="muted small">{loaded ? 'No step has finished ok yet.' : 'Loading…'}</p>
      ) : (
        <div className="table-wrap">
          <table className="table compact">
            <thead>
              <tr>
                <th>Config</th>
                <th>Workload</th>
                <th>Target</th>
                <th className="num">n</th>
                <th className="num">Median</th>
                <th className="num">Mean</th>
                <th className="num">Stdev</th>
                <th className="num">95% CI</th>
                <th className="num">CV</th>
                <th className="num" title="average request size in 512-byte sectors (old sysstat's avgrq-sz)">avgrq-sz</th>
                <th className="num" title="average queue length (avgqu-sz, aqu-sz)">avgqu-sz</th>
                <th className="num">%util</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.configName}|${r.workloadId}|${r.targetName ?? ''}|${r.unit}`} data-testid="stats-row" data-workload={r.workloadId} data-n={r.n} data-noisy={r.noisy ? 'yes' : 'no'}>
                  <td>{r.configName}</td>
                  <td className="mono">{r.workloadId}</td>
                  <td>{r.targetName ?? <span className="muted">—</span>}</td>
                  <td className="num" data-testid="stats-n">
                    {r.n}
                  </td>
                  <td className="num nowrap" data-testid="stats-median">
                    <strong>{num(r.median)}</strong> <span className="muted small">{unitLabel(r.unit)}</span>
                  </td>
                  <td className="num" data-testid="stats-mean">
                    {num(r.mean)}
                  </td>
                  <td className="num">{num(r.stdev)}</td>
                  <td className="num nowrap">{r.ci95 ? `${num(r.ci95[0])} – ${num(r.ci95[1])}` : '—'}</td>
                  <td className="num nowrap" data-testid="stats-cv">
                    {pct(r.cv)}{' '}
                    {r.noisy && (
                      <span className="badge warn" title="coefficient of variation above 5%: repeat more, or find what disturbs the machine" data-testid="noisy">
                        noisy
                      </span>
                    )}
                  </td>
                  <td className="num">{r.host ? num(r.host.avgRqSectors) : '—'}</td>
                  <td className="num">{r.host ? num(r.host.avgQueue) : '—'}</td>
                  <td className="num" title={r.host ? `${r.host.samples} samples` : 'no host samples'}>
                    {r.host ? `${num(r.host.utilPct)}%` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
