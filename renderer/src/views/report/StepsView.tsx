// Inside a step: pick one, see the host's iostat series (bandwidth, request size, queue depth,
// %util) on one time axis with the workload's own progress and the step's start and end.
import { useMemo, useState } from 'react';
import type { RunLite, SeriesVM } from '../../../../shared/report/index.js';
import { useApp } from '../../store/index.js';
import { timelineTraces } from './charts.js';
import { fmt } from './format.js';
import { Plot } from './Plot.js';

export function TimelineView({ series, onDrawn, height }: { series: SeriesVM; onDrawn?: () => void; height?: number }) {
  const { data, layout } = useMemo(() => timelineTraces(series, height), [series, height]);
  return (
    <section className="timeline" data-testid="timeline" data-step={series.stepId} data-points={series.points}>
      <h4 className="timeline-title">{series.title}</h4>
      <p className="small muted">
        Host device {series.device ?? '—'}
        {series.devices.length > 1 ? ` (of ${series.devices.join(', ')})` : ''}, {series.points} samples
        {series.reduced ? `, drawn as min/max per bucket (${series.traces[0]?.t.length ?? 0} points, every peak kept)` : ''}
        {series.metric ? `; the step measured ${fmt(series.metric.value)} ${series.metric.unit} (dashed red line)` : ''}.
      </p>
      {series.points === 0 ? <p className="small note">This step has no host iostat samples.</p> : <Plot data={data} layout={layout} onDrawn={onDrawn} testId="timeline-plot" />}
    </section>
  );
}

export function StepsView({ runs }: { runs: RunLite[] }) {
  const series = useApp((s) => s.series);
  const loadSeries = useApp((s) => s.loadSeries);
  const busy = useApp((s) => s.busy);
  const [stepId, setStepId] = useState<number | null>(null);
  const steps = useMemo(
    () => runs.flatMap((r) => r.steps.filter((s) => s.status === 'ok').map((s) => ({ ...s, run: r.run }))),
    [runs],
  );
  const pick = (id: number) => {
    setStepId(id);
    if (!series[id]) void loadSeries(id);
  };
  const shown = stepId === null ? null : series[stepId];
  return (
    <section data-testid="steps-view">
      <label className="field">
        <span>Step</span>
        <select data-testid="step-select" value={stepId ?? ''} onChange={(e) => pick(Number(e.target.value))}>
          <option value="" disabled>
            pick a step…
          </option>
          {steps.map((s) => (
            <option key={s.id} value={s.id}>
              run {s.run.id} ({s.run.label}) · {s.configName} · {s.workloadId}
              {s.targetName ? ` · ${s.targetName}` : ''} · repeat {s.repeat} · {s.tool}
              {s.metric ? ` · ${fmt(s.metric.value)} ${s.metric.unit === 'MBps' ? 'MB/s' : 'Mb/s'}` : ''}
            </option>
          ))}
        </select>
      </label>
      {stepId !== null && !shown && busy[`report:series:${stepId}`] && <p className="muted">Loading samples…</p>}
      {shown && <TimelineView series={shown} />}
    </section>
  );
}
