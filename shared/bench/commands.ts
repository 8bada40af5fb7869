// Command lines for each workload, built from its validated parameters. Pure: the runner
// joins each argv with shJoin (electron/core/ssh/quote.ts) and runs it over SSH. Every value
// is one argv word, never shell text; the two helpers that need a shell (`sh -c SCRIPT`) get
// their values as positional parameters ("$1"), so a path like `/data/$(reboot)` stays a path.
import { AppError, missingCase } from '../result.js';
import type { ToolName } from '../parsers/index.js';
import {
  ADDRESS,
  fioDirect,
  type DdWorkload,
  type FioWorkload,
  type Iperf3Workload,
  type NetperfWorkload,
  type PlanTarget,
  type TestDfsioWorkload,
  type Workload,
} from './plan.js';
import { formatSize } from './units.js';

export interface RemoteCommand {
  /** The lab node (by name) it runs on. */
  node: string;
  argv: string[];
  /** Set for the command only; run it as `env K=V ... argv` (see commandArgv). */
  env: Record<string, string>;
}

export interface ServerCommand extends RemoteCommand {
  /** True when it exits by itself after one client (iperf3 -s -1); false when the runner must stop it. */
  exitsAfterClient: boolean;
}

export interface WorkloadCommand extends RemoteCommand {
  tool: ToolName;
  /** Which stream carries what the parser reads: dd reports on stderr, Hadoop logs to either. */
  output: 'stdout' | 'stderr' | 'both';
  /** Run to completion, in order, before the measured command (not measured). */
  prepare?: RemoteCommand[];
  /** Start on its node before the measured command, in the background. */
  server?: ServerCommand;
  /** Run on `node` after the step whatever its outcome. No workload needs one yet: test files
   * stay for the run's later read steps; see targetCleanup for the end of a run. */
  cleanup?: string[][];
}

/** What the plan does not say but the lab knows. */
export interface CommandContext {
  /** The address of the network workload's server node (its lab host), when the plan gives none. */
  serverAddress?: string;
}

/** Numbers in C formatting whatever the node's locale (dd's "1.2 GB/s", netperf's columns). */
const TOOL_ENV = { LC_ALL: 'C' };

/** Buffered reads must start cold: flush dirty pages, then drop the page cache (needs root). */
export const DROP_CACHES: readonly string[] = ['sh', '-c', 'sync; echo 3 > /proc/sys/vm/drop_caches'];

// Reading a file needs `size` bytes in it; fill it (unmeasured) only when it is shorter.
const FILL_SCRIPT = 'have=$(stat -c %s -- "$1" 2>/dev/null || echo 0); [ "$have" -ge "$2" ] || exec dd if=/dev/zero of="$1" bs="$3" count="$4" conv=fsync';

// Hadoop's tests jar moved between releases; take the first one found unless the plan names it.
const TESTDFSIO_SCRIPT = [
  'jar=$1; shift',
  'h=${HADOOP_HOME:-/opt/hadoop}',
  'if [ -z "$jar" ]; then for j in "$h"/share/hadoop/mapreduce/hadoop-mapreduce-client-jobclient-*-tests.jar "$h"/hadoop-*test*.jar /usr/lib/hadoop-mapreduce/hadoop-mapreduce-client-jobclient-*-tests.jar; do',
  '  if [ -f "$j" ]; then jar=$j; break; fi; done; fi',
  'if [ -z "$jar" ]; then echo "TestDFSIO: no Hadoop tests jar under $h (set HADOOP_HOME, or give jar in the plan)" >&2; exit 127; fi',
  'exec hadoop jar "$jar" TestDFSIO "$@"',
].join('\n');

export function buildWorkloadCommand(workload: Workload, target?: PlanTarget | null, ctx: CommandContext = {}): WorkloadCommand {
  switch (workload.tool) {
    case 'dd':
      return ddCommand(workload, blockTarget(workload, target));
    case 'fio': {
      const t = needTarget(workload, target);
      return t.nbd ? fioNbdCommand(workload, t.nbd) : fioCommand(workload, t);
    }
    case 'testdfsio':
      return testDfsioCommand(workload, blockTarget(workload, target));
    case 'iperf3':
      return iperf3Command(workload, serverAddress(workload, ctx));
    case 'netperf':
      return netperfCommand(workload, serverAddress(workload, ctx));
    default:
      return missingCase(workload);
  }
}

/** The argv to hand to shJoin: `env K=V ... argv` when the command sets variables. */
export function commandArgv(cmd: RemoteCommand): string[] {
  const env = Object.entries(cmd.env).map(([k, v]) => `${k}=${v}`);
  return env.length > 0 ? ['env', ...env, ...cmd.argv] : [...cmd.argv];
}

/** Removes a file target's test file at the end of a run; devices are left as they are. */
export function targetCleanup(target: PlanTarget): RemoteCommand | null {
  return target.kind === 'file' && !target.nbd ? { node: target.node, argv: ['rm', '-f', '--', target.path], env: {} } : null;
}

function needTarget(workload: Workload, target: PlanTarget | null | undefined): PlanTarget {
  if (!target) throw new AppError('INVALID_ARGUMENT', `${workload.tool} workload "${workload.id}" runs on a target (a file or device); none was given`);
  return target;
}

/** dd and TestDFSIO open a path: an NBD target has none without the kernel's nbd client. */
function blockTarget(workload: DdWorkload | TestDfsioWorkload, target: PlanTarget | null | undefined): PlanTarget {
  const t = needTarget(workload, target);
  if (t.nbd) throw new AppError('INVALID_ARGUMENT', `${workload.tool} workload "${workload.id}" cannot reach target "${t.name}" over NBD (${t.nbd.uri}) without the kernel's nbd client; use a fio workload, which has its own NBD client`);
  return t;
}

function serverAddress(workload: Iperf3Workload | NetperfWorkload, ctx: CommandContext): string {
  const address = workload.serverAddress ?? ctx.serverAddress;
  if (address === undefined) throw new AppError('INVALID_ARGUMENT', `${workload.tool} workload "${workload.id}" needs the address of node "${workload.server}": give serverAddress in the plan`);
  if (!ADDRESS.test(address)) throw new AppError('INVALID_ARGUMENT', `${workload.tool} workload "${workload.id}": "${address.slice(0, 80)}" is not a host name or IP address`);
  return address;
}

function ddCommand(w: DdWorkload, target: PlanTarget): WorkloadCommand {
  const bs = formatSize(w.blockSize);
  const count = String(w.size / w.blockSize);
  const base = { node: target.node, env: { ...TOOL_ENV }, tool: 'dd' as const, output: 'stderr' as const };
  if (w.op === 'write') {
    return { ...base, argv: ['dd', 'if=/dev/zero', `of=${target.path}`, `bs=${bs}`, `count=${count}`, w.mode === 'direct' ? 'oflag=direct' : 'conv=fdatasync'] };
  }
  const prepare: RemoteCommand[] = [];
  if (target.kind === 'file') prepare.push({ node: target.node, env: { ...TOOL_ENV }, argv: ['sh', '-c', FILL_SCRIPT, 'iovlab-fill', target.path, String(w.size), bs, count] });
  if (w.mode === 'dropcache') prepare.push({ node: target.node, env: {}, argv: [...DROP_CACHES] });
  const argv = ['dd', `if=${target.path}`, 'of=/dev/null', `bs=${bs}`, `count=${count}`, ...(w.mode === 'direct' ? ['iflag=direct'] : [])];
  return { ...base, argv, ...(prepare.length > 0 ? { prepare } : {}) };
}

/** fio splits --filename at ":" (several files); "\:" is a literal colon. */
export function fioFileName(path: string): string {
  return path.replaceAll(':', '\\:');
}

function fioCommand(w: FioWorkload, target: PlanTarget): WorkloadCommand {
  const direct = fioDirect(w);
  const argv = [
    'fio',
    '--output-format=json',
    `--name=${w.id}`,
    `--filename=${fioFileName(target.path)}`,
    `--rw=${w.op}`,
    `--bs=${formatSize(w.blockSize)}`,
    `--size=${w.size}`,
    `--ioengine=${w.ioengine}`,
    `--iodepth=${w.iodepth}`,
    `--direct=${direct ? 1 : 0}`,
  ];
  // A buffered write would otherwise measure memory: count the flush to disk, as dd's conv=fdatasync does.
  if (!direct && w.op === 'write') argv.push('--end_fsync=1');
  // Hadoop's reader/writer: one large sequential stream through the page cache, read cold.
  if (w.profile === 'streaming') argv.push('--fadvise_hint=sequential', ...(w.op === 'read' ? ['--invalidate=1'] : []));
  return { node: target.node, argv, env: { ...TOOL_ENV }, tool: 'fio', output: 'stdout' };
}

/**
 * fio's nbd engine (libnbd) on the client node: the export is written and read without any
 * kernel nbd module, one request at a time under psync (iodepth N under libaio). O_DIRECT means
 * nothing here (no local page cache); a write ends with an NBD flush, as dd's conv=fdatasync.
 */
function fioNbdCommand(w: FioWorkload, nbd: NonNullable<PlanTarget['nbd']>): WorkloadCommand {
  if (w.profile === 'streaming') throw new AppError('INVALID_ARGUMENT', `fio workload "${w.id}": the streaming profile goes through a local page cache, which an NBD export reached by fio's nbd engine does not have; leave profile out`);
  const argv = [
    'fio',
    '--output-format=json',
    `--name=${w.id}`,
    '--ioengine=nbd',
    `--uri=${nbd.uri}`,
    `--rw=${w.op}`,
    `--bs=${formatSize(w.blockSize)}`,
    `--size=${w.size}`,
    `--iodepth=${w.ioengine === 'libaio' ? w.iodepth : 1}`,
    ...(w.op === 'write' ? ['--end_fsync=1'] : []),
  ];
  return { node: nbd.client, argv, env: { ...TOOL_ENV }, tool: 'fio', output: 'stdout' };
}

function testDfsioCommand(w: TestDfsioWorkload, target: PlanTarget): WorkloadCommand {
  // -fileSize (MB) is what every TestDFSIO takes: Hadoop 0.20/1.x know no -size.
  const args = [`-${w.op}`, '-nrFiles', String(w.files), '-fileSize', String(w.fileSizeMB)];
  return { node: target.node, argv: ['sh', '-c', TESTDFSIO_SCRIPT, 'iovlab-testdfsio', w.jar ?? '', ...args], env: { ...TOOL_ENV }, tool: 'testdfsio', output: 'both' };
}

function iperf3Command(w: Iperf3Workload, address: string): WorkloadCommand {
  const port = String(w.port);
  const argv = ['iperf3', '-c', address, '-p', port, '-J', '-t', String(w.durationS), '-P', String(w.parallel), ...(w.direction === 'receive' ? ['-R'] : [])];
  const server: ServerCommand = { node: w.server, argv: ['iperf3', '-s', '-1', '-J', '-p', port], env: { ...TOOL_ENV }, exitsAfterClient: true };
  return { node: w.client, argv, env: { ...TOOL_ENV }, tool: 'iperf3', output: 'stdout', server };
}

function netperfCommand(w: NetperfWorkload, address: string): WorkloadCommand {
  const port = String(w.port);
  const argv = ['netperf', '-H', address, '-p', port, '-t', w.test, '-l', String(w.durationS)];
  // -D keeps netserver in the foreground, so the runner owns it and stops it after the step.
  const server: ServerCommand = { node: w.server, argv: ['netserver', '-D', '-p', port], env: { ...TOOL_ENV }, exitsAfterClient: false };
  return { node: w.client, argv, env: { ...TOOL_ENV }, tool: 'netperf', output: 'stdout', server };
}
