// Process, namespace and key plumbing for netns-lab.ts (kept apart so the lab itself reads top-down).
// Keys and the wait for sshd's port come from the local lab's production code (locallab/sshd.ts).
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fingerprintOf as sshdFingerprintOf, keygen as sshdKeygen, waitForPort as sshdWaitForPort } from '../../electron/core/locallab/sshd.js';

const NS_RE = /^iovl-(\d+)-(\d+)-(front|back)$/;
const DIR_RE = /^iovlab-lab-(\d+)-/;

export function run(cmd: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ code, stdout, stderr: stderr || (err && typeof err.code !== 'number' ? String(err) : '') });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function must(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`netns-lab: \`${cmd} ${args.join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function which(bin: string): string | null {
  for (const d of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter).concat(['/usr/sbin', '/sbin'])) {
    const p = join(d, bin);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

/** Kill every process inside a namespace (sshd and its sessions), then delete it; synchronous for exit hooks. */
export function destroyNsSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split(/\s+/).filter(Boolean);
    for (const p of pids) {
      try { process.kill(Number(p), 'SIGKILL'); } catch { /* already gone */ }
    }
  } catch { /* namespace already gone */ }
  try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* already gone */ }
}

export async function killAllIn(ns: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await run('ip', ['netns', 'pids', ns]);
    const pids = r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
    if (pids.length === 0 || Date.now() > deadline) return;
    for (const p of pids) {
      try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
    }
    await new Promise((res) => setTimeout(res, 20));
  }
}

export function removeStaleLabs(): void {
  let names: string[] = [];
  try {
    names = execFileSync('ip', ['netns', 'list'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().split('\n').map((l) => l.split(' ')[0] ?? '');
  } catch { /* no namespaces */ }
  for (const name of names) {
    const m = NS_RE.exec(name);
    if (m && !pidAlive(Number(m[1]))) destroyNsSync(name);
  }
  for (const entry of readdirSync(tmpdir())) {
    const m = DIR_RE.exec(entry);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
}

export async function keygen(path: string, type: string, passphrase = ''): Promise<void> {
  await sshdKeygen(path, type, passphrase, 'iovlab-netns-lab');
}

export function fingerprintOf(pubPath: string): Promise<{ type: string; fingerprint: string }> {
  return sshdFingerprintOf(pubPath);
}

export function waitForPort(ip: string, port: number, child: ChildProcess, logPath: string, timeoutMs = 10_000): Promise<void> {
  return sshdWaitForPort(ip, port, { alive: () => child.exitCode === null && child.signalCode === null, logPath, label: 'netns-lab: sshd', timeoutMs });
}
