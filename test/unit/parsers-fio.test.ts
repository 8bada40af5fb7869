import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { parseFio } from '../../shared/parsers/fio.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/fio/${name}`, import.meta.url), 'utf8');

interface FioJsonJob { jobname: string; read: { bw_bytes: number; iops: number }; write: { bw_bytes: number; iops: number } }
/** The figures straight from fio's JSON: bw_bytes / 1e6 and iops. */
function fromFioJson(text: string): object[] {
  const doc = JSON.parse(text.slice(text.indexOf('{'))) as { jobs: FioJsonJob[] };
  return doc.jobs.map((j) => ({ name: j.jobname, readMBps: j.read.bw_bytes / 1e6, writeMBps: j.write.bw_bytes / 1e6, readIops: j.read.iops, writeIops: j.write.iops }));
}

for (const name of ['write-psync-read-libaio.json.txt', 'write-psync-read-libaio.json+.txt', 'randrw-libaio.json.txt']) {
  test(`fio: JSON output recorded with fio 3.33 (${name}) gives bw_bytes/1e6 and iops per job`, () => {
    const text = fixture(name);
    assert.deepEqual(parseFio(text).jobs, fromFioJson(text));
  });
}

test('fio: the psync write job writes and the libaio read job reads', () => {
  const [w, r] = parseFio(fixture('write-psync-read-libaio.json.txt')).jobs;
  assert.equal(w?.name, 'seqwrite');
  assert.equal(w?.readMBps, 0);
  assert.ok((w?.writeMBps ?? 0) > 0);
  assert.equal(r?.name, 'seqread');
  assert.equal(r?.writeIops, 0);
  assert.ok((r?.readIops ?? 0) > 0);
});

test('fio: terse v3 gives KiB/s bandwidth × 1024 / 1e6 and iops from the fields of its job line', () => {
  // seqwrite: write bw 720175 KiB/s, 11252 IOPS; seqread: read bw 1074360 KiB/s, 16786 IOPS (read off the fixture)
  const jobs = parseFio(fixture('write-psync-read-libaio.terse.txt')).jobs;
  assert.deepEqual(jobs, [
    { name: 'seqwrite', readMBps: 0, writeMBps: (720175 * 1024) / 1e6, readIops: 0, writeIops: 11252 },
    { name: 'seqread', readMBps: (1074360 * 1024) / 1e6, writeMBps: 0, readIops: 16786, writeIops: 0 },
  ]);
});

test('fio: terse v2, v4 and v5 put the write section where the HOWTO says', () => {
  for (const v of ['2', '4', '5']) {
    const line = fixture(`randrw-libaio.terse-v${v}.txt`).split('\n').find((l) => l.startsWith(`${v};`)) ?? '';
    const f = line.split(';');
    const readAt = v === '2' ? 4 : 5;
    // 64 MiB of 70/30 randrw: read 45248 KiB, so the write section's first field is 65536 - 45248 = 20288 KiB.
    const writeAt = f.indexOf('20288');
    const job = parseFio(line).jobs[0];
    assert.equal(job?.readMBps, (Number(f[readAt + 1]) * 1024) / 1e6, `v${v} read`);
    assert.equal(job?.writeIops, Number(f[writeAt + 2]), `v${v} write`);
    assert.ok((job?.writeMBps ?? 0) > 0);
  }
});

test('fio: normal (human) output uses the SI figure and expands IOPS suffixes', () => {
  // "write: IOPS=13.5k, BW=842MiB/s (883MB/s)" and "read: IOPS=12.8k, BW=800MiB/s (839MB/s)"
  assert.deepEqual(parseFio(fixture('write-psync-read-libaio.normal.txt')).jobs, [
    { name: 'seqwrite', readMBps: 0, writeMBps: 883, readIops: 0, writeIops: 13500 },
    { name: 'seqread', readMBps: 839, writeMBps: 0, readIops: 12800, writeIops: 0 },
  ]);
  // "read: IOPS=14.1k, BW=884MiB/s (927MB/s)" / "write: IOPS=6340, BW=396MiB/s (415MB/s)"
  assert.deepEqual(parseFio(fixture('randrw-libaio.normal.txt')).jobs, [{ name: 'randrw', readMBps: 927, writeMBps: 415, readIops: 14100, writeIops: 6340 }]);
});

test('fio: a job that hit an I/O error is a parse error in every format', () => {
  for (const name of ['error-enospc.json.txt', 'error-enospc.terse.txt', 'error-enospc.normal.txt']) {
    assert.throws(() => parseFio(fixture(name)), (e: unknown) => e instanceof ToolParseError && /error|err=28/.test(e.reason), name);
  }
  assert.throws(() => parseFio(fixture('error-engine.json.txt')), (e: unknown) => e instanceof ToolParseError && /nosuchengine not loadable/.test(e.reason));
});

test('fio: truncated JSON is a parse error', () => {
  const text = fixture('randrw-libaio.json.txt');
  assert.throws(() => parseFio(text.slice(0, text.length / 2)), ToolParseError);
});

const fioMissing = spawnSync('fio', ['--version']).status === 0 ? undefined : 'fio is not installed';
test('fio: a live 8 MiB psync write here parses to what fio itself reports', { skip: fioMissing }, () => {
  const file = '/tmp/iovlab-parsers-fio-test.bin';
  const run = spawnSync('fio', ['--name=live', '--rw=write', '--ioengine=psync', '--bs=64k', '--size=8m', `--filename=${file}`, '--output-format=json'], { encoding: 'utf8' });
  rmSync(file, { force: true });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(parseFio(run.stdout).jobs, fromFioJson(run.stdout));
});
