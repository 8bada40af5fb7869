// The report through its UI in Debian's Chromium: recorded tool outputs imported with the CLI,
// Tables 1-2, a figure, two sets compared, a step timeline, a PDF exported from the page and one
// from the CLI. pdftotext must find the table values and the verdicts; pdftoppm writes pages to
// test-output/report/ for a reviewer. Waits on data-state / data-drawn markers, never sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mean } from 'simple-statistics';
import { runServe, type ServeHandle } from '../../electron/host/serve.js';
import { verdict } from '../../shared/stats.js';
import { runCli } from '../helpers/cli.js';
import { importRecorded, recordedValues } from '../helpers/report-lab.js';
import { CHROMIUM, pdfTestSkipReason, STATIC_DIR } from '../helpers/e2e-browser.js';

const OUT = resolve('test-output/report');

const skip = pdfTestSkipReason();

/** pdftotext's words with every run of whitespace (line breaks, columns) made one space. */
function pdfText(file: string): string {
  return execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, ' ');
}

/** Every page as a PNG for a reviewer: test-output/report/<prefix>-<n>.png. */
function pngPages(file: string, prefix: string): void {
  execFileSync('pdftoppm', ['-r', '70', '-png', file, join(OUT, prefix)]);
}

/** How the page prints a number (renderer/src/views/report/format.ts). */
const shown = (v: number): string => (Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));
const near = (text: string | null, v: number) => Math.abs(Number.parseFloat(text ?? 'NaN') - v) <= Math.abs(v) * 0.006;

async function drawn(page: Page, testId: string): Promise<void> {
  await page.locator(`[data-testid=${testId}][data-drawn=yes]`).first().waitFor({ timeout: 20_000 });
}

test('report UI: Tables 1-2, a figure, a comparison and a step timeline from imported runs; PDF from the page and the CLI', { skip: skip ?? false, timeout: 240_000 }, async () => {
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'iovlab-report-e2e-'));
  const dataDir = join(work, 'data');
  let served: ServeHandle | null = null;
  let context: BrowserContext | null = null;
  try {
    const runIds = await importRecorded(dataDir);
    served = await runServe({ dataDir, staticDir: STATIC_DIR, handleSignals: false, log: () => undefined });
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const console: string[] = [];
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));

    await page.goto(served.url);
    await page.locator('[data-testid=app][data-state=ready]').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav-reports').click();
    await page.locator('[data-testid=run-row]').nth(runIds.length - 1).waitFor();
    assert.equal(await page.locator('[data-testid=run-row]').count(), runIds.length);
    await page.getByTestId('runs-all').click();
    await page.getByTestId('show-report').click();
    await page.locator('[data-testid=report-page][data-state=ready]').waitFor({ timeout: 20_000 });
    assert.match(new URL(page.url()).search, new RegExp(`view=report&runs=${runIds.join('%2C')}`));

    // Table 1: the lab's virtio-blk device writes sit under the paper's KVM Virtio/phy row.
    const virtioWrite = recordedValues('virtio write');
    const t1 = page.locator('[data-testid=paper-table][data-table="1"]');
    const virtioRow = t1.locator('[data-testid=table-line][data-source=lab][data-row="write:kvm:local-disk:virtio-phy"]');
    assert.ok(near(await virtioRow.locator('td.num .strong').textContent(), mean(virtioWrite)), 'mean of the imported virtio writes');
    assert.match((await virtioRow.textContent()) ?? '', /lab: virtio write \(n=3\)/);
    const sparseRow = t1.locator('[data-testid=table-line][data-source=lab][data-row="write:kvm:local-file:scsi-sparse-file"]');
    assert.match((await sparseRow.locator('td').nth(1).textContent()) ?? '', /Local file\(\*\)/, 'the Eucalyptus default is marked');
    assert.equal(await page.locator('[data-testid=paper-table][data-table="2"] [data-testid=table-line][data-source=paper]').count(), 19);
    await page.getByTestId('tab-body-tables').screenshot({ path: join(OUT, '01-tables.png') });

    await page.getByTestId('tab-figures').click();
    await drawn(page, 'figure-plot-fig2');
    await drawn(page, 'figure-plot-fig4');
    assert.equal(await page.locator('[data-testid=figure][data-figure=fig3]').getAttribute('data-measured'), 'yes');
    await page.locator('[data-testid=figure][data-figure=fig2]').screenshot({ path: join(OUT, '02-figure2.png') });
    await page.locator('[data-testid=figure][data-figure=fig4]').screenshot({ path: join(OUT, '03-figure4.png') });

    // Two sets with no common configuration are compared workload by workload.
    await page.getByTestId('tab-compare').click();
    await page.getByTestId('compare-a-set').selectOption('lsi write');
    await page.getByTestId('compare-b-set').selectOption('virtio write');
    await page.locator('[data-testid=compare-table][data-rows="1"]').waitFor();
    const expected = verdict(recordedValues('lsi write'), virtioWrite, 0.05, { a: 'lsi write', b: 'virtio write' });
    assert.equal(await page.getByTestId('compare-verdict').first().textContent(), expected);
    await page.getByTestId('tab-body-compare').screenshot({ path: join(OUT, '04-compare.png') });

    // Inside a step: the iostat recording imported next to the sparse writes.
    await page.getByTestId('tab-steps').click();
    const iostatStep = await page.locator('[data-testid=step-select] option', { hasText: 'sparse write' }).filter({ hasText: 'iostat' }).getAttribute('value');
    await page.getByTestId('step-select').selectOption(iostatStep ?? '');
    await drawn(page, 'timeline-plot');
    assert.equal(await page.getByTestId('timeline').getAttribute('data-points'), '2', 'iostat 1 3 keeps two reports after the since-boot one');
    await page.getByTestId('timeline').screenshot({ path: join(OUT, '05-step-timeline.png') });

    await page.getByTestId('tab-findings').click();
    const statuses: Record<string, string> = {};
    for (const f of await page.locator('[data-testid=finding]').all()) statuses[(await f.getAttribute('data-finding')) ?? '?'] = (await f.getAttribute('data-status')) ?? '?';
    assert.deepEqual(Object.keys(statuses), ['F1', 'F2', 'F3', 'F4', 'F5']);
    assert.equal(statuses.F5, 'did-not-hold', 'virtio and e1000 replay the same iperf3 recordings: no significant difference');

    // PDF from the page (the browser host renders it with headless Chromium).
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByTestId('export-pdf').click()]);
    const pagePdf = join(OUT, 'report-from-page.pdf');
    await download.saveAs(pagePdf);
    const text = pdfText(pagePdf);
    assert.ok(text.includes('Table 1: DD Write Bandwidth (MB/s)'), 'Table 1 caption');
    assert.ok(text.includes(shown(Number(mean(virtioWrite).toFixed(1)))), 'the virtio write mean is in the PDF');
    const baseline = verdict(recordedValues('host write'), virtioWrite, 0.05, { a: 'native [host write]', b: 'virtio-dev [virtio write]' });
    assert.ok(text.includes(baseline), `the baseline verdict "${baseline}" is in the PDF`);
    // The title page lists every finding as "F2 <title>: did not hold", as the screen judged it.
    for (const [id, status] of Object.entries(statuses)) assert.match(text, new RegExp(`${id} [^:]+: ${status.replace(/-/g, ' ')}`), `${id} ${status} in the PDF`);
    pngPages(pagePdf, 'pdf-page');

    // The same report from the CLI.
    const cliPdf = join(OUT, 'report-from-cli.pdf');
    const cli = await runCli(['--data-dir', dataDir, 'report', '--runs', runIds.join(','), '--title', 'Recorded lab', '--pdf', cliPdf, '--table', 'table1', '--csv', join(OUT, 'table1.csv')], { timeoutMs: 120_000 });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /report-from-cli\.pdf \(\d+ pages\)/);
    const cliText = pdfText(cliPdf);
    assert.ok(cliText.includes('Recorded lab') && cliText.includes(baseline));
    const csv = await readFile(join(OUT, 'table1.csv'), 'utf8');
    assert.match(csv, /lab: virtio write \(n=3/);

    assert.deepEqual(console.filter((m) => /Content Security Policy|pageerror|Refused/i.test(m)), [], 'no CSP violations or page errors');
  } finally {
    await context?.close();
    await served?.close();
    await rm(work, { recursive: true, force: true });
  }
});
