// How the install wizard prints statuses and sides.
import type { InstallSide } from '../../../../shared/install/recipe.js';
import type { InstallStatus, InstallStepRecord, InstallStepStatus } from '../../../../shared/install/types.js';

const STEP_BADGE: Record<InstallStepStatus, string> = {
  pending: 'badge idle',
  running: 'badge running',
  'already-done': 'badge ok already',
  done: 'badge ok',
  failed: 'badge bad',
  'not-applicable': 'badge na',
  cancelled: 'badge warn',
};

const STEP_LABEL: Record<InstallStepStatus, string> = {
  pending: 'pending',
  running: 'running',
  'already-done': 'already done',
  done: 'done',
  failed: 'failed',
  'not-applicable': 'not applicable',
  cancelled: 'cancelled',
};

const RUN_BADGE: Record<InstallStatus, string> = {
  running: 'badge running',
  interrupted: 'badge warn',
  ok: 'badge ok',
  failed: 'badge bad',
  cancelled: 'badge warn',
};

export const stepBadge = (s: InstallStepStatus): string => STEP_BADGE[s];
export const stepLabel = (s: InstallStepStatus): string => STEP_LABEL[s];
export const runBadge = (s: InstallStatus): string => RUN_BADGE[s];

/** The paper's names for the two sides, so a user sees which machine a step touches. */
export const SIDE_LABEL: Record<InstallSide, string> = {
  'front-end': 'front-end (CLC, CC, EBS, Walrus)',
  'back-end': 'back-end (NC)',
};

/** Statuses after which a step will not run again unless the install is resumed. */
const SETTLED: ReadonlySet<InstallStepStatus> = new Set(['already-done', 'done', 'failed', 'not-applicable', 'cancelled']);

export function settledCount(steps: InstallStepRecord[]): number {
  return steps.filter((s) => SETTLED.has(s.status)).length;
}

/** Resume re-runs what did not end well; a finished install without failures has nothing to resume. */
export const canResume = (s: InstallStatus): boolean => s === 'failed' || s === 'interrupted' || s === 'cancelled';

export const HISTORICAL_NOTE = 'historical: for reproducing the 2010 study on period hardware/images';
