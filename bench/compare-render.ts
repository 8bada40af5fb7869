// The compare view with 50 configurations × 5 repeats on each side, rendered in Chromium: from
// the click on the Compare tab to the 50-row table on screen (Welch's test per row, React
// render, layout and a painted frame), measured inside the page. Goal: < 300 ms. Baseline in
// the same run: the same view with 1 configuration × 5 repeats. Also prints the pure
// computation (compareSets) in Node.
// Run: npx tsx bench/compare-render.ts [rounds=7] [configs=50]
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { median } from 'simple-statistics';
import { createBackend } from '../electron/core/backend.js';
import { CHROMIUM_ARGS, findChromium } from '../electron/core/report/pdf.js';
import { defaultStaticDir } from '../electron/host/serve.js';
import { startHost } from '../electron/host/server.js';
import { compareSets, type ReportDoc } from '../shared/report/index.js';
import { addRun, newDataDir, withStore, type CellSpec } from './report-data.js';

const GOAL_MS = 300;
const rounds = Math.max(1, Number(process.argv[2] ?? 7));
const configs = Math.max(1, Number(process.argv[3] ?? 50));

const cells = (n: number, mean: number): CellSpec[] =>
  Array.from({ length: n }, (_, i) => ({ config: `cfg-${String(i + 1).padStart(2, '0')}`, tags: { vmm: 'kvm', bus: 'virtio-blk', backing: 'device' }, workload: 'dd-write', tool: 'dd', unit: 'MBps', mean: mean + i, repeats: 5 }));

/** Click the Compare tab and resolve when the table has `rows` rows and a frame was painted. */
const TIME_TAB = (rows: number) => `(async () => {
  document.querySelector('[data-testid=tab-tables]').click();
  await new Promise((r) => requestAnimationFrame(() => r()));
  const t0 = performance.now();
  document.querySelector('[data-testid=tab-compare]').click();
  await new Promise((res) => { const check = () => { const t = document.querySelector('[data-testid=compare-table]'); if (t && t.getAttribute('data-rows') === '${rows}') res(); else requestAnimationFrame(check); }; check(); });
  await new Promise((r) => requestAnimationFrame(() => r()));
  return performance.now() - t0;
})()`;

async function timeCompare(page: Page, url: string, rows: number): Promise<number[]> {
  await page.goto(url);
  await page.locator('[data-testid=report-page][data-state=ready]').waitFor({ timeout: 60_000 });
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push((await page.evaluate(TIME_TAB(rows))) as number);
  return times;
}

async function main(): Promise<void> {
  const dataDir = newDataDir('iovlab-bench-compare-');
  const ids = withStore(dataDir, (store, labId) => ({
    big: [addRun(store, labId, 'set A', cells(configs, 100), 1), addRun(store, labId, 'set B', cells(configs, 104), 2)],
    small: [addRun(store, labId, 'small A', cells(1, 100), 3), addRun(store, labId, 'small B', cells(1, 104), 4)],
  }));
  const backend = createBackend({ dataDir, host: 'cli' });
  const host = await startHost({ backend, staticDir: defaultStaticDir() });
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const doc = await backend.call('report.build', { runIds: ids.big });
    if (!doc.ok) throw new Error(doc.error.message);
    const runs = (doc.value as ReportDoc).runs;
    const node: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      compareSets(runs, { label: 'set A', runIds: [ids.big[0]!] }, { label: 'set B', runIds: [ids.big[1]!] });
      node.push(performance.now() - t);
    }
    const page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
    const big = await timeCompare(page, `${host.url}&view=report&runs=${ids.big.join(',')}`, configs);
    const small = await timeCompare(page, `${host.url}&view=report&runs=${ids.small.join(',')}`, 1);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`compare view, ${configs} configurations x 5 repeats per side (goal: < ${GOAL_MS} ms), median of ${rounds}`);
    console.log(`  click to painted table   ${ms(median(big))}  (min ${ms(Math.min(...big))}, max ${ms(Math.max(...big))})  ${median(big) < GOAL_MS ? 'goal met' : 'goal missed'}`);
    console.log(`  baseline, 1 x 5          ${ms(median(small))}`);
    console.log(`  compareSets alone (Node) ${ms(median(node))}`);
  } finally {
    await browser.close();
    await host.close();
    await backend.close();
    rmSync(dirname(dataDir), { recursive: true, force: true });
  }
}

await main();
