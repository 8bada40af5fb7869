// dd's transfer statistics line, from GNU coreutils (any version), busybox and BSD dd.
//   GNU ≥ 8.24: "67108864 bytes (67 MB, 64 MiB) copied, 0.0447589 s, 1.5 GB/s"
//   GNU older:  "4194304 bytes (4.2 MB) copied, 1.54395 s, 2.7 MB/s" (5.x said "seconds")
//   GNU tiny:   "10 bytes copied, 3.8728e-05 s, 258 kB/s"
//   busybox:    "8388608 bytes (8.0MB) copied, 10.029590 seconds, 816.8KB/s"
//   BSD:        "67108864 bytes transferred in 0.044759 secs (1499352 bytes/sec)"
// GNU's kB/MB/GB are powers of 1000 while busybox's KB/MB/GB are powers of 1024, so the
// rate column is never used as a figure: bytes and seconds are printed exactly by every
// dialect and MBps = bytes / seconds / 1e6. The rate is only checked for its shape, which
// catches a line cut off in the middle.
import { failer } from './errors.js';
import { checkFigures, clip, linesOf, readNumber } from './text.js';
import type { DdResult } from './types.js';

const fail: (reason: string) => never = failer('dd');

const COPIED = /(\d+) bytes?(?: \(([^)]*)\))? copied, (\S+) (?:s|sec|secs|seconds), (\S+ ?\S*\/s)\s*$/;
const TRANSFERRED = /(\d+) bytes transferred in (\S+) secs \((\d+) bytes\/sec\)\s*$/;
// SI units for GNU ("kB", "MB", "GB", "B"), binary for busybox ("KB", "MB", "GB"); "Infinity B/s" is GNU's zero-time case.
const RATE = /^(\d+(?:[.,]\d+)?(?:e[+-]?\d+)? ?(?:[kKMGTPE]i?)?B\/s|Infinity B\/s)$/;
// "dd: failed to open", "dd: error writing", busybox "dd: can't open"; "dd: warning: partial read" is advice, not failure.
const COMPLAINT = /(?:^|[\s:])dd: (?!warning)(.+)$/;
const MAX_LINE = 400;
const RECORDS_OUT = /\d+\+\d+ records out/;

export function parseDd(text: string): DdResult {
  const lines = linesOf(text);
  for (const line of lines) {
    const m = COMPLAINT.exec(line);
    if (m) fail(`reported an error: ${clip(m[1] ?? '')}`);
  }
  let found: { bytes: number; seconds: number } | undefined;
  // Only the line after "records out" is the final figure: status=progress lines before it
  // have the same shape, and a dd killed mid-copy leaves only those.
  let finished = false;
  let progressOnly = false;
  for (const line of lines) {
    if (line.length > MAX_LINE) continue; // a statistics line is short; this keeps the regexes linear
    if (RECORDS_OUT.test(line)) finished = true;
    if (!finished) {
      progressOnly ||= COPIED.test(line);
      continue;
    }
    const gnu = COPIED.exec(line);
    if (gnu) {
      if (!RATE.test(gnu[4] ?? '')) fail(`statistics line ends in an unknown rate "${clip(gnu[4] ?? '')}": ${clip(line.trim())}`);
      found = { bytes: readBytes(gnu[1], line), seconds: readSeconds(gnu[3], line) };
      continue;
    }
    const bsd = TRANSFERRED.exec(line);
    if (bsd) found = { bytes: readBytes(bsd[1], line), seconds: readSeconds(bsd[2], line) };
  }
  if (!found) {
    if (finished) fail('no transfer statistics line after "records out" (status=noxfer, or a busybox built without FEATURE_DD_THIRD_STATUS_LINE)');
    fail(progressOnly ? 'only progress lines, no final "records out" summary: dd was interrupted or the output is cut off' : 'no "records out" and no transfer statistics: this is not dd output');
  }
  if (found.seconds <= 0) fail('elapsed time is 0 s, so the rate is undefined; copy more data');
  const result: DdResult = { bytes: found.bytes, seconds: found.seconds, MBps: found.bytes / found.seconds / 1e6 };
  checkFigures('dd', result);
  return result;
}

function readBytes(token: string | undefined, line: string): number {
  const n = readNumber(token);
  if (n === undefined || !Number.isSafeInteger(n)) fail(`byte count "${token ?? ''}" is not a whole number: ${clip(line.trim())}`);
  return n;
}

function readSeconds(token: string | undefined, line: string): number {
  const n = readNumber(token);
  if (n === undefined) fail(`elapsed time "${token ?? ''}" is not a number: ${clip(line.trim())}`);
  return n;
}
