// The benchmark runs' state: each lab's run list, the runs a dead process left behind (offered
// for resume), the open run's steps and statistics kept live from 'run.step' events, and the
// host iostat samples of the steps on screen. The page (runs list, plan builder, one run) is
// in the query string (?view=runs | plan | run&run=ID) next to the lab's hash route (#/lab/3),
// like the report's ?view=report, so reload and back/forward land on the same page.
import type { RunStepEvent } from '../../../shared/api.js';
import type { IostatSample, RunRecord, StatsRow, StepRecord } from '../../../shared/bench/types.js';
import type { Result } from '../../../shared/result.js';
import { api } from '../api/client.js';
import { labIdFromHash } from './route.js';
import type { Slice } from './types.js';

/** 'nodes' is the lab page itself (no runs page open); 'install' is the lab's install wizard. */
export type RunsView = 'nodes' | 'runs' | 'plan' | 'run' | 'install';

export interface RunsRoute {
  runsView: RunsView;
  runsRunId: number | null;
  /** The lab the route was set for: a change of lab (hash) drops the runs page. */
  runsLabId: number | null;
}

export interface RunDetail {
  run: RunRecord;
  steps: StepRecord[];
}

export interface RunsSlice extends RunsRoute {
  runLists: Record<number, RunRecord[]>;
  interruptedRuns: RunRecord[];
  runDetails: Record<number, RunDetail>;
  runStats: Record<number, StatsRow[]>;
  /** Per step id: samples streamed live while it runs, or loaded (run.samples) when opened later. */
  stepSamples: Record<number, IostatSample[]>;
  /** The job running each run, learnt from run.start/run.resume and from run.step events. */
  runJobIds: Record<number, string>;
  showRuns(view: RunsView, runId?: number): void;
  loadRunList(labId: number): Promise<void>;
  loadInterrupted(): Promise<void>;
  loadRunDetail(runId: number): Promise<void>;
  loadRunStats(runId: number): Promise<void>;
  loadStepSamples(stepId: number): Promise<void>;
  /** Not through runCall: the plan builder shows the refusal inline instead of as a global alert. */
  startRun(labId: number, plan: unknown): Promise<Result<{ runId: number; jobId: string }>>;
  cancelRun(runId: number): Promise<void>;
  resumeRun(runId: number): Promise<boolean>;
  /** Subscribes to run.step and job.progress; returns the unsubscribe. */
  watchRuns(): () => void;
}

export function runsRouteFrom(search: string, hash: string): RunsRoute {
  const q = new URLSearchParams(search);
  const view = q.get('view');
  const runId = Number(q.get('run'));
  const labId = labIdFromHash(hash);
  if (labId !== null && (view === 'runs' || view === 'plan' || view === 'install')) return { runsView: view, runsRunId: null, runsLabId: labId };
  if (labId !== null && view === 'run' && Number.isInteger(runId) && runId > 0) return { runsView: 'run', runsRunId: runId, runsLabId: labId };
  return { runsView: 'nodes', runsRunId: null, runsLabId: labId };
}

function writeRoute(view: RunsView, runId: number | null, push: boolean): void {
  const url = new URL(window.location.href);
  url.searchParams.delete('view');
  url.searchParams.delete('run');
  if (view !== 'nodes') url.searchParams.set('view', view);
  if (view === 'run' && runId !== null) url.searchParams.set('run', String(runId));
  const next = `${url.pathname}${url.search}${url.hash}`;
  if (next === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  if (push) window.history.pushState(window.history.state, '', next);
  else window.history.replaceState(window.history.state, '', next);
}

const FINISHED: ReadonlySet<StepRecord['status']> = new Set(['ok', 'failed', 'cancelled']);
/** The store's stepsDone counts these (electron/core/store/run-rows.ts). */
const DONE: ReadonlySet<StepRecord['status']> = new Set(['ok', 'failed']);

export const createRunsSlice: Slice<RunsSlice> = (set, get) => {
  if (typeof window !== 'undefined') {
    // popstate comes before hashchange on back/forward, so the lab check below sees the new route.
    window.addEventListener('popstate', () => set(runsRouteFrom(window.location.search, window.location.hash)));
    window.addEventListener('hashchange', () => {
      const labId = labIdFromHash(window.location.hash);
      if (labId === get().runsLabId) return;
      writeRoute('nodes', null, false);
      set({ runsView: 'nodes', runsRunId: null, runsLabId: labId });
    });
  }

  const onStep = (e: RunStepEvent) => {
    set((s) => {
      const detail = s.runDetails[e.runId];
      const patch: Partial<RunsSlice> = { runJobIds: s.runJobIds[e.runId] === e.jobId ? s.runJobIds : { ...s.runJobIds, [e.runId]: e.jobId } };
      if (detail) {
        const steps = detail.steps.map((x) => (x.id === e.step.id ? e.step : x));
        const run = { ...detail.run, status: 'running' as const, stepsDone: steps.filter((x) => DONE.has(x.status)).length };
        patch.runDetails = { ...s.runDetails, [e.runId]: { run, steps } };
      }
      // A new attempt starts with no samples (the runner clears the stored ones too).
      if (e.sample) patch.stepSamples = { ...s.stepSamples, [e.step.id]: [...(s.stepSamples[e.step.id] ?? []), e.sample] };
      else if (e.step.status === 'running') patch.stepSamples = { ...s.stepSamples, [e.step.id]: [] };
      return patch;
    });
    if (e.sample === null && FINISHED.has(e.step.status)) {
      void get().loadRunStats(e.runId);
      // The stored samples are complete; the streamed ones only since this window saw the step.
      void get().loadStepSamples(e.step.id);
      const labId = get().runDetails[e.runId]?.run.labId;
      if (labId !== undefined && get().runLists[labId]) void get().loadRunList(labId);
    }
  };

  /** A run ended (or was marked cancelled): its record, statistics, the lab's list and the resume offers changed. */
  const refreshRun = (runId: number | null) => {
    if (runId !== null && get().runDetails[runId]) {
      void get().loadRunDetail(runId);
      void get().loadRunStats(runId);
    }
    const labId = get().runsLabId;
    if (labId !== null && get().runLists[labId]) void get().loadRunList(labId);
    void get().loadInterrupted();
  };

  return {
    ...(typeof window !== 'undefined' ? runsRouteFrom(window.location.search, window.location.hash) : { runsView: 'nodes', runsRunId: null, runsLabId: null }),
    runLists: {},
    interruptedRuns: [],
    runDetails: {},
    runStats: {},
    stepSamples: {},
    runJobIds: {},

    showRuns(view, runId) {
      const labId = labIdFromHash(window.location.hash);
      writeRoute(view, runId ?? null, true);
      set({ runsView: view, runsRunId: view === 'run' ? (runId ?? null) : null, runsLabId: labId });
    },

    async loadRunList(labId) {
      const r = await get().runCall(`runs:list:${labId}`, 'Load the runs', 'run.list', { labId });
      if (r.ok) set((s) => ({ runLists: { ...s.runLists, [labId]: r.value } }));
    },

    async loadInterrupted() {
      const r = await get().runCall('runs:interrupted', 'Look for interrupted runs', 'run.interrupted', {});
      if (r.ok) set({ interruptedRuns: r.value });
    },

    async loadRunDetail(runId) {
      const r = await get().runCall(`runs:get:${runId}`, `Load run ${runId}`, 'run.get', { runId });
      if (r.ok) set((s) => ({ runDetails: { ...s.runDetails, [runId]: r.value } }));
    },

    async loadRunStats(runId) {
      const r = await get().runCall(`runs:stats:${runId}`, `Statistics of run ${runId}`, 'run.stats', { runId });
      if (r.ok) set((s) => ({ runStats: { ...s.runStats, [runId]: r.value } }));
    },

    async loadStepSamples(stepId) {
      const r = await get().runCall(`runs:samples:${stepId}`, 'Load the host iostat samples', 'run.samples', { stepId });
      if (r.ok) set((s) => ({ stepSamples: { ...s.stepSamples, [stepId]: r.value } }));
    },

    async startRun(labId, plan) {
      set((s) => ({ busy: { ...s.busy, 'runs:start': true } }));
      try {
        const r = await api().call('run.start', { labId, plan });
        if (r.ok) {
          set((s) => ({ runJobIds: { ...s.runJobIds, [r.value.runId]: r.value.jobId } }));
          get().showRuns('run', r.value.runId);
          void get().loadRunDetail(r.value.runId);
        }
        return r;
      } finally {
        set((s) => {
          const { 'runs:start': _done, ...rest } = s.busy;
          return { busy: rest };
        });
      }
    },

    async cancelRun(runId) {
      const r = await get().runCall(`runs:cancel:${runId}`, `Cancel run ${runId}`, 'run.cancel', { runId });
      // An interrupted run is only marked cancelled: no job event follows, so reload now.
      if (r.ok) refreshRun(runId);
    },

    async resumeRun(runId) {
      const r = await get().runCall(`runs:resume:${runId}`, `Resume run ${runId}`, 'run.resume', { runId });
      if (!r.ok) return false;
      set((s) => ({ runJobIds: { ...s.runJobIds, [runId]: r.value.jobId }, interruptedRuns: s.interruptedRuns.filter((x) => x.id !== runId) }));
      await get().loadRunDetail(runId);
      return true;
    },

    watchRuns() {
      const transport = api();
      const offs = [
        transport.on('run.step', onStep),
        transport.on('job.progress', (p) => {
          if (p.kind !== 'run' || p.status === 'running') return;
          // A job started elsewhere (the CLI, another window) is unknown here: refresh the open run.
          const known = Object.entries(get().runJobIds).find(([, jobId]) => jobId === p.jobId)?.[0];
          refreshRun(known === undefined ? get().runsRunId : Number(known));
        }),
      ];
      return () => {
        for (const off of offs) off();
      };
    },
  };
};
