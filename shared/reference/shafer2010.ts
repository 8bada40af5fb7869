// The published numbers of Shafer 2010 as a versioned dataset: Tables 1-2 (shafer2010-tables.ts)
// and the numbers its text states (shafer2010-facts.ts), with the citation and a checksum so a
// report can say exactly which reference values it compared against.
import { AppError } from '../result.js';
import { sha256Hex } from './sha256.js';
import { PAPER_FACTS } from './shafer2010-facts.js';
import { TABLE_1_WRITE, TABLE_2_READ, TABLE_CAPTIONS } from './shafer2010-tables.js';
import type { PaperBus, PaperFact, PaperRow, PaperWorkload } from './types.js';

export type * from './types.js';
export { PAPER_FACTS, TABLE_1_WRITE, TABLE_2_READ, TABLE_CAPTIONS };

/** Bump on ANY change of a value, id or unit below; DATASET_SHA256 must change with it. */
export const DATASET_VERSION = '1.0.0';

/**
 * sha256 of canonicalSerialization(), pinned so an accidental edit of a transcribed number fails
 * the unit test (which recomputes it with node:crypto) instead of silently shifting comparisons.
 */
export const DATASET_SHA256 = 'a2b10ad2ea255a44582ed6829d546080798490c2489176d24cf8570b589363d3';

export const CITATION = Object.freeze({
  shortName: 'Shafer 2010',
  authors: ['Jeffrey Shafer'] as readonly string[],
  title: 'I/O Virtualization Bottlenecks in Cloud Computing Today',
  affiliation: 'Rice University, Houston, TX',
  email: 'shafer@rice.edu',
  /** Not printed in the source text; see provenanceNote. */
  venue: null,
  year: null,
  classification: 'C.4 [Computer Systems Organization]: Performance of Systems',
  sourceText: 'shared/paper/shafer-2010-io-virtualization-bottlenecks.txt',
  provenanceNote:
    'The source text names no venue, year or page numbers. The project calls the paper "Shafer 2010" and attributes it to WIOV 2010; ' +
    'the text itself only shows that it was written in or after January 2010 (its newest references are dated January 2010 and 2010).',
});

export function citationText(): string {
  return `${CITATION.authors.join(', ')}. "${CITATION.title}". ${CITATION.affiliation}. Reference dataset v${DATASET_VERSION}.`;
}

export const PAPER_ROWS: readonly PaperRow[] = Object.freeze([...TABLE_1_WRITE, ...TABLE_2_READ]);

const rowsById = new Map(PAPER_ROWS.map((r) => [r.id, r]));
const factsById = new Map(PAPER_FACTS.map((f) => [f.id, f]));

export function paperRow(id: string): PaperRow {
  const row = rowsById.get(id);
  if (!row) throw new AppError('NOT_FOUND', `Shafer 2010 has no table row '${id}' (dataset v${DATASET_VERSION}); ids look like 'write:kvm:local-disk:virtio-phy'.`);
  return row;
}

export function paperFact(id: string): PaperFact {
  const fact = factsById.get(id);
  if (!fact) throw new AppError('NOT_FOUND', `Shafer 2010 dataset v${DATASET_VERSION} has no text fact '${id}'.`);
  return fact;
}

/** The non-virtualized row ("None") a virtualized row is compared with: local disk or EBS from the host. */
export function nativeRow(workload: PaperWorkload, storage: 'local' | 'ebs'): PaperRow {
  return paperRow(`${workload}:none:${storage === 'ebs' ? 'ebs' : 'local-disk'}`);
}

/** virtio and XVD are para-virtualized, the paper's SCSI is emulated (LSI 53c895a in KVM); others unknown. */
export function isParavirtual(bus: PaperBus): boolean | null {
  if (bus === 'virtio' || bus === 'xvd') return true;
  if (bus === 'scsi') return false;
  return null;
}

const cell = (v: number | null, absent: string | null): string => (v === null ? (absent ?? 'null') : String(v));

/**
 * One line per table row and per text fact, numbers as JavaScript's shortest round-trip text,
 * in dataset order. Stable across platforms, so its sha256 identifies the values.
 */
export function canonicalSerialization(): string {
  const rows = PAPER_ROWS.map(
    (r) => `row|${r.id}|${r.bandwidthMBps}|${cell(r.avgRqSectors, r.hostMetricsAbsent)}|${cell(r.avgQueue, r.hostMetricsAbsent)}|${cell(r.utilPct, r.hostMetricsAbsent)}`,
  );
  const facts = PAPER_FACTS.map((f) => `fact|${f.id}|${typeof f.value === 'number' ? f.value : f.value.join('..')}|${f.unit}|${f.qualifier}`);
  return [...rows, ...facts].join('\n');
}

/** Recomputes the checksum (pure); equals DATASET_SHA256 unless the dataset was edited without re-pinning. */
export function computeDatasetSha256(): string {
  return sha256Hex(canonicalSerialization());
}
