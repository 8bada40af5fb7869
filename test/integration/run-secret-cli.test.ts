// `iovlab run --secret-stdin NODE` on the namespace lab: a node whose private key is protected
// by a passphrase (ssh-keygen -N, authorized on the namespace's real sshd). The CLI keeps
// secrets in memory for one process, so the run gets the passphrase on stdin. Without it the
// run refuses to start with SECRET_REQUIRED naming the node and the flag; with a wrong one it
// refuses with AUTH_FAILED; with the right one a real dd step runs over SSH.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { createLocalClient } from '../../electron/core/api/local-client.js';
import { callOf } from '../helpers/bench-lab.js';
import { runCli } from '../helpers/cli.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';

const skip = netnsUnavailableReason() ?? false;
const LAB = 'secret-lab';
const targetDir = `/var/tmp/iovlab/run-secret-it-${process.pid}`;
let lab: NsLab;
let backend: Backend;
let call: ReturnType<typeof callOf>;
let dataDir: string;
let planFile: string;

before(async () => {
  if (skip) return;
  lab = await startNsLab();
  dataDir = mkdtempSync(join(tmpdir(), 'iovlab-run-secret-'));
  backend = createBackend({ dataDir, host: 'cli' });
  call = callOf(createLocalClient(backend));
  const created = await call('lab.create', { name: LAB, description: 'a node with a passphrase-protected key' });
  // Added without the passphrase: this setup process's memory vault is not the CLI's anyway.
  const nc1 = await call('node.add', { labId: created.id, name: 'nc1', roles: ['NC'], host: lab.front.ip, port: 22, user: 'root', auth: { kind: 'key', keyPath: lab.encryptedKeyPath } });
  await call('node.acceptHostKey', { nodeId: nc1.id, fingerprint: lab.front.hostKeyFingerprint });
  planFile = join(dataDir, 'plan.yaml');
  writeFileSync(planFile, [
    'name: secret-run',
    'repeats: 1',
    'targets:',
    `  - { name: scratch, node: nc1, kind: file, path: ${targetDir}/scratch.dat }`,
    'workloads:',
    '  - { id: dd-write, tool: dd, op: write, size: 1M, blockSize: 64k, mode: fdatasync }',
    '',
  ].join('\n'));
});

after(async () => {
  await backend?.close();
  await lab?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  rmSync(targetDir, { recursive: true, force: true });
});

const runArgs = (...extra: string[]) => ['--data-dir', dataDir, 'run', '--lab', LAB, '--plan', planFile, ...extra];

test('run without the key passphrase refuses to start: SECRET_REQUIRED names the node and --secret-stdin', { skip, timeout: 60_000 }, async () => {
  const r = await runCli(runArgs());
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /\[SECRET_REQUIRED\]/);
  assert.match(r.stderr, /node "nc1" of lab "secret-lab": its private key .*id_encrypted is protected by a passphrase/);
  assert.match(r.stderr, /give it on stdin: echo "\$SECRET" \| iovlab run --lab secret-lab --plan \S+plan\.yaml --secret-stdin nc1/);
  assert.deepEqual(await call('run.list', {}), [], 'no run was stored');
});

test('run with a wrong passphrase on stdin refuses to start with AUTH_FAILED naming the node', { skip, timeout: 60_000 }, async () => {
  const r = await runCli(runArgs('--secret-stdin', 'nc1'), { stdin: 'not the passphrase\n' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /\[AUTH_FAILED\]/);
  assert.match(r.stderr, /node "nc1" .*passphrase read from stdin \(--secret-stdin nc1\) does not decrypt its private key/);
  assert.deepEqual(await call('run.list', {}), [], 'no run was stored');
});

test('--secret-stdin rejects an unknown node and an empty stdin before anything runs', { skip, timeout: 60_000 }, async () => {
  const unknown = await runCli(runArgs('--secret-stdin', 'nc9'), { stdin: `${lab.keyPassphrase}\n` });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /--secret-stdin nc9: lab "secret-lab" has no node named "nc9" \[NOT_FOUND\]/);
  const empty = await runCli(runArgs('--secret-stdin', 'nc1'), { stdin: '' });
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /nothing came on stdin.*\[INVALID_ARGUMENT\]/);
  assert.deepEqual(await call('run.list', {}), []);
});

test('echo passphrase | iovlab run --secret-stdin nc1 runs the plan over SSH with the protected key', { skip, timeout: 90_000 }, async () => {
  const r = await runCli(runArgs('--secret-stdin', 'nc1'), { stdin: `${lab.keyPassphrase}\n`, timeoutMs: 80_000 });
  assert.equal(r.code, 0, r.stderr);
  const runId = Number(r.stdout.trim());
  assert.ok(Number.isInteger(runId) && runId > 0, `run id on stdout: ${JSON.stringify(r.stdout)}`);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(lab.keyPassphrase), 'the passphrase is never echoed');
  const { run, steps } = await call('run.get', { runId });
  assert.equal(run.status, 'ok');
  assert.equal(steps.length, 1);
  const [step] = steps;
  assert.equal(step?.status, 'ok', step?.error ?? '');
  assert.ok(step.metric && step.metric.value > 0 && step.metric.unit === 'MBps', JSON.stringify(step.metric));
  assert.ok(step.commands.some((c) => c.node === 'nc1' && /'dd'/.test(c.command)), JSON.stringify(step.commands));
});
