import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

const ARTIFACTS = path.resolve(__dirname, '../test-artifacts');

describe.skipIf(!hasChromium)('GraphiQL in a real browser', () => {
  let p: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    p = await startTestPlatform({ entities: 40 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
  });

  it('loads from the platform alone, logs in and runs a query with the token', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const foreign: string[] = [];
    const failures: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(p.url)) foreign.push(r.url());
    });
    page.on('requestfailed', (r) => failures.push(r.url()));
    page.on('pageerror', (e) => failures.push(e.message));
    // the page's Content-Security-Policy (issue 18) must not block any of GraphiQL
    page.on('console', (m) => {
      if (m.text().startsWith('CSP violation')) failures.push(m.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${p.url}/graphql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });

    // run the default document's Login operation the way a person does: the run button, then the operation
    await page.click('.graphiql-execute-button');
    await page.getByRole('menuitem', { name: 'Login' }).click();
    const response = page.locator('.graphiql-response');
    await expect.poll(async () => (await response.innerText()).includes('hds_'), { timeout: 20_000 }).toBe(true);
    const text = await response.innerText();
    const token = /"(hds_[A-Za-z0-9_-]+)"/.exec(text)?.[1];
    expect(token, text).toBeDefined();
    // the token works for a query from the same page
    const me = await page.evaluate(async (t) => {
      const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` }, body: JSON.stringify({ query: '{ me { name } }' }) });
      return res.json();
    }, token);
    expect(me).toEqual({ data: { me: { name: 'sd-admin' } } });

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });
    expect(foreign).toEqual([]);
    expect(failures).toEqual([]);
  });
});
