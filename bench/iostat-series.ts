// A step with 100,000 host iostat samples shown on its timeline: from picking the step in the
// "Inside a step" tab to the four-panel chart drawn (report.series over the WebSocket: samples
// read from SQLite, min/max-reduced; then plotly), measured inside Chromium. Goal: < 500 ms.
// Baseline in the same run: a step with 1,000 samples. Also prints a second view (the host
// caches finished steps' series) and the backend part alone.
// Run: npx tsx bench/iostat-series.ts [rounds=5] [points=100000]
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { median } from 'simple-statistics';
import { createBackend } from '../electron/core/backend.js';
import { CHROMIUM_ARGS, findChromium } from '../electron/core/report/pdf.js';
import { defaultStaticDir } from '../electron/host/serve.js';
import { startHost } from '../electron/host/server.js';
import { addRun, newDataDir, withStore } from './report-data.js';

const GOAL_MS = 500;
const rounds = Math.max(1, Number(process.argv[2] ?? 5));
const points = Math.max(1000, Number(process.argv[3] ?? 100_000));

const PICK = (stepId: number) => `(async () => {
  const sel = document.querySelector('[data-testid=step-select]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;
  const t0 = performance.now();
  setValue.call(sel, '${stepId}');
  sel.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((res) => { const check = () => (document.querySelector('[data-testid=timeline-plot][data-drawn=yes]') ? res() : requestAnimationFrame(check)); check(); });
  return performance.now() - t0;
})()`;

/** The first round is the step's first view; the page is reloaded before every round. */
async function timePick(page: Page, url: string, stepId: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    await page.goto(url);
    await page.locator('[data-testid=report-page][data-state=ready]').waitFor({ timeout: 60_000 });
    // Figures first, as a reader arrives at a step: plotly's one-off set-up in a fresh page
    // (~200 ms for any first chart) is then not counted as the cost of the series.
    await page.getByTestId('tab-figures').click();
    await page.locator('[data-testid=figure-plot-fig2][data-drawn=yes]').waitFor();
    await page.getByTestId('tab-steps').click();
    await page.getByTestId('step-select').waitFor();
    times.push((await page.evaluate(PICK(stepId))) as number);
  }
  return times;
}

async function main(): Promise<void> {
  const dataDir = newDataDir('iovlab-bench-series-');
  const cell = (n: number) => ({ config: 'virtio', tags: { vmm: 'kvm' }, workload: 'dd-write', tool: 'dd' as const, unit: 'MBps' as const, mean: 110, repeats: 1, samples: n });
  const [bigRun, smallRun] = withStore(dataDir, (store, labId) => [addRun(store, labId, 'long step', [cell(points)], 5), addRun(store, labId, 'short step', [cell(1000)], 6)]);
  const backend = createBackend({ dataDir, host: 'cli' });
  const host = await startHost({ backend, staticDir: defaultStaticDir() });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const stepOf = async (runId: number) => {
      const r = await backend.call('run.get', { runId });
      if (!r.ok) throw new Error(r.error.message);
      return (r.value as { steps: { id: number }[] }).steps[0]?.id ?? 0;
    };
    const [bigStep, smallStep] = [await stepOf(bigRun), await stepOf(smallRun)];
    // Browser first: its first pick is the cold path (samples read from SQLite), later picks
    // hit the backend's cache of finished steps' series.
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    const big = await timePick(page, `${host.url}&view=report&runs=${bigRun}`, bigStep);
    const small = await timePick(page, `${host.url}&view=report&runs=${smallRun}`, smallStep);
    const backendMs: number[] = [];
    let drawnPoints = 0;
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      const r = await backend.call('report.series', { stepId: bigStep, maxPoints: 4000 + i + 1 }); // a new key: uncached
      backendMs.push(performance.now() - t);
      if (r.ok) drawnPoints = (r.value as { traces: { t: number[] }[] }).traces[0]?.t.length ?? 0;
    }
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const again = big.slice(1);
    console.log(`step timeline, ${points.toLocaleString('en')} samples (goal: < ${GOAL_MS} ms)`);
    console.log(`  first view: pick to chart drawn   ${ms(big[0] ?? NaN)}  ${(big[0] ?? Infinity) < GOAL_MS ? 'goal met' : 'goal missed'}`);
    if (again.length > 0) console.log(`  again (series cached by the host)  ${ms(median(again))} median of ${again.length}`);
    console.log(`  baseline, 1,000 samples, first    ${ms(small[0] ?? NaN)}`);
    console.log(`  report.series alone, uncached     ${ms(median(backendMs))} median of ${rounds} (SQLite read of every sample + min/max reduction to ${drawnPoints} points per trace)`);
  } finally {
    await browser.close();
    await host.close();
    await backend.close();
    rmSync(dirname(dataDir), { recursive: true, force: true });
  }
}

await main();
