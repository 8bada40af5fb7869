import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { parseDd } from '../../shared/parsers/dd.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/dd/${name}`, import.meta.url), 'utf8');

/** bytes and seconds read off the statistics line by hand: "<bytes> bytes ... copied, <seconds> s, ...". */
function byHand(statLine: string): { bytes: number; seconds: number; MBps: number } {
  const bytes = Number(statLine.split(' ')[0]);
  const seconds = Number(statLine.split('copied, ')[1]?.split(' ')[0]);
  return { bytes, seconds, MBps: bytes / seconds / 1e6 };
}

const lastLine = (text: string, pattern: RegExp): string => text.split('\n').filter((l) => pattern.test(l)).at(-1) ?? '';

for (const name of ['gnu-write-fdatasync.txt', 'gnu-read-direct.txt', 'gnu-write-64k.txt', 'gnu-gigabytes.txt', 'gnu-tiny.txt']) {
  test(`dd: GNU coreutils 9.1 recorded here (${name}) gives bytes/seconds from its own line`, () => {
    const text = fixture(name);
    const expected = byHand(lastLine(text, / copied, /));
    const got = parseDd(text);
    assert.equal(got.bytes, expected.bytes);
    assert.equal(got.seconds, expected.seconds);
    assert.ok(Math.abs(got.MBps - expected.MBps) < 1e-9 * expected.MBps);
  });
}

test('dd: with status=progress only the summary after "records out" counts; progress alone is a parse error', () => {
  const text = fixture('gnu-status-progress.txt');
  assert.deepEqual(parseDd(text), byHand('3072000000 bytes (3.1 GB, 2.9 GiB) copied, 3.14281 s, 977 MB/s'));
  assert.throws(() => parseDd(text.slice(0, text.indexOf('records in'))), (e: unknown) => e instanceof ToolParseError && /interrupted/.test(e.reason));
});

test('dd: the 64 MiB fdatasync write is 67108864 bytes in 0.0447589 s = 1499.34 MB/s (10^6 bytes/s)', () => {
  const got = parseDd(fixture('gnu-write-fdatasync.txt'));
  assert.deepEqual({ bytes: got.bytes, seconds: got.seconds }, { bytes: 67108864, seconds: 0.0447589 });
  assert.equal(got.MBps.toFixed(2), '1499.34');
});

test('dd: busybox stats line (public sample, its MB is 2^20) uses bytes and seconds, not the rounded binary rate', () => {
  // "8388608 bytes (8.0MB) copied, 10.029590 seconds, 816.8KB/s": 816.8 KiB/s is 0.8364 MB/s
  const got = parseDd(fixture('public-busybox-nuvoton-pr883.txt'));
  assert.deepEqual({ bytes: got.bytes, seconds: got.seconds }, { bytes: 8388608, seconds: 10.02959 });
  assert.ok(Math.abs(got.MBps - (816.8 * 1024) / 1e6) < 0.001);
  const ppc = parseDd(fixture('public-busybox-lkml-ppc.txt'));
  assert.equal(ppc.bytes, 536870912);
  assert.ok(Math.abs(ppc.MBps - (91.7 * 1024 * 1024) / 1e6) < 0.2);
});

test('dd: busybox-static 1.35 from Debian prints no statistics line, which is a parse error that says why', () => {
  for (const name of ['busybox-write.txt', 'busybox-read-direct.txt', 'busybox-fast.txt', 'busybox-tiny.txt']) {
    assert.throws(() => parseDd(fixture(name)), (e: unknown) => e instanceof ToolParseError && /FEATURE_DD_THIRD_STATUS_LINE/.test(e.reason));
  }
});

test('dd: error reports of GNU, busybox and old coreutils are parse errors naming the problem', () => {
  assert.throws(() => parseDd(fixture('gnu-error-nofile.txt')), (e: unknown) => e instanceof ToolParseError && /failed to open '\/nonexistent'/.test(e.reason));
  assert.throws(() => parseDd(fixture('busybox-error-nofile.txt')), (e: unknown) => e instanceof ToolParseError && /can't open/.test(e.reason));
  // Old coreutils printed a full statistics line after "error writing": the copy still failed.
  assert.throws(() => parseDd(fixture('public-coreutils-old-enospc-nix-packer4.txt')), (e: unknown) => e instanceof ToolParseError && /No space left/.test(e.reason));
});

test('dd: truncated or foreign output is a parse error', () => {
  const text = fixture('gnu-write-fdatasync.txt');
  assert.throws(() => parseDd(text.slice(0, text.indexOf('0.0447') + 4)), ToolParseError);
  assert.throws(() => parseDd('hello world\n'), ToolParseError);
  assert.throws(() => parseDd(''), ToolParseError);
});

const ddMissing = spawnSync('dd', ['--version']).status === 0 ? undefined : 'GNU dd is not installed';
test('dd: a live GNU dd run here parses to the bytes it was told to copy', { skip: ddMissing }, () => {
  const out = '/tmp/iovlab-parsers-dd-test.bin';
  const run = spawnSync('dd', ['if=/dev/zero', `of=${out}`, 'bs=1M', 'count=16', 'conv=fdatasync'], { encoding: 'utf8' });
  rmSync(out, { force: true });
  assert.equal(run.status, 0, run.stderr);
  const got = parseDd(run.stderr);
  assert.equal(got.bytes, 16 * 1024 * 1024);
  assert.ok(got.seconds > 0 && got.MBps > 0);
});
