// The install engine end to end on the namespace lab (two real sshd hosts, "front" with the
// controller roles, "back" with NC), with the harmless fixture recipes of
// test/fixtures/recipes-engine copied into a temporary recipes folder whose steps only touch
// /tmp/iovlab-install-test-*/work: the real CLI runs a recipe and then finds every step already
// done; a failing verify is fixed and resumed; a step needing systemd, and a reboot step, are
// judged against what the node really has; cancel and timeout leave nothing running; a dropped
// connection and a killed CLI are both survived. Everything real: sshd, sh, SQLite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstallRun, InstallStepRecord } from '../../shared/install/types.js';
import { NEEDS_SCRIPT, parseNeedsOutput, unmetReason } from '../../shared/install/needs.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';
import { run } from '../helpers/netns-sys.js';
import { openBenchLab, processesIn, spawnCli, waitFor, type BenchLab } from '../helpers/bench-lab.js';
import { runCli } from '../helpers/cli.js';

const skip = netnsUnavailableReason() ?? false;
const FIXTURES = fileURLToPath(new URL('../fixtures/recipes-engine/', import.meta.url));
const hasSystemd = existsSync('/run/systemd/system');
// The nodes share this machine's root and PID 1: a reboot step is only safe to test where it is refused.
const rebootRefusedHere = unmetReason('reboot', parseNeedsOutput(spawnSync('sh', ['-s'], { input: NEEDS_SCRIPT, encoding: 'utf8' }).stdout));

let lab: NsLab;
let bench: BenchLab;
let root = '';
let work = '';
let recipesDir = '';

before(async () => {
  if (skip) return;
  root = mkdtempSync('/tmp/iovlab-install-test-');
  work = join(root, 'work');
  recipesDir = join(root, 'recipes');
  mkdirSync(work);
  mkdirSync(recipesDir);
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.yaml'))) {
    writeFileSync(join(recipesDir, f), readFileSync(join(FIXTURES, f), 'utf8').replaceAll('@TESTDIR@', work));
  }
  // A recipe these nodes cannot satisfy: preflight must refuse it before anything is stored.
  const refused = readFileSync(join(recipesDir, 'engine-basic.yaml'), 'utf8')
    .replace('id: engine-basic', 'id: engine-refused')
    .replace('back-end: 64 }', 'back-end: 99999999 }')
    .replace('- id: debian\n    versions: ["12"]', '- id: ubuntu\n    versions: ["24.04"]');
  writeFileSync(join(recipesDir, 'engine-refused.yaml'), refused);
  process.env.IOVLAB_RECIPES_DIR = recipesDir; // read when openBenchLab creates its backend
  lab = await startNsLab();
  bench = await openBenchLab(lab, 'engine');
});
after(async () => {
  await bench?.backend.close();
  await lab?.stop();
  delete process.env.IOVLAB_RECIPES_DIR;
  if (bench) rmSync(bench.dataDir, { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli(['--data-dir', bench.dataDir, ...args], { env: { IOVLAB_RECIPES_DIR: recipesDir }, timeoutMs: 120_000 });
const statuses = (r: InstallRun) => r.steps.map((s) => s.status);
const sleepsOnBack = async () => (await processesIn(lab.back.ns)).filter((n) => n === 'sleep');

test('the CLI lists, plans, preflights and runs a recipe; a second run finds every step already done', { skip, timeout: 180_000 }, async () => {
  const recipes = JSON.parse((await cli(['install', 'recipes', '--json'])).stdout) as { id: string; distro: string }[];
  assert.deepEqual(recipes.map((r) => r.id), ['engine-basic', 'engine-drop', 'engine-reboot', 'engine-refused', 'engine-slow', 'engine-sudo', 'engine-timeout', 'engine-verify']);
  const plan = JSON.parse((await cli(['install', 'plan', 'engine-basic', '--lab', 'engine', '--json'])).stdout) as { steps: { nodes: { name: string; sudo: boolean }[] }[]; warnings: string[] };
  assert.deepEqual(plan.steps.map((s) => s.nodes), [[{ name: 'front', sudo: false, id: 1 }], [{ name: 'back', sudo: false, id: 2 }], [{ name: 'back', sudo: false, id: 2 }], [{ name: 'back', sudo: false, id: 2 }]]);
  assert.deepEqual(plan.warnings, []);
  const preflight = await cli(['install', 'preflight', 'engine-basic', '--lab', 'engine', '--json']);
  assert.equal(preflight.code, 0, preflight.stderr);
  assert.deepEqual(JSON.parse(preflight.stdout), { ok: true, problems: [] });

  const first = await cli(['install', 'run', 'engine-basic', '--lab', 'engine']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^\d+\n$/);
  const installId = Number(first.stdout);
  for (const line of ['[1/4] front-end front front-dir: running', '[1/4] front-end front front-dir: done', '[2/4] back-end back back-marker: done', '[3/4] back-end back noninteractive: done']) {
    assert.ok(first.stderr.split('\n').includes(line), `"${line}" in:\n${first.stderr}`);
  }
  if (hasSystemd) assert.match(first.stderr, /^\[4\/4\] back-end back needs-systemd: done$/m);
  else assert.match(first.stderr, /^\[4\/4\] back-end back needs-systemd: not applicable \(needs systemd: systemd is not running \(\/run\/systemd\/system is missing; PID 1 is ".+"\)\)$/m);
  assert.equal(readFileSync(join(work, 'back/marker'), 'utf8'), 'ok\n');
  assert.equal(readFileSync(join(work, 'back/frontend'), 'utf8'), 'noninteractive\n', 'apt and dpkg never ask questions');
  assert.equal(existsSync(join(work, 'back/systemd-step')), hasSystemd, 'a not-applicable step never runs');

  const shown = JSON.parse((await cli(['install', 'show', String(installId), '--json'])).stdout) as InstallRun;
  assert.equal(shown.status, 'ok');
  assert.deepEqual(statuses(shown), ['done', 'done', 'done', hasSystemd ? 'done' : 'not-applicable']);
  const marker = shown.steps[1] as InstallStepRecord;
  assert.match(marker.log, /^== check\n== check: exit 2\n== action\nwrote the marker\na line on stderr\n== action: exit 0\n== verify\n== verify: exit 0\n$/);
  assert.ok(marker.reason === null && marker.startedAt && marker.finishedAt && marker.startedAt <= marker.finishedAt);

  const second = await cli(['install', 'run', 'engine-basic', '--lab', 'engine', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const again = JSON.parse(second.stdout) as InstallRun;
  assert.equal(again.status, 'ok');
  assert.deepEqual(statuses(again), ['already-done', 'already-done', 'already-done', hasSystemd ? 'already-done' : 'not-applicable']);
  assert.match(second.stderr, /^\[2\/4\] back-end back back-marker: already done$/m);
  const listed = JSON.parse((await cli(['install', 'list', '--lab', 'engine', '--json'])).stdout) as InstallRun[];
  assert.deepEqual(listed.slice(0, 2).map((r) => r.id), [again.id, installId], 'newest first');
});

test('preflight refuses what the nodes cannot give: nothing is stored, the CLI exits 1 naming each problem', { skip, timeout: 60_000 }, async () => {
  const before = (await bench.call('install.list', {})).length;
  const r = await bench.client.call('install.start', { recipeId: 'engine-refused', labId: bench.labId });
  assert.equal(!r.ok && r.error.code, 'PREFLIGHT_FAILED');
  const viaCli = await cli(['install', 'run', 'engine-refused', '--lab', 'engine']);
  assert.equal(viaCli.code, 1);
  assert.equal(viaCli.stdout, '');
  assert.match(viaCli.stderr, /preflight refused to install "Engine test - harmless steps" on lab "engine":\n- node "front": runs Debian GNU\/Linux 12 \(bookworm\) \(ID=debian, VERSION_ID=12\); recipe "Engine test - harmless steps" supports Ubuntu 24\.04\n/);
  assert.match(viaCli.stderr, /- node "back": has \d+ MiB of memory; the back-end of "Engine test - harmless steps" needs at least 99999999 MiB/);
  const pre = await cli(['install', 'preflight', 'engine-refused', '--lab', 'engine']);
  assert.equal(pre.code, 1);
  assert.match(pre.stdout, /^problem: node "front": runs Debian/m);
  assert.equal((await bench.call('install.list', {})).length, before);
});

test('a failing verify fails its step with the verify output and stops the install; fixed, resume finishes it', { skip, timeout: 120_000 }, async () => {
  const failed = await cli(['install', 'run', 'engine-verify', '--lab', 'engine']);
  assert.equal(failed.code, 1);
  const installId = Number(failed.stdout);
  assert.ok(installId > 0, failed.stdout);
  assert.match(failed.stderr, new RegExp(`^\\[2/3\\] back-end back needs-ready: failed \\(the action ran, but verify failed \\(exit 3\\): ${work}/fixme/ready is missing: create it, then resume\\)$`, 'm'));
  const stopped = await bench.call('install.get', { installId });
  assert.equal(stopped.status, 'failed');
  assert.deepEqual(statuses(stopped), ['done', 'failed', 'pending']);
  assert.match(stopped.steps[1]?.reason ?? '', new RegExp(`The steps after it were not run \\(they build on this one\\): fix the problem, then resume install ${installId}$`));
  assert.match(stopped.steps[1]?.log ?? '', /action ran\n== action: exit 0\n== verify\n.*ready is missing.*\n== verify: exit 3\n== failed: /);

  writeFileSync(join(work, 'fixme/ready'), '');
  const resumed = await cli(['install', 'resume', String(installId), '--json']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const done = JSON.parse(resumed.stdout) as InstallRun;
  assert.equal(done.status, 'ok');
  assert.deepEqual(statuses(done), ['done', 'done', 'done']);
  assert.deepEqual(done.steps[0], stopped.steps[0], 'a finished step is not run again');
  assert.doesNotMatch(resumed.stderr, /\[1\/3\]/);
  assert.match(done.steps[1]?.log ?? '', /^== this step ran before in this install \(it ended failed\); running it again\n/);
});

test('cancel mid-step stops the remote processes; the step and the install say cancelled', { skip, timeout: 60_000 }, async () => {
  const { installId, jobId } = await bench.call('install.start', { recipeId: 'engine-slow', labId: bench.labId });
  await waitFor('the step\'s sleep on back', async () => (await sleepsOnBack()).length > 0, 20_000, 50);
  assert.deepEqual(await bench.call('job.cancel', { jobId }), { cancelled: true });
  const outcome = await bench.backend.waitForJob(jobId);
  assert.equal(!outcome.ok && outcome.error.code, 'CANCELLED');
  const got = await bench.call('install.get', { installId });
  assert.equal(got.status, 'cancelled');
  assert.equal(got.steps[0]?.status, 'cancelled');
  assert.match(got.steps[0]?.reason ?? '', /cancelled by the user; the remote processes of the step were stopped/);
  assert.match(got.steps[0]?.log ?? '', /sleeping\n/);
  assert.deepEqual(await sleepsOnBack(), [], 'nothing of the step is left on the node');
});

test('a step longer than its timeoutS fails as timed out and leaves nothing running', { skip, timeout: 60_000 }, async () => {
  const started = Date.now();
  const { installId, jobId } = await bench.call('install.start', { recipeId: 'engine-timeout', labId: bench.labId });
  const outcome = await bench.backend.waitForJob(jobId);
  assert.equal(!outcome.ok && outcome.error.code, 'COMMAND_FAILED');
  assert.ok(Date.now() - started < 20_000, 'stopped after about 2 s, not 60');
  const got = await bench.call('install.get', { installId });
  assert.deepEqual([got.status, got.steps[0]?.status], ['failed', 'failed']);
  assert.match(got.steps[0]?.reason ?? '', /^timed out: the step did not finish within its timeoutS of 2 s, and its remote processes were stopped/);
  assert.deepEqual(await sleepsOnBack(), []);
});

/** Kills the per-connection sshd processes of a namespace (not its listener): every SSH connection to it drops. */
async function dropConnections(ns: string): Promise<number> {
  const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
  let killed = 0;
  for (const pid of pids) {
    const cmdline = (await run('cat', [`/proc/${pid}/cmdline`])).stdout.replaceAll('\0', ' ');
    // The listener is "sshd: /usr/sbin/sshd -D ... [listener] ..."; sessions are "sshd: root@notty" (or sshd-session).
    if (/^sshd: |^sshd-session/.test(cmdline) && !cmdline.includes('[listener]')) {
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    }
  }
  return killed;
}

test('the connection drops mid-step: the step waits for its lost attempt, reconnects and ends done', { skip, timeout: 90_000 }, async () => {
  rmSync(join(work, 'drop'), { recursive: true, force: true });
  const { installId, jobId } = await bench.call('install.start', { recipeId: 'engine-drop', labId: bench.labId });
  await waitFor('the first attempt to start', () => existsSync(join(work, 'drop/attempts')), 20_000, 20);
  assert.ok((await dropConnections(lab.back.ns)) > 0, 'an SSH session of back was killed');
  const outcome = await bench.backend.waitForJob(jobId);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const step = (await bench.call('install.get', { installId })).steps[0];
  assert.equal(step?.status, 'done', step?.log);
  assert.match(step?.log ?? '', /== connection lost \(.*\); reconnecting to run the step again from its check\n/);
  assert.match(step?.log ?? '', /the check passes now; the earlier attempt may have done the action, so verify decides\n== verify\n== verify: exit 0\n$/);
  assert.equal(readFileSync(join(work, 'drop/attempts'), 'utf8'), 'attempt\n', 'the action ran once: the retry waited for it instead of repeating it');
});

test('a CLI killed mid-step leaves the install interrupted; resume waits for the orphaned step and finishes', { skip, timeout: 90_000 }, async () => {
  rmSync(join(work, 'drop'), { recursive: true, force: true });
  const child = spawnCli(['--data-dir', bench.dataDir, 'install', 'run', 'engine-drop', '--lab', 'engine']);
  await waitFor('the step to start', () => existsSync(join(work, 'drop/attempts')), 30_000, 20);
  child.child.kill('SIGKILL');
  await child.exited;
  const [latest] = await bench.call('install.list', { labId: bench.labId });
  assert.ok(latest);
  assert.equal(latest.status, 'interrupted');
  assert.equal(latest.steps[0]?.status, 'pending');
  assert.match(latest.steps[0]?.reason ?? '', /^interrupted: process \d+ on .+ is gone; resume the install to run this step again$/);
  const { jobId } = await bench.call('install.resume', { installId: latest.id });
  const outcome = await bench.backend.waitForJob(jobId);
  assert.equal(outcome.ok, true, JSON.stringify(outcome));
  const done = await bench.call('install.get', { installId: latest.id });
  assert.deepEqual([done.status, done.steps[0]?.status], ['ok', 'done']);
  assert.equal(readFileSync(join(work, 'drop/attempts'), 'utf8'), 'attempt\n');
  await assert.rejects(bench.call('install.resume', { installId: latest.id }), /nothing left to run/);
});

test('a reboot step never runs where rebooting is unsafe (chroot, container, PID 1 not an init)', { skip: skip || (rebootRefusedHere ? false : 'this machine could really reboot: the safety case cannot be shown here'), timeout: 60_000 }, async () => {
  const { installId, jobId } = await bench.call('install.start', { recipeId: 'engine-reboot', labId: bench.labId });
  assert.equal((await bench.backend.waitForJob(jobId)).ok, true);
  const got = await bench.call('install.get', { installId });
  assert.deepEqual([got.status, got.steps[0]?.status], ['ok', 'not-applicable']);
  assert.equal(got.steps[0]?.reason, `not applicable here: needs reboot: ${rebootRefusedHere ?? ''}`);
  assert.equal(existsSync(join(work, 'reboot-action-ran')), false, 'the reboot action never ran');
});
