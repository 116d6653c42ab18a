/**
 * The dashboard's assessment (考核) and monthly report (月报) views (issue 8) in real headless Chromium, on a
 * small demo province whose metrics rollup rows are written directly, the assessment run and monthly reports
 * generated through the API. No scheme applies before 2026 (version 1 applies from 2026 and a later version
 * may not apply earlier) and a year not begun is refused, so two assessed years cannot both come from runs
 * today: last year's results are the rows of a run over other data (another seed), stored under last year
 * by SQL as a past, complete year; then this year is run over the data of this test. The views read both
 * years through the API only: the ranking shown (order, scores, ranks) equals `assessmentResults` and the stored rows;
 * the points per indicator and a unit's explanation equal the API's items (zh and en); the comparison of the
 * two years shows the right score and rank changes; PNG and CSV exports; a county user sees only its subtree
 * and a link to another county's result is refused plainly; the report list downloads the stored files (200
 * with the right type for the leader, 404 for another county's user) and the preview shows the stored table.
 * Screenshots go to test-artifacts/dashboard-assessment-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_INDICATORS } from '../analytics/assessment';
import { runAssessment } from '../analytics/assessment/run-assessment';
import { chinaDay } from '../services/calendar/working-days';
import { codes, ok, workflowChecks } from './support/checks';
import { ARTIFACTS, downloadBytes, hasChromium, launchChromium, watchedPage } from './support/browser';
import { axisExtent, chartLayout, legendOverAxisNames } from './support/chart-layout';
import { DEMO_PASSWORD, startTestPlatform, type TestPlatform } from './support/platform';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CURRENT = chinaDay().slice(0, 7);
const YEAR = Number(CURRENT.slice(0, 4));
const LAST = YEAR - 1;
const PREVIOUS = (() => {
  const [y, m] = CURRENT.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
/** the months rows are written for: January and the last two months of this year */
const MONTHS = [...new Set([`${YEAR}-01`, PREVIOUS, CURRENT])];
const KEYS = Object.keys(ASSESSMENT_INDICATORS);

const RESULTS = `query($year: Int!, $level: UnitLevel, $parent: ID) {
  assessmentResults(year: $year, level: $level, parentUnitId: $parent) { unit { id code name } level total itemsTotal bonusTotal rank peerCount siblingRank siblingCount items { key points } }
}`;
const RESULT = `query($unitId: ID!, $year: Int!) {
  assessmentResult(unitId: $unitId, year: $year) {
    unit { id code name } total rank peerCount explanation explanationEn
    items { key indicator value target points max ruleZh ruleEn explanation explanationEn }
    bonus { key points explanation explanationEn }
  }
}`;
const GENERATE = `mutation($month: String!, $unitId: ID!) { generateMonthlyReport(month: $month, unitId: $unitId) { month units files report { id } } }`;
const REPORTS = `query($month: String, $unitId: ID) { monthlyReports(month: $month, unitId: $unitId) { id unitId unitCode unitName month files { id format url sha256 } } }`;
const REPORT = `query($unitId: ID!, $month: String!) {
  monthlyReport(unitId: $unitId, month: $month) { unitCode month table { columns { key } rows { kind code cells { month { value } ytd { value } } } total { kind code cells { month { value } ytd { value } } } } }
}`;

interface Result {
  unit: { id: string; code: string; name: string };
  level: string;
  total: number;
  itemsTotal: number;
  bonusTotal: number;
  rank: number;
  peerCount: number;
  siblingRank: number;
  siblingCount: number;
  items: { key: string; points: number }[];
}

let p: TestPlatform;
let browser: Browser;
const { sql } = workflowChecks(() => p, 'dashboard assessment test', []);
const evidenceDir = `/tmp/hongdun-dashboard-assessment-${process.pid}`;
const unitIds = new Map<string, string>();

async function results(username: string, vars: Record<string, unknown>): Promise<Result[]> {
  return ok(await p.gql(RESULTS, vars, await p.login(username))).assessmentResults as Result[];
}

/**
 * Each unit's own rollup rows, pseudo-random from (unit, key, month, seed): counts 0..9, rates n of d with
 * d 1..20. Another seed gives other scores and ranks.
 */
async function writeMetrics(seed: string): Promise<void> {
  await sql(`delete from unit_metric_month`);
  for (const month of MONTHS) {
    for (const key of KEYS) {
      const rate = ASSESSMENT_INDICATORS[key as keyof typeof ASSESSMENT_INDICATORS].kind === 'rate';
      const h = `abs(hashtext(u.id::text || '|' || ?::text || '|' || ?::text || '${seed}'))`;
      await sql(
        rate
          ? `insert into unit_metric_month (unit_id, month, key, region_code, numerator, denominator)
             select u.id, ?::date, ?, u.jurisdiction[1], (${h} / 100) % ((${h} % 20) + 2), (${h} % 20) + 1
             from unit u where cardinality(u.jurisdiction) > 0`
          : `insert into unit_metric_month (unit_id, month, key, region_code, numerator, denominator)
             select u.id, ?::date, ?, u.jurisdiction[1], ${h} % 10, null
             from unit u where cardinality(u.jurisdiction) > 0`,
        rate ? [`${month}-01`, key, key, month, key, month, key, month] : [`${month}-01`, key, key, month],
      );
    }
  }
}

async function logIn(page: Page, username: string) {
  await page.goto(`${p.url}/dashboard/`);
  await page.waitForSelector('#login-form');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await then(page, () => page.click('#login-form button[type=submit]'));
}

async function then(page: Page, action: () => Promise<unknown>) {
  await page.evaluate(() => document.querySelector('#main')?.setAttribute('data-state', 'stale'));
  await action();
  await page.waitForFunction(() => ['ready', 'error'].includes(document.querySelector('#main')?.getAttribute('data-state') ?? ''), null, { timeout: 30_000 });
  expect(await page.getAttribute('#main', 'data-state'), await page.innerText('#main')).toBe('ready');
}

const hashParams = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-assessment-${name}.png`), fullPage: true });
}

const csvLines = (bytes: Buffer) => bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n');
const num = (s: string | null) => (s == null || s === '' ? null : Number(s));

/**
 * A score axis as drawn spans every score shown, at most 100 (when the scores do), and not from 0: the spread of
 * the scores takes a good part of it, so scores a point apart look different.
 */
async function expectScaledAxis(page: Page, id: string, axis: 'xAxis' | 'yAxis', totals: number[]) {
  const [lo, hi] = await axisExtent(page, id, axis);
  const min = Math.min(...totals);
  const max = Math.max(...totals);
  expect(lo, id).toBeLessThanOrEqual(min);
  expect(hi, id).toBeGreaterThanOrEqual(max);
  if (max <= 100) expect(hi, id).toBeLessThanOrEqual(100);
  if (max - min >= 2) expect((max - min) / (hi - lo), `${id}: scores ${min}–${max} on an axis ${lo}–${hi}`).toBeGreaterThanOrEqual(0.4);
  else expect(hi - lo, `${id}: scores ${min}–${max} on an axis ${lo}–${hi}`).toBeLessThanOrEqual(5);
  const name = await page.evaluate(([chartId, a]) => (window as any).echarts.getInstanceByDom(document.querySelector(`#chart-${chartId}`)).getOption()[a][0].name, [id, axis] as const);
  expect(name, id).toBe(lo > 0 ? '得分（分，坐标轴不从 0 开始）' : '分');
}

/** The ranking as shown: code, rank and total per row, in order. */
async function shownRanking(page: Page): Promise<{ code: string; rank: number; total: number }[]> {
  const rows = await page.$$eval('#ranking-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-code'), tr.getAttribute('data-rank'), tr.getAttribute('data-total')]));
  return rows.map(([code, rank, total]) => ({ code: code!, rank: Number(rank), total: Number(total) }));
}

/** The explanation as shown: per item its key, raw value, target, points and the explanation text. */
async function shownExplanation(page: Page) {
  return page.$$eval('#explanation-table tbody tr[data-key]', (trs) =>
    trs.map((tr) => ({
      key: tr.getAttribute('data-key'),
      value: tr.getAttribute('data-value'),
      target: tr.getAttribute('data-target'),
      points: tr.getAttribute('data-points'),
      text: tr.querySelector('td.explain')?.textContent ?? '',
    })),
  );
}

describe.skipIf(!hasChromium)('the assessment and monthly report views in a real browser', () => {
  beforeAll(async () => {
    p = await startTestPlatform({ seed: 'assessment', entities: 60, config: { evidenceDir } });
    // PGlite runs in this process: keep idle sockets open across a long query
    p.server.keepAliveTimeout = 120_000;
    // last year: a run over other data, stored under last year as a complete year (see the top of the file)
    await writeMetrics('last');
    await runAssessment(p.orm.em.fork(), YEAR);
    await sql(`update assessment_result set year = ?, through_month = ?, provisional = false where year = ?`, [LAST, `${LAST}-12`, YEAR]);
    await writeMetrics('this');
    await runAssessment(p.orm.em.fork(), YEAR);
    for (const u of await sql<{ id: number; code: string }>(`select id, code from unit where level in ('province', 'city', 'county')`)) unitIds.set(u.code, String(u.id));
    const leader = await p.login('sd-leader');
    for (const code of ['37', '370102', '370103']) ok(await p.gql(GENERATE, { month: PREVIOUS, unitId: unitIds.get(code) }, leader));
    browser = await launchChromium();
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await p?.shutdown();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('a province leader: the ranking, points per indicator and a unit\'s explanation equal the API; two years compared; exports', async () => {
    const { context, page, problems } = await watchedPage(browser, p.url);
    await logIn(page, 'sd-leader');
    const province = unitIds.get('37')!;
    await then(page, () => page.click('#nav-assessment'));
    expect(hashParams(page).get('unit')).toBe(province);
    expect(hashParams(page).get('year')).toBe(String(YEAR));
    // last year: the 16 cities ranked among themselves
    await then(page, () => page.selectOption('#year', String(LAST)));
    expect(hashParams(page).get('year')).toBe(String(LAST));
    const cities = await results('sd-leader', { year: LAST, parent: province });
    expect(cities).toHaveLength(16);
    // the API's ranking against the stored rows (independent SQL)
    const stored = await sql<{ code: string; total: string; sibling_rank: number }>(
      `select u.code, r.total::text as total, r.sibling_rank from assessment_result r join unit u on u.id = r.unit_id where r.year = ? and r.parent_id = ? order by r.sibling_rank, u.code`,
      [LAST, Number(province)],
    );
    expect(cities.map((c) => [c.unit.code, c.total, c.siblingRank])).toEqual(stored.map((s) => [s.code, Number(s.total), s.sibling_rank]));
    expect(new Set(cities.map((c) => c.total)).size).toBeGreaterThan(8);
    expect(await shownRanking(page)).toEqual(cities.map((c) => ({ code: c.unit.code, rank: c.siblingRank, total: c.total })));
    const rankingBars = await page.evaluate(() =>
      (window as any).echarts.getInstanceByDom(document.querySelector('#chart-assessment-ranking')).getOption().series[0].data.map((d: any) => [d.unitId, d.value]),
    );
    expect(new Map(rankingBars)).toEqual(new Map(cities.map((c) => [c.unit.id, c.total])));
    await expectScaledAxis(page, 'assessment-ranking', 'xAxis', cities.map((c) => c.total));
    // the points per indicator: one stacked series per item, each unit's bar the API's item points
    const stacked = await page.evaluate(() =>
      (window as any).echarts.getInstanceByDom(document.querySelector('#chart-assessment-items')).getOption().series.map((s: any) => ({ id: s.id, stack: s.stack, data: s.data })),
    );
    const itemKeys = cities[0].items.map((i) => i.key);
    expect(stacked.map((s: { id: string }) => s.id)).toEqual(itemKeys);
    for (const s of stacked as { id: string; stack: string; data: number[] }[]) {
      expect(s.stack).toBe('points');
      expect(s.data, s.id).toEqual(cities.map((c) => c.items.find((i) => i.key === s.id)!.points));
    }
    for (const [k, c] of cities.entries()) {
      const sum = stacked.reduce((n: number, s: { data: number[] }) => n + s.data[k], 0);
      expect(sum, c.unit.code).toBeCloseTo(c.itemsTotal, 6);
    }
    await shot(page, 'ranking');

    // a unit's explanation: click the third city in the ranking
    const third = cities[2];
    await then(page, () => page.click(`#ranking-table tr[data-code="${third.unit.code}"] td:nth-child(3)`));
    expect(hashParams(page).get('sel')).toBe(third.unit.id);
    const detail = ok(await p.gql(RESULT, { unitId: third.unit.id, year: LAST }, await p.login('sd-leader'))).assessmentResult;
    expect(await page.getAttribute('#explanation-total', 'data-total')).toBe(String(detail.total));
    expect(await page.innerText('#explanation-total')).toContain(detail.explanation);
    const shown = await shownExplanation(page);
    expect(shown).toHaveLength(detail.items.length);
    expect(detail.items.length).toBeGreaterThan(3);
    for (const [k, item] of (detail.items as { key: string; value: number | null; target: number | null; points: number; explanation: string }[]).entries()) {
      expect(shown[k].key).toBe(item.key);
      expect(num(shown[k].value), item.key).toEqual(item.value);
      expect(num(shown[k].target), item.key).toEqual(item.target);
      expect(Number(shown[k].points), item.key).toBe(item.points);
      expect(shown[k].text, item.key).toBe(item.explanation);
    }
    // the explanation's CSV is the API's items
    const explained = csvLines((await downloadBytes(page, '[data-csv=assessment-explanation]')).bytes);
    expect(explained[0]).toBe('year,unit_code,unit_name,item,indicator,value,target,rule,points,max,explanation');
    expect(explained.length).toBe(1 + detail.items.length + detail.bonus.length);
    expect(explained[1].startsWith(`${LAST},${third.unit.code},${third.unit.name},${detail.items[0].key},${detail.items[0].indicator},`)).toBe(true);
    await shot(page, 'explanation');
    // in English the explanation is the API's English one
    await then(page, () => page.click('#lang'));
    const shownEn = await shownExplanation(page);
    for (const [k, item] of (detail.items as { explanationEn: string }[]).entries()) expect(shownEn[k].text).toBe(item.explanationEn);
    expect(await page.innerText('#explanation-total')).toContain(detail.explanationEn);
    await shot(page, 'explanation-en');
    await then(page, () => page.click('#lang'));

    // the two years compared: the same cities, score and rank in both, and the change
    await then(page, () => page.selectOption('#vs', String(YEAR)));
    expect(hashParams(page).get('vs')).toBe(String(YEAR));
    const now = new Map((await results('sd-leader', { year: YEAR, parent: province })).map((c) => [c.unit.id, c]));
    const compared = await page.$$eval('#compare-table tbody tr', (trs) =>
      trs.map((tr) => Object.fromEntries(['unit', 'total-a', 'rank-a', 'total-b', 'rank-b', 'score-change', 'rank-change'].map((k) => [k, tr.getAttribute(`data-${k}`)]))),
    );
    expect(compared.map((c) => c.unit)).toEqual(cities.map((c) => c.unit.id));
    let moved = 0;
    for (const [k, a] of cities.entries()) {
      const b = now.get(a.unit.id)!;
      const row = compared[k];
      expect(Number(row['total-a'])).toBe(a.total);
      expect(Number(row['rank-a'])).toBe(a.siblingRank);
      expect(Number(row['total-b'])).toBe(b.total);
      expect(Number(row['rank-b'])).toBe(b.siblingRank);
      expect(Number(row['score-change']), a.unit.code).toBeCloseTo(a.total - b.total, 2);
      expect(Number(row['rank-change']), a.unit.code).toBe(b.siblingRank - a.siblingRank);
      if (b.siblingRank !== a.siblingRank) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    const compareCsv = csvLines((await downloadBytes(page, '[data-csv=assessment-compare]')).bytes);
    expect(compareCsv[0]).toBe('unit_code,unit_name,year_a,total_a,rank_a,year_b,total_b,rank_b,total_change,rank_change');
    expect(compareCsv).toHaveLength(17);
    const compareSeries = await page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-assessment-compare')).getOption().series.map((s: any) => s.name));
    expect(compareSeries).toEqual([String(LAST), String(YEAR)]);
    await expectScaledAxis(page, 'assessment-compare', 'yAxis', [...cities.map((c) => c.total), ...[...now.values()].map((c) => c.total)]);
    const compareLayout = await chartLayout(page, 'assessment-compare');
    expect(legendOverAxisNames(compareLayout)).toEqual([]);
    expect(Math.max(...compareLayout.legend.map((b) => b.y + b.height))).toBeLessThanOrEqual(compareLayout.grid!.y);
    const comparePng = await downloadBytes(page, '[data-png=assessment-compare]');
    expect(comparePng.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    await shot(page, 'compare');

    // exports of the ranking: a PNG and the API's rows as CSV
    const png = await downloadBytes(page, '[data-png=assessment-ranking]');
    expect(png.name).toBe(`hongdun-assessment-ranking-${LAST}_${YEAR}.png`);
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png.bytes.length).toBeGreaterThan(10_000);
    const csv = csvLines((await downloadBytes(page, '[data-csv=assessment-ranking]')).bytes);
    expect(csv[0]).toBe('year,unit_code,unit_name,level,rank,of,total,items_total,bonus_total,provisional,through_month');
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 7))).toEqual(cities.map((c) => [c.unit.code, c.unit.name, 'CITY', String(c.siblingRank), '16', String(c.total)]));
    const itemsPng = await downloadBytes(page, '[data-png=assessment-items]');
    expect(itemsPng.bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

    // a comparison year without an assessment run: said so, no column of "—", no series of it
    const noRun = LAST - 1;
    expect(await results('sd-leader', { year: noRun, parent: province })).toEqual([]);
    expect(await page.getAttribute(`#vs option[value="${noRun}"]`, 'data-no-run')).toBe('true');
    expect(await page.getAttribute(`#vs option[value="${YEAR}"]`, 'data-no-run')).toBeNull();
    await then(page, () => page.selectOption('#vs', String(noRun)));
    expect(hashParams(page).get('vs')).toBe(String(noRun));
    expect(await page.innerText('#no-run')).toBe(`${noRun}年无考核结果`);
    expect(await page.$('#chart-assessment-compare')).toBeNull();
    const noRunRows = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-code'), [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())]));
    expect(noRunRows.map(([code]) => code)).toEqual(cities.map((c) => c.unit.code));
    expect(noRunRows.flatMap(([, cells]) => cells as string[]).filter((c) => c === '—')).toEqual([]);
    expect(await page.innerText('#compare-table thead')).not.toContain(String(noRun));
    await shot(page, 'compare-no-run');
    await then(page, () => page.click('#lang'));
    expect(await page.innerText('#no-run')).toBe(`No assessment run for ${noRun}`);
    await then(page, () => page.click('#lang'));
    await then(page, () => page.selectOption('#vs', ''));
    expect(await page.$('#card-assessment-compare')).toBeNull();

    // every county of the province, ranked province-wide
    await then(page, () => page.selectOption('#level', 'COUNTY'));
    expect(hashParams(page).get('level')).toBe('COUNTY');
    const counties = await results('sd-leader', { year: LAST, level: 'COUNTY' });
    expect(counties.length).toBeGreaterThan(100);
    expect(await shownRanking(page)).toEqual(counties.map((c) => ({ code: c.unit.code, rank: c.rank, total: c.total })));
    await expectScaledAxis(page, 'assessment-ranking', 'xAxis', counties.map((c) => c.total));
    const [{ n }] = await sql<{ n: string }>(`select count(*)::text as n from unit where level = 'county'`);
    expect(counties[0].peerCount).toBe(Number(n));
    await shot(page, 'counties');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a county user sees only its subtree; a link to another county\'s result is refused plainly and shows none of it', async () => {
    const { context, page, problems, bodies } = await watchedPage(browser, p.url);
    const own = unitIds.get('370102')!;
    const other = unitIds.get('370103')!;
    await logIn(page, 'x370102-leader');
    await then(page, () => page.goto(`${p.url}/dashboard/#/assessment?year=${LAST}`));
    expect(hashParams(page).get('unit')).toBe(own);
    const stations = await results('x370102-leader', { year: LAST, parent: own });
    expect(stations.length).toBeGreaterThan(1);
    expect(stations.every((s) => s.unit.code.startsWith('370102'))).toBe(true);
    expect(await shownRanking(page)).toEqual(stations.map((s) => ({ code: s.unit.code, rank: s.siblingRank, total: s.total })));
    // this year: provisional (the year goes on); a year without a run: said so
    await then(page, () => page.selectOption('#year', String(YEAR)));
    expect(await page.innerText('#provisional')).toContain(CURRENT);
    expect(await shownRanking(page)).toEqual((await results('x370102-leader', { year: YEAR, parent: own })).map((s) => ({ code: s.unit.code, rank: s.siblingRank, total: s.total })));
    await then(page, () => page.selectOption('#year', String(LAST - 1)));
    expect(await page.innerText('#card-assessment-ranking [data-state=empty]')).toContain('尚无考核结果');
    expect(await page.$('#ranking-table')).toBeNull();
    await then(page, () => page.selectOption('#year', String(LAST)));
    // the whole level: their own county only
    await then(page, () => page.selectOption('#level', 'COUNTY'));
    expect((await shownRanking(page)).map((r) => r.code)).toEqual(['370102']);
    await shot(page, 'county-user');

    // the API refuses another county's result
    expect(codes(await p.gql(RESULT, { unitId: other, year: LAST }, await p.login('x370102-leader')))).toEqual(['NOT_FOUND']);
    // a link to it: a plain message, the ranking without it, none of its data received
    bodies.length = 0;
    await then(page, () => page.goto(`${p.url}/dashboard/#/assessment?unit=${own}&year=${LAST}&sel=${other}`));
    expect(await page.isVisible('#banner')).toBe(true);
    expect(await page.innerText('#banner')).toContain('无权查看或不存在该单位的考核结果');
    expect(hashParams(page).get('sel')).toBeNull();
    expect(hashParams(page).get('unit')).toBe(own);
    // a link to the other county as the unit shown: back to their own unit
    await then(page, () => page.goto(`${p.url}/dashboard/#/assessment?unit=${other}&year=${LAST}`));
    expect(await page.innerText('#banner')).toContain('无权查看或不存在该单位');
    expect(hashParams(page).get('unit')).toBe(own);
    const text = await page.innerText('body');
    expect(text).not.toContain('市中区');
    expect(text).not.toContain('370103');
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(JSON.stringify((JSON.parse(body) as { data?: unknown }).data ?? null)).not.toContain('370103');
    await shot(page, 'county-user-refused');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('monthly reports: the list downloads the stored files, the preview shows the stored table; another county\'s is refused', async () => {
    const leader = await p.login('sd-leader');
    const county = await p.login('x370102-leader');
    const province = unitIds.get('37')!;
    const listed = ok(await p.gql(REPORTS, { month: PREVIOUS, unitId: province }, leader)).monthlyReports as { unitId: string; unitCode: string; files: { format: string; url: string }[] }[];
    expect(listed.map((r) => r.unitCode).sort()).toEqual(['37', '370102', '370103']);
    // the files over HTTP: 200 and the right type for the leader; another county's are 404 for the county user
    const types: Record<string, RegExp> = { XLSX: /spreadsheetml/, HTML: /text\/html/, PDF: /application\/pdf/, JSON: /application\/json/ };
    for (const r of listed) {
      for (const f of r.files) {
        const res = await fetch(`${p.url}${f.url}`, { headers: { authorization: `Bearer ${leader}` } });
        expect(res.status, f.url).toBe(200);
        expect(res.headers.get('content-type'), f.url).toMatch(types[f.format]);
        const asCounty = await fetch(`${p.url}${f.url}`, { headers: { authorization: `Bearer ${county}` } });
        expect(asCounty.status, `${r.unitCode} ${f.url}`).toBe(r.unitCode === '370103' || r.unitCode === '37' ? 404 : 200);
      }
    }

    const { context, page, problems } = await watchedPage(browser, p.url);
    await logIn(page, 'sd-leader');
    await then(page, () => page.click('#nav-reports'));
    await then(page, () => page.goto(`${p.url}/dashboard/#/reports?unit=${province}&month=${PREVIOUS}`));
    const rows = await page.$$eval('#reports-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-unit'), tr.getAttribute('data-month')]));
    expect(rows.map(([u]) => u).sort()).toEqual(listed.map((r) => String(r.unitId)).sort());
    // download the province's XLSX from the page (fetched with the token)
    const xlsx = await downloadBytes(page, `#reports-table tr[data-unit="${province}"] button[data-format=xlsx]`);
    expect(xlsx.name).toBe(`月度统计报表-37-${PREVIOUS}.xlsx`);
    expect(xlsx.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const provinceXlsx = listed.find((r) => r.unitCode === '37')!.files.find((f) => f.format === 'XLSX')!;
    const direct = Buffer.from(await (await fetch(`${p.url}${provinceXlsx.url}`, { headers: { authorization: `Bearer ${leader}` } })).arrayBuffer());
    expect(xlsx.bytes.equals(direct)).toBe(true);
    const html = await downloadBytes(page, `#reports-table tr[data-unit="${province}"] button[data-format=html]`);
    expect(html.bytes.toString('utf8')).toContain('<table');
    // the preview: the stored table as the API gives it
    await then(page, () => page.click(`#reports-table tr[data-unit="${province}"] a.preview`));
    expect(hashParams(page).get('rep')).toBe(`${province}:${PREVIOUS}`);
    const report = ok(await p.gql(REPORT, { unitId: province, month: PREVIOUS }, leader)).monthlyReport;
    const tableRows = [...report.table.rows, report.table.total] as { kind: string; code: string; cells: { month: { value: number | null } }[] }[];
    const shown = await page.$$eval('#report-preview tbody tr', (trs) =>
      trs.map((tr) => ({ kind: tr.getAttribute('data-kind'), code: tr.getAttribute('data-code'), values: [...tr.querySelectorAll('td[data-key]')].map((td) => td.getAttribute('data-value')) })),
    );
    expect(shown.map((r) => [r.kind, r.code])).toEqual(tableRows.map((r) => [r.kind, r.code]));
    for (const [k, row] of tableRows.entries()) expect(shown[k].values.map(num), row.code).toEqual(row.cells.map((c) => c.month.value));
    expect(tableRows.some((r) => r.cells.some((c) => (c.month.value ?? 0) > 0))).toBe(true);
    const previewCsv = csvLines((await downloadBytes(page, '[data-csv=report-preview]')).bytes);
    expect(previewCsv.length).toBe(1 + tableRows.length * report.table.columns.length);
    await shot(page, 'reports');

    // every month's reports: a search by unit name or code and a level filter narrow the list in the page, the
    // count says how many are shown, no match says so; the filters stay in the link
    const all = ok(await p.gql(REPORTS, { unitId: province }, leader)).monthlyReports as { unitId: string; unitCode: string; unitName: string; month: string }[];
    await then(page, () => page.selectOption('#report-month', ''));
    expect(hashParams(page).get('month')).toBe('all');
    const visible = () => page.$$eval('#reports-table tbody tr:not([hidden])', (trs) => trs.map((tr) => tr.children[1].textContent ?? ''));
    expect((await visible()).sort()).toEqual(all.map((r) => r.unitCode).sort());
    expect(await page.innerText('#reports-count')).toBe(`显示 ${all.length} / ${all.length}`);
    expect(await page.isVisible('#reports-no-match')).toBe(false);
    const countyReport = all.find((r) => r.unitCode === '370102')!;
    const part = countyReport.unitName.replace(/市场监督管理局$/, '').slice(-3);
    const byName = all.filter((r) => r.unitName.includes(part) || r.unitCode.includes(part));
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.length).toBeLessThan(all.length);
    await page.fill('#report-search', part);
    expect((await visible()).sort()).toEqual(byName.map((r) => r.unitCode).sort());
    expect(await page.innerText('#reports-count')).toBe(`显示 ${byName.length} / ${all.length}`);
    expect(hashParams(page).get('q')).toBe(part);
    await page.fill('#report-search', '3701');
    const byCode = all.filter((r) => r.unitCode.includes('3701'));
    expect((await visible()).sort()).toEqual(byCode.map((r) => r.unitCode).sort());
    await page.selectOption('#report-level', 'COUNTY');
    const counties = byCode.filter((r) => /^\d{6}$/.test(r.unitCode));
    expect(counties.length).toBeGreaterThan(0);
    expect((await visible()).sort()).toEqual(counties.map((r) => r.unitCode).sort());
    expect(await page.innerText('#reports-count')).toBe(`显示 ${counties.length} / ${all.length}`);
    expect(hashParams(page).get('rlevel')).toBe('COUNTY');
    await page.selectOption('#report-level', 'PROVINCE');
    expect(await visible()).toEqual([]);
    expect(await page.isVisible('#reports-no-match')).toBe(true);
    expect(await page.innerText('#reports-no-match')).toContain('没有符合条件的月报');
    expect(await page.innerText('#reports-count')).toBe(`显示 0 / ${all.length}`);
    // the link keeps the filters: opened again, the same rows
    await page.fill('#report-search', '');
    await page.selectOption('#report-level', 'COUNTY');
    const link = page.url();
    expect(link).toContain('rlevel=COUNTY');
    await then(page, () => page.reload());
    expect(await page.inputValue('#report-level')).toBe('COUNTY');
    expect((await visible()).sort()).toEqual(all.filter((r) => /^\d{6}$/.test(r.unitCode)).map((r) => r.unitCode).sort());
    await shot(page, 'reports-filtered');
    // a month from the filter asks the API for it, the level kept
    await then(page, () => page.selectOption('#report-month', PREVIOUS));
    expect(hashParams(page).get('month')).toBe(PREVIOUS);
    expect(hashParams(page).get('rlevel')).toBe('COUNTY');
    expect((await visible()).sort()).toEqual(listed.filter((r) => /^\d{6}$/.test(r.unitCode)).map((r) => r.unitCode).sort());
    await page.click('#report-clear');
    expect((await visible()).sort()).toEqual(listed.map((r) => r.unitCode).sort());
    expect(hashParams(page).get('rlevel')).toBeNull();

    // generating a month's reports from the page: a county and its stations for January, none stored before
    const countyUnit = unitIds.get('370102')!;
    const january = `${YEAR}-01`;
    const subtree = await sql<{ id: number; code: string }>(`select id, code from unit where path like (select path from unit where code = '370102') || '%' order by code`);
    expect(subtree.length).toBeGreaterThan(1);
    await then(page, () => page.goto(`${p.url}/dashboard/#/reports?unit=${countyUnit}&month=${january}`));
    expect(await page.$$('#reports-table tbody tr')).toHaveLength(0);
    await page.selectOption('#generate-month', january);
    await page.check('#generate-subtree');
    await then(page, () => page.click('#generate-report'));
    expect(await page.getAttribute('#banner', 'class')).toBe('info');
    expect(await page.innerText('#banner')).toContain(`已生成 ${january} 月报：${subtree.length} 个单位`);
    expect(hashParams(page).get('month')).toBe(january);
    const generated = ok(await p.gql(REPORTS, { month: january, unitId: countyUnit }, leader)).monthlyReports as { unitCode: string }[];
    expect(generated.map((r) => r.unitCode).sort()).toEqual(subtree.map((u) => u.code));
    const generatedRows = await page.$$eval('#reports-table tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent));
    expect(generatedRows.sort()).toEqual(subtree.map((u) => u.code));
    // a month in the future is refused plainly, nothing stored
    const [{ n: before }] = await sql<{ n: number }>(`select count(*)::int as n from monthly_report`);
    // the month picker offers no future month: add one by hand, as a crafted request would
    await page.evaluate((m) => (document.querySelector('#generate-month') as HTMLSelectElement).add(new Option(m, m)), `${YEAR + 1}-01`);
    await page.selectOption('#generate-month', `${YEAR + 1}-01`);
    await page.click('#generate-report');
    await page.waitForFunction(() => !(document.querySelector('#banner') as HTMLElement).hidden && document.querySelector('#banner')?.className === 'error');
    expect(await page.innerText('#banner')).toMatch(/future|未来|not in the future/i);
    expect((await sql<{ n: number }>(`select count(*)::int as n from monthly_report`))[0].n).toBe(before);
    await shot(page, 'reports-generated');
    expect(problems).toEqual([]);
    await context.close();

    // a county user: their own county's report only; a link to another county's preview is refused plainly
    const c = await watchedPage(browser, p.url);
    await logIn(c.page, 'x370102-leader');
    await then(c.page, () => c.page.goto(`${p.url}/dashboard/#/reports?month=${PREVIOUS}`));
    expect(await c.page.$$eval('#reports-table tbody tr', (trs) => trs.map((tr) => tr.children[1].textContent))).toEqual(['370102']);
    await then(c.page, () => c.page.goto(`${p.url}/dashboard/#/reports?unit=${unitIds.get('370102')}&month=${PREVIOUS}&rep=${unitIds.get('370103')}:${PREVIOUS}`));
    expect(await c.page.innerText('#banner')).toContain('无权查看或不存在该报表');
    expect(hashParams(c.page).get('rep')).toBeNull();
    expect(await c.page.innerText('body')).not.toContain('370103');
    await shot(c.page, 'reports-county-user');
    expect(c.problems).toEqual([]);
    await c.context.close();
  });
});
