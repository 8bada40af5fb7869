// THE real install test (issue 6): the KVM + libvirt recipe runs through the real CLI and
// iovlab's SSH against a fresh Debian 12 root (debootstrap, its own sshd chrooted in a network
// namespace, apt reaching only the Debian mirror through a proxy): real apt installs, then a
// second run where every step is "already done" or "not applicable" with its reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstallPlan, InstallRun, PreflightResult } from '../../shared/install/types.js';
import { runCli } from '../helpers/cli.js';
import { debianRootUnavailableReason, startDebianRoot, type DebianRoot } from '../helpers/debian-root.js';

const RECIPE = 'kvm-libvirt-debian';
const skip = (await debianRootUnavailableReason()) ?? false;
// What a chroot sharing this machine's kernel can hold: files and packages. Everything else needs
// systemd, the node's own kernel or hardware virtualization and must be reported, not attempted.
const CHROOT_STEPS = ['backend-apt-update', 'kvm-packages', 'backend-bench-tools', 'bridge-config', 'frontend-apt-update', 'ebs-packages', 'iscsi-target', 'frontend-bench-tools', 'ebs-volume', 'nbd-export-unit'];
const KERNEL_STEPS = ['bridge-up', 'kvm-module', 'libvirtd-running', 'storage-pool', 'libvirt-kvm', 'nbd-export-running'];
const PACKAGES = ['qemu-system-x86', 'qemu-utils', 'libvirt-daemon-system', 'libvirt-clients', 'vblade', 'tgt', 'fio', 'iperf3', 'sysstat'];

let root: DebianRoot | undefined;
let dataDir: string;
const iovlab = (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000) => runCli(['--data-dir', dataDir, ...args], { env, timeoutMs });
const json = <T>(r: { code: number | null; stdout: string; stderr: string }): T => {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
};

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'iovlab-install-debroot-'));
  if (!skip) root = await startDebianRoot();
}, { timeout: 200_000 });
after(async () => {
  await root?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('the root\'s apt proxy forwards only to the Debian mirror and refuses anything else with 403', { skip }, async () => {
  assert.ok(root);
  const proxy = new URL(root.proxy.url);
  const status = (method: string, path: string) => new Promise<number>((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, method, path, headers: { host: 'example.org' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // A CONNECT's answer arrives as 'connect', not as a response.
    req.on('connect', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`the proxy did not answer ${method} ${path} within 10 s`)));
    req.on('error', reject);
    req.end();
  });
  assert.equal(await status('GET', 'http://example.org/debian/dists/bookworm/InRelease'), 403);
  assert.equal(await status('GET', `http://${new URL(root.mirror).hostname}:8080/debian/`), 403);
  assert.equal(await status('CONNECT', 'example.org:443'), 403);
  assert.equal(await status('HEAD', `${root.mirror}/dists/bookworm/InRelease`), 200);
});

test('kvm-libvirt-debian installs for real on a fresh Debian 12 root, and a second run finds every step done', { skip, timeout: 170_000 }, async (t) => {
  assert.ok(root);
  const proxied = root.proxy.requests.length;
  assert.equal((await iovlab(['lab', 'add', 'debroot'])).code, 0);
  const add = await iovlab(['node', 'add', 'debroot', 'deb12', '--host', root.ip, '--port', String(root.port), '--user', root.user, '--key', root.userKeyPath, '--roles', 'CLC,CC,EBS,WALRUS,NC']);
  assert.equal(add.code, 0, add.stderr);
  json(await iovlab(['node', 'trust', 'debroot', 'deb12', '--fingerprint', root.hostKeyFingerprint, '--json']));

  // The dry run: every step on the one node that plays both sides (through sudo: not root), commands as in the recipe.
  const plan = json<InstallPlan>(await iovlab(['install', 'plan', RECIPE, '--lab', 'debroot', '--json']));
  assert.deepEqual(plan.warnings, []);
  assert.deepEqual(plan.steps.map((s) => s.stepId).sort(), [...CHROOT_STEPS, ...KERNEL_STEPS].sort());
  for (const s of plan.steps) assert.deepEqual(s.nodes.map((n) => [n.name, n.sudo]), [['deb12', true]], s.stepId);
  const planned = (id: string) => plan.steps.find((s) => s.stepId === id);
  assert.match(planned('kvm-packages')?.action ?? '', /apt-get install -y --no-install-recommends .*qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients/s);
  assert.match(planned('kvm-packages')?.check ?? '', /dpkg-query -s/);
  assert.deepEqual(planned('libvirtd-running')?.needs, ['systemd']);
  assert.match(planned('libvirt-kvm')?.verify ?? '', /virsh -c qemu:\/\/\/system version/);

  // Preflight: Debian 12 fits; this CPU may lack vmx/svm, and then that must be the only refusal.
  const pre = await iovlab(['install', 'preflight', RECIPE, '--lab', 'debroot', '--json'], {}, 90_000);
  const preflight = JSON.parse(pre.stdout) as PreflightResult;
  assert.equal(pre.code, preflight.ok ? 0 : 1, pre.stderr);
  for (const p of preflight.problems) assert.match(p.message, /^node "deb12": no vmx\/svm flag in \/proc\/cpuinfo/, p.message);
  const runArgs = runArgsDespite(preflight);

  const first = json<InstallRun>(await iovlab(runArgs.args, runArgs.env, 150_000));
  assert.equal(first.status, 'ok', describe(first));
  const status = (run: InstallRun) => Object.fromEntries(run.steps.map((s) => [s.stepId, s.status]));
  for (const id of CHROOT_STEPS) assert.ok(['done', 'already-done'].includes(status(first)[id] ?? ''), `${id}: ${describe(first)}`);
  // The packages come from the mirror through apt in the root, installed for real.
  for (const id of ['kvm-packages', 'backend-bench-tools', 'ebs-packages', 'iscsi-target', 'bridge-config', 'ebs-volume', 'nbd-export-unit']) assert.equal(status(first)[id], 'done', id);
  assertNotApplicable(first);
  const installed = await root.installedPackages();
  for (const p of PACKAGES) assert.ok(installed.has(p), `${p} is not installed in ${root.dir}`);
  assert.equal(statSync(join(root.dir, 'var/lib/iovlab/volumes/ebs0.img')).size, 4 * 1024 ** 3);
  assert.match(readFileSync(join(root.dir, 'etc/systemd/system/iovlab-nbd-export.service'), 'utf8'), /ExecStart=\/usr\/bin\/qemu-nbd .*\/var\/lib\/iovlab\/volumes\/ebs0\.img/);
  assert.match(readFileSync(join(root.dir, 'etc/systemd/network/60-iovlabbr0.netdev'), 'utf8'), /Kind=bridge/);
  assert.deepEqual(await root.strayProcesses(), [], 'policy-rc.d kept every service from starting in the chroot');
  const byApt = root.proxy.requests.slice(proxied);
  assert.ok(byApt.some((r) => r.status === 200 && r.url.includes('/pool/main/q/qemu/')), 'qemu came through the proxy');
  for (const r of byApt) assert.ok(r.status !== 403 && root.proxy.allowedHosts.includes(new URL(r.url).hostname), `apt in the root asked for ${r.url}`);
  const afterFirst = root.proxy.requests.length;

  const second = json<InstallRun>(await iovlab(runArgs.args, runArgs.env, 120_000));
  assert.equal(second.status, 'ok', describe(second));
  assert.notEqual(second.id, first.id);
  for (const id of CHROOT_STEPS) assert.equal(status(second)[id], 'already-done', `${id}: ${describe(second)}`);
  assertNotApplicable(second);
  assert.deepEqual(root.proxy.requests.slice(afterFirst), [], 'the second run downloaded nothing');
  t.diagnostic(`preflight: ${preflight.ok ? 'ok' : preflight.problems.map((p) => p.message).join('; ')}; run with: ${runArgs.args.slice(6).join(' ') || '(no flag)'}`);
  for (const line of describe(second).split('\n')) t.diagnostic(`second run: ${line}`);
});

/** Steps that need systemd, the node's own kernel or vmx/svm are reported with the reason, never run. */
function assertNotApplicable(run: InstallRun): void {
  for (const id of KERNEL_STEPS) {
    const step = run.steps.find((s) => s.stepId === id);
    assert.equal(step?.status, 'not-applicable', `${id}: ${describe(run)}`);
    assert.match(step?.reason ?? '', /needs (systemd|kernel-modules|virt-extensions): .*(systemd is not running|chroot|vmx\/svm)/, `${id}: ${step?.reason ?? ''}`);
  }
}

function describe(run: InstallRun): string {
  return run.steps.map((s) => `${s.stepId}=${s.status}${s.reason ? ` (${s.reason.slice(0, 300)})` : ''}`).join('\n');
}

/**
 * `install run`, past a preflight that may refuse only for missing vmx/svm (this CPU has none):
 * the user's own escape, --ignore-preflight virt-extensions; the steps that need KVM then report
 * not-applicable. Any other preflight problem is a failure of the test.
 */
function runArgsDespite(preflight: PreflightResult): { args: string[]; env: NodeJS.ProcessEnv } {
  const args = ['install', 'run', RECIPE, '--lab', 'debroot', '--json'];
  if (preflight.ok) return { args, env: {} };
  assert.deepEqual(preflight.problems.map((p) => p.check), ['virt-extensions'], preflight.problems.map((p) => p.message).join('\n'));
  return { args: [...args, '--ignore-preflight', 'virt-extensions'], env: {} };
}
