// The SSH layer's public surface, used by the API handlers, the probe and (later) the
// benchmark engine. Implemented in ./pool.ts over ssh2.
export interface SshEndpoint {
  /** Stable key for pooling (the node id as a string in practice). */
  key: string;
  host: string;
  port: number;
  user: string;
  auth:
    | { kind: 'key'; privateKey: Buffer; passphrase?: string }
    | { kind: 'agent'; agentSocket: string }
    | { kind: 'password'; password: string };
  /** The fingerprint ("SHA256:...") we trust; null = trust nothing yet (first use). */
  trustedFingerprint: string | null;
  /** Reach this endpoint through another one (ssh -J): a direct-tcpip channel over its connection. */
  jump?: SshEndpoint;
  /** Connect timeout in ms (TCP + handshake + auth); default 8000 so an unreachable host fails within 10 s. */
  readyTimeoutMs?: number;
}

export interface ExecOptions {
  /** Bytes written to the command's stdin, then EOF. */
  stdin?: string | Buffer;
  timeoutMs?: number;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ScannedHostKey {
  keyType: string;
  fingerprint: string;
}

export interface SshPool {
  /**
   * Connect (or reuse the pooled connection) and run one command through the remote user's
   * shell. Rejects with AppError: HOST_UNREACHABLE, CONNECT_TIMEOUT, AUTH_FAILED,
   * HOST_KEY_UNKNOWN (details.fingerprint, details.keyType), HOST_KEY_CHANGED
   * (details.knownFingerprint, details.fingerprint), COMMAND_TIMEOUT, CANCELLED, SSH_ERROR.
   * A non-zero exit is not an error: it is in ExecResult.code.
   */
  exec(endpoint: SshEndpoint, command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Handshake only, to learn the host key before trusting it (no authentication needed). */
  scanHostKey(endpoint: Omit<SshEndpoint, 'trustedFingerprint' | 'auth'> & { auth?: SshEndpoint['auth'] }): Promise<ScannedHostKey>;
  /** Drop the pooled connection of one endpoint (e.g. after its settings changed). */
  forget(key: string): void;
  closeAll(): void;
}
