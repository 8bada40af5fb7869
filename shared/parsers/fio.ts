// fio results from --output-format=json, json+, terse (v2..v5) and normal (fio 2 and 3).
// JSON carries exact bytes/s (bw_bytes), so it is the format to prefer; terse gives KiB/s
// and normal output rounded figures.
import { failer } from './errors.js';
import { parseFioNormal, parseFioTerse } from './fio-text.js';
import { checkFigures, clip, isRecord, jsonNumber, linesOf, tryJson } from './text.js';
import type { FioJob, FioResult } from './types.js';

const fail: (reason: string) => never = failer('fio');

export function parseFio(text: string): FioResult {
  const lines = linesOf(text);
  const complaint = lines.find((l) => l.startsWith('fio: '))?.trim();
  let jobs: FioJob[];
  if (lines.some((l) => l.startsWith('{'))) jobs = fromJson(lines, complaint);
  else if (lines.some((l) => /^\d+;/.test(l))) jobs = parseFioTerse(lines, fail);
  else if (lines.some((l) => /\(groupid=\d+, jobs=\d+\): err=/.test(l))) jobs = parseFioNormal(lines, fail);
  else fail(complaint ? `reported an error: ${clip(complaint.replace(/^fio: /, ''))}` : 'no JSON, terse or normal fio output found');
  if (jobs.length === 0) fail(complaint ? `no job results; fio said: ${clip(complaint)}` : 'no job results in the output');
  const result: FioResult = { jobs };
  checkFigures('fio', result);
  return result;
}

function fromJson(lines: string[], complaint: string | undefined): FioJob[] {
  // fio may print warnings or job descriptions before the object; the object's closing brace is the first "}" in column 0.
  const start = lines.findIndex((l) => l.startsWith('{'));
  const end = lines.findIndex((l, i) => i >= start && l.trimEnd() === '}');
  if (end < 0) fail('the JSON output is cut off (no closing brace)');
  const doc = tryJson(lines.slice(start, end + 1).join('\n'));
  if (!isRecord(doc)) fail('the JSON output is not valid JSON (truncated or mixed with other output?)');
  const list = Array.isArray(doc.jobs) ? doc.jobs : Array.isArray(doc.client_stats) ? doc.client_stats : undefined;
  if (!list) fail('the JSON has no "jobs" array');
  const jobs: FioJob[] = [];
  for (const raw of list) {
    if (!isRecord(raw)) fail('a job entry in "jobs" is not an object');
    const name = typeof raw.jobname === 'string' ? raw.jobname : undefined;
    if (name === undefined) fail('a job has no "jobname"');
    if (name === 'All clients') continue; // client/server mode's aggregate repeats the per-client figures
    const error = raw.error;
    if (error !== undefined && error !== 0) {
      fail(`job "${clip(name, 60)}" failed with error ${String(error)}${complaint ? ` (${clip(complaint, 100)})` : ''}`);
    }
    const read = direction(raw.read, name, 'read');
    const write = direction(raw.write, name, 'write');
    jobs.push({ name, readMBps: read.MBps, writeMBps: write.MBps, readIops: read.iops, writeIops: write.iops });
  }
  return jobs;
}

function direction(v: unknown, job: string, dir: string): { MBps: number; iops: number } {
  if (!isRecord(v)) fail(`job "${clip(job, 60)}" has no "${dir}" section`);
  // fio ≥ 3 has bw_bytes; fio 2 only "bw", in KiB/s.
  const kib = jsonNumber(v.bw);
  const bytes = jsonNumber(v.bw_bytes) ?? (kib === undefined ? undefined : kib * 1024);
  const iops = jsonNumber(v.iops);
  if (bytes === undefined || iops === undefined) fail(`job "${clip(job, 60)}" ${dir} section lacks a valid bw_bytes/bw or iops`);
  return { MBps: bytes / 1e6, iops };
}
