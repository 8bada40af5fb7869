import { useState, type FormEvent } from 'react';
import type { AuthInput } from '../../../shared/api.js';
import type { Lab } from '../../../shared/model.js';
import { BACK_END_ROLES, FRONT_END_ROLES, ROLES, ROLE_TITLES, type Role } from '../../../shared/roles.js';
import { useApp } from '../store/index.js';

type AuthKind = AuthInput['kind'];

interface Draft {
  name: string;
  roles: Role[];
  host: string;
  port: string;
  user: string;
  authKind: AuthKind;
  keyPath: string;
  passphrase: string;
  password: string;
  jumpNodeId: string;
}

const EMPTY: Draft = { name: '', roles: [], host: '', port: '22', user: 'root', authKind: 'key', keyPath: '', passphrase: '', password: '', jumpNodeId: '' };

function authOf(d: Draft): AuthInput {
  switch (d.authKind) {
    case 'key':
      return d.passphrase ? { kind: 'key', keyPath: d.keyPath, passphrase: d.passphrase } : { kind: 'key', keyPath: d.keyPath };
    case 'agent':
      return { kind: 'agent' };
    case 'password':
      return d.password ? { kind: 'password', password: d.password } : { kind: 'password' };
  }
}

export function AddNodeForm({ lab }: { lab: Lab }) {
  const addNode = useApp((s) => s.addNode);
  const busy = useApp((s) => Boolean(s.busy['node:add']));
  const [d, setD] = useState<Draft>(EMPTY);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setD((prev) => ({ ...prev, [key]: value }));
  const toggleRole = (role: Role) => set('roles', d.roles.includes(role) ? d.roles.filter((r) => r !== role) : ROLES.filter((r) => r === role || d.roles.includes(r)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const node = await addNode({
      labId: lab.id,
      name: d.name,
      roles: d.roles,
      host: d.host,
      port: Number(d.port),
      user: d.user,
      auth: authOf(d),
      jumpNodeId: d.jumpNodeId === '' ? null : Number(d.jumpNodeId),
    });
    // Keep how this lab logs in; the next node usually shares user, key and jump host.
    if (node) setD((prev) => ({ ...EMPTY, user: prev.user, authKind: prev.authKind, keyPath: prev.keyPath, jumpNodeId: prev.jumpNodeId }));
  };

  return (
    <section className="card">
      <h2>Add a node</h2>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="add-node-form">
        <div className="row">
          <label className="field grow">
            <span>Name</span>
            <input value={d.name} onChange={(e) => set('name', e.target.value)} required maxLength={200} placeholder="front-end" data-testid="node-name" />
          </label>
        </div>
        <fieldset className="field">
          <legend>Roles</legend>
          <div className="presets">
            <button type="button" className="small-btn" onClick={() => set('roles', [...FRONT_END_ROLES])} data-testid="preset-front">
              front-end (CLC+CC+EBS+Walrus)
            </button>
            <button type="button" className="small-btn" onClick={() => set('roles', [...BACK_END_ROLES])} data-testid="preset-back">
              back-end (NC)
            </button>
          </div>
          <div className="checks">
            {ROLES.map((role) => (
              <label key={role} className="check" title={ROLE_TITLES[role]}>
                <input type="checkbox" checked={d.roles.includes(role)} onChange={() => toggleRole(role)} data-testid={`role-${role}`} />
                <span>
                  <strong>{role}</strong> <span className="muted small">{ROLE_TITLES[role]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="row">
          <label className="field grow">
            <span>Host</span>
            <input value={d.host} onChange={(e) => set('host', e.target.value)} required placeholder="10.0.0.2 or node1.example" data-testid="node-host" />
          </label>
          <label className="field narrow">
            <span>Port</span>
            <input type="number" min={1} max={65535} value={d.port} onChange={(e) => set('port', e.target.value)} required data-testid="node-port" />
          </label>
          <label className="field">
            <span>User</span>
            <input value={d.user} onChange={(e) => set('user', e.target.value)} required data-testid="node-user" />
          </label>
        </div>
        <fieldset className="field">
          <legend>Authentication</legend>
          <div className="radios">
            {(['key', 'agent', 'password'] as const).map((kind) => (
              <label key={kind} className="check">
                <input type="radio" name="auth" checked={d.authKind === kind} onChange={() => set('authKind', kind)} data-testid={`auth-${kind}`} />
                <span>{kind === 'key' ? 'Key file' : kind === 'agent' ? 'ssh-agent' : 'Password'}</span>
              </label>
            ))}
          </div>
          {d.authKind === 'key' && (
            <div className="row">
              <label className="field grow">
                <span>Private key file (on the machine running iovlab)</span>
                <input value={d.keyPath} onChange={(e) => set('keyPath', e.target.value)} required placeholder="/home/me/.ssh/id_ed25519" className="mono" data-testid="node-key-path" />
              </label>
              <label className="field">
                <span>Passphrase (optional)</span>
                <input type="password" value={d.passphrase} onChange={(e) => set('passphrase', e.target.value)} autoComplete="off" data-testid="node-passphrase" />
              </label>
            </div>
          )}
          {d.authKind === 'agent' && <p className="small muted">Uses the agent at $SSH_AUTH_SOCK of the iovlab process.</p>}
          {d.authKind === 'password' && (
            <label className="field">
              <span>Password (may be left empty and given later)</span>
              <input type="password" value={d.password} onChange={(e) => set('password', e.target.value)} autoComplete="off" data-testid="node-password" />
            </label>
          )}
        </fieldset>
        <label className="field">
          <span>Connect via (jump host)</span>
          <select value={d.jumpNodeId} onChange={(e) => set('jumpNodeId', e.target.value)} data-testid="node-jump">
            <option value="">direct connection</option>
            {lab.nodes.map((n) => (
              <option key={n.id} value={String(n.id)}>
                {n.name} ({n.host})
              </option>
            ))}
          </select>
        </label>
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} aria-busy={busy} data-testid="add-node">
            {busy ? 'Adding…' : 'Add node'}
          </button>
        </div>
      </form>
    </section>
  );
}
