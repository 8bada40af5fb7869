// Host-side helpers of the local lab: run a tool and capture its output, find binaries, and turn
// missing tools into one message naming the Debian packages to install.
import { execFile, spawn } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, openSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { AppError } from '../../../shared/result.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  input?: string;
  timeoutMs?: number;
}

/** Runs a tool without a shell; a tool that cannot start reports code 127 and the reason in stderr. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const code = typeof err.code === 'number' ? err.code : 127;
        resolve({ code, stdout, stderr: stderr || err.message });
      },
    );
    // A tool that never reads its stdin must not see the parent's (LAB-NOTES: QEMU swallows it);
    // one that exits before reading makes the write fail with EPIPE, which is no error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs a tool and returns its stdout; a non-zero exit becomes COMMAND_FAILED naming `what`. */
export async function mustRun(cmd: string, args: readonly string[], what: string, opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
    throw new AppError('COMMAND_FAILED', `${what}: \`${cmd} ${args.join(' ')}\` exited with ${r.code}: ${tail}`, { cmd, args: [...args], code: r.code });
  }
  return r.stdout;
}

/** Feeds `input` to a tool and writes its stdout to `outFile` (for outputs too large to buffer). */
export async function runToFile(cmd: string, args: readonly string[], input: string | Buffer, outFile: string, what: string, cwd?: string): Promise<void> {
  const fd = openSync(outFile, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd, args, { cwd, stdio: ['pipe', fd, 'pipe'] });
      let err = '';
      child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', (e) => reject(new AppError('COMMAND_FAILED', `${what}: cannot run ${cmd}: ${e.message}`)));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new AppError('COMMAND_FAILED', `${what}: ${cmd} exited with ${code}: ${err.trim()}`))));
      child.stdin?.on('error', () => undefined); // a failing tool closes its stdin early; 'close' reports why
      child.stdin?.end(input);
    });
  } finally {
    closeSync(fd);
  }
}

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable on PATH (plus the sbin directories a non-login root shell may lack). */
export function findBinary(name: string): string | null {
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).filter(Boolean).concat(SBIN_DIRS);
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      /* not in this directory */
    }
  }
  return null;
}

/** A binary the lab needs and the Debian package that ships it. */
export interface Needed {
  bin: string;
  pkg: string;
}

/**
 * Resolves every binary or throws MISSING_DEPENDENCY listing all missing packages at once, with the exact
 * apt-get line, so the user fixes the host in one step rather than one error at a time.
 */
export function requireBinaries(needs: readonly Needed[], purpose: string): Map<string, string> {
  const found = new Map<string, string>();
  const missing: Needed[] = [];
  for (const n of needs) {
    const p = findBinary(n.bin);
    if (p) found.set(n.bin, p);
    else missing.push(n);
  }
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map((m) => m.pkg))].sort();
    const what = missing.map((m) => `${m.bin} (${m.pkg})`).join(', ');
    throw new AppError(
      'MISSING_DEPENDENCY',
      `${purpose} needs tools this host lacks: ${what}. Install them with: apt-get install -y --no-install-recommends ${pkgs.join(' ')}`,
      { missingBinaries: missing.map((m) => m.bin), aptPackages: pkgs },
    );
  }
  return found;
}

/** Installed versions of Debian packages (dpkg-query); a package that is not installed maps to null. */
export async function installedVersions(pkgs: readonly string[]): Promise<Map<string, string | null>> {
  const r = await run('dpkg-query', ['-W', '-f', '${Package}\t${db:Status-Status}\t${Version}\n', ...pkgs]);
  const out = new Map<string, string | null>(pkgs.map((p) => [p, null]));
  for (const line of r.stdout.split('\n')) {
    const [pkg, status, version] = line.split('\t');
    if (pkg && status === 'installed' && version) out.set(pkg.replace(/:.*$/, ''), version);
  }
  return out;
}

/** True when running as root (namespaces, taps and /dev/kvm need it). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
