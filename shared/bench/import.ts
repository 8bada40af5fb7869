// A hand-run tool output turned into what a stored step holds (`iovlab import`, run.import):
// the parser's result, the metric, and for iostat the per-report samples. Pure, so the API
// handler only stores what this returns.
import { PARSERS, parseIostatReports, type IostatReport, type ToolName } from '../parsers/index.js';
import { metricOf } from './metric.js';
import { DEFAULT_CONFIG_NAME } from './plan.js';
import type { IostatSample, PlannedStep, StepMetric } from './types.js';

export interface ImportedOutput {
  step: PlannedStep & { tool: ToolName };
  parsed: unknown;
  metric: StepMetric | null;
  samples: IostatSample[];
}

/**
 * Parses `text` as `tool` output (throws ToolParseError, code PARSE_ERROR, when unusable).
 * The step is placed by tags: `config` names its configuration (default "as-is"), `workload`
 * and `target` its workload and target; without a workload tag the label is the workload, as
 * it is what the user said the output measures ("virtio write").
 */
export function importOutput(tool: ToolName, text: string, label: string, tags: Record<string, string>): ImportedOutput {
  const parsed = PARSERS[tool](text);
  const step = {
    index: 0,
    configName: tags.config ?? DEFAULT_CONFIG_NAME,
    workloadId: tags.workload ?? label,
    targetName: tags.target ?? null,
    repeat: 1,
    tool,
  };
  return { step, parsed, metric: metricOf(tool, parsed), samples: tool === 'iostat' ? iostatSamples(parseIostatReports(text)) : [] };
}

/**
 * Every device row of every report but the first, which covers the time since boot (the
 * same reports `iovlab parse iostat` averages). `t` counts seconds from the first kept report
 * when every report is timestamped (iostat -t, JSON), else the report number: iostat does not
 * print its interval.
 */
export function iostatSamples(reports: readonly IostatReport[]): IostatSample[] {
  const kept = reports.length > 1 ? reports.slice(1) : reports;
  const times = kept.map((r) => (r.timestamp === undefined ? NaN : Date.parse(r.timestamp)));
  const timed = times.every((ms, i) => Number.isFinite(ms) && (i === 0 || ms > (times[i - 1] as number)));
  const first = times[0] ?? 0;
  return kept.flatMap((report, i) => {
    const t = timed ? ((times[i] as number) - first) / 1000 : i;
    return report.devices.map((d) => ({ t, device: d.device, rMBps: d.rMBps, wMBps: d.wMBps, avgRqSectors: d.avgRqSectors, avgQueue: d.avgQueue, utilPct: d.utilPct }));
  });
}
