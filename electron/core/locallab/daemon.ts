// Daemons of the local lab (sshd, qemu-nbd, vblade) outlive the iovlab command that starts them:
// `lab up` exits and a later `lab down` — another process — stops them. Each one is spawned
// detached, and its PID with the kernel's start time of that PID goes into a pidfile in the lab's
// state directory; stopping re-checks the start time, so a PID the kernel gave to another
// process meanwhile is never signalled. Nothing is ever stopped by name.
// No init reaps orphans on every machine (LAB-NOTES): a stopped daemon may linger as a zombie,
// which holds no socket, file or namespace any more and so counts as stopped.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/result.js';
import { processStartTime } from './process.js';

export interface DaemonRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: tells this process from a later one with the same PID. */
  startTime: string;
  label: string;
  argv: string[];
  netns: string | null;
  logFile: string;
}

export type ProcessStatus = 'running' | 'zombie' | 'gone';

/** What /proc says about a PID: its state letter Z (or X) means it exited and only awaits reaping. */
export function processStatus(pid: number): ProcessStatus {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? 'zombie' : 'running';
  } catch {
    return 'gone';
  }
}

export function readDaemon(pidfile: string): DaemonRecord | null {
  try {
    return JSON.parse(readFileSync(pidfile, 'utf8')) as DaemonRecord;
  } catch {
    return null;
  }
}

/** True while the process a pidfile names still runs (the same incarnation of its PID, not a zombie). */
export function daemonRunning(pidfile: string): boolean {
  const rec = readDaemon(pidfile);
  return rec !== null && processStartTime(rec.pid) === rec.startTime && processStatus(rec.pid) === 'running';
}

/**
 * Starts argv in the background (inside a network namespace through `ip netns exec`, which execs
 * the command, so the PID recorded is the command's own), output appended to logFile.
 */
export async function startDaemon(argv: readonly string[], opts: { pidfile: string; logFile: string; label: string; netns?: string }): Promise<DaemonRecord> {
  const full = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : [...argv];
  const [cmd, ...args] = full;
  if (!cmd) throw new AppError('INVALID_ARGUMENT', `startDaemon: empty command for ${opts.label}`);
  mkdirSync(dirname(opts.pidfile), { recursive: true });
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const logFd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd], detached: true });
  closeSync(logFd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (e) => reject(new AppError('COMMAND_FAILED', `cannot start ${cmd} for ${opts.label}: ${e.message}`)));
  });
  // The lab outlives this process: do not keep it alive for the daemon, nor kill it on exit.
  child.unref();
  const rec: DaemonRecord = { pid, startTime: processStartTime(pid) ?? '', label: opts.label, argv: [...argv], netns: opts.netns ?? null, logFile: opts.logFile };
  writeFileSync(opts.pidfile, JSON.stringify(rec) + '\n');
  return rec;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/**
 * Stops the daemon a pidfile names: SIGTERM, then SIGKILL after graceMs; removes the pidfile.
 * Returns the record when a live process was stopped, null when there was nothing to stop.
 */
export async function stopDaemon(pidfile: string, graceMs = 3000): Promise<DaemonRecord | null> {
  const rec = readDaemon(pidfile);
  if (!rec) {
    rmSync(pidfile, { force: true });
    return null;
  }
  const same = () => processStartTime(rec.pid) === rec.startTime;
  const alive = () => same() && processStatus(rec.pid) === 'running';
  if (!alive()) {
    rmSync(pidfile, { force: true });
    return null;
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (same()) process.kill(rec.pid, sig);
    } catch {
      /* exited meanwhile */
    }
  };
  signal('SIGTERM');
  if (!(await until(() => !alive(), graceMs))) {
    signal('SIGKILL');
    await until(() => !alive(), 2000);
  }
  rmSync(pidfile, { force: true });
  return rec;
}

/** The pidfiles (*.pid.json) in a directory. */
export function pidfilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.pid.json')).map((f) => join(dir, f));
  } catch {
    return [];
  }
}
