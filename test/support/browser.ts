/**
 * What the browser tests share: Debian's Chromium (required under CI=true, where .ci/run installs it),
 * launched with the project's flags; a page watched for requests leaving the platform, page errors and
 * CSP violations, keeping the GraphQL answers it received; downloads read back as bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** foreign requests, page errors, console errors (but 401/404 answers), CSP violations */
  problems: string[];
  /** the bodies of the GraphQL answers the page received */
  bodies: string[];
}

/** A fresh browser context (own sessionStorage) on the platform at `baseUrl`, watched as said above. */
export async function watchedPage(browser: Browser, baseUrl: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems: string[] = [];
  const bodies: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`foreign request ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (404|401)/.test(m.text())) problems.push(`console ${m.text()}`);
  });
  page.on('response', async (r) => {
    if (r.url().endsWith('/graphql')) bodies.push(await r.text().catch(() => ''));
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { context, page, problems, bodies };
}

/** Clicks `selector` and returns the download it starts. */
export async function downloadBytes(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.click(selector)])) as [Download, void];
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}
