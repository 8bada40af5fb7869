// Every process the local lab starts is tracked by PID in a pidfile and stopped by that PID —
// never by name. The pidfile also records the kernel's start time of the process, so a stale
// pidfile whose PID was reused by something else is recognised and that process left alone.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/result.js';

export interface PidRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot): identifies this incarnation of the PID. */
  startTime: string;
  /** The lab process that started it (and its start time); when that one is gone, the record is stale. */
  ownerPid: number;
  ownerStartTime: string;
  label: string;
}

export interface TrackedProcess {
  pid: number;
  pidfile: string;
  label: string;
  /** Settles when the process has exited (and was reaped). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** Sends a signal to this PID; false when the process is already gone. */
  signal(sig: NodeJS.Signals): boolean;
}

const live = new Map<string, PidRecord>();
let hooksInstalled = false;

export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lab process that wrote a record still runs (the same incarnation of its PID). */
export function ownerAlive(rec: Pick<PidRecord, 'ownerPid' | 'ownerStartTime'>): boolean {
  return processStartTime(rec.ownerPid) === rec.ownerStartTime;
}

/** Kills the process a pidfile names if it is still that same process; removes the pidfile. */
export function killByPidfile(pidfile: string, sig: NodeJS.Signals = 'SIGKILL'): boolean {
  let rec: PidRecord;
  try {
    rec = JSON.parse(readFileSync(pidfile, 'utf8')) as PidRecord;
  } catch {
    rmSync(pidfile, { force: true });
    return false;
  }
  let killed = false;
  if (processStartTime(rec.pid) === rec.startTime) {
    try {
      process.kill(rec.pid, sig);
      killed = true;
    } catch {
      /* exited meanwhile */
    }
  }
  rmSync(pidfile, { force: true });
  live.delete(pidfile);
  return killed;
}

const exitCleanups = new Set<() => void>();

/**
 * Runs `fn` (synchronously) if this process exits or is stopped by SIGINT/SIGTERM/SIGHUP before
 * the returned function unregisters it: how guests and lab networks are reclaimed after a crash.
 */
export function registerExitCleanup(fn: () => void): () => void {
  installHooks();
  exitCleanups.add(fn);
  return () => exitCleanups.delete(fn);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const runAll = () => {
    for (const pidfile of [...live.keys()]) killByPidfile(pidfile);
    for (const fn of [...exitCleanups]) {
      exitCleanups.delete(fn);
      try {
        fn();
      } catch {
        /* best effort while exiting */
      }
    }
  };
  process.on('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      runAll();
      // With no other handler left, re-raising ends the process as the signal intended; otherwise
      // the application's own handler decides (it already received this signal).
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

/**
 * Starts argv (optionally inside a network namespace via `ip netns exec`, which execs the
 * command so the PID is the command's own), stdin from /dev/null (LAB-NOTES: QEMU would swallow
 * a shell's stdin), stdout+stderr appended to logFile, and writes the pidfile.
 */
export async function spawnTracked(argv: readonly string[], opts: { pidfile: string; logFile: string; label: string; netns?: string }): Promise<TrackedProcess> {
  installHooks();
  const [cmd, ...args] = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  if (!cmd) throw new AppError('INVALID_ARGUMENT', 'spawnTracked: empty command');
  const logFd = openSync(opts.logFile, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (e) => reject(new AppError('NOT_FOUND', `cannot start ${cmd} for ${opts.label}: ${e.message}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let running = true;
  void exited.then(() => {
    running = false;
    live.delete(opts.pidfile);
    rmSync(opts.pidfile, { force: true });
  });
  const rec: PidRecord = {
    pid, startTime: processStartTime(pid) ?? '', ownerPid: process.pid, ownerStartTime: processStartTime(process.pid) ?? '', label: opts.label,
  };
  if (running) {
    writeFileSync(opts.pidfile, JSON.stringify(rec) + '\n');
    live.set(opts.pidfile, rec);
  }
  return {
    pid,
    pidfile: opts.pidfile,
    label: opts.label,
    exited,
    isRunning: () => running,
    signal(sig) {
      if (!running) return false;
      try {
        return process.kill(pid, sig);
      } catch {
        return false;
      }
    },
  };
}

/** Waits up to `ms` for the process to exit; true if it did. */
export async function waitExit(p: TrackedProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = await Promise.race([p.exited.then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}

/** SIGKILL by PID and wait for the exit to be reaped. */
export async function killTracked(p: TrackedProcess): Promise<void> {
  if (p.signal('SIGKILL')) await p.exited;
}

/**
 * Removes what dead lab processes left behind in `runRoot/<guest>/*.pid.json`: kills a recorded
 * process whose owner has died (if the PID still names it) and deletes the pidfile. Returns the
 * labels of the processes killed.
 */
export function cleanupStalePidfiles(runRoot: string): string[] {
  const killed: string[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(runRoot);
  } catch {
    return killed;
  }
  for (const d of dirs) {
    let files: string[];
    try {
      files = readdirSync(join(runRoot, d)).filter((f) => f.endsWith('.pid.json'));
    } catch {
      continue;
    }
    for (const f of files) {
      const pidfile = join(runRoot, d, f);
      try {
        const rec = JSON.parse(readFileSync(pidfile, 'utf8')) as PidRecord;
        if (ownerAlive(rec)) continue;
        if (killByPidfile(pidfile)) killed.push(`${rec.label} (pid ${rec.pid})`);
      } catch {
        rmSync(pidfile, { force: true });
      }
    }
  }
  return killed;
}
