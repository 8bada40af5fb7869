// At the end of a run the test files iovlab created are removed (they can be many GB), and
// so is their directory under iovlab's own target directory once it is empty. Files the user
// pointed at and confirmed, and devices, are left as they are.
import { commandArgv, targetCleanup } from '../../../shared/bench/commands.js';
import type { JobContext } from '../jobs/manager.js';
import { shJoin } from '../ssh/quote.js';
import type { SshPool } from '../ssh/types.js';
import type { LabNodes } from './lab-nodes.js';
import type { PreparedTarget } from './targets.js';
import { DEFAULT_TARGET_DIR, isInside } from './target-path.js';

export async function cleanupTargets(pool: SshPool, nodes: LabNodes, prepared: Map<string, PreparedTarget>, ctx: JobContext): Promise<void> {
  for (const p of prepared.values()) {
    if (p.guarded.kind !== 'file' || p.guarded.confirmedAs !== null) continue;
    const cmd = targetCleanup(p.target);
    if (!cmd) continue;
    const parent = p.target.path.slice(0, p.target.path.lastIndexOf('/'));
    const rmdir = isInside(DEFAULT_TARGET_DIR, parent) ? ` && { rmdir -- ${shJoin([parent])} 2>/dev/null || true; }` : '';
    const r = await pool.exec(await nodes.endpoint(cmd.node), `${shJoin(commandArgv(cmd))}${rmdir}`, { signal: ctx.signal, timeoutMs: 60_000 });
    if (r.code !== 0) ctx.log('info', `could not remove ${p.target.path} on node "${cmd.node}": ${r.stderr.trim()}`);
  }
}
