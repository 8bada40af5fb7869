import type { LabNode } from '../../../shared/model.js';
import { useApp } from '../store/index.js';
import { formatTime } from './format.js';

const STATUS_TEXT = { new: 'new — never seen before', trusted: 'trusted — matches the accepted key', changed: 'CHANGED' } as const;

export function HostKeyPanel({ node }: { node: LabNode }) {
  const scan = useApp((s) => s.scans[node.id]);
  const scanning = useApp((s) => Boolean(s.busy[`scan:${node.id}`]));
  const accepting = useApp((s) => Boolean(s.busy[`accept:${node.id}`]));
  const { scanHostKey, acceptHostKey } = useApp.getState();

  return (
    <div className="subcard" data-testid="hostkey-panel">
      <div className="subcard-head">
        <h3>Host key</h3>
        <button type="button" disabled={scanning} aria-busy={scanning} onClick={() => void scanHostKey(node.id)} data-testid="hostkey-check">
          {scanning ? 'Checking…' : scan ? 'Check again' : 'Check host key'}
        </button>
      </div>
      {node.hostKey ? (
        <p className="small">
          Accepted {node.hostKey.keyType} key <code className="fp" data-testid="hostkey-trusted-fingerprint">{node.hostKey.fingerprint}</code> on {formatTime(node.hostKey.acceptedAt)}.
        </p>
      ) : (
        <p className="small muted">No key accepted yet. Check the key the host presents and compare its fingerprint with <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> on the host before accepting.</p>
      )}
      {scan && (
        <div className={`hostkey-scan status-${scan.status}`} data-testid="hostkey-scan" data-status={scan.status}>
          {scan.status === 'changed' && (
            <div className="danger-box" data-testid="hostkey-changed">
              <strong>The host key of {node.name} has changed.</strong> The host was reinstalled or its keys regenerated — or someone is intercepting the connection. Accept the new key only if you know why it changed.
              <dl className="kv">
                <dt>Accepted before</dt>
                <dd>
                  <code className="fp" data-testid="hostkey-old-fingerprint">{scan.knownFingerprint}</code>
                </dd>
                <dt>Presented now</dt>
                <dd>
                  <code className="fp">{scan.fingerprint}</code>
                </dd>
              </dl>
            </div>
          )}
          <dl className="kv">
            <dt>Status</dt>
            <dd>
              <span className={`badge ${scan.status === 'trusted' ? 'ok' : scan.status === 'new' ? 'warn' : 'bad'}`} data-testid="hostkey-status">
                {STATUS_TEXT[scan.status]}
              </span>
            </dd>
            <dt>Key type</dt>
            <dd data-testid="hostkey-type">{scan.keyType}</dd>
            <dt>Fingerprint</dt>
            <dd>
              <code className="fp" data-testid="hostkey-fingerprint">{scan.fingerprint}</code>
            </dd>
          </dl>
          {scan.status !== 'trusted' && (
            <button
              type="button"
              className={scan.status === 'changed' ? 'danger' : 'primary'}
              disabled={accepting}
              aria-busy={accepting}
              onClick={() => void acceptHostKey(node.id, scan.fingerprint)}
              data-testid="hostkey-accept"
            >
              {accepting ? 'Accepting…' : scan.status === 'changed' ? 'Replace the accepted key' : 'Accept this key'}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
