// The benchmark-output parsers by tool name: what `iovlab parse <tool>` and the benchmark
// engine call. Each one is pure and throws ToolParseError for output it cannot use.
import { parseDd } from './dd.js';
import { parseFio } from './fio.js';
import { parseIostat } from './iostat.js';
import { parseIperf3 } from './iperf3.js';
import { parseNetperf } from './netperf.js';
import { parseTestDfsio } from './testdfsio.js';
import type { DdResult, FioResult, IostatResult, Iperf3Result, NetperfResult, TestDfsioResult } from './types.js';

export const TOOLS = ['dd', 'fio', 'iperf3', 'netperf', 'iostat', 'testdfsio'] as const;
export type ToolName = (typeof TOOLS)[number];

export interface ToolResults {
  dd: DdResult;
  fio: FioResult;
  iperf3: Iperf3Result;
  netperf: NetperfResult;
  iostat: IostatResult;
  testdfsio: TestDfsioResult;
}

export const PARSERS: { [T in ToolName]: (text: string) => ToolResults[T] } = {
  dd: parseDd,
  fio: parseFio,
  iperf3: parseIperf3,
  netperf: parseNetperf,
  iostat: parseIostat,
  testdfsio: parseTestDfsio,
};

export function isToolName(name: string): name is ToolName {
  return (TOOLS as readonly string[]).includes(name);
}

export { ToolParseError, isToolParseError } from './errors.js';
export { parseDd } from './dd.js';
export { parseFio } from './fio.js';
export { parseIostat, parseIostatReports } from './iostat.js';
export { parseIperf3 } from './iperf3.js';
export { parseNetperf } from './netperf.js';
export { parseTestDfsio } from './testdfsio.js';
export type * from './types.js';
