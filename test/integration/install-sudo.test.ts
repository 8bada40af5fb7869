// The install engine for a non-root SSH user on the namespace lab: two throwaway local users
// log in to the "back" sshd with the lab's key (its AuthorizedKeysFile serves every user), one
// allowed passwordless sudo, one not. Preflight refuses the second by name; the first gets its
// steps run as root through `sudo -n sh -c`, and a cancel stops the step's root processes too
// (which the SSH user itself could not signal). Real sudo, real sshd, real users (removed after).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { createLocalClient } from '../../electron/core/api/local-client.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';
import { which } from '../helpers/netns-sys.js';
import { callOf, processesIn, waitFor } from '../helpers/bench-lab.js';

const skip = netnsUnavailableReason() ?? (!which('sudo') ? 'sudo is not installed (apt-get install sudo)' : !which('useradd') || !which('userdel') ? 'useradd/userdel are not installed (passwd)' : false);
const FIXTURES = fileURLToPath(new URL('../fixtures/recipes-engine/', import.meta.url));
const allowed = `iovls${process.pid}`;
const refused = `iovln${process.pid}`;
const sudoers = `/etc/sudoers.d/iovlab-test-${process.pid}`;

let lab: NsLab;
let backend: Backend;
let call: ReturnType<typeof callOf>;
let root = '';
let work = '';
const labIds = { allowed: 0, refused: 0 };

function addUser(name: string): void {
  // '*' (not the default '!'): a locked account may not log in even with a key when sshd runs without PAM.
  execFileSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', '-p', '*', name], { stdio: 'pipe' });
}
function removeUser(name: string): void {
  try { execFileSync('pkill', ['-KILL', '-u', name], { stdio: 'ignore' }); } catch { /* none left */ }
  try { execFileSync('userdel', [name], { stdio: 'ignore' }); } catch { /* never added */ }
}

before(async () => {
  if (skip) return;
  root = mkdtempSync('/tmp/iovlab-install-test-');
  work = join(root, 'work');
  const recipesDir = join(root, 'recipes');
  mkdirSync(work);
  mkdirSync(recipesDir);
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(recipesDir, f), readFileSync(join(FIXTURES, f), 'utf8').replaceAll('@TESTDIR@', work));
  }
  addUser(allowed);
  addUser(refused);
  writeFileSync(sudoers, `${allowed} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  lab = await startNsLab();
  // sshd reads AuthorizedKeysFile as the logging-in user: let other users reach the lab's (public) keys file.
  chmodSync(lab.dir, 0o711);
  chmodSync(join(lab.dir, 'authorized_keys'), 0o644);
  backend = createBackend({ dataDir: join(root, 'data'), host: 'cli', env: { ...process.env, IOVLAB_RECIPES_DIR: recipesDir } });
  call = callOf(createLocalClient(backend));
  for (const [which_, user] of [['allowed', allowed], ['refused', refused]] as const) {
    const created = await call('lab.create', { name: `sudo-${which_}`, description: '' });
    const node = await call('node.add', { labId: created.id, name: 'nc', roles: ['NC'], host: lab.backPrivateIp, port: 22, user, auth: { kind: 'key', keyPath: lab.userKeyPath } });
    await call('node.acceptHostKey', { nodeId: node.id, fingerprint: lab.back.hostKeyFingerprint });
    labIds[which_] = created.id;
  }
});
after(async () => {
  await backend?.close();
  await lab?.stop();
  rmSync(sudoers, { force: true });
  if (!skip) for (const u of [allowed, refused]) removeUser(u);
  if (root) rmSync(root, { recursive: true, force: true });
});

test('preflight refuses a non-root user without passwordless sudo, quoting sudo', { skip, timeout: 60_000 }, async () => {
  const result = await call('install.preflight', { recipeId: 'engine-sudo', labId: labIds.refused });
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems.map((p) => p.message), [
    `node "nc": user "${refused}" cannot use sudo without a password (sudo -n said: sudo: a password is required): allow it (a line "${refused} ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/iovlab) or connect as root`,
  ]);
  const start = await createLocalClient(backend).call('install.start', { recipeId: 'engine-sudo', labId: labIds.refused });
  assert.equal(!start.ok && start.error.code, 'PREFLIGHT_FAILED');
});

test('a non-root user with passwordless sudo gets its steps run as root', { skip, timeout: 60_000 }, async () => {
  assert.deepEqual(await call('install.preflight', { recipeId: 'engine-sudo', labId: labIds.allowed }), { ok: true, problems: [] });
  const plan = await call('install.plan', { recipeId: 'engine-sudo', labId: labIds.allowed });
  assert.equal(plan.steps[0]?.nodes[0]?.sudo, true);
  const { installId, jobId } = await call('install.start', { recipeId: 'engine-sudo', labId: labIds.allowed });
  const outcome = await backend.waitForJob(jobId);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const got = await call('install.get', { installId });
  assert.equal(got.steps[0]?.status, 'done');
  assert.match(got.steps[0]?.log ?? '', /^== check \(sudo\)\n[\s\S]*running as root\n/);
  assert.equal(readFileSync(join(work, 'sudo/uid'), 'utf8'), '0\n');
  assert.equal(statSync(join(work, 'sudo/uid')).uid, 0);
});

test('cancel under sudo also stops the root processes the SSH user cannot signal', { skip, timeout: 60_000 }, async () => {
  const { installId, jobId } = await call('install.start', { recipeId: 'engine-slow', labId: labIds.allowed });
  await waitFor('the step\'s sleep on back', async () => (await processesIn(lab.back.ns)).includes('sleep'), 20_000, 50);
  assert.deepEqual(await call('job.cancel', { jobId }), { cancelled: true });
  const outcome = await backend.waitForJob(jobId);
  assert.equal(!outcome.ok && outcome.error.code, 'CANCELLED');
  const got = await call('install.get', { installId });
  assert.deepEqual([got.status, got.steps[0]?.status], ['cancelled', 'cancelled']);
  assert.deepEqual((await processesIn(lab.back.ns)).filter((n) => n === 'sleep'), [], 'no root sleep left behind');
  assert.equal(existsSync(join(work, 'slow-done')), false);
});
