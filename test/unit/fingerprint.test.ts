import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyTypeOfBlob, sha256Fingerprint } from '../../electron/core/ssh/fingerprint.js';

function hasSshKeygen(): boolean {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (e) {
    return (e as { status?: number }).status !== undefined && (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  return true;
}
const skip = hasSshKeygen() ? false : 'ssh-keygen not installed (apt-get install openssh-client)';

const KEYS = [
  { type: 'ed25519', args: [] as string[], wireType: 'ssh-ed25519' },
  { type: 'rsa', args: ['-b', '2048'], wireType: 'ssh-rsa' },
  { type: 'ecdsa', args: ['-b', '256'], wireType: 'ecdsa-sha2-nistp256' },
  { type: 'ecdsa', args: ['-b', '521'], wireType: 'ecdsa-sha2-nistp521' },
];

test('sha256Fingerprint matches `ssh-keygen -lf` for real ed25519, rsa and ecdsa keys', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovlab-fp-'));
  try {
    for (const [i, k] of KEYS.entries()) {
      const path = join(dir, `key${i}`);
      execFileSync('ssh-keygen', ['-q', '-t', k.type, ...k.args, '-N', '', '-f', path]);
      const [wireType, b64] = readFileSync(`${path}.pub`, 'utf8').split(' ');
      const blob = Buffer.from(b64 ?? '', 'base64');
      const expected = /SHA256:[A-Za-z0-9+/]+/.exec(execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`]).toString())?.[0];
      assert.ok(expected, 'ssh-keygen printed a SHA256 fingerprint');
      assert.equal(sha256Fingerprint(blob), expected, `${k.wireType} fingerprint`);
      assert.equal(wireType, k.wireType);
      assert.equal(keyTypeOfBlob(blob), k.wireType);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sha256Fingerprint is unpadded base64 with the SHA256: prefix', () => {
  const fp = sha256Fingerprint(Buffer.from('any blob'));
  assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('keyTypeOfBlob returns "unknown" for truncated or garbage blobs', () => {
  assert.equal(keyTypeOfBlob(Buffer.alloc(2)), 'unknown');
  assert.equal(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 65])), 'unknown');
});
