// The lab as a run sees it: plan node names → stored nodes, SSH endpoints (built once per
// run, so key files are read once) and the facts each step ran under.
import type { Lab, LabNode } from '../../../shared/model.js';
import { assertPlanNodes, type Plan } from '../../../shared/bench/plan.js';
import { AppError } from '../../../shared/result.js';
import { endpointFor, type EndpointDeps } from '../nodes/endpoint.js';
import type { SshEndpoint } from '../ssh/types.js';

export interface NodeContext {
  nodeId: number;
  host: string;
  /** The probe (node facts) record current when the step ran; null when never probed. */
  factsId: number | null;
  kernel: string | null;
}

export class LabNodes {
  private readonly endpoints = new Map<string, Promise<SshEndpoint>>();

  constructor(private readonly deps: EndpointDeps, readonly lab: Lab, plan: Plan) {
    assertPlanNodes(plan, lab.nodes.map((n) => n.name), lab.name);
  }

  node(name: string): LabNode {
    const node = this.lab.nodes.find((n) => n.name === name);
    if (!node) throw new AppError('NOT_FOUND', `lab "${this.lab.name}" has no node "${name}"`);
    return node;
  }

  endpoint(name: string): Promise<SshEndpoint> {
    let ep = this.endpoints.get(name);
    if (!ep) {
      ep = endpointFor(this.deps, this.node(name).id);
      ep.catch(() => this.endpoints.delete(name)); // a key file fixed later is read again
      this.endpoints.set(name, ep);
    }
    return ep;
  }

  /** Drops a node's cached endpoint, so the next use reads its address and host key again. */
  forget(name: string): void {
    this.endpoints.delete(name);
  }

  /** The endpoint keys to drop when a node's connection is lost: the node and its jump hosts. */
  chainKeys(ep: SshEndpoint): string[] {
    const keys: string[] = [];
    for (let e: SshEndpoint | undefined = ep; e; e = e.jump) keys.push(e.key);
    return keys;
  }

  context(name: string): NodeContext {
    const node = this.node(name);
    const probe = this.deps.store.probes.latest(node.id);
    return { nodeId: node.id, host: node.host, factsId: probe?.id ?? null, kernel: probe?.facts.kernel ?? null };
  }
}
