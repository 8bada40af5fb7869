// OpenSSH servers for hosts that live in network namespaces (the local lab's front-end and
// back-end, and the namespace lab of the tests): a config that needs nothing from /etc/ssh, keys
// made with ssh-keygen (so their fingerprints are known before anyone connects) and a wait for
// the port that reports the server's own log when it exits instead.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { AppError } from '../../../shared/result.js';
import { mustRun } from './host.js';

export const SSHD_BINARY = '/usr/sbin/sshd';
/** sshd's privilege-separation directory; Debian's package creates it only through systemd. */
export const SSHD_RUN_DIR = '/run/sshd';

export interface SshdConfig {
  /** Addresses sshd listens on (port 22 unless given as ip:port). */
  listen: string[];
  hostKey: string;
  pidFile: string;
  authorizedKeys: string;
  /** HOME (and more) for sessions: a clean HOME keeps the machine's ~/.bashrc out of lab sessions. */
  env: Record<string, string>;
}

/** sshd_config text: keys only, root by key, forwarding on (the front-end is a jump host). */
export function sshdConfigText(cfg: SshdConfig): string {
  const lines = [
    ...cfg.listen.map((a) => `ListenAddress ${a.includes(':') ? a : `${a}:22`}`),
    `HostKey ${cfg.hostKey}`,
    `PidFile ${cfg.pidFile}`,
    `AuthorizedKeysFile ${cfg.authorizedKeys}`,
    // Keys may live in a temporary or data directory whose modes sshd would otherwise refuse.
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'AllowTcpForwarding yes',
    'MaxSessions 64',
    'MaxStartups 64:30:128',
    'LogLevel VERBOSE',
    'UseDNS no',
    'PrintMotd no',
    'Subsystem sftp internal-sftp',
  ];
  const env = Object.entries(cfg.env).map(([k, v]) => `${k}=${v}`);
  if (env.length > 0) lines.push(`SetEnv ${env.join(' ')}`);
  return lines.join('\n') + '\n';
}

export function ensureSshdRunDir(): void {
  mkdirSync(SSHD_RUN_DIR, { recursive: true, mode: 0o755 });
}

export async function keygen(path: string, type: string, passphrase = '', comment = 'iovlab'): Promise<void> {
  await mustRun('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', path], `creating SSH key ${path}`);
}

/** Key type and SHA256 fingerprint of an OpenSSH public key file, as ssh-keygen -l prints them. */
export async function fingerprintOf(pubPath: string): Promise<{ type: string; fingerprint: string }> {
  const [pub, line] = await Promise.all([readFile(pubPath, 'utf8'), mustRun('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], `reading the fingerprint of ${pubPath}`)]);
  const fp = /SHA256:[A-Za-z0-9+/]+/.exec(line)?.[0];
  if (!fp) throw new AppError('PARSE_ERROR', `ssh-keygen -l printed no SHA256 fingerprint for ${pubPath}: ${line.trim()}`);
  return { type: pub.split(' ')[0] ?? '', fingerprint: fp };
}

export interface WaitPortOptions {
  /** False once the server process has exited: stop waiting and report its log. */
  alive: () => boolean;
  logPath: string;
  /** Names the server in messages, e.g. `sshd of the front-end`. */
  label: string;
  timeoutMs?: number;
}

/** Resolves once a TCP connect to ip:port succeeds. */
export function waitForPort(ip: string, port: number, opts: WaitPortOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (!opts.alive()) {
        void readFile(opts.logPath, 'utf8').catch(() => '').then((log) =>
          reject(new AppError('COMMAND_FAILED', `${opts.label} on ${ip}:${port} exited before it accepted connections. Its log (${opts.logPath}):\n${log.trim().split('\n').slice(-10).join('\n')}`)),
        );
        return;
      }
      const sock = connect({ host: ip, port });
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new AppError('CONNECT_TIMEOUT', `${opts.label} on ${ip}:${port} did not accept connections within ${timeoutMs / 1000} s (log: ${opts.logPath})`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}
