// The destructive-target guard. A write workload pointed at the wrong block device wipes a
// disk, so before a run touches a target this inspects it on its node and refuses:
//   - a device holding the root filesystem or swap, or mounted (never, confirmation or not:
//     unmount / swapoff first);
//   - any other raw block device — one carrying a partition table or filesystem signature
//     (wipefs, blkid) or a blank one — unless the user confirmed by typing "<device> <size>";
//   - an existing file outside the workbench's own directory, unless confirmed the same way;
//   - a path with shell metacharacters (target-path.ts).
// Files in DEFAULT_TARGET_DIR (created here) need no confirmation: they are the default.
import { AppError } from '../../../shared/result.js';
import { shQuote } from '../ssh/quote.js';
import { first, keyValues, type Shell } from './shell.js';
import { checkTargetPath, DEFAULT_TARGET_DIR, humanSize, isInside } from './target-path.js';

export interface GuardTarget {
  /** For messages: `target "scratch" on node "back"`. */
  targetName: string;
  nodeName: string;
  path: string;
  /** What the user typed to allow a destructive target, e.g. "/dev/sdb 500G". */
  confirm?: string | undefined;
}

export interface GuardedTarget {
  /** The absolute path workloads use (symlinks resolved for devices). */
  path: string;
  kind: 'file' | 'device';
  sizeBytes: number | null;
  /** The confirmation that allowed it, when one was needed. */
  confirmedAs: string | null;
}

export type RefusalReason = 'unsafe-path' | 'root' | 'swap' | 'mounted' | 'signature' | 'unconfirmed' | 'not-a-target' | 'uninspectable';

/** One shell script that reports everything the verdict needs as key=value lines. */
export function inspectScript(path: string, dir: string): string {
  return [
    `p=${shQuote(path)}; dir=${shQuote(dir)}`,
    'r=$(readlink -f -- "$p" 2>/dev/null); [ -n "$r" ] || r=$p',
    'echo "resolved=$r"',
    'if [ -b "$r" ]; then',
    '  echo type=block',
    '  echo "size=$(lsblk -dno SIZE -- "$r" 2>/dev/null | tr -d " ")"',
    '  echo "bytes=$(lsblk -bdno SIZE -- "$r" 2>/dev/null | tr -d " ")"',
    // The device and everything on top of it (partitions, dm): any of them mounted counts.
    '  lsblk -nrpo NAME,MOUNTPOINT -- "$r" 2>/dev/null | while read -r n m; do [ -n "$m" ] && echo "mount=$n $m"; done',
    '  awk -v d="$r" \'$1 == d { print "mount=" $1 " " $2 }\' /proc/mounts',
    // The root filesystem's source and every device under it (-s walks down to the disks).
    '  rs=$(findmnt -nvo SOURCE / 2>/dev/null); echo "rootsrc=$rs"',
    '  [ -n "$rs" ] && lsblk -nrpso NAME -- "$rs" 2>/dev/null | sed "s/^/rootdev=/"',
    '  tail -n +2 /proc/swaps 2>/dev/null | while read -r s _; do echo "swapsrc=$s"; lsblk -nrpso NAME -- "$s" 2>/dev/null | sed "s/^/swapdev=/"; done',
    '  lsblk -nrpo NAME,TYPE -- "$r" 2>/dev/null | awk \'$2 == "part" { print "part=" $1 }\'',
    '  if w=$(wipefs --no-act --parsable -- "$r" 2>&1); then printf "%s\\n" "$w" | awk -F, \'!/^#/ && NF >= 4 { print "sig=" $NF }\'; else echo "sigerr=wipefs: $w" | head -n 1; fi',
    '  b=$(blkid -p -o export -- "$r" 2>&1); rc=$?',
    '  case $rc in 0) printf "%s\\n" "$b" | grep -E "^(TYPE|PTTYPE)=" | sed "s/^[A-Z]*=/sig=/";; 2) ;; *) echo "sigerr=blkid: $b" | head -n 1;; esac',
    'elif [ -f "$r" ]; then echo type=file; echo "bytes=$(stat -c %s -- "$r")"',
    'elif [ -d "$r" ]; then echo type=dir',
    'elif [ -e "$r" ]; then echo type=other',
    'else echo type=missing; [ -d "$(dirname -- "$r")" ] && echo parentexists=1',
    'fi',
    // The default directory is the workbench's own: create it so file targets can go there.
    'case $r in "$dir"/*) mkdir -p -m 0700 -- "$(dirname -- "$r")" && echo dirready=1;; esac',
    'true',
  ].join('\n');
}

function refusal(reason: RefusalReason, message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_ARGUMENT', message, { reason, ...details });
}

const normalise = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();

function confirmed(target: GuardTarget, expected: string[]): boolean {
  return target.confirm !== undefined && expected.some((e) => normalise(e) === normalise(target.confirm ?? ''));
}

/** Decides from the inspection output; pure, so every refusal is testable on recorded output. */
export function verdict(target: GuardTarget, path: string, output: string, dir = DEFAULT_TARGET_DIR): GuardedTarget {
  const kv = keyValues(output);
  const where = `target "${target.targetName}" on node "${target.nodeName}"`;
  const resolved = first(kv, 'resolved') || path;
  const type = first(kv, 'type');
  const bytes = Number(first(kv, 'bytes'));
  const sizeBytes = Number.isFinite(bytes) && bytes >= 0 && first(kv, 'bytes') !== '' ? bytes : null;
  const named = resolved === path ? resolved : `${path} (= ${resolved})`;

  if (type === 'block') {
    const has = (key: string) => (kv.get(key) ?? []).includes(resolved);
    if (has('rootdev')) {
      throw refusal('root', `${where}: refusing to write to ${named}: it holds the root filesystem (/ is on ${first(kv, 'rootsrc') ?? resolved}); writing to it would destroy the operating system. Use a spare disk or a file target.`, { path: resolved });
    }
    if (has('swapdev')) {
      throw refusal('swap', `${where}: refusing to write to ${named}: it holds swap space in use (${(kv.get('swapsrc') ?? []).join(', ')}); run swapoff and remove it from /etc/fstab first.`, { path: resolved });
    }
    const mounts = kv.get('mount') ?? [];
    if (mounts.length > 0) {
      const at = [...new Set(mounts.map((m) => m.split(' ').slice(1).join(' ')))].join(', ');
      throw refusal('mounted', `${where}: refusing to write to ${named}: it is mounted (at ${at}); writing under a mounted filesystem corrupts it. Unmount it first (umount ${at.split(', ')[0] ?? ''}).`, { path: resolved, mounts });
    }
    const size = first(kv, 'size') || (sizeBytes === null ? '?' : humanSize(sizeBytes));
    const typeThis = `${resolved} ${size}`;
    const ok = confirmed(target, [typeThis, `${path} ${size}`]);
    const signatures = [...new Set([...(kv.get('sig') ?? []), ...(kv.get('part') ?? []).map((p) => `partition ${p}`)])];
    const inspectError = first(kv, 'sigerr');
    if (signatures.length === 0 && inspectError !== undefined && !ok) {
      throw refusal('uninspectable', `${where}: cannot check ${named} for partition tables or filesystems (${inspectError.trim()}); run as root, or confirm by typing "${typeThis}" if you are sure it holds nothing you need.`, { path: resolved, expected: typeThis });
    }
    if (signatures.length > 0 && !ok) {
      throw refusal('signature', `${where}: refusing to write to ${named}: it carries ${signatures.map((s) => (s.startsWith('partition ') ? s : `a ${s} signature`)).join(', ')} (wipefs/blkid), so it holds data that the benchmark would destroy. To overwrite it anyway, confirm by typing exactly: ${typeThis}`, { path: resolved, signatures, expected: typeThis });
    }
    if (!ok) {
      throw refusal('unconfirmed', `${where}: ${named} is a raw block device; benchmarking it overwrites whatever it holds. Confirm by typing exactly: ${typeThis}`, { path: resolved, expected: typeThis });
    }
    return { path: resolved, kind: 'device', sizeBytes, confirmedAs: target.confirm ?? null };
  }

  if (type === 'dir' || type === 'other') {
    throw refusal('not-a-target', `${where}: ${named} is ${type === 'dir' ? 'a directory' : 'neither a regular file nor a block device'}; give a file path (or leave the path out to use ${dir}).`, { path: resolved });
  }
  if (isInside(dir, resolved)) {
    if (first(kv, 'dirready') !== '1') throw refusal('uninspectable', `${where}: cannot create the target directory ${dir} on the node (permissions?)`, { path: resolved });
    return { path: resolved, kind: 'file', sizeBytes, confirmedAs: null };
  }
  if (type === 'missing') {
    if (first(kv, 'parentexists') !== '1') throw refusal('not-a-target', `${where}: the directory of ${named} does not exist on the node; create it, or leave the path out to use ${dir}.`, { path: resolved });
    return { path: resolved, kind: 'file', sizeBytes: null, confirmedAs: null };
  }
  if (type === 'file') {
    const typeThis = `${resolved} ${sizeBytes === null ? '?' : humanSize(sizeBytes)}`;
    if (!confirmed(target, [typeThis])) {
      throw refusal('unconfirmed', `${where}: ${named} is an existing file outside iovlab's directory ${dir}; the benchmark would overwrite it. Confirm by typing exactly: ${typeThis}`, { path: resolved, expected: typeThis });
    }
    return { path: resolved, kind: 'file', sizeBytes, confirmedAs: target.confirm ?? null };
  }
  throw refusal('uninspectable', `${where}: could not inspect ${named} on the node (unexpected answer: ${output.trim().slice(0, 200) || 'nothing'})`, { path: resolved });
}

/** Inspects a target on its node and returns it if a workload may write to it; throws a refusal otherwise. */
export async function guardTarget(shell: Shell, target: GuardTarget, dir = DEFAULT_TARGET_DIR): Promise<GuardedTarget> {
  const where = `target "${target.targetName}" on node "${target.nodeName}"`;
  const path = checkTargetPath(target.path, where);
  const result = await shell(inspectScript(path, dir));
  if (result.code !== 0) {
    throw refusal('uninspectable', `${where}: inspecting ${path} failed (exit ${String(result.code)}): ${result.stderr.trim().slice(0, 300)}`, { path });
  }
  return verdict(target, path, result.stdout, dir);
}
