// A small React wrapper around plotly: Plotly.react in an effect (it diffs, so re-renders are
// cheap), Plotly.purge on unmount. Under the app's CSP (style-src 'self', no 'unsafe-eval'):
// - plotly's global CSS comes from ./plotly.css, and ./plotly-csp.ts (imported first, so it runs
//   before plotly's module code) tells plotly not to inject its own <style>, which the CSP would
//   refuse with a console error;
// - the modebar is off (its hover styles are injected rules too);
// - no WebGL traces: scattergl's regl compiles shaders with Function(), i.e. needs 'unsafe-eval'.
//   Long series are reduced in shared/report/series.ts instead.
// The basic bundle (scatter, bar, pie; 1.2 MB instead of 4.7 MB) holds every trace type iovlab
// draws; Chromium evaluates it in a fraction of the full bundle's time, which is most of a cold
// PDF. A trace type outside it is not drawn (plotly only logs "Unrecognized trace type").
import './plotly-csp.js';
import { useEffect, useRef } from 'react';
import type { Config, Data, Layout } from 'plotly.js-basic-dist-min';
import './plotly.css';

// plotly is its own chunk, requested as soon as this module runs (after ./plotly-csp.js): the
// view mounts and asks for its data while Chromium downloads and evaluates plotly, instead of
// only after it (a cold PDF waited for both in a row).
const plotly = import('plotly.js-basic-dist-min').then((m) => m.default);

const CONFIG: Partial<Config> = { displayModeBar: false, responsive: true, displaylogo: false };
// Paper has nothing to hover or drag: the print view (body.print, set by ReportPrint before any
// chart mounts) draws static plots, which skips plotly's drag and hover layers.
const PRINT_CONFIG: Partial<Config> = { ...CONFIG, staticPlot: true };

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
    const config = document.body.classList.contains('print') ? PRINT_CONFIG : CONFIG;
    void plotly
      .then((Plotly) => (live ? Plotly.react(el, data, { font: PLOT_FONT, paper_bgcolor: 'rgba(0,0,0,0)', plot_bgcolor: '#ffffff', ...layout }, config) : null))
      .then((drawnEl) => {
        if (live && drawnEl) {
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
      if (el) void plotly.then((Plotly) => Plotly.purge(el));
    };
  }, []);

  return <div ref={ref} className={className ?? 'plot'} data-testid={testId ?? 'plot'} />;
}
