// The "Create local lab" button on the labs page, in Debian's Chromium, against the real
// `iovlab serve` (a child process, as a user runs it) with its own data dir: the click starts the
// build job, its progress and live output show in the card, and Cancel ends it. A full build
// takes minutes, so the test does not wait for one. What the cancelled build made is removed with
// the card's "Remove local lab" (behind its confirmation), then by `iovlab lab down --local` on
// the same data dir as a safety net, and the test checks nothing is left on the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { LocalLabStatus } from '../../shared/presets/lab.js';
import { runCli, startServe } from '../helpers/cli.js';
import { browserSkipReason, launchChromium, SHOTS, shot, textOf, waitReady, watchedPage } from '../helpers/e2e-browser.js';
import { footprint, leftovers, localLabSkipReason } from '../helpers/locallab-leftovers.js';

const skip = browserSkipReason() ?? localLabSkipReason();

test('local lab card: Create starts the build job with progress and live output; Cancel; Remove leaves nothing', { skip, timeout: 240_000 }, async (t) => {
  await mkdir(SHOTS, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'iovlab-locallab-e2e-'));
  const dataDir = join(work, 'data');
  let serve: Awaited<ReturnType<typeof startServe>> | null = null;
  let context: BrowserContext | null = null;
  let downDone = false;
  const labDown = () => runCli(['--data-dir', dataDir, 'lab', 'down', '--local', '--json'], { timeoutMs: 120_000 });
  try {
    [serve, context] = await Promise.all([startServe(['--data-dir', dataDir]), launchChromium(join(work, 'profile'))]);
    const { page, problems } = await watchedPage(context);
    await page.goto(serve.url);
    await waitReady(page);
    const card = page.getByTestId('locallab-card');
    await page.locator('[data-testid=locallab-card][data-state=down]').waitFor();
    assert.equal(await card.getByTestId('locallab-remove').count(), 0, 'nothing to remove before a lab exists');
    await shot(page, 'locallab-01-down');

    await card.getByTestId('locallab-create').click();
    await page.locator('[data-testid=locallab-progress][data-status=running]').waitFor({ timeout: 30_000 });
    assert.match(await textOf(page, '[data-testid=locallab-progress]'), /^Building: step \d of 3/);
    // The build's own output, live: the guest image line comes first (built or found in the cache).
    await card.locator('[data-testid=locallab-log] [data-testid=log-line]').first().waitFor({ timeout: 60_000 });
    const firstLines = await card.locator('[data-testid=locallab-log] [data-testid=log-line]').allTextContents();
    assert.ok(firstLines.length >= 1 && firstLines.every((l) => l.trim() !== ''), firstLines.join('\n'));
    await shot(page, 'locallab-02-building');

    await card.getByTestId('locallab-cancel').click();
    await page.locator('[data-testid=locallab-progress]:not([data-status=running])').waitFor({ timeout: 120_000 });
    const ended = await page.getByTestId('locallab-progress').getAttribute('data-status');
    assert.equal(ended, 'cancelled', `the build ended "${ended}" after Cancel; log:\n${(await card.getByTestId('locallab-log').textContent()) ?? ''}`);
    assert.match(await textOf(page, '[data-testid=locallab-progress]'), /Build cancelled/);
    // The card shows the lab as the backend finds it after the cancelled build, not a guess.
    const status = JSON.parse((await runCli(['--data-dir', dataDir, 'lab', 'status', '--local', '--json'])).stdout) as LocalLabStatus;
    const expected = status.up ? 'up' : status.addresses || status.daemons.length > 0 || status.problems.length > 0 ? 'broken' : 'down';
    await page.locator(`[data-testid=locallab-card][data-state=${expected}]`).waitFor();
    assert.equal(await card.getByTestId('locallab-cancel-note').count(), expected === 'down' ? 0 : 1, 'a cancelled build that left something says so');
    await shot(page, 'locallab-03-cancelled');
    await t.test('Cancel stops the build before it finishes (labUp checks the job\'s signal between phases)', () => {
      assert.notEqual(expected, 'up');
    });

    // Remove, behind its confirmation: what the build made goes, nothing is left on the machine.
    const fp = footprint(dataDir);
    if (expected !== 'down') {
      await card.getByTestId('locallab-remove').click();
      await card.getByTestId('locallab-remove-confirm').click();
      await card.getByTestId('locallab-removed').waitFor({ timeout: 120_000 });
      await page.locator('[data-testid=locallab-card][data-state=down]').waitFor();
      assert.match(await textOf(page, '[data-testid=locallab-removed]'), /^Removed: .*namespace/);
      await shot(page, 'locallab-04-removed');
    }
    assert.deepEqual(await page.locator('[data-testid=alert]').allTextContents(), [], 'no error alerts');
    assert.deepEqual(problems(), [], 'no CSP violations or page errors');
    await context.close();
    context = null;
    await serve.stop();
    serve = null;
    const down = await labDown();
    assert.equal(down.code, 0, down.stderr);
    downDone = true;
    assert.deepEqual(await leftovers(fp), [], 'nothing of the cancelled build is left behind');
  } finally {
    await context?.close();
    await serve?.stop();
    if (!downDone) await labDown().catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
});
