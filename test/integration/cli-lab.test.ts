// The CLI as a user runs it (a child process per command, one data dir), against real sshd
// nodes in network namespaces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';
import { runCli, startServe } from '../helpers/cli.js';

const skip = netnsUnavailableReason() ?? false;
let lab: NsLab;
let dataDir: string;
const iovlab = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'iovlab-cli-'));
  if (!skip) lab = await startNsLab();
});
after(async () => {
  await lab?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('lab add, node add, trust and probe through the CLI; lab list --json shows it all', { skip }, async () => {
  assert.equal((await iovlab('lab', 'add', 'cli-lab', '--description', 'from the CLI')).code, 0);
  const add = await iovlab('node', 'add', 'cli-lab', 'front', '--host', lab.front.ip, '--port', String(lab.front.port), '--key', lab.userKeyPath, '--front-end');
  assert.equal(add.code, 0, add.stderr);

  const untrusted = await iovlab('node', 'probe', 'cli-lab', 'front');
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /HOST_KEY_UNKNOWN/);
  assert.ok(untrusted.stderr.includes(lab.front.hostKeyFingerprint), untrusted.stderr);

  const wrongFp = await iovlab('node', 'trust', 'cli-lab', 'front', '--fingerprint', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(wrongFp.code, 1);
  assert.match(wrongFp.stderr, /HOST_KEY_CHANGED/);

  const trust = await iovlab('node', 'trust', 'cli-lab', 'front', '--fingerprint', lab.front.hostKeyFingerprint, '--json');
  assert.equal(trust.code, 0, trust.stderr);
  assert.deepEqual(JSON.parse(trust.stdout), { keyType: lab.front.hostKeyType, fingerprint: lab.front.hostKeyFingerprint, status: 'new', knownFingerprint: null, accepted: true });

  const probed = await iovlab('node', 'probe', 'cli-lab', 'front', '--json');
  assert.equal(probed.code, 0, probed.stderr);
  const record = JSON.parse(probed.stdout) as { facts: { kernel: string; tools: Record<string, { installed: boolean }> } };
  assert.match(record.facts.kernel, /^\d+\.\d+/);
  assert.equal(record.facts.tools.iperf3?.installed, true);

  const list = await iovlab('lab', 'list', '--json');
  const labs = JSON.parse(list.stdout) as { name: string; description: string; nodes: { name: string; roles: string[]; hostKey: { fingerprint: string } | null; lastProbeAt: string | null }[] }[];
  assert.equal(labs.length, 1);
  assert.equal(labs[0]?.description, 'from the CLI');
  assert.deepEqual(labs[0]?.nodes[0]?.roles, ['CLC', 'CC', 'EBS', 'WALRUS']);
  assert.equal(labs[0]?.nodes[0]?.hostKey?.fingerprint, lab.front.hostKeyFingerprint);
  assert.ok(labs[0]?.nodes[0]?.lastProbeAt);
});

test('CLI errors are one clear line and a non-zero exit', async () => {
  const missing = await iovlab('node', 'probe', 'no-such-lab', 'x');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^iovlab: no lab named "no-such-lab"/);
  const badRole = await iovlab('node', 'add', 'x', 'y', '--host', '127.0.0.1', '--roles', 'NC,BOSS', '--agent');
  assert.notEqual(badRole.code, 0);
  assert.match(badRole.stderr, /unknown role\(s\) BOSS/);
  const dup = await iovlab('lab', 'add', 'twice');
  assert.equal(dup.code, 0);
  const again = await iovlab('lab', 'add', 'twice');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ALREADY_EXISTS/);
});

test('iovlab serve prints a tokened URL on 127.0.0.1 and refuses requests without the token', async () => {
  const serve = await startServe(['--data-dir', dataDir]);
  try {
    const url = new URL(serve.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.ok((url.searchParams.get('token') ?? '').length >= 32);
    assert.equal((await fetch(serve.url)).status, 200);
    assert.equal((await fetch(`${url.origin}/`)).status, 401);
    assert.equal((await fetch(`${url.origin}/?token=wrong`)).status, 401);
  } finally {
    await serve.stop();
  }
});
