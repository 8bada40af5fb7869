// The report and bundle part of the API contract (merged into shared/api.ts): the report
// view-model of selected runs, a step's iostat timeline, PDF/HTML export and bundles.
// Files travel as base64 so every transport (IPC, WebSocket, CLI) carries them alike.
import { z } from 'zod';
import type { ReportDoc, SeriesVM } from './types.js';

const id = z.number().int().positive();
const runIds = z.array(id).min(1, 'pick at least one run').max(500, 'at most 500 runs per report');
const title = z
  .string()
  .trim()
  .min(1)
  .max(200, 'must be at most 200 characters')
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'must not contain control characters');

/**
 * A bundle sent from the page (base64). The browser host takes WebSocket frames of at most
 * 1 MiB, so the page refuses larger files and points to `iovlab bundle import FILE`.
 */
export const MAX_UPLOAD_BASE64 = 1_000_000;
/** What the contract takes at all (CLI and Electron IPC have no frame limit). */
export const MAX_BUNDLE_BASE64 = 512 * 2 ** 20;

export const reportSchemas = {
  'report.build': z.object({ runIds, title: title.optional() }),
  'report.series': z.object({ stepId: id, maxPoints: z.number().int().min(100).max(1_000_000).default(4000), device: z.string().max(255).optional() }),
  'report.export': z.object({ runIds, format: z.enum(['pdf', 'html']), title: title.optional() }),
  'bundle.export': z.object({ runIds, gzip: z.boolean().default(false) }),
  'bundle.import': z.object({
    base64: z.string().min(1, 'the bundle is empty').max(MAX_BUNDLE_BASE64, `must be at most ${MAX_BUNDLE_BASE64 / 2 ** 20} MiB of base64`),
    lab: title.optional(),
    /** The file's name, for messages about it. */
    name: z.string().max(4096).optional(),
  }),
} as const;

export interface FileDownload {
  fileName: string;
  mime: string;
  base64: string;
  bytes: number;
}

export interface BundleImportResult {
  imported: { labId: number; labName: string; runIds: number[]; createdLab: boolean }[];
}

export interface ReportResults {
  'report.build': ReportDoc;
  'report.series': SeriesVM;
  /** Rendered by headless Chromium from the report page (?print=1). */
  'report.export': FileDownload & { pages: number | null };
  'bundle.export': FileDownload & { runs: number };
  'bundle.import': BundleImportResult;
}
