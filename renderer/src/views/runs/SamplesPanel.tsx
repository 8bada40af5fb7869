// A step's host iostat samples: streamed live while it runs, loaded from the store after. The
// latest figures are printed as well, so the numbers are there before (and without) the chart.
import { lazy, Suspense, useMemo } from 'react';
import type { IostatSample, StepRecord } from '../../../../shared/bench/types.js';
import { num } from './format.js';
import { busiestDevice } from './iostat-traces.js';

const IostatChart = lazy(() => import('./IostatChart.js'));

export function SamplesPanel({ step, samples, live }: { step: StepRecord; samples: readonly IostatSample[] | undefined; live: boolean }) {
  const device = useMemo(() => (samples ? busiestDevice(samples) : null), [samples]);
  const points = samples && device ? samples.filter((s) => s.device === device) : [];
  const last = points[points.length - 1];
  const network = step.tool === 'iperf3' || step.tool === 'netperf';
  const state = samples === undefined ? 'loading' : points.length === 0 ? 'empty' : live ? 'live' : 'done';
  return (
    <section className="samples" data-testid="iostat-chart" data-step-id={step.id} data-state={state} data-points={points.length}>
      <div className="samples-head">
        <h3>
          Host iostat {live && <span className="badge running">live</span>}
        </h3>
        {last && device && (
          <span className="small samples-now" data-testid="iostat-latest">
            {device} at {num(last.t)} s: read {num(last.rMBps)} MB/s · write {num(last.wMBps)} MB/s · avgrq-sz {num(last.avgRqSectors)} sectors · avgqu-sz {num(last.avgQueue)} · {num(last.utilPct)}% util
          </span>
        )}
      </div>
      {state === 'loading' ? (
        <p className="muted small">Loading samples…</p>
      ) : points.length === 0 ? (
        <p className="muted small">
          {network ? 'A network step: iostat samples only the storage host of a target.' : live ? 'Waiting for the first sample (one per second)…' : 'No host iostat samples were stored for this step (see its context for why).'}
        </p>
      ) : (
        <Suspense fallback={<p className="muted small">Loading the chart…</p>}>
          <IostatChart samples={samples ?? []} device={device ?? ''} />
        </Suspense>
      )}
    </section>
  );
}
