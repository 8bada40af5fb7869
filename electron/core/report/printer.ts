// Who turns the report page into a PDF depends on the host. The CLI and `iovlab serve` drive
// headless Chromium through playwright-core (./pdf.ts). Inside the Electron app the backend runs
// in a utility process without a browser of its own, so the main process prints the page in a
// hidden window (webContents.printToPDF, electron/shell/report-window.ts) and the backend asks it
// over the utility process's message port (MessagePrinter). This module holds what both sides
// share; it imports neither playwright nor electron, so every bundle can take it.
import { AppError } from '../../../shared/result.js';

export interface PagePrintRequest {
  /** Query string of the printable report route: view=report&runs=…&print=1[&title=…]. */
  query: string;
  /** The page's data-runs value once it shows exactly these runs. */
  runsKey: string;
  pdf: boolean;
  html: boolean;
  timeoutMs: number;
}

/** The rendered report for a standalone HTML file: charts are SVG, so no script is needed. */
export interface PrintedDom {
  title: string;
  body: string;
  /** The text of every stylesheet of the page. */
  css: string[];
}

export interface PagePrintResult {
  pdf: Uint8Array | null;
  dom: PrintedDom | null;
  /** Milliseconds until the page was ready (data and every chart drawn), then printing. */
  readyMs: number;
  printMs: number;
}

/** A host's way of printing the report page; see setHostPrinter. */
export interface HostReportPrinter {
  print(request: PagePrintRequest): Promise<PagePrintResult>;
}

let chosen: HostReportPrinter | null = null;

/**
 * The printer of this process's host, used by every report export; without one, reports print
 * with playwright-core's Chromium. The Electron backend process sets one at start. Returns a
 * function that restores the previous printer.
 */
export function setHostPrinter(printer: HostReportPrinter | null): () => void {
  const previous = chosen;
  chosen = printer;
  return () => {
    chosen = previous;
  };
}

export function hostPrinter(): HostReportPrinter | null {
  return chosen;
}

/** A4 with room for the page footer; the printable width (186 mm) is what the print CSS lays out for. */
export const PDF_MARGINS_MM = { top: 14, bottom: 16, left: 12, right: 12 } as const;
export const PDF_HEADER = '<span></span>';
export const PDF_FOOTER =
  '<div style="font-size:8px;color:#666;width:100%;padding:0 12mm;display:flex;justify-content:space-between">' +
  '<span class="title"></span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>';

export function runsKey(runIds: readonly number[]): string {
  return [...new Set(runIds)].sort((a, b) => a - b).join(',');
}

export function reportQuery(o: { runIds: readonly number[]; title?: string }): string {
  const q = new URLSearchParams({ view: 'report', runs: o.runIds.join(','), print: '1' });
  if (o.title) q.set('title', o.title);
  return q.toString();
}

/** Matches once the print view drew these runs (data-state=ready) or gave up (data-state=error). */
export function settledSelector(key: string): string {
  return `[data-testid=report-print][data-state=ready][data-runs="${key}"], [data-testid=report-print][data-state=error]`;
}

/**
 * A page expression (for hosts without playwright's locators) that resolves once the print view
 * settled: { state: 'ready' } | { state: 'error' | 'timeout', message }. A string, because the
 * Node side is compiled without the DOM library.
 */
export function settledScript(key: string, timeoutMs: number): string {
  return `new Promise((resolve) => {
  const selector = ${JSON.stringify(settledSelector(key))};
  const check = () => {
    const el = document.querySelector(selector);
    if (!el) return false;
    const error = el.getAttribute('data-state') === 'error';
    resolve(error ? { state: 'error', message: document.querySelector('[data-testid=report-error]')?.textContent ?? 'unknown error' } : { state: 'ready' });
    return true;
  };
  if (check()) return;
  const observer = new MutationObserver(() => { if (check()) { observer.disconnect(); clearTimeout(timer); } });
  const timer = setTimeout(() => { observer.disconnect(); resolve({ state: 'timeout', message: 'no report after ${timeoutMs} ms' }); }, ${timeoutMs});
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true });
})`;
}

/** A page expression giving the PrintedDom of the print view; stylesheets are same-origin, so their rules are readable. */
export const PRINTED_DOM_SCRIPT = `({
  title: document.querySelector('[data-testid=report-title]')?.textContent ?? 'iovlab report',
  body: document.querySelector('[data-testid=report-print]')?.outerHTML ?? '',
  css: [...document.styleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join('\\n')),
})`;

export function standaloneHtml(dom: PrintedDom): string {
  const escaped = dom.title.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escaped}</title><style>${dom.css.join('\n')}</style></head><body class="print">${dom.body}</body></html>\n`;
}

export function countPdfPages(pdf: Uint8Array): number {
  return (Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** Backend → host: print this page. */
export interface PrintAsk {
  type: 'print';
  id: number;
  request: PagePrintRequest;
}

/** Host → backend: the printed page (the PDF as base64), or why it could not be printed. */
export type PrintAnswer =
  | { type: 'printed'; id: number; ok: true; pdfBase64: string | null; dom: PrintedDom | null; readyMs: number; printMs: number }
  | { type: 'printed'; id: number; ok: false; message: string };

/**
 * The backend side of a printer that lives in another process: each request is posted as a
 * PrintAsk and settled by the matching PrintAnswer handed to answer(). A request the host never
 * answers fails after its page timeout plus a grace period instead of hanging the export.
 */
export class MessagePrinter implements HostReportPrinter {
  private readonly pending = new Map<number, { resolve: (r: PagePrintResult) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private nextId = 1;

  constructor(
    private readonly send: (ask: PrintAsk) => void,
    private readonly graceMs = 15_000,
  ) {}

  print(request: PagePrintRequest): Promise<PagePrintResult> {
    const id = this.nextId++;
    return new Promise<PagePrintResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('INTERNAL', `the app's window process did not print the report within ${Math.round((request.timeoutMs + this.graceMs) / 1000)} s; try again, or export from \`iovlab report --pdf\``));
      }, request.timeoutMs + this.graceMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ type: 'print', id, request });
    });
  }

  answer(message: PrintAnswer): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return; // timed out already
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (!message.ok) {
      waiting.reject(new AppError('INTERNAL', `the app could not print the report: ${message.message}`));
      return;
    }
    waiting.resolve({
      pdf: message.pdfBase64 === null ? null : Buffer.from(message.pdfBase64, 'base64'),
      dom: message.dom,
      readyMs: message.readyMs,
      printMs: message.printMs,
    });
  }
}
