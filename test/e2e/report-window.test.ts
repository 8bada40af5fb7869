// The Electron app's report printing end to end, minus Electron: renderReport in the backend asks
// its host printer (MessagePrinter, over a real MessageChannel like the utility process's port),
// the main-process side (printReportPage from electron/shell/report-window.ts) loads the report
// route, waits with its page script and prints. The BrowserWindow it drives is a stand-in backed
// by a real Chromium page (no Electron binary here): loadURL → goto, executeJavaScript →
// evaluate, printToPDF → page.pdf with the same options. The page is the real built UI on the
// browser host. Also: HTML export through the unchanged playwright path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { BrowserWindow, PrintToPDFOptions } from 'electron';
import { createBackend, type Backend } from '../../electron/core/backend.js';
import { CHROMIUM_ARGS, renderReport } from '../../electron/core/report/pdf.js';
import { MessagePrinter, setHostPrinter, type PrintAnswer, type PrintAsk } from '../../electron/core/report/printer.js';
import { startHost, type RunningHost } from '../../electron/host/server.js';
import { printReportPage } from '../../electron/shell/report-window.js';
import { AppError } from '../../shared/result.js';
import { importRecorded, RECORDED_SETS } from '../helpers/report-lab.js';
import { CHROMIUM, pdfTestSkipReason, STATIC_DIR } from '../helpers/e2e-browser.js';

const OUT = resolve('test-output/report-window');

const skip = pdfTestSkipReason();

/** What printReportPage uses of a BrowserWindow, on a Chromium page of `context`. */
function chromiumWindow(context: BrowserContext, printed: PrintToPDFOptions[]): BrowserWindow {
  const page = context.newPage();
  const fake = {
    loadURL: async (url: string) => void (await (await page).goto(url)),
    webContents: {
      executeJavaScript: async (code: string) => (await page).evaluate(code),
      printToPDF: async (o: PrintToPDFOptions) => {
        printed.push(o);
        const m = o.margins ?? {};
        const inch = (v: number | undefined) => `${v ?? 0.4}in`;
        const format = typeof o.pageSize === 'string' ? o.pageSize : 'Letter';
        return (await page).pdf({
          format,
          printBackground: o.printBackground ?? false,
          displayHeaderFooter: o.displayHeaderFooter ?? false,
          headerTemplate: o.headerTemplate ?? '',
          footerTemplate: o.footerTemplate ?? '',
          margin: { top: inch(m.top), bottom: inch(m.bottom), left: inch(m.left), right: inch(m.right) },
        });
      },
    },
    destroy: () => void page.then((p) => p.close()),
  };
  return fake as unknown as BrowserWindow;
}

/** The backend's MessagePrinter wired to printReportPage the way main.ts and backend-process.ts wire them. */
function electronBridge(host: RunningHost, context: BrowserContext, printed: PrintToPDFOptions[]) {
  const { port1: backendPort, port2: mainPort } = new MessageChannel();
  const printer = new MessagePrinter((ask) => backendPort.postMessage(ask));
  backendPort.on('message', (answer: PrintAnswer) => printer.answer(answer));
  const origin = new URL(host.url).origin;
  mainPort.on('message', (ask: PrintAsk) => {
    void printReportPage(ask, { origin, open: () => chromiumWindow(context, printed) }).then((answer) => mainPort.postMessage(answer));
  });
  const restore = setHostPrinter(printer);
  return () => {
    restore();
    backendPort.close();
    mainPort.close();
  };
}

test('Electron report printing: backend → message port → hidden-window printer → PDF of the real report page (Chromium page standing in for the BrowserWindow: no Electron binary here)', { skip: skip ?? false, timeout: 240_000 }, async () => {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'iovlab-report-window-'));
  let backend: Backend | null = null;
  let host: RunningHost | null = null;
  let browser: Browser | null = null;
  let unbridge: (() => void) | null = null;
  try {
    const dataDir = join(work, 'data');
    const runIds = await importRecorded(dataDir, 'window lab', RECORDED_SETS.slice(0, 5));
    backend = createBackend({ dataDir, host: 'cli' });
    host = await startHost({ backend: { ...backend, close: async () => undefined }, staticDir: STATIC_DIR, port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // The app:// page needs no token; the browser host's does: one visit leaves its cookie in the context.
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const first = await context.newPage();
    await first.goto(host.url);
    await first.close();
    const printed: PrintToPDFOptions[] = [];
    unbridge = electronBridge(host, context, printed);

    const r = await renderReport(backend, { runIds, title: 'Window lab report', pdf: true, html: false, timeoutMs: 90_000 });
    assert.ok(r.pdf && r.pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'a PDF came back over the port');
    assert.equal(r.timings.launchMs, 0, 'no browser started by the backend');
    assert.ok(r.timings.readyMs > 0 && r.timings.printMs > 0);
    assert.equal(printed.length, 1);
    const o = printed[0];
    assert.equal(o?.pageSize, 'A4');
    assert.equal(o?.printBackground, true);
    assert.equal(o?.displayHeaderFooter, true);
    assert.ok(Math.abs((o?.margins?.top ?? 0) - 14 / 25.4) < 1e-9 && Math.abs((o?.margins?.left ?? 0) - 12 / 25.4) < 1e-9, 'margins in inches, as printToPDF takes them');
    const file = join(OUT, 'report.pdf');
    await writeFile(file, r.pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())?.[1]);
    assert.equal(r.pages, pages);
    const text = execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, ' ');
    assert.match(text, /Window lab report/);
    assert.match(text, /Table 1, reproduced/);
    assert.match(text, /Figures 2–4/);
    assert.match(text, new RegExp(`page 1 of ${pages}`), 'the footer template printed');
    execFileSync('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', String(Math.min(pages, 6)), file, join(OUT, 'page')]);

    // HTML over the same bridge: the page's DOM with its stylesheets, charts as SVG, no script.
    const h = await renderReport(backend, { runIds, pdf: false, html: true });
    assert.equal(h.pdf, null);
    assert.match(h.html ?? '', /<title>[^<]+<\/title>/);
    assert.match(h.html ?? '', /\.js-plotly-plot/);
    assert.match(h.html ?? '', /<svg/);
    assert.doesNotMatch(h.html ?? '', /<script/i);

    // A run that does not exist: the page's own error comes back as the export's error.
    await assert.rejects(renderReport(backend, { runIds: [999_999], pdf: true, html: false, timeoutMs: 30_000 }), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /^the app could not print the report: the report page failed: .+/);
      return true;
    });
    assert.equal(printed.length, 1, 'nothing printed for the failed page');
    unbridge();
    unbridge = null;

    // Without a host printer: the playwright path, HTML from the same page script.
    const viaPlaywright = await renderReport(backend, { runIds, pdf: false, html: true, staticDir: STATIC_DIR });
    assert.match(viaPlaywright.html ?? '', /\.js-plotly-plot/);
    assert.match(viaPlaywright.html ?? '', /data-testid="report-print"/);
    assert.doesNotMatch(viaPlaywright.html ?? '', /<script/i);
  } finally {
    unbridge?.();
    await browser?.close();
    await host?.close();
    await backend?.close();
    await rm(work, { recursive: true, force: true });
  }
});
