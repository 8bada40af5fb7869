// One line per step record, as the CLI prints it and the runner logs it:
// "[3/12] back-end nc1 libvirt-packages: already done".
import type { InstallSide } from './recipe.js';
import type { InstallStepRecord, InstallStepStatus } from './types.js';

export const FINISHED_STEP_STATUSES: readonly InstallStepStatus[] = ['already-done', 'done', 'not-applicable'];

/** A step record that resume leaves alone. */
export function stepSettled(status: InstallStepStatus): boolean {
  return FINISHED_STEP_STATUSES.includes(status);
}

export function statusWords(status: InstallStepStatus): string {
  switch (status) {
    case 'already-done':
      return 'already done';
    case 'not-applicable':
      return 'not applicable';
    case 'pending':
    case 'running':
    case 'done':
    case 'failed':
    case 'cancelled':
      return status;
  }
}

export function stepLine(record: Pick<InstallStepRecord, 'index' | 'nodeName' | 'stepId' | 'status' | 'reason'>, total: number, side: InstallSide | null): string {
  const head = `[${record.index + 1}/${total}] ${side ? `${side} ` : ''}${record.nodeName} ${record.stepId}: ${statusWords(record.status)}`;
  const showReason = record.reason && (record.status === 'failed' || record.status === 'not-applicable' || record.status === 'cancelled');
  return showReason ? `${head} (${record.reason?.replace(/^not applicable here: /, '')})` : head;
}
