/**
 * The leadership dashboard (issue 8) in real headless Chromium, on a small demo province with a month of
 * supervision work, some findings and the metrics refreshed: a province leader logs in, the map shows the
 * 16 cities, a click on a city drills into its counties and a county row into its stations; the figures on
 * the page equal the API's answer fetched here; PNG and CSV exports; a county user sees their county only
 * and a link to another county shows a plain error and none of its data; logout forgets the token.
 * Issue 18: the tiles compare like with like (month to date against the same days of the month before, or of last
 * year: the API's metricsOverDays), coloured by the catalog's betterWhen; 上期无数据 without previous data; the range
 * presets and the 环比/同比 choice; a role sees only the tabs it may open and errors in its language; the month picker
 * speaks the UI language; the English header is one line at 1440 px; the favicon.
 * Screenshots of each view go to test-artifacts/dashboard-*.png (and docs/screenshots/overview.png, the README's,
 * when UPDATE_SCREENSHOTS=1).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetrics } from '../analytics/metrics';
import { RULES } from '../kernel/rules';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoWork } from '../demo/load-demo-work';
import { ok, workflowChecks } from './support/checks';
import { ARTIFACTS, downloadBytes, hasChromium, launchChromium, watchedPage } from './support/browser';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from './support/platform';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CSV_HEADER = 'unit_code,unit_name,indicator,from,to,value,numerator,denominator';
const TILE_KEYS = ['shops_filed', 'findings', 'clues_overdue', 'cases_filed', 'complaints_received', 'patrol_coverage'];

const MONTH = chinaDay().slice(0, 7);
const PREVIOUS = (() => {
  const [y, m] = MONTH.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();

/** the month's first and last day (the work view's report period) */
const DAY_FROM = `${MONTH}-01`;
const DAY_TO = (() => {
  const [y, m] = MONTH.split('-').map(Number);
  return `${MONTH}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
})();
const REVIEW_FIELDS = ['drafted', 'submitted', 'approved', 'returned', 'pending', 'overdue', 'approvedOnTime'] as const;
const REVIEWS = `query($u: ID!, $f: String!, $t: String!) { infoReportCountsByUnit(parentUnitId: $u, from: $f, to: $t) { unit { id code } ${REVIEW_FIELDS.join(' ')} } }`;
const CHILDREN = `query($u: ID!) { units(parentId: $u) { id code name } }`;

const DAYS = `query($keys: [String!]!, $ids: [ID!], $from: String!, $to: String!) {
  metricsOverDays(keys: $keys, unitIds: $ids, from: $from, to: $to) { unit { id code name } key value numerator denominator }
}`;
const CATALOG = `{ metricCatalog { key betterWhen distinct time } }`;
/** today (China) and the month to date: the current period of the tiles */
const TODAY = chinaDay();
const README_SHOT = path.resolve(__dirname, '../docs/screenshots/overview.png');

/** YYYY-MM plus n months */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const i = y * 12 + (m - 1) + n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}
/** the day d of a month, at most its last */
function dayOf(month: string, d: number): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate())).padStart(2, '0')}`;
}

const METRICS = `query($keys: [String!]!, $ids: [ID!], $children: Boolean, $from: String!, $to: String!) {
  metrics(keys: $keys, unitIds: $ids, children: $children, from: $from, to: $to, granularity: YEAR) { unit { id code name } key value numerator denominator }
}`;

interface Row {
  unit: { id: string; code: string; name: string };
  key: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
}

let p: TestPlatform;
let browser: Browser;
const { sql } = workflowChecks(() => p, 'dashboard browser test', []);
const evidenceDir = `/tmp/hongdun-dashboard-${process.pid}`;
const unitIds = new Map<string, string>();

type Review = { unit: { id: string; code: string } } & Record<(typeof REVIEW_FIELDS)[number], number>;

/** The API's report review counts per unit below `unitId` over the month. */
async function reviewsOf(username: string, unitId: string): Promise<Review[]> {
  return ok(await p.gql(REVIEWS, { u: unitId, f: DAY_FROM, t: DAY_TO }, await p.login(username))).infoReportCountsByUnit as Review[];
}

/** The work table's review cells as shown: unit id → field → raw value. */
async function reviewCells(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.$$eval('#work-table tbody tr[data-unit]', (trs) =>
    Object.fromEntries(
      trs.map((tr) => [tr.getAttribute('data-unit'), Object.fromEntries([...tr.querySelectorAll('td[data-review]')].map((td) => [td.getAttribute('data-review'), td.getAttribute('data-value') ?? '']))]),
    ),
  );
}

function expectReviewsEqual(shown: Record<string, Record<string, string>>, api: Review[]) {
  expect(Object.keys(shown).sort()).toEqual(api.map((a) => String(a.unit.id)).sort());
  for (const a of api) for (const f of REVIEW_FIELDS) expect(Number(shown[a.unit.id]?.[f]), `${a.unit.code} ${f}`).toBe(a[f]);
}

/** The unit picker's options (unit ids), without the placeholder. */
async function pickerIds(page: Page): Promise<string[]> {
  return page.$$eval('#unit-picker option', (os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
}

/** The API's figures over a run of days (what the tiles show). */
async function daysApi(username: string, keys: string[], unitId: string, from: string, to: string): Promise<Row[]> {
  return ok(await p.gql(DAYS, { keys, ids: [unitId], from, to }, await p.login(username))).metricsOverDays as Row[];
}

/** The tiles' comparison as shown: value, previous value, change class and text, the periods (attributes and words). */
async function tileChanges(page: Page) {
  return page.$$eval('[data-testid^=tile-]', (els) =>
    Object.fromEntries(
      els.map((e) => {
        const period = e.querySelector('.period') as HTMLElement;
        return [
          e.getAttribute('data-key'),
          {
            value: e.getAttribute('data-value'),
            previous: e.getAttribute('data-previous'),
            change: e.querySelector('.delta')?.getAttribute('data-change') ?? '',
            colour: getComputedStyle(e.querySelector('.delta')!).color,
            delta: e.querySelector('.delta')?.textContent ?? '',
            label: period?.textContent ?? '',
            asOf: e.querySelector('.asof')?.textContent ?? '',
            from: period?.dataset.from,
            to: period?.dataset.to,
            pfrom: period?.dataset.pfrom,
            pto: period?.dataset.pto,
          },
        ];
      }),
    ),
  );
}

async function api(username: string, vars: Record<string, unknown>): Promise<Row[]> {
  return ok(await p.gql(METRICS, vars, await p.login(username))).metrics as Row[];
}

/** Logs in through the form; returns the milliseconds from the click to the rendered overview. */
async function logIn(page: Page, username: string): Promise<number> {
  await page.goto(`${p.url}/dashboard/`);
  await page.waitForSelector('#login-form');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  const started = performance.now();
  await page.click('#login-form button[type=submit]');
  await ready(page);
  return performance.now() - started;
}

/** Marks the shown view stale, acts, and waits for the view the action leads to. */
async function then(page: Page, action: () => Promise<unknown>) {
  await page.evaluate(() => document.querySelector('#main')?.setAttribute('data-state', 'stale'));
  await action();
  await ready(page);
}

async function ready(page: Page) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#main')?.getAttribute('data-state') ?? ''), null, { timeout: 30_000 });
  expect(await page.getAttribute('#main', 'data-state'), await page.innerText('#main')).toBe('ready');
}

function hashParams(page: Page): URLSearchParams {
  return new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** The tiles' raw values and texts as shown. */
async function tiles(page: Page): Promise<Record<string, { value: string | null; text: string }>> {
  return page.$$eval('[data-testid^=tile-]', (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-key'), { value: e.getAttribute('data-value'), text: e.querySelector('.value')?.textContent ?? '' }])),
  );
}

/** The children table as shown: code → raw value. */
async function tableValues(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#children-table tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-code'), tr.querySelector('td.num')?.getAttribute('data-value') ?? ''])));
}

function expectTilesEqual(shown: Record<string, { value: string | null; text: string }>, rows: Row[]) {
  for (const key of TILE_KEYS) {
    const row = rows.find((r) => r.key === key);
    expect(row, key).toBeDefined();
    expect(shown[key], `tile ${key}`).toBeDefined();
    expect(shown[key].value === '' ? null : Number(shown[key].value), `tile ${key}`).toEqual(row!.value);
    if (key !== 'patrol_coverage' && row!.value != null) expect(shown[key].text.replace(/,/g, ''), `tile ${key} text`).toBe(String(row!.value));
    if (key === 'patrol_coverage' && row!.value != null) expect(shown[key].text).toBe(`${row!.value.toFixed(1)}%`);
  }
}

describe.skipIf(!hasChromium)('the leadership dashboard in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
    await loadDemoWork(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20, complaintsPerThousandShops: 40 });
    // findings of the month on shops all over the province (the crawler's work, written directly)
    const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop order by id limit 300`);
    const at = new Date(Date.now() - 3600_000);
    for (const [i, s] of shops.entries()) {
      const rule = RULES[i % RULES.length];
      await sql(`insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis) values (?, ?, ?, ?, ?, 'test', '{}', '[]')`, [
        rule.id,
        rule.severity,
        s.id,
        s.region_code,
        at,
      ]);
    }
    // two findings on the 1st of the previous month: the same days of the month before hold data (a rise to colour)
    for (const s of shops.slice(0, 2)) {
      await sql(`insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis) values (?, ?, ?, ?, ?, 'test', '{}', '[]')`, [
        RULES[0].id,
        RULES[0].severity,
        s.id,
        s.region_code,
        new Date(`${PREVIOUS}-01T04:00:00Z`),
      ]);
    }
    for (const month of [PREVIOUS, MONTH]) await refreshMetrics(p.orm, month);
    // information reports of the month from stations in three cities, through the real commands: drafted (one
    // overdue), submitted and waiting, approved and returned by the county
    const allStations = await sql<{ id: number; code: string; path: string }>(`select id, code, path from unit where level = 'station' order by path`);
    const byCity = new Map<string, { id: number; code: string; path: string }>();
    for (const s of allStations) if (!byCity.has(s.path.split('/')[2])) byCity.set(s.path.split('/')[2], s);
    const draft = async (token: string, title: string, dueOn?: string) =>
      ok(await p.gql(`mutation($i: DraftInfoReportInput!) { draftInfoReport(input: $i) { id } }`, { i: { kind: 'WORK_INFO', title, body: '正文', periodStart: DAY_FROM, periodEnd: DAY_TO, dueOn } }, token)).draftInfoReport.id as string;
    const act = async (token: string, doc: string, vars: Record<string, unknown>) => ok(await p.gql(doc, vars, token));
    for (const [i, s] of [...byCity.values()].slice(0, 3).entries()) {
      const station = await p.login(`${s.code.toLowerCase()}-inspector`);
      const county = await p.login(`x${s.path.split('/')[3]}-leader`);
      await draft(station, '逾期未报', PREVIOUS + '-01');
      const pending = await draft(station, '待审');
      await act(station, `mutation($id: ID!) { submitInfoReport(id: $id) { id } }`, { id: pending });
      const reviewed = await draft(station, i === 1 ? '退回' : '通过');
      await act(station, `mutation($id: ID!) { submitInfoReport(id: $id) { id } }`, { id: reviewed });
      if (i === 1) await act(county, `mutation($id: ID!) { returnInfoReport(id: $id, comment: "请补充") { id } }`, { id: reviewed });
      else await act(county, `mutation($id: ID!) { approveInfoReport(id: $id) { id } }`, { id: reviewed });
    }
    for (const u of await sql<{ id: number; code: string }>(`select id, code from unit where level in ('province', 'city', 'county')`)) unitIds.set(u.code, String(u.id));
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('serves its files, ECharts and the maps from the platform, and nothing else under /dashboard/', async () => {
    const index = await fetch(`${p.url}/dashboard/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await index.text()).toContain('/dashboard/vendor/echarts.min.js');
    const echarts = await fetch(`${p.url}/dashboard/vendor/echarts.min.js`);
    expect(echarts.status).toBe(200);
    expect(await echarts.text()).toContain('6.1.0');
    const province = (await (await fetch(`${p.url}/dashboard/geo/370000.json`)).json()) as { features: unknown[] };
    expect(province.features).toHaveLength(16);
    // the app's modules: the folder's own and one per view under views/
    for (const file of ['/dashboard/app.js', '/dashboard/state.js', '/dashboard/ui.js', '/dashboard/views/overview.js', '/dashboard/views/market.js']) {
      const res = await fetch(`${p.url}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type'), file).toContain('javascript');
    }
    for (const bad of ['/dashboard/geo/110000.json', '/dashboard/geo/..%2fregions-shandong.json', '/dashboard/..%2fpackage.json', '/dashboard/index.html.bak', '/dashboard/%2e%2e%2fserver%2fplatform.ts', '/dashboard/views/..%2fapp.js', '/dashboard/views/nothing.js', '/dashboard/views/README.md']) {
      expect((await fetch(`${p.url}${bad}`)).status, bad).toBe(404);
    }
  });

  it('a province leader: 16 cities on the map with the API\'s figures, drill-down to counties and stations, exports, work view', async () => {
    const { context, page, problems, bodies } = await watchedPage(browser, p.url);
    const ms = await logIn(page, 'sd-leader');
    // what the first view costs (login, session, overview; the small test province — the full one: bench/dashboard-overview.bench.ts)
    const timing = { ms: Math.round(ms), graphqlRequests: bodies.length, graphqlBytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0) };
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'dashboard-first-view.json'), JSON.stringify(timing, null, 2));
    expect(timing.graphqlRequests).toBe(3);
    const province = unitIds.get('37')!;
    expect(hashParams(page).get('unit')).toBe(province);
    expect(hashParams(page).get('from')).toBe(MONTH);
    // the token is in sessionStorage, never in localStorage
    const storage = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
    expect(storage.session).toContain('hds_');
    expect(storage.local).not.toContain('hds_');

    // the tiles: the API's figures for the province, month and the previous month
    expectTilesEqual(await tiles(page), await daysApi('sd-leader', TILE_KEYS, province, `${MONTH}-01`, TODAY));

    // the map: 16 cities, each with the API's value of the default indicator (findings)
    const map = await page.evaluate(() => {
      const ec = (window as any).echarts;
      const chart = ec.getInstanceByDom(document.querySelector('#chart-map'));
      return { features: ec.getMap('370000').geoJSON.features.length, data: chart.getOption().series[0].data.map((d: any) => ({ name: d.name, value: d.value })) };
    });
    expect(map.features).toBe(16);
    expect(map.data).toHaveLength(16);
    const cities = await api('sd-leader', { keys: ['findings'], ids: [province], children: true, from: MONTH, to: MONTH });
    expect(cities).toHaveLength(16);
    expect(cities.filter((c) => (c.value ?? 0) > 0).length).toBeGreaterThan(8);
    expect(Object.fromEntries(map.data.map((d: { name: string; value: number | null }) => [d.name, d.value]))).toEqual(Object.fromEntries(cities.map((c) => [`${c.unit.code}00`, c.value])));
    const table = await tableValues(page);
    expect(Object.keys(table)).toHaveLength(16);
    for (const c of cities) expect(Number(table[c.unit.code]), c.unit.code).toBe(c.value);
    await shot(page, 'overview-province');
    // the README's screenshot of the overview: only when asked for
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      fs.mkdirSync(path.dirname(README_SHOT), { recursive: true });
      await page.screenshot({ path: README_SHOT, animations: 'disabled' });
    }

    // exports: the map as PNG, its data as CSV equal to the API's rows
    const png = await downloadBytes(page, '[data-png=map]');
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.bytes.length).toBeGreaterThan(10_000);
    const csv = await downloadBytes(page, '[data-csv=map]');
    const text = csv.bytes.toString('utf8').replace(/^\ufeff/, '');
    const [header, ...lines] = text.trim().split('\r\n');
    expect(header).toBe(CSV_HEADER);
    expect(lines).toHaveLength(16);
    for (const c of cities) expect(lines, c.unit.code).toContain(`${c.unit.code},${c.unit.name},findings,${MONTH},${MONTH},${c.value},${c.numerator},`);

    // another indicator from the picker: the map follows and the URL keeps it
    await then(page, () => page.selectOption('#metric', 'shops_filed'));
    expect(hashParams(page).get('metric')).toBe('shops_filed');
    const filed = await api('sd-leader', { keys: ['shops_filed'], ids: [province], children: true, from: MONTH, to: MONTH });
    const tableFiled = await tableValues(page);
    for (const c of filed) expect(Number(tableFiled[c.unit.code]), c.unit.code).toBe(c.value);

    // click 济南 on the map (at its centroid, as a person would) → its counties
    const jinan = unitIds.get('3701')!;
    const at = await page.evaluate(() => {
      const ec = (window as any).echarts;
      const chart = ec.getInstanceByDom(document.querySelector('#chart-map'));
      const f = ec.getMap('370000').geoJSON.features.find((x: any) => x.properties.name === '370100');
      const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, f.properties.centroid);
      const box = document.querySelector('#chart-map')!.getBoundingClientRect();
      return { x: box.left + x, y: box.top + y };
    });
    await then(page, () => page.mouse.click(at.x, at.y));
    expect(hashParams(page).get('unit')).toBe(jinan);
    expect(await page.innerText('#current-unit')).toBe('济南市市场监督管理局');
    const counties = await api('sd-leader', { keys: ['shops_filed'], ids: [jinan], children: true, from: MONTH, to: MONTH });
    const countyMap = await page.evaluate(() => {
      const ec = (window as any).echarts;
      return { features: ec.getMap('370100').geoJSON.features.length, data: ec.getInstanceByDom(document.querySelector('#chart-map')).getOption().series[0].data.length };
    });
    expect(countyMap.features).toBe(12);
    // every county with a boundary is on the map; all of them (development zones too) are in the table
    const bounded = new Set(
      (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../data/geo-shandong/370100.json'), 'utf8')) as { features: { properties: { adcode: number } }[] }).features.map((f) =>
        String(f.properties.adcode),
      ),
    );
    expect(countyMap.data).toBe(counties.filter((c) => bounded.has(c.unit.code)).length);
    expect(countyMap.data).toBeLessThan(counties.length); // 济南 has a development zone without a boundary
    const countyTable = await tableValues(page);
    expect(Object.keys(countyTable).sort()).toEqual(counties.map((c) => c.unit.code).sort());
    for (const c of counties) expect(Number(countyTable[c.unit.code]), c.unit.code).toBe(c.value);
    expectTilesEqual(await tiles(page), await daysApi('sd-leader', TILE_KEYS, jinan, `${MONTH}-01`, TODAY));
    await shot(page, 'overview-city');

    // a county → its stations as bars and a table
    await then(page, () => page.click('#children-table tr[data-code="370102"]'));
    expect(hashParams(page).get('unit')).toBe(unitIds.get('370102'));
    const stations = await api('sd-leader', { keys: ['shops_filed'], ids: [unitIds.get('370102')!], children: true, from: MONTH, to: MONTH });
    expect(stations.length).toBeGreaterThan(1);
    const bars = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-bars')).getOption().series[0].data.length);
    expect(bars).toBe(stations.length);
    const stationTable = await tableValues(page);
    for (const s of stations) expect(Number(stationTable[s.unit.code]), s.unit.code).toBe(s.value);
    await shot(page, 'overview-county');
    // the breadcrumb leads back up
    await then(page, () => page.click('#crumbs a >> nth=0'));
    expect(hashParams(page).get('unit')).toBe(province);

    // the work view: per city, from the same metrics query
    await then(page, () => page.click('#nav-work'));
    expect(hashParams(page).get('unit')).toBe(province);
    const work = await api('sd-leader', { keys: ['patrol_coverage', 'complaints_on_time'], ids: [province], children: true, from: MONTH, to: MONTH });
    const shown = await page.$$eval('#work-table tbody td[data-key]', (tds) => tds.map((td) => [td.closest('tr')!.getAttribute('data-unit'), td.getAttribute('data-key'), td.getAttribute('data-value')]));
    for (const w of work) {
      const cell = shown.find(([u, k]) => u === w.unit.id && k === w.key);
      expect(cell, `${w.unit.code} ${w.key}`).toBeDefined();
      expect(cell![2] === '' ? null : Number(cell![2]), `${w.unit.code} ${w.key}`).toEqual(w.value);
    }
    expect(work.some((w) => w.key === 'patrol_coverage' && (w.value ?? 0) > 0)).toBe(true);
    const workPng = await downloadBytes(page, '[data-png=work-rates]');
    expect(workPng.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    await shot(page, 'work-province');

    // report review status per city: the API's infoReportCountsByUnit, in the table, the bars and the CSV
    const provinceReviews = await reviewsOf('sd-leader', province);
    expect(provinceReviews).toHaveLength(16);
    expect(provinceReviews.filter((x) => x.drafted > 0)).toHaveLength(3);
    expect(provinceReviews.reduce((n, x) => n + x.approved, 0)).toBe(2);
    expect(provinceReviews.reduce((n, x) => n + x.returned, 0)).toBe(1);
    expect(provinceReviews.reduce((n, x) => n + x.pending, 0)).toBe(3);
    expect(provinceReviews.reduce((n, x) => n + x.overdue, 0)).toBe(3);
    expectReviewsEqual(await reviewCells(page), provinceReviews);
    const reviewBars = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-work-reviews')).getOption().series.map((s: any) => s.data));
    expect(reviewBars).toEqual(['submitted', 'approved', 'pending', 'overdue'].map((f) => provinceReviews.map((x) => x[f as keyof Review])));
    const reviewCsv = (await downloadBytes(page, '[data-csv=work-reviews]')).bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(reviewCsv[0]).toBe('unit_code,unit_name,from,to,drafted,submitted,approved,returned,pending,overdue,approved_on_time');
    expect(reviewCsv).toHaveLength(17);
    for (const x of provinceReviews) expect(reviewCsv.some((l) => l.startsWith(`${x.unit.code},`) && l.endsWith(`,${MONTH},${MONTH},${REVIEW_FIELDS.map((f) => x[f]).join(',')}`)), x.unit.code).toBe(true);

    // the unit picker lists exactly the API's units below; choosing one goes there (and down to a station)
    let at2 = province;
    let leader = provinceReviews.find((x) => x.drafted > 0)!;
    for (let depth = 0; depth < 3; depth++) {
      const below = ok(await p.gql(CHILDREN, { u: at2 }, await p.login('sd-leader'))).units as { id: string }[];
      expect(await pickerIds(page)).toEqual(below.map((u) => u.id));
      await then(page, () => page.selectOption('#unit-picker', String(leader.unit.id)));
      expect(hashParams(page).get('unit')).toBe(String(leader.unit.id));
      expect(page.url()).toContain('#/work?');
      at2 = String(leader.unit.id);
      const reviews = await reviewsOf('sd-leader', at2);
      expectReviewsEqual(await reviewCells(page), reviews);
      leader = reviews.find((x) => x.drafted > 0)!;
      expect(leader, `reports below ${at2}`).toBeDefined();
    }
    // a station: no units below (no picker), its own counts
    expect(await page.$$('#unit-picker')).toHaveLength(0);
    expect(await page.getAttribute('#current-unit', 'data-unit')).toBe(at2);
    await shot(page, 'work-station');
    await then(page, () => page.click('#crumbs a >> nth=0'));

    // English
    await then(page, () => page.click('#lang'));
    expect(await page.innerText('#title')).toContain('dashboard');
    expect(await page.innerText('#nav-work')).toBe('Work');
    await shot(page, 'work-province-en');
    await then(page, () => page.click('#lang'));

    // logout forgets the token and shows the login form
    await page.click('#logout');
    await page.waitForSelector('#login-form');
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain('hds_');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a station inspector sees their own station: its tiles and work, no units below, a sibling station refused', async () => {
    const { context, page, problems } = await watchedPage(browser, p.url);
    const [own, sibling] = await sql<{ id: number; name: string }>(`select id, name from unit where code in ('370102-S01', '370102-S02') order by code`);
    await logIn(page, '370102-s01-inspector');
    expect(hashParams(page).get('unit')).toBe(String(own.id));
    expect(await page.innerText('#current-unit')).toBe(own.name);
    expectTilesEqual(await tiles(page), await daysApi('370102-s01-inspector', TILE_KEYS, String(own.id), `${MONTH}-01`, TODAY));
    expect(await page.$$('#unit-picker')).toHaveLength(0);
    expect(await page.$$eval('#crumbs a', (as) => as.length)).toBe(0);
    await then(page, () => page.click('#nav-work'));
    expect(await page.getAttribute('#current-unit', 'data-unit')).toBe(String(own.id));
    await shot(page, 'work-station-user');
    await then(page, () => page.goto(`${p.url}/dashboard/#/work?unit=${sibling.id}&from=${MONTH}&to=${MONTH}`));
    expect(await page.innerText('#banner')).toContain('无权查看或不存在该单位');
    expect(hashParams(page).get('unit')).toBe(String(own.id));
    expect(await page.innerText('body')).not.toContain(sibling.name);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a county user sees their county only; a link to another county shows a plain error and none of its data', async () => {
    const { context, page, problems, bodies } = await watchedPage(browser, p.url);
    const own = unitIds.get('370102')!;
    const other = unitIds.get('370103')!;
    await logIn(page, 'x370102-leader');
    expect(hashParams(page).get('unit')).toBe(own);
    expect(await page.innerText('#current-unit')).toBe('历下区市场监督管理局');
    expectTilesEqual(await tiles(page), await daysApi('x370102-leader', TILE_KEYS, own, `${MONTH}-01`, TODAY));
    // the breadcrumb starts at their own unit (no way up)
    expect(await page.$$eval('#crumbs a', (as) => as.length)).toBe(0);
    await shot(page, 'overview-county-user');

    // the picker: exactly the county's stations as the API gives them to the county user
    const ownBelow = ok(await p.gql(CHILDREN, { u: own }, await p.login('x370102-leader'))).units as { id: string; code: string }[];
    expect(ownBelow.length).toBeGreaterThan(1);
    expect(ownBelow.every((u) => u.code.startsWith('370102'))).toBe(true);
    expect(await pickerIds(page)).toEqual(ownBelow.map((u) => u.id));

    // the API itself refuses the other county
    const refused = await p.gql(METRICS, { keys: ['findings'], ids: [other], from: MONTH, to: MONTH }, await p.login('x370102-leader'));
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // a shared link to 市中区: a plain error, and the user lands on their own unit
    bodies.length = 0;
    await then(page, () => page.goto(`${p.url}/dashboard/#/overview?unit=${other}&from=${MONTH}&to=${MONTH}&metric=findings`));
    expect(await page.isVisible('#banner')).toBe(true);
    expect(await page.innerText('#banner')).toContain('无权查看或不存在该单位');
    expect(hashParams(page).get('unit')).toBe(own);
    expect(await page.innerText('#current-unit')).toBe('历下区市场监督管理局');
    const pageText = await page.innerText('body');
    expect(pageText).not.toContain('市中区');
    expect(pageText).not.toContain('370103');
    // no answer the page received carried 市中区's data
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const parsed = JSON.parse(body) as { data?: unknown };
      expect(JSON.stringify(parsed.data ?? null)).not.toContain('370103');
    }
    await shot(page, 'county-user-refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('issue 18: the tiles compare like with like, coloured by the catalog; presets and 环比/同比; 上期无数据; header, month picker, favicon', async () => {
    const { context, page, problems } = await watchedPage(browser, p.url);
    const leader = await p.login('sd-leader');
    const province = unitIds.get('37')!;
    type Def = { key: string; betterWhen: string; distinct: boolean; time: string };
    const catalog = new Map<string, Def>((ok(await p.gql(CATALOG, {}, leader)).metricCatalog as Def[]).map((d) => [d.key, d]));
    const d = Number(TODAY.slice(8, 10));
    const [year, month] = MONTH.split('-').map(Number);
    /**
     * what a tile's change should be: none without previous data (a previous period without any activity says nothing
     * of flows, nor of a stock that held nothing), else good / bad / neutral by betterWhen
     */
    const expected = (key: string, cur: Row | undefined, prev: Row | undefined, prevEmpty: boolean) => {
      if (cur?.value == null || prev?.value == null || (prevEmpty && (catalog.get(key)!.time !== 'STOCK' || !prev.numerator))) return 'none';
      const diff = cur.value - prev.value;
      const better = catalog.get(key)!.betterWhen;
      if (diff === 0 || better === 'NEUTRAL') return 'neutral';
      return diff > 0 === (better === 'HIGHER') ? 'good' : 'bad';
    };
    /** the tiles against the API's metricsOverDays answers for both periods */
    const checkTiles = async (from: string, to: string, pfrom: string, pto: string) => {
      const shown = await tileChanges(page);
      const cur = await daysApi('sd-leader', TILE_KEYS, province, from, to);
      const prev = await daysApi('sd-leader', TILE_KEYS, province, pfrom, pto);
      const prevEmpty = prev.filter((r) => catalog.get(r.key)!.time !== 'STOCK').every((r) => !r.numerator);
      for (const key of TILE_KEYS) {
        const t = shown[key];
        expect(t, key).toBeDefined();
        expect({ from: t.from, to: t.to, pfrom: t.pfrom, pto: t.pto }, key).toEqual({ from, to, pfrom, pto });
        const c = cur.find((r) => r.key === key);
        const q = prev.find((r) => r.key === key);
        expect(t.value === '' ? null : Number(t.value), `${key} now`).toEqual(c?.value ?? null);
        expect(t.previous === '' ? null : Number(t.previous), `${key} before`).toEqual(q?.value ?? null);
        expect(t.change, `${key} change (${c?.value} vs ${q?.value}, ${catalog.get(key)?.betterWhen})`).toBe(expected(key, c, q, prevEmpty));
        // the colour a person sees: green for good, red for bad, grey otherwise
        expect(t.colour, key).toBe(t.change === 'good' ? 'rgb(4, 120, 87)' : t.change === 'bad' ? 'rgb(183, 28, 28)' : 'rgb(102, 120, 138)');
        expect(t.asOf, key).toMatch(/^截至 \d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/);
      }
      return { shown, cur, prev, prevEmpty };
    };

    await logIn(page, 'sd-leader');
    expect(hashParams(page).get('cmp')).toBe('mom');
    expect(await page.inputValue('#preset')).toBe('thisMonth');
    // this month to date against the same days of the month before
    const sameDays = dayOf(PREVIOUS, d);
    const mom = await checkTiles(`${MONTH}-01`, TODAY, `${PREVIOUS}-01`, sameDays);
    const range = (from: string, to: string) => (from === to ? '' : `–${Number(to.slice(8))}日`);
    const zhLabel =
      PREVIOUS.slice(0, 4) === MONTH.slice(0, 4)
        ? `${month}月1日${range(`${MONTH}-01`, TODAY)} vs ${Number(PREVIOUS.slice(5))}月1日${range(`${PREVIOUS}-01`, sameDays)}`
        : `${year}年${month}月1日${range(`${MONTH}-01`, TODAY)} vs ${year - 1}年12月1日${range(`${PREVIOUS}-01`, sameDays)}`;
    for (const key of TILE_KEYS) expect(mom.shown[key].label, key).toBe(zhLabel);
    // the two findings of the previous month's 1st against this month's 300: a rise of a LOWER indicator is red
    expect(mom.prevEmpty).toBe(false);
    const findingsNow = mom.cur.find((r) => r.key === 'findings')!.value!;
    const findingsBefore = mom.prev.find((r) => r.key === 'findings')!.value!;
    expect(findingsNow).toBeGreaterThan(findingsBefore);
    expect(catalog.get('findings')?.betterWhen).toBe('LOWER');
    expect(mom.shown.findings.change).toBe('bad');
    expect(mom.shown.findings.delta).toMatch(/^环比 ↑/);
    // the page's rule itself: fewer cases filed is not success, more complaints neither, a neutral indicator is grey
    // (a string: the test runner would rewrite an import() inside a function)
    const rule = await page.evaluate(
      `import('/dashboard/views/overview.js').then((m) => [m.changeClass(-3, { betterWhen: 'HIGHER' }), m.changeClass(3, { betterWhen: 'HIGHER' }), m.changeClass(5, { betterWhen: 'LOWER' }), m.changeClass(5, { betterWhen: 'NEUTRAL' })])`,
    );
    expect(rule).toEqual(['bad', 'good', 'bad', 'neutral']);
    expect(catalog.get('cases_filed')?.betterWhen).toBe('HIGHER');
    await shot(page, 'overview-mom');

    // 同比: the same days of last year
    await then(page, () => page.selectOption('#cmp', 'yoy'));
    expect(hashParams(page).get('cmp')).toBe('yoy');
    const lastYear = `${year - 1}-${MONTH.slice(5)}`;
    const yoy = await checkTiles(`${MONTH}-01`, TODAY, `${lastYear}-01`, dayOf(lastYear, d));
    expect(yoy.shown.shops_filed.label).toBe(`${year}年${month}月1日${range(`${MONTH}-01`, TODAY)} vs ${year - 1}年${month}月1日${range(`${lastYear}-01`, dayOf(lastYear, d))}`);
    if (yoy.prevEmpty) for (const key of TILE_KEYS) if (catalog.get(key)!.time !== 'STOCK') expect(yoy.shown[key].delta, key).toBe('去年同期无数据');
    await then(page, () => page.selectOption('#cmp', 'mom'));
    expect(hashParams(page).get('cmp')).toBe('mom');

    // the presets set the months
    const quarterStart = addMonths(MONTH, -((month - 1) % 3));
    for (const [preset, from, to] of [
      ['lastMonth', PREVIOUS, PREVIOUS],
      ['thisQuarter', quarterStart, MONTH],
      ['thisYear', `${year}-01`, MONTH],
      ['last12', addMonths(MONTH, -11), MONTH],
    ] as const) {
      await then(page, () => page.selectOption('#preset', preset));
      expect([hashParams(page).get('from'), hashParams(page).get('to')], preset).toEqual([from, to]);
      expect(await page.inputValue('#preset'), preset).toBe(preset);
      expect(await page.inputValue('#from-month'), preset).toBe(from);
      expect(await page.inputValue('#to-month'), preset).toBe(to);
    }
    // 近12月 (the range shown now): the 12 months before hold no data — 上期无数据, not a rise from nothing
    const twelve = await checkTiles(`${addMonths(MONTH, -11)}-01`, TODAY, `${addMonths(MONTH, -23)}-01`, dayOf(addMonths(MONTH, -12), d));
    expect(twelve.prevEmpty).toBe(true);
    for (const key of TILE_KEYS) {
      const before = twelve.prev.find((r) => r.key === key)!;
      // every flow, and a stock that held nothing then: 上期无数据; a stock the register held then: a real change
      if (catalog.get(key)!.time !== 'STOCK' || !before.numerator) expect(twelve.shown[key].delta, key).toBe('上期无数据');
      else expect(twelve.shown[key].delta, key).toMatch(/^环比 [↑↓→]/);
    }
    await shot(page, 'overview-12-months');
    // a whole past month: against the whole month before
    await then(page, () => page.selectOption('#preset', 'lastMonth'));
    const before = addMonths(PREVIOUS, -1);
    await checkTiles(`${PREVIOUS}-01`, dayOf(PREVIOUS, 31), `${before}-01`, dayOf(before, 31));
    await then(page, () => page.selectOption('#preset', 'thisMonth'));
    expect([hashParams(page).get('from'), hashParams(page).get('to')]).toEqual([MONTH, MONTH]);

    // the month picker speaks the UI language
    expect(await page.$$('input[type=month]')).toHaveLength(0);
    expect(await page.textContent(`#from-month option[value="${MONTH}"]`)).toBe(`${year}年${month}月`);
    expect((await page.$$eval('#to-month option', (os) => os.map((o) => o.textContent ?? ''))).every((x) => /^\d{4}年\d{1,2}月$/.test(x))).toBe(true);

    // the header: one line in Chinese and in English at 1440 px; the 大屏 link; the favicon
    const header = () =>
      page.evaluate(() => {
        const top = document.querySelector('header.top') as HTMLElement;
        const items = [...top.querySelectorAll(':scope > *, #nav > a')].filter((e) => (e as HTMLElement).offsetParent !== null && e.id !== 'nav') as HTMLElement[];
        const boxes = items.map((e) => e.getBoundingClientRect());
        const line = Math.max(...boxes.map((b) => b.height));
        const pad = parseFloat(getComputedStyle(top).paddingTop) + parseFloat(getComputedStyle(top).paddingBottom);
        return {
          width: window.innerWidth,
          height: top.getBoundingClientRect().height,
          line: line + pad,
          centres: boxes.map((b) => Math.round(b.top + b.height / 2)),
          overflow: top.scrollWidth > top.clientWidth,
          texts: items.map((e) => e.textContent),
        };
      });
    expect(await page.innerText('#nav-screen')).toBe('大屏');
    expect(await page.getAttribute('#nav-screen', 'href')).toBe('/dashboard/screen.html');
    const zhHeader = await header();
    expect(zhHeader.width).toBe(1440);
    expect(Math.round(zhHeader.height)).toBe(Math.round(zhHeader.line));
    await then(page, () => page.click('#lang'));
    const enHeader = await header();
    expect(enHeader.texts).toContain('Wall screen');
    expect(Math.round(enHeader.height), JSON.stringify(enHeader)).toBe(Math.round(enHeader.line));
    expect(Math.max(...enHeader.centres) - Math.min(...enHeader.centres), JSON.stringify(enHeader)).toBeLessThanOrEqual(2);
    expect(enHeader.overflow).toBe(false);
    await shot(page, 'overview-en-1440');
    // in English: English months and English tiles
    const monthEn = new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(await page.textContent(`#from-month option[value="${MONTH}"]`)).toBe(monthEn);
    expect((await tileChanges(page)).findings.delta).toMatch(/^vs previous period ↑/);
    await then(page, () => page.click('#lang'));

    const icon = await fetch(`${p.url}/dashboard/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(await icon.text()).toContain('<svg');
    expect((await fetch(`${p.url}/favicon.ico`)).status).toBe(200);
    for (const html of ['/dashboard/', '/dashboard/screen.html']) expect(await (await fetch(`${p.url}${html}`)).text(), html).toContain('<link rel="icon" href="/dashboard/favicon.svg"');
    expect(await page.evaluate(() => document.querySelector('link[rel=icon]')?.getAttribute('href'))).toBe('/dashboard/favicon.svg');

    // an error in the user's language: a range beginning after today, refused by the API (BAD_USER_INPUT)
    await page.evaluate(() => document.querySelector('#main')?.setAttribute('data-state', 'stale'));
    await page.goto(`${p.url}/dashboard/#/overview?unit=${province}&from=2099-01&to=2099-01&metric=findings`);
    await page.waitForFunction(() => document.querySelector('#main')?.getAttribute('data-state') === 'error');
    const error = await page.innerText('#main p[data-state=error]');
    expect(error).toBe('出错了: 输入有误，请检查所选条件。');
    expect(await page.getAttribute('#main p[data-state=error]', 'data-code')).toBe('BAD_USER_INPUT');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('issue 18: a station inspector sees only the tabs their role may open; the 考核 URL says why in Chinese', async () => {
    const { context, page, problems, bodies } = await watchedPage(browser, p.url);
    const [own] = await sql<{ id: number }>(`select id from unit where code = '370102-S01'`);
    const me = ok(await p.gql('{ me { permissions } }', {}, await p.login('370102-s01-inspector'))).me as { permissions: string[] };
    expect(me.permissions).not.toContain('assessment:read');
    await logIn(page, '370102-s01-inspector');
    const tabs = await page.$$eval('#nav a', (as) => as.filter((a) => (a as HTMLElement).offsetParent !== null).map((a) => a.getAttribute('data-view')));
    expect(tabs).toEqual(['overview', 'market', 'work', 'sources', 'reports']);
    expect(await page.isHidden('#nav-assessment')).toBe(true);
    bodies.length = 0;
    await page.evaluate(() => document.querySelector('#main')?.setAttribute('data-state', 'stale'));
    await page.goto(`${p.url}/dashboard/#/assessment?unit=${own.id}&year=${MONTH.slice(0, 4)}`);
    await page.waitForFunction(() => document.querySelector('#main')?.getAttribute('data-state') === 'forbidden');
    const text = await page.innerText('#main');
    expect(text).toContain('您的角色无权查看“考核”页面');
    expect(text).not.toMatch(/forbidden|this operation needs/i);
    // the page asked the API nothing it would refuse
    for (const b of bodies) expect(b).not.toContain('FORBIDDEN');
    await shot(page, 'assessment-forbidden');
    // the way back: the overview still opens
    await then(page, () => page.click('#main a'));
    expect(page.url()).toContain('#/overview');
    expect(problems).toEqual([]);
    await context.close();
  });
});
