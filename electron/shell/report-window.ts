// Prints the app's own report page for the backend utility process, which has no browser of its
// own: a hidden window, opened by the caller with the main window's security settings (preload,
// contextIsolation, sandbox, app:// and its CSP), loads the print route, waits for the page's
// ready marker (data loaded, every chart drawn) and prints it with webContents.printToPDF. The
// page reaches the backend through the preload like the main window does.
import type { BrowserWindow } from 'electron';
import { PDF_FOOTER, PDF_HEADER, PDF_MARGINS_MM, PRINTED_DOM_SCRIPT, settledScript, type PrintAnswer, type PrintAsk, type PrintedDom } from '../core/report/printer.js';

const MM_PER_INCH = 25.4;

export interface ReportWindowOptions {
  /** Origin the renderer is served from, e.g. app://iovlab. */
  origin: string;
  /** Opens a hidden window with the app's web preferences and navigation guards. */
  open: () => BrowserWindow;
}

type Settled = { state: 'ready' } | { state: 'error' | 'timeout'; message: string };

export async function printReportPage(ask: PrintAsk, opts: ReportWindowOptions): Promise<PrintAnswer> {
  const { request } = ask;
  const window = opts.open();
  try {
    const t0 = performance.now();
    await window.loadURL(`${opts.origin}/index.html?${request.query}`);
    const settled = (await window.webContents.executeJavaScript(settledScript(request.runsKey, request.timeoutMs))) as Settled;
    if (settled.state !== 'ready') {
      const why = settled.state === 'error' ? `the report page failed: ${settled.message}` : `the report page did not finish drawing (${settled.message})`;
      return { type: 'printed', id: ask.id, ok: false, message: why };
    }
    const readyMs = performance.now() - t0;
    const dom = request.html ? ((await window.webContents.executeJavaScript(PRINTED_DOM_SCRIPT)) as PrintedDom) : null;
    const inches = (mm: number) => mm / MM_PER_INCH;
    const pdf = request.pdf
      ? await window.webContents.printToPDF({
          pageSize: 'A4',
          printBackground: true,
          displayHeaderFooter: true,
          headerTemplate: PDF_HEADER,
          footerTemplate: PDF_FOOTER,
          margins: { top: inches(PDF_MARGINS_MM.top), bottom: inches(PDF_MARGINS_MM.bottom), left: inches(PDF_MARGINS_MM.left), right: inches(PDF_MARGINS_MM.right) },
        })
      : null;
    return { type: 'printed', id: ask.id, ok: true, pdfBase64: pdf ? pdf.toString('base64') : null, dom, readyMs, printMs: performance.now() - t0 - readyMs };
  } catch (e) {
    return { type: 'printed', id: ask.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  } finally {
    window.destroy();
  }
}
