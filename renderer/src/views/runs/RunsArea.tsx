// A lab's pages: its nodes (the lab page itself), its runs (the list, the plan builder, one run)
// and its install wizard. App.tsx wraps the lab page in this; which page shows is the runs
// slice's route.
import { lazy, Suspense, type ReactNode } from 'react';
import { useApp } from '../../store/index.js';
import { RunsList } from './RunsList.js';
import './runs.css';

// The plan parser (zod, yaml) and the charts load with the pages that need them.
const PlanBuilder = lazy(() => import('./PlanBuilder.js').then((m) => ({ default: m.PlanBuilder })));
const RunPage = lazy(() => import('./RunPage.js').then((m) => ({ default: m.RunPage })));
const InstallPage = lazy(() => import('../install/InstallPage.js').then((m) => ({ default: m.InstallPage })));

export function RunsArea({ labId, children }: { labId: number; children: ReactNode }) {
  const lab = useApp((s) => s.labs.find((l) => l.id === labId));
  const view = useApp((s) => s.runsView);
  const runId = useApp((s) => s.runsRunId);
  const showRuns = useApp((s) => s.showRuns);
  // The lab page explains a missing lab itself.
  if (!lab) return children;
  const runsOpen = view === 'runs' || view === 'plan' || view === 'run';
  return (
    <div className="stack" data-testid="lab-area" data-view={view}>
      <div className="runs-tabs lab-tabs" role="tablist" aria-label={`Pages of lab ${lab.name}`}>
        <button type="button" role="tab" aria-selected={view === 'nodes'} className={view === 'nodes' ? 'runs-tab active' : 'runs-tab'} onClick={() => showRuns('nodes')} data-testid="lab-tab-nodes">
          Nodes
        </button>
        <button type="button" role="tab" aria-selected={runsOpen} className={runsOpen ? 'runs-tab active' : 'runs-tab'} onClick={() => showRuns('runs')} data-testid="lab-tab-runs">
          Runs
        </button>
        <button type="button" role="tab" aria-selected={view === 'install'} className={view === 'install' ? 'runs-tab active' : 'runs-tab'} onClick={() => showRuns('install')} data-testid="lab-tab-install">
          Install
        </button>
      </div>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        {view === 'nodes' ? children : view === 'install' ? <InstallPage lab={lab} /> : view === 'plan' ? <PlanBuilder lab={lab} /> : view === 'run' && runId !== null ? <RunPage lab={lab} runId={runId} /> : <RunsList lab={lab} />}
      </Suspense>
    </div>
  );
}
