// One of Figures 2-4: the grouped bars with CI error bars and the paper's markers, and the same
// numbers as a small table under the chart (readable in print and by screen readers).
import { useMemo } from 'react';
import type { FigureVM } from '../../../../shared/report/index.js';
import { figureTraces } from './charts.js';
import { fmt, fmtCi } from './format.js';
import { Plot } from './Plot.js';

export function FigureView({ figure, onDrawn, height }: { figure: FigureVM; onDrawn?: () => void; height?: number }) {
  const { data, layout } = useMemo(() => figureTraces(figure, height), [figure, height]);
  return (
    <section className="report-figure" data-testid="figure" data-figure={figure.id} data-measured={figure.measured ? 'yes' : 'no'}>
      <h3>{figure.title}</h3>
      <p className="small muted">{figure.caption}</p>
      {!figure.measured && <p className="small note">Not measured in the selected runs: only the paper's markers are shown.</p>}
      <Plot data={data} layout={layout} onDrawn={onDrawn} testId={`figure-plot-${figure.id}`} />
      <div className="table-wrap">
        <table className="table compact figure-data">
          <thead>
            <tr>
              <th />
              {figure.series.map((s) => (
                <th key={s.name} className="num">
                  {s.name} ({figure.unit})
                </th>
              ))}
              {figure.paper.map((p) => (
                <th key={p.name} className="num">
                  {p.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {figure.groups.map((g, gi) => (
              <tr key={g}>
                <td>{g}</td>
                {figure.series.map((s) => (
                  <td key={s.name} className="num">
                    {s.values[gi] === null ? '—' : fmt(s.values[gi])}
                    {s.ciLow[gi] !== null && s.ciHigh[gi] !== null ? <span className="ci"> [{fmtCi([s.ciLow[gi] ?? 0, s.ciHigh[gi] ?? 0])}]</span> : null}
                  </td>
                ))}
                {figure.paper.map((p) => (
                  <td key={p.name} className="num">
                    {fmt(p.values[gi])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="notes small muted">
        {figure.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}
