// A small React wrapper around plotly: Plotly.react in an effect (it diffs, so re-renders are
// cheap), Plotly.purge on unmount. Under the app's CSP (style-src 'self', no 'unsafe-eval'):
// - plotly's global CSS comes from ./plotly.css, and ./plotly-csp.ts (imported first, so it runs
//   before plotly's module code) tells plotly not to inject its own <style>, which the CSP would
//   refuse with a console error;
// - the modebar is off (its hover styles are injected rules too);
// - no WebGL traces: scattergl's regl compiles shaders with Function(), i.e. needs 'unsafe-eval'.
//   Long series are reduced in shared/report/series.ts instead.
import './plotly-csp.js';
import { useEffect, useRef } from 'react';
import Plotly from 'plotly.js-dist-min';
import type { Config, Data, Layout } from 'plotly.js-dist-min';
import './plotly.css';

const CONFIG: Partial<Config> = { displayModeBar: false, responsive: true, displaylogo: false };

export const PLOT_FONT = { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 12, color: '#1f2933' };

export interface PlotProps {
  data: Data[];
  layout: Partial<Layout>;
  /** Called after each draw finished (print mode counts these before declaring the page ready). */
  onDrawn?: () => void;
  className?: string;
  testId?: string;
}

export function Plot({ data, layout, onDrawn, className, testId }: PlotProps) {
  const ref = useRef<HTMLDivElement>(null);
  const drawn = useRef(onDrawn);
  useEffect(() => {
    drawn.current = onDrawn;
  }, [onDrawn]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let live = true;
    void Plotly.react(el, data, { font: PLOT_FONT, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: '#ffffff', ...layout }, CONFIG).then(() => {
      if (live) {
        el.dataset.drawn = 'yes';
        drawn.current?.();
      }
    });
    return () => {
      live = false;
    };
  }, [data, layout]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) Plotly.purge(el);
    };
  }, []);

  return <div ref={ref} className={className ?? 'plot'} data-testid={testId ?? 'plot'} />;
}
