// Runs PROBE_SCRIPT for real on this machine (`sh -s`, script on stdin, as over SSH) and
// checks the parsed facts against what the test reads itself from the system.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { PROBED_TOOLS } from '../../shared/facts.js';
import { nodeFactsSchema } from '../../shared/probe/facts-schema.js';
import { parseProbeOutput } from '../../shared/probe/parse.js';
import { PROBE_SCRIPT } from '../../shared/probe/script.js';
import { basicToolLinks, findOnPath, makeToolDir, probePath, probeShells, runProbe } from '../fixtures/probe/probe-runner.js';

const sh = (cmd: string, args: string[] = []) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

test('PROBE_SCRIPT passes shellcheck -s sh (POSIX, no bashisms)', { skip: findOnPath('shellcheck') ? false : 'shellcheck is not installed' }, () => {
  const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: PROBE_SCRIPT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});

function osReleaseId(): string | null {
  const text = ['/etc/os-release', '/usr/lib/os-release'].filter(existsSync).map((f) => readFileSync(f, 'utf8'))[0] ?? '';
  return /^ID=["']?([^"'\n]*)/m.exec(text)?.[1] ?? null;
}

/** The vmnoise section's facts read here in TypeScript: the hypervisor flag, balloon feature bit 5, the order. */
function vmNoiseOfThisMachine(flags: Set<string>) {
  const drivers = '/sys/bus/virtio/drivers/virtio_balloon';
  const balloons = existsSync(drivers) ? readdirSync(drivers).filter((d) => d.startsWith('virtio')) : [];
  const order = '/sys/module/page_reporting/parameters/page_reporting_order';
  return {
    hypervisor: flags.has('hypervisor'),
    freePageReporting: balloons.some((d) => readFileSync(`${drivers}/${d}/features`, 'utf8')[5] === '1'),
    pageReportingOrder: existsSync(order) ? Number(readFileSync(order, 'utf8').trim()) : null,
  };
}

/** What can change while the probe runs (other work on this machine adds links and tools). */
function volatileFacts() {
  return {
    nics: findOnPath('ip', probePath())
      ? sh('ip', ['-o', 'link']).split('\n').map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1] ?? '').filter(Boolean).sort()
      : null,
    disks: findOnPath('lsblk') ? sh('lsblk', ['-d', '-n', '-o', 'NAME']).split('\n').map((s) => s.trim()).filter(Boolean).sort() : null,
    tools: Object.fromEntries(PROBED_TOOLS.filter((t) => t !== 'eucalyptus').map((t) => [t, findOnPath(t, probePath())])),
  };
}

for (const shell of probeShells()) {
  test(`the probe run under ${shell.label} matches what this machine says of itself`, { skip: shell.missing }, () => {
    const before = volatileFacts();
    const run = runProbe(shell.argv);
    const after = volatileFacts();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const facts = parseProbeOutput(run.stdout);
    nodeFactsSchema.parse(facts);
    assert.deepEqual(facts.warnings.filter((w) => !w.startsWith('tool.')), []);

    assert.equal(facts.distro.id, osReleaseId());
    assert.equal(facts.kernel, sh('uname', ['-r']));
    assert.equal(facts.arch, sh('uname', ['-m']));
    assert.equal(facts.cpu.cores, Number(sh('nproc')));
    const memKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
    assert.equal(facts.memoryBytes, memKb * 1024);
    assert.equal(facts.kvmDevice, existsSync('/dev/kvm'));
    const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
    assert.deepEqual(facts.cpu.virtFlags, (['vmx', 'svm'] as const).filter((f) => flags.has(f)));
    assert.deepEqual(facts.vmNoise, vmNoiseOfThisMachine(flags));

    // The probe must agree with the reading taken just before it or just after it.
    const either = <T>(label: string, got: T, pick: (v: ReturnType<typeof volatileFacts>) => T) => {
      const ok = [before, after].some((v) => JSON.stringify(pick(v)) === JSON.stringify(got));
      assert.ok(ok, `${label}: probe says ${JSON.stringify(got)}, the machine said ${JSON.stringify(pick(before))} then ${JSON.stringify(pick(after))}`);
    };
    if (before.nics) either('nics', facts.nics.map((n) => n.name).sort(), (v) => v.nics);
    if (before.disks) either('block devices', facts.blockDevices.map((d) => d.name).sort(), (v) => v.disks);
    for (const tool of PROBED_TOOLS.filter((t) => t !== 'eucalyptus')) {
      assert.equal(facts.tools[tool].installed, facts.tools[tool].path !== null, tool);
      either(tool, facts.tools[tool].path, (v) => v.tools[tool] ?? null);
    }

    const fio = sh('sh', ['-c', 'command -v fio || true']);
    if (fio) {
      assert.equal(facts.tools.fio.path, fio);
      assert.equal(`fio-${facts.tools.fio.version}`, sh('fio', ['--version']));
    }
    if (findOnPath('iostat')) assert.equal(sh('iostat', ['-V']).split('\n')[0], `sysstat version ${facts.tools.iostat.version}`);
    // vblade has no version flag: the probe only looks for it, so no version and no warning.
    const vblade = findOnPath('vblade', probePath());
    if (vblade) assert.deepEqual(facts.tools.vblade, { installed: true, version: null, path: vblade });
    assert.ok(!facts.warnings.some((w) => w.startsWith('tool.vblade')), facts.warnings.join('\n'));
    if (findOnPath('iperf3')) assert.match(sh('iperf3', ['--version']), new RegExp(`^iperf ${facts.tools.iperf3.version?.replaceAll('.', '\\.')}\\b`));
  });
}

const busybox = findOnPath('busybox');

test('with PATH cut down to a few basic tools (no timeout, busybox as dd) fio, iperf3 and iostat are missing and nothing throws', () => {
  const dir = makeToolDir({ ...basicToolLinks({ timeout: false, lsblk: true }), dd: busybox ?? (findOnPath('dd') as string) });
  try {
    const run = runProbe(['/bin/sh'], { PATH: dir });
    assert.equal(run.status, 0, run.stderr);
    const facts = parseProbeOutput(run.stdout);
    nodeFactsSchema.parse(facts);
    for (const tool of ['fio', 'iperf3', 'iostat'] as const) assert.deepEqual(facts.tools[tool], { installed: false, version: null, path: null });
    assert.equal(facts.tools.dd.path, `${dir}/dd`);
    if (busybox) assert.equal(facts.tools.dd.version, `busybox ${/BusyBox v([\d.]+)/.exec(spawnSync(busybox, [], { encoding: 'utf8' }).stdout)?.[1]}`);
    assert.equal(facts.kernel, sh('uname', ['-r']));
    assert.ok(facts.blockDevices.length > 0 || !findOnPath('lsblk'));
    assert.deepEqual(facts.warnings, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without lsblk the probe says so in a warning naming the lsblk section', () => {
  const dir = makeToolDir(basicToolLinks({ timeout: true, lsblk: false }));
  try {
    const facts = parseProbeOutput(runProbe(['/bin/sh'], { PATH: dir }).stdout);
    assert.deepEqual(facts.blockDevices, []);
    assert.deepEqual(facts.warnings, ['lsblk: lsblk is not installed (package util-linux); block devices unknown']);
    assert.ok(facts.nics.length > 0, 'the other sections still count');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Stand-in tools (small sh scripts): one never answers, one reads stdin. A real tool that
// hangs cannot be summoned on demand, and these are what the bounds must survive.
const standIns = {
  iperf3: 'exec sleep 30',
  fio: 'IFS= read -r line; echo "fio-9.9$line"',
};

for (const withTimeout of [true, false]) {
  const how = withTimeout ? 'timeout' : 'the sleep watchdog (no timeout on PATH)';
  test(`a hanging version command (stand-in) is cut off by ${how}, and no tool reads the script from stdin`, () => {
    const dir = makeToolDir(basicToolLinks({ timeout: withTimeout, lsblk: true }), standIns);
    try {
      const run = runProbe(['/bin/sh'], { PATH: dir });
      assert.ok(run.ms < 15_000, `probe took ${run.ms} ms`);
      const facts = parseProbeOutput(run.stdout);
      assert.equal(facts.tools.iperf3.installed, true);
      assert.equal(facts.tools.iperf3.version, null);
      assert.equal(facts.warnings.length, 1, facts.warnings.join('\n'));
      assert.match(facts.warnings[0] ?? '', /^tool\.iperf3: version command of .*iperf3 timed out \(exit (124|137|143)\)$/);
      // stdin was /dev/null: the stand-in read nothing, and the rest of the script still ran.
      assert.equal(facts.tools.fio.version, '9.9');
      assert.match(run.stdout, /@@IOVLAB:end@@\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
