// PDF of a full report: every Table 1-2 configuration, 5 repeats each, streaming and network
// runs, 5 steps with host samples: about 10 pages with 8 charts (Figures 2-4 + 5 timelines).
// Goal: < 3 s. Prints the cold time (`iovlab report --pdf`: Chromium start, page load including
// plotly, data, charts, print; several rounds, as it varies with the machine's load), the warm
// time (ReportPrinter reusing its loaded page, as a long running host would) and a baseline from
// the same run: Chromium start + PDF of the plain labs page, i.e. what any Chromium-printed PDF
// costs before the report adds anything.
// Run: npx tsx bench/report-pdf.ts [warmRounds=5] [coldRounds=3]
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { median } from 'simple-statistics';
import { createBackend } from '../electron/core/backend.js';
import { CHROMIUM_ARGS, findChromium, renderReport, ReportPrinter } from '../electron/core/report/pdf.js';
import { defaultStaticDir } from '../electron/host/serve.js';
import { startHost } from '../electron/host/server.js';
import { addRun, newDataDir, paperScaleCells, withStore } from './report-data.js';

const GOAL_MS = 3000;
const rounds = Math.max(1, Number(process.argv[2] ?? 5));
const coldRounds = Math.max(1, Number(process.argv[3] ?? 3));

async function baselineMs(backend: ReturnType<typeof createBackend>): Promise<number> {
  const t0 = performance.now();
  const host = await startHost({ backend: { ...backend, close: async () => undefined }, staticDir: defaultStaticDir() });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.locator('[data-testid=app][data-state=ready]').waitFor();
    await page.pdf({ format: 'A4' });
    return performance.now() - t0;
  } finally {
    await browser.close();
    await host.close();
  }
}

async function main(): Promise<void> {
  const dataDir = newDataDir('iovlab-bench-pdf-');
  const runId = withStore(dataDir, (store, labId) => addRun(store, labId, 'paper scale', paperScaleCells(5), 7));
  const backend = createBackend({ dataDir, host: 'cli' });
  try {
    const doc = await backend.call('report.build', { runIds: [runId] });
    if (!doc.ok) throw new Error(doc.error.message);
    const d = doc.value as { figures: unknown[]; timelines: { points: number }[]; groups: unknown[] };
    const charts = d.figures.length + d.timelines.filter((t) => t.points > 0).length;

    const base = await baselineMs(backend);
    const colds: { ms: number; r: Awaited<ReturnType<typeof renderReport>> }[] = [];
    for (let i = 0; i < coldRounds; i++) {
      const t0 = performance.now();
      const r = await renderReport(backend, { runIds: [runId], pdf: true, html: false });
      colds.push({ ms: performance.now() - t0, r });
    }
    const coldMs = median(colds.map((c) => c.ms));
    // The round closest to the median shows where a typical cold PDF spends its time.
    const cold = [...colds].sort((a, b) => Math.abs(a.ms - coldMs) - Math.abs(b.ms - coldMs))[0]?.r;
    if (!cold) throw new Error('no cold round ran');
    const out = join(dirname(dataDir), 'report.pdf');
    writeFileSync(out, cold.pdf ?? Buffer.alloc(0));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [out]).toString())?.[1] ?? cold.pages);

    const printer = new ReportPrinter(backend);
    const warm: number[] = [];
    try {
      await printer.render({ runIds: [runId], pdf: true, html: false }); // loads the page once
      for (let i = 0; i < rounds; i++) {
        const t = performance.now();
        await printer.render({ runIds: [runId], pdf: true, html: false });
        warm.push(performance.now() - t);
      }
    } finally {
      await printer.close();
    }
    const ms = (v: number) => `${Math.round(v)} ms`;
    console.log(`report: ${pages} pages, ${charts} charts, ${d.groups.length} measurements (goal: < ${GOAL_MS} ms)`);
    const coldAll = colds.map((c) => c.ms);
    console.log(`  cold  ${ms(coldMs)} median of ${coldRounds} (min ${ms(Math.min(...coldAll))}, max ${ms(Math.max(...coldAll))})  ${coldMs < GOAL_MS ? 'goal met' : 'goal missed'}`);
    console.log(`        median round: Chromium start ${ms(cold.timings.launchMs)}, page + data + charts ${ms(cold.timings.readyMs)}, print ${ms(cold.timings.printMs)}`);
    console.log(`  warm  ${ms(median(warm))} median of ${rounds} (min ${ms(Math.min(...warm))}, max ${ms(Math.max(...warm))})  ${median(warm) < GOAL_MS ? 'goal met' : 'goal missed'}`);
    console.log(`  baseline: Chromium start + PDF of the labs page (no report, no plotly) ${ms(base)}`);
    console.log(`  load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (other processes slow every figure)`);
  } finally {
    await backend.close();
    rmSync(dirname(dataDir), { recursive: true, force: true });
  }
}

await main();
