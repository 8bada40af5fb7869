// PDF and standalone HTML of a report, rendered from the same React views as the screen: the
// browser host is started in-process on a random port over the caller's backend, headless
// Chromium (playwright-core) opens the report route with ?print=1, waits for the page's own
// data-state="ready" marker (data loaded, every chart drawn) and prints it. A host with a
// printer of its own (the Electron app, see ./printer.ts) is asked instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AppError } from '../../../shared/result.js';
import type { Backend } from '../backend.js';
import { defaultStaticDir } from '../../host/serve.js';
import { startHost, type RunningHost } from '../../host/server.js';
import {
  countPdfPages,
  hostPrinter,
  PDF_FOOTER,
  PDF_HEADER,
  PDF_MARGINS_MM,
  PRINTED_DOM_SCRIPT,
  reportQuery,
  runsKey,
  settledSelector,
  standaloneHtml,
  type HostReportPrinter,
  type PrintedDom,
} from './printer.js';

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

type PrinterBackend = Pick<Backend, 'info' | 'call' | 'onEvent' | 'waitForJob'>;

/**
 * A warm report printer: one browser host, one Chromium and one loaded report page, reused for
 * every report. A page load (app, report views, plotly's 1.2 MB basic bundle) costs Chromium about
 * a second, so later reports are routed inside the already loaded page (history.pushState)
 * instead of reloading it.
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
    const route = reportQuery(o);
    if (page.url().includes('view=report') && page.url().includes('print=1')) {
      // Same page, new route: the print view reloads its data on popstate.
      await page.evaluate(`history.pushState(null, '', '/?${route}'); dispatchEvent(new PopStateEvent('popstate'));`);
    } else {
      await page.goto(`${host.url}&${route}`);
    }
    const done = page.locator(settledSelector(runsKey(o.runIds)));
    await done.waitFor({ timeout: o.timeoutMs ?? 60_000 });
    if ((await done.getAttribute('data-state')) === 'error') {
      throw new AppError('INTERNAL', `the report page failed: ${(await page.getByTestId('report-error').textContent()) ?? 'unknown error'}`);
    }
    const readyMs = performance.now() - t0 - launchMs;
    const html = o.html ? standaloneHtml((await page.evaluate(PRINTED_DOM_SCRIPT)) as PrintedDom) : null;
    const mm = (v: number) => `${v}mm`;
    const { top, bottom, left, right } = PDF_MARGINS_MM;
    const pdf = o.pdf
      ? await page.pdf({ format: 'A4', printBackground: true, displayHeaderFooter: true, headerTemplate: PDF_HEADER, footerTemplate: PDF_FOOTER, margin: { top: mm(top), bottom: mm(bottom), left: mm(left), right: mm(right) } })
      : null;
    const pages = pdf ? countPdfPages(pdf) : null;
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

/** Asks the host's own printer (the Electron app's main process) for the page. */
async function renderWithHost(host: HostReportPrinter, o: RenderOptions & { pdf: boolean; html: boolean }): Promise<RenderedReport> {
  const r = await host.print({ query: reportQuery(o), runsKey: runsKey(o.runIds), pdf: o.pdf, html: o.html, timeoutMs: o.timeoutMs ?? 60_000 });
  if ((o.pdf && !r.pdf) || (o.html && !r.dom)) throw new AppError('INTERNAL', `the app printed the report page but returned no ${o.pdf && !r.pdf ? 'PDF' : 'HTML'}`);
  const pdf = o.pdf && r.pdf ? Buffer.from(r.pdf.buffer, r.pdf.byteOffset, r.pdf.byteLength) : null;
  const html = o.html && r.dom ? standaloneHtml(r.dom) : null;
  return { pdf, html, pages: pdf ? countPdfPages(pdf) : null, timings: { launchMs: 0, readyMs: r.readyMs, printMs: r.printMs } };
}

/**
 * One report, cold (the CLI, and every export of a host): the host's own printer when it set one
 * (setHostPrinter in ./printer.ts), otherwise start a Chromium printer, print, stop it.
 */
export async function renderReport(backend: PrinterBackend, o: RenderOptions & { pdf: boolean; html: boolean }): Promise<RenderedReport> {
  const host = hostPrinter();
  if (host) return renderWithHost(host, o);
  const printer = new ReportPrinter(backend, o.staticDir ? { staticDir: o.staticDir } : {});
  try {
    return await printer.render(o);
  } finally {
    await printer.close();
  }
}
