// Table 1 or 2 as the paper prints it, each paper row followed by the lab's rows for the same
// VMM / target / driver; (*) marks the Eucalyptus defaults, lab rows carry n and a 95% CI.
import { tableCsv, toJson, type TableLine, type TableVM } from '../../../../shared/report/index.js';
import { downloadText, fmt, fmtCi, fmtPct } from './format.js';

function Line({ line }: { line: TableLine }) {
  const lab = line.source === 'lab';
  return (
    <tr className={lab ? 'lab-line' : 'paper-line'} data-testid="table-line" data-source={line.source} data-row={line.paperRowId ?? ''}>
      <td className={lab ? 'indent-1' : ''}>{lab ? `↳ ${line.vmm}` : line.vmm}</td>
      <td>
        {line.target}
        {line.eucalyptusDefault ? <abbr title="Eucalyptus default configuration">(*)</abbr> : null}
      </td>
      <td>{line.driver}</td>
      <td className="num">
        <span className="strong">{fmt(line.bandwidth)}</span>
        {line.ci95 ? <span className="ci"> [{fmtCi(line.ci95)}]</span> : null}
      </td>
      <td className="num">{fmt(line.avgRqSectors)}</td>
      <td className="num">{fmt(line.avgQueue)}</td>
      <td className="num">{typeof line.utilPct === 'number' ? `${fmt(line.utilPct)}%` : fmt(line.utilPct)}</td>
      <td className="num">{fmtPct(line.pctOfNative)}</td>
      <td className="small">
        {lab ? (
          <>
            lab: {line.setLabel} <span className="muted">(n={line.n})</span>
            {line.match === 'approximate' ? <span className="badge warn" title={line.note ?? ''}>approx.</span> : null}
            {line.note && line.match !== 'approximate' ? <div className="muted">{line.note}</div> : null}
          </>
        ) : (
          <span className="muted">Shafer 2010</span>
        )}
      </td>
    </tr>
  );
}

export function PaperTable({ table, exportable = true }: { table: TableVM; exportable?: boolean }) {
  const labRows = table.lines.filter((l) => l.source === 'lab').length + table.labOnly.length;
  const base = `iovlab-table-${table.table}`;
  return (
    <section className="report-table" data-testid="paper-table" data-table={table.table}>
      <div className="card-head">
        <h3>{table.caption}</h3>
        {exportable && (
          <span className="no-print nowrap">
            <button type="button" className="small-btn" data-testid={`table${table.table}-csv`} onClick={() => downloadText(tableCsv(table), `${base}.csv`, 'text/csv')}>
              CSV
            </button>{' '}
            <button type="button" className="small-btn" data-testid={`table${table.table}-json`} onClick={() => downloadText(toJson('table', table), `${base}.json`, 'application/json')}>
              JSON
            </button>
          </span>
        )}
      </div>
      <div className="table-wrap">
        <table className="table compact">
          <thead>
            <tr>
              {table.columns.map((c) => (
                <th key={c} className={/MB|Avg|Util|native/.test(c) ? 'num' : ''}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.lines.map((l, i) => (
              <Line key={`${l.paperRowId}-${l.groupKey ?? 'paper'}-${i}`} line={l} />
            ))}
            {table.labOnly.length > 0 && (
              <tr className="section-row">
                <td colSpan={table.columns.length}>Lab configurations the paper did not measure</td>
              </tr>
            )}
            {table.labOnly.map((l, i) => (
              <Line key={`only-${l.groupKey ?? i}`} line={l} />
            ))}
          </tbody>
        </table>
      </div>
      <ul className="notes small muted">
        {labRows === 0 && <li>No dd {table.table === 1 ? 'write' : 'read'} runs in the selection: only the paper's rows are shown.</li>}
        {table.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}
