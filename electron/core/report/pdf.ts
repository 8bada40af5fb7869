// PDF and standalone HTML of a report, rendered from the same React views as the screen: the
// browser host is started in-process on a random port over the caller's backend, headless
// Chromium (playwright-core) opens the report route with ?print=1, waits for the page's own
// data-state="ready" marker (data loaded, every chart drawn) and prints it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AppError } from '../../../shared/result.js';
import type { Backend } from '../backend.js';
import { defaultStaticDir } from '../../host/serve.js';
import { startHost, type RunningHost } from '../../host/server.js';

/** The flags the e2e tests use: no sandbox (root in containers), no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.IOVLAB_CHROMIUM?.trim();
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new AppError('NOT_FOUND', `IOVLAB_CHROMIUM points to ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new AppError('NOT_FOUND', `PDF export needs Chromium and none was found (${CANDIDATES.join(', ')}); install it (apt-get install chromium) or set IOVLAB_CHROMIUM`);
  return found;
}

export interface RenderOptions {
  runIds: number[];
  title?: string;
  /** The built renderer (dist/renderer); found like `iovlab serve` finds it when omitted. */
  staticDir?: string;
  timeoutMs?: number;
}

export interface RenderedReport {
  pdf: Buffer | null;
  html: string | null;
  pages: number | null;
  /** Milliseconds spent: browser start, page ready (data + charts), printing. */
  timings: { launchMs: number; readyMs: number; printMs: number };
}

const FOOTER =
  '<div style="font-size:8px;color:#666;width:100%;padding:0 12mm;display:flex;justify-content:space-between">' +
  '<span class="title"></span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>';

function reportPath(o: RenderOptions): string {
  const q = new URLSearchParams({ view: 'report', runs: o.runIds.join(','), print: '1' });
  if (o.title) q.set('title', o.title);
  return q.toString();
}

/** A self-contained HTML file: the rendered DOM (charts are SVG) with the app's CSS inlined, no scripts. */
async function standaloneHtml(page: Page, staticDir: string, title: string): Promise<string> {
  // A string expression: this file is compiled without the DOM library.
  const { body, css } = (await page.evaluate(
    `({ body: document.querySelector('[data-testid=report-print]')?.outerHTML ?? '', css: [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.getAttribute('href') ?? '') })`,
  )) as { body: string; css: string[] };
  const styles = await Promise.all(css.filter((h) => !/^[a-z]+:/i.test(h)).map((h) => readFile(join(staticDir, h.replace(/^\.?\//, '')), 'utf8').catch(() => '')));
  const escaped = title.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escaped}</title><style>${styles.join('\n')}</style></head><body class="print">${body}</body></html>\n`;
}

type PrinterBackend = Pick<Backend, 'info' | 'call' | 'onEvent' | 'waitForJob'>;

/**
 * A warm report printer: one browser host, one Chromium and one loaded report page, reused for
 * every report. Loading plotly (~4.7 MB) costs Chromium over a second per page load, so later
 * reports are routed inside the already loaded page (history.pushState) instead of reloading it.
 */
export class ReportPrinter {
  private started: Promise<{ host: RunningHost; browser: Browser; context: BrowserContext; page: Page }> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  readonly staticDir: string;

  constructor(
    private readonly backend: PrinterBackend,
    opts: { staticDir?: string } = {},
  ) {
    this.staticDir = opts.staticDir ?? defaultStaticDir();
  }

  private start() {
    this.started ??= (async () => {
      if (!existsSync(join(this.staticDir, 'index.html'))) throw new AppError('NOT_FOUND', `the built UI is missing (${join(this.staticDir, 'index.html')}); run \`npm run build:renderer\` first`);
      // The host must not close the caller's backend: it gets a view whose close does nothing.
      const host = await startHost({ backend: { ...this.backend, close: async () => undefined }, staticDir: this.staticDir, port: 0 });
      try {
        const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
        const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
        const page = await context.newPage();
        await page.emulateMedia({ media: 'print' });
        return { host, browser, context, page };
      } catch (e) {
        await host.close();
        throw e;
      }
    })();
    this.started.catch(() => (this.started = null));
    return this.started;
  }

  /** Reports print one at a time: they share the page. */
  render(o: RenderOptions & { pdf: boolean; html: boolean }): Promise<RenderedReport> {
    const run = this.queue.then(() => this.renderNow(o));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async renderNow(o: RenderOptions & { pdf: boolean; html: boolean }): Promise<RenderedReport> {
    const t0 = performance.now();
    const { host, page } = await this.start();
    const launchMs = performance.now() - t0;
    const route = reportPath(o);
    if (page.url().includes('view=report') && page.url().includes('print=1')) {
      // Same page, new route: the print view reloads its data on popstate.
      await page.evaluate(`history.pushState(null, '', '/?${route}'); dispatchEvent(new PopStateEvent('popstate'));`);
    } else {
      await page.goto(`${host.url}&${route}`);
    }
    const key = [...new Set(o.runIds)].sort((a, b) => a - b).join(',');
    const done = page.locator(`[data-testid=report-print][data-state=ready][data-runs="${key}"], [data-testid=report-print][data-state=error]`);
    await done.waitFor({ timeout: o.timeoutMs ?? 60_000 });
    if ((await done.getAttribute('data-state')) === 'error') {
      throw new AppError('INTERNAL', `the report page failed: ${(await page.getByTestId('report-error').textContent()) ?? 'unknown error'}`);
    }
    const readyMs = performance.now() - t0 - launchMs;
    const title = (await page.getByTestId('report-title').textContent()) ?? 'iovlab report';
    const html = o.html ? await standaloneHtml(page, this.staticDir, title) : null;
    const pdf = o.pdf
      ? await page.pdf({ format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: '<span></span>', footerTemplate: FOOTER, margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' } })
      : null;
    const pages = pdf ? (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length : null;
    return { pdf, html, pages, timings: { launchMs, readyMs, printMs: performance.now() - t0 - launchMs - readyMs } };
  }

  async close(): Promise<void> {
    const started = this.started;
    this.started = null;
    if (!started) return;
    const s = await started.catch(() => null);
    if (!s) return;
    await s.browser.close().catch(() => undefined);
    await s.host.close();
  }
}

/** One report, cold: start a printer, print, stop it (the CLI). */
export async function renderReport(backend: PrinterBackend, o: RenderOptions & { pdf: boolean; html: boolean }): Promise<RenderedReport> {
  const printer = new ReportPrinter(backend, o.staticDir ? { staticDir: o.staticDir } : {});
  try {
    return await printer.render(o);
  } finally {
    await printer.close();
  }
}
