// How the runs pages print statuses, metrics and durations.
import type { RunRecord, RunStatus, StepMetric, StepStatus } from '../../../../shared/bench/types.js';

/** A run still marked running by a process that is gone is shown (and offered) as interrupted. */
export function runStatusOf(run: RunRecord, interruptedIds: ReadonlySet<number>): RunStatus {
  return run.status === 'running' && interruptedIds.has(run.id) ? 'interrupted' : run.status;
}

const BADGE: Record<RunStatus | StepStatus, string> = {
  ok: 'badge ok',
  failed: 'badge bad',
  cancelled: 'badge warn',
  interrupted: 'badge warn',
  running: 'badge running',
  pending: 'badge idle',
};

export const badgeClass = (status: RunStatus | StepStatus): string => BADGE[status];

export const unitLabel = (unit: StepMetric['unit']): string => (unit === 'MBps' ? 'MB/s' : 'Mb/s');

/** Three significant digits for lab-sized numbers: 1.3, 71.5, 712, 1024. */
export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 10 ** digits ? String(Math.round(v)) : String(Number(v.toPrecision(digits)));
}

export function pct(fraction: number | null): string {
  return fraction === null ? '—' : `${num(fraction * 100, 2)}%`;
}

export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function elapsed(startedAt: string | null, endedAt: string | null): string {
  if (!startedAt) return '—';
  const end = endedAt ? Date.parse(endedAt) : Date.now();
  const ms = end - Date.parse(startedAt);
  return Number.isFinite(ms) ? (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : duration(ms / 1000)) : '—';
}
