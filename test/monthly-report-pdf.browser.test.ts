/**
 * The monthly report in a real browser (Debian's Chromium through playwright-core): the stored HTML shows
 * its table and three SVG charts without loading anything, and the PDF printed from it is stored and
 * downloadable for the province and city units.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetrics } from '../analytics/metrics';
import { generateMonthlyReports } from '../analytics/report';
import { chinaDay } from '../services/calendar/working-days';
import { runAsSystem } from '../services/system-actor';
import { ok } from './support/checks';
import { ARTIFACTS, hasChromium, launchChromium } from './support/browser';
import { startTestPlatform, type TestPlatform } from './support/platform';

const MONTH = chinaDay().slice(0, 7);
const evidenceDir = `/tmp/hongdun-report-pdf-${process.pid}`;

describe.skipIf(!hasChromium)('monthly report in a real browser', () => {
  let p: TestPlatform;
  let browser: Browser;
  let admin: string;
  let files: { format: string; url: string; sha256: string }[];

  beforeAll(async () => {
    p = await startTestPlatform({ entities: 40, config: { evidenceDir } });
    await refreshMetrics(p.orm, MONTH);
    const [city] = await runAsSystem('pdf test', () => p.orm.em.fork().getConnection().execute<{ id: number }[]>(`select id from unit where code = '3701'`));
    const result = await runAsSystem('pdf test', () => generateMonthlyReports(p.orm.em.fork(), { month: MONTH, unitIds: [city.id], evidenceDir, trigger: 'test', pdf: 'auto' }));
    expect(result.pdfs).toBe(1);
    admin = await p.login('sd-admin');
    files = ok(await p.gql(`query($u: ID!, $m: String!) { monthlyReport(unitId: $u, month: $m) { files { format url sha256 } } }`, { u: String(city.id), m: MONTH }, admin)).monthlyReport.files;
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
  });

  it('the HTML renders its table and three charts without any request of its own', async () => {
    const html = await (await fetch(`${p.url}${files.find((f) => f.format === 'HTML')!.url}`, { headers: { authorization: `Bearer ${admin}` } })).text();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.setContent(html, { waitUntil: 'load' });
    expect(await page.locator('h1').innerText()).toBe('《网络市场监管月度统计报表》');
    const charts = await page.locator('section.charts svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(charts).toHaveLength(3);
    expect(charts.every((h) => h > 100)).toBe(true);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(2);
    expect(requests).toEqual([]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'monthly-report.png'), fullPage: true });
    await page.close();
  });

  it('the PDF is stored and served', async () => {
    const pdf = files.find((f) => f.format === 'PDF');
    expect(pdf).toBeDefined();
    const res = await fetch(`${p.url}${pdf!.url}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
    fs.writeFileSync(path.join(ARTIFACTS, 'monthly-report.pdf'), bytes);
  });
});
