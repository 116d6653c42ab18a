/**
 * The dashboard's overview on the demo province (issue 8: "interactive within 2 s on the demo province on this
 * machine"): the platform on a throwaway database holding the full demo province (its month of supervision
 * work and the metrics of this month and the previous one), headless Chromium (Debian's) opening the overview
 * as the province leader in a fresh browser context each time (nothing cached), timed from navigation to the
 * map of the 16 cities drawn and clickable (ECharts' `finished` event, which the app marks as
 * `hongdun:chart-rendered:map` in the page's performance timeline), with the GraphQL requests and bytes it
 * needs and every other byte the page loads; then a click on 济南 until its counties' map is drawn. Baseline in
 * the same run: the static shell (the same page without a session, until the login form shows).
 *
 *   node -r @swc-node/register bench/dashboard-overview.bench.ts       # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
 *     node -r @swc-node/register bench/dashboard-overview.bench.ts     # PostgreSQL (throwaway database, dropped after)
 *
 * Environment: BENCH_ENTITIES (20000: the full demo province), BENCH_WORK (1: load the month of supervision
 * work, ~4 minutes; 0 skips it), BENCH_REPEAT (5 cold page loads). Needs /usr/bin/chromium.
 * Prints the data sizes, the times (median and worst), the ratio overview / shell, and one `BENCH_JSON {…}` line.
 */
import 'reflect-metadata';
import { logger } from '../kernel/logger';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { refreshMetrics } from '../analytics/metrics';
import { loadConfig } from '../kernel/config';
import { startPlatform } from '../server/platform';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoProvince } from '../demo/load-demo-province';
import { loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase } from '../test/support/database';
import { DEMO_PASSWORD } from '../test/support/platform';

logger.level = process.env.LOG_LEVEL ?? 'warn'; // request logs off unless asked

const CHROMIUM = '/usr/bin/chromium';
const TOKEN_KEY = 'hongdun.dashboard.token';

interface Load {
  /** navigation start → the map drawn (page clock) */
  ms: number;
  graphqlRequests: number;
  graphqlRequestBytes: number;
  graphqlResponseBytes: number;
  /** every response body the page received (HTML, scripts, ECharts, GeoJSON, GraphQL) */
  totalBytes: number;
  requests: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A fresh context (empty cache and storage) watching every response's size. */
async function fresh(browser: Browser, token: string | null) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
  if (token) await context.addInitScript(([k, v]) => sessionStorage.setItem(k, v), [TOKEN_KEY, token] as const);
  const page = await context.newPage();
  const stats = { graphqlRequests: 0, graphqlRequestBytes: 0, graphqlResponseBytes: 0, totalBytes: 0, requests: 0 };
  const pending: Promise<void>[] = [];
  page.on('response', (r) => {
    pending.push(
      r.body().then(
        (b) => {
          stats.requests += 1;
          stats.totalBytes += b.length;
          if (r.url().endsWith('/graphql')) {
            stats.graphqlRequests += 1;
            stats.graphqlResponseBytes += b.length;
            stats.graphqlRequestBytes += Buffer.byteLength(r.request().postData() ?? '');
          }
        },
        () => undefined,
      ),
    );
  });
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  return { context, page, stats, settle: () => Promise.all(pending) };
}

async function renderedAt(page: Page, id: string): Promise<number> {
  await page.waitForFunction((chart) => performance.getEntriesByName(`hongdun:chart-rendered:${chart}`).length > 0, id, { timeout: 60_000, polling: 'raf' });
  const state = await page.getAttribute('#main', 'data-state');
  if (state !== 'ready') throw new Error(`the overview is ${state}: ${await page.innerText('#main')}`);
  return page.evaluate((chart) => performance.getEntriesByName(`hongdun:chart-rendered:${chart}`)[0].startTime, id);
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  const entities = Number(process.env.BENCH_ENTITIES ?? 20000);
  const repeat = Number(process.env.BENCH_REPEAT ?? 5);
  const withWork = process.env.BENCH_WORK !== '0';
  const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  const month = chinaDay().slice(0, 7);
  const previous = (() => {
    const [y, m] = month.split('-').map(Number);
    return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
  })();
  const evidenceDir = `/tmp/hongdun-bench-dashboard-${process.pid}`;
  const db = await openTestDatabase();
  let browser: Browser | undefined;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  try {
    let t = performance.now();
    await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities });
    if (withWork) await loadDemoWork(db.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20 });
    for (const m of [previous, month]) await refreshMetrics(db.orm, m);
    const loadMs = performance.now() - t;
    const [counts] = await runAsSystem('bench', () =>
      db.orm.em.fork().getConnection().execute(
        `select (select count(*)::int from shop) as shops, (select count(*)::int from unit) as units, (select count(*)::int from patrol_record) as records,
           (select count(*)::int from complaint) as complaints, (select count(*)::int from unit_metric_month) as "metricRows"`,
      ),
    );
    process.stdout.write(`demo province on ${backend} loaded in ${(loadMs / 1000).toFixed(0)} s: ${JSON.stringify(counts)}\n`);

    const config = loadConfig({ port: 0, databaseUrl: db.url, dataDir: 'memory://', redisUrl: undefined, demo: false, patrolSchedules: false, evidenceDir });
    platform = await startPlatform(config, { orm: db.orm });
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
    const link = `${url}/dashboard/#/overview?from=${month}&to=${month}&metric=shops_filed`;

    // one warm-up of each (the server's first statements, Chromium's first start), not counted
    for (const tok of [null, token]) {
      const w = await fresh(browser, tok);
      await w.page.goto(link);
      if (tok) await renderedAt(w.page, 'map');
      else await w.page.waitForSelector('#login-form');
      await w.context.close();
    }

    const shells: Load[] = [];
    const overviews: Load[] = [];
    const drills: { ms: number; graphqlRequests: number; graphqlResponseBytes: number; totalBytes: number }[] = [];
    const warms: number[] = [];
    let cities = 0;
    let counties = 0;
    for (let i = 0; i < repeat; i++) {
      // baseline: the static shell — the page without a session until its login form shows (HTML, CSS, app, ECharts)
      const s = await fresh(browser, null);
      await s.page.goto(link);
      await s.page.waitForSelector('#login-form', { timeout: 60_000 });
      const shellMs = await s.page.evaluate(() => performance.now());
      await s.settle();
      shells.push({ ms: shellMs, ...s.stats });
      await s.context.close();

      // the overview with a session: navigation → the map of the 16 cities drawn and clickable
      const o = await fresh(browser, token);
      await o.page.goto(link);
      const ms = await renderedAt(o.page, 'map');
      await o.settle();
      overviews.push({ ms, ...o.stats });
      cities = await o.page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-map')).getOption().series[0].data.length);

      // drill-down: a click on 济南 (at its centroid) until the map of its counties is drawn
      const at = await o.page.evaluate(() => {
        const ec = (window as any).echarts;
        const chart = ec.getInstanceByDom(document.querySelector('#chart-map'));
        const f = ec.getMap('370000').geoJSON.features.find((x: any) => x.properties.name === '370100');
        const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, f.properties.centroid);
        const box = document.querySelector('#chart-map')!.getBoundingClientRect();
        return { x: box.left + x, y: box.top + y };
      });
      const before = { ...o.stats };
      await o.page.evaluate(() => performance.clearMarks());
      const clickAt = await o.page.evaluate(() => performance.now());
      await o.page.mouse.click(at.x, at.y);
      await o.page.waitForFunction(() => /unit=/.test(location.hash) && (window as any).echarts.getMap('370100'), null, { timeout: 60_000, polling: 'raf' });
      const drawnAt = await renderedAt(o.page, 'map');
      await o.settle();
      counties = await o.page.evaluate(() => (window as any).echarts.getInstanceByDom(document.querySelector('#chart-map')).getOption().series[0].data.length);
      if (!(await o.page.innerText('#current-unit')).startsWith('济南市')) throw new Error('the click did not drill into 济南');
      drills.push({
        ms: drawnAt - clickAt,
        graphqlRequests: o.stats.graphqlRequests - before.graphqlRequests,
        graphqlResponseBytes: o.stats.graphqlResponseBytes - before.graphqlResponseBytes,
        totalBytes: o.stats.totalBytes - before.totalBytes,
      });
      // warm: the same browser again (ECharts and the maps in its HTTP cache, as for a user coming back), a new page
      const w = await o.context.newPage();
      await w.goto(link);
      warms.push(await renderedAt(w, 'map'));
      await o.context.close();
    }

    const shellMs = median(shells.map((x) => x.ms));
    const overviewMs = median(overviews.map((x) => x.ms));
    const drillMs = median(drills.map((x) => x.ms));
    const warmMs = median(warms);
    const worst = Math.max(...overviews.map((x) => x.ms));
    const o = overviews[overviews.length - 1];
    const d = drills[drills.length - 1];
    const sh = shells[shells.length - 1];
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const ratio = overviewMs / shellMs;
    process.stdout.write(
      [
        `static shell (no session, login form shown): median ${shellMs.toFixed(0)} ms, ${sh.requests} requests, ${kb(sh.totalBytes)}`,
        `overview (navigation → map of ${cities} cities drawn, clickable): median ${overviewMs.toFixed(0)} ms, worst ${worst.toFixed(0)} ms of ${repeat} cold loads; ` +
          `${o.graphqlRequests} GraphQL requests (${kb(o.graphqlRequestBytes)} sent, ${kb(o.graphqlResponseBytes)} received), ${o.requests} requests, ${kb(o.totalBytes)} in all`,
        `overview again with the browser's cache warm (new page, same browser): median ${warmMs.toFixed(0)} ms, worst ${Math.max(...warms).toFixed(0)} ms`,
        `drill into 济南 (click → map of ${counties} counties drawn): median ${drillMs.toFixed(0)} ms; ${d.graphqlRequests} GraphQL request (${kb(d.graphqlResponseBytes)}), ${kb(d.totalBytes)} in all`,
        `ratio overview / static shell: ${ratio.toFixed(1)}×; within 2 s (cold median / warm worst): ${overviewMs <= 2000 ? 'yes' : 'NO'} / ${Math.max(...warms) <= 2000 ? 'yes' : 'NO'}`,
        `BENCH_JSON ${JSON.stringify({
          bench: 'dashboard-overview',
          backend,
          entities,
          work: withWork,
          ...counts,
          repeat,
          shellMs: Math.round(shellMs),
          overviewMs: Math.round(overviewMs),
          overviewWorstMs: Math.round(worst),
          warmMs: Math.round(warmMs),
          warmWorstMs: Math.round(Math.max(...warms)),
          drillMs: Math.round(drillMs),
          ratio: Number(ratio.toFixed(1)),
          graphqlRequests: o.graphqlRequests,
          graphqlRequestBytes: o.graphqlRequestBytes,
          graphqlResponseBytes: o.graphqlResponseBytes,
          pageBytes: o.totalBytes,
          pageRequests: o.requests,
          shellBytes: sh.totalBytes,
          drillGraphqlRequests: d.graphqlRequests,
          drillGraphqlBytes: d.graphqlResponseBytes,
          drillBytes: d.totalBytes,
          cities,
          counties,
        })}`,
      ].join('\n') + '\n',
    );
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
