// A benchmark plan: targets × configurations × workloads × repeats, as a sysadmin writes it
// in YAML or JSON (see ./plan-text.ts) or the UI builds it. Validation happens here, once;
// every message names the field ("workloads[1].mode") and what is allowed. Paths may hold
// any character but NUL and line breaks: the command builders pass them as single argv
// words that the SSH layer quotes (shQuote), never as shell text.
import { z } from 'zod';
import { AppError } from '../result.js';
import { NBD_URL, vmConfigSchema } from '../vmconfig/index.js';
import { describePlanIssue } from './plan-issues.js';
import { parseSize } from './units.js';

export const STORAGE_TOOLS = ['dd', 'fio', 'testdfsio'] as const;
export const NETWORK_TOOLS = ['iperf3', 'netperf'] as const;
export type StorageTool = (typeof STORAGE_TOOLS)[number];
export type NetworkTool = (typeof NETWORK_TOOLS)[number];

export const DEFAULT_REPEATS = 3;
/** The paper's dd runs: 20 GB (larger than the hosts' RAM) in 64 kB blocks. */
export const DEFAULT_SIZE_BYTES = 20 * 2 ** 30;
export const DEFAULT_BLOCK_BYTES = 64 * 2 ** 10;
export const DEFAULT_CONFIG_NAME = 'as-is';
export const DEFAULT_IPERF3_PORT = 5201;
export const DEFAULT_NETPERF_PORT = 12865;

const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what = '') {
  return z.enum(values, { error: `must be one of ${values.join(', ')}${what}` });
}

/** Names shown in reports and used as keys: printable, one line. */
const label = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((s) => !hasControl(s), 'must not contain control characters (newline, tab, ...)');

const workloadId = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, . _ - (starting with a letter or digit), e.g. dd-write');

const absPath = z
  .string({ error: 'must be an absolute path (a string starting with /)' })
  .min(2, 'must be an absolute path to a file or device, not "/" or empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((s) => !s.includes('\0'), 'must not contain a NUL byte')
  .refine((s) => !/[\n\r]/.test(s), 'must not contain a line break')
  .refine((s) => s.startsWith('/'), 'must be an absolute path (starting with /)');

/** A host name or IP address as the network tools take it; never starting with "-" (an option). */
export const ADDRESS = /^[A-Za-z0-9_.:%][A-Za-z0-9_.:%-]{0,252}$/;
const address = z.string({ error: 'must be a host name or an IP address' }).regex(ADDRESS, 'must be a host name or an IP address (letters, digits, . : - % _)');

const port = z.number({ error: 'must be a TCP port number' }).int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

const seconds = (max: number) =>
  z.number({ error: 'must be a number of seconds' }).int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(max, `must be at most ${max} seconds`);

const bytes = z.union([z.number(), z.string()], { error: 'must be a size like "20G" or a number of bytes' }).transform((v, ctx) => {
  const n = parseSize(v);
  if (typeof n === 'string') {
    ctx.addIssue({ code: 'custom', message: n });
    return z.NEVER;
  }
  return n;
});

const sized = { size: bytes.default(DEFAULT_SIZE_BYTES), blockSize: bytes.default(DEFAULT_BLOCK_BYTES) };

const ddWrite = z.strictObject({
  id: workloadId,
  tool: z.literal('dd'),
  op: z.literal('write'),
  ...sized,
  mode: oneOf(['fdatasync', 'direct'], ' for a dd write (conv=fdatasync or oflag=direct)').default('fdatasync'),
});
const ddRead = z.strictObject({
  id: workloadId,
  tool: z.literal('dd'),
  op: z.literal('read'),
  ...sized,
  mode: oneOf(['direct', 'dropcache'], ' for a dd read (iflag=direct, or buffered after dropping the page cache)').default('direct'),
});

const fio = z.strictObject({
  id: workloadId,
  tool: z.literal('fio'),
  op: oneOf(['write', 'read']),
  ...sized,
  ioengine: oneOf(['psync', 'libaio']).default('psync'),
  iodepth: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-64').max(64, 'must be 1-64').default(1),
  direct: z.boolean({ error: 'must be true or false' }).optional(),
  /** "streaming": Hadoop-like large sequential files through the page cache (the TestDFSIO stand-in). */
  profile: oneOf(['streaming']).optional(),
});

const iperf3 = z.strictObject({
  id: workloadId,
  tool: z.literal('iperf3'),
  /** From the client's view; receive = the server sends (-R). */
  direction: oneOf(['send', 'receive'], ' (from the client\'s view; receive runs iperf3 -R)').default('send'),
  client: label,
  server: label,
  serverAddress: address.optional(),
  port: port.default(DEFAULT_IPERF3_PORT),
  durationS: seconds(3600).default(10),
  parallel: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-128').max(128, 'must be 1-128').default(1),
});

const netperf = z.strictObject({
  id: workloadId,
  tool: z.literal('netperf'),
  /** TCP_STREAM: the client sends; TCP_MAERTS: the client receives. */
  test: oneOf(['TCP_STREAM', 'TCP_MAERTS']).default('TCP_STREAM'),
  client: label,
  server: label,
  serverAddress: address.optional(),
  port: port.default(DEFAULT_NETPERF_PORT),
  durationS: seconds(3600).default(10),
});

const testdfsio = z.strictObject({
  id: workloadId,
  tool: z.literal('testdfsio'),
  op: oneOf(['write', 'read']),
  files: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(1),
  fileSizeMB: z.number({ error: 'must be a number of MB' }).int('must be a whole number of MB').min(1, 'must be at least 1 MB').max(2 ** 30, 'is too large'),
  /** The Hadoop tests jar; found under $HADOOP_HOME when not given. */
  jar: absPath.optional(),
});

export const workloadSchema = z.discriminatedUnion('tool', [z.discriminatedUnion('op', [ddWrite, ddRead]), fio, iperf3, netperf, testdfsio]);

export const targetSchema = z.strictObject({
  name: label,
  /** The lab node the workload runs on (a guest, or a host for the baseline). */
  node: label,
  kind: oneOf(['file', 'device'], ' (a test file in a directory, or a whole block device)'),
  path: absPath,
  sizeBytes: bytes.optional(),
  /** The node owning the backing device, where iostat samples (NC host, or EBS host for network volumes). */
  hostNode: label.optional(),
  /** Its block device as iostat names it (sdb, nvme0n1); found from the backing path when not given. */
  hostDevice: z.string({ error: 'must be a device name' }).regex(/^[A-Za-z0-9/._:-]{1,255}$/, 'must be a block device name like sdb or /dev/sdb').optional(),
  /** For a device target: the device's name and size typed by the user, the guard's consent to overwrite it. */
  confirm: label.optional(),
  /**
   * The target (a network volume's backing on `node`, e.g. an EBS host) is reached over NBD: fio
   * runs on `client` with its user-space nbd engine against `uri` — no kernel nbd module needed.
   */
  nbd: z.strictObject({
    uri: z.string({ error: 'must be an NBD URL' }).regex(NBD_URL, 'must be an NBD URL like nbd://10.0.0.1:10809/vol0'),
    client: label,
  }).optional(),
});

export const configSchema = z.strictObject({
  name: label,
  tags: z.record(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'tag names must be 1-64 letters, digits, _ . -'), label).default({}),
  vm: vmConfigSchema.optional(),
  /** The ids of the workloads this configuration runs (all when left out): a host baseline may need another tool than the guests. */
  workloads: z.array(workloadId, { error: 'must be a list of workload ids' }).min(1, 'must name at least one workload, or be left out').optional(),
});

export const planSchema = z
  .strictObject({
    name: label,
    repeats: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(DEFAULT_REPEATS),
    configs: z.array(configSchema, { error: 'must be a list of configurations' }).min(1, 'must list at least one configuration, or be left out').default([{ name: DEFAULT_CONFIG_NAME, tags: {} }]),
    targets: z.array(targetSchema, { error: 'must be a list of targets' }).default([]),
    workloads: z.array(workloadSchema, { error: 'must be a list of workloads' }).min(1, 'must list at least one workload'),
  })
  .superRefine((plan, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = (list: 'configs' | 'targets' | 'workloads', key: (x: never) => string) => {
      const seen = new Map<string, number>();
      (plan[list] as never[]).forEach((item, i) => {
        const k = key(item);
        const first = seen.get(k);
        if (first !== undefined) issue([list, i], `"${k}" is already used by ${list}[${first}]; names must be unique`);
        else seen.set(k, i);
      });
    };
    unique('configs', (c: { name: string }) => c.name);
    unique('targets', (t: { name: string }) => t.name);
    unique('workloads', (w: { id: string }) => w.id);
    plan.targets.forEach((t, i) => {
      if (t.kind === 'device' && !t.path.startsWith('/dev/')) issue(['targets', i, 'path'], `a device target must be a block device under /dev/ (got ${JSON.stringify(t.path)}); use kind "file" for a test file`);
      // Every storage workload a configuration runs runs on every target.
      const misfit = t.nbd ? plan.configs.flatMap((c) => plan.workloads.filter((w) => isStorageWorkload(w) && w.tool !== 'fio' && (!c.workloads || c.workloads.includes(w.id))).map((w) => `${w.id} (${c.name})`)) : [];
      if (misfit.length > 0) {
        issue(['targets', i, 'nbd'], `an NBD target is reached with fio's nbd engine only (dd and TestDFSIO need a kernel block device), but ${misfit.slice(0, 3).join(', ')} would run on it; use fio, or limit the configuration's workloads`);
      }
    });
    plan.configs.forEach((c, i) => {
      (c.workloads ?? []).forEach((id, j) => {
        if (!plan.workloads.some((w) => w.id === id)) issue(['configs', i, 'workloads', j], `"${id}" is not a workload of this plan (its workloads are ${plan.workloads.map((w) => w.id).join(', ')})`);
      });
    });
    plan.workloads.forEach((w, i) => {
      if (isStorageWorkload(w) && plan.targets.length === 0) issue(['workloads', i], `${w.tool} workload "${w.id}" needs a target: add one to "targets" (a file or device on a node)`);
      if (w.tool === 'dd' || w.tool === 'fio') {
        if (w.size % w.blockSize !== 0) issue(['workloads', i, 'size'], `${w.size} bytes is not a whole number of ${w.blockSize}-byte blocks (blockSize); use e.g. 20G with 64k`);
        const direct = w.tool === 'dd' ? w.mode === 'direct' : fioDirect(w);
        if (direct && w.blockSize % 512 !== 0) issue(['workloads', i, 'blockSize'], `direct I/O needs a multiple of 512 bytes (got ${w.blockSize})`);
      }
      if (w.tool === 'fio') {
        if (w.ioengine === 'psync' && w.iodepth !== 1) issue(['workloads', i, 'iodepth'], `psync is synchronous, so iodepth must be 1 (got ${w.iodepth}); use ioengine libaio for a deeper queue`);
        if (w.profile === 'streaming' && w.direct === true) issue(['workloads', i, 'direct'], 'the streaming profile goes through the page cache (like Hadoop); leave direct out or set it to false');
      }
      if ((w.tool === 'iperf3' || w.tool === 'netperf') && w.client === w.server) issue(['workloads', i, 'server'], `client and server are both "${w.client}"; measure between two nodes`);
    });
  });

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Workload = z.output<typeof workloadSchema>;
export type PlanTarget = z.output<typeof targetSchema>;
export type PlanConfig = z.output<typeof configSchema>;
export type DdWorkload = Extract<Workload, { tool: 'dd' }>;
export type FioWorkload = Extract<Workload, { tool: 'fio' }>;
export type Iperf3Workload = Extract<Workload, { tool: 'iperf3' }>;
export type NetperfWorkload = Extract<Workload, { tool: 'netperf' }>;
export type TestDfsioWorkload = Extract<Workload, { tool: 'testdfsio' }>;
export type StorageWorkload = DdWorkload | FioWorkload | TestDfsioWorkload;
export type NetworkWorkload = Iperf3Workload | NetperfWorkload;

export function isStorageWorkload(w: Workload): w is StorageWorkload {
  return (STORAGE_TOOLS as readonly string[]).includes(w.tool);
}

/** fio's O_DIRECT: on unless asked otherwise, off for the streaming (page cache) profile. */
export function fioDirect(w: FioWorkload): boolean {
  return w.direct ?? w.profile !== 'streaming';
}

/**
 * Validates a plan given as a parsed object (from JSON, YAML or the UI). Throws AppError
 * INVALID_ARGUMENT with a one-line message naming the field; `source` (a file name) prefixes it.
 */
export function parsePlan(input: unknown, source?: string): Plan {
  const result = planSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describePlanIssue(issue, input));
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const message = `${source ? `${source}: ` : ''}${issues[0] ?? 'invalid plan'}${more}`;
  throw new AppError('INVALID_ARGUMENT', message, { issues, ...(source ? { source } : {}) });
}

/** Every lab node a plan names, so a runner can check them all before the first step. */
export function planNodeNames(plan: Plan): string[] {
  const names = new Set<string>();
  for (const t of plan.targets) {
    names.add(t.node);
    if (t.hostNode) names.add(t.hostNode);
    if (t.nbd) names.add(t.nbd.client);
  }
  for (const w of plan.workloads) {
    if (w.tool === 'iperf3' || w.tool === 'netperf') {
      names.add(w.client);
      names.add(w.server);
    }
  }
  return [...names];
}

/** Throws NOT_FOUND naming every node the plan uses that `known` (the lab's node names) lacks. */
export function assertPlanNodes(plan: Plan, known: readonly string[], labName: string): void {
  const missing = planNodeNames(plan).filter((n) => !known.includes(n));
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `plan "${plan.name}" uses node${missing.length > 1 ? 's' : ''} ${missing.map((n) => `"${n}"`).join(', ')} that lab "${labName}" does not have (see: iovlab lab list)`);
  }
}
