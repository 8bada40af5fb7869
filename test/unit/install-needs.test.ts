// What a node can do for steps with `needs`: NEEDS_SCRIPT run for real on this machine, in a
// PID namespace (PID 1 is a shell, not an init), and in a real chroot inside one (a busybox
// root whose / is not PID 1's) — the chroot and PID 1 cases are what keep a reboot step or a
// module load from ever reaching the host.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveNeeds, NEEDS_SCRIPT, parseNeedsOutput, unmetNeeds, unmetReason, type NodeAbilities } from '../../shared/install/needs.js';
import { findOnPath } from '../fixtures/probe/probe-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'iovlab-needs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const busybox = findOnPath('busybox');
const unshare = findOnPath('unshare');
const nsSkip = process.getuid?.() !== 0 ? 'needs root (PID and mount namespaces)' : !unshare ? 'unshare is not installed (util-linux)' : false;
const chrootSkip = nsSkip || (!busybox ? 'busybox is not installed (apt-get install busybox-static)' : false) || (!findOnPath('chroot') ? 'chroot is not installed (coreutils)' : false);

function run(argv: string[], input?: string): string {
  const r = spawnSync(argv[0] ?? 'sh', argv.slice(1), { input, encoding: 'utf8' });
  assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What this process can tell itself about / and PID 1's root. */
function ownRootHere(): boolean | null {
  try {
    const a = statSync('/');
    const b = statSync('/proc/1/root/.');
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return null;
  }
}

const host: NodeAbilities = { systemd: true, ownRoot: true, rootDetail: "/ is PID 1's root (2049:2)", init: 'systemd', kernel: '6.1.0-18-amd64', modules: true, virtFlags: true, kvm: true, container: false };

test('NEEDS_SCRIPT passes shellcheck -s sh', { skip: findOnPath('shellcheck') ? false : 'shellcheck is not installed' }, () => {
  const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: NEEDS_SCRIPT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});

for (const shell of [{ label: 'sh', argv: ['sh', '-s'], skip: false as const }, { label: 'busybox sh', argv: ['busybox', 'sh', '-s'], skip: busybox ? (false as const) : 'busybox is not installed' }]) {
  test(`NEEDS_SCRIPT under ${shell.label} matches what this machine says of itself`, { skip: shell.skip }, () => {
    const a = parseNeedsOutput(run(shell.argv, NEEDS_SCRIPT));
    const kernel = run(['uname', '-r']).trim();
    const flags = /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
    assert.deepEqual({ ...a, rootDetail: '' }, {
      systemd: existsSync('/run/systemd/system'),
      ownRoot: ownRootHere(),
      rootDetail: '',
      init: readFileSync('/proc/1/comm', 'utf8').trim(),
      kernel,
      modules: existsSync(`/lib/modules/${kernel}`),
      virtFlags: flags,
      kvm: existsSync('/dev/kvm'),
      container: a.container, // depends on how this machine is sandboxed; judged below
    });
    if (a.ownRoot === null) assert.match(a.rootDetail, /^cannot compare \/ with PID 1's root: .*\/proc\/1\/root/);
  });
}

test('in a PID namespace PID 1 is a shell: a reboot is refused by name, whatever the rest', { skip: nsSkip }, () => {
  const a = parseNeedsOutput(run(['unshare', '--pid', '--fork', '--mount-proc', 'sh', '-s'], NEEDS_SCRIPT));
  assert.equal(a.ownRoot, true, a.rootDetail);
  assert.equal(a.init, 'sh');
  assert.match(unmetReason('reboot', a) ?? '', /^(the node is a container: .*|PID 1 is "sh", not an init system \(systemd, init, openrc-init, \.\.\.\): a reboot is refused)$/);
  assert.equal(unmetReason('kernel-modules', a) === null, a.modules, 'modules follow /lib/modules once / is known to be its own');
});

test('in a real chroot (not PID 1\'s root) kernel modules and reboots are not applicable, and say why', { skip: chrootSkip }, () => {
  const root = join(dir, 'chroot');
  for (const d of ['bin', 'proc', 'dev', 'run/systemd/system', `lib/modules/${run(['uname', '-r']).trim()}`]) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(busybox ?? '', join(root, 'bin/busybox'));
  spawnSync('chmod', ['755', join(root, 'bin/busybox')]);
  writeFileSync(join(root, 'needs.sh'), NEEDS_SCRIPT);
  // The chroot even fakes systemd and the running kernel's modules: only the root comparison can tell.
  const out = run(['unshare', '--pid', '--fork', '--mount-proc', 'sh', '-c', `mount -t proc proc '${root}/proc' && chroot '${root}' /bin/busybox sh /needs.sh`]);
  const a = parseNeedsOutput(out);
  assert.equal(a.ownRoot, false, a.rootDetail);
  assert.match(a.rootDetail, /^\/ \(\d+:\d+\) is not PID 1's root \(\d+:\d+\)$/);
  assert.equal(a.systemd, true);
  assert.equal(a.modules, true);
  assert.match(unmetNeeds(['kernel-modules'], a) ?? '', /^not applicable here: needs kernel-modules: the node is a chroot \(\/ \(\d+:\d+\) is not PID 1's root .*loading kernel modules would act on the host/);
  assert.match(unmetNeeds(['systemd', 'reboot'], a) ?? '', /^not applicable here: needs reboot: the node is a chroot .*a reboot would act on the host/);
});

test('a real host with systemd meets every need; unknown roots, containers and missing pieces do not', () => {
  for (const need of ['systemd', 'kernel-modules', 'reboot', 'virt-extensions'] as const) assert.equal(unmetReason(need, host), null, need);
  assert.equal(unmetNeeds([], { ...host, ownRoot: null }), null);
  const unknown = { ...host, ownRoot: null, rootDetail: "cannot compare / with PID 1's root: cannot statx '/proc/1/root/.': Permission denied" };
  assert.equal(unmetReason('reboot', unknown), "cannot tell whether the node is a chroot (cannot compare / with PID 1's root: cannot statx '/proc/1/root/.': Permission denied), so a reboot is not attempted");
  assert.equal(unmetReason('reboot', { ...host, container: true }), 'the node is a container: a reboot would not restart a kernel');
  assert.equal(unmetReason('kernel-modules', { ...host, modules: false }), '/lib/modules/6.1.0-18-amd64 is missing: the running kernel\'s modules are not installed on this root');
  assert.equal(unmetReason('systemd', { ...host, systemd: false, init: 'tini' }), 'systemd is not running (/run/systemd/system is missing; PID 1 is "tini")');
  assert.equal(unmetReason('virt-extensions', { ...host, virtFlags: false }), 'no vmx/svm flag in /proc/cpuinfo: the CPU offers no hardware virtualization here');
  assert.equal(unmetReason('virt-extensions', { ...host, kvm: false }), '/dev/kvm is missing (is the kvm_intel/kvm_amd module loaded?)');
});

test('a step that reboots needs "reboot" even when its needs list forgets it', () => {
  assert.deepEqual(effectiveNeeds({ needs: [], reboot: true }), ['reboot']);
  assert.deepEqual(effectiveNeeds({ needs: ['systemd'], reboot: false }), ['systemd']);
  assert.deepEqual(effectiveNeeds({ needs: ['reboot'], reboot: true }), ['reboot']);
});
