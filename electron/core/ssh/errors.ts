// Turns what ssh2 and the network throw into AppErrors whose message tells a sysadmin what
// happened to which host and what to do next; the code is what tests and the UI branch on.
import { AppError } from '../../../shared/result.js';
import type { SshEndpoint } from './types.js';

type Target = Pick<SshEndpoint, 'key' | 'host' | 'port' | 'user'> & { auth?: SshEndpoint['auth'] };

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EADDRNOTAVAIL']);

export function where(t: Target): string {
  return `${t.host}:${t.port}`;
}

function base(t: Target): Record<string, unknown> {
  return { endpointKey: t.key, host: t.host, port: t.port };
}

export function hostKeyUnknown(t: Target, fingerprint: string, keyType: string): AppError {
  return new AppError(
    'HOST_KEY_UNKNOWN',
    `the host key of ${where(t)} is not trusted yet: it presents ${keyType} key ${fingerprint}. ` +
      'Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on that host and accept it if it matches.',
    { ...base(t), fingerprint, keyType },
  );
}

export function hostKeyChanged(t: Target, knownFingerprint: string, fingerprint: string, keyType: string): AppError {
  return new AppError(
    'HOST_KEY_CHANGED',
    `WARNING: the host key of ${where(t)} has changed! Trusted (OLD): ${knownFingerprint}; presented now (NEW, ${keyType}): ${fingerprint}. ` +
      'Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled. ' +
      'Verify the new key on the host itself before accepting it; iovlab did not connect.',
    { ...base(t), knownFingerprint, fingerprint, keyType },
  );
}

/** A private key ssh2 cannot use, most often because of a missing or wrong passphrase. */
export function unusableKey(t: Target, parseError: Error, hadPassphrase: boolean): AppError {
  const msg = parseError.message;
  if (/no passphrase given/i.test(msg)) {
    return new AppError('AUTH_FAILED', `cannot log in as ${t.user} on ${where(t)}: the private key is encrypted and no passphrase was given; enter the key's passphrase`, { ...base(t), authKind: 'key', reason: 'passphrase-required' });
  }
  if (hadPassphrase && /passphrase|decrypt|integrity/i.test(msg)) {
    return new AppError('AUTH_FAILED', `cannot log in as ${t.user} on ${where(t)}: the passphrase does not decrypt the private key (wrong passphrase)`, { ...base(t), authKind: 'key', reason: 'bad-passphrase' });
  }
  return new AppError('AUTH_FAILED', `cannot log in as ${t.user} on ${where(t)}: the private key cannot be read (${msg})`, { ...base(t), authKind: 'key', reason: 'bad-key' });
}

function authDescription(auth: SshEndpoint['auth'] | undefined): string {
  switch (auth?.kind) {
    case 'key': return 'the private key was not accepted (is its public key in ~/.ssh/authorized_keys of that user?)';
    case 'agent': return 'none of the ssh-agent keys was accepted';
    case 'password': return 'the password was rejected';
    case undefined: return 'no authentication method was configured';
  }
}

export function connectTimeout(t: Target, timeoutMs: number, via?: Target): AppError {
  const path = via ? ` through jump host ${where(via)}` : '';
  return new AppError('CONNECT_TIMEOUT', `no SSH connection to ${where(t)}${path} within ${timeoutMs} ms: the host is down, the address is wrong, or a firewall drops the packets`, { ...base(t), timeoutMs });
}

/** Map an error from connecting/handshaking/authenticating (`via` = the jump host in between). */
export function mapConnectError(err: unknown, t: Target, timeoutMs: number, via?: Target): AppError {
  if (err instanceof AppError) return err;
  const e = err as Error & { code?: string | number; level?: string; reason?: number };
  const msg = e?.message ?? String(err);
  const path = via ? ` through jump host ${where(via)}` : '';
  if (e.level === 'client-timeout' && /handshake/i.test(msg)) return connectTimeout(t, timeoutMs, via);
  if (e.level === 'client-authentication') {
    return new AppError('AUTH_FAILED', `cannot log in as ${t.user} on ${where(t)} (${t.auth?.kind ?? 'no'} authentication): ${authDescription(t.auth)}`, { ...base(t), authKind: t.auth?.kind ?? null, reason: 'rejected' });
  }
  if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) {
    return new AppError('HOST_UNREACHABLE', `cannot reach ${where(t)}${path}: ${describeErrno(e.code)} (${msg})`, { ...base(t), errno: e.code });
  }
  if (e.code === 'ETIMEDOUT') return connectTimeout(t, timeoutMs, via);
  if (e.level === 'client-dns') return new AppError('HOST_UNREACHABLE', `cannot resolve ${t.host}: ${msg}`, base(t));
  // A jump host's sshd reports why it could not open the forwarded connection (e.g. "Connection refused").
  if (via && /Channel open failure/i.test(msg)) {
    return new AppError('HOST_UNREACHABLE', `jump host ${where(via)} cannot reach ${where(t)}: ${msg.replace(/^\(SSH\) Channel open failure: /, '')}`, { ...base(t), via: where(via) });
  }
  return new AppError('SSH_ERROR', `SSH connection to ${where(t)}${path} failed: ${msg}`, base(t));
}

function describeErrno(code: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'connection refused (is sshd running and listening on that port?)';
    case 'EHOSTUNREACH': return 'no route to the host';
    case 'ENETUNREACH': return 'the network is unreachable';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'the host name does not resolve';
    case 'ECONNRESET': return 'the connection was reset';
    default: return code;
  }
}
