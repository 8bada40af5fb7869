// The benchmark engine through its UI, in Debian's Chromium, served by the real browser host and
// backend, against two real sshd hosts in network namespaces (the lab and its nodes are set up
// through the API: ui.test.ts covers doing that in the UI). A plan built in the form (dd write +
// read of 16 MiB on a file on "front", iperf3 front → back, 2 repeats) is first refused by the
// target guard, then runs: steps turn ok live, host iostat samples stream in, statistics match
// the backend's. A second run, pasted as YAML, is cancelled mid-step. Waits on app state only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runServe, type ServeHandle } from '../../electron/host/serve.js';
import { openBenchLab, processesIn, spawnCli, waitFor, type BenchLab } from '../helpers/bench-lab.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';

const CHROMIUM = '/usr/bin/chromium';
const STATIC_DIR = resolve('dist/renderer');
const SHOTS = resolve('test-output/e2e');
const TARGET_DIR = `/var/tmp/iovlab/e2e-runs-${process.pid}`;

function skipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`;
  if (!existsSync(join(STATIC_DIR, 'index.html'))) return 'dist/renderer is missing: run npm run build:renderer';
  return netnsUnavailableReason();
}
const skip = skipReason();

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `runs-${name}.png`), fullPage: true });
const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';
/** How the runs pages print a number (renderer/src/views/runs/format.ts). */
const shown = (v: number) => (Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Number(v.toPrecision(3))));

interface Seen {
  /** Per step index, the statuses its row showed, in order, while the run page was live. */
  statuses: Record<string, string[]>;
  /** The most samples the running step's chart showed while it was live. */
  liveSamples: number;
}

/**
 * Records what the run page shows as it changes (a MutationObserver in the page): a 16 MiB dd
 * step lasts about a second, too short to catch reliably by polling from the test. Page code
 * is passed as text: tsx would wrap functions in helpers the page does not have.
 */
const RECORD_RUN_PAGE = `(() => {
  const seen = { statuses: {}, liveSamples: 0 };
  window.seen = seen;
  const look = () => {
    for (const row of document.querySelectorAll('[data-testid=step-row]')) {
      const list = (seen.statuses[row.getAttribute('data-index')] ??= []);
      const status = row.getAttribute('data-status');
      if (list[list.length - 1] !== status) list.push(status);
    }
    const live = document.querySelector('[data-testid=run-live] [data-testid=iostat-chart][data-state=live]');
    if (live) seen.liveSamples = Math.max(seen.liveSamples, Number(live.getAttribute('data-points')));
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-state', 'data-points'] });
})()`;

async function fillPlanForm(page: Page, targetPath: string): Promise<void> {
  await page.getByTestId('plan-name').fill('e2e suite');
  const target = page.locator('[data-testid=target-row]');
  assert.equal(await target.count(), 1, 'the form starts with one file target');
  await target.getByTestId('target-node').selectOption('front');
  await target.getByTestId('target-path').fill(targetPath);
  const dd = page.locator('[data-testid=workload-row][data-tool=dd]');
  assert.equal(await dd.count(), 2, 'the form starts with the paper\'s dd write and read');
  for (const row of await dd.all()) await row.getByTestId('workload-size').fill('16M');
  await page.getByTestId('add-workload-iperf3').click();
  const iperf = page.locator('[data-testid=workload-row][data-tool=iperf3]');
  await iperf.getByTestId('iperf-client').selectOption('front');
  await iperf.getByTestId('iperf-server').selectOption('back');
  await iperf.getByTestId('iperf-duration').fill('1');
  // parsePlan's own message, shown as typed, and no Start while the plan is invalid.
  await page.getByTestId('plan-repeats').fill('0');
  await page.locator('[data-testid=plan-check][data-state=invalid]').waitFor();
  assert.match(await text(page, '[data-testid=plan-check]'), /^repeats: must be at least 1/);
  assert.ok(await page.getByTestId('start-run').isDisabled());
  await page.getByTestId('plan-repeats').fill('2');
  await page.locator('[data-testid=plan-check][data-state=valid]').waitFor();
  assert.match(await text(page, '[data-testid=plan-check]'), /6 steps/);
}

const SLOW_PLAN = (path: string, op: string) => `name: slow write
repeats: 1
targets:
  - { name: slow, node: front, kind: file, path: ${path} }
workloads:
  # 4k direct writes: slow enough to watch (and cancel) a storage step
  - { id: dd-slow, tool: dd, op: ${op}, size: 1G, blockSize: 4k, mode: direct }
`;

test('runs UI: build a plan, guard refusal, live steps and iostat, statistics, step detail; a pasted plan cancelled mid-step', { skip: skip ?? false, timeout: 120_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'iovlab-runs-e2e-'));
  let lab: NsLab | null = null;
  let bench: BenchLab | null = null;
  let served: ServeHandle | null = null;
  let context: BrowserContext | null = null;
  try {
    lab = await startNsLab();
    const [b, c] = await Promise.allSettled([
      openBenchLab(lab, 'runs lab'),
      chromium.launchPersistentContext(join(work, 'profile'), {
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        viewport: { width: 1360, height: 900 },
      }),
    ]);
    bench = b.status === 'fulfilled' ? b.value : null;
    context = c.status === 'fulfilled' ? c.value : null;
    for (const r of [b, c]) if (r.status === 'rejected') throw r.reason;
    assert.ok(bench && context);
    // The bench backend stays open on the same database: the test reads the stored truth with it.
    served = await runServe({ dataDir: bench.dataDir, staticDir: STATIC_DIR, handleSignals: false, log: () => undefined });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLog: string[] = [];
    page.on('console', (m) => consoleLog.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLog.push(`pageerror: ${e.message}`));

    await page.goto(`${served.url}#/lab/${bench.labId}`);
    await page.locator('[data-testid=app][data-state=ready]').waitFor({ timeout: 15_000 });
    await page.getByTestId('lab-tab-runs').click();
    await page.locator('[data-testid=runs-list][data-state=ready]').waitFor();
    await page.getByTestId('runs-empty').waitFor();
    await page.getByTestId('new-run').click();
    await page.getByTestId('plan-builder').waitFor();

    // The guard refuses a hostile path, with its own message, inline as an alert.
    await fillPlanForm(page, `${TARGET_DIR}/scratch;reboot.dat`);
    await shot(page, '01-plan-form');
    await page.getByTestId('start-run').click();
    const refusal = page.getByTestId('start-error');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match((await refusal.textContent()) ?? '', /target "scratch" on node "front": refusing target path .*the shell metacharacter ";"/);
    await shot(page, '02-guard-refusal');

    await page.locator('[data-testid=target-row]').getByTestId('target-path').fill(`${TARGET_DIR}/scratch.dat`);
    assert.equal(await refusal.count(), 0, 'the refusal goes once the plan changes');
    await page.evaluate(RECORD_RUN_PAGE);
    await page.getByTestId('start-run').click();
    const runPage = page.getByTestId('run-page');
    await page.locator('[data-testid=run-page][data-state=running]').waitFor({ timeout: 15_000 });
    const runId = Number(await runPage.getAttribute('data-run-id'));
    assert.match(new URL(page.url()).search, new RegExp(`view=run&run=${runId}$`));
    await page.locator('[data-testid=run-page][data-state=ok]').waitFor({ timeout: 60_000 });

    // Every step was seen running, then ok, while the page was live; samples came in mid-step.
    const seen = (await page.evaluate('window.seen')) as Seen;
    assert.deepEqual(Object.keys(seen.statuses).sort(), ['0', '1', '2', '3', '4', '5']);
    for (const [index, list] of Object.entries(seen.statuses)) assert.deepEqual(list.slice(-2), ['running', 'ok'], `step ${index} went ${list.join(' → ')}`);
    assert.ok(seen.liveSamples >= 1, 'the running dd step showed host iostat samples live');

    const { steps } = await bench.call('run.get', { runId });
    for (const s of steps) {
      const row = page.locator(`[data-testid=step-row][data-step-id="${s.id}"]`);
      assert.ok(s.metric, `step ${s.index} has a metric`);
      assert.equal((await row.getByTestId('step-metric').textContent())?.trim(), `${shown(s.metric.value)} ${s.metric.unit === 'MBps' ? 'MB/s' : 'Mb/s'}`);
    }
    const stats = await bench.call('run.stats', { runId });
    await page.locator('[data-testid=stats-table][data-state=ready]').waitFor();
    assert.equal(await page.locator('[data-testid=stats-row]').count(), 3);
    for (const row of stats) {
      const tr = page.locator(`[data-testid=stats-row][data-workload="${row.workloadId}"]`);
      assert.equal(await tr.getAttribute('data-n'), '2');
      assert.equal((await tr.getByTestId('stats-mean').textContent())?.trim(), shown(row.mean));
      assert.equal(await tr.getAttribute('data-noisy'), row.noisy ? 'yes' : 'no');
      assert.equal(await tr.getByTestId('noisy').count(), row.noisy ? 1 : 0);
      if (row.workloadId.startsWith('dd')) assert.ok(row.host && row.host.samples >= 2, `${row.workloadId}: host iostat aggregated`);
    }
    await shot(page, '03-run-ok');

    // A step's detail: exact command lines, raw output, its stored samples drawn.
    const ddWrite = steps.find((s) => s.workloadId === 'dd-write');
    assert.ok(ddWrite);
    await page.locator(`[data-testid=step-row][data-step-id="${ddWrite.id}"] [data-testid=step-open]`).click();
    const detail = page.locator(`[data-testid=step-detail][data-step-id="${ddWrite.id}"]`);
    // Each line as run, every word quoted for the shell: the sampler on the host, then dd.
    const commands = await detail.locator('[data-testid=step-commands] li').allTextContents();
    assert.equal(commands.length, 2, commands.join('\n'));
    assert.match(commands[0] ?? '', /^front 'env' 'IOVLAB_RUN=[^']+' 'LC_ALL=C' 'iostat' '-dxk' '\S+' '1'$/);
    assert.ok(commands[1]?.includes(`'dd' 'if=/dev/zero' 'of=${TARGET_DIR}/scratch.dat' 'bs=64k' 'count=256' 'conv=fdatasync'`), commands[1]);
    assert.match((await detail.getByTestId('step-stderr').textContent()) ?? '', /16777216 bytes .* copied/);
    await detail.locator('[data-testid=iostat-chart][data-state=done] [data-testid=iostat-plot][data-drawn=yes]').waitFor({ timeout: 20_000 });
    await detail.screenshot({ path: join(SHOTS, 'runs-04-step-detail.png') });

    // The list shows the finished run.
    await page.getByTestId('run-back').click();
    const listed = page.locator(`[data-testid=runs-row][data-run-id="${runId}"]`);
    await listed.waitFor();
    assert.equal(await listed.getAttribute('data-status'), 'ok');
    assert.equal((await listed.getByTestId('run-steps').textContent())?.trim(), '6/6');

    // A pasted plan: its problems inline first, then started, watched live and cancelled.
    await page.getByTestId('new-run').click();
    await page.getByTestId('plan-mode-text').click();
    assert.match(await page.getByTestId('plan-text').inputValue(), /^name: my benchmark/m, 'the form is offered as YAML');
    await page.getByTestId('plan-text').fill(SLOW_PLAN(`${TARGET_DIR}/slow.dat`, 'erase'));
    await page.locator('[data-testid=plan-text-check][data-state=invalid]').waitFor();
    assert.match(await text(page, '[data-testid=plan-text-check]'), /^pasted plan: workloads\[0\] "dd-slow"\.op: must be one of write, read/);
    await page.getByTestId('plan-text').fill(SLOW_PLAN(`${TARGET_DIR}/slow.dat`, 'write'));
    await page.locator('[data-testid=plan-text-check][data-state=valid]').waitFor();
    await page.getByTestId('start-run').click();
    await page.locator('[data-testid=run-page][data-state=running]').waitFor({ timeout: 15_000 });
    const slowId = Number(await runPage.getAttribute('data-run-id'));
    assert.notEqual(slowId, runId);
    await page.locator('[data-testid=run-live] [data-testid=iostat-chart][data-state=live]:not([data-points="0"]):not([data-points="1"])').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=run-live] [data-testid=iostat-plot][data-drawn=yes]').waitFor();
    assert.match(await text(page, '[data-testid=run-current]'), /step 1 of 1/);
    assert.match(await text(page, '[data-testid=iostat-latest]'), /write [\d.]+ MB\/s/);
    await shot(page, '05-live-iostat');
    await page.getByTestId('cancel-run').click();
    await page.locator('[data-testid=run-page][data-state=cancelled]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('[data-testid=step-row]').first().getAttribute('data-status'), 'cancelled');
    assert.equal((await bench.call('run.get', { runId: slowId })).run.status, 'cancelled');
    assert.ok(await page.getByTestId('resume-run').isVisible(), 'a cancelled run offers Resume');
    const left = (await processesIn(lab.front.ns)).filter((n) => ['dd', 'iostat'].includes(n));
    assert.deepEqual(left, [], 'cancel leaves nothing running on the node');
    await shot(page, '06-cancelled');

    // A run whose process died (the CLI, killed with SIGKILL mid-plan) is offered at the next start.
    const planFile = join(work, 'killed.json');
    const killedPlan = { name: 'killed mid-plan', repeats: 3, targets: [{ name: 'k', node: 'front', kind: 'file', path: `${TARGET_DIR}/k.dat` }], workloads: [{ id: 'dd-write', tool: 'dd', op: 'write', size: '16M' }] };
    writeFileSync(planFile, JSON.stringify(killedPlan));
    const cli = spawnCli(['--data-dir', bench.dataDir, 'run', '--lab', 'runs lab', '--plan', planFile]);
    const labId = bench.labId;
    const killedId = await waitFor('a finished step of the CLI run', async () => {
      const r = (await bench?.call('run.list', { labId }))?.find((x) => x.label === killedPlan.name);
      return r !== undefined && r.stepsDone >= 1 && r.id;
    }, 30_000, 50);
    cli.child.kill('SIGKILL');
    await cli.exited;
    const before = (await bench.call('run.get', { runId: killedId })).steps.filter((s) => s.status === 'ok');
    await page.reload();
    await page.locator('[data-testid=app][data-state=ready]').waitFor({ timeout: 15_000 });
    const offer = page.locator(`[data-testid=interrupted-run][data-run-id="${killedId}"]`);
    await offer.waitFor();
    await page.locator(`[data-testid=run-page][data-run-id="${slowId}"][data-state=cancelled]`).waitFor();
    assert.match((await offer.textContent()) ?? '', new RegExp(`run #${killedId} killed mid-plan in lab runs lab: ${before.length} of 3 steps done`));
    await shot(page, '07-interrupted-banner');
    await offer.getByTestId('interrupted-resume').click();
    await page.locator(`[data-testid=run-page][data-run-id="${killedId}"][data-state=ok]`).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('interrupted-banner').count(), 0);
    const after = (await bench.call('run.get', { runId: killedId })).steps;
    assert.ok(after.every((s) => s.status === 'ok'));
    for (const s of before) assert.equal(after.find((x) => x.id === s.id)?.startedAt, s.startedAt, `finished step ${s.index} was kept`);

    await page.getByTestId('run-back').click();
    await page.locator(`[data-testid=runs-row][data-run-id="${killedId}"][data-status=ok]`).waitFor();
    assert.deepEqual(await page.locator('[data-testid=runs-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))), ['ok', 'cancelled', 'ok']);
    await shot(page, '08-runs-list');

    assert.deepEqual(await page.locator('[data-testid=alert]').allTextContents(), [], 'no error alerts');
    assert.deepEqual(consoleLog.filter((m) => /Content Security Policy|pageerror/i.test(m)), [], 'no CSP violations or page errors');
  } finally {
    await context?.close();
    await served?.close();
    await bench?.backend.close();
    await lab?.stop();
    if (bench) rmSync(bench.dataDir, { recursive: true, force: true });
    rmSync(TARGET_DIR, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
});
