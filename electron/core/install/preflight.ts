// Preflight over SSH: probe every node the install would touch (the same probe as `node probe`,
// stored as the node's latest facts), read free space on / and whether sudo works without a
// password, then judge it all against the recipe (shared/install/preflight.ts). Nothing on the
// nodes changes. Nodes are checked in parallel; one that cannot be reached is a problem too.
import type { Lab, LabNode } from '../../../shared/model.js';
import { buildInstallPlan, plannedNodes } from '../../../shared/install/plan.js';
import { evaluatePreflight, parsePreflightExtras, PREFLIGHT_EXTRAS_SCRIPT, type NodeCheck } from '../../../shared/install/preflight.js';
import type { Recipe } from '../../../shared/install/recipe.js';
import type { PreflightResult } from '../../../shared/install/types.js';
import type { JobContext } from '../jobs/manager.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import { runProbe } from '../probe/run-probe.js';
import type { SshPool } from '../ssh/types.js';

const EXTRAS_TIMEOUT_MS = 30_000;

export interface PreflightDeps extends EndpointDeps {
  pool: SshPool;
}

export async function preflightLab(deps: PreflightDeps, recipe: Recipe, lab: Lab, signal: AbortSignal = new AbortController().signal): Promise<PreflightResult> {
  const plan = buildInstallPlan(recipe, lab);
  const nodes = plannedNodes(plan).map((p) => lab.nodes.find((n) => n.id === p.id)).filter((n): n is LabNode => n !== undefined);
  const checks = await Promise.all(nodes.map((node) => checkNode(deps, node, signal)));
  return evaluatePreflight(recipe, checks);
}

async function checkNode(deps: PreflightDeps, node: LabNode, signal: AbortSignal): Promise<NodeCheck> {
  const base = { node: { id: node.id, name: node.name, user: node.user, roles: node.roles } };
  try {
    const endpoint = await endpointFor(deps, node.id);
    const ctx: JobContext = { jobId: `preflight-${node.id}`, signal, progress: () => undefined, log: () => undefined };
    const { facts } = await runProbe({ pool: deps.pool, store: deps.store, endpoint, nodeId: node.id, ctx });
    const extras = await deps.pool.exec(endpoint, 'sh -s', { stdin: PREFLIGHT_EXTRAS_SCRIPT, timeoutMs: EXTRAS_TIMEOUT_MS, signal });
    return { ...base, facts, extras: parsePreflightExtras(extras.stdout), error: null };
  } catch (e) {
    return { ...base, facts: null, extras: null, error: e instanceof Error ? e.message : String(e) };
  }
}
