import { create } from 'zustand';
import { createConnectionSlice } from './connection-slice.js';
import { createInstallSlice } from './install-slice.js';
import { createJobLogsSlice } from './job-logs-slice.js';
import { createJobsSlice } from './jobs-slice.js';
import { createLabsSlice } from './labs-slice.js';
import { createLocalLabSlice } from './locallab-slice.js';
import { createNodesSlice } from './nodes-slice.js';
import { createReportSlice } from './report-slice.js';
import { createRunsSlice } from './runs-slice.js';
import type { AppState } from './types.js';
import { createUiSlice } from './ui-slice.js';

export type { AppState } from './types.js';
export { findNode } from './nodes-slice.js';

export const useApp = create<AppState>()((...a) => ({
  ...createUiSlice(...a),
  ...createConnectionSlice(...a),
  ...createLabsSlice(...a),
  ...createNodesSlice(...a),
  ...createJobsSlice(...a),
  ...createReportSlice(...a),
  ...createRunsSlice(...a),
  ...createJobLogsSlice(...a),
  ...createInstallSlice(...a),
  ...createLocalLabSlice(...a),
}));
