// The reboot wait (electron/core/install/reboot.ts) against a real sshd whose kernel boot id
// the test controls: the sshd runs in the namespace lab's "back" network namespace, inside a
// private mount namespace where /proc/sys/kernel/random/boot_id is a bind-mounted file. A
// "reboot" action that writes a new id there looks, over SSH, exactly like a node that came
// back from a reboot; one that changes nothing is a node that never rebooted. The runner itself
// never gets this far on this machine (PID 1 is no init: install-engine.test.ts shows the
// refusal), so the wait is called directly. Nothing reboots; the bind mount dies with sshd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabNode } from '../../shared/model.js';
import { parseRecipe } from '../../shared/install/load.js';
import { rebootAndWait } from '../../electron/core/install/reboot.js';
import type { NodeTarget } from '../../electron/core/install/remote.js';
import { StepLog } from '../../electron/core/install/step-log.js';
import { DEFAULT_INSTALL_TUNING } from '../../electron/core/install/tuning.js';
import { ensureSshdRunDir, SSHD_BINARY, sshdConfigText, waitForPort } from '../../electron/core/locallab/sshd.js';
import { createSshPool } from '../../electron/core/ssh/pool.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';
import { which } from '../helpers/netns-sys.js';

const skip = netnsUnavailableReason() ?? (!which('unshare') ? 'unshare is not installed (util-linux)' : false);
const PORT = 2222;
const OLD_ID = '11111111-2222-4333-8444-555555555555';
const NEW_ID = '99999999-2222-4333-8444-555555555555';

let lab: NsLab;
let dir = '';
let sshd: ChildProcess | null = null;
const pool = createSshPool();

before(async () => {
  if (skip) return;
  lab = await startNsLab();
  dir = mkdtempSync(join(tmpdir(), 'iovlab-reboot-'));
  writeFileSync(join(dir, 'boot_id'), `${OLD_ID}\n`);
  const cfg = join(dir, 'sshd.conf');
  writeFileSync(cfg, sshdConfigText({ listen: [`${lab.back.ip}:${PORT}`], hostKey: join(lab.dir, 'host_back'), pidFile: join(dir, 'sshd.pid'), authorizedKeys: join(lab.dir, 'authorized_keys'), env: { HOME: dir } }));
  ensureSshdRunDir();
  const logPath = join(dir, 'sshd.log');
  const logFd = openSync(logPath, 'a');
  const script = `mount --bind '${join(dir, 'boot_id')}' /proc/sys/kernel/random/boot_id && exec ip netns exec '${lab.back.ns}' '${SSHD_BINARY}' -D -e -f '${cfg}'`;
  sshd = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const child = sshd;
  await waitForPort(lab.back.ip, PORT, { alive: () => child.exitCode === null && child.signalCode === null, logPath, label: 'reboot-test sshd', timeoutMs: 10_000 });
});
after(async () => {
  pool.closeAll();
  sshd?.kill('SIGKILL');
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function target(): NodeTarget {
  const node: LabNode = {
    id: 1, labId: 1, name: 'back', roles: ['NC'], host: lab.back.ip, port: PORT, user: 'root', auth: { kind: 'key', keyPath: lab.userKeyPath, hasSecret: false },
    jumpNodeId: null, hostKey: null, lastProbeAt: null, createdAt: new Date().toISOString(),
  };
  const endpoint = { key: 'reboot-test', host: lab.back.ip, port: PORT, user: 'root', auth: { kind: 'key' as const, privateKey: readFileSync(lab.userKeyPath) }, trustedFingerprint: lab.back.hostKeyFingerprint };
  return { node, endpoint, sudo: false };
}
const stepWith = (action: string) => parseRecipe(`id: r
title: R
stack: xen
historical: false
summary: s
distros: [{ id: debian, versions: ["12"] }]
preflight: { virtExtensions: false, minMemoryMiB: { front-end: 0, back-end: 0 }, minDiskGiB: 0 }
steps:
  - { id: reboot, title: Reboot, side: back-end, reboot: true, check: "false", action: ${JSON.stringify(action)}, verify: "true" }
`, 'reboot.yaml').steps[0];

test('the wait notes the boot id, starts the action detached and returns once the node answers with a new one', { skip, timeout: 60_000 }, async () => {
  const step = stepWith(`printf '%s\\n' ${NEW_ID} > '${join(dir, 'boot_id')}'`);
  assert.ok(step);
  const log = new StepLog(60_000, () => undefined);
  const started = Date.now();
  await rebootAndWait({ pool, target: target(), step, signal: new AbortController().signal, tuning: { ...DEFAULT_INSTALL_TUNING, rebootPollMs: 300, rebootTimeoutMs: 30_000 }, log });
  log.close();
  assert.ok(Date.now() - started >= 2000, 'the action starts 2 s late, so its session can end first');
  assert.match(log.value(), new RegExp(`^== action \\(reboots the node; boot id before: ${OLD_ID}\\)\\nwaiting up to 30 s for the node to come back with a new boot id\\nthe node is back \\(boot id ${NEW_ID}\\)\\n$`));
});

test('a node that never reboots fails the wait, saying it still has its old boot id', { skip, timeout: 60_000 }, async () => {
  writeFileSync(join(dir, 'boot_id'), `${OLD_ID}\n`);
  const step = stepWith('true');
  assert.ok(step);
  const log = new StepLog(60_000, () => undefined);
  await assert.rejects(
    rebootAndWait({ pool, target: target(), step, signal: new AbortController().signal, tuning: { ...DEFAULT_INSTALL_TUNING, rebootPollMs: 300, rebootTimeoutMs: 3000 }, log }),
    { code: 'COMMAND_FAILED', message: 'node "back" did not come back with a new boot id within 3 s of the reboot action; last: it still answers with the old boot id (the reboot has not happened)' },
  );
  log.close();
});

test('cancelling the wait stops it at once', { skip, timeout: 30_000 }, async () => {
  const step = stepWith('true');
  assert.ok(step);
  const controller = new AbortController();
  const log = new StepLog(60_000, () => undefined);
  const waiting = rebootAndWait({ pool, target: target(), step, signal: controller.signal, tuning: { ...DEFAULT_INSTALL_TUNING, rebootPollMs: 60_000 }, log });
  setTimeout(() => controller.abort(), 1500);
  const started = Date.now();
  await assert.rejects(waiting, { code: 'CANCELLED' });
  log.close();
  assert.ok(Date.now() - started < 5000);
});
