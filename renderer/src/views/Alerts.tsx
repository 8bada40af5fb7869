import { useApp } from '../store/index.js';

/** Every failed call ends up here, with the backend's own message. */
export function Alerts() {
  const alerts = useApp((s) => s.alerts);
  const dismiss = useApp((s) => s.dismissAlert);
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div key={a.id} className="alert" role="alert" data-testid="alert" data-code={a.error.code}>
          <div className="alert-body">
            <strong>{a.context} failed</strong>
            <span className="alert-message">{a.error.message}</span>
            <code className="alert-code">{a.error.code}</code>
          </div>
          <button type="button" className="link" onClick={() => dismiss(a.id)} aria-label="Dismiss" data-testid="alert-dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
