// Command lines of every workload: golden argv, a round trip of every word through shJoin and
// a real /bin/sh, and the real dd, fio and iperf3 of this machine run from the built command
// lines on paths full of shell metacharacters (their outputs parsed by the real parsers).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildWorkloadCommand, commandArgv, targetCleanup, type RemoteCommand, type WorkloadCommand } from '../../shared/bench/commands.js';
import { metricOf } from '../../shared/bench/metric.js';
import { parsePlan, type PlanTarget, type Workload } from '../../shared/bench/plan.js';
import { parseDd, parseFio, parseIperf3 } from '../../shared/parsers/index.js';
import { AppError } from '../../shared/result.js';
import { shJoin } from '../../electron/core/ssh/quote.js';

const run = promisify(execFile);
const has = (tool: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// On the root filesystem (ext4 here), not tmpfs: O_DIRECT needs a filesystem that supports it.
const dir = mkdtempSync('/var/tmp/iovlab-cmd-');
after(() => rmSync(dir, { recursive: true, force: true }));
// Commands run with `dir` as their working directory, so a substitution that ran would leave this file.
const CANARY = join(dir, 'iovlab-canary');
const HOSTILE_NAMES = ["it's $(touch iovlab-canary) `touch iovlab-canary`", 'semi;colon|pipe&amp >out <in', 'colon:in:name', 'glob*?[a]{b,c} ~ # !x', 'quote"dq\\back\ttab', 'ünï cødé ✓', '-dash', '$HOME ${IFS}'];

function planWith(path: string, workloads: unknown[]) {
  return parsePlan({ name: 'p', repeats: 1, targets: [{ name: 't', node: 'guest', kind: 'file', path }], workloads });
}
const only = (path: string, workload: unknown): { w: Workload; t: PlanTarget } => {
  const plan = planWith(path, [workload]);
  return { w: plan.workloads[0] as Workload, t: plan.targets[0] as PlanTarget };
};
const all = (cmd: WorkloadCommand): RemoteCommand[] => [...(cmd.prepare ?? []), ...(cmd.server ? [cmd.server] : []), cmd];

test('golden: dd write/read with LC_ALL=C, fdatasync / O_DIRECT / dropped caches', () => {
  const path = '/var/tmp/iovlab/t.bin';
  const write = buildWorkloadCommand(...Object.values(only(path, { id: 'w', tool: 'dd', op: 'write', size: '1G' })) as [Workload, PlanTarget]);
  assert.deepEqual(write, { node: 'guest', env: { LC_ALL: 'C' }, tool: 'dd', output: 'stderr', argv: ['dd', 'if=/dev/zero', `of=${path}`, 'bs=64k', 'count=16384', 'conv=fdatasync'] });
  const direct = only(path, { id: 'w', tool: 'dd', op: 'write', size: '20G', mode: 'direct' });
  assert.deepEqual(buildWorkloadCommand(direct.w, direct.t).argv, ['dd', 'if=/dev/zero', `of=${path}`, 'bs=64k', 'count=327680', 'oflag=direct']);
  const read = only(path, { id: 'r', tool: 'dd', op: 'read', size: '1G', blockSize: '1M' });
  const readCmd = buildWorkloadCommand(read.w, read.t);
  assert.deepEqual(readCmd.argv, ['dd', `if=${path}`, 'of=/dev/null', 'bs=1M', 'count=1024', 'iflag=direct']);
  assert.deepEqual(readCmd.prepare?.map((p) => p.argv.slice(3)), [['iovlab-fill', path, String(2 ** 30), '1M', '1024']], 'a file is filled (unmeasured) before it is read');
  const cold = only(path, { id: 'r', tool: 'dd', op: 'read', size: '1G', mode: 'dropcache' });
  const coldCmd = buildWorkloadCommand(cold.w, cold.t);
  assert.deepEqual(coldCmd.argv, ['dd', `if=${path}`, 'of=/dev/null', 'bs=64k', 'count=16384']);
  assert.deepEqual(coldCmd.prepare?.[1], { node: 'guest', env: {}, argv: ['sh', '-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'] });
  const device = parsePlan({ name: 'p', targets: [{ name: 'd', node: 'host', kind: 'device', path: '/dev/sdb' }], workloads: [{ id: 'r', tool: 'dd', op: 'read', size: '1G' }] });
  assert.equal(buildWorkloadCommand(device.workloads[0] as Workload, device.targets[0]).prepare, undefined, 'a device needs no filling');
  assert.deepEqual(commandArgv(write), ['env', 'LC_ALL=C', 'dd', 'if=/dev/zero', `of=${path}`, 'bs=64k', 'count=16384', 'conv=fdatasync']);
});

test('golden: fio psync / libaio / streaming, always JSON output', () => {
  const path = '/data/a:b.bin';
  const sync = only(path, { id: 'fio-w', tool: 'fio', op: 'write', size: '1G' });
  assert.deepEqual(buildWorkloadCommand(sync.w, sync.t), {
    node: 'guest',
    env: { LC_ALL: 'C' },
    tool: 'fio',
    output: 'stdout',
    argv: ['fio', '--output-format=json', '--name=fio-w', '--filename=/data/a\\:b.bin', '--rw=write', '--bs=64k', `--size=${2 ** 30}`, '--ioengine=psync', '--iodepth=1', '--direct=1'],
  });
  const aio = only(path, { id: 'aio', tool: 'fio', op: 'read', size: '1G', ioengine: 'libaio', iodepth: 32 });
  assert.deepEqual(buildWorkloadCommand(aio.w, aio.t).argv.slice(4), ['--rw=read', '--bs=64k', `--size=${2 ** 30}`, '--ioengine=libaio', '--iodepth=32', '--direct=1']);
  const sw = only(path, { id: 's', tool: 'fio', op: 'write', size: '1G', profile: 'streaming' });
  assert.deepEqual(buildWorkloadCommand(sw.w, sw.t).argv.slice(7), ['--ioengine=psync', '--iodepth=1', '--direct=0', '--end_fsync=1', '--fadvise_hint=sequential']);
  const sr = only(path, { id: 's', tool: 'fio', op: 'read', size: '1G', profile: 'streaming' });
  assert.deepEqual(buildWorkloadCommand(sr.w, sr.t).argv.slice(9), ['--direct=0', '--fadvise_hint=sequential', '--invalidate=1']);
});

test('golden: iperf3 and netperf clients with their servers, TestDFSIO through the tests jar', () => {
  const plan = parsePlan({
    name: 'net',
    targets: [{ name: 't', node: 'hadoop', kind: 'file', path: '/x' }],
    workloads: [
      { id: 'tx', tool: 'iperf3', client: 'guest', server: 'host', durationS: 30, parallel: 4 },
      { id: 'rx', tool: 'iperf3', direction: 'receive', client: 'guest', server: 'host', serverAddress: '10.0.0.1', port: 5301 },
      { id: 'np', tool: 'netperf', test: 'TCP_MAERTS', client: 'guest', server: 'host', durationS: 20 },
      { id: 'dfs', tool: 'testdfsio', op: 'read', files: 4, fileSizeMB: 512 },
    ],
  });
  const [tx, rx, np, dfs] = plan.workloads as [Workload, Workload, Workload, Workload];
  assert.deepEqual(buildWorkloadCommand(tx, null, { serverAddress: '192.0.2.7' }), {
    node: 'guest',
    env: { LC_ALL: 'C' },
    tool: 'iperf3',
    output: 'stdout',
    argv: ['iperf3', '-c', '192.0.2.7', '-p', '5201', '-J', '-t', '30', '-P', '4'],
    server: { node: 'host', env: { LC_ALL: 'C' }, argv: ['iperf3', '-s', '-1', '-J', '-p', '5201'], exitsAfterClient: true },
  });
  assert.deepEqual(buildWorkloadCommand(rx, null, { serverAddress: 'ignored' }).argv, ['iperf3', '-c', '10.0.0.1', '-p', '5301', '-J', '-t', '10', '-P', '1', '-R']);
  const netperf = buildWorkloadCommand(np, null, { serverAddress: 'back' });
  assert.deepEqual(netperf.argv, ['netperf', '-H', 'back', '-p', '12865', '-t', 'TCP_MAERTS', '-l', '20']);
  assert.deepEqual(netperf.server, { node: 'host', env: { LC_ALL: 'C' }, argv: ['netserver', '-D', '-p', '12865'], exitsAfterClient: false });
  const hadoop = buildWorkloadCommand(dfs, plan.targets[0]);
  assert.equal(hadoop.node, 'hadoop');
  assert.equal(hadoop.output, 'both');
  assert.deepEqual(hadoop.argv.slice(0, 2), ['sh', '-c']);
  assert.match(hadoop.argv[2] ?? '', /hadoop-mapreduce-client-jobclient-\*-tests\.jar/);
  assert.deepEqual(hadoop.argv.slice(3), ['iovlab-testdfsio', '', '-read', '-nrFiles', '4', '-fileSize', '512']);

  assert.throws(() => buildWorkloadCommand(tx), (e: unknown) => e instanceof AppError && /needs the address of node "host": give serverAddress/.test(e.message));
  assert.throws(() => buildWorkloadCommand(tx, null, { serverAddress: '-oFoo' }), /is not a host name or IP address/);
  assert.throws(() => buildWorkloadCommand(dfs), /runs on a target \(a file or device\); none was given/);
  assert.deepEqual(targetCleanup(plan.targets[0] as PlanTarget), { node: 'hadoop', env: {}, argv: ['rm', '-f', '--', '/x'] });
});

test('TestDFSIO without a tests jar says where it looked (real sh, no Hadoop here)', { skip: has('hadoop') ? 'Hadoop is installed here' : false }, async () => {
  const plan = parsePlan({ name: 'p', targets: [{ name: 't', node: 'n', kind: 'file', path: '/x' }], workloads: [{ id: 'dfs', tool: 'testdfsio', op: 'write', fileSizeMB: 1 }] });
  const cmd = buildWorkloadCommand(plan.workloads[0] as Workload, plan.targets[0]);
  const result = await run('/bin/sh', ['-c', shJoin(commandArgv(cmd))], { env: { ...process.env, HADOOP_HOME: dir } }).catch((e: { code: number; stderr: string }) => e);
  assert.equal((result as { code: number }).code, 127);
  assert.match((result as { stderr: string }).stderr, new RegExp(`TestDFSIO: no Hadoop tests jar under ${dir}`));
});

test('every argv word of every command survives shJoin through /bin/sh, for hostile paths', () => {
  for (const name of HOSTILE_NAMES) {
    const path = join(dir, name);
    const plan = planWith(path, [
      { id: 'w', tool: 'dd', op: 'write', size: '1M' },
      { id: 'r', tool: 'dd', op: 'read', size: '1M', mode: 'dropcache' },
      { id: 'f', tool: 'fio', op: 'write', size: '1M', profile: 'streaming' },
      { id: 'd', tool: 'testdfsio', op: 'write', fileSizeMB: 1, jar: `${path}.jar` },
      { id: 'i', tool: 'iperf3', client: 'a', server: 'b', serverAddress: '127.0.0.1' },
    ]);
    for (const w of plan.workloads) {
      for (const cmd of all(buildWorkloadCommand(w, plan.targets[0]))) {
        const argv = commandArgv(cmd);
        const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shJoin(argv)}`], { cwd: dir });
        assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), argv, `${w.id}: ${name}`);
      }
    }
  }
  assert.equal(existsSync(CANARY), false, 'no command substitution ran');
});

const sh = (cmd: RemoteCommand) => run('/bin/sh', ['-c', shJoin(commandArgv(cmd))], { cwd: dir, maxBuffer: 64 * 2 ** 20 });

test('real dd writes, fills and reads hostile paths from the built command lines', { skip: has('dd') ? false : 'dd is not installed' }, async () => {
  for (const name of HOSTILE_NAMES) {
    const path = join(dir, `dd ${name}`);
    const plan = planWith(path, [
      { id: 'w', tool: 'dd', op: 'write', size: '1M', mode: 'direct' },
      { id: 'r', tool: 'dd', op: 'read', size: '2M' },
    ]);
    const [write, read] = plan.workloads as [Workload, Workload];
    const written = await sh(buildWorkloadCommand(write, plan.targets[0]));
    assert.equal(statSync(path).size, 2 ** 20, name);
    const wm = metricOf('dd', parseDd(written.stderr), write);
    assert.equal(wm?.unit, 'MBps');
    assert.ok((wm?.value ?? 0) > 0);

    const readCmd = buildWorkloadCommand(read, plan.targets[0]);
    for (const p of readCmd.prepare ?? []) await sh(p);
    assert.equal(statSync(path).size, 2 * 2 ** 20, 'the fill grew the 1 MiB file to the 2 MiB the read needs');
    const got = parseDd((await sh(readCmd)).stderr);
    assert.equal(got.bytes, 2 * 2 ** 20);
    await sh(targetCleanup(plan.targets[0] as PlanTarget) as RemoteCommand);
    assert.equal(existsSync(path), false);
  }
  assert.equal(existsSync(CANARY), false);
});

test('real fio writes and reads a path with colons, quotes and $ from the built command line', { skip: has('fio') ? false : 'fio is not installed' }, async () => {
  const path = join(dir, `fio it's a:b $HOME "q".bin`);
  const plan = planWith(path, [
    { id: 'seq-w', tool: 'fio', op: 'write', size: '2M', ioengine: 'libaio', iodepth: 4 },
    { id: 'seq-r', tool: 'fio', op: 'read', size: '2M', profile: 'streaming' },
  ]);
  for (const w of plan.workloads) {
    const out = await sh(buildWorkloadCommand(w, plan.targets[0]));
    const metric = metricOf('fio', parseFio(out.stdout), w);
    assert.ok(metric && metric.value > 0, `${w.id}: ${JSON.stringify(metric)}`);
    assert.equal(metric.unit, 'MBps');
  }
  assert.equal(statSync(path).size, 2 * 2 ** 20, 'fio used the one file with the literal name');
});

function listening(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((f) => existsSync(f) && readFileSync(f, 'utf8').split('\n').some((l) => l.split(/\s+/)[2]?.endsWith(hex) && l.split(/\s+/)[4] === '0A'));
}

test('real iperf3 over 127.0.0.1 both ways from the built client and server command lines', { skip: has('iperf3') ? false : 'iperf3 is not installed' }, async () => {
  for (const direction of ['send', 'receive'] as const) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const plan = parsePlan({ name: 'n', workloads: [{ id: direction, tool: 'iperf3', direction, client: 'a', server: 'b', port, durationS: 1 }] });
    const w = plan.workloads[0] as Workload;
    const cmd = buildWorkloadCommand(w, null, { serverAddress: '127.0.0.1' });
    assert.ok(cmd.server);
    const server = spawn('/bin/sh', ['-c', shJoin(commandArgv(cmd.server))], { stdio: 'ignore' });
    const exit = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    try {
      for (let i = 0; i < 100 && !listening(port); i++) await new Promise((r) => setTimeout(r, 50));
      const parsed = parseIperf3((await sh(cmd)).stdout);
      assert.equal(parsed.direction, direction);
      const metric = metricOf('iperf3', parsed, w);
      assert.equal(metric?.unit, 'Mbps');
      assert.ok((metric?.value ?? 0) > 0);
      assert.equal(await exit, 0, 'iperf3 -s -1 exits by itself after its one client');
    } finally {
      server.kill();
    }
  }
});
