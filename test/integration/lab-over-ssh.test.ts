// The skeleton's promise, end to end below the UI: a real backend on a real SQLite file adds
// two real sshd nodes living in network namespaces, trusts their host keys, probes them and
// reads the facts back — including every way this goes wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { createLocalClient } from '../../electron/core/api/local-client.js';
import type { ApiClient, ApiMethod, ApiParams, ApiResults } from '../../shared/api.js';
import type { ApiError } from '../../shared/result.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';

const skip = netnsUnavailableReason() ?? false;

let lab: NsLab;
let dataDir: string;
let backend: Backend;
let client: ApiClient;

async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]> {
  const result = await client.call(method, params);
  if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.code} ${result.error.message}`), { apiError: result.error });
  return result.value;
}

async function callError<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiError> {
  const result = await client.call(method, params);
  assert.equal(result.ok, false, `${method} should have failed`);
  return (result as { ok: false; error: ApiError }).error;
}

async function probe(nodeId: number) {
  const { jobId } = await call('node.probe', { nodeId });
  return backend.waitForJob(jobId);
}

before(async () => {
  if (skip) return;
  lab = await startNsLab({ backMissingTools: true });
  dataDir = mkdtempSync(join(tmpdir(), 'iovlab-lab-'));
  backend = createBackend({ dataDir, host: 'cli' });
  client = createLocalClient(backend);
});

after(async () => {
  await backend?.close();
  await lab?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('front-end and back-end (via jump host) are added, trusted, probed, and their facts read back', { skip }, async () => {
  const created = await call('lab.create', { name: 'paper lab', description: 'two namespaces' });
  const front = await call('node.add', {
    labId: created.id, name: 'front', roles: ['CLC', 'CC', 'EBS', 'WALRUS'], host: lab.front.ip, port: lab.front.port, user: 'root',
    auth: { kind: 'key', keyPath: lab.userKeyPath },
  });
  const back = await call('node.add', {
    labId: created.id, name: 'back', roles: ['NC'], host: lab.backPrivateIp, port: lab.back.port, user: 'root',
    auth: { kind: 'key', keyPath: lab.encryptedKeyPath, passphrase: lab.keyPassphrase }, jumpNodeId: front.id,
  });
  assert.equal(back.auth.hasSecret, true);

  // Before trust, connecting is refused with the fingerprint the user has to check.
  const early = await probe(front.id);
  assert.equal(early.ok, false);
  assert.equal(!early.ok && early.error.code, 'HOST_KEY_UNKNOWN');

  const frontScan = await call('node.scanHostKey', { nodeId: front.id });
  assert.equal(frontScan.status, 'new');
  assert.equal(frontScan.fingerprint, lab.front.hostKeyFingerprint);
  await call('node.acceptHostKey', { nodeId: front.id, fingerprint: frontScan.fingerprint });
  const backScan = await call('node.scanHostKey', { nodeId: back.id });
  assert.equal(backScan.fingerprint, lab.back.hostKeyFingerprint, 'scan through the jump host sees the back-end key');
  await call('node.acceptHostKey', { nodeId: back.id, fingerprint: backScan.fingerprint });
  assert.equal((await call('node.scanHostKey', { nodeId: back.id })).status, 'trusted');

  for (const node of [front, back]) {
    const outcome = await probe(node.id);
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  }
  const frontFacts = await call('node.facts', { nodeId: front.id });
  const backFacts = await call('node.facts', { nodeId: back.id });
  assert.ok(frontFacts && backFacts);
  assert.match(frontFacts.facts.kernel ?? '', /^\d+\.\d+/);
  assert.ok((frontFacts.facts.cpu.cores ?? 0) >= 1);
  assert.ok(frontFacts.facts.nics.some((n) => n.name !== 'lo'), 'the namespace veth is listed');
  assert.equal(frontFacts.facts.tools.fio.installed, true, 'front-end has the full PATH');
  // The back-end's sessions see a PATH without the benchmark tools: the probe still succeeds
  // and says what is missing.
  assert.equal(backFacts.facts.tools.fio.installed, false);
  assert.equal(backFacts.facts.tools.iperf3.installed, false);
  const readiness = await call('lab.readiness', { labId: created.id });
  const fio = readiness.find((r) => r.experimentId === 'storage-fio');
  assert.ok(fio && !fio.ready && fio.missing.some((m) => m.node === 'back' && m.tool === 'fio'), JSON.stringify(fio));

  // Everything persists: a new backend on the same data dir sees the same lab.
  await backend.close();
  backend = createBackend({ dataDir, host: 'cli' });
  client = createLocalClient(backend);
  const [reopened] = await call('lab.list', {});
  assert.equal(reopened?.name, 'paper lab');
  assert.deepEqual(reopened?.nodes.map((n) => [n.name, n.hostKey?.fingerprint]).sort(), [
    ['back', lab.back.hostKeyFingerprint],
    ['front', lab.front.hostKeyFingerprint],
  ]);
  assert.equal((await call('node.facts', { nodeId: back.id }))?.facts.tools.fio.installed, false);
  // The passphrase lived in memory only: after a restart the encrypted key cannot be used.
  assert.equal(reopened?.nodes.find((n) => n.name === 'back')?.auth.hasSecret, false);
  const noPassphrase = await probe(back.id);
  assert.equal(!noPassphrase.ok && noPassphrase.error.code, 'AUTH_FAILED');
});

test('an unreachable address fails clearly within 10 s', { skip }, async () => {
  const l = await call('lab.create', { name: 'unreachable' });
  const node = await call('node.add', { labId: l.id, name: 'ghost', roles: ['NC'], host: lab.blackholeIp, port: 22, user: 'root', auth: { kind: 'key', keyPath: lab.userKeyPath } });
  const started = Date.now();
  const error = await callError('node.scanHostKey', { nodeId: node.id });
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.equal(error.code, 'CONNECT_TIMEOUT');
  assert.match(error.message, new RegExp(lab.blackholeIp.replace(/\./g, '\\.')));
});

test('a wrong key is refused with AUTH_FAILED, a missing key file with KEY_FILE_UNREADABLE', { skip }, async () => {
  const l = await call('lab.create', { name: 'wrong key' });
  const node = await call('node.add', { labId: l.id, name: 'front', roles: ['CLC'], host: lab.front.ip, port: lab.front.port, user: 'root', auth: { kind: 'key', keyPath: lab.wrongKeyPath } });
  await call('node.acceptHostKey', { nodeId: node.id, fingerprint: lab.front.hostKeyFingerprint });
  const wrong = await probe(node.id);
  assert.equal(!wrong.ok && wrong.error.code, 'AUTH_FAILED');
  await call('node.update', { nodeId: node.id, auth: { kind: 'key', keyPath: join(lab.dir, 'no-such-key') } });
  const missing = await probe(node.id);
  assert.equal(!missing.ok && missing.error.code, 'KEY_FILE_UNREADABLE');
});

test('a changed host key is refused and names both fingerprints', { skip }, async () => {
  const l = await call('lab.create', { name: 'rotated' });
  const node = await call('node.add', { labId: l.id, name: 'front', roles: ['CLC'], host: lab.front.ip, port: lab.front.port, user: 'root', auth: { kind: 'key', keyPath: lab.userKeyPath } });
  const old = lab.front.hostKeyFingerprint;
  await call('node.acceptHostKey', { nodeId: node.id, fingerprint: old });
  assert.equal((await probe(node.id)).ok, true);
  const fresh = await lab.rotateHostKey('front');
  // The pooled session made with the old key lives on (as an OpenSSH client's would); the key
  // is checked on the next connection, so reopen the backend as a later start of the app would.
  await backend.close();
  backend = createBackend({ dataDir, host: 'cli' });
  client = createLocalClient(backend);
  const refused = await probe(node.id);
  assert.equal(!refused.ok && refused.error.code, 'HOST_KEY_CHANGED');
  assert.ok(!refused.ok && refused.error.message.includes(old) && refused.error.message.includes(fresh), !refused.ok ? refused.error.message : '');
  const scan = await call('node.scanHostKey', { nodeId: node.id });
  assert.deepEqual([scan.status, scan.knownFingerprint, scan.fingerprint], ['changed', old, fresh]);
  // Accepting a fingerprint other than the one presented is refused too.
  assert.equal((await callError('node.acceptHostKey', { nodeId: node.id, fingerprint: old })).code, 'HOST_KEY_CHANGED');
});

test('hostile lab and node names never execute on the node', { skip }, async () => {
  const canary = join(lab.dir, 'CANARY');
  const hostile = [`x'; touch ${canary}; echo '`, `$(touch ${canary})`, `\`touch ${canary}\``, `a;touch ${canary}`, `a && touch ${canary} | cat`];
  for (const [i, name] of hostile.entries()) {
    const l = await call('lab.create', { name: `${name} ${i}` });
    const node = await call('node.add', { labId: l.id, name, roles: ['NC'], host: lab.front.ip, port: lab.front.port, user: 'root', auth: { kind: 'key', keyPath: lab.userKeyPath } });
    await call('node.acceptHostKey', { nodeId: node.id, fingerprint: lab.front.hostKeyFingerprint });
    assert.equal((await probe(node.id)).ok, true);
    assert.equal((await call('lab.list', {})).find((x) => x.id === l.id)?.nodes[0]?.name, name, 'stored verbatim');
  }
  const inNs = await lab.runIn('front', ['test', '-e', canary]);
  assert.notEqual(inNs.code, 0, 'canary must not exist inside the node');
  assert.equal(existsSync(canary), false);
  // Newlines and control characters are refused at the boundary with a specific message.
  const bad = await callError('lab.create', { name: 'a\nrm -rf /' });
  assert.equal(bad.code, 'INVALID_ARGUMENT');
  assert.match(bad.message, /name: must not contain control characters/);
});
