// The install wizard through its UI, in Debian's Chromium, served by the real browser host and
// backend, against two real sshd hosts in network namespaces ("front" with the front-end roles,
// "back" the NC). The recipes are fixtures (test/fixtures/recipes-e2e, given to the backend by
// IOVLAB_RECIPES_DIR) whose steps only touch /tmp/iovlab-e2e-install. Pick a recipe, read the
// dry-run plan's commands, preflight, run: the live log fills, every step ends done or not
// applicable (the systemd step); a second run finds everything already done. A recipe for
// another distribution is refused with preflight's reasons; a failing install is resumed; a
// sleeping step is cancelled and leaves nothing running. Waits on app state only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { runServe, type ServeHandle } from '../../electron/host/serve.js';
import { openBenchLab, processesIn, type BenchLab } from '../helpers/bench-lab.js';
import { browserSkipReason, launchChromium, SHOTS, shot, STATIC_DIR, textOf, waitReady, watchedPage } from '../helpers/e2e-browser.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';

/** Where the fixture recipes write; fixed in their text. */
const WORK = '/tmp/iovlab-e2e-install';
const RECIPES = resolve('test/fixtures/recipes-e2e');
const skip = browserSkipReason() ?? netnsUnavailableReason();

/**
 * Records, in the page, the statuses each step row showed and how many log lines the live pane
 * held while the install ran: the fixture steps take about a second, too short to poll for.
 * Page code is passed as text: tsx would wrap functions in helpers the page does not have.
 */
const RECORD_INSTALL = `(() => {
  const seen = { statuses: {}, linesWhileRunning: {} };
  window.seen = seen;
  const look = () => {
    const panel = document.querySelector('[data-testid=install-run]');
    if (!panel) return;
    const id = panel.getAttribute('data-install-id');
    const rows = (seen.statuses[id] ??= {});
    for (const row of panel.querySelectorAll('[data-testid=install-step-row]')) {
      const list = (rows[row.getAttribute('data-step-id') + '@' + row.getAttribute('data-node-name')] ??= []);
      const status = row.getAttribute('data-status');
      if (list[list.length - 1] !== status) list.push(status);
    }
    const log = panel.querySelector('[data-testid=install-log]');
    if (log && panel.getAttribute('data-state') === 'running') seen.linesWhileRunning[id] = Math.max(seen.linesWhileRunning[id] ?? 0, Number(log.getAttribute('data-lines')));
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-state', 'data-lines'] });
})()`;

interface Seen {
  statuses: Record<string, Record<string, string[]>>;
  linesWhileRunning: Record<string, number>;
}

const panel = (page: Page) => page.getByTestId('install-run');
const stepRow = (page: Page, stepId: string) => panel(page).locator(`[data-testid=install-step-row][data-step-id="${stepId}"]`);

async function pick(page: Page, recipeId: string): Promise<void> {
  await page.locator(`[data-testid=recipe-option][data-recipe-id="${recipeId}"]`).click();
  await page.locator(`[data-testid=install-plan][data-state=ready][data-recipe-id="${recipeId}"]`).waitFor();
}

/** Clicks Run and waits until a new install (not `previous`) is on screen and has ended in `state`. */
async function runUntil(page: Page, state: string, previous: number | null): Promise<number> {
  await page.getByTestId('install-start').click();
  const fresh = previous === null ? '' : `:not([data-install-id="${previous}"])`;
  await page.locator(`[data-testid=install-run]${fresh}`).waitFor({ timeout: 15_000 });
  const id = Number(await panel(page).getAttribute('data-install-id'));
  await page.locator(`[data-testid=install-run][data-install-id="${id}"][data-state=${state}]`).waitFor({ timeout: 60_000 });
  return id;
}

const statusesOf = async (page: Page) =>
  Object.fromEntries(await panel(page).locator('[data-testid=install-step-row]').evaluateAll((rows) => rows.map((r) => [`${r.getAttribute('data-step-id')}@${r.getAttribute('data-node-name')}`, r.getAttribute('data-status')])));

test('install wizard: recipes, dry-run plan, preflight, live run, already done, refusal, resume, cancel', { skip: skip ?? false, timeout: 240_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  rmSync(WORK, { recursive: true, force: true });
  // Read by the backends' install handlers when they are created (openBenchLab's and serve's).
  process.env.IOVLAB_RECIPES_DIR = RECIPES;
  const work = await mkdtemp(join(tmpdir(), 'iovlab-install-e2e-'));
  let lab: NsLab | null = null;
  let bench: BenchLab | null = null;
  let served: ServeHandle | null = null;
  let context: BrowserContext | null = null;
  try {
    lab = await startNsLab();
    const [b, c] = await Promise.allSettled([openBenchLab(lab, 'install lab'), launchChromium(join(work, 'profile'))]);
    bench = b.status === 'fulfilled' ? b.value : null;
    context = c.status === 'fulfilled' ? c.value : null;
    for (const r of [b, c]) if (r.status === 'rejected') throw r.reason;
    assert.ok(bench && context);
    served = await runServe({ dataDir: bench.dataDir, staticDir: STATIC_DIR, handleSignals: false, log: () => undefined });
    const { page, problems } = await watchedPage(context);

    await page.goto(`${served.url}#/lab/${bench.labId}`);
    await waitReady(page);
    await page.getByTestId('lab-tab-install').click();
    await page.locator('[data-testid=install-history][data-state=ready]').waitFor();
    await page.getByTestId('install-history-empty').waitFor();
    assert.match(new URL(page.url()).search, /view=install/);

    // The recipes: the fixtures, recommended first; only the historical one carries the badge.
    const options = page.locator('[data-testid=recipe-option]');
    await options.first().waitFor();
    assert.deepEqual(await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-recipe-id'))), ['e2e-basic', 'e2e-refused', 'e2e-slow', 'e2e-resume']);
    const historical = page.locator('[data-testid=recipe-option][data-historical=yes]');
    assert.equal(await historical.count(), 1);
    assert.equal(await historical.getAttribute('data-recipe-id'), 'e2e-resume');
    assert.equal((await historical.getByTestId('historical-badge').textContent())?.trim(), 'historical: for reproducing the 2010 study on period hardware/images');

    // The dry-run plan shows every step's side, nodes, needs and exact commands, as the backend plans them.
    await pick(page, 'e2e-basic');
    const plan = await bench.call('install.plan', { recipeId: 'e2e-basic', labId: bench.labId });
    const planSteps = page.locator('[data-testid=plan-step]');
    assert.equal(await planSteps.count(), plan.steps.length);
    for (const s of plan.steps) {
      const el = page.locator(`[data-testid=plan-step][data-step-id="${s.stepId}"]`);
      assert.equal(await el.getAttribute('data-side'), s.side);
      assert.equal(await el.getByTestId('plan-check').textContent(), s.check);
      assert.equal(await el.getByTestId('plan-action').textContent(), s.action);
      assert.equal(await el.getByTestId('plan-verify').textContent(), s.verify);
      assert.match((await el.getByTestId('plan-nodes').textContent()) ?? '', new RegExp(`on ${s.side === 'front-end' ? 'front' : 'back'}$`));
      assert.deepEqual(await el.getByTestId('plan-need').allTextContents(), s.needs.map((n) => `needs ${n}`));
    }
    assert.match(await textOf(page, '[data-testid=plan-step][data-step-id=e2e-config] [data-testid=plan-action]'), /printf 'iovlab=1\\n' > \/tmp\/iovlab-e2e-install\/front\/iovlab.conf/);
    assert.ok(!existsSync(WORK), 'the dry run ran nothing');
    await page.getByTestId('preflight-run').click();
    await page.locator('[data-testid=preflight-result][data-ok=yes]').waitFor({ timeout: 30_000 });
    await shot(page, 'install-01-plan');

    // Run: the log fills while it runs; every step runs then ends done, the systemd one not applicable.
    await page.evaluate(RECORD_INSTALL);
    const first = await runUntil(page, 'ok', null);
    const seen = (await page.evaluate('window.seen')) as Seen;
    assert.ok((seen.linesWhileRunning[first] ?? 0) > 0, 'log lines appeared while the install ran');
    // Lines reach the pane in 50 ms batches: wait for the last one before reading the pane.
    await page.locator('[data-testid=install-log]', { hasText: 'e2e-install: back-end step 2 of 2' }).waitFor({ timeout: 10_000 });
    const logText = await page.getByTestId('install-log').textContent();
    for (const line of ['e2e-install: created /tmp/iovlab-e2e-install/front', 'e2e-install: wrote /tmp/iovlab-e2e-install/front/iovlab.conf', 'e2e-install: back-end step 2 of 2']) {
      assert.ok(logText?.includes(line), `the live log shows "${line}"`);
    }
    assert.equal(await page.locator('[data-testid=install-log] [data-stream=stderr]', { hasText: 'e2e-install: a line on stderr' }).count(), 1);
    const expected = { 'e2e-workdir@front': 'done', 'e2e-config@front': 'done', 'e2e-nc-marker@back': 'done', 'e2e-service@back': 'not-applicable' };
    assert.deepEqual(await statusesOf(page), expected);
    for (const key of ['e2e-workdir@front', 'e2e-config@front', 'e2e-nc-marker@back']) {
      assert.deepEqual(seen.statuses[first]?.[key]?.slice(-2), ['running', 'done'], `${key} went ${seen.statuses[first]?.[key]?.join(' → ')}`);
    }
    assert.match((await stepRow(page, 'e2e-service').getByTestId('install-step-reason').textContent()) ?? '', /systemd/);
    const stored = await bench.call('install.get', { installId: first });
    assert.equal(stored.status, 'ok');
    for (const s of stored.steps) assert.equal(s.status, expected[`${s.stepId}@${s.nodeName}` as keyof typeof expected]);
    assert.equal(readFileSync(`${WORK}/front/iovlab.conf`, 'utf8'), 'iovlab=1\n');
    await stepRow(page, 'e2e-config').click();
    assert.match(await textOf(page, '[data-testid=install-step-log]'), /wrote \/tmp\/iovlab-e2e-install\/front\/iovlab.conf/);
    await shot(page, 'install-02-done');

    // Again: every check passes first, so nothing runs.
    const second = await runUntil(page, 'ok', first);
    assert.deepEqual(await statusesOf(page), { 'e2e-workdir@front': 'already-done', 'e2e-config@front': 'already-done', 'e2e-nc-marker@back': 'already-done', 'e2e-service@back': 'not-applicable' });
    await page.locator(`[data-testid=install-history-row][data-install-id="${second}"][data-status=ok]`).waitFor();
    assert.deepEqual(await page.locator('[data-testid=install-history-row]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-install-id')))), [second, first]);
    await shot(page, 'install-03-already-done');

    // A recipe for another distribution: Run is refused, with preflight's reasons next to it.
    await pick(page, 'e2e-refused');
    await page.getByTestId('install-start').click();
    await page.getByTestId('install-start-error').waitFor();
    assert.match(await textOf(page, '[data-testid=install-start-error]'), /^preflight refused to install "E2E recipe for CentOS 7 only \(fixture\)" on lab "install lab": the problems are listed below\.$/);
    await page.locator('[data-testid=preflight-result][data-ok=no]').waitFor({ timeout: 30_000 });
    const problemTexts = await page.getByTestId('preflight-problem').allTextContents();
    assert.ok(problemTexts.some((t) => /^node "front": runs Debian .*supports CentOS 7$/.test(t)), problemTexts.join('\n'));
    // A step's log saved just after the end of install #2 must not make it look running again.
    assert.equal(await panel(page).getAttribute('data-state'), 'ok');
    await shot(page, 'install-04-refused');
    // Knowingly waiving the distribution check: the same Run goes ahead, and the log says what was waived.
    assert.equal(await page.getByTestId('waive-virt-extensions').count(), 0, 'only the checks that failed are offered');
    await page.getByTestId('waive-distro').check();
    const waivedRun = await runUntil(page, 'ok', second);
    // Log lines reach the pane in 50 ms batches, so the one-step run may show ok before its lines.
    await page.locator('[data-testid=install-log]', { hasText: 'preflight (waived by the user: distro)' }).waitFor({ timeout: 10_000 });
    assert.match((await page.getByTestId('install-log').textContent()) ?? '', /preflight \(waived by the user: distro\): node "front": runs Debian/);
    assert.equal((await bench.call('install.get', { installId: waivedRun })).steps[0]?.status, 'already-done');

    // A failing step, then Resume once the cause is gone: the finished step is kept.
    await pick(page, 'e2e-resume');
    assert.equal(await page.locator('[data-testid=install-plan] [data-testid=historical-badge]').count(), 1);
    const failing = await runUntil(page, 'failed', waivedRun);
    assert.equal(await stepRow(page, 'e2e-resume-back').getAttribute('data-status'), 'failed');
    assert.equal(await stepRow(page, 'e2e-resume-front').getAttribute('data-status'), 'done');
    await page.locator('[data-testid=install-log]', { hasText: 'allow-resume is missing' }).waitFor({ timeout: 10_000 });
    await shot(page, 'install-05-failed');
    const frontBefore = (await bench.call('install.get', { installId: failing })).steps.find((s) => s.stepId === 'e2e-resume-front');
    writeFileSync(`${WORK}/allow-resume`, '');
    await page.getByTestId('install-resume').click();
    await page.locator(`[data-testid=install-run][data-install-id="${failing}"][data-state=ok]`).waitFor({ timeout: 60_000 });
    assert.equal(await stepRow(page, 'e2e-resume-back').getAttribute('data-status'), 'done');
    const frontAfter = (await bench.call('install.get', { installId: failing })).steps.find((s) => s.stepId === 'e2e-resume-front');
    assert.ok(frontBefore && frontAfter && ['done', 'already-done'].includes(frontAfter.status));
    assert.ok(existsSync(`${WORK}/resume/back.marker`));

    // Cancel a sleeping step: the install ends cancelled, nothing is left running, Resume is offered.
    await pick(page, 'e2e-slow');
    await page.getByTestId('install-start').click();
    await page.locator(`[data-testid=install-run]:not([data-install-id="${failing}"])[data-state=running]`).waitFor({ timeout: 15_000 });
    const slow = Number(await panel(page).getAttribute('data-install-id'));
    await page.locator('[data-testid=install-log] [data-testid=log-line]', { hasText: 'e2e-install: sleeping' }).waitFor({ timeout: 30_000 });
    await panel(page).locator('[data-testid=install-step-row][data-step-id=e2e-sleep][data-status=running]').waitFor();
    await page.getByTestId('install-cancel').click();
    await page.locator(`[data-testid=install-run][data-install-id="${slow}"][data-state=cancelled]`).waitFor({ timeout: 30_000 });
    assert.ok(['cancelled', 'failed'].includes((await stepRow(page, 'e2e-sleep').getAttribute('data-status')) ?? ''));
    assert.deepEqual((await processesIn(lab.front.ns)).filter((n) => n === 'sleep'), [], 'cancel leaves nothing running on the node');
    assert.ok(await page.getByTestId('install-resume').isVisible(), 'a cancelled install offers Resume');
    assert.ok(!existsSync(`${WORK}/slept.marker`));
    await shot(page, 'install-06-cancelled');

    assert.deepEqual(await page.locator('[data-testid=alert]').allTextContents(), [], 'no error alerts');
    assert.deepEqual(problems(), [], 'no CSP violations or page errors');
  } finally {
    await context?.close();
    await served?.close();
    await bench?.backend.close();
    await lab?.stop();
    if (bench) rmSync(bench.dataDir, { recursive: true, force: true });
    rmSync(WORK, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  }
});
