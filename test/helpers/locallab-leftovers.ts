// What the local lab leaves on the machine, read from the machine itself (ip, /proc, losetup,
// the file system), so the local-lab tests can say "nothing left behind" after `lab down`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStatus } from '../../electron/core/locallab/daemon.js';
import { rootVethOf } from '../../electron/core/locallab/lab-net.js';
import { labNames, labPaths } from '../../electron/core/locallab/lab-state.js';
import { listLoops } from '../../electron/core/locallab/loopdev.js';
import { preflight } from '../../electron/core/locallab/lab.js';
import { isAppError } from '../../shared/result.js';
import { netnsUnavailableReason } from './netns-lab.js';
import { run } from './netns-sys.js';

export interface LabFootprint {
  stateDir: string;
  namespaces: string[];
  rootVeth: string | null;
  /** PIDs with labels: the lab's daemons and any guest QEMU. */
  processes: { pid: number; label: string }[];
}

function pidfiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.pid.json')) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

/** Everything of the lab in dataDir that exists now (to be checked again after `lab down`). */
export function footprint(dataDir: string): LabFootprint {
  const paths = labPaths(dataDir);
  const names = labNames(paths);
  const processes = pidfiles(paths.dir).flatMap((f) => {
    try {
      const rec = JSON.parse(readFileSync(f, 'utf8')) as { pid: number; label: string };
      return [{ pid: rec.pid, label: rec.label }];
    } catch {
      return [];
    }
  });
  return { stateDir: paths.dir, namespaces: [names.frontNs, names.backNs], rootVeth: rootVethOf(names.frontNs), processes };
}

/** What of a footprint still exists, in words; empty when the lab left nothing behind. */
export async function leftovers(fp: LabFootprint): Promise<string[]> {
  const left: string[] = [];
  const nsList = (await run('ip', ['netns', 'list'])).stdout;
  for (const ns of fp.namespaces) if (nsList.split('\n').some((l) => l.split(' ')[0] === ns)) left.push(`namespace ${ns}`);
  if (fp.rootVeth && (await run('ip', ['link', 'show', 'dev', fp.rootVeth])).code === 0) left.push(`veth ${fp.rootVeth}`);
  for (const p of fp.processes) if (processStatus(p.pid) === 'running') left.push(`${p.label} (pid ${p.pid}) still runs`);
  for (const l of await listLoops()) if (l.backingFile.startsWith(`${fp.stateDir}/`)) left.push(`loop device ${l.device} over ${l.backingFile}`);
  for (const f of pidfiles(fp.stateDir)) left.push(`pidfile ${f}`);
  for (const name of ['state.json', 'lock.json', 'guest.lock', 'pids', 'run', 'disks', 'volumes', 'conf', 'logs']) {
    if (existsSync(join(fp.stateDir, name))) left.push(`${name} in ${fp.stateDir}`);
  }
  return left;
}

/** Why the local-lab tests cannot run here (not root, missing packages, no namespaces), or false. */
export function localLabSkipReason(): string | false {
  try {
    preflight();
  } catch (e) {
    if (isAppError(e)) return e.message;
    throw e;
  }
  return netnsUnavailableReason() ?? false;
}
