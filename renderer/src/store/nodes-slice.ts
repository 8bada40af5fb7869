import type { Lab, LabNode } from '../../../shared/model.js';
import type { NodesSlice, Slice } from './types.js';

export function findNode(labs: Lab[], nodeId: number): LabNode | undefined {
  for (const lab of labs) {
    const node = lab.nodes.find((n) => n.id === nodeId);
    if (node) return node;
  }
  return undefined;
}

/** Puts a node returned by the API into the labs list at once; lab.changed brings the rest. */
function withNode(labs: Lab[], node: LabNode): Lab[] {
  return labs.map((lab) => {
    if (lab.id !== node.labId) return lab;
    const exists = lab.nodes.some((n) => n.id === node.id);
    return { ...lab, nodes: exists ? lab.nodes.map((n) => (n.id === node.id ? node : n)) : [...lab.nodes, node] };
  });
}

export const createNodesSlice: Slice<NodesSlice> = (set, get) => {
  const nameOf = (nodeId: number) => findNode(get().labs, nodeId)?.name ?? `#${nodeId}`;

  return {
    selectedNodeId: null,
    scans: {},
    facts: {},
    factsLoadedFor: {},

    selectNode(nodeId) {
      set({ selectedNodeId: nodeId });
    },

    async addNode(input) {
      const result = await get().runCall('node:add', `Add node "${input.name}"`, 'node.add', input);
      if (!result.ok) return null;
      set((s) => ({ labs: withNode(s.labs, result.value), selectedNodeId: result.value.id }));
      return result.value;
    },

    async removeNode(nodeId) {
      const result = await get().runCall(`node:remove:${nodeId}`, `Remove node "${nameOf(nodeId)}"`, 'node.remove', { nodeId });
      if (!result.ok) return;
      set((s) => ({
        labs: s.labs.map((lab) => ({ ...lab, nodes: lab.nodes.filter((n) => n.id !== nodeId) })),
        selectedNodeId: s.selectedNodeId === nodeId ? null : s.selectedNodeId,
      }));
    },

    async scanHostKey(nodeId) {
      set({ selectedNodeId: nodeId });
      const result = await get().runCall(`scan:${nodeId}`, `Check host key of "${nameOf(nodeId)}"`, 'node.scanHostKey', { nodeId });
      if (result.ok) set((s) => ({ scans: { ...s.scans, [nodeId]: result.value } }));
    },

    async acceptHostKey(nodeId, fingerprint) {
      const result = await get().runCall(`accept:${nodeId}`, `Accept host key of "${nameOf(nodeId)}"`, 'node.acceptHostKey', { nodeId, fingerprint });
      if (!result.ok) return;
      set((s) => {
        const scan = s.scans[nodeId];
        return {
          labs: withNode(s.labs, result.value),
          scans: scan ? { ...s.scans, [nodeId]: { ...scan, status: 'trusted', knownFingerprint: fingerprint } } : s.scans,
        };
      });
    },

    async probe(nodeId) {
      set({ selectedNodeId: nodeId });
      const result = await get().runCall(`probe:${nodeId}`, `Probe "${nameOf(nodeId)}"`, 'node.probe', { nodeId });
      if (!result.ok) return;
      const { jobId } = result.value;
      set((s) => ({ probeJobs: { ...s.probeJobs, [nodeId]: jobId } }));
      // A very fast probe may have finished before its id came back.
      const job = get().jobs[jobId];
      if (job && job.status !== 'running') get().jobProgress(job);
    },

    async loadFacts(nodeId) {
      const probedAt = findNode(get().labs, nodeId)?.lastProbeAt ?? null;
      const result = await get().runCall(`facts:${nodeId}`, `Load facts of "${nameOf(nodeId)}"`, 'node.facts', { nodeId });
      if (result.ok) {
        set((s) => ({ facts: { ...s.facts, [nodeId]: result.value }, factsLoadedFor: { ...s.factsLoadedFor, [nodeId]: probedAt } }));
      }
    },
  };
};
