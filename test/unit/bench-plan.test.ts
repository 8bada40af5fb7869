// Plans as a sysadmin writes them (YAML and JSON): defaults, sizes, and one specific line per
// mistake naming the field and what is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../shared/result.js';
import { assertPlanNodes, parsePlan, planNodeNames } from '../../shared/bench/plan.js';
import { parsePlanText } from '../../shared/bench/plan-text.js';
import { formatSize, parseSize } from '../../shared/bench/units.js';

const target = { name: 'scratch', node: 'guest', kind: 'file', path: '/var/tmp/iovlab/test.bin' } as const;
const base = (workloads: unknown[], extra: Record<string, unknown> = {}): unknown => ({ name: 'p', targets: [target], workloads, ...extra });

function refused(input: unknown, message: RegExp, source?: string): void {
  assert.throws(
    () => parsePlan(input, source),
    (e: unknown) => {
      assert.ok(e instanceof AppError, String(e));
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/, 'one line');
      return true;
    },
  );
}

test('sizes: bare letters and iB are powers of 1024, letter+B powers of 1000 (GNU dd), bytes as numbers', () => {
  assert.equal(parseSize('64k'), 65536);
  assert.equal(parseSize('64K'), 65536);
  assert.equal(parseSize('256M'), 256 * 2 ** 20);
  assert.equal(parseSize('20G'), 20 * 2 ** 30);
  assert.equal(parseSize('20GiB'), 20 * 2 ** 30);
  assert.equal(parseSize('1.5G'), 1.5 * 2 ** 30);
  assert.equal(parseSize('1GB'), 1e9);
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize(4096), 4096);
  assert.match(String(parseSize('20 gigs')), /must be a size like "20G"/);
  assert.match(String(parseSize('0')), /more than 0/);
  assert.match(String(parseSize(1.5)), /whole number of bytes/);
  assert.match(String(parseSize('1.1k')), /whole number of bytes/);
  assert.equal(formatSize(65536), '64k');
  assert.equal(formatSize(2 ** 30), '1G');
  assert.equal(formatSize(1536 * 2 ** 20), '1536M');
  assert.equal(formatSize(1000), '1000');
});

test('defaults: 3 repeats, one "as-is" configuration, dd 20 GiB in 64 kB blocks with fdatasync / O_DIRECT', () => {
  const plan = parsePlan(base([{ id: 'w', tool: 'dd', op: 'write' }, { id: 'r', tool: 'dd', op: 'read' }]));
  assert.equal(plan.repeats, 3);
  assert.deepEqual(plan.configs, [{ name: 'as-is', tags: {} }]);
  assert.deepEqual(plan.workloads[0], { id: 'w', tool: 'dd', op: 'write', size: 20 * 2 ** 30, blockSize: 65536, mode: 'fdatasync' });
  assert.deepEqual(plan.workloads[1], { id: 'r', tool: 'dd', op: 'read', size: 20 * 2 ** 30, blockSize: 65536, mode: 'direct' });
});

test('every workload kind with its defaults', () => {
  const plan = parsePlan(
    base([
      { id: 'fio-aio', tool: 'fio', op: 'write', size: '1G', ioengine: 'libaio', iodepth: 32 },
      { id: 'fio-stream', tool: 'fio', op: 'read', size: '1G', profile: 'streaming' },
      { id: 'tx', tool: 'iperf3', client: 'guest', server: 'host' },
      { id: 'np', tool: 'netperf', test: 'TCP_MAERTS', client: 'guest', server: 'host', durationS: 30 },
      { id: 'dfs', tool: 'testdfsio', op: 'write', fileSizeMB: 1024 },
    ]),
  );
  assert.deepEqual(plan.workloads, [
    { id: 'fio-aio', tool: 'fio', op: 'write', size: 2 ** 30, blockSize: 65536, ioengine: 'libaio', iodepth: 32 },
    { id: 'fio-stream', tool: 'fio', op: 'read', size: 2 ** 30, blockSize: 65536, ioengine: 'psync', iodepth: 1, profile: 'streaming' },
    { id: 'tx', tool: 'iperf3', direction: 'send', client: 'guest', server: 'host', port: 5201, durationS: 10, parallel: 1 },
    { id: 'np', tool: 'netperf', test: 'TCP_MAERTS', client: 'guest', server: 'host', port: 12865, durationS: 30 },
    { id: 'dfs', tool: 'testdfsio', op: 'write', files: 1, fileSizeMB: 1024 },
  ]);
  assert.deepEqual(planNodeNames(plan).sort(), ['guest', 'host']);
});

test('mistakes are named by field, with what is allowed and what was given', () => {
  refused(base([{ id: 'w', tool: 'dd', op: 'write', mode: 'dropcache' }]), /^workloads\[0\] "w"\.mode: must be one of fdatasync, direct for a dd write .*\(got "dropcache"\)$/);
  refused(base([{ id: 'r', tool: 'dd', op: 'read', mode: 'fdatasync' }]), /workloads\[0\] "r"\.mode: must be one of direct, dropcache for a dd read/);
  refused(base([{ id: 'x', tool: 'bonnie' }]), /workloads\[0\] "x"\.tool: must be one of dd, fio, iperf3, netperf, testdfsio \(got "bonnie"\)/);
  refused(base([{ id: 'x', tool: 'dd', op: 'trim' }]), /workloads\[0\] "x"\.op: must be one of write, read for this tool \(got "trim"\)/);
  refused(base([{ id: 'x', tool: 'dd' }]), /workloads\[0\] "x"\.op: is required: must be one of write, read/);
  refused(base([{ id: 'x', tool: 'dd', op: 'write', size: '20 gigs' }]), /workloads\[0\] "x"\.size: must be a size like "20G"/);
  refused(base([{ id: 'x', tool: 'dd', op: 'write', size: 100000 }]), /size: 100000 bytes is not a whole number of 65536-byte blocks/);
  refused(base([{ id: 'x', tool: 'fio', op: 'write', iodepth: 8 }]), /iodepth: psync is synchronous, so iodepth must be 1 \(got 8\); use ioengine libaio/);
  refused(base([{ id: 'x', tool: 'fio', op: 'write', ioengine: 'libaio', iodepth: 65 }]), /iodepth: must be 1-64 \(got 65\)/);
  refused(base([{ id: 'x', tool: 'fio', op: 'read', profile: 'streaming', direct: true }]), /direct: the streaming profile goes through the page cache/);
  refused(base([{ id: 'x', tool: 'dd', op: 'write', mode: 'direct', blockSize: 1000, size: 1000 }]), /blockSize: direct I\/O needs a multiple of 512 bytes \(got 1000\)/);
  refused(base([{ id: 'x', tool: 'iperf3', client: 'a', server: 'a' }]), /server: client and server are both "a"/);
  refused(base([{ id: 'x', tool: 'iperf3', client: 'a', server: 'b', serverAddress: '-oProxyCommand=x' }]), /serverAddress: must be a host name or an IP address/);
  refused(base([{ id: 'x', tool: 'dd', op: 'write', bs: '64k' }]), /workloads\[0\] "x": unknown field "bs"/);
  refused(base([{ id: 'bad id!', tool: 'dd', op: 'write' }]), /workloads\[0\] "bad id!"\.id: must be 1-64 letters/);
  refused(base([{ id: 'a', tool: 'dd', op: 'write' }, { id: 'a', tool: 'dd', op: 'read' }]), /workloads\[1\] "a": "a" is already used by workloads\[0\]/);
  refused({ name: 'p', workloads: [{ id: 'w', tool: 'dd', op: 'write' }] }, /workloads\[0\] "w": dd workload "w" needs a target/);
  refused({ name: 'p', targets: [{ ...target, kind: 'device' }], workloads: [{ id: 'w', tool: 'dd', op: 'write' }] }, /targets\[0\] "scratch"\.path: a device target must be a block device under \/dev\//);
  refused(base([]), /workloads: must list at least one workload/);
  refused(base([{ id: 'w', tool: 'dd', op: 'write' }], { repeats: 0 }), /repeats: must be at least 1 \(got 0\)/);
  refused(base([{ id: 'w', tool: 'dd', op: 'write' }], { configs: [{ name: 'c', vm: { name: 'g' } }] }), /configs\[0\] "c"\.vm\.disk: is required/);
  refused({ name: 'p', workloads: [] }, /^plan\.yaml: workloads/, 'plan.yaml');
});

test('hostile paths: NUL and line breaks are refused, every other character is kept for quoting', () => {
  for (const path of ['/tmp/a\0b', '/tmp/a\nb', '/tmp/a\rb']) {
    refused({ name: 'p', targets: [{ ...target, path }], workloads: [{ id: 'w', tool: 'dd', op: 'write' }] }, /targets\[0\] "scratch"\.path: must not contain (a NUL byte|a line break)/);
  }
  refused({ name: 'p', targets: [{ ...target, path: 'relative/file' }], workloads: [{ id: 'w', tool: 'dd', op: 'write' }] }, /path: must be an absolute path/);
  const hostile = `/tmp/it's $(reboot) \`id\` ;|&*?"\\ <>{}~#!\t✓`;
  const plan = parsePlan({ name: 'p', targets: [{ ...target, path: hostile }], workloads: [{ id: 'w', tool: 'dd', op: 'write' }] });
  assert.equal(plan.targets[0]?.path, hostile);
});

test('YAML and JSON files parse to the same plan; YAML errors carry the line', () => {
  const yaml = `
name: paper-dd
repeats: 5
configs:
  - name: virtio
    tags: { bus: virtio-blk }
targets:
  - { name: scratch, node: guest, kind: file, path: /var/tmp/iovlab/t.bin }
workloads:
  - { id: dd-write, tool: dd, op: write, size: 256M }
`;
  const fromYaml = parsePlanText(yaml, 'paper.yaml');
  const fromJson = parsePlanText(JSON.stringify({ name: 'paper-dd', repeats: 5, configs: [{ name: 'virtio', tags: { bus: 'virtio-blk' } }], targets: [target].map((t) => ({ ...t, path: '/var/tmp/iovlab/t.bin' })), workloads: [{ id: 'dd-write', tool: 'dd', op: 'write', size: '256M' }] }));
  assert.deepEqual(fromYaml, fromJson);
  assert.equal(fromYaml.workloads[0]?.tool === 'dd' && fromYaml.workloads[0].size, 256 * 2 ** 20);

  const bad = (text: string, message: RegExp) =>
    assert.throws(() => parsePlanText(text, 'paper.yaml'), (e: unknown) => e instanceof AppError && e.code === 'INVALID_ARGUMENT' && message.test(e.message));
  bad('name: x\nworkloads: [\n  {id: a, tool: dd: op}\n', /^paper\.yaml line 3, column \d+: not valid YAML or JSON: /);
  bad('name: x\nname: y\nworkloads: []\n', /^paper\.yaml line 2, column 1: not valid YAML or JSON: Map keys must be unique/);
  bad('', /paper\.yaml: the file is empty/);
  bad('name: x\nworkloads:\n  - {id: a, tool: dd, op: write, mode: direct, size: 1M, colour: red}\n', /^paper\.yaml: workloads\[0\] "a": unknown field "colour"/);
  // A "billion laughs" document stops at the alias limit instead of eating memory.
  const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
  bad(laughs, /^paper\.yaml: .*alias/i);
});

test('assertPlanNodes names every node the lab lacks', () => {
  const plan = parsePlan(base([{ id: 'tx', tool: 'iperf3', client: 'guest', server: 'peer' }]));
  assert.doesNotThrow(() => assertPlanNodes(plan, ['guest', 'peer'], 'lab1'));
  assert.throws(() => assertPlanNodes(plan, ['guest'], 'lab1'), (e: unknown) => e instanceof AppError && e.code === 'NOT_FOUND' && e.message === 'plan "p" uses node "peer" that lab "lab1" does not have (see: iovlab lab list)');
});
