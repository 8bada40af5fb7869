import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CITATION, DATASET_SHA256, DATASET_VERSION, PAPER_FACTS, PAPER_ROWS, TABLE_1_WRITE, TABLE_2_READ, TABLE_CAPTIONS,
  canonicalSerialization, computeDatasetSha256, paperFact, paperRow,
} from '../../shared/reference/shafer2010.js';
import type { PaperRow } from '../../shared/reference/shafer2010.js';
import { sha256Hex } from '../../shared/reference/sha256.js';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const paperPath = path.resolve(repoRoot, '..', 'shared', 'paper', 'shafer-2010-io-virtualization-bottlenecks.txt');
const paperSkip = existsSync(paperPath) ? false : `paper text not found at ${paperPath} (the shared/ folder beside the checkout is missing)`;
const paperText = paperSkip ? '' : readFileSync(paperPath, 'utf8');
const nodeSha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

test('dataset has 19 write rows and 19 read rows with unique ids in table order', () => {
  assert.equal(TABLE_1_WRITE.length, 19);
  assert.equal(TABLE_2_READ.length, 19);
  assert.equal(new Set(PAPER_ROWS.map((r) => r.id)).size, 38);
  for (const [table, rows] of [[1, TABLE_1_WRITE], [2, TABLE_2_READ]] as const) {
    rows.forEach((r, i) => {
      assert.equal(r.table, table);
      assert.equal(r.position, i + 1);
      assert.equal(r.workload, table === 1 ? 'write' : 'read');
    });
  }
  assert.equal(paperRow('write:kvm:local-file:scsi-sparse-file').bandwidthMBps, 1.3);
  assert.throws(() => paperRow('write:kvm:floppy'), { code: 'NOT_FOUND' });
});

test('the pure sha256 agrees with node:crypto, including block-boundary and non-ASCII inputs', () => {
  for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'a'.repeat(1000), 'Ünïcode — ✓ 😀']) {
    assert.equal(sha256Hex(s), nodeSha(s), `input of length ${s.length}`);
  }
});

test(`dataset checksum is pinned (v${DATASET_VERSION}): edit a value => bump DATASET_VERSION and re-pin DATASET_SHA256`, () => {
  const canonical = canonicalSerialization();
  assert.equal(canonical.split('\n').length, PAPER_ROWS.length + PAPER_FACTS.length);
  assert.equal(nodeSha(canonical), DATASET_SHA256);
  assert.equal(computeDatasetSha256(), DATASET_SHA256);
});

test('citation carries only what the paper text prints (no venue or year in the text)', { skip: paperSkip }, () => {
  for (const s of [CITATION.title, CITATION.authors[0]!, 'Rice University', 'Houston, TX', CITATION.email, CITATION.classification]) {
    assert.ok(paperText.includes(s), `'${s}' not in the paper text`);
  }
  assert.equal(CITATION.venue, null);
  assert.equal(CITATION.year, null);
  assert.ok(!/WIOV|Workshop/i.test(paperText), 'the text now names a venue: fill CITATION.venue from it');
});

// ---- independent cross-check: parse both tables out of the paper text and compare every cell ----

const HEADER = ['VMM', 'Target', 'Driver', 'Bandwidth', 'Avgrq-sz', 'Avgqu-sz', '% Util'];
const BUS: Record<string, string> = { 'N/A': 'n/a', Proprietary: 'proprietary', SCSI: 'scsi', Virtio: 'virtio', XVD: 'xvd' };
const ATTACH: Record<string, string> = { phy: 'phy', tap: 'tap', 'sparse file': 'sparse-file', 'pre-alloc file': 'prealloc-file' };

function parsePaperTables(text: string): Map<number, { caption: string; cells: string[][] }> {
  const lines = text.split(/\r?\n/);
  const tables = new Map<number, { caption: string; cells: string[][] }>();
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('VMM\t')) continue;
    assert.deepEqual(lines[i]!.split('\t'), HEADER, `table header at line ${i + 1}`);
    const cells: string[][] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j]!.includes('\t'); j++) cells.push(lines[j]!.split('\t'));
    while (j < lines.length && lines[j]!.trim() === '') j++;
    const m = /^Table (\d+):/.exec(lines[j] ?? '');
    assert.ok(m, `no "Table N:" caption after the table at line ${i + 1}`);
    tables.set(Number(m[1]), { caption: lines[j]!, cells });
  }
  return tables;
}

function assertRowMatchesCells(row: PaperRow, cells: string[]): void {
  const where = `Table ${row.table} row ${row.position} (${row.id})`;
  assert.equal(cells.length, 7, where);
  const [vmm, target, driver, bw, ...host] = cells as [string, string, string, string, string, string, string];
  assert.equal(vmm, row.vmm, where);
  assert.equal(target, row.target + (row.eucalyptusDefault ? '(*)' : ''), where);
  assert.equal(driver, row.driver ?? 'N/A', where);
  const [busText, attachText] = driver === 'N/A' ? ['N/A'] : driver.split('/');
  assert.equal(BUS[busText!], row.bus, `${where}: bus`);
  assert.equal(attachText === undefined ? 'n/a' : ATTACH[attachText], row.attach, `${where}: attach`);
  assert.equal(Number(bw), row.bandwidthMBps, `${where}: bandwidth`);
  const values = [row.avgRqSectors, row.avgQueue, row.utilPct];
  host.forEach((c, k) => {
    if (c === 'N/A' || c === '-') {
      assert.equal(values[k], null, `${where}: ${HEADER[k + 4]}`);
      assert.equal(row.hostMetricsAbsent, c, `${where}: absent mark`);
    } else {
      assert.equal(c.endsWith('%'), k === 2, `${where}: only %util carries a % sign`);
      assert.equal(Number(c.replace(/%$/, '')), values[k], `${where}: ${HEADER[k + 4]}`);
    }
  });
  if (row.hostMetricsAbsent === null) assert.ok(values.every((v) => v !== null), where);
}

test('every cell of Tables 1 and 2 matches the paper text (parsed independently at test time)', { skip: paperSkip }, () => {
  const tables = parsePaperTables(paperText);
  assert.deepEqual([...tables.keys()].sort(), [1, 2]);
  for (const [n, rows] of [[1, TABLE_1_WRITE], [2, TABLE_2_READ]] as const) {
    const parsed = tables.get(n)!;
    assert.equal(parsed.caption, TABLE_CAPTIONS[n]);
    assert.equal(parsed.cells.length, rows.length, `Table ${n} row count`);
    rows.forEach((row, i) => assertRowMatchesCells(row, parsed.cells[i]!));
  }
});

// ---- the text facts: each quote is in its section, and its number is in its quote ----

const HEADINGS = ['ABSTRACT', 'Categories and Subject Descriptors', '1. INTRODUCTION', '2. EUCALYPTUS', '3. PERFORMANCE EVALUATION',
  '3.1 Experimental System', '3.2 Test Applications', '3.3 Storage Performance', '3.4 Network Performance', '4. CONCLUSIONS', '5. REFERENCES'];

/** Section bodies as running text: tables, captions and blank lines dropped; words split at a page break re-joined. */
function sectionsOf(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current = '(front matter)';
  let body = '';
  const flush = () => sections.set(current, body.replace(/\s+/g, ' ').trim());
  for (const line of text.split(/\r?\n/)) {
    if (HEADINGS.includes(line.trim())) {
      flush();
      current = line.trim();
      body = '';
    } else if (line.trim() !== '' && !line.includes('\t') && !/^(Table|Figure) \d+:/.test(line)) {
      body = /[a-z]-$/.test(body) ? body.slice(0, -1) + line.trim() : `${body} ${line.trim()}`;
    }
  }
  flush();
  return sections;
}

test('every text fact quotes its sentence verbatim from the section it names', { skip: paperSkip }, () => {
  const sections = sectionsOf(paperText);
  assert.equal(sections.size, HEADINGS.length + 1, 'all headings found');
  for (const f of PAPER_FACTS) {
    const body = sections.get(f.source.section);
    assert.ok(body !== undefined, `${f.id}: no section '${f.source.section}'`);
    assert.ok(body.includes(f.source.quote), `${f.id}: quote not found in '${f.source.section}'`);
  }
});

test('every text fact: its number appears in its quote and its rows exist', () => {
  assert.equal(new Set(PAPER_FACTS.map((f) => f.id)).size, PAPER_FACTS.length);
  for (const f of PAPER_FACTS) {
    const numbers = new Set((f.source.quote.match(/\d+(?:\.\d+)?/g) ?? []).map(Number));
    for (const v of typeof f.value === 'number' ? [f.value] : f.value) assert.ok(numbers.has(Math.abs(v)), `${f.id}: ${v} not in quote`);
    for (const id of f.rows ?? []) assert.doesNotThrow(() => paperRow(id), `${f.id}: row ${id}`);
  }
});

const pctChange = (a: string, b: string) => (100 * (paperRow(a).bandwidthMBps - paperRow(b).bandwidthMBps)) / paperRow(b).bandwidthMBps;
const pctOf = (a: string, b: string) => (100 * paperRow(a).bandwidthMBps) / paperRow(b).bandwidthMBps;

test('where text and tables agree, the dataset agrees with itself (within the text\'s rounding)', () => {
  const near = (factId: string, computed: number) => assert.ok(Math.abs(computed - (paperFact(factId).value as number)) < 1, `${factId}: ${computed}`);
  near('fig2.local-write-change', pctChange('write:kvm:local-file:scsi-sparse-file', 'write:none:local-disk'));
  near('fig2.ebs-write-change', pctChange('write:kvm:ebs:scsi-phy', 'write:none:local-disk'));
  near('fig2.ebs-read-change', pctChange('read:kvm:ebs:scsi-phy', 'read:none:local-disk'));
  near('kvm.read-best-of-native', pctOf('read:kvm:local-disk:virtio-phy', 'read:none:local-disk'));
  near('abstract.storage-read-of-native', pctOf('read:xen:local-file:scsi-prealloc-file', 'read:none:local-disk'));
  assert.equal(paperRow('write:kvm:local-disk:virtio-phy').avgQueue, paperFact('virtio.write-queue').value);
  assert.equal(paperRow('write:kvm:local-disk:virtio-phy').avgRqSectors! / 2, paperFact('virtio.write-request-kB').value);
});

test('where text and tables disagree, the fact says so in a note (so nobody "fixes" one to match)', () => {
  const mismatches: [string, number][] = [
    ['sparse.write-request-sectors', paperRow('write:kvm:local-file:scsi-sparse-file').avgRqSectors!],
    ['fig2.local-read-change', pctChange('read:kvm:local-file:scsi-sparse-file', 'read:none:local-disk')],
    ['abstract.storage-write-of-native', pctOf('write:xen:local-file:scsi-prealloc-file', 'write:none:local-disk')],
  ];
  for (const [id, computed] of mismatches) {
    assert.ok(Math.abs(computed - (paperFact(id).value as number)) >= 1, `${id} now agrees (${computed}); drop its note`);
    assert.match(paperFact(id).note ?? '', /Table/, `${id} needs a note naming the table`);
  }
});
