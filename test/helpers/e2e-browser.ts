// Debian's Chromium driven by playwright-core for the e2e tests: why a browser test cannot run
// here, a headless context with its own profile, and a page whose console is kept so a CSP
// violation or an uncaught error fails the test.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const STATIC_DIR = resolve('dist/renderer');
export const SHOTS = resolve('test-output/e2e');

/** Why a browser test cannot run here, or null. */
export function browserSkipReason(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`;
  if (!existsSync(join(STATIC_DIR, 'index.html'))) return 'dist/renderer is missing: run npm run build:renderer';
  return null;
}

/** The browser's reasons, then poppler's: the report tests read their PDFs with pdftotext/pdftoppm. */
export function pdfTestSkipReason(): string | null {
  const browser = browserSkipReason();
  if (browser) return browser;
  for (const tool of ['pdftotext', 'pdftoppm']) if (!existsSync(`/usr/bin/${tool}`)) return `/usr/bin/${tool} not found (apt-get install poppler-utils)`;
  return null;
}

export function launchChromium(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 900 },
  });
}

export interface WatchedPage {
  page: Page;
  /** Every console message and page error, in order. */
  messages: string[];
  /** CSP violations and uncaught errors: a test asserts this is empty. */
  problems(): string[];
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = context.pages()[0] ?? (await context.newPage());
  const messages: string[] = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return { page, messages, problems: () => messages.filter((m) => /Content Security Policy|pageerror/i.test(m)) };
}

export async function waitReady(page: Page): Promise<void> {
  await page.locator('[data-testid=app][data-state=ready]').waitFor({ timeout: 15_000 });
}

export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}
