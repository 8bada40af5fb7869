// The live output of jobs (job.log events), kept per job for the panes that show it: an
// install's log, the local lab's build. Lines of every job are kept, not only of jobs this
// window started, because a job's first lines can arrive before the call that started it
// answers (both travel the same socket). Bounded: a long build must not grow the page forever.
import type { JobLogLine } from '../../../shared/model.js';
import { api } from '../api/client.js';
import type { Slice } from './types.js';

/** Per job, the newest lines; older ones scroll away (the stored step logs keep the full tail). */
export const MAX_LINES_PER_JOB = 3000;
/** Logs of this many jobs at most; the oldest job's log goes first. */
const MAX_JOBS = 30;

export interface JobLogsSlice {
  jobLogs: Record<string, JobLogLine[]>;
  /** Subscribes to job.log while at least one caller holds the subscription; returns the release. */
  watchJobLogs(): () => void;
}

export const createJobLogsSlice: Slice<JobLogsSlice> = (set) => {
  let holders = 0;
  let off: (() => void) | null = null;
  // Lines come in bursts (apt prints hundreds at once): batch them into one store update per frame.
  let pending: JobLogLine[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const lines = pending;
    pending = [];
    set((s) => {
      const logs = { ...s.jobLogs };
      for (const line of lines) {
        const list = logs[line.jobId] ?? [];
        logs[line.jobId] = list.length >= MAX_LINES_PER_JOB ? [...list.slice(list.length - MAX_LINES_PER_JOB + 1), line] : [...list, line];
      }
      const jobIds = Object.keys(logs);
      for (const old of jobIds.slice(0, Math.max(0, jobIds.length - MAX_JOBS))) delete logs[old];
      return { jobLogs: logs };
    });
  };

  const onLine = (line: JobLogLine) => {
    pending.push(line);
    if (scheduled) return;
    scheduled = true;
    // Not requestAnimationFrame: a hidden tab would hold the lines back until it is shown again.
    setTimeout(flush, 50);
  };

  return {
    jobLogs: {},

    watchJobLogs() {
      holders++;
      off ??= api().on('job.log', onLine);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holders--;
        if (holders === 0 && off) {
          off();
          off = null;
        }
      };
    },
  };
};
