// The plotly part of the samples panel, loaded only when a chart is shown (plotly's basic bundle is ~1.2 MB).
// Reuses the report's Plot wrapper, which keeps plotly within the app's CSP.
import { useMemo } from 'react';
import type { IostatSample } from '../../../../shared/bench/types.js';
import { Plot } from '../report/Plot.js';
import { iostatTraces } from './iostat-traces.js';

export default function IostatChart({ samples, device }: { samples: readonly IostatSample[]; device: string }) {
  const { data, layout } = useMemo(() => iostatTraces(samples, device), [samples, device]);
  return <Plot data={data} layout={layout} className="iostat-plot" testId="iostat-plot" />;
}
