import type { JobsSlice, Slice } from './types.js';

export const createJobsSlice: Slice<JobsSlice> = (set, get) => ({
  jobs: {},
  probeJobs: {},

  jobProgress(progress) {
    set((s) => ({ jobs: { ...s.jobs, [progress.jobId]: progress } }));
    if (progress.status === 'running') return;
    const entry = Object.entries(get().probeJobs).find(([, jobId]) => jobId === progress.jobId);
    if (!entry) return;
    void get().loadFacts(Number(entry[0]));
    const labId = get().currentLabId;
    if (labId !== null) void get().loadReadiness(labId);
  },
});
