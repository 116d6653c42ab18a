/**
 * The wall screen (大屏, issue 18) in real headless Chromium on a small demo province with a month of work,
 * findings this month and a year ago, the metrics refreshed and the assessment run: at 1920×1080 and
 * 3840×2160 the page fills the viewport without scrollbars, the KPI numbers (with 同比/环比), the map's value
 * on each of the 16 cities, the TOP-5 lists and the alert counts equal the API's answers fetched here; both
 * charts have data and drawn pixels; no two text labels overlap (the DOM labels and the map's canvas labels);
 * the clock ticks, the data refreshes without a reload and the focus moves to another city. Without a session
 * it shows a login form. Screenshots: test-artifacts/screen-*.png, and docs/screenshots/screen.png (README) when UPDATE_SCREENSHOTS=1.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetrics } from '../analytics/metrics';
import { RULES } from '../kernel/rules';
import { chinaDay } from '../services/calendar/working-days';
import { runAssessment } from '../analytics/assessment/run-assessment';
import { loadDemoWork } from '../demo/load-demo-work';
import { ok, workflowChecks } from './support/checks';
import { ARTIFACTS, hasChromium, launchChromium, watchedPage } from './support/browser';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from './support/platform';

const MONTH = chinaDay().slice(0, 7);
const YEAR = Number(MONTH.slice(0, 4));
const shift = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};
const PREVIOUS = shift(MONTH, -1);
const LAST_YEAR = shift(MONTH, -12);
const KPI_KEYS = ['findings', 'findings_high', 'clues_overdue', 'cases_filed', 'complaints_received', 'patrol_coverage'];
const SHOT = path.resolve(__dirname, '../docs/screenshots/screen.png');

const METRICS = `query($keys: [String!]!, $ids: [ID!], $children: Boolean, $from: String!, $to: String!) {
  metrics(keys: $keys, unitIds: $ids, children: $children, from: $from, to: $to, granularity: MONTH) { unit { id code name } period key value }
}`;
const ASSESSMENT = `query($u: ID!, $y: Int!) { assessmentResults(parentUnitId: $u, year: $y) { unit { code } total siblingRank } }`;
const ALERT_COUNTS = `{ a: clues(filter: { overdue: true }, first: 1) { totalCount } b: complaints(filter: { acceptanceOverdue: true }, first: 1) { totalCount } c: findings(filter: { severities: [HIGH] }, first: 1) { totalCount } }`;

interface Row {
  unit: { id: string; code: string; name: string };
  period: string;
  key: string;
  value: number | null;
}

let p: TestPlatform;
let browser: Browser;
let province = '';
let seeded = { clues: 0, complaints: 0 };
const { sql } = workflowChecks(() => p, 'dashboard screen test', []);
const evidenceDir = `/tmp/hongdun-screen-${process.pid}`;

async function metrics(vars: Record<string, unknown>): Promise<Row[]> {
  return ok(await p.gql(METRICS, vars, await p.login('sd-leader'))).metrics as Row[];
}

/** A change as the screen must compute it: percent for counts, points for rates, null when not defined. */
function change(now: number | null, before: number | null, rate: boolean): number | null {
  if (now == null || before == null) return null;
  if (rate) return now - before;
  return before === 0 ? null : ((now - before) / before) * 100;
}

async function logIn(page: Page, url: string) {
  await page.goto(url);
  await page.waitForSelector('#scr-login');
  expect(await page.getAttribute('#stage', 'data-state')).toBe('login');
  await page.fill('#scr-login input[name=username]', 'sd-leader');
  await page.fill('#scr-login input[name=password]', DEMO_PASSWORD);
  await page.click('#scr-login button[type=submit]');
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#stage')?.getAttribute('data-state') ?? ''), null, { timeout: 60_000 });
  expect(await page.getAttribute('#stage', 'data-state'), await page.innerText('#stage')).toBe('ready');
  expect(await page.isVisible('#scr-error')).toBe(false);
}

/** Each chart: its series data, and the share of its canvas pixels that are drawn (not transparent). */
async function chartState(page: Page, id: string) {
  return page.evaluate((id) => {
    const chart = (window as any).echarts.getInstanceByDom(document.getElementById(id));
    const series = chart.getOption().series as { data: unknown[] }[];
    const canvas = document.querySelector(`#${id} canvas`) as HTMLCanvasElement;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) drawn++;
    return { series: series.map((s) => s.data), drawn: drawn / (px.length / 4), width: canvas.width, height: canvas.height };
  }, id);
}

/** The map's canvas labels (zrender texts) with their boxes in canvas coordinates. */
async function mapLabels(page: Page) {
  return page.evaluate(() => {
    const chart = (window as any).echarts.getInstanceByDom(document.getElementById('chart-map'));
    const list = chart.getZr().storage.getDisplayList(true) as any[];
    // a label is a ZRText; what is drawn are its tspans (one per line)
    const texts = new Set<any>();
    for (const el of list) {
      const t = el.type === 'text' ? el : el.parent?.type === 'text' ? el.parent : null;
      if (t && !t.invisible && !t.ignore && t.style?.text) texts.add(t);
    }
    return [...texts]
      .map((el) => {
        const r = el.getBoundingRect().clone();
        const m = el.getComputedTransform();
        if (m) r.applyTransform(m);
        return { text: String(el.style.text), x: r.x, y: r.y, w: r.width, h: r.height };
      });
  });
}

/** The visible DOM text labels with their boxes. */
async function domLabels(page: Page) {
  return page.$$eval('#stage .label', (els) =>
    els
      .filter((e) => (e.textContent ?? '').trim() && (e as HTMLElement).offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
      .map((e) => {
        const r = e.getBoundingClientRect();
        const box = e.closest('.panel, .scr-head')!.getBoundingClientRect();
        const inside = r.x >= box.x - 0.5 && r.y >= box.y - 0.5 && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5;
        return { text: (e.textContent ?? '').trim().slice(0, 30), x: r.x, y: r.y, w: r.width, h: r.height, inside };
      }),
  );
}

type Box = { text: string; x: number; y: number; w: number; h: number };
function overlaps(boxes: Box[]): string[] {
  const bad: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 0.5 && dy > 0.5) bad.push(`"${a.text}" × "${b.text}"`);
    }
  return bad;
}

describe.skipIf(!hasChromium)('the wall screen (大屏) in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
    await loadDemoWork(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20, complaintsPerThousandShops: 40 });
    // findings this month all over the province, and fewer a year ago (同比), written as the crawler would
    const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop order by id limit 300`);
    const now = new Date(Date.now() - 3600_000);
    const yearAgo = new Date(now.getTime() - 365 * 86_400_000);
    for (const [i, s] of shops.entries()) {
      for (const at of i % 3 === 0 ? [now, yearAgo] : [now]) {
        const rule = RULES[i % RULES.length];
        await sql(`insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis) values (?, ?, ?, ?, ?, 'test', '{}', '[]')`, [rule.id, rule.severity, s.id, s.region_code, at]);
      }
    }
    // the alert panel's deadlines, through the API: three findings raised as clues and assigned (two then
    // past their deadline, written directly as time would pass, one due tomorrow); complaints received 20 days ago
    // and still undecided (past the 7-working-day acceptance deadline) and one received today due tomorrow
    const leader = await p.login('sd-inspector');
    const high = await sql<{ id: number; shop_id: number }>(`select id, shop_id from finding where severity = 'high' order by id limit 3`);
    const clueIds: string[] = [];
    for (const [i, f] of high.entries()) {
      const clue = ok(await p.gql(`mutation($f: ID!) { raiseClueFromFinding(findingId: $f) { id } }`, { f: String(f.id) }, leader)).raiseClueFromFinding.id as string;
      // received → registered → assigned (a finding's clue may have come further already)
      const status = async () => ok(await p.gql(`query($id: ID!) { clue(id: $id) { status } }`, { id: clue }, leader)).clue.status as string;
      if ((await status()) === 'RECEIVED') ok(await p.gql(`mutation($id: ID!) { registerClue(id: $id) { id } }`, { id: clue }, leader));
      if ((await status()) === 'REGISTERED') ok(await p.gql(`mutation($i: AssignClueInput!) { assignClue(input: $i) { id } }`, { i: { clueId: clue } }, leader));
      expect(await status()).toBe('ASSIGNED');
      await sql(`update clue set deadline = ? where id = ?`, [new Date(Date.now() + (i < 2 ? -2 : 1) * 86_400_000), Number(clue)]);
      clueIds.push(clue);
    }
    const complaintIds: string[] = [];
    for (const [i, f] of high.entries()) {
      const receivedAt = new Date(Date.now() - (i < 2 ? 20 : 0) * 86_400_000).toISOString();
      const c = ok(
        await p.gql(`mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { id } }`, { i: { kind: 'COMPLAINT', complainant: { name: '王小明' }, shopId: String(f.shop_id), title: `未发货${i}`, description: '付款后未发货', receivedAt } }, leader),
      ).submitComplaint.id as string;
      if (i === 2) await sql(`update complaint set acceptance_due_on = ? where id = ?`, [new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10), Number(c)]);
      complaintIds.push(c);
    }
    seeded = { clues: clueIds.length, complaints: complaintIds.length };
    for (const month of [LAST_YEAR, PREVIOUS, MONTH]) await refreshMetrics(p.orm, month);
    await runAssessment(p.orm.em.fork(), YEAR);
    province = String((await sql<{ id: number }>(`select id from unit where code = '37'`))[0].id);
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('serves its page, style and modules with their content types and the dashboard CSP', async () => {
    for (const [file, type] of [
      ['screen.html', 'text/html'],
      ['screen.css', 'text/css'],
      ['screen.js', 'javascript'],
      ['screen-data.js', 'javascript'],
      ['screen-panels.js', 'javascript'],
    ]) {
      const res = await fetch(`${p.url}/dashboard/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toContain(type);
      expect(res.headers.get('content-security-policy'), file).toContain("script-src 'self'");
    }
    expect((await fetch(`${p.url}/dashboard/screen.htm`)).status).toBe(404);
  });

  for (const [width, height] of [
    [1920, 1080],
    [3840, 2160],
  ]) {
    it(`at ${width}×${height}: the API's figures, charts with data, no overlapping labels, no scrollbars, clock, refresh and rotation`, async () => {
      const { context, page, problems, bodies } = await watchedPage(browser, p.url);
      await page.setViewportSize({ width, height });
      await logIn(page, `${p.url}/dashboard/screen.html?rotate=2&refresh=4`);
      const scale = width / 1920;

      // fills the viewport, no scrollbars
      const fitted = await page.evaluate(() => {
        const r = document.querySelector('#stage')!.getBoundingClientRect();
        const d = document.documentElement;
        return { x: r.x, y: r.y, w: r.width, h: r.height, sw: d.scrollWidth, sh: d.scrollHeight, cw: d.clientWidth, ch: d.clientHeight };
      });
      expect(fitted.sw).toBeLessThanOrEqual(fitted.cw);
      expect(fitted.sh).toBeLessThanOrEqual(fitted.ch);
      expect(Math.abs(fitted.w - width)).toBeLessThan(1);
      expect(Math.abs(fitted.h - height)).toBeLessThan(1);

      // the KPIs: the API's month, 同比 and 环比
      const own = await metrics({ keys: KPI_KEYS, ids: [province], from: LAST_YEAR, to: MONTH });
      const at = (key: string, period: string) => own.find((r) => r.key === key && r.period === period)?.value ?? null;
      const cards = await page.$$eval('[data-testid^=kpi-]', (els) =>
        els.map((e) => ({ key: e.getAttribute('data-key')!, value: e.getAttribute('data-value'), yoy: e.getAttribute('data-yoy'), mom: e.getAttribute('data-mom'), text: e.querySelector('.num')?.textContent ?? '' })),
      );
      expect(cards.map((c) => c.key)).toEqual(KPI_KEYS);
      for (const c of cards) {
        const rate = c.key === 'patrol_coverage';
        const value = at(c.key, MONTH);
        expect(c.value === '' ? null : Number(c.value), c.key).toEqual(value);
        expect(value, `${c.key} has a value this month`).not.toBeNull();
        expect(Number(c.text.replace(/[,%]/g, '')), `${c.key} shows a number`).toBeCloseTo(value!, 1);
        const yoy = change(value, at(c.key, LAST_YEAR), rate);
        const mom = change(value, at(c.key, PREVIOUS), rate);
        if (yoy == null) expect(c.yoy, `${c.key} 同比`).toBe('');
        else expect(Number(c.yoy), `${c.key} 同比`).toBeCloseTo(yoy, 6);
        if (mom == null) expect(c.mom, `${c.key} 环比`).toBe('');
        else expect(Number(c.mom), `${c.key} 环比`).toBeCloseTo(mom, 6);
      }
      // findings this month are more than a year ago: a real 同比 is shown
      expect(Number(cards.find((c) => c.key === 'findings')!.yoy)).toBeGreaterThan(0);
      expect(await page.innerText('[data-testid=kpi-findings] [data-change=yoy]')).toMatch(/^同比 ▲[\d.,]+%$/);

      // the map: 16 cities, each with the API's value of the indicator shown, a label with it on each
      const mapKey = (await page.getAttribute('#chart-map', 'data-key'))!;
      const cities = await metrics({ keys: [mapKey], ids: [province], children: true, from: MONTH, to: MONTH });
      expect(cities).toHaveLength(16);
      const map = await chartState(page, 'chart-map');
      const data = map.series[0] as { name: string; value: number | null }[];
      expect(Object.fromEntries(data.map((d) => [d.name, d.value]))).toEqual(Object.fromEntries(cities.map((c) => [`${c.unit.code}00`, c.value])));
      expect(map.drawn).toBeGreaterThan(0.2);
      expect(map.width).toBeGreaterThanOrEqual(800 * scale);
      const labels = await mapLabels(page);
      for (const c of cities) {
        const short = c.unit.name.replace(/市场监督管理局$/, '').replace(/市$/, '');
        expect(labels.some((l) => l.text === `${short}\n${new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 }).format(c.value!)}`), `${short} on the map among ${JSON.stringify(labels.map((l) => l.text))}`).toBe(true);
      }
      expect(overlaps(labels), 'map labels').toEqual([]);

      // the trend chart: 13 months of three indicators, drawn
      const trend = await chartState(page, 'chart-trend');
      expect(trend.series).toHaveLength(3);
      for (const s of trend.series) expect(s).toHaveLength(13);
      expect((trend.series[0] as (number | null)[])[12]).toBe(at('findings', MONTH));
      expect(trend.drawn).toBeGreaterThan(0.01);

      // TOP-5 of the indicator shown: the API's five largest
      const rankKey = (await page.getAttribute('#top-list', 'data-key'))!;
      const ranked = (await metrics({ keys: [rankKey], ids: [province], children: true, from: MONTH, to: MONTH }))
        .filter((r) => r.value != null)
        .sort((a, b) => b.value! - a.value! || a.unit.code.localeCompare(b.unit.code))
        .slice(0, 5);
      const top = await page.$$eval('#top-list li', (lis) => lis.map((li) => [li.getAttribute('data-code'), Number(li.getAttribute('data-value'))]));
      expect(top).toEqual(ranked.map((r) => [r.unit.code, r.value]));

      // the assessment TOP-5: the API's ranking of the cities this year
      const assessed = (ok(await p.gql(ASSESSMENT, { u: province, y: YEAR }, await p.login('sd-leader'))).assessmentResults as { unit: { code: string }; total: number; siblingRank: number }[])
        .sort((a, b) => a.siblingRank - b.siblingRank || a.unit.code.localeCompare(b.unit.code))
        .slice(0, 5);
      expect(assessed).toHaveLength(5);
      expect(await page.$$eval('#assess-list li', (lis) => lis.map((li) => [li.getAttribute('data-code'), Number(li.getAttribute('data-value'))]))).toEqual(
        assessed.map((a) => [a.unit.code, a.total]),
      );

      // the alerts: the API's totals of overdue clues and complaints and high-severity findings; a rolling list
      const counts = ok(await p.gql(ALERT_COUNTS, {}, await p.login('sd-leader')));
      const shownCounts = Object.fromEntries(await page.$$eval('#alert-counts [data-kind]', (els) => els.map((e) => [e.getAttribute('data-kind'), Number(e.getAttribute('data-value'))])));
      expect(shownCounts.clueOverdue).toBe(counts.a.totalCount);
      expect(shownCounts.complaintOverdue).toBe(counts.b.totalCount);
      expect(shownCounts.findingHigh).toBe(counts.c.totalCount);
      expect(counts.c.totalCount).toBeGreaterThan(0);
      expect(seeded, 'the demo has assigned clues and undecided complaints').toEqual({ clues: 3, complaints: 3 });
      expect(counts.a.totalCount).toBeGreaterThanOrEqual(1);
      expect(counts.b.totalCount).toBeGreaterThanOrEqual(1);
      expect(shownCounts.clueDue).toBeGreaterThanOrEqual(1);
      expect(shownCounts.complaintDue).toBeGreaterThanOrEqual(1);
      // the list rolls: overdue first, then due soon, then the high-severity findings
      const kinds = await page.$$eval('#alert-list li.alert', (lis) => lis.map((li) => li.getAttribute('data-kind')));
      expect(kinds[0]).toMatch(/Overdue$/);
      expect(await page.$$eval('#alert-list li.alert', (lis) => lis.length)).toBeGreaterThan(0);

      // every panel says its period or as-of time
      for (const id of ['#kpi-meta', '#map-meta', '#top-meta', '#trend-meta', '#assess-meta', '#alerts-meta']) expect(await page.innerText(id), id).toContain('截至');
      expect(await page.innerText('#kpi-meta')).toContain(MONTH);

      // no two DOM text labels overlap, and each lies inside the screen
      const dom = await domLabels(page);
      expect(dom.length).toBeGreaterThan(60);
      expect(overlaps(dom), 'DOM labels').toEqual([]);
      for (const l of dom) expect(l.inside && l.x >= -0.5 && l.y >= -0.5 && l.x + l.w <= width + 0.5 && l.y + l.h <= height + 0.5, `${l.text} inside its panel and the screen`).toBe(true);

      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `screen-${width}x${height}.png`), animations: 'disabled' });
      if (width === 1920 && process.env.UPDATE_SCREENSHOTS === '1') {
        fs.mkdirSync(path.dirname(SHOT), { recursive: true });
        await page.screenshot({ path: SHOT, animations: 'disabled' });
      }

      // the clock ticks
      const clock = await page.innerText('#clock');
      await page.waitForFunction((c) => document.querySelector('#clock')?.textContent !== c, clock, { timeout: 5_000 });
      expect(await page.innerText('#clock')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} 星期./);

      // rotation moves the focus to another city, which the map highlights
      const city = (await page.getAttribute('#focus', 'data-city'))!;
      expect(cities.map((c) => c.unit.code)).toContain(city);
      await page.waitForFunction((c) => (document.querySelector('#focus')?.getAttribute('data-city') ?? c) !== c, city, { timeout: 10_000 });
      const next = (await page.getAttribute('#focus', 'data-city'))!;
      expect(cities.map((c) => c.unit.code)).toContain(next);
      expect(next).not.toBe(city);

      // a refresh on the timer: new requests and a new data time, without a reload
      await page.evaluate(() => ((window as any).__notReloaded = true));
      const before = { n: Number(await page.getAttribute('#stage', 'data-refreshes')), time: await page.getAttribute('#data-time', 'data-time'), bodies: bodies.length };
      await page.waitForFunction((n) => Number(document.querySelector('#stage')?.getAttribute('data-refreshes')) > n, before.n, { timeout: 15_000 });
      expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
      expect(await page.getAttribute('#data-time', 'data-time')).not.toBe(before.time);
      expect(bodies.length - before.bodies).toBeGreaterThanOrEqual(3);
      expect(await page.getAttribute('#stage', 'data-state')).toBe('ready');
      const after = await domLabels(page);
      expect(overlaps(after), 'DOM labels after refresh and rotation').toEqual([]);
      expect(after.filter((l) => !l.inside).map((l) => l.text), 'labels outside their panel').toEqual([]);
      expect(overlaps(await mapLabels(page)), 'map labels after rotation').toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('in English with ?lang=en, and back to the login form when the session is gone', async () => {
    const { context, page, problems } = await watchedPage(browser, p.url);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await logIn(page, `${p.url}/dashboard/screen.html?lang=en&rotate=30&refresh=300`);
    expect(await page.innerText('#scr-title')).toContain('wall screen');
    expect(await page.innerText('[data-testid=kpi-findings] [data-change=yoy]')).toMatch(/^YoY /);
    expect(await page.innerText('#kpi-meta')).toContain('as of');
    expect(overlaps(await domLabels(page)), 'DOM labels in English').toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'screen-1920x1080-en.png') });
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.waitForSelector('#scr-login');
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
