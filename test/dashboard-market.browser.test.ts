/**
 * The dashboard's market view (市场, issue 8) in real headless Chromium, on a small demo province with five
 * weeks of crawl data written through the crawl store (listings of five shops in four cities, a price a day,
 * a few price jumps), the real rule checks run over every crawl moment (a fictitious original price on one
 * listing, with the listing page captured as evidence), changes detected, rollups and metrics refreshed:
 * the daily price index, the regions by month, findings by rule, the biggest price moves and a shop's price
 * history with its 7-day base price, findings and evidence equal the API's answer fetched here (and the raw
 * tables); PNG and CSV exports; a county user sees their county and a link to another county's shop shows a
 * plain error and none of its data. Screenshots go to test-artifacts/dashboard-market-*.png.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshMetrics } from '../analytics/metrics';
import { executorFromEntityManager, type ListingObservationRow } from '../store';
import { openEvidenceStore } from '../crawlers/evidence';
import { checkRules } from '../crawlers/runs/check-rules';
import { timeSeriesOf } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { ok, workflowChecks } from './support/checks';
import { ARTIFACTS, downloadBytes, hasChromium, launchChromium, watchedPage } from './support/browser';
import { axisExtent, chartLayout, legendOverAxisNames } from './support/chart-layout';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from './support/platform';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DAY = 86_400_000;
const DAYS = 35;
/** the first crawl day (UTC midnight), DAYS days before today */
const START = new Date(Math.floor(Date.now() / DAY) * DAY - DAYS * DAY);
/** the crawl moment of day i: 02:00 UTC (10:00 in China, the same day and month in both) */
const moment = (i: number) => new Date(START.getTime() + i * DAY + 2 * 3600_000);
const monthOf = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
const FROM = monthOf(START);
const TO = monthOf(new Date());
const nextMonth = (m: string) => {
  const [y, mm] = m.split('-').map(Number);
  return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
};
const RANGE = { from: `${FROM}-01T00:00:00.000Z`, to: `${nextMonth(TO)}-01T00:00:00.000Z` };
/** every month from FROM to TO (35 days span two or three months) */
const MONTHS: string[] = [];
for (let m = FROM; m <= TO; m = nextMonth(m)) MONTHS.push(m);

const PRODUCTS: [string, string][] = [
  ['电动牙刷 声波充电款', '个护/电动牙刷'],
  ['蓝牙耳机 降噪入耳式', '数码/耳机'],
  ['空气炸锅 5L大容量', '家电/厨房电器'],
];

let p: TestPlatform;
let browser: Browser;
const { sql } = workflowChecks(() => p, 'dashboard market test', []);
const evidenceDir = `/tmp/hongdun-dashboard-market-${process.pid}`;
const unitIds = new Map<string, string>();
/** the shop with the fictitious original price (in 370102) and another county's shop (370103) */
let star: { shopId: number; listingId: number; url: string };
let foreignShop: { id: number; name: string };
/** SHA-256 of the captured listing page per crawl day of the star listing */
const pageHashes = new Map<number, string>();
/** SHA-256 of the captured shop page per day of its snapshots */
const shopPageHashes = new Map<number, string>();

/** The day's price of listing k of the fixture: flat at its base, one jump (+20 % or −15 %) on its own day. */
function priceOf(k: number, day: number): number {
  const base = 40 + 7 * k;
  const jump = 4 + ((5 * k) % 27);
  const factor = day >= jump ? (k % 2 ? 0.85 : 1.2) : 1;
  return Math.round(base * factor * 100) / 100;
}

async function setUpMarket() {
  // five shops in four cities: the star shop in 历下区, one in 市中区, three elsewhere
  const pick = async (where: string) =>
    (await sql<{ id: number; region_code: string; url: string; name: string }>(`select id, region_code, url, name from shop where ${where} order by id limit 1`))[0];
  const shops = [
    await pick(`region_code like '370102%'`),
    await pick(`region_code like '370103%'`),
    await pick(`region_code like '3702%'`),
    await pick(`region_code like '3703%'`),
    await pick(`region_code like '3706%'`),
  ];
  expect(shops.every((s) => !!s)).toBe(true);
  foreignShop = { id: shops[1].id, name: shops[1].name };
  const listings: { id: number; shopId: number; region: string; url: string; k: number }[] = [];
  let k = 0;
  for (const s of shops) {
    for (const [title, category] of PRODUCTS) {
      const url = `${s.url.replace(/\/$/, '')}/item/${k}.html`;
      const [row] = await sql<{ id: number }>(
        `insert into listing (shop_id, url, platform_listing_id, title, category, first_seen_at, last_seen_at, region_code) values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [s.id, url, `T${k}`, title, category, moment(0), moment(DAYS - 1), s.region_code],
      );
      listings.push({ id: row.id, shopId: s.id, region: s.region_code, url, k });
      k += 1;
    }
  }
  star = { shopId: listings[0].shopId, listingId: listings[0].id, url: listings[0].url };

  await runAsSystem('dashboard market test', async () => {
    const store = timeSeriesOf(p.orm)(executorFromEntityManager(p.orm.em.fork()));
    const evidence = openEvidenceStore(p.orm.em.fork(), evidenceDir);
    const rows: ListingObservationRow[] = [];
    for (let day = 0; day < DAYS; day++) {
      for (const l of listings) {
        const price = priceOf(l.k, day);
        let originalPrice: number | null = null;
        if (l.k === 0 && day % 7 === 3) originalPrice = 99; // above every price of the 7 days before: a hit (or no history: a hit)
        if (l.k === 0 && day % 7 === 5) originalPrice = Math.max(...Array.from({ length: 7 }, (_, j) => (day - 1 - j >= 0 ? priceOf(0, day - 1 - j) : 0))); // the highest price charged: no hit
        rows.push({ listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: moment(day), price, originalPrice, promotionText: null, sales: 10, stock: 50 });
        if (l.k === 0 && originalPrice != null) {
          const body = `<html><body><h1>电动牙刷 声波充电款</h1><p>价格 ${price} 元 原价 ${originalPrice} 元</p><p>day ${day}</p></body></html>`;
          await evidence.capture({ shopId: l.shopId, kind: 'response', url: l.url, observedAt: moment(day), status: 200, contentType: 'text/html; charset=utf-8', body, crawler: 'dashboard-market-test' });
          pageHashes.set(day, createHash('sha256').update(body, 'utf8').digest('hex'));
        }
      }
    }
    await store.writeObservations(rows);
    // the star shop's page on three days, captured as evidence
    const shopUrl = (await sql<{ url: string }>(`select coalesce(watch_url, url) as url from shop where id = ?`, [star.shopId]))[0].url;
    for (const day of [1, 15, 29]) {
      const body = `<html><body><h1>店铺首页</h1><p>day ${day}</p></body></html>`;
      const [capture] = await evidence.captureMany([{ shopId: star.shopId, kind: 'response', url: shopUrl, observedAt: moment(day), status: 200, contentType: 'text/html; charset=utf-8', body, crawler: 'dashboard-market-test' }]);
      shopPageHashes.set(day, capture.sha256);
      await store.writeSnapshots([
        { shopId: star.shopId, regionCode: listings[0].region, observedAt: moment(day), title: `店铺首页 ${day}`, licenceName: null, licenceUscc: null, licenceAddress: null, contact: null, listingCount: 3, contentHash: capture.sha256, evidenceSha256: capture.sha256 },
      ]);
    }
    const range = { from: START, to: new Date(START.getTime() + (DAYS + 1) * DAY) };
    await store.detectChanges(range);
    await store.refreshRollups(range);
  });
  for (let day = 0; day < DAYS; day++) await checkRules(p.orm, { observedAt: moment(day), regionCode: '37', runId: null });
  for (const m of MONTHS) await refreshMetrics(p.orm, m);
}

async function ready(page: Page) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#main')?.getAttribute('data-state') ?? ''), null, { timeout: 30_000 });
  expect(await page.getAttribute('#main', 'data-state'), await page.innerText('#main')).toBe('ready');
}

async function then(page: Page, action: () => Promise<unknown>) {
  await page.evaluate(() => document.querySelector('#main')?.setAttribute('data-state', 'stale'));
  await action();
  await ready(page);
}

async function logIn(page: Page, username: string, hash: string) {
  await page.goto(`${p.url}/dashboard/${hash}`);
  await page.waitForSelector('#login-form');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await then(page, () => page.click('#login-form button[type=submit]'));
}

const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-market-${name}.png`), fullPage: true });
}

/** The series of a chart as the page holds them. */
async function series(page: Page, id: string): Promise<{ name: string; data: unknown[] }[]> {
  return page.evaluate((chartId) => {
    const chart = (window as any).echarts.getInstanceByDom(document.querySelector(`#chart-${chartId}`));
    return chart.getOption().series.map((s: any) => ({ name: s.name, data: s.data.map((d: any) => (d && typeof d === 'object' && 'value' in d ? d.value : d)) }));
  }, id);
}

async function xAxis(page: Page, id: string): Promise<string[]> {
  return page.evaluate((chartId) => (window as any).echarts.getInstanceByDom(document.querySelector(`#chart-${chartId}`)).getOption().xAxis[0].data, id);
}

/**
 * The price index as a user reads it: 100 on the first day and each day's mean price relative to the first (the
 * API's means), the index axis named as such and spanning the data with a margin, neither from 0 nor so narrow
 * that a 1 % wobble fills it.
 */
async function expectPriceIndex(page: Page, api: { avgPrice: number }[]) {
  const { values, prices, axisName } = await page.evaluate(() => {
    const chart = (window as any).echarts.getInstanceByDom(document.querySelector('#chart-market-index'));
    const o = chart.getOption();
    return { values: o.series[0].data.map((d: any) => d.value) as number[], prices: o.series[0].data.map((d: any) => d.price) as number[], axisName: o.yAxis[0].name as string };
  });
  expect(axisName).toBe('指数（期初=100）');
  expect(values[0]).toBe(100);
  expect(values).toHaveLength(api.length);
  values.forEach((v, i) => expect(v, String(i)).toBeCloseTo((api[i].avgPrice / api[0].avgPrice) * 100, 3));
  expect(prices).toEqual(api.map((x) => x.avgPrice));
  const [lo, hi] = await axisExtent(page, 'market-index', 'yAxis', 0);
  const min = Math.min(...values);
  const max = Math.max(...values);
  expect(lo).toBeLessThanOrEqual(min);
  expect(hi).toBeGreaterThanOrEqual(max);
  expect(lo).toBeGreaterThan(50); // not from 0
  expect(hi - lo).toBeGreaterThanOrEqual(4); // a 1 % change is at most a quarter of the axis
  expect(hi - lo).toBeLessThanOrEqual(Math.max(4, max - min) * 2.5); // the data fill a good part of it
}

/** The legend of a chart lies above the plot area and over none of the axis names (units). */
async function expectLegendClear(page: Page, id: string) {
  const layout = await chartLayout(page, id);
  expect(layout.legend.length, id).toBeGreaterThan(0);
  // the axis names (units) as drawn: found, so the check below is not empty
  if (id !== 'market-categories') expect(layout.axisNames.length, id).toBeGreaterThan(0);
  expect(legendOverAxisNames(layout), id).toEqual([]);
  const legendBottom = Math.max(...layout.legend.map((b) => b.y + b.height));
  expect(legendBottom, id).toBeLessThanOrEqual(layout.grid!.y);
  for (const n of layout.axisNames) if (n.y + n.height <= layout.grid!.y) expect(n.y, `${id} ${n.name}`).toBeGreaterThanOrEqual(legendBottom);
}

const api = async (username: string, query: string, vars: Record<string, unknown> = {}) => ok(await p.gql(query, vars, await p.login(username)));

describe.skipIf(!hasChromium)('the market view of the dashboard in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
    await setUpMarket();
    for (const u of await sql<{ id: number; code: string }>(`select id, code from unit where level in ('province', 'city', 'county')`)) unitIds.set(u.code, String(u.id));
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('a province leader: price index, regions, findings by rule and price moves equal the API; a shop\'s price history with its 7-day base price, findings and evidence; exports', async () => {
    const { context, page, problems } = await watchedPage(browser, p.url);
    const province = unitIds.get('37')!;
    await logIn(page, 'sd-leader', `#/market?unit=${province}&from=${FROM}&to=${TO}`);
    expect(hashParams(page).get('unit')).toBe(province);
    expect(await page.innerText('#nav-market')).toBe('市场');

    // the daily price index and listings observed: the API's answer, which is the raw observations' mean and count
    const index = (await api('sd-leader', `query($r: TimeRangeInput!) { priceIndex(range: $r, regionCode: "37") { day avgPrice listings observations } }`, { r: RANGE })).priceIndex as {
      day: string;
      avgPrice: number;
      listings: number;
    }[];
    expect(index).toHaveLength(DAYS);
    const raw = await sql<{ day: string; avg: number; listings: number }>(
      `select to_char(observed_at at time zone 'UTC', 'YYYY-MM-DD') as day, avg(price)::float8 as avg, count(distinct listing_id)::int as listings
       from listing_observation group by 1 order by 1`,
    );
    expect(index.map((x) => [x.day.slice(0, 10), x.listings])).toEqual(raw.map((x) => [x.day, x.listings]));
    index.forEach((x, i) => expect(x.avgPrice, x.day).toBeCloseTo(raw[i].avg, 6));
    const shownIndex = await series(page, 'market-index');
    expect(await xAxis(page, 'market-index')).toEqual(index.map((x) => x.day.slice(0, 10)));
    // shown as an index, 100 on the first day, each day's mean price kept for the tooltip
    await expectPriceIndex(page, index);
    expect(shownIndex[1].data).toEqual(index.map((x) => x.listings));
    // no legend over an axis name or the plot, in every chart of the view with a legend
    for (const id of ['market-index', 'market-rules', 'market-regions', 'market-region-listings', 'market-categories']) await expectLegendClear(page, id);

    // findings by rule by month: the API's metrics, which count the findings table
    const months = MONTHS;
    const catalog = (await api('sd-leader', `{ metricCatalog { key family } }`)).metricCatalog as { key: string; family: string | null }[];
    const ruleKeys = catalog.filter((d) => d.family === 'findings_rule').map((d) => d.key);
    const byRule = (await api('sd-leader', `query($k: [String!]!, $f: String!, $t: String!) { metrics(keys: $k, from: $f, to: $t, granularity: MONTH) { key period value } }`, { k: ruleKeys, f: FROM, t: TO }))
      .metrics as { key: string; period: string; value: number | null }[];
    const counted = await sql<{ rule_id: string; month: string; n: number }>(
      `select rule_id, to_char(observed_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, count(*)::int as n from finding group by 1, 2`,
    );
    expect(counted.some((c) => c.rule_id === 'fake-original-price')).toBe(true);
    for (const c of counted) expect(byRule.find((r) => r.key === `findings_rule:${c.rule_id}` && r.period === c.month)?.value, `${c.rule_id} ${c.month}`).toBe(c.n);
    const shownRules = await series(page, 'market-rules');
    const rulesWithFindings = ruleKeys.filter((k) => byRule.some((r) => r.key === k && (r.value ?? 0) > 0));
    expect(shownRules).toHaveLength(rulesWithFindings.length);
    const ruleNames = (await api('sd-leader', `{ rules { id nameZh } }`)).rules as { id: string; nameZh: string }[];
    for (const k of rulesWithFindings) {
      const name = ruleNames.find((r) => `findings_rule:${r.id}` === k)!.nameZh;
      const s = shownRules.find((x) => x.name === name);
      expect(s, k).toBeDefined();
      expect(s!.data).toEqual(months.map((m) => byRule.find((r) => r.key === k && r.period === m)?.value ?? null));
    }

    // the cities by month: mean price and listings observed from the metrics of the units below
    const regions = (
      await api('sd-leader', `query($id: ID!, $f: String!, $t: String!) { metrics(keys: ["average_price", "listings_observed"], unitIds: [$id], children: true, from: $f, to: $t, granularity: MONTH) { unit { name code } key period value } }`, {
        id: province,
        f: FROM,
        t: TO,
      })
    ).metrics as { unit: { name: string; code: string }; key: string; period: string; value: number | null }[];
    const shownPrices = await series(page, 'market-regions');
    expect(shownPrices).toHaveLength(16);
    for (const s of shownPrices) {
      const unit = regions.find((r) => r.unit.name.replace(/市场监督管理局$/, '') === s.name)!.unit;
      expect(s.data, unit.code).toEqual(months.map((m) => regions.find((r) => r.unit.code === unit.code && r.key === 'average_price' && r.period === m)?.value ?? null));
    }
    expect(shownPrices.filter((s) => s.data.some((v) => v != null)).length).toBe(4); // the four cities with listings
    const jinanListings = (await series(page, 'market-region-listings')).find((s) => s.name === '济南市')!;
    expect(jinanListings.data).toEqual(months.map((m) => regions.find((r) => r.unit.code === '3701' && r.key === 'listings_observed' && r.period === m)?.value ?? null));
    expect(jinanListings.data.at(-1)).toBe(6); // 历下区's and 市中区's three listings each

    // the biggest price moves: the API's ten biggest, which are the raw changes table's ten biggest by |percent|
    const sorted = (
      await api('sd-leader', `query($r: TimeRangeInput!) { priceMoves(range: $r, regionCode: "37", first: 10) { percent shopId listingId observedAt } }`, { r: RANGE })
    ).priceMoves as { percent: number; shopId: string; listingId: string }[];
    const rawMoves = await sql<{ percent: number }>(`select percent::float8 as percent from listing_change where kind in ('price_up', 'price_down') order by abs(percent) desc limit 10`);
    expect(rawMoves.length).toBe(10);
    expect(sorted.map((m) => Math.abs(m.percent))).toEqual(rawMoves.map((m) => Math.abs(m.percent)));
    const shownMoves = await page.$$eval('#moves-table tbody tr', (trs) => trs.map((tr) => ({ percent: Number(tr.getAttribute('data-percent')), shop: tr.getAttribute('data-shop') })));
    expect(shownMoves.map((m) => m.percent)).toEqual(sorted.map((m) => m.percent));
    expect(shownMoves.map((m) => m.shop)).toEqual(sorted.map((m) => String(m.shopId)));
    expect((await series(page, 'market-moves'))[0].data).toEqual([...sorted].reverse().map((m) => m.percent));
    expect(await page.innerText('#moves-note')).toContain('最大的 10 条');
    await shot(page, 'province');

    // exports: the index as PNG, its data as CSV equal to the API's
    const png = await downloadBytes(page, '[data-png=market-index]');
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.bytes.length).toBeGreaterThan(10_000);
    const csv = (await downloadBytes(page, '[data-csv=market-index]')).bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(csv[0]).toBe('unit_code,category,day,avg_price,listings,observations,price_index');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(index.map((x) => `37,,${x.day.slice(0, 10)},${x.avgPrice},${x.listings},${(x as any).observations}`));
    csv.slice(1).forEach((l, i) => expect(Number(l.split(',')[6]), l).toBeCloseTo((index[i].avgPrice / index[0].avgPrice) * 100, 3));

    // a click on the biggest move opens its shop and listing
    await then(page, () => page.click('#moves-table tbody tr >> nth=0'));
    expect(hashParams(page).get('shop')).toBe(String(sorted[0].shopId));
    expect(hashParams(page).get('listing')).toBe(String(sorted[0].listingId));

    // the star shop by its id, then its listing with the fictitious original price
    await then(page, async () => {
      await page.fill('#shop-input', String(star.shopId));
      await page.click('#filters button[type=submit]');
    });
    expect(hashParams(page).get('shop')).toBe(String(star.shopId));
    await then(page, () => page.selectOption('#listing-select', String(star.listingId)));
    expect(hashParams(page).get('listing')).toBe(String(star.listingId));

    const history = (
      await api('sd-leader', `query($id: ID!, $r: TimeRangeInput!) { listing(id: $id) { priceHistory(range: $r, bucket: "1 day") { bucket avgPrice minPrice maxPrice } } }`, { id: star.listingId, r: RANGE })
    ).listing.priceHistory as { bucket: string; avgPrice: number; maxPrice: number }[];
    expect(history).toHaveLength(DAYS);
    const shown = await series(page, 'market-shop');
    expect(await xAxis(page, 'market-shop')).toEqual(history.map((h) => h.bucket.slice(0, 10)));
    expect(shown[0].data).toEqual(history.map((h) => h.avgPrice));
    expect(shown[2].data).toEqual(history.map((h) => h.maxPrice));
    const base = shown[3].data as (number | null)[];
    expect(base[0]).toBeNull();

    const findings = (
      await api('sd-leader', `query($s: ID!, $f: DateTimeISO!, $t: DateTimeISO!) { findings(filter: { shopId: $s, from: $f, to: $t }, first: 100) { totalCount nodes { id ruleId observedAt trigger evidence listing { id } } } }`, {
        s: star.shopId,
        f: RANGE.from,
        t: RANGE.to,
      })
    ).findings as { totalCount: number; nodes: { id: string; ruleId: string; observedAt: string; trigger: any; evidence: string[]; listing: { id: string } | null }[] };
    const fake = findings.nodes.filter((f) => f.ruleId === 'fake-original-price');
    // the rule fired on the days with 原价 99 (every 7th from day 3), not on those showing the highest price charged (day 5, 12 …)
    expect(fake.map((f) => Math.round((Date.parse(f.observedAt) - START.getTime()) / DAY - 2 / 24)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: DAYS }, (_, d) => d).filter((d) => d % 7 === 3),
    );
    // the 7-day base line at each finding equals the highest price the rule saw in the 7 days before
    for (const f of fake) {
      const i = history.findIndex((h) => h.bucket.slice(0, 10) === f.observedAt.slice(0, 10));
      expect(base[i], f.observedAt).toBe(f.trigger.maxPrice7d);
    }
    // the findings as diamonds at the original price they flagged
    const byDay = (a: unknown, b: unknown) => String((a as string[])[0]).localeCompare(String((b as string[])[0]));
    expect([...shown[4].data].sort(byDay)).toEqual(fake.map((f) => [f.observedAt.slice(0, 10), 99]).sort(byDay));
    // the findings table: every finding of the shop with its evidence, the captured listing pages
    const rows = await page.$$eval('#findings-table tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-finding'), evidence: tr.getAttribute('data-evidence') })));
    expect(rows.map((r) => r.id)).toEqual(findings.nodes.map((f) => f.id));
    expect(rows.map((r) => r.evidence)).toEqual(findings.nodes.map((f) => f.evidence.join(' ')));
    for (const f of fake) {
      const day = Math.round((Date.parse(f.observedAt) - START.getTime()) / DAY - 2 / 24);
      expect(f.evidence, f.observedAt).toEqual([pageHashes.get(day)]);
    }
    expect(await page.innerText('#card-shop-findings')).toContain('虚构原价');
    // the shop page snapshots with their evidence, newest first
    const snapshots = await page.$$eval('#snapshots-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-evidence')));
    expect(snapshots).toEqual([29, 15, 1].map((d) => shopPageHashes.get(d)));
    // the evidence opens: the captured listing page of a finding and a shop page, the very bytes hashed
    await expectLegendClear(page, 'market-shop');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const captured = await downloadBytes(page, `#findings-table tr[data-finding="${fake[0].id}"] button.evidence`);
    expect(sha(captured.bytes)).toBe(fake[0].evidence[0]);
    expect(captured.name).toBe(`evidence-${fake[0].evidence[0].slice(0, 16)}.html`);
    expect(captured.bytes.toString('utf8')).toContain('原价 99 元');
    expect(await page.innerText(`#findings-table tr[data-finding="${fake[0].id}"] button.evidence`)).toContain('网页');
    const shopPage = await downloadBytes(page, '#snapshots-table tbody tr:first-child button.evidence');
    expect(sha(shopPage.bytes)).toBe(shopPageHashes.get(29));
    await shot(page, 'shop');

    // the price history as CSV: the API's daily prices with the base line
    const shopCsv = (await downloadBytes(page, '[data-csv=market-shop]')).bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(shopCsv[0]).toBe('shop_id,listing_id,day,avg_price,min_price,max_price,observations,base_price_7d');
    expect(shopCsv).toHaveLength(DAYS + 1);
    expect(shopCsv[1].split(',').slice(0, 4)).toEqual([String(star.shopId), String(star.listingId), history[0].bucket.slice(0, 10), String(history[0].avgPrice)]);
    const shopPng = await downloadBytes(page, '[data-png=market-shop]');
    expect(shopPng.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    // categories: the top level as the listings table holds it; one chosen narrows the index and the moves to it
    const topLevel = await sql<{ name: string; listings: number; shops: number }>(
      `select split_part(category, '/', 1) as name, count(*)::int as listings, count(distinct shop_id)::int as shops
       from listing where removed_at is null and category is not null group by 1 order by 2 desc, 1`,
    );
    const shownCategories = await series(page, 'market-categories');
    const categoryNames = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-market-categories')).getOption().yAxis[0].data as string[]);
    expect([...categoryNames].reverse()).toEqual(topLevel.map((c) => c.name));
    expect([...shownCategories[0].data].reverse()).toEqual(topLevel.map((c) => c.listings));
    expect([...shownCategories[1].data].reverse()).toEqual(topLevel.map((c) => c.shops));
    await then(page, () => page.selectOption('#category-select', '数码'));
    expect(hashParams(page).get('cat')).toBe('数码');
    const digital = (await api('sd-leader', `query($r: TimeRangeInput!) { priceIndex(range: $r, regionCode: "37", category: "数码") { day avgPrice listings } }`, { r: RANGE })).priceIndex as {
      day: string;
      avgPrice: number;
      listings: number;
    }[];
    const rawDigital = await sql<{ day: string; avg: number; listings: number }>(
      `select to_char(o.observed_at at time zone 'UTC', 'YYYY-MM-DD') as day, avg(o.price)::float8 as avg, count(distinct o.listing_id)::int as listings
       from listing_observation o join listing l on l.id = o.listing_id where l.category like '数码/%' group by 1 order by 1`,
    );
    expect(digital.map((x) => [x.day.slice(0, 10), x.listings])).toEqual(rawDigital.map((x) => [x.day, x.listings]));
    digital.forEach((x, i) => expect(x.avgPrice, x.day).toBeCloseTo(rawDigital[i].avg, 6));
    await expectPriceIndex(page, digital);
    expect(await page.innerText('#card-market-index')).toContain('数码');
    // the listings of 数码 per day in each city: the API's counts per county summed by city, equal to the raw observations
    const digitalCounts = (await api('sd-leader', `query($r: TimeRangeInput!) { listingCounts(range: $r, regionCode: "37", category: "数码") { day regionCode listings } }`, { r: RANGE }))
      .listingCounts as { day: string; regionCode: string; listings: number }[];
    const rawByCity = await sql<{ city: string; day: string; n: number }>(
      `select left(o.region_code, 4) as city, to_char(o.observed_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(distinct o.listing_id)::int as n
       from listing_observation o join listing l on l.id = o.listing_id where l.category like '数码/%' group by 1, 2 order by 1, 2`,
    );
    const cities = await sql<{ code: string; name: string }>(`select code, name from unit where level = 'city'`);
    const days = await xAxis(page, 'market-region-listings');
    const shownByCity = await series(page, 'market-region-listings');
    expect(shownByCity).toHaveLength(16);
    for (const c of cities) {
      const shownCity = shownByCity.find((x) => x.name === c.name.replace(/市场监督管理局$/, ''))!;
      expect(shownCity, c.code).toBeDefined();
      const expected = days.map((d) => rawByCity.find((x) => x.city === c.code && x.day === d)?.n ?? null);
      expect(shownCity.data, c.code).toEqual(expected);
      const fromApi = days.map((d) => digitalCounts.filter((x) => x.regionCode.startsWith(c.code) && x.day.slice(0, 10) === d).reduce((n, x) => n + x.listings, 0) || null);
      expect(shownCity.data, c.code).toEqual(fromApi);
    }
    expect(rawByCity.map((x) => x.city).filter((x, i, a) => a.indexOf(x) === i).length).toBe(4);
    const catCsv = (await downloadBytes(page, '[data-csv=market-region-listings]')).bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
    expect(catCsv[0]).toBe('unit_code,unit_name,category,day,listings');
    expect(catCsv).toHaveLength(1 + 16 * days.length);
    const digitalMoves = await page.$$eval('#moves-table tbody tr', (trs) => trs.map((tr) => tr.children[3].textContent));
    expect(digitalMoves.length).toBeGreaterThan(0);
    for (const c of digitalMoves) expect(c).toMatch(/^数码\//);
    const subcategories = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-market-categories')).getOption().yAxis[0].data as string[]);
    expect(subcategories).toEqual(['耳机']);
    await shot(page, 'category');
    await then(page, () => page.selectOption('#category-select', ''));
    expect(hashParams(page).get('cat')).toBeNull();

    // English
    await then(page, () => page.click('#lang'));
    expect(await page.innerText('#nav-market')).toBe('Market');
    expect(await page.innerText('#card-market-shop')).toContain('Reference: the highest price observed in the 7 days before each day');
    expect((await series(page, 'market-shop'))[3].name).toBe('Highest price of the 7 days before (original-price reference)');
    expect((await chartLayout(page, 'market-index')).axisNames.map((n) => n.name)).toContain('Index (start = 100)');
    await expectLegendClear(page, 'market-index');
    await expectLegendClear(page, 'market-shop');
    await shot(page, 'shop-en');
    await then(page, () => page.click('#lang'));
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a county user sees their county\'s market; a link to another county\'s shop shows a plain error and none of its data', async () => {
    const { context, page, problems, bodies } = await watchedPage(browser, p.url);
    const own = unitIds.get('370102')!;
    await logIn(page, 'x370102-leader', `#/market?from=${FROM}&to=${TO}`);
    expect(hashParams(page).get('unit')).toBe(own);
    const index = (await api('x370102-leader', `query($r: TimeRangeInput!) { priceIndex(range: $r) { avgPrice listings } }`, { r: RANGE })).priceIndex as { avgPrice: number; listings: number }[];
    expect(index.length).toBe(DAYS);
    expect(index.every((x) => x.listings === 3)).toBe(true); // the star shop's three listings only
    const shown = await series(page, 'market-index');
    await expectPriceIndex(page, index);
    expect(shown[1].data).toEqual(index.map((x) => x.listings));
    // the API refuses the other county's shop
    const refused = await p.gql(`query($id: ID!) { shop(id: $id) { name } }`, { id: foreignShop.id }, await p.login('x370102-leader'));
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    bodies.length = 0;
    await then(page, () => page.goto(`${p.url}/dashboard/#/market?unit=${own}&from=${FROM}&to=${TO}&shop=${foreignShop.id}`));
    expect(await page.innerText('#banner')).toContain('无权查看或不存在该店铺');
    expect(hashParams(page).get('shop')).toBeNull();
    expect(await page.innerText('body')).not.toContain(foreignShop.name);
    for (const body of bodies) expect(JSON.stringify((JSON.parse(body) as { data?: unknown }).data ?? null)).not.toContain(foreignShop.name);
    await shot(page, 'county-refused');
    expect(problems).toEqual([]);
    await context.close();
  });
});
