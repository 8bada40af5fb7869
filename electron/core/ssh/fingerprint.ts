// Host key fingerprints in the exact form OpenSSH prints them (`ssh-keygen -lf`, the
// "key fingerprint is" prompt), so a user can compare what iovlab shows with what they know.
import { createHash } from 'node:crypto';

/** "SHA256:" + unpadded base64 of the SHA-256 of the key blob (the wire-format public key). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a wire-format key blob (e.g. "ssh-ed25519"), or "unknown". */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}
