// The report page's state: which runs are selected, the report view-model built from them, the
// step timelines loaded so far, and the exports. Its route lives in the query string
// (?view=report&runs=1,2[&print=1]) rather than the hash, which belongs to the labs pages.
import type { RunRecord } from '../../../shared/bench/types.js';
import type { ReportDoc, SeriesVM } from '../../../shared/report/index.js';
import type { FileDownload } from '../../../shared/report/api.js';
import type { Slice } from './types.js';

export type ReportTab = 'tables' | 'figures' | 'compare' | 'findings' | 'advisor' | 'steps' | 'configs';

export interface ReportRoute {
  reportOpen: boolean;
  reportPrint: boolean;
  reportRunIds: number[];
  reportTitle: string | null;
}

export interface ReportSlice extends ReportRoute {
  reportRuns: RunRecord[];
  reportRunsLoaded: boolean;
  reportDoc: ReportDoc | null;
  /** The run ids reportDoc was built from, so a stale answer is never shown for a new selection. */
  reportDocFor: string | null;
  reportError: string | null;
  reportTab: ReportTab;
  series: Record<number, SeriesVM>;
  openReport(runIds?: number[]): void;
  closeReport(): void;
  setReportTab(tab: ReportTab): void;
  loadReportRuns(): Promise<void>;
  selectReportRuns(runIds: number[]): void;
  loadReport(): Promise<void>;
  loadSeries(stepId: number): Promise<void>;
  exportReport(format: 'pdf' | 'html'): Promise<FileDownload | null>;
  exportBundle(gzip: boolean): Promise<FileDownload | null>;
  importBundle(base64: string, name?: string): Promise<number[] | null>;
}

export function routeFromLocation(search: string): ReportRoute {
  const q = new URLSearchParams(search);
  const runIds = (q.get('runs') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const open = q.get('view') === 'report';
  return { reportOpen: open, reportPrint: open && q.get('print') === '1', reportRunIds: runIds, reportTitle: q.get('title') };
}

function pushRoute(open: boolean, runIds: number[]): void {
  const url = new URL(window.location.href);
  url.searchParams.delete('view');
  url.searchParams.delete('runs');
  if (open) {
    url.searchParams.set('view', 'report');
    if (runIds.length > 0) url.searchParams.set('runs', runIds.join(','));
  }
  const next = `${url.pathname}${url.search}${url.hash}`;
  if (next !== `${window.location.pathname}${window.location.search}${window.location.hash}`) window.history.pushState(window.history.state, '', next);
}

const keyOf = (ids: number[]): string => [...new Set(ids)].sort((a, b) => a - b).join(',');

export const createReportSlice: Slice<ReportSlice> = (set, get) => {
  // One request per selection: the print page asks at start-up and again when its view mounts.
  let inflight: { key: string; done: Promise<void> } | null = null;
  if (typeof window !== 'undefined') {
    // Printing: ask for the report now, while the browser is still loading the chart library.
    if (routeFromLocation(window.location.search).reportPrint) queueMicrotask(() => void get().loadReport());
    // Back/forward between the report and the labs pages.
    window.addEventListener('popstate', () => set(routeFromLocation(window.location.search)));
    // A lab link (hash route) leaves the report.
    window.addEventListener('hashchange', () => {
      if (get().reportOpen) get().closeReport();
    });
  }
  return {
    ...(typeof window !== 'undefined' ? routeFromLocation(window.location.search) : { reportOpen: false, reportPrint: false, reportRunIds: [], reportTitle: null }),
    reportRuns: [],
    reportRunsLoaded: false,
    reportDoc: null,
    reportDocFor: null,
    reportError: null,
    reportTab: 'tables',
    series: {},

    openReport(runIds) {
      const ids = runIds ?? get().reportRunIds;
      pushRoute(true, ids);
      set({ reportOpen: true, reportRunIds: ids });
      void get().loadReportRuns();
    },

    closeReport() {
      pushRoute(false, []);
      set({ reportOpen: false });
    },

    setReportTab(tab) {
      set({ reportTab: tab });
    },

    async loadReportRuns() {
      const r = await get().runCall('report:runs', 'Load runs', 'run.list', {});
      if (r.ok) set({ reportRuns: r.value, reportRunsLoaded: true });
    },

    selectReportRuns(runIds) {
      pushRoute(true, runIds);
      set({ reportRunIds: runIds });
    },

    loadReport() {
      const ids = get().reportRunIds;
      if (ids.length === 0) return Promise.resolve();
      const key = keyOf(ids);
      if (inflight?.key === key) return inflight.done;
      const title = get().reportTitle;
      set({ reportError: null });
      const done = (async () => {
        const r = await get().runCall('report:build', 'Build the report', 'report.build', title ? { runIds: ids, title } : { runIds: ids });
        if (inflight?.key === key) inflight = null;
        if (keyOf(get().reportRunIds) !== key) return;
        if (r.ok) set({ reportDoc: r.value, reportDocFor: key, series: {} });
        else set({ reportError: r.error.message });
      })();
      inflight = { key, done };
      return done;
    },

    async loadSeries(stepId) {
      const r = await get().runCall(`report:series:${stepId}`, 'Load the step timeline', 'report.series', { stepId });
      if (r.ok) set((s) => ({ series: { ...s.series, [stepId]: r.value } }));
    },

    async exportReport(format) {
      const title = get().reportTitle;
      const params = { runIds: get().reportRunIds, format, ...(title ? { title } : {}) };
      const r = await get().runCall(`report:export:${format}`, `Export the report as ${format.toUpperCase()}`, 'report.export', params);
      return r.ok ? r.value : null;
    },

    async exportBundle(gzip) {
      const r = await get().runCall('report:bundle', 'Export a bundle', 'bundle.export', { runIds: get().reportRunIds, gzip });
      return r.ok ? r.value : null;
    },

    async importBundle(base64, name) {
      const r = await get().runCall('report:bundle-import', 'Import a bundle', 'bundle.import', name ? { base64, name } : { base64 });
      if (!r.ok) return null;
      await get().loadReportRuns();
      return r.value.imported.flatMap((i) => i.runIds);
    },
  };
};

/** True when the loaded report belongs to the current selection. */
export const reportIsCurrent = (s: Pick<ReportSlice, 'reportDocFor' | 'reportRunIds'>): boolean => s.reportDocFor !== null && s.reportDocFor === keyOf(s.reportRunIds);
