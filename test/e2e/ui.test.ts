// The whole product through its UI: Debian's Chromium drives the built renderer, served by the
// real browser host and backend, against two real sshd hosts in network namespaces.
// Waits only on app state (data-state, data-status) — never on fixed sleeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { runServe, type ServeHandle } from '../../electron/host/serve.js';
import { PROBED_TOOLS } from '../../shared/facts.js';
import { netnsUnavailableReason, startNsLab, type NsLab } from '../helpers/netns-lab.js';

const CHROMIUM = '/usr/bin/chromium';
const STATIC_DIR = resolve('dist/renderer');
const SHOTS = resolve('test-output/e2e');

function skipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`;
  if (!existsSync(join(STATIC_DIR, 'index.html'))) return 'dist/renderer is missing: run npm run build:renderer';
  return netnsUnavailableReason();
}
const skip = skipReason();

async function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 900 },
  });
}

/** The page, with every console message kept so a CSP violation or a crash fails the test. */
function watch(page: Page): string[] {
  const messages: string[] = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return messages;
}

async function alerts(page: Page): Promise<string[]> {
  return page.locator('[role=alert]').allTextContents();
}

async function assertNoAlerts(page: Page, when: string): Promise<void> {
  assert.deepEqual(await alerts(page), [], `error shown ${when}`);
}

async function ready(page: Page): Promise<void> {
  await page.locator('[data-testid=app][data-state=ready]').waitFor({ timeout: 15_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const row = (page: Page, node: string) => page.locator(`[data-testid=node-row][data-node-name="${node}"]`);
const details = (page: Page, node: string) => page.locator(`[data-testid=node-details][data-node-name="${node}"]`);

async function addNode(page: Page, o: { name: string; preset: 'front' | 'back'; host: string; keyPath: string; jump?: string }): Promise<void> {
  const form = page.getByTestId('add-node-form');
  await form.getByTestId('node-name').fill(o.name);
  await form.getByTestId(`preset-${o.preset}`).click();
  await form.getByTestId('node-host').fill(o.host);
  await form.getByTestId('node-port').fill('22');
  await form.getByTestId('node-user').fill('root');
  await form.getByTestId('auth-key').check();
  await form.getByTestId('node-key-path').fill(o.keyPath);
  if (o.jump) {
    const value = await form.getByTestId('node-jump').locator('option', { hasText: `${o.jump} (` }).getAttribute('value');
    await form.getByTestId('node-jump').selectOption(value ?? '');
  }
  await form.getByTestId('add-node').click();
  await row(page, o.name).waitFor();
  await assertNoAlerts(page, `after adding ${o.name}`);
}

async function trustHostKey(page: Page, node: string, expectedFingerprint: string): Promise<void> {
  await row(page, node).getByTestId('check-host-key').click();
  const scan = details(page, node).getByTestId('hostkey-scan');
  await scan.waitFor({ timeout: 15_000 }).catch(async (e: unknown) => assert.fail(`no host key shown for ${node}: ${String(e)}; alerts: ${(await alerts(page)).join(' | ')}`));
  assert.equal(await scan.getAttribute('data-status'), 'new');
  assert.equal(await scan.getByTestId('hostkey-fingerprint').textContent(), expectedFingerprint, `fingerprint shown for ${node}`);
  await details(page, node).screenshot({ path: join(SHOTS, `03-host-key-new-${node}.png`) });
  await scan.getByTestId('hostkey-accept').click();
  await details(page, node).locator('[data-testid=hostkey-scan][data-status=trusted]').waitFor();
  await row(page, node).locator('[data-testid=node-hostkey][data-trusted=yes]').waitFor();
  await assertNoAlerts(page, `after accepting the key of ${node}`);
}

async function probe(page: Page, node: string): Promise<void> {
  await row(page, node).getByTestId('probe-node').click();
  const status = details(page, node).locator('[data-testid=probe-status][data-status=ok], [data-testid=probe-status][data-status=failed], [data-testid=probe-status][data-status=cancelled]');
  await status.waitFor({ timeout: 60_000 });
  const final = await status.getAttribute('data-status');
  assert.equal(final, 'ok', `probe of ${node} ended ${final}: ${(await alerts(page)).join(' | ')}`);
  await checkFacts(page, node);
}

async function checkFacts(page: Page, node: string): Promise<void> {
  const facts = details(page, node).getByTestId('facts-panel');
  await facts.waitFor({ timeout: 15_000 });
  // The namespaces share this machine's kernel, so the probe must report exactly ours.
  assert.equal(await facts.getByTestId('facts-kernel').textContent(), release());
  assert.equal(await facts.locator('[data-testid=tool-row]').count(), PROBED_TOOLS.length);
  assert.equal(await facts.locator('[data-testid=tool-row][data-tool=dd]').getAttribute('data-installed'), 'yes');
  assert.notEqual(await facts.getByTestId('facts-cores').textContent(), '—');
  // The same kernel's /proc/cpuinfo: a VM here exactly when this machine's CPU has the hypervisor flag.
  const vm = /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  assert.match((await facts.getByTestId('facts-vm-noise').textContent()) ?? '', vm ? /^VM; / : /^bare metal; /);
}

async function openFacts(page: Page, node: string): Promise<void> {
  await row(page, node).getByTestId('select-node').click();
  await checkFacts(page, node);
}

test('UI: create a lab, add front and back, trust host keys, probe, see facts and readiness; survives reload and restart', { skip: skip ?? false, timeout: 150_000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'iovlab-e2e-'));
  const dataDir = join(work, 'data');
  let lab: NsLab | null = null;
  let served: ServeHandle | null = null;
  let context: BrowserContext | null = null;
  try {
    // Started side by side; whatever did start is still stopped in `finally` if another part failed.
    const [l, s, c] = await Promise.allSettled([
      startNsLab(),
      runServe({ dataDir, staticDir: STATIC_DIR, handleSignals: false, log: () => undefined }),
      launch(join(work, 'profile')),
    ]);
    lab = l.status === 'fulfilled' ? l.value : null;
    served = s.status === 'fulfilled' ? s.value : null;
    context = c.status === 'fulfilled' ? c.value : null;
    for (const r of [l, s, c]) if (r.status === 'rejected') throw r.reason;
    assert.ok(lab && served && context);
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLog = watch(page);

    await page.goto(served.url);
    await ready(page);
    assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token is removed from the address bar');
    await shot(page, '01-labs-empty');

    await page.getByTestId('lab-name').fill('Shafer 2010 testbed');
    await page.getByTestId('lab-description').fill('front-end with every controller, one node controller behind it');
    await page.getByTestId('create-lab').click();
    await page.getByTestId('lab-page').waitFor();
    assert.equal(await page.getByTestId('lab-title').textContent(), 'Shafer 2010 testbed');

    await addNode(page, { name: 'front', preset: 'front', host: lab.front.ip, keyPath: lab.userKeyPath });
    await addNode(page, { name: 'back', preset: 'back', host: lab.backPrivateIp, keyPath: lab.userKeyPath, jump: 'front' });
    assert.equal(await row(page, 'front').locator('abbr.role').allTextContents().then((r) => r.join(',')), 'CLC,CC,EBS,WALRUS');
    assert.equal(await row(page, 'back').locator('abbr.role').allTextContents().then((r) => r.join(',')), 'NC');
    await shot(page, '02-nodes-added');

    await trustHostKey(page, 'front', lab.front.hostKeyFingerprint);
    await trustHostKey(page, 'back', lab.back.hostKeyFingerprint);

    await probe(page, 'front');
    await probe(page, 'back');
    await shot(page, '04-back-probed');
    const readiness = page.getByTestId('readiness-panel');
    await readiness.locator('[data-testid=readiness-row]').first().waitFor();
    assert.ok((await readiness.locator('[data-testid=readiness-row]').count()) > 0);
    await readiness.screenshot({ path: join(SHOTS, '05-readiness.png') });
    await assertNoAlerts(page, 'after probing');

    // A changed host key is a red warning with both fingerprints; accepting replaces the old one.
    const before = lab.front.hostKeyFingerprint;
    const rotated = await lab.rotateHostKey('front');
    await row(page, 'front').getByTestId('check-host-key').click();
    const changed = details(page, 'front').locator('[data-testid=hostkey-scan][data-status=changed]');
    await changed.waitFor({ timeout: 15_000 });
    assert.ok(await changed.getByTestId('hostkey-changed').isVisible());
    assert.equal(await changed.getByTestId('hostkey-old-fingerprint').textContent(), before);
    assert.equal(await changed.getByTestId('hostkey-fingerprint').textContent(), rotated);
    await details(page, 'front').screenshot({ path: join(SHOTS, '05-host-key-changed.png') });
    await changed.getByTestId('hostkey-accept').click();
    await details(page, 'front').locator('[data-testid=hostkey-scan][data-status=trusted]').waitFor();
    assert.equal(await details(page, 'front').getByTestId('hostkey-trusted-fingerprint').textContent(), rotated);
    await assertNoAlerts(page, 'after replacing the host key');

    // A reload keeps the page (hash route) and everything the backend stored.
    await page.reload();
    await ready(page);
    await page.getByTestId('lab-page').waitFor();
    await row(page, 'back').locator('[data-testid=node-hostkey][data-trusted=yes]').waitFor();
    await openFacts(page, 'front');
    await shot(page, '06-after-reload');

    // A restarted server has a new token and the same data.
    const oldPort = served.port;
    await served.close();
    served = null;
    await page.locator('[data-testid=app][data-state=disconnected]').waitFor();
    served = await runServe({ dataDir, staticDir: STATIC_DIR, handleSignals: false, log: () => undefined });
    await page.goto(served.url);
    await ready(page);
    await page.locator('[data-testid=lab-row][data-lab-name="Shafer 2010 testbed"] [data-testid=open-lab]').click();
    await row(page, 'front').locator('[data-testid=node-hostkey][data-trusted=yes]').waitFor();
    await row(page, 'back').locator('[data-testid=node-hostkey][data-trusted=yes]').waitFor();
    await openFacts(page, 'back');
    await page.getByTestId('readiness-panel').locator('[data-testid=readiness-row]').first().waitFor();
    await shot(page, '07-after-restart');
    assert.notEqual(served.port, oldPort);

    // Without the token (no cookie either) nothing is served.
    assert.equal((await fetch(`http://127.0.0.1:${served.port}/`)).status, 401);
    assert.equal(await page.evaluate(() => fetch('/', { credentials: 'omit' }).then((r) => r.status)), 401);

    const cspViolations = consoleLog.filter((m) => /Content Security Policy|pageerror/i.test(m));
    assert.deepEqual(cspViolations, [], 'no CSP violations or page errors');
  } finally {
    await context?.close();
    await served?.close();
    await lab?.stop();
    await rm(work, { recursive: true, force: true });
  }
});
