// Property test: whatever string we quote, a real POSIX shell must hand it to printf unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/result.js';
import { shJoin, shQuote } from '../../electron/core/ssh/quote.js';
import { mulberry32 } from '../helpers/prng.js';

const SEED = Number(process.env.IOVLAB_FUZZ_SEED ?? Date.now() % 2 ** 31);
const COUNT = 3000;
const HOSTILE = ["'", '"', '$(', ')', '`', ';', '\n', '|', '&', '\\', '$', '!', '*', '?', '~', '#', '{', '}', "'\\''", '$((1+1))', '${IFS}', '>', '<', '\r', '\t', ' ', '--', '-n', '%s', '\\0'];
const EMOJI = ['\u{1F600}', '\u{1F9EA}', '\u00e9', '\u4e2d', '\u0301', '\u202e'];


function randomStrings(): string[] {
  const rnd = mulberry32(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const out = ['', "'", "''", "'\\''", '\\', '$(touch /tmp/iovlab-never)', '`id`', ' leading and trailing ', '\n'];
  // every byte value 1..255 on its own, then random mixtures
  for (let c = 1; c <= 255; c++) out.push(String.fromCharCode(c));
  while (out.length < COUNT) {
    let s = '';
    const len = Math.floor(rnd() * 40);
    for (let i = 0; i < len; i++) {
      const r = rnd();
      if (r < 0.55) s += String.fromCharCode(1 + Math.floor(rnd() * 255));
      else if (r < 0.85) s += pick(HOSTILE);
      else if (r < 0.95) s += pick(EMOJI);
      else s += String.fromCodePoint(0x100 + Math.floor(rnd() * 0xd700)); // BMP, below the surrogates
    }
    out.push(s);
  }
  return out;
}

/** Run many `printf %s <quoted>` in one shell, NUL-separated (NUL is the one byte no value can hold). */
function roundTrip(shell: string[], values: string[]): string[] {
  const results: string[] = [];
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const script = batch.map((v) => `printf %s ${shQuote(v)}; printf '\\000'`).join('\n');
    const out = execFileSync(shell[0] ?? '/bin/sh', [...shell.slice(1), '-c', script], { maxBuffer: 1 << 26 }).toString('utf8');
    const parts = out.split('\0');
    assert.equal(parts.pop(), '', 'output ends with the last separator');
    results.push(...parts);
    batch = [];
    size = 0;
  };
  for (const v of values) {
    batch.push(v);
    size += v.length * 4 + 40;
    if (size > 60_000) flush();
  }
  flush();
  return results;
}

const SHELLS: Array<{ name: string; argv: string[]; skip: string | false }> = [
  { name: '/bin/sh', argv: ['/bin/sh'], skip: existsSync('/bin/sh') ? false : '/bin/sh missing' },
  { name: 'bash', argv: ['bash'], skip: existsSync('/bin/bash') || existsSync('/usr/bin/bash') ? false : 'bash not installed' },
  { name: 'busybox sh', argv: ['busybox', 'sh'], skip: existsSync('/bin/busybox') || existsSync('/usr/bin/busybox') ? false : 'busybox not installed (apt-get install busybox)' },
];

const values = randomStrings();
for (const sh of SHELLS) {
  test(`${COUNT} random hostile strings round-trip through ${sh.name} -c "printf %s <shQuote(s)>" (seed ${SEED})`, { skip: sh.skip }, () => {
    const got = roundTrip(sh.argv, values);
    assert.equal(got.length, values.length);
    for (const [i, v] of values.entries()) assert.equal(got[i], v, `value #${i} ${JSON.stringify(v)} (seed ${SEED})`);
  });
}

test('nested quoting survives two shell levels: sh -c <shQuote("printf %s " + shQuote(s))> (seed ' + SEED + ')', () => {
  for (const v of values.slice(0, 150)) {
    const inner = `printf %s ${shQuote(v)}`;
    const out = execFileSync('/bin/sh', ['-c', `sh -c ${shQuote(inner)}`]).toString('utf8');
    assert.equal(out, v, JSON.stringify(v));
  }
});

test('shQuote: empty string is two quotes, a quote becomes close-escape-reopen', () => {
  assert.equal(shQuote(''), "''");
  assert.equal(shQuote("it's"), "'it'\\''s'");
  assert.equal(shJoin(['printf', '%s\n', 'a b', '']), "'printf' '%s\n' 'a b' ''");
});

test('shQuote refuses a NUL byte with INVALID_ARGUMENT', () => {
  assert.throws(() => shQuote('a\0b'), (e: unknown) => e instanceof AppError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => shJoin(['ok', '\0']), (e: unknown) => e instanceof AppError && e.code === 'INVALID_ARGUMENT');
});
