// A benchmark lab on top of the namespace lab: a data dir whose database knows the two real
// sshd nodes ("front", and "back" reached through front's forwarding), trusted and probed, and
// small helpers the bench tests share (the real CLI as a killable child, processes inside a
// namespace, waiting on stored state).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { createLocalClient } from '../../electron/core/api/local-client.js';
import type { ApiClient, ApiMethod, ApiParams, ApiResults } from '../../shared/api.js';
import { REPO_ROOT } from './cli.js';
import type { NsLab } from './netns-lab.js';
import { run } from './netns-sys.js';

export interface BenchLab {
  dataDir: string;
  backend: Backend;
  client: ApiClient;
  labId: number;
  labName: string;
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]>;
}

export function callOf(client: ApiClient) {
  return async function call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResults[M]> {
    const result = await client.call(method, params);
    if (!result.ok) throw Object.assign(new Error(`${method}: ${result.error.code} ${result.error.message}`), { apiError: result.error });
    return result.value;
  };
}

export async function openBenchLab(lab: NsLab, labName = 'bench'): Promise<BenchLab> {
  const dataDir = mkdtempSync(join(tmpdir(), 'iovlab-bench-'));
  const backend = createBackend({ dataDir, host: 'cli' });
  const client = createLocalClient(backend);
  const call = callOf(client);
  const created = await call('lab.create', { name: labName, description: 'namespace lab' });
  const auth = { kind: 'key' as const, keyPath: lab.userKeyPath };
  const front = await call('node.add', { labId: created.id, name: 'front', roles: ['CLC', 'CC', 'EBS', 'WALRUS'], host: lab.front.ip, port: 22, user: 'root', auth });
  const back = await call('node.add', { labId: created.id, name: 'back', roles: ['NC'], host: lab.backPrivateIp, port: 22, user: 'root', auth });
  await call('node.acceptHostKey', { nodeId: front.id, fingerprint: lab.front.hostKeyFingerprint });
  await call('node.acceptHostKey', { nodeId: back.id, fingerprint: lab.back.hostKeyFingerprint });
  for (const node of [front, back]) {
    const { jobId } = await call('node.probe', { nodeId: node.id });
    const probed = await backend.waitForJob(jobId);
    if (!probed.ok) throw new Error(`probe of ${node.name} failed: ${probed.error.message}`);
  }
  return { dataDir, backend, client, labId: created.id, labName, call };
}

const CLI = resolve(REPO_ROOT, 'electron/cli/main.ts');

export interface CliChild {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The real `iovlab` CLI as a child process the test can kill. Node loads tsx as a hook in the
 * same process (the tsx CLI would run the program in a grandchild that a SIGKILL misses).
 */
export function spawnCli(args: string[]): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Names of the processes living in a network namespace, except its sshd. */
export async function processesIn(ns: string): Promise<string[]> {
  const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
  const names: string[] = [];
  for (const pid of pids) {
    const comm = (await run('cat', [`/proc/${pid}/comm`])).stdout.trim();
    if (comm && comm !== 'sshd' && !comm.startsWith('sshd-')) names.push(comm);
  }
  return names;
}

export async function waitFor<T>(what: string, probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The veth of a namespace (its one interface besides lo). */
export async function vethOf(ns: string): Promise<string[]> {
  const out = (await run('ip', ['-n', ns, '-o', 'link', 'show'])).stdout;
  return [...out.matchAll(/^\d+:\s+([^:@\s]+)/gm)].map((m) => m[1] ?? '').filter((n) => n && n !== 'lo');
}
