import { hashForLab } from './route.js';
import type { LabsSlice, Slice } from './types.js';

export const createLabsSlice: Slice<LabsSlice> = (set, get) => ({
  labs: [],
  labsLoaded: false,
  currentLabId: null,
  readiness: {},

  async loadLabs() {
    const result = await get().runCall('labs:load', 'Load labs', 'lab.list', {});
    if (!result.ok) return;
    set({ labs: result.value, labsLoaded: true });
    const lab = result.value.find((l) => l.id === get().currentLabId);
    if (!lab) return;
    void get().loadReadiness(lab.id);
    for (const node of lab.nodes) {
      const loadedFor = get().factsLoadedFor[node.id];
      if (loadedFor === undefined || loadedFor !== node.lastProbeAt) void get().loadFacts(node.id);
    }
  },

  async createLab(name, description) {
    const result = await get().runCall('lab:create', `Create lab "${name}"`, 'lab.create', { name, description });
    if (!result.ok) return null;
    const lab = result.value;
    set((s) => ({ labs: s.labs.some((l) => l.id === lab.id) ? s.labs : [...s.labs, lab] }));
    return lab;
  },

  async deleteLab(labId) {
    const name = get().labs.find((l) => l.id === labId)?.name ?? `#${labId}`;
    const result = await get().runCall(`lab:delete:${labId}`, `Delete lab "${name}"`, 'lab.delete', { labId });
    if (!result.ok) return false;
    set((s) => ({ labs: s.labs.filter((l) => l.id !== labId) }));
    get().openLab(null);
    return true;
  },

  openLab(labId) {
    if (window.location.hash !== hashForLab(labId)) window.location.hash = hashForLab(labId);
    if (get().currentLabId === labId) return;
    set({ currentLabId: labId, selectedNodeId: null });
    if (labId !== null && get().labsLoaded) void get().loadLabs();
  },

  async loadReadiness(labId) {
    const result = await get().runCall(`readiness:${labId}`, 'Check experiment readiness', 'lab.readiness', { labId });
    if (result.ok) set((s) => ({ readiness: { ...s.readiness, [labId]: result.value } }));
  },
});
