// The backend side of the Electron report printer: with a host printer set (as the backend
// utility process does at start), report exports are asked of the main process over a message
// port instead of starting Chromium. The main process is a fake here (it needs the Electron
// binary); the port is a real MessageChannel, so every message is structured-cloned as
// Electron's utility-process port does. The real page-side part runs in Chromium in
// test/e2e/report-window.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { renderReport } from '../../electron/core/report/pdf.js';
import { hostPrinter, MessagePrinter, setHostPrinter, type PrintAnswer, type PrintAsk } from '../../electron/core/report/printer.js';
import type { Backend } from '../../electron/core/backend.js';
import { AppError } from '../../shared/result.js';

/** A two-page PDF skeleton: enough for the page count; no viewer needs to open it. */
const TWO_PAGES = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R 4 0 R] /Count 2>> endobj\n' +
    '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n4 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/** The host printer never touches the backend: every method fails the test. */
const untouchable: Backend = {
  info: { version: '0', dataDir: '/nonexistent', host: 'electron', secretStorage: 'memory' },
  call: () => assert.fail('the host printer must not call the backend'),
  onEvent: () => assert.fail('the host printer must not subscribe to events'),
  waitForJob: () => assert.fail('no jobs'),
  close: async () => undefined,
};
// A static dir without the built UI: the playwright path would fail at once with NOT_FOUND.
const NO_UI = '/nonexistent/iovlab-ui';

/**
 * The backend's printer on one end of a MessageChannel, a fake main process on the other that
 * answers each ask with whatever `answer` returns (null: never answers).
 */
function bridge(answer: (ask: PrintAsk) => Omit<PrintAnswer, 'type' | 'id'> | null, graceMs?: number) {
  const { port1: backendPort, port2: mainPort } = new MessageChannel();
  const asks: PrintAsk[] = [];
  const printer = new MessagePrinter((ask) => backendPort.postMessage(ask), graceMs);
  backendPort.on('message', (m: PrintAnswer) => printer.answer(m));
  mainPort.on('message', (ask: PrintAsk) => {
    asks.push(ask);
    const a = answer(ask);
    if (a) mainPort.postMessage({ type: 'printed', id: ask.id, ...a } as PrintAnswer);
  });
  const restore = setHostPrinter(printer);
  return {
    asks,
    printer,
    close() {
      restore();
      backendPort.close();
      mainPort.close();
    },
  };
}

test('report export asks the host printer for the page and counts the pages of its PDF (mock: no Electron binary here)', async () => {
  const b = bridge(() => ({ ok: true, pdfBase64: TWO_PAGES.toString('base64'), dom: null, readyMs: 420, printMs: 180 }));
  try {
    const r = await renderReport(untouchable, { runIds: [3, 1, 3], title: 'Lab & co', pdf: true, html: false, staticDir: NO_UI });
    assert.equal(b.asks.length, 1);
    const req = b.asks[0]?.request;
    const q = new URLSearchParams(req?.query);
    assert.deepEqual(Object.fromEntries(q), { view: 'report', runs: '3,1,3', print: '1', title: 'Lab & co' });
    assert.equal(req?.runsKey, '1,3');
    assert.deepEqual([req?.pdf, req?.html, req?.timeoutMs], [true, false, 60_000]);
    assert.ok(r.pdf && r.pdf.equals(TWO_PAGES), 'the PDF bytes arrive unchanged');
    assert.equal(r.pages, 2);
    assert.equal(r.html, null);
    assert.deepEqual(r.timings, { launchMs: 0, readyMs: 420, printMs: 180 });
  } finally {
    b.close();
  }
  assert.equal(hostPrinter(), null, 'closing the bridge restores the previous printer (none)');
});

test('HTML export from the host printer is one self-contained file (mock: no Electron binary here)', async () => {
  const dom = { title: 'Lab <1> & 2', body: '<div data-testid="report-print" data-state="ready"><h1>Lab</h1><svg></svg></div>', css: ['.report-print{color:red}', '@media print{.no-print{display:none}}'] };
  const b = bridge(() => ({ ok: true, pdfBase64: null, dom, readyMs: 1, printMs: 1 }));
  try {
    const r = await renderReport(untouchable, { runIds: [7], pdf: false, html: true, staticDir: NO_UI });
    assert.equal(b.asks[0]?.request.html, true);
    assert.equal(b.asks[0]?.request.pdf, false);
    assert.equal(r.pdf, null);
    assert.equal(r.pages, null);
    const html = r.html ?? '';
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<title>Lab &lt;1&gt; &amp; 2<\/title>/);
    assert.match(html, /<style>\.report-print\{color:red\}\n@media print/);
    assert.ok(html.includes(dom.body));
    assert.doesNotMatch(html, /<script/i);
  } finally {
    b.close();
  }
});

test('a page the host could not print fails the export with its reason (mock: no Electron binary here)', async () => {
  const b = bridge(() => ({ ok: false, message: 'the report page failed: run 9 not found' }));
  try {
    await assert.rejects(renderReport(untouchable, { runIds: [9], pdf: true, html: false, staticDir: NO_UI }), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'INTERNAL');
      assert.equal(e.message, 'the app could not print the report: the report page failed: run 9 not found');
      return true;
    });
  } finally {
    b.close();
  }
});

test('an answer without the PDF asked for is an error, not an empty file (mock: no Electron binary here)', async () => {
  const b = bridge(() => ({ ok: true, pdfBase64: null, dom: null, readyMs: 1, printMs: 1 }));
  try {
    await assert.rejects(renderReport(untouchable, { runIds: [1], pdf: true, html: false, staticDir: NO_UI }), /returned no PDF/);
  } finally {
    b.close();
  }
});

test('a host that never answers fails the export after the page timeout and a grace period (mock: no Electron binary here)', async () => {
  const b = bridge(() => null, 50);
  try {
    const t0 = performance.now();
    await assert.rejects(renderReport(untouchable, { runIds: [1], pdf: true, html: false, staticDir: NO_UI, timeoutMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'INTERNAL');
      assert.match(e.message, /did not print the report within/);
      return true;
    });
    assert.ok(performance.now() - t0 >= 140, 'waited for timeout + grace');
    // A late answer to the abandoned request is ignored.
    b.printer.answer({ type: 'printed', id: b.asks[0]?.id ?? 0, ok: true, pdfBase64: null, dom: null, readyMs: 0, printMs: 0 });
  } finally {
    b.close();
  }
});

test('concurrent exports each get their own answer, whatever order the host finishes in (mock: no Electron binary here)', async () => {
  const pdfOf = (key: string) => Buffer.from(`%PDF-1.4 runs ${key} /Type /Page /Type /Page /Type /Page `, 'latin1');
  const held: PrintAsk[] = [];
  const b = bridge((ask) => {
    held.push(ask);
    return null;
  });
  try {
    const first = renderReport(untouchable, { runIds: [1], pdf: true, html: false, staticDir: NO_UI });
    const second = renderReport(untouchable, { runIds: [2, 5], pdf: true, html: false, staticDir: NO_UI });
    while (held.length < 2) await new Promise((r) => setImmediate(r));
    for (const ask of [...held].reverse()) b.printer.answer({ type: 'printed', id: ask.id, ok: true, pdfBase64: pdfOf(ask.request.runsKey).toString('base64'), dom: null, readyMs: 0, printMs: 0 });
    const [r1, r2] = await Promise.all([first, second]);
    assert.match(r1.pdf?.toString('latin1') ?? '', /runs 1 /);
    assert.match(r2.pdf?.toString('latin1') ?? '', /runs 2,5 /);
    assert.equal(r2.pages, 3);
  } finally {
    b.close();
  }
});

test('without a host printer, export takes the playwright path (which needs the built UI)', async () => {
  assert.equal(hostPrinter(), null);
  await assert.rejects(renderReport(untouchable, { runIds: [1], pdf: true, html: false, staticDir: NO_UI }), (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.message, /the built UI is missing/);
    return true;
  });
});
