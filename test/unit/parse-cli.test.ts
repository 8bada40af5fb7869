// `iovlab parse` is called by external checks, so its exit codes and streams are a contract:
// 0 + one JSON object on stdout; 3 + one "iovlab parse: <tool>: …" line on stderr; 2 for usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerParse, type ParseIo } from '../../electron/cli/commands/parse.js';
import { runCli, REPO_ROOT } from '../helpers/cli.js';
import { parseIostat } from '../../shared/parsers/iostat.js';

const fixturePath = (p: string): string => fileURLToPath(new URL(`../fixtures/tools/${p}`, import.meta.url));

/** Runs the command in-process on a fresh program, capturing what it writes. */
async function runInProcess(args: string[], stdin = ''): Promise<{ code: number | undefined; stdout: string; stderr: string }> {
  const out = { code: undefined as number | undefined, stdout: '', stderr: '' };
  const io: ParseIo = {
    stdout: (t) => (out.stdout += t),
    stderr: (t) => (out.stderr += t),
    setExitCode: (c) => (out.code = c),
    readStdin: async () => stdin,
  };
  const program = new Command('iovlab').exitOverride();
  registerParse(program, io);
  await program.parseAsync(['node', 'iovlab', 'parse', ...args]);
  return out;
}

test('parse (in-process): a good file prints one JSON object and exit code 0', async () => {
  const r = await runInProcess(['dd', fixturePath('dd/gnu-write-fdatasync.txt')]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { bytes: 67108864, seconds: 0.0447589, MBps: 67108864 / 0.0447589 / 1e6 });
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

test('parse (in-process): "-" reads stdin', async () => {
  const text = readFileSync(fixturePath('iostat/sysstat12-dx.txt'), 'utf8');
  const r = await runInProcess(['iostat', '-'], text);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), parseIostat(text));
});

test('parse (in-process): unusable output is exit 3 with one stderr line naming the tool, nothing on stdout', async () => {
  const r = await runInProcess(['iperf3', fixturePath('iperf3/error-refused.json.txt')]);
  assert.equal(r.code, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^iovlab parse: iperf3: .*Connection refused\n$/);
});

test('parse (in-process): unknown tool, unreadable file and missing arguments are exit 2', async () => {
  const unknown = await runInProcess(['bonnie', fixturePath('dd/gnu-tiny.txt')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^iovlab parse: unknown tool "bonnie" \(expected one of: dd, fio, iperf3, netperf, iostat, testdfsio\)\n$/);
  const missing = await runInProcess(['dd', '/nonexistent/iovlab-output.txt']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^iovlab parse: cannot read \/nonexistent\/iovlab-output.txt: .*ENOENT/);
  for (const args of [[], ['dd'], ['dd', 'a', 'b'], ['--bogus', 'dd', 'x']]) {
    const r = await runInProcess(args);
    assert.equal(r.code, 2, `args ${JSON.stringify(args)}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
});

const mainMissing = existsSync(`${REPO_ROOT}/electron/cli/main.ts`) ? undefined : 'electron/cli/main.ts does not exist yet';

test('parse (real CLI): every tool parses its own fixture and prints JSON, exit 0', { skip: mainMissing, timeout: 120_000 }, async () => {
  const cases: [string, string][] = [
    ['dd', 'dd/public-busybox-nuvoton-pr883.txt'],
    ['fio', 'fio/randrw-libaio.terse-v5.txt'],
    ['iperf3', 'iperf3/receive.text.txt'],
    ['netperf', 'netperf/public-tcp-maerts-e6118.txt'],
    ['iostat', 'iostat/public-sysstat7-rhel55-tdx-orimanabu.txt'],
    ['testdfsio', 'testdfsio/public-read-android.txt'],
  ];
  for (const [tool, file] of cases) {
    const r = await runCli(['parse', tool, fixturePath(file)]);
    assert.equal(r.code, 0, `${tool}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.ok(typeof JSON.parse(r.stdout) === 'object');
  }
  const netperf = await runCli(['parse', 'netperf', fixturePath('netperf/public-tcp-maerts-e6118.txt')]);
  assert.deepEqual(JSON.parse(netperf.stdout), { test: 'TCP_MAERTS', Mbps: 87.93 });
});

test('parse (real CLI): stdin, exit 3 with one line, exit 2 for an unknown tool', { skip: mainMissing, timeout: 120_000 }, async () => {
  const viaStdin = await runCli(['parse', 'testdfsio', '-'], { stdin: readFileSync(fixturePath('testdfsio/public-write-ssm.txt'), 'utf8') });
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.deepEqual(JSON.parse(viaStdin.stdout), { op: 'write', files: 100, totalMB: 10000, throughputMBps: 81.64, avgIORateMBps: 103.07 });
  const bad = await runCli(['parse', 'dd', fixturePath('dd/busybox-write.txt')]);
  assert.equal(bad.code, 3);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /^iovlab parse: dd: [^\n]+\n$/);
  const unknown = await runCli(['parse', 'bonnie', '-']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown tool "bonnie"/);
});
