import { useApp } from './store/index.js';
import { Alerts } from './views/Alerts.js';
import { Header } from './views/Header.js';
import { LabPage } from './views/LabPage.js';
import { LabsView } from './views/LabsView.js';

export function App() {
  const connection = useApp((s) => s.connection);
  const labsLoaded = useApp((s) => s.labsLoaded);
  const currentLabId = useApp((s) => s.currentLabId);
  const info = useApp((s) => s.appInfo);
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
        {currentLabId === null ? <LabsView /> : <LabPage labId={currentLabId} />}
      </main>
      <footer className="footer muted small">
        {info ? <>data dir <code>{info.dataDir}</code> · secrets kept in {info.secretStorage === 'memory' ? 'memory only (re-enter after restart)' : 'the OS keychain'}</> : ' '}
      </footer>
    </div>
  );
}
