// Handlers of the report and bundle methods (shared/report/api.ts), merged into the handler map
// in ../api/handlers.ts. PDF/HTML export starts a private browser host over `call` (the full,
// validated API), because the printed page talks to the backend like any other page.
import type { ApiHandlers } from '../../../shared/api.js';
import type { AppInfo } from '../../../shared/model.js';
import { buildReport, buildSeries, type SeriesVM } from '../../../shared/report/index.js';
import type { ReportResults } from '../../../shared/report/api.js';
import { fail, type Result } from '../../../shared/result.js';
import type { Backend } from '../backend.js';
import type { EventBus } from '../events.js';
import type { Store } from '../store/types.js';
import { buildBundle, decodeBundle, encodeBundle, importBundle } from './bundle-io.js';
import { loadReportInput } from './load.js';
import { renderReport } from './pdf.js';

export type ReportHandlers = Pick<ApiHandlers, keyof ReportResults>;

export interface ReportDeps {
  info: AppInfo;
  store: Store;
  bus: EventBus;
  /** The whole API (dispatch over the full handler map), served to the page that is printed. */
  call: (method: unknown, params: unknown) => Promise<Result<unknown>>;
}

const stamp = (d = new Date()): string => d.toISOString().slice(0, 19).replace(/[-:T]/g, '').replace(/^(\d{8})/, '$1-');

const SERIES_CACHE = 16;

export function createReportHandlers(deps: ReportDeps): ReportHandlers {
  const { store, info } = deps;
  const seriesCache = new Map<string, SeriesVM>();
  return {
    'report.build': async ({ runIds, title }) => {
      const { input, samples } = loadReportInput(store, runIds, { appVersion: info.version, ...(title ? { title } : {}) });
      return buildReport(input, samples);
    },

    'report.series': async ({ stepId, maxPoints, device }) => {
      const step = store.runs.step(stepId);
      // A finished step's samples do not change until it is run again (new endedAt): reading
      // 100,000 samples from SQLite is most of the cost of a timeline, so keep the last few.
      const key = JSON.stringify([stepId, step.status, step.endedAt, maxPoints, device ?? null]);
      const cached = step.status === 'running' ? undefined : seriesCache.get(key);
      if (cached) return cached;
      const series = buildSeries(step, store.runs.samples(stepId), { maxPoints, ...(device ? { device } : {}) });
      seriesCache.set(key, series);
      if (seriesCache.size > SERIES_CACHE) seriesCache.delete(seriesCache.keys().next().value ?? '');
      return series;
    },

    'report.export': async ({ runIds, format, title }) => {
      const backend: Backend = {
        info,
        call: deps.call,
        onEvent: (listener) => deps.bus.on((event, payload) => listener(event, payload)),
        waitForJob: async () => fail('INVALID_ARGUMENT', 'the report printer runs no jobs'),
        close: async () => undefined,
      };
      const r = await renderReport(backend, { runIds, ...(title ? { title } : {}), pdf: format === 'pdf', html: format === 'html' });
      const data = format === 'pdf' ? (r.pdf ?? Buffer.alloc(0)) : Buffer.from(r.html ?? '', 'utf8');
      return {
        fileName: `iovlab-report-${stamp()}.${format}`,
        mime: format === 'pdf' ? 'application/pdf' : 'text/html',
        base64: data.toString('base64'),
        bytes: data.length,
        pages: r.pages,
      };
    },

    'bundle.export': async ({ runIds, gzip }) => {
      const data = encodeBundle(buildBundle(store, runIds, { appVersion: info.version }), gzip);
      return {
        fileName: `iovlab-bundle-${stamp()}.json${gzip ? '.gz' : ''}`,
        mime: gzip ? 'application/gzip' : 'application/json',
        base64: data.toString('base64'),
        bytes: data.length,
        runs: runIds.length,
      };
    },

    'bundle.import': async ({ base64, lab, name }) => {
      const bundle = decodeBundle(Buffer.from(base64, 'base64'), name ?? 'the uploaded bundle');
      const imported = importBundle(store, bundle, lab ? { labName: lab } : {});
      for (const i of imported) deps.bus.emit('lab.changed', { labId: i.labId });
      return { imported };
    },
  };
}
