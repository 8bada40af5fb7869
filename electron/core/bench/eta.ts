// The time a run still needs, from what its steps really took: each remaining step is
// expected to last as long as the measured steps of the same workload (or, before one of
// those finished, the mean of all measured steps). Nothing measured yet: no guess.
import type { StepRecord } from '../../../shared/bench/types.js';

export class EtaClock {
  private readonly remaining = new Map<number, string>();
  private readonly byWorkload = new Map<string, number[]>();
  private readonly all: number[] = [];

  constructor(steps: readonly StepRecord[]) {
    for (const s of steps) if (s.status !== 'ok') this.remaining.set(s.index, s.workloadId);
  }

  record(step: StepRecord, ms: number): void {
    this.remaining.delete(step.index);
    if (step.status !== 'ok') return; // a failure's duration says nothing about the next try
    const list = this.byWorkload.get(step.workloadId) ?? [];
    list.push(ms);
    this.byWorkload.set(step.workloadId, list);
    this.all.push(ms);
  }

  /** Seconds left for the steps from `fromIndex` on that still have to run; null before any measurement. */
  remainingS(fromIndex: number): number | null {
    if (this.all.length === 0) return null;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const overall = mean(this.all);
    let ms = 0;
    for (const [index, workloadId] of this.remaining) {
      if (index < fromIndex) continue;
      const same = this.byWorkload.get(workloadId);
      ms += same && same.length > 0 ? mean(same) : overall;
    }
    return Math.round(ms / 1000);
  }
}
