import { lazy, Suspense } from 'react';
import { useApp } from './store/index.js';
import { Alerts } from './views/Alerts.js';
import { Header } from './views/Header.js';
import { LabPage } from './views/LabPage.js';
import { LabsView } from './views/LabsView.js';
import { RunsArea } from './views/runs/RunsArea.js';
import { RunsLive } from './views/runs/RunsLive.js';

// The report views carry plotly (the basic bundle, ~1.2 MB): loaded only when a report is opened.
const ReportPage = lazy(() => import('./views/report/ReportPage.js').then((m) => ({ default: m.ReportPage })));
const ReportPrint = lazy(() => import('./views/report/ReportPrint.js').then((m) => ({ default: m.ReportPrint })));

export function App() {
  const connection = useApp((s) => s.connection);
  const labsLoaded = useApp((s) => s.labsLoaded);
  const currentLabId = useApp((s) => s.currentLabId);
  const info = useApp((s) => s.appInfo);
  const reportOpen = useApp((s) => s.reportOpen);
  const reportPrint = useApp((s) => s.reportPrint);
  if (reportPrint) {
    return (
      <Suspense fallback={<div data-testid="report-print" data-state="loading" />}>
        <ReportPrint />
      </Suspense>
    );
  }
  // Tests and people wait on this instead of sleeping: ready = connected and the labs arrived.
  const state = connection === 'closed' ? 'disconnected' : connection === 'open' && labsLoaded ? 'ready' : 'connecting';
  return (
    <div className="app" data-testid="app" data-state={state}>
      <Header />
      <main className="content">
        {connection === 'closed' && (
          <div className="banner" role="status">
            Lost the connection to the iovlab server; retrying. If the server was restarted, open the new URL it printed.
          </div>
        )}
        <Alerts />
        <RunsLive />
        {reportOpen ? (
          <Suspense fallback={<p className="muted">Loading the report view…</p>}>
            <ReportPage />
          </Suspense>
        ) : currentLabId === null ? (
          <LabsView />
        ) : (
          <RunsArea labId={currentLabId}>
            <LabPage labId={currentLabId} />
          </RunsArea>
        )}
      </main>
      <footer className="footer muted small">
        {info ? <>data dir <code>{info.dataDir}</code> · secrets kept in {info.secretStorage === 'memory' ? 'memory only (re-enter after restart)' : 'the OS keychain'}</> : ' '}
      </footer>
    </div>
  );
}
