import { useApp } from '../store/index.js';

const CONNECTION_LABEL = { connecting: 'connecting…', open: 'connected', closed: 'disconnected' } as const;

export function Header() {
  const connection = useApp((s) => s.connection);
  const info = useApp((s) => s.appInfo);
  const lab = useApp((s) => s.labs.find((l) => l.id === s.currentLabId));
  const currentLabId = useApp((s) => s.currentLabId);
  const openLab = useApp((s) => s.openLab);
  const reportOpen = useApp((s) => s.reportOpen);
  const openReport = useApp((s) => s.openReport);
  const closeReport = useApp((s) => s.closeReport);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-name">iovlab</span>
        <span className="brand-sub">I/O virtualization lab</span>
      </div>
      <nav className="crumbs" aria-label="Breadcrumb">
        <button
          type="button"
          className="link"
          onClick={() => {
            closeReport();
            openLab(null);
          }}
          data-testid="nav-labs"
        >
          Labs
        </button>
        <span className="crumb-sep">·</span>
        <button type="button" className="link" onClick={() => openReport()} data-testid="nav-reports">
          Reports
        </button>
        {currentLabId !== null && !reportOpen && (
          <>
            <span className="crumb-sep">/</span>
            <span data-testid="nav-current-lab">{lab?.name ?? `lab #${currentLabId}`}</span>
          </>
        )}
      </nav>
      <div className="topbar-right">
        {info && (
          <span className="muted small" title={`data dir: ${info.dataDir}`}>
            v{info.version} · {info.host}
          </span>
        )}
        <span className={`pill conn-${connection}`} data-testid="connection-status">
          {CONNECTION_LABEL[connection]}
        </span>
      </div>
    </header>
  );
}
