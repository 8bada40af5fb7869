// Version extraction from what tools print for --version (extractVersion in parse-tools.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ProbedTool } from '../../shared/facts.js';
import { extractVersion } from '../../shared/probe/parse-tools.js';
import { findOnPath, probePath } from '../fixtures/probe/probe-runner.js';

test('the examples of the issue are trimmed to their version numbers', () => {
  assert.equal(extractVersion('qemu-system-x86_64', 'QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u12)\nCopyright (c) 2003-2022 Fabrice Bellard', 0), '7.2.19');
  assert.equal(extractVersion('iostat', 'sysstat version 12.6.1\n(C) Sebastien Godard (sysstat <at> orange.fr)', 0), '12.6.1');
  assert.equal(extractVersion('fio', 'fio-3.33', 0), '3.33');
  assert.equal(extractVersion('iperf3', 'iperf 3.12 (cJSON 1.7.15)\nLinux vm 6.18.44 #1 SMP x86_64', 0), '3.12');
  assert.equal(extractVersion('dd', 'dd (coreutils) 9.1\nCopyright (C) 2022 Free Software Foundation, Inc.', 0), '9.1');
});

// qemu-nbd prints its argv[0], so run by full path (as the probe does) it names the path.
test('qemu-nbd, run by name or by full path, is trimmed to its version number', () => {
  assert.equal(extractVersion('qemu-nbd', 'qemu-nbd 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nWritten by Anthony Liguori.', 0), '7.2.22');
  assert.equal(extractVersion('qemu-nbd', '/usr/bin/qemu-nbd 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nWritten by Anthony Liguori.', 0), '7.2.22');
});

// Formats of tools that are not installable here, as their projects print them.
test('published output formats of tools absent here (libvirtd, xl, netperf, hadoop, euca2ools)', () => {
  assert.equal(extractVersion('libvirtd', 'libvirtd (libvirt) 9.0.0', 0), '9.0.0');
  assert.equal(extractVersion('virsh', '9.0.0', 0), '9.0.0');
  assert.equal(extractVersion('xl', 'xen_version : 4.17.3', 0), '4.17.3');
  assert.equal(extractVersion('netperf', 'Netperf version 2.7.0', 0), '2.7.0');
  assert.equal(extractVersion('hadoop', 'Hadoop 3.3.6\nSource code repository https://github.com/apache/hadoop.git -r 1be7823\nCompiled by ubuntu on 2023-06-18T08:22Z', 0), '3.3.6');
  assert.equal(extractVersion('eucalyptus', 'euca2ools 3.4.1 (Sparta)', 0), '3.4.1');
  assert.equal(extractVersion('eucalyptus', '4.4.5\n', 0), '4.4.5');
});

test('busybox applets, failures and unknown formats', () => {
  assert.equal(extractVersion('dd', "dd: unrecognized option '--version'\nBusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.\n\nUsage: dd [if=FILE]", 1), 'busybox 1.36.1');
  assert.equal(extractVersion('hadoop', 'ERROR: JAVA_HOME is not set and could not be found.', 1), null);
  assert.equal(extractVersion('hadoop', '', 124), null);
  assert.equal(extractVersion('iperf3', 'iperf3 custom build', 0), 'iperf3 custom build');
  assert.equal(extractVersion('virsh', 'warning: something\nversion 10.1.0-rc2', 0), '10.1.0');
});

// The same, on what the real tools of this machine print right now.
const installed = (['qemu-system-x86_64', 'qemu-img', 'qemu-nbd', 'virsh', 'libvirtd', 'fio', 'dd', 'iostat', 'iperf3'] as const)
  .map((tool) => ({ tool, path: findOnPath(tool, probePath()) }));
const versionArgs: Partial<Record<ProbedTool, string[]>> = { iostat: ['-V'] };

for (const { tool, path } of installed) {
  test(`the version of ${tool} installed here is read as a bare number`, { skip: path ? false : `${tool} is not installed here` }, () => {
    const r = spawnSync(path as string, versionArgs[tool] ?? ['--version'], { encoding: 'utf8', input: '', timeout: 10_000 });
    const version = extractVersion(tool, `${r.stdout}${r.stderr}`, r.status);
    assert.match(version ?? '', /^\d+(\.\d+)+$/);
    assert.ok(`${r.stdout}${r.stderr}`.includes(version ?? '?'));
  });
}

const busybox = findOnPath('busybox');
test('busybox dd, run for real, is reported as "busybox X"', { skip: busybox ? false : 'busybox is not installed' }, () => {
  const r = spawnSync(busybox as string, ['dd', '--version'], { encoding: 'utf8', input: '' });
  assert.match(extractVersion('dd', `${r.stdout}${r.stderr}`, r.status) ?? '', /^busybox \d+\.\d+\.\d+$/);
});
