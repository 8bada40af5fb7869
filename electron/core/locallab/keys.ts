// Keys of the local lab. The login key is made once per cache directory (OpenSSH format, which
// ssh2 reads); each guest gets a fresh dropbear host key generated on the host, so its
// fingerprint is known before the guest boots and the SSH pool can pin it (no trust on first use).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/result.js';
import { sha256Fingerprint } from '../ssh/fingerprint.js';
import { mustRun } from './host.js';

export interface KeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
}

export interface HostKey {
  /** dropbear-format private key, handed to the guest through fw_cfg. */
  path: string;
  publicKey: string;
  fingerprint: string;
}

export async function ensureUserKey(dir: string): Promise<KeyPair> {
  const privateKeyPath = join(dir, 'id_ed25519');
  const publicKeyPath = `${privateKeyPath}.pub`;
  if (!existsSync(privateKeyPath) || !existsSync(publicKeyPath)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await rm(privateKeyPath, { force: true });
    await rm(publicKeyPath, { force: true });
    await mustRun('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'iovlab-local-lab', '-f', privateKeyPath], 'creating the local-lab login key');
  }
  return { privateKeyPath, publicKeyPath };
}

/** The SHA256 fingerprint of an OpenSSH public-key line ("ssh-ed25519 AAAA... comment"). */
export function publicKeyFingerprint(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob) throw new AppError('PARSE_ERROR', `not an OpenSSH public key line: ${JSON.stringify(line.slice(0, 80))}`);
  return sha256Fingerprint(Buffer.from(blob, 'base64'));
}

export async function makeHostKey(path: string): Promise<HostKey> {
  await rm(path, { force: true });
  await mustRun('dropbearkey', ['-t', 'ed25519', '-f', path], 'creating a guest host key');
  const out = await mustRun('dropbearkey', ['-y', '-f', path], 'reading a guest host key');
  const publicKey = out.split('\n').find((l) => l.startsWith('ssh-ed25519 '));
  if (!publicKey) throw new AppError('PARSE_ERROR', `dropbearkey -y printed no public key for ${path}`);
  return { path, publicKey, fingerprint: publicKeyFingerprint(publicKey) };
}

export async function readPublicKey(path: string): Promise<string> {
  const text = (await readFile(path, 'utf8')).trim();
  if (!/^(ssh-|ecdsa-)\S+ \S+/.test(text)) throw new AppError('KEY_FILE_UNREADABLE', `${path} is not an OpenSSH public key`);
  return text;
}
