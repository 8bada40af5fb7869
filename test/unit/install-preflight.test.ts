// Preflight on real probe outputs (test/fixtures/probe: the development machine, Debian 12,
// 24 GiB, no vmx/svm) and on the extras script run for real on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { NodeFacts } from '../../shared/facts.js';
import { parseRecipe } from '../../shared/install/load.js';
import { evaluatePreflight, parsePreflightExtras, PREFLIGHT_EXTRAS_SCRIPT, versionMatches, waivePreflight, type NodeCheck, type PreflightExtras } from '../../shared/install/preflight.js';
import type { Role } from '../../shared/roles.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import { findOnPath } from '../fixtures/probe/probe-runner.js';

const facts = (name: string): NodeFacts => parseProbeOutput(readFileSync(new URL(`../fixtures/probe/${name}`, import.meta.url), 'utf8'));
const debian12 = facts('debian12-sh.txt'); // 24684084 kB of memory, no vmx/svm
const GIB = 1024 ** 3;

const recipe = (preflight: string, distros = '[{ id: debian, versions: ["12"] }, { id: ubuntu, versions: ["22.04", "24.04"] }]') => parseRecipe(`id: kvm
title: KVM + libvirt
stack: kvm-libvirt
historical: false
summary: s
distros: ${distros}
preflight: ${preflight}
steps:
  - { id: frontend, title: F, side: front-end, check: "false", action: "true", verify: "true" }
  - { id: backend, title: B, side: back-end, check: "false", action: "true", verify: "true" }
`, 'kvm.yaml');
const easy = recipe('{ virtExtensions: false, minMemoryMiB: { front-end: 0, back-end: 0 }, minDiskGiB: 0 }');
const kvm = recipe('{ virtExtensions: true, minMemoryMiB: { front-end: 1024, back-end: 32768 }, minDiskGiB: 10 }');

let nextId = 1;
const enough: PreflightExtras = { freeDiskBytes: 100 * GIB, sudo: 'root', sudoDetail: null };
function check(name: string, roles: Role[], f: NodeFacts | null, extras: PreflightExtras | null = enough, user = 'root'): NodeCheck {
  return { node: { id: nextId++, name, user, roles }, facts: f, extras, error: f ? null : 'connecting to 10.0.0.9:22 timed out after 8 s' };
}
const messages = (checks: NodeCheck[], r = kvm) => evaluatePreflight(r, checks).problems.map((p) => p.message);

test('the development machine fits a recipe that asks for nothing it lacks', () => {
  assert.deepEqual(evaluatePreflight(easy, [check('front', ['CLC'], debian12), check('nc1', ['NC'], debian12)]), { ok: true, problems: [] });
});

test('no vmx/svm on the back-end is refused; the front-end does not need it', () => {
  const front = check('front', ['CLC'], debian12);
  const back = check('nc1', ['NC'], debian12);
  const result = evaluatePreflight(kvm, [front, back]);
  assert.equal(result.ok, false);
  const virt = result.problems.filter((p) => /vmx/.test(p.message));
  assert.deepEqual(virt, [{ check: 'virt-extensions', nodeId: back.node.id, nodeName: 'nc1', message: 'node "nc1": no vmx/svm flag in /proc/cpuinfo: the back-end of "KVM + libvirt" needs hardware virtualization (enable Intel VT-x / AMD-V in the firmware, or nested virtualization on a virtual machine)' }]);
});

test('waiving a check removes only its problems; sudo and reachability stay', () => {
  const back = check('nc1', ['NC'], debian12, { freeDiskBytes: 1 * GIB, sudo: 'denied', sudoDetail: 'a password is required' }, 'ops');
  const result = evaluatePreflight(kvm, [back]);
  assert.deepEqual(new Set(result.problems.map((p) => p.check)), new Set(['virt-extensions', 'memory', 'disk', 'sudo']));
  const { result: left, waived } = waivePreflight(result, ['virt-extensions', 'memory', 'disk']);
  assert.equal(left.ok, false);
  assert.deepEqual(left.problems.map((p) => p.check), ['sudo']);
  assert.deepEqual(waived.map((p) => p.check).sort(), ['disk', 'memory', 'virt-extensions']);
  assert.equal(waivePreflight(evaluatePreflight(kvm, [check('nc2', ['NC'], debian12, { freeDiskBytes: 100 * GIB, sudo: 'root', sudoDetail: null })]), ['virt-extensions', 'memory']).result.ok, true);
});

test('too little memory names what the node has and what its side needs', () => {
  const problems = messages([check('front', ['CLC'], debian12), check('nc1', ['NC'], debian12)]).filter((m) => /memory/.test(m));
  assert.deepEqual(problems, ['node "nc1": has 24105 MiB of memory; the back-end of "KVM + libvirt" needs at least 32768 MiB']);
  const both = messages([check('solo', ['CLC', 'NC'], debian12)]).filter((m) => /memory/.test(m));
  assert.deepEqual(both, ['node "solo": has 24105 MiB of memory; the front-end and back-end of "KVM + libvirt" need at least 32768 MiB']);
});

test('too little free disk names both figures; an unknown figure is a problem too', () => {
  const low = check('front', ['CLC'], debian12, { freeDiskBytes: 3.25 * GIB, sudo: 'root', sudoDetail: null });
  assert.deepEqual(messages([low]).filter((m) => /free/.test(m)), ['node "front": has 3.3 GiB free on /; "KVM + libvirt" needs at least 10 GiB']);
  const unknown = check('front', ['CLC'], debian12, { freeDiskBytes: null, sudo: 'root', sudoDetail: null });
  assert.match(messages([unknown]).join('\n'), /node "front": free space on \/ is unknown \(df -Pk \/ gave no answer\); "KVM \+ libvirt" needs at least 10 GiB/);
});

test('a wrong distribution or version names what was found and what the recipe supports', () => {
  const centos5 = facts('lsblk-pairs.txt'); // /etc/redhat-release: CentOS release 5.4 (Final)
  const debian10 = facts('old-lsblk.txt');
  const m = messages([check('old', ['CLC'], centos5), check('buster', ['NC'], debian10)], easy);
  assert.deepEqual(m, [
    'node "old": runs CentOS release 5.4 (Final) (ID=centos, VERSION_ID=5.4); recipe "KVM + libvirt" supports Debian 12, Ubuntu 22.04, Ubuntu 24.04',
    `node "buster": runs ${debian10.distro.prettyName} (ID=debian, VERSION_ID=10), a version this recipe was not written for; recipe "KVM + libvirt" supports Debian 12, Ubuntu 22.04, Ubuntu 24.04`,
  ]);
  assert.ok(versionMatches('12.5', '12') && versionMatches('22.04', '22.04'));
  assert.ok(!versionMatches('120', '12') && !versionMatches('22.10', '22.04'));
});

test('a non-root user needs passwordless sudo: missing and refused sudo are told apart', () => {
  const as = (sudo: PreflightExtras['sudo'], sudoDetail: string | null = null) => check('nc1', ['NC'], debian12, { freeDiskBytes: 100 * GIB, sudo, sudoDetail }, 'admin');
  assert.deepEqual(messages([as('ok'), as('root')], easy), []);
  assert.deepEqual(messages([as('missing')], easy), ['node "nc1": user "admin" is not root and sudo is not installed: install sudo and allow it (a line "admin ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/iovlab) or connect as root']);
  assert.deepEqual(messages([as('denied', 'sudo: a password is required')], easy), ['node "nc1": user "admin" cannot use sudo without a password (sudo -n said: sudo: a password is required): allow it (a line "admin ALL=(ALL) NOPASSWD: ALL" in /etc/sudoers.d/iovlab) or connect as root']);
  assert.deepEqual(messages([check('front', ['CLC'], debian12, { freeDiskBytes: 100 * GIB, sudo: 'denied', sudoDetail: null })], easy), [], 'root needs no sudo');
});

test('a node that cannot be reached, and a lab without install nodes, are problems', () => {
  const r = evaluatePreflight(easy, [check('nc9', ['NC'], null)]);
  assert.deepEqual(r.problems.map((p) => p.message), ['node "nc9": cannot be checked: connecting to 10.0.0.9:22 timed out after 8 s']);
  assert.deepEqual(evaluatePreflight(easy, []).problems, [{ check: 'lab', nodeId: null, nodeName: null, message: 'the lab has no node that recipe "KVM + libvirt" would install on: give a node a front-end role (CLC, CC, EBS, WALRUS) or the back-end role NC' }]);
});

test('PREFLIGHT_EXTRAS_SCRIPT run for real here (as root): free space as df says, sudo not needed', () => {
  const r = spawnSync('sh', ['-s'], { input: PREFLIGHT_EXTRAS_SCRIPT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const extras = parsePreflightExtras(r.stdout);
  const df = spawnSync('df', ['-Pk', '/'], { encoding: 'utf8' }).stdout.split('\n')[1]?.trim().split(/\s+/)[3];
  const isRoot = process.getuid?.() === 0;
  assert.ok(extras.freeDiskBytes !== null && Math.abs(extras.freeDiskBytes - Number(df) * 1024) < 256 * 1024 * 1024, `${extras.freeDiskBytes} vs df ${df} KiB`);
  assert.equal(extras.sudo, isRoot ? 'root' : findOnPath('sudo') ? extras.sudo : 'missing');
  assert.deepEqual(parsePreflightExtras('avail_kib=1024\nsudo=denied sudo: a password is required\n'), { freeDiskBytes: 1024 * 1024, sudo: 'denied', sudoDetail: 'sudo: a password is required' });
  assert.deepEqual(parsePreflightExtras('garbage'), { freeDiskBytes: null, sudo: null, sudoDetail: null });
});

test('PREFLIGHT_EXTRAS_SCRIPT passes shellcheck -s sh', { skip: findOnPath('shellcheck') ? false : 'shellcheck is not installed' }, () => {
  const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: PREFLIGHT_EXTRAS_SCRIPT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});
