import type { ProbeRecord } from '../../../shared/facts.js';
import { parseProbeOutput } from '../../../shared/probe/parse.js';
import { PROBE_SCRIPT } from '../../../shared/probe/script.js';
import { AppError } from '../../../shared/result.js';
import type { JobContext } from '../jobs/manager.js';
import type { SshEndpoint, SshPool } from '../ssh/types.js';
import type { Store } from '../store/types.js';

const PROBE_TIMEOUT_MS = 60_000;

/** Runs the probe script on a node over SSH, parses its facts and stores them with a timestamp. */
export async function runProbe(args: { pool: SshPool; store: Store; endpoint: SshEndpoint; nodeId: number; ctx: JobContext }): Promise<ProbeRecord> {
  const { pool, store, endpoint, nodeId, ctx } = args;
  // `sh -s` reads the script from stdin, so nothing of it passes through the remote shell's
  // command line and it works whatever the user's login shell is.
  const result = await pool.exec(endpoint, 'sh -s', { stdin: PROBE_SCRIPT, timeoutMs: PROBE_TIMEOUT_MS, signal: ctx.signal });
  if (result.stderr.trim()) ctx.log('stderr', result.stderr.trim());
  ctx.progress(2, 'reading facts');
  let facts;
  try {
    facts = parseProbeOutput(result.stdout);
  } catch (e) {
    // No sections at all: when the shell itself failed, its exit status and stderr say more.
    if (result.code === 0) throw e;
    throw new AppError('COMMAND_FAILED', `probe of ${endpoint.host} exited with ${result.code}: ${firstLine(result.stderr) || 'no output'}`);
  }
  for (const warning of facts.warnings) ctx.log('info', `warning: ${warning}`);
  return store.probes.add(nodeId, facts);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
