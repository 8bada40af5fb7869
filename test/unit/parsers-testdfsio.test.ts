import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTestDfsio } from '../../shared/parsers/testdfsio.js';
import { ToolParseError } from '../../shared/parsers/errors.js';

// Hadoop is not packaged here: every sample is a real public TestDFSIO_results.log (see the fixtures README).
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/tools/testdfsio/${name}`, import.meta.url), 'utf8');

test('testdfsio: a write result keeps the figures as TestDFSIO printed them', () => {
  assert.deepEqual(parseTestDfsio(fixture('public-write-ssm.txt')), { op: 'write', files: 100, totalMB: 10000, throughputMBps: 81.64, avgIORateMBps: 103.07 });
});

test('testdfsio: a read result', () => {
  assert.deepEqual(parseTestDfsio(fixture('public-read-android.txt')), { op: 'read', files: 2, totalMB: 1024, throughputMBps: 75.06, avgIORateMBps: 83.73 });
});

test('testdfsio: a results log with several runs gives the last one', () => {
  assert.deepEqual(parseTestDfsio(fixture('public-write-read-android.txt')), { op: 'read', files: 1, totalMB: 1024, throughputMBps: 134.61, avgIORateMBps: 134.61 });
  assert.deepEqual(parseTestDfsio(fixture('public-write-hadoop020-rabbitknow.txt')), { op: 'write', files: 1, totalMB: 1, throughputMBps: 11.363636363636363, avgIORateMBps: 11.363636016845703 });
});

test('testdfsio: Java number formats (full precision, E exponents in other fields) parse', () => {
  assert.deepEqual(parseTestDfsio(fixture('public-write-exponent-serranoble.txt')), { op: 'write', files: 1, totalMB: 1, throughputMBps: 5.376344086021505, avgIORateMBps: 5.376344203948975 });
});

test('testdfsio: the console log form, with log4j prefixes, reads the same', () => {
  const prefixed = fixture('public-write-ssm.txt')
    .split('\n')
    .map((l) => (l ? `19/06/24 15:37:05 INFO fs.TestDFSIO: ${l}` : l))
    .join('\n');
  assert.deepEqual(parseTestDfsio(prefixed), parseTestDfsio(fixture('public-write-ssm.txt')));
});

test('testdfsio: a truncated last block and foreign text are parse errors', () => {
  const text = fixture('public-write-read-android.txt');
  assert.throws(() => parseTestDfsio(text.slice(0, text.lastIndexOf('Throughput'))), (e: unknown) => e instanceof ToolParseError && /truncated/.test(e.reason));
  assert.throws(() => parseTestDfsio('java.io.IOException: Cannot create file\n'), (e: unknown) => e instanceof ToolParseError && /IOException/.test(e.reason));
  assert.throws(() => parseTestDfsio(text.replace(/: read/g, ': append')), (e: unknown) => e instanceof ToolParseError && /append/.test(e.reason));
});
