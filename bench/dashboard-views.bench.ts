/**
 * The dashboard's other views on the demo province (issue 8, beside bench/dashboard-overview.bench.ts): Work
 * (工作), Market (市场), Assessment (考核) and Monthly report (月报), each opened cold — a fresh browser context
 * (empty cache and storage) on `/dashboard/#/<view>?…` as the province leader — in headless Chromium (Debian's,
 * through playwright-core), timed in the page's own clock from navigation start until the view is interactive:
 * `#main` turned `data-state="ready"` (the app sets it once the view's numbers are in the page; an init script
 * marks the moment as `bench:ready` in the performance timeline) and every chart of the view drawn (each
 * `.chart` element `data-rendered`, ECharts' `finished`, marked `hongdun:chart-rendered:<id>` by the app) —
 * the later of the two. With the GraphQL requests the view needs and their bytes (sent and received), and the
 * time of one interaction per view, click (or change) → interactive again:
 * - Work: a click on 济南's row of the table (drill into a city);
 * - Market: 济南 chosen in the unit picker;
 * - Assessment: the ranking's scope switched to every county of the province (`level=COUNTY`);
 * - Monthly report: the province's report previewed (its stored table).
 *
 * Baseline in the same run: the same GraphQL requests (the bodies the page sent, with its token), replayed
 * from Node with fetch one after the other as the page makes them (the session first, then the view's), so the
 * ratio view / fetch is the browser's overhead (scripts, ECharts, layout) over the API's own time. The replay
 * also gives each request's time, which says where a slow view's time goes.
 *
 *   node -r @swc-node/register bench/dashboard-views.bench.ts       # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
 *     node -r @swc-node/register bench/dashboard-views.bench.ts     # PostgreSQL (throwaway database, dropped after)
 *
 * Environment: BENCH_ENTITIES (20000: the full demo province), BENCH_WORK (1: the month of supervision work and
 * the year of office work; 0 skips them), BENCH_HISTORY (1: the twelve months of history before this one —
 * patrols, complaints, findings, clues, cases, prices — and their metrics; 0 skips it), BENCH_HISTORY_MONTHS (12:
 * how many months of it), BENCH_REPEAT (5 cold
 * loads of each view), BENCH_VIEWS (work,market,assessment,reports). Whatever is loaded, the metrics of this
 * month and the previous one are refreshed, this year's assessment run and the previous month's reports
 * generated for every unit (XLSX, HTML, JSON; no PDF), as the demo does. Needs /usr/bin/chromium.
 * Prints the data sizes, per view the times (median and worst), requests, bytes, the ratio, and one
 * `BENCH_JSON {…}` line.
 */
import 'reflect-metadata';
import { logger } from '../kernel/logger';
import fs from 'node:fs';
import os from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { refreshMetrics } from '../analytics/metrics';
import { generateMonthlyReports } from '../analytics/report';
import { loadConfig } from '../kernel/config';
import { startPlatform } from '../server/platform';
import { currentYear } from '../analytics/assessment/assessment-schemes';
import { runAssessment } from '../analytics/assessment/run-assessment';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoHistory } from '../demo/load-demo-history';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoProvince } from '../demo/load-demo-province';
import { loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase } from '../test/support/database';
import { DEMO_PASSWORD } from '../test/support/platform';

logger.level = process.env.LOG_LEVEL ?? 'warn'; // request logs off unless asked

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_KEY = 'hongdun.dashboard.token';
const READY_MARK = 'bench:ready';

type ViewName = 'work' | 'market' | 'assessment' | 'reports';

interface View {
  name: ViewName;
  title: string;
  /** the hash opened cold (no unit: the app puts the user's own, as for the overview bench) */
  hash: string;
  /** what the interaction does, for the output */
  interaction: string;
  /** performs the interaction (the page is interactive when called) */
  act: (page: Page) => Promise<void>;
  /** checks the interaction's result once interactive again */
  check: (page: Page) => Promise<void>;
}

/** One GraphQL request the page made: its body and, once answered, the answer's size. */
interface Sent {
  body: string;
  responseBytes: number;
}

interface Measure {
  ms: number;
  graphql: Sent[];
  /** every response body the page received in the span (HTML, scripts, ECharts, GeoJSON, GraphQL) */
  totalBytes: number;
  requests: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const operationOf = (body: string) => /(?:query|mutation)\s+(\w+)/.exec((JSON.parse(body) as { query: string }).query)?.[1] ?? '(anonymous)';

/** A fresh context (empty cache and storage) with the token in its sessionStorage, watching every response. */
async function fresh(browser: Browser, token: string) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  await context.addInitScript(([k, v]) => sessionStorage.setItem(k, v), [TOKEN_KEY, token] as const);
  // the moment #main turns ready, in the page's clock
  await context.addInitScript((mark) => {
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (el.id === 'main' && el.getAttribute('data-state') === 'ready') performance.mark(mark);
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  }, READY_MARK);
  const page = await context.newPage();
  const graphql: Sent[] = [];
  const stats = { totalBytes: 0, requests: 0 };
  const pending: Promise<void>[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/graphql') && r.method() === 'POST') {
      const sent: Sent = { body: r.postData() ?? '', responseBytes: 0 };
      graphql.push(sent);
      pending.push(
        r.response().then(
          async (res) => {
            sent.responseBytes = (await res?.body().catch(() => Buffer.alloc(0)))?.length ?? 0;
          },
          () => undefined,
        ),
      );
    }
  });
  page.on('response', (r) => {
    pending.push(
      r.body().then(
        (b) => {
          stats.requests += 1;
          stats.totalBytes += b.length;
        },
        () => undefined,
      ),
    );
  });
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  return { context, page, graphql, stats, settle: () => Promise.all(pending) };
}

/**
 * Waits until the view is interactive after `after` (page clock): #main ready (marked after `after`) and every
 * chart in it drawn; returns that moment (the latest of the ready mark and the charts' marks).
 */
async function interactiveAt(page: Page, after: number): Promise<{ at: number; charts: number }> {
  await page.waitForFunction(
    ([since, mark]) => {
      const m = document.querySelector('#main');
      const state = m?.getAttribute('data-state');
      if (state === 'error') return true;
      if (state !== 'ready' || !performance.getEntriesByName(mark).some((e) => e.startTime >= since)) return false;
      return [...m!.querySelectorAll<HTMLElement>('.chart')].every((el) => el.dataset.rendered === 'true');
    },
    [after, READY_MARK] as const,
    { timeout: 120_000, polling: 'raf' },
  );
  const state = await page.getAttribute('#main', 'data-state');
  if (state !== 'ready') throw new Error(`the view is ${state}: ${(await page.innerText('#main')).slice(0, 500)}`);
  return page.evaluate(
    ([since, mark]) => {
      const marks = performance.getEntriesByType('mark').filter((e) => e.startTime >= since && (e.name === mark || e.name.startsWith('hongdun:chart-rendered:')));
      return { at: Math.max(...marks.map((e) => e.startTime)), charts: document.querySelectorAll('#main .chart').length };
    },
    [after, READY_MARK] as const,
  );
}

/** Replays the page's GraphQL requests from Node, one after the other; the time of each. */
async function replay(url: string, token: string, sent: Sent[]): Promise<{ ms: number; each: { op: string; ms: number; bytes: number }[] }> {
  const each: { op: string; ms: number; bytes: number }[] = [];
  const t0 = performance.now();
  for (const s of sent) {
    const t = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${token}` },
      body: s.body,
    });
    const bytes = Buffer.byteLength(await res.text());
    each.push({ op: operationOf(s.body), ms: performance.now() - t, bytes });
  }
  return { ms: performance.now() - t0, each };
}

/** Chooses the option of a <select> whose text contains `text`. */
async function chooseOption(page: Page, selector: string, text: string) {
  const value = await page.$$eval(`${selector} option`, (os, t) => os.find((o) => (o.textContent ?? '').includes(t))?.getAttribute('value') ?? null, text);
  if (!value) throw new Error(`no option “${text}” in ${selector}`);
  await page.selectOption(selector, value);
}

const crumbIs = async (page: Page, name: string) => {
  const shown = await page.innerText('#current-unit');
  if (!shown.startsWith(name)) throw new Error(`expected ${name}, the view shows ${shown}`);
};

function views(from: string, to: string, year: number): View[] {
  return [
    {
      name: 'work',
      title: 'Work (工作)',
      hash: `#/work?from=${from}&to=${to}`,
      interaction: 'click on 济南 in the table (drill into the city)',
      act: (page) => page.locator('#work-table tbody tr[data-unit]', { hasText: '济南' }).first().click(),
      check: (page) => crumbIs(page, '济南'),
    },
    {
      name: 'market',
      title: 'Market (市场)',
      hash: `#/market?from=${from}&to=${to}`,
      interaction: '济南 chosen in the unit picker',
      act: (page) => chooseOption(page, '#unit-picker', '济南'),
      check: (page) => crumbIs(page, '济南'),
    },
    {
      name: 'assessment',
      title: 'Assessment (考核)',
      hash: `#/assessment?year=${year}`,
      interaction: 'scope switched to every county of the province (level=COUNTY)',
      act: async (page) => {
        await page.selectOption('#level', 'COUNTY');
      },
      check: async (page) => {
        const rows = await page.$$eval('#ranking-table tbody tr', (trs) => trs.length);
        if (!/level=COUNTY/.test(page.url()) || rows < 100) throw new Error(`the county ranking shows ${rows} rows`);
      },
    },
    {
      name: 'reports',
      title: 'Monthly report (月报)',
      hash: '#/reports',
      interaction: "the province's report previewed (click on its preview link)",
      act: async (page) => {
        const own = await page.getAttribute('#current-unit', 'data-unit');
        await page.click(`#reports-table tr[data-unit="${own}"] a.preview`);
      },
      check: async (page) => {
        const rows = await page.$$eval('#report-preview tbody tr', (trs) => trs.length);
        if (rows < 2) throw new Error(`the preview shows ${rows} rows`);
      },
    },
  ];
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  const entities = Number(process.env.BENCH_ENTITIES ?? 20000);
  const repeat = Number(process.env.BENCH_REPEAT ?? 5);
  const withWork = process.env.BENCH_WORK !== '0';
  const withHistory = process.env.BENCH_HISTORY !== '0';
  const historyMonths = Number(process.env.BENCH_HISTORY_MONTHS ?? 12);
  const only = (process.env.BENCH_VIEWS ?? 'work,market,assessment,reports').split(',');
  const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  const month = chinaDay().slice(0, 7);
  const previous = (() => {
    const [y, m] = month.split('-').map(Number);
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  })();
  const year = currentYear();
  const evidenceDir = `/tmp/hongdun-bench-views-${process.pid}`;
  const db = await openTestDatabase();
  let browser: Browser | undefined;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  try {
    const timings: Record<string, number> = {};
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const out = await fn();
      timings[name] = Math.round((performance.now() - t) / 1000);
      process.stderr.write(`setup: ${name} ${timings[name]} s\n`);
      return out;
    };
    await step('province', () => loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities }));
    if (withWork) {
      await step('work', () => loadDemoWork(db.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20 }));
      await step('office', () => loadDemoOffice(db.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 }));
    }
    if (withHistory) await step('history', () => loadDemoHistory(db.orm, { seed: 'hongdun', months: historyMonths }));
    await step('metrics', async () => {
      for (const m of [previous, month]) await refreshMetrics(db.orm, m);
    });
    await step('assessment', () => runAssessment(db.orm.em.fork(), year));
    await step('reports', () => runAsSystem('bench: monthly reports', () => generateMonthlyReports(db.orm.em.fork(), { month: previous, evidenceDir, pdf: 'none', trigger: 'bench' })));
    const [counts] = await runAsSystem('bench', () =>
      db.orm.em.fork().getConnection().execute(
        `select (select count(*)::int from shop) as shops, (select count(*)::int from unit) as units, (select count(*)::int from patrol_record) as records,
           (select count(*)::int from complaint) as complaints, (select count(*)::int from finding) as findings, (select count(*)::int from listing) as listings,
           (select count(*)::int from listing_observation) as observations, (select count(*)::int from unit_metric_month) as "metricRows",
           (select count(*)::int from assessment_result) as "assessmentResults", (select count(*)::int from monthly_report) as reports`,
      ),
    );
    process.stdout.write(`demo province on ${backend} loaded (${JSON.stringify(timings)} s): ${JSON.stringify(counts)}\n`);

    const config = loadConfig({ port: 0, databaseUrl: db.url, dataDir: 'memory://', redisUrl: undefined, demo: false, patrolSchedules: false, evidenceDir });
    platform = await startPlatform(config, { orm: db.orm });
    // PGlite runs in this process: keep idle sockets open across a long query
    platform.server.keepAliveTimeout = 120_000;
    const url = platform.url;
    const login = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', variables: { u: 'sd-leader', p: DEMO_PASSWORD } }),
    });
    const token = ((await login.json()) as { data: { login: { token: string } } }).data.login.token;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });

    const lines: string[] = [];
    const json: Record<string, unknown> = {};
    const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
    const loadBefore = load();
    process.stdout.write(`load average before the measurements: ${loadBefore} (${os.cpus().length} cores)\n`);
    for (const view of views(previous, month, year).filter((v) => only.includes(v.name))) {
      const link = `${url}/dashboard/${view.hash}`;
      // one warm-up (the server's first statements of this view, Chromium's first start), not counted
      {
        const w = await fresh(browser, token);
        await w.page.goto(link);
        await interactiveAt(w.page, 0);
        await view.act(w.page);
        await w.context.close();
      }
      const cold: Measure[] = [];
      const acts: Measure[] = [];
      const coldFetch: Awaited<ReturnType<typeof replay>>[] = [];
      const actFetch: Awaited<ReturnType<typeof replay>>[] = [];
      let charts = 0;
      let actCharts = 0;
      for (let i = 0; i < repeat; i++) {
        const o = await fresh(browser, token);
        await o.page.goto(link);
        const loaded = await interactiveAt(o.page, 0);
        await o.settle();
        charts = loaded.charts;
        cold.push({ ms: loaded.at, graphql: [...o.graphql], ...o.stats });

        const before = { n: o.graphql.length, ...o.stats };
        const clickAt = await o.page.evaluate(() => performance.now());
        await view.act(o.page);
        const done = await interactiveAt(o.page, clickAt);
        await o.settle();
        await view.check(o.page);
        actCharts = done.charts;
        acts.push({ ms: done.at - clickAt, graphql: o.graphql.slice(before.n), totalBytes: o.stats.totalBytes - before.totalBytes, requests: o.stats.requests - before.requests });
        await o.context.close();

        // baseline: the same requests from Node, one after the other
        coldFetch.push(await replay(url, token, cold[i].graphql));
        actFetch.push(await replay(url, token, acts[i].graphql));
      }

      const coldMs = median(cold.map((x) => x.ms));
      const actMs = median(acts.map((x) => x.ms));
      const fetchMs = median(coldFetch.map((x) => x.ms));
      const actFetchMs = median(actFetch.map((x) => x.ms));
      const c = cold[cold.length - 1];
      const a = acts[acts.length - 1];
      const sent = (xs: Sent[]) => sum(xs.map((x) => Buffer.byteLength(x.body)));
      const received = (xs: Sent[]) => sum(xs.map((x) => x.responseBytes));
      // per request: the median of its replays
      const perRequest = (runs: Awaited<ReturnType<typeof replay>>[]) =>
        runs[0].each.map((e, k) => `${e.op} ${median(runs.map((r) => r.each[k]?.ms ?? 0)).toFixed(0)} ms ${kb(e.bytes)}`).join(', ');
      lines.push(
        `${view.title}: navigation → interactive (${charts} charts drawn, numbers shown): median ${coldMs.toFixed(0)} ms, worst ${Math.max(...cold.map((x) => x.ms)).toFixed(0)} ms of ${repeat} cold loads; ` +
          `${c.graphql.length} GraphQL requests (${kb(sent(c.graphql))} sent, ${kb(received(c.graphql))} received), ${c.requests} requests, ${kb(c.totalBytes)} in all`,
        `  same GraphQL requests with fetch (baseline): median ${fetchMs.toFixed(0)} ms [${perRequest(coldFetch)}]; ratio view / fetch ${(coldMs / fetchMs).toFixed(1)}×; within 2 s: ${coldMs <= 2000 ? 'yes' : 'NO'}`,
        `  ${view.interaction} → interactive (${actCharts} charts): median ${actMs.toFixed(0)} ms, worst ${Math.max(...acts.map((x) => x.ms)).toFixed(0)} ms; ` +
          `${a.graphql.length} GraphQL requests (${kb(sent(a.graphql))} sent, ${kb(received(a.graphql))} received), ${kb(a.totalBytes)} in all`,
        `  same GraphQL requests with fetch (baseline): median ${actFetchMs.toFixed(0)} ms [${perRequest(actFetch)}]; ratio ${(actMs / actFetchMs).toFixed(1)}×`,
      );
      process.stdout.write(`${lines.slice(-4).join('\n')}\n`);
      json[view.name] = {
        coldMs: Math.round(coldMs),
        coldWorstMs: Math.round(Math.max(...cold.map((x) => x.ms))),
        charts,
        graphqlRequests: c.graphql.length,
        graphqlRequestBytes: sent(c.graphql),
        graphqlResponseBytes: received(c.graphql),
        pageRequests: c.requests,
        pageBytes: c.totalBytes,
        fetchMs: Math.round(fetchMs),
        ratio: Number((coldMs / fetchMs).toFixed(1)),
        requestsMs: coldFetch[0].each.map((e, k) => ({ op: e.op, ms: Math.round(median(coldFetch.map((r) => r.each[k]?.ms ?? 0))), bytes: e.bytes })),
        interactionMs: Math.round(actMs),
        interactionWorstMs: Math.round(Math.max(...acts.map((x) => x.ms))),
        interactionGraphqlRequests: a.graphql.length,
        interactionGraphqlRequestBytes: sent(a.graphql),
        interactionGraphqlResponseBytes: received(a.graphql),
        interactionFetchMs: Math.round(actFetchMs),
        interactionRatio: Number((actMs / actFetchMs).toFixed(1)),
        interactionRequestsMs: actFetch[0].each.map((e, k) => ({ op: e.op, ms: Math.round(median(actFetch.map((r) => r.each[k]?.ms ?? 0))), bytes: e.bytes })),
      };
    }
    const loadAfter = load();
    process.stdout.write(`load average after the measurements: ${loadAfter}\n`);
    process.stdout.write(`BENCH_JSON ${JSON.stringify({ bench: 'dashboard-views', backend, loadBefore, loadAfter, entities, work: withWork, history: withHistory ? historyMonths : 0, ...counts, repeat, from: previous, to: month, year, setupSeconds: timings, views: json })}\n`);
  } finally {
    await browser?.close();
    await platform?.close();
    await db.close();
    fs.rmSync(evidenceDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
