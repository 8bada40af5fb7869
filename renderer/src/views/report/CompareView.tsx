// Any two sets compared: a set is the runs sharing a label (repeated imports are one sample
// set), optionally narrowed to one configuration. Welch's t-test and a plain verdict per cell,
// computed here from the report's runs, so changing a set answers instantly.
import { useMemo, useState } from 'react';
import { compareCsv, compareSets, setLabelOf, type CompareRow, type CompareVM, type RunLite } from '../../../../shared/report/index.js';
import { downloadText, fmt } from './format.js';

interface SetChoice {
  label: string;
  config: string;
}

function setsOf(runs: RunLite[]): { label: string; runIds: number[]; configs: string[] }[] {
  const out = new Map<string, { label: string; runIds: number[]; configs: Set<string> }>();
  for (const r of runs) {
    const label = setLabelOf(r.run);
    const entry = out.get(label) ?? { label, runIds: [], configs: new Set<string>() };
    entry.runIds.push(r.run.id);
    for (const s of r.steps) entry.configs.add(s.configName);
    out.set(label, entry);
  }
  return [...out.values()].map((e) => ({ ...e, configs: [...e.configs].sort() }));
}

function SetPicker({ name, sets, value, onChange }: { name: 'a' | 'b'; sets: ReturnType<typeof setsOf>; value: SetChoice; onChange: (c: SetChoice) => void }) {
  const configs = sets.find((s) => s.label === value.label)?.configs ?? [];
  return (
    <fieldset className="field compare-set">
      <legend>Set {name.toUpperCase()}</legend>
      <label className="field">
        <span>Runs (by label)</span>
        <select data-testid={`compare-${name}-set`} value={value.label} onChange={(e) => onChange({ label: e.target.value, config: '' })}>
          {sets.map((s) => (
            <option key={s.label} value={s.label}>
              {s.label} ({s.runIds.length} run{s.runIds.length === 1 ? '' : 's'})
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Configuration</span>
        <select data-testid={`compare-${name}-config`} value={value.config} onChange={(e) => onChange({ ...value, config: e.target.value })}>
          <option value="">all configurations</option>
          {configs.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}

function Row({ r, unit }: { r: CompareRow; unit: string }) {
  const tone = r.p === null ? '' : !r.significant ? '' : (r.relDiff ?? 0) > 0 ? 'better' : 'worse';
  return (
    <tr data-testid="compare-row" data-significant={r.significant ? 'yes' : 'no'}>
      <td>{r.configName}</td>
      <td>{r.workloadId}</td>
      <td>{r.targetName ?? '—'}</td>
      <td className="num">{r.a ? `${fmt(r.a.mean)} (n=${r.a.n})` : '—'}</td>
      <td className="num">{r.b ? `${fmt(r.b.mean)} (n=${r.b.n})` : '—'}</td>
      <td className="num">{r.relDiff === null ? '—' : `${r.relDiff > 0 ? '+' : ''}${fmt(100 * r.relDiff)}%`}</td>
      <td className="num">{r.p === null ? '—' : r.p < 0.001 ? '<0.001' : r.p.toFixed(3)}</td>
      <td className={`verdict ${tone}`} data-testid="compare-verdict">
        {r.verdict}
      </td>
      <td className="muted small">{unit}</td>
    </tr>
  );
}

export function CompareTable({ vm }: { vm: CompareVM }) {
  return (
    <div className="table-wrap">
      <table className="table compact" data-testid="compare-table" data-rows={vm.rows.length}>
        <thead>
          <tr>
            <th>Configuration</th>
            <th>Workload</th>
            <th>Target</th>
            <th className="num">{vm.a}</th>
            <th className="num">{vm.b}</th>
            <th className="num">B vs A</th>
            <th className="num">p (Welch)</th>
            <th>Verdict</th>
            <th>Unit</th>
          </tr>
        </thead>
        <tbody>
          {vm.rows.map((r) => (
            <Row key={r.key} r={r} unit={r.unit === 'MBps' ? 'MB/s' : 'Mb/s'} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CompareView({ runs }: { runs: RunLite[] }) {
  const sets = useMemo(() => setsOf(runs), [runs]);
  const [a, setA] = useState<SetChoice>({ label: sets[0]?.label ?? '', config: '' });
  const [b, setB] = useState<SetChoice>({ label: sets[1]?.label ?? sets[0]?.label ?? '', config: '' });
  const vm = useMemo(() => {
    const spec = (c: SetChoice) => ({ label: c.config ? `${c.label} / ${c.config}` : c.label, runIds: sets.find((s) => s.label === c.label)?.runIds ?? [], configName: c.config || null });
    const sa = spec(a);
    const sb = spec(b);
    if (sa.label === sb.label) sb.label = `${sb.label} (B)`;
    return compareSets(runs, sa, sb);
  }, [runs, sets, a, b]);
  if (sets.length === 0) return <p className="muted">No runs selected.</p>;
  return (
    <section data-testid="compare-view">
      <div className="row compare-pickers">
        <SetPicker name="a" sets={sets} value={a} onChange={setA} />
        <SetPicker name="b" sets={sets} value={b} onChange={setB} />
      </div>
      <p className="small" data-testid="compare-summary">
        {vm.b} vs {vm.a} at α = {vm.alpha}: faster in {vm.summary.faster}, slower in {vm.summary.slower}, no significant difference in {vm.summary.same}
        {vm.summary.incomparable > 0 ? `, not comparable in ${vm.summary.incomparable} (fewer than 2 repeats or one side missing)` : ''}.{' '}
        <button type="button" className="small-btn no-print" data-testid="compare-csv" onClick={() => downloadText(compareCsv(vm), 'iovlab-compare.csv', 'text/csv')}>
          CSV
        </button>
      </p>
      <CompareTable vm={vm} />
    </section>
  );
}

/** Every guest measurement against the lab's non-virtualized run of the same workload. */
export function BaselineSection({ vm }: { vm: CompareVM }) {
  return (
    <section data-testid="baseline-compare">
      <h3>Each configuration against the non-virtualized baseline</h3>
      {vm.rows.length === 0 ? (
        <p className="small muted">No guest measurement has a non-virtualized run of the same workload and target in the selection.</p>
      ) : (
        <CompareTable vm={{ ...vm, a: 'non-virtualized', b: 'guest' }} />
      )}
    </section>
  );
}
