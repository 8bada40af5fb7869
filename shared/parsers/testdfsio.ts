// Hadoop TestDFSIO's result block, from its TestDFSIO_results.log or from the job's console
// log (where each line carries a "yy/MM/dd HH:mm:ss INFO fs.TestDFSIO: " prefix):
//   ----- TestDFSIO ----- : write
//              Date & time: Mon Jun 24 15:37:05 CST 2019
//          Number of files: 100
//   Total MBytes processed: 10000
//        Throughput mb/sec: 81.64
//   Average IO rate mb/sec: 103.07
//    IO rate std deviation: 52.28
//       Test exec time sec: 346.93
// The figures stay in TestDFSIO's own units: its "MB" is 2^20 bytes.
import { failer } from './errors.js';
import { checkFigures, clip, linesOf, readNumber } from './text.js';
import type { TestDfsioResult } from './types.js';

const fail: (reason: string) => never = failer('testdfsio');

const BLOCK_START = /----- TestDFSIO ----- : (.*)$/;
const FIELDS = {
  files: /Number of files: *(\S*)/,
  totalMB: /Total MBytes processed: *(\S*)/,
  throughputMBps: /Throughput mb\/sec: *(\S*)/i,
  avgIORateMBps: /Average IO rate mb\/sec: *(\S*)/i,
} as const;
type Field = keyof typeof FIELDS;

export function parseTestDfsio(text: string): TestDfsioResult {
  const lines = linesOf(text);
  // A results log gathers every run; the last block is the latest one.
  const start = lines.findLastIndex((l) => BLOCK_START.test(l));
  if (start < 0) {
    const problem = lines.find((l) => /Exception|\bERROR\b/.test(l));
    fail(problem ? `no result block; the run failed: ${clip(problem.trim())}` : 'no "----- TestDFSIO ----- : <op>" result block');
  }
  const op = (BLOCK_START.exec(lines[start] ?? '')?.[1] ?? '').trim();
  if (op !== 'write' && op !== 'read') fail(`"${clip(op, 30)}" results are not supported (only write and read)`);
  const found: Partial<Record<Field, number>> = {};
  for (const line of lines.slice(start + 1, start + 9)) {
    for (const key of Object.keys(FIELDS) as Field[]) {
      const m = FIELDS[key].exec(line);
      if (!m || found[key] !== undefined) continue;
      const v = readNumber(m[1]);
      if (v === undefined) fail(`"${clip(line.trim(), 80)}" does not end in a number (Infinity or NaN means a zero run time)`);
      found[key] = v;
    }
  }
  const missing = (Object.keys(FIELDS) as Field[]).filter((k) => found[k] === undefined);
  if (missing.length > 0) fail(`the last result block lacks ${missing.join(', ')} (output truncated?)`);
  const result: TestDfsioResult = {
    op,
    files: found.files ?? 0,
    totalMB: found.totalMB ?? 0,
    throughputMBps: found.throughputMBps ?? 0,
    avgIORateMBps: found.avgIORateMBps ?? 0,
  };
  checkFigures('testdfsio', result);
  return result;
}
