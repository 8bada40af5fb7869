// The embedded local lab as the labs page shows it: its status (locallab.status), the job that
// builds it (locallab.up: progress as job.progress, output as job.log), and its removal.
import type { LocalLabStatus } from '../../../shared/presets/lab.js';
import type { ApiError } from '../../../shared/result.js';
import { api } from '../api/client.js';
import type { Slice } from './types.js';

/** The kind the backend gives the job of locallab.up (electron/core/locallab/handlers.ts). */
export const LOCAL_LAB_JOB_KIND = 'locallab';

export interface LocalLabSlice {
  localLabStatus: LocalLabStatus | null;
  /** The build job this window started or found running (job.list); kept after it ends to show how. */
  localLabJobId: string | null;
  /** The refusal of locallab.up itself (not root, missing packages), shown in the card. */
  localLabError: ApiError | null;
  /** What the last removal stopped or removed. */
  localLabRemoved: string[] | null;
  /** The build job the user asked to cancel (the job itself says when it has stopped). */
  localLabCancelledJobId: string | null;
  loadLocalLabStatus(): Promise<void>;
  createLocalLab(): Promise<void>;
  cancelLocalLab(): Promise<void>;
  removeLocalLab(): Promise<void>;
  /** Subscribes to job.progress to follow the build; returns the unsubscribe. */
  watchLocalLab(): () => void;
}

export const createLocalLabSlice: Slice<LocalLabSlice> = (set, get) => ({
  localLabStatus: null,
  localLabJobId: null,
  localLabError: null,
  localLabRemoved: null,
  localLabCancelledJobId: null,

  async loadLocalLabStatus() {
    const r = await get().runCall('locallab:status', 'Read the local lab status', 'locallab.status', {});
    if (r.ok) set({ localLabStatus: r.value });
  },

  async createLocalLab() {
    set((s) => ({ busy: { ...s.busy, 'locallab:up': true }, localLabError: null, localLabRemoved: null }));
    try {
      const r = await api().call('locallab.up', {});
      if (r.ok) set({ localLabJobId: r.value.jobId });
      else set({ localLabError: r.error });
    } finally {
      set((s) => {
        const { 'locallab:up': _done, ...rest } = s.busy;
        return { busy: rest };
      });
    }
  },

  async cancelLocalLab() {
    const jobId = get().localLabJobId;
    if (!jobId) return;
    const r = await get().runCall('locallab:cancel', 'Cancel the local lab build', 'job.cancel', { jobId });
    if (r.ok && r.value.cancelled) set({ localLabCancelledJobId: jobId });
  },

  async removeLocalLab() {
    set({ localLabError: null });
    const r = await get().runCall('locallab:down', 'Remove the local lab', 'locallab.down', {});
    // The old build's progress and output describe a lab that is gone now.
    if (r.ok) set({ localLabRemoved: r.value.removed, localLabJobId: null, localLabCancelledJobId: null });
    await get().loadLocalLabStatus();
  },

  watchLocalLab() {
    // A build started elsewhere (the CLI, another window) and still running is followed too.
    const running = Object.values(get().jobs).find((j) => j.kind === LOCAL_LAB_JOB_KIND && j.status === 'running');
    if (running && get().localLabJobId === null) set({ localLabJobId: running.jobId });
    return api().on('job.progress', (p) => {
      if (p.kind !== LOCAL_LAB_JOB_KIND) return;
      if (p.status === 'running') {
        if (get().localLabJobId !== p.jobId) set({ localLabJobId: p.jobId });
        return;
      }
      void get().loadLocalLabStatus();
    });
  },
});
