// The guest driver configuration: the experiment variable of Shafer 2010 (which virtual disk
// controller, which host backing, which cache/aio policy, which NIC). One JSON document renders to
// a QEMU argv, a libvirt domain or an xl.cfg (see ./index.ts); every message names the field and
// what is allowed, because a sysadmin edits these files by hand.
import { z } from 'zod';
import { AppError } from '../result.js';

export const DISK_BUSES = ['virtio-blk', 'lsi-scsi', 'virtio-scsi', 'ide', 'xen'] as const;
export const DISK_BACKINGS = ['device', 'prealloc-file', 'sparse-file', 'qcow2'] as const;
export const DISK_CACHES = ['none', 'writeback', 'writethrough', 'directsync'] as const;
export const DISK_AIOS = ['threads', 'native', 'io_uring'] as const;
export const NIC_MODELS = ['e1000', 'virtio'] as const;
export const ACCELS = ['kvm', 'tcg'] as const;
export const SERIAL_MODES = ['none', 'stdio', 'pty'] as const;
export const EBS_ATTACH = ['host-nbd', 'guest-nbd', 'guest-aoe'] as const;

export type DiskBus = (typeof DISK_BUSES)[number];
export type DiskBacking = (typeof DISK_BACKINGS)[number];
export type DiskCache = (typeof DISK_CACHES)[number];
export type DiskAio = (typeof DISK_AIOS)[number];
export type NicModel = (typeof NIC_MODELS)[number];

/** Control characters (NUL, newline, ...) cannot be carried by xl.cfg strings nor survive XML attribute normalisation. */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

const absPath = z
  .string({ error: 'must be an absolute path (a string starting with /)' })
  .min(1, 'must be an absolute path, not empty')
  .max(4096, 'must be at most 4096 characters')
  .refine((s) => !hasControlChars(s), 'must not contain control characters (NUL, newline, tab, ...)')
  .refine((s) => s.startsWith('/'), 'must be an absolute path (starting with /)');

// Linux interface names: at most 15 bytes; also keeps QEMU's and xl's comma-separated specs intact.
const ifName = z
  .string({ error: 'must be a network interface name' })
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/, 'must be an interface name of 1-15 letters, digits, _ . - (e.g. tap0)');

const mac = z
  .string({ error: 'must be a MAC address' })
  .regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'must be a MAC address like 52:54:00:12:34:56')
  .refine((s) => (parseInt(s.slice(0, 2), 16) & 1) === 0, 'must be a unicast MAC address (first octet even, e.g. 52:54:00:...)');

/** nbd://host[:port][/export] — the forms QEMU's NBD client and nbd-client both accept. */
export const NBD_URL = /^nbd:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\/([A-Za-z0-9._-]*))?$/;
/** AoE targets are named e<shelf>.<slot>. */
export const AOE_TARGET = /^aoe:e(\d{1,5})\.(\d{1,3})$/;

const diskSchema = z.strictObject(
  {
    bus: oneOf(DISK_BUSES),
    backing: oneOf(DISK_BACKINGS),
    path: absPath,
    cache: oneOf(DISK_CACHES).default('writeback'),
    aio: oneOf(DISK_AIOS).default('threads'),
  },
  { error: 'must be an object { bus, backing, path, cache?, aio? }' },
);

const nicSchema = z.strictObject(
  { model: oneOf(NIC_MODELS), tap: ifName.optional(), bridge: ifName.optional(), mac: mac.optional() },
  { error: 'must be an object { model, tap?, bridge?, mac? }' },
);

const ebsSchema = z.strictObject(
  { attach: oneOf(EBS_ATTACH), export: z.string({ error: 'must be a string like nbd://127.0.0.1:10809/vol0 or aoe:e1.0' }) },
  { error: 'must be an object { attach, export }' },
);

const serialSchema = z.union([oneOf(SERIAL_MODES), z.strictObject({ file: absPath })], {
  error: `must be one of ${SERIAL_MODES.join(', ')} or { "file": "/abs/path" }`,
});

export const vmConfigSchema = z
  .strictObject(
    {
      name: z
        .string({ error: 'must be a string' })
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)'),
      accel: oneOf(ACCELS).default('kvm'),
      memoryMiB: z
        .number({ error: 'must be a number of MiB' })
        .int('must be a whole number of MiB')
        .min(16, 'must be at least 16 MiB')
        .max(1048576, 'must be at most 1048576 MiB (1 TiB)')
        .default(1024),
      vcpus: z.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(255, 'must be at most 255').default(1),
      disk: diskSchema,
      nic: nicSchema,
      kernel: absPath.optional(),
      initrd: absPath.optional(),
      append: z
        .string({ error: 'must be a string' })
        .max(4096, 'must be at most 4096 characters')
        .refine((s) => !hasControlChars(s), 'must not contain control characters (NUL, newline, tab, ...)')
        .optional(),
      serial: serialSchema.default('none'),
      ebs: ebsSchema.optional(),
    },
    { error: 'must be a JSON object' },
  )
  .superRefine((cfg, ctx) => {
    // Linux AIO on files only works with O_DIRECT; QEMU refuses it otherwise, so say it up front.
    if (cfg.disk.aio === 'native' && cfg.disk.cache !== 'none' && cfg.disk.cache !== 'directsync') {
      ctx.addIssue({
        code: 'custom',
        path: ['disk', 'aio'],
        message: `native needs O_DIRECT: set disk.cache to none or directsync (got cache=${cfg.disk.cache}), or use aio threads or io_uring`,
      });
    }
    for (const field of ['initrd', 'append'] as const) {
      if (cfg[field] !== undefined && cfg.kernel === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'needs kernel (direct kernel boot); add "kernel": "/path/to/vmlinuz" or remove it' });
      }
    }
    if (cfg.ebs) {
      const nbd = cfg.ebs.attach !== 'guest-aoe';
      if (nbd && !NBD_URL.test(cfg.ebs.export)) {
        ctx.addIssue({ code: 'custom', path: ['ebs', 'export'], message: `must be an NBD URL like nbd://127.0.0.1:10809/vol0 for attach ${cfg.ebs.attach}` });
      }
      if (!nbd && !AOE_TARGET.test(cfg.ebs.export)) {
        ctx.addIssue({ code: 'custom', path: ['ebs', 'export'], message: 'must be an AoE target like aoe:e1.0 (e<shelf>.<slot>) for attach guest-aoe' });
      }
    }
  });

export type VmConfig = z.output<typeof vmConfigSchema>;
export type VmConfigInput = z.input<typeof vmConfigSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'config';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  const input = (issue as { input?: unknown }).input;
  if (input === undefined && issue.code === 'invalid_type') return `${where}: is required: ${issue.message}`;
  const got = input === undefined || typeof input === 'object' ? '' : ` (got ${JSON.stringify(input)})`;
  return `${where}: ${issue.message}${got}`;
}

/** Validates a parsed JSON document; throws AppError INVALID_ARGUMENT whose message is one line naming the field. */
export function parseVmConfig(input: unknown): VmConfig {
  const result = vmConfigSchema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  const message = first ? describeIssue(first) + more : 'invalid configuration';
  throw new AppError('INVALID_ARGUMENT', message, { issues: result.error.issues.map(describeIssue) });
}

/** Parses JSON text (from a file or stdin) and validates it. */
export function parseVmConfigText(text: string): VmConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_ARGUMENT', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseVmConfig(doc);
}
