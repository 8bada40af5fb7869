// Turns the stdout of a running `iostat -dxk DEVICE INTERVAL` into samples as reports complete.
// A report is complete when the blank line after its rows arrives; only complete reports are
// parsed (with the shared parser, so units match `iovlab parse iostat`). The first report
// covers the time since boot and is dropped.
import { isToolParseError, parseIostatReports } from '../../../shared/parsers/index.js';
import type { IostatSample } from '../../../shared/bench/types.js';

const REPORT_END = /\n[ \t]*\n/;

export class IostatStream {
  private buffer = '';
  private seenFirst = false;
  /** Reports parsed (the since-boot one included). */
  reports = 0;
  /** The first problem met (unparsable report, device missing), for the step's context. */
  problem: string | null = null;

  constructor(private readonly device: string) {}

  /** Feed stdout text; returns the samples of the reports it completed. `t` is the sample time (s). */
  push(text: string, t: number): IostatSample[] {
    this.buffer += text;
    const samples: IostatSample[] = [];
    for (;;) {
      const m = REPORT_END.exec(this.buffer);
      if (!m) break;
      const block = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      if (!/(^|\n)\s*Device:?\s/.test(block)) continue; // the "Linux ..." banner
      const sample = this.report(block, t);
      if (sample) samples.push(sample);
    }
    return samples;
  }

  private report(block: string, t: number): IostatSample | null {
    let rows;
    try {
      rows = parseIostatReports(block)[0]?.devices ?? [];
    } catch (e) {
      if (!isToolParseError(e)) throw e;
      this.problem ??= `iostat report not understood: ${e.reason}`;
      return null;
    } finally {
      this.reports++;
    }
    if (!this.seenFirst) {
      this.seenFirst = true; // since boot: not a sample of this step
      return null;
    }
    const row = rows.find((d) => d.device === this.device);
    if (!row) {
      this.problem ??= `iostat reported no line for device ${this.device}`;
      return null;
    }
    return { t, device: row.device, rMBps: row.rMBps, wMBps: row.wMBps, avgRqSectors: row.avgRqSectors, avgQueue: row.avgQueue, utilPct: row.utilPct };
  }
}
