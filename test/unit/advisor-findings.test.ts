import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINDINGS } from '../../shared/advisor/findings.js';
import type { Finding, FindingId } from '../../shared/advisor/findings.js';
import { advisorInputFromPaperRow } from '../../shared/advisor/from-paper.js';
import { advise } from '../../shared/advisor/rules.js';
import { RULE_IDS } from '../../shared/advisor/types.js';
import { PAPER_ROWS, isParavirtual, nativeRow, paperFact, paperRow } from '../../shared/reference/shafer2010.js';

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const paperPath = path.resolve(repoRoot, '..', 'shared', 'paper', 'shafer-2010-io-virtualization-bottlenecks.txt');
const paperSkip = existsSync(paperPath) ? false : `paper text not found at ${paperPath} (the shared/ folder beside the checkout is missing)`;

const finding = (id: FindingId): Finding => FINDINGS.find((f) => f.id === id)!;
const rowsOf = (id: FindingId) => finding(id).evidenceRows.map(paperRow);
const shareOfNative = (rowId: string) => {
  const row = paperRow(rowId);
  return row.bandwidthMBps / nativeRow(row.workload, row.target === 'EBS' ? 'ebs' : 'local').bandwidthMBps;
};

test('F1..F5 are defined once each, and all their evidence ids and rules exist', () => {
  assert.deepEqual(FINDINGS.map((f) => f.id), ['F1', 'F2', 'F3', 'F4', 'F5']);
  for (const f of FINDINGS) {
    assert.ok(f.evidenceRows.length + f.evidenceFacts.length > 0, `${f.id} has evidence`);
    for (const id of f.evidenceRows) assert.doesNotThrow(() => paperRow(id), `${f.id}: row ${id}`);
    for (const id of f.evidenceFacts) assert.doesNotThrow(() => paperFact(id), `${f.id}: fact ${id}`);
    for (const r of f.rules) assert.ok((RULE_IDS as readonly string[]).includes(r), `${f.id}: rule ${r}`);
  }
});

test('F1: the sparse-file row collapses with small requests; the pre-allocated file does not', () => {
  assert.ok(shareOfNative('write:kvm:local-file:scsi-sparse-file') < 0.05);
  assert.ok(paperRow('write:kvm:local-file:scsi-sparse-file').avgRqSectors! < 64);
  assert.ok(paperRow('write:kvm:local-file:scsi-sparse-file').utilPct! < 100);
  assert.ok(shareOfNative('write:xen:local-file:scsi-prealloc-file') > 0.5);
});

test('F2: para-virtual writes reach >= 90% of native, emulated SCSI stays below 70%', () => {
  for (const row of rowsOf('F2').filter((r) => r.vmm !== 'None')) {
    const s = shareOfNative(row.id);
    if (isParavirtual(row.bus)) assert.ok(s >= 0.9, `${row.id}: ${s}`);
    else assert.ok(s < 0.7, `${row.id}: ${s}`);
    if (row.vmm === 'KVM' && !isParavirtual(row.bus)) assert.ok(row.avgQueue! < 1, row.id);
  }
});

test('F3: KVM guest reads queue <= 1 request, the disk idles 32-43%, the best read is ~70% of native', () => {
  for (const row of rowsOf('F3').filter((r) => r.vmm === 'KVM')) {
    assert.ok(row.avgQueue! <= 1, row.id);
    assert.ok(100 - row.utilPct! >= 30 && 100 - row.utilPct! <= 45, row.id);
  }
  assert.equal(Math.round(100 * shareOfNative('read:kvm:local-disk:virtio-phy')), 71);
  assert.match(finding('F3').paperSupport, /proposed/);
});

test('F4: guest EBS writes get 29-41% of the host\'s; guest EBS reads keep >= 80%', () => {
  for (const row of rowsOf('F4').filter((r) => r.vmm !== 'None')) {
    const s = shareOfNative(row.id);
    assert.ok(s >= 0.28 && s <= 0.42, `${row.id}: ${s}`);
    assert.ok(shareOfNative(row.id.replace('write:', 'read:')) >= 0.8, row.id);
  }
});

test('F5: no table rows (Figure 4 only) and says so', () => {
  assert.deepEqual(finding('F5').evidenceRows, []);
  assert.match(finding('F5').paperSupport, /Figure 4/);
});

test('every "quoted" fragment in findings and advice is printed in the paper', { skip: paperSkip }, () => {
  const paper = readFileSync(paperPath, 'utf8').replace(/\s+/g, ' ');
  const texts = [
    ...FINDINGS.flatMap((f) => [f.claim, f.paperSupport]),
    ...PAPER_ROWS.flatMap((r) => advise(advisorInputFromPaperRow(r)).flatMap((a) => [a.title, a.explanation, a.suggestion])),
  ];
  let checked = 0;
  for (const text of texts) {
    for (const [, quoted] of text.matchAll(/"([^"]+)"/g)) {
      assert.ok(paper.includes(quoted!), `not in the paper: "${quoted}"`);
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} quotes checked`);
});
