// One pooled ssh2 connection per endpoint key, shared by concurrent commands (each one a channel)
// and dropped when it closes so the next command reconnects. Jump hosts are pooled too: the
// target's transport is a direct-tcpip channel opened over the jump host's connection (ssh -J).
import { Client, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { AppError } from '../../../shared/result.js';
import { connectTimeout, hostKeyChanged, hostKeyUnknown, mapConnectError, unusableKey, where } from './errors.js';
import { keyTypeOfBlob, sha256Fingerprint } from './fingerprint.js';
import { ChannelOpenFailed, runRemote } from './remote-exec.js';
import type { ExecOptions, ExecResult, ScannedHostKey, SshEndpoint, SshPool } from './types.js';

export const DEFAULT_READY_TIMEOUT_MS = 8000;
// OpenSSH allows 10 sessions per connection (MaxSessions); stay below it and keep room for kill helpers.
const MAX_CHANNELS_PER_CONNECTION = 8;
const HELPER_TIMEOUT_MS = 5000;
const CLOSE_GRACE_MS = 1000;

type ScanTarget = Parameters<SshPool['scanHostKey']>[0];
type Target = SshEndpoint | ScanTarget;

interface Entry {
  signature: string;
  ready: Promise<Client>;
  closed: boolean;
  client?: Client;
}

function signature(ep: SshEndpoint): string {
  const j: string = ep.jump ? signature(ep.jump) : '';
  return JSON.stringify([ep.host, ep.port, ep.user, ep.auth.kind, ep.trustedFingerprint, j]);
}

function authConfig(ep: Target): Partial<ConnectConfig> {
  switch (ep.auth?.kind) {
    case 'key': return ep.auth.passphrase === undefined ? { privateKey: ep.auth.privateKey } : { privateKey: ep.auth.privateKey, passphrase: ep.auth.passphrase };
    case 'agent': return { agent: ep.auth.agentSocket };
    case 'password': return { password: ep.auth.password };
    case undefined: return {};
  }
}

function cancelled(ep: Target): AppError {
  return new AppError('CANCELLED', `connecting to ${where(ep)} was cancelled`, { endpointKey: ep.key });
}

/** Race a promise against an AbortSignal (the losing work goes on and is pooled or discarded). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, ep: Target): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(cancelled(ep));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(ep));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

type Handshake = { mode: 'login'; ep: SshEndpoint } | { mode: 'scan'; ep: ScanTarget };

/**
 * TCP (or tunnel) + key exchange (+ authentication in login mode). In scan mode the host key is
 * captured in the verifier, which then refuses the host so no credentials are ever sent.
 */
function handshake(h: Handshake, sock: Duplex | undefined, timeoutMs: number, via: SshEndpoint | undefined): Promise<{ client: Client; scanned?: ScannedHostKey }> {
  const ep = h.ep;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKeyError: AppError | null = null;
    let scanned: ScannedHostKey | undefined;
    let settled = false;
    const settle = (err: AppError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        client.destroy();
        reject(err);
      } else resolve(scanned ? { client, scanned } : { client });
    };
    const timer = setTimeout(() => settle(connectTimeout(ep, timeoutMs, via)), timeoutMs);
    const hostVerifier = (key: Buffer): boolean => {
      const fingerprint = sha256Fingerprint(key);
      const keyType = keyTypeOfBlob(key);
      if (h.mode === 'scan') {
        scanned = { keyType, fingerprint };
        return false;
      }
      if (h.ep.trustedFingerprint === null) hostKeyError = hostKeyUnknown(ep, fingerprint, keyType);
      else if (h.ep.trustedFingerprint !== fingerprint) hostKeyError = hostKeyChanged(ep, h.ep.trustedFingerprint, fingerprint, keyType);
      return hostKeyError === null;
    };
    client.on('ready', () => {
      // Short commands are request/response over one socket: Nagle's algorithm would hold each
      // small packet back ~25-40 ms waiting for an ACK (bench/control-plane.ts measures it).
      client.setNoDelay(true);
      settle(null);
    });
    client.on('error', (err) => {
      if (h.mode === 'scan' && scanned) return settle(null);
      settle(hostKeyError ?? mapConnectError(err, ep, timeoutMs, via));
    });
    client.on('close', () => {
      if (h.mode === 'scan' && scanned) return settle(null);
      settle(hostKeyError ?? new AppError('SSH_ERROR', `${where(ep)} closed the SSH connection during the handshake`, { endpointKey: ep.key }));
    });
    const config: ConnectConfig = {
      host: ep.host,
      port: ep.port,
      username: ep.user,
      readyTimeout: timeoutMs + 1000, // our own timer (which also covers a tunnel) fires first
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      tryKeyboard: false,
      hostVerifier,
      ...(h.mode === 'login' ? authConfig(ep) : {}),
      ...(sock ? { sock } : {}),
    };
    try {
      client.connect(config);
    } catch (e) {
      // ssh2 parses the private key synchronously in connect(): missing or wrong passphrase lands here.
      const msg = (e as Error).message.replace(/^Cannot parse privateKey: /, '');
      const hadPassphrase = ep.auth?.kind === 'key' && ep.auth.passphrase !== undefined;
      settle(unusableKey(ep, new Error(msg), hadPassphrase));
    }
  });
}

export function createSshPool(): SshPool {
  const entries = new Map<string, Entry>();
  const slots = new Map<string, { active: number; waiters: Array<() => void> }>();

  function drop(key: string, entry: Entry): void {
    entry.closed = true;
    if (entries.get(key) === entry) entries.delete(key);
    const client = entry.client;
    if (!client) return;
    client.end();
    // A peer that vanished without a FIN would keep the half-closed socket (and the process) alive for minutes.
    setTimeout(() => client.destroy(), CLOSE_GRACE_MS).unref();
  }

  function getClient(ep: SshEndpoint): Promise<Client> {
    const sig = signature(ep);
    const existing = entries.get(ep.key);
    if (existing && !existing.closed && existing.signature === sig) return existing.ready;
    if (existing) drop(ep.key, existing);
    const entry: Entry = { signature: sig, closed: false, ready: connect(ep) };
    entries.set(ep.key, entry);
    entry.ready.then(
      (client) => {
        entry.client = client;
        client.on('error', () => undefined); // 'close' follows
        client.on('close', () => drop(ep.key, entry));
        if (entry.closed) client.end(); // forgotten while connecting
      },
      () => drop(ep.key, entry),
    );
    return entry.ready;
  }

  async function tunnel(target: Target, jump: SshEndpoint, timeoutMs: number): Promise<Duplex> {
    const jumpClient = await getClient(jump);
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(connectTimeout(target, timeoutMs, jump));
      }, timeoutMs);
      try {
        jumpClient.forwardOut('127.0.0.1', 0, target.host, target.port, (err, stream) => {
          clearTimeout(timer);
          if (timedOut) stream?.close();
          else if (err) reject(mapConnectError(err, target, timeoutMs, jump));
          else resolve(stream);
        });
      } catch (e) {
        clearTimeout(timer);
        reject(mapConnectError(e, target, timeoutMs, jump));
      }
    });
  }

  async function connect(ep: SshEndpoint): Promise<Client> {
    const timeoutMs = ep.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const sock = ep.jump ? await tunnel(ep, ep.jump, timeoutMs) : undefined;
    return (await handshake({ mode: 'login', ep }, sock, timeoutMs, ep.jump)).client;
  }

  /** At most MAX_CHANNELS_PER_CONNECTION concurrent commands per endpoint; the rest queue in order. */
  async function acquireSlot(key: string, signal: AbortSignal | undefined, ep: SshEndpoint): Promise<() => void> {
    let s = slots.get(key);
    if (!s) slots.set(key, (s = { active: 0, waiters: [] }));
    const slot = s;
    const passOn = () => {
      const next = slot.waiters.shift();
      if (next) next(); // the slot moves to the next waiter
      else slot.active--;
    };
    if (slot.active < MAX_CHANNELS_PER_CONNECTION) slot.active++;
    else {
      let abandoned = false;
      const granted = new Promise<void>((r) => slot.waiters.push(() => (abandoned ? passOn() : r())));
      await abortable(granted, signal, ep).catch((e: unknown) => {
        abandoned = true;
        throw e;
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      passOn();
    };
  }

  async function runHelper(ep: SshEndpoint, script: string): Promise<void> {
    const client = await getClient(ep);
    await runRemote(client, script, { timeoutMs: HELPER_TIMEOUT_MS }, { where: where(ep), runHelper: async () => undefined });
  }

  async function exec(ep: SshEndpoint, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const release = await acquireSlot(ep.key, options.signal, ep);
    try {
      for (let attempt = 0; ; attempt++) {
        const client = await abortable(getClient(ep), options.signal, ep);
        try {
          return await runRemote(client, command, options, { where: where(ep), runHelper: (s) => runHelper(ep, s) });
        } catch (e) {
          if (!(e instanceof ChannelOpenFailed)) throw e;
          // The pooled connection died under us (or refused a channel): reconnect once.
          const entry = entries.get(ep.key);
          if (entry?.client === client) drop(ep.key, entry);
          if (attempt > 0) throw new AppError('SSH_ERROR', `cannot start a command on ${where(ep)}: ${e.message}`, { endpointKey: ep.key });
        }
      }
    } finally {
      release();
    }
  }

  async function scanHostKey(ep: ScanTarget): Promise<ScannedHostKey> {
    const timeoutMs = ep.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const sock = ep.jump ? await tunnel(ep, ep.jump, timeoutMs) : undefined;
    const { client, scanned } = await handshake({ mode: 'scan', ep }, sock, timeoutMs, ep.jump);
    client.end();
    if (!scanned) throw new AppError('SSH_ERROR', `${where(ep)} did not present a host key`, { endpointKey: ep.key });
    return scanned;
  }

  return {
    exec,
    scanHostKey,
    forget(key) {
      const entry = entries.get(key);
      if (entry) drop(key, entry);
    },
    closeAll() {
      for (const [key, entry] of [...entries]) drop(key, entry);
    },
  };
}
