/**
 * The leadership dashboard (issue 8) in real headless Chromium, on a small demo province with a month of
 * supervision work, some findings and the metrics refreshed: a province leader logs in, the map shows the
 * 16 cities, a click on a city drills into its counties and a county row into its stations; the figures on
 * the page equal the API's answer fetched here; PNG and CSV exports; a county user sees their county only
 * and a link to another county shows a plain error and none of its data; logout forgets the token.
 * Screenshots of each view go to test-artifacts/dashboard-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetrics } from '../analytics/metrics';
import { RULES } from '../crawlers/rules';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoWork } from '../services/demo/load-demo-work';
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
    expectTilesEqual(await tiles(page), await api('sd-leader', { keys: TILE_KEYS, ids: [province], from: MONTH, to: MONTH }));

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
    expectTilesEqual(await tiles(page), await api('sd-leader', { keys: TILE_KEYS, ids: [jinan], from: MONTH, to: MONTH }));
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
    expectTilesEqual(await tiles(page), await api('370102-s01-inspector', { keys: TILE_KEYS, ids: [String(own.id)], from: MONTH, to: MONTH }));
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
    expectTilesEqual(await tiles(page), await api('x370102-leader', { keys: TILE_KEYS, ids: [own], from: MONTH, to: MONTH }));
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
});
