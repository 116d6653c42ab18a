/**
 * The province's monthly report and a 12-month metrics query over millions of listing observations and the
 * demo workflow data: read from the rollups (the store's `listing_price_daily`, the metrics' `unit_metric_month`)
 * against a raw scan of `listing_observation` giving the same market figures, measured in one run.
 *
 *   OBSERVATIONS=20000000 DATABASE_URL=postgres://root@127.0.0.1:5432/postgres npm run bench:report   # PostgreSQL (throwaway database)
 *   OBSERVATIONS=200000 npm run bench:report                                                          # embedded PGlite, small
 *   node -r @swc-node/register bench/monthly-report.bench.ts 20000000                                  # size as the first argument
 *
 * Environment (all optional):
 *   OBSERVATIONS or BENCH_OBSERVATIONS (20000000)  listing observations loaded (or argv[2])
 *   BENCH_LISTINGS (20000)     listings, spread evenly over the demo shops (one listing for every other shop of the full
 *                              province); 20M observations over 12 months ≈ 2.7 observations a listing a day
 *   BENCH_ENTITIES (20000)     online entities of the demo province (20,000: the full province, ~40,000 shops)
 *   BENCH_WORK (1)             load the demo supervision work (a month of patrols and complaints; 0 skips, ~4 minutes less)
 *   BENCH_OFFICE (1)           load the demo year of office work (0 skips)
 *   BENCH_REPEAT (5)           timed runs of each rollup read (medians); BENCH_RAW_REPEAT (3) of each raw scan
 *
 * Steps: the demo province (units, regions, shops) and its workflow data through the demo loaders; the listings
 * (`listing` rows of demo shops); the observations over the 12 months before the current month, server-side
 * (`insert … select … from generate_series` in slices of 1M rows, in time order as a crawl writes; every value a
 * function of the row number, no random()), the month partitions created by the store itself (one
 * `writeObservations` row a month, counted in the total); VACUUM ANALYZE; `store.refreshRollups` month by month
 * (timed); `refreshMetrics` for the 12 months (timed). Then, alternating rollup and raw:
 *   (a) `metrics()` for the province's 16 cities (children), 12 months, every key of the catalog, against a raw
 *       scan computing the market keys (listings_observed, price_observations, average_price) per city and month;
 *   (b) the province's monthly report of the last month: `buildMonthlyTable(em, province, month)` when
 *       analytics/report/monthly-table.ts exports it, else the `metrics()` calls such a report makes (the
 *       province and its cities: the month, the same month a year before, the year to date), against a raw scan
 *       of the same market columns.
 * The figures of both sides must agree (counts exact, averages within 1e-9 relative) or the bench exits 1.
 * Prints times, ratios, sizes, the process RSS, and one `BENCH_JSON {…}` line.
 */
import 'reflect-metadata';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { performance } from 'node:perf_hooks';
import { METRICS, MetricGranularity, metrics, refreshMetrics, type MetricRow } from '../analytics/metrics';
import { buildMonthlyTable } from '../analytics/report';
import { executorFromEntityManager, openTimeSeriesStore, type ListingObservationRow, type SqlExecutor } from '../store';
import { Unit, UnitLevel } from '../entities';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoProvince } from '../demo/load-demo-province';
import { loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase } from '../test/support/database';

process.env.LOG_LEVEL ??= 'warn';

const OBSERVATIONS = Number(process.argv[2] ?? process.env.OBSERVATIONS ?? process.env.BENCH_OBSERVATIONS ?? 20_000_000);
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 20_000);
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 20_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const RAW_REPEAT = Number(process.env.BENCH_RAW_REPEAT ?? 3);
const SLICE = 1_000_000;
const MONTHS = 12;
const BACKEND = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sys = <T>(fn: () => Promise<T>) => runAsSystem('bench', fn);
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
const rss = () => mb(process.memoryUsage().rss);
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

/** `YYYY-MM` of the month `delta` months from `month`. */
function addMonths(month: string, delta: number): string {
  const n = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + delta;
  return `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`;
}
const monthStart = (month: string) => new Date(`${month}-01T00:00:00Z`);

/** Market figures of one city and month: what the metrics hold and what the raw scan gives. */
interface Market {
  listings: number;
  observations: number;
  sumPrice: number;
}

/**
 * The raw scan: per city prefix (4 digits) and UTC month (the store's daily buckets are UTC days, and so the
 * market keys' months), distinct listings, observations and the sum of prices, straight from the observations.
 */
function rawMarketSql(where: string): string {
  return `select left(region_code, 4) as city, to_char(observed_at at time zone 'UTC', 'YYYY-MM') as month,
      count(distinct listing_id)::bigint as listings, count(*)::bigint as observations, sum(price)::text as sum_price
    from listing_observation where ${where} group by 1, 2`;
}

function rawMap(rows: { city: string; month: string; listings: string | number; observations: string | number; sum_price: string }[]): Map<string, Market> {
  return new Map(rows.map((r) => [`${r.city}|${r.month}`, { listings: Number(r.listings), observations: Number(r.observations), sumPrice: Number(r.sum_price) }]));
}

/** The market figures of a unit (the province or a city: prefixes of ≤ 4 digits) over months, summed as the metrics sum a flow. */
function rawFor(raw: Map<string, Market>, unit: Unit, months: readonly string[]): Market {
  if (unit.jurisdiction.some((p) => p.length > 4)) throw new Error(`unit ${unit.code}: the raw scan groups by 4-digit city prefixes`);
  const out: Market = { listings: 0, observations: 0, sumPrice: 0 };
  for (const [key, m] of raw) {
    const [city, month] = key.split('|');
    if (!months.includes(month) || !unit.jurisdiction.some((p) => city.startsWith(p))) continue;
    out.listings += m.listings;
    out.observations += m.observations;
    out.sumPrice += m.sumPrice;
  }
  return out;
}

/** Compares the market rows of `metrics()` with the raw figures; returns the mismatches. */
function compareMarket(rows: readonly MetricRow[], expected: (unit: Unit, period: string) => Market, what: string): string[] {
  const bad: string[] = [];
  let compared = 0;
  for (const r of rows) {
    if (!['listings_observed', 'price_observations', 'average_price'].includes(r.key)) continue;
    const want = expected(r.unit, r.period);
    compared++;
    const ok =
      r.key === 'listings_observed'
        ? r.value === want.listings
        : r.key === 'price_observations'
          ? r.value === want.observations
          : want.observations === 0
            ? r.value === null
            : r.value !== null && close(r.value, want.sumPrice / want.observations) && r.denominator === want.observations;
    if (!ok) bad.push(`${what} ${r.unit.code} ${r.period} ${r.key}: rollup ${r.value} (${r.numerator}/${r.denominator}), raw ${JSON.stringify(want)}`);
  }
  if (compared === 0) bad.push(`${what}: no market rows to compare`);
  return bad;
}

/** The part of analytics/report's ReportTable the bench reads. */
interface ReportTableShape {
  columns: { key: string }[];
  rows: ReportRowShape[];
  total: ReportRowShape;
}
interface ReportRowShape {
  kind: string;
  unitId: number | null;
  cells: { month: { numerator: number; denominator: number | null }; ytd: { numerator: number; denominator: number | null }; lastYear: { numerator: number; denominator: number | null } }[];
}

/** The table's market columns (if it has any) against the raw figures; the province's own row (本级) must be 0. */
function compareTable(table: ReportTableShape, units: Map<number, Unit>, raw: (unit: Unit | null, which: 'month' | 'ytd' | 'lastYear') => Market): { compared: number; bad: string[] } {
  const bad: string[] = [];
  let compared = 0;
  const market: Record<string, (m: Market) => [number, number | null]> = {
    listings_observed: (m) => [m.listings, null],
    price_observations: (m) => [m.observations, null],
    average_price: (m) => [m.sumPrice, m.observations],
  };
  table.columns.forEach((c, i) => {
    const parts = market[c.key];
    if (!parts) return;
    for (const row of [...table.rows, table.total]) {
      const unit = row.kind === 'own' ? null : units.get(row.unitId ?? -1);
      if (row.kind !== 'own' && !unit) throw new Error(`report row of unit ${row.unitId}: not the province or one of its cities`);
      for (const which of ['month', 'ytd', 'lastYear'] as const) {
        const [num, den] = parts(raw(unit ?? null, which));
        const got = row.cells[i][which];
        compared++;
        if (!close(got.numerator, num) || (den !== null && got.denominator !== den)) {
          bad.push(`report ${row.kind} ${row.unitId} ${c.key} ${which}: table ${got.numerator}/${got.denominator}, raw ${num}/${den}`);
        }
      }
    }
  });
  return { compared, bad };
}

async function main() {
  if (!Number.isInteger(OBSERVATIONS) || OBSERVATIONS < 1000) throw new Error(`OBSERVATIONS: ${OBSERVATIONS} is not a whole number ≥ 1000`);
  const current = chinaDay().slice(0, 7);
  const first = addMonths(current, -MONTHS);
  const last = addMonths(current, -1);
  const months = Array.from({ length: MONTHS }, (_, i) => addMonths(first, i));
  const START = monthStart(first);
  const END = monthStart(current);
  const SPAN = (END.getTime() - START.getTime()) / 1000; // seconds
  const evidenceDir = `/tmp/hongdun-bench-report-${process.pid}`;
  const phases: Record<string, number> = {};
  const db = await openTestDatabase();
  const orm = db.orm as MikroORM;
  try {
    const exec: SqlExecutor = executorFromEntityManager(orm.em.fork());
    const store = await sys(() => openTimeSeriesStore(exec));
    console.log(`${BACKEND}, ${store.implementation} store; ${fmt(OBSERVATIONS)} observations of ${fmt(LISTINGS)} listings over ${first} … ${last}`);

    // 1. the demo province and its workflow data
    let t = performance.now();
    await loadDemoProvince(orm.em.fork(), { seed: 'hongdun', entities: ENTITIES });
    phases.demoProvinceMs = performance.now() - t;
    t = performance.now();
    if (process.env.BENCH_WORK !== '0') await loadDemoWork(orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20 });
    phases.demoWorkMs = performance.now() - t;
    t = performance.now();
    if (process.env.BENCH_OFFICE !== '0') await loadDemoOffice(orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 });
    phases.demoOfficeMs = performance.now() - t;
    const [counts] = await sys(() =>
      exec.query<Record<string, number>>(
        `select (select count(*)::int from unit) as units, (select count(*)::int from shop) as shops, (select count(*)::int from patrol_task) as tasks,
           (select count(*)::int from patrol_record) as records, (select count(*)::int from complaint) as complaints,
           (select count(*)::int from login_event) as logins, (select count(*)::int from info_report) as reports`,
      ),
    );
    console.log(
      `demo province ${fmt(phases.demoProvinceMs)} ms, work ${fmt(phases.demoWorkMs)} ms, office ${fmt(phases.demoOfficeMs)} ms: ${JSON.stringify(counts)}; rss ${rss()}`,
    );

    // 2. listings of demo shops, spread evenly over them
    t = performance.now();
    await exec.query(
      `insert into listing (shop_id, url, title, region_code, first_seen_at, last_seen_at)
       select s.id, 'https://bench.example/item/' || g, '监测商品 ' || g, s.region_code, ?::timestamptz, ?::timestamptz
       from generate_series(0, ?::int - 1) g
       join (select id, region_code, row_number() over (order by id) - 1 as r from shop) s on s.r = g::bigint * (select count(*) from shop) / ?::int`,
      [START.toISOString(), END.toISOString(), LISTINGS, LISTINGS],
    );
    await exec.query(`drop table if exists bench_listing`);
    await exec.query(
      `create unlogged table bench_listing as
       select (row_number() over (order by id) - 1)::int as l, id, shop_id, region_code from listing where url like 'https://bench.example/%'`,
    );
    await exec.query(`create unique index on bench_listing (l)`);
    await exec.query(`analyze bench_listing`);
    const [{ n: listingRows }] = await exec.query<{ n: number }>(`select count(*)::int as n from bench_listing`);
    if (listingRows !== LISTINGS) throw new Error(`listings: ${listingRows} inserted, ${LISTINGS} asked for (are there shops?)`);
    phases.listingsMs = performance.now() - t;

    // 3. observations: one per month through the store (creates the month partitions), the rest set-based
    const [firstListing] = await exec.query<{ id: number; shop_id: number; region_code: string }>(`select id, shop_id, region_code from bench_listing where l = 0`);
    const seeds: ListingObservationRow[] = months.map((m) => ({
      listingId: firstListing.id, shopId: firstListing.shop_id, regionCode: firstListing.region_code,
      observedAt: new Date(monthStart(m).getTime() + 500), // half a second: the generated times are whole seconds
      price: 99.9, originalPrice: null, promotionText: null, sales: null, stock: null,
    }));
    const perListing = Math.ceil((OBSERVATIONS - seeds.length) / LISTINGS);
    // observation g: listing l = g mod L, its k-th observation (k = g div L) at START + (k + phase(l)) · SPAN / perListing,
    // whole seconds; a per-listing base price with a wobble, two decimals; nullable fields null on fixed patterns
    const loadSql = `insert into listing_observation (listing_id, shop_id, region_code, observed_at, price, original_price, promotion_text, sales, stock)
      select b.id, b.shop_id, b.region_code,
        timestamptz '${START.toISOString()}' + floor((s.k + ((s.l * 37) % 720) / 720.0) * ${SPAN}::float8 / ${perListing}) * interval '1 second',
        round(s.base * (1 + ((s.l * 31 + s.k * 17) % 11 - 5) * 0.01), 2),
        case when (s.l + s.k) % 5 = 0 then round(s.base * 1.2, 2) end,
        case when (s.l + s.k) % 5 = 0 then '限时特价' when (s.l + s.k) % 7 = 0 then '满200减30' end,
        case when (s.l + s.k) % 10 <> 0 then ((s.l * 13 + s.k * 7) % 5000)::int end,
        case when (s.l + s.k) % 3 <> 0 then ((s.l * 17 + s.k) % 999)::int end
      from (select g, (g % ${LISTINGS})::int as l, g / ${LISTINGS} as k, 1 + ((g % ${LISTINGS}) * 7919 % 200000) / 100.0 as base
            from generate_series(?::bigint, ?::bigint) g) s
      join bench_listing b on b.l = s.l`;
    t = performance.now();
    await sys(() => store.writeObservations(seeds));
    const total = OBSERVATIONS - seeds.length;
    for (let from = 0; from < total; from += SLICE) {
      const ts = performance.now();
      await exec.query(loadSql, [from, Math.min(from + SLICE, total) - 1]);
      process.stdout.write(`\rloaded ${fmt(Math.min(from + SLICE, total) + seeds.length)} observations (last slice ${fmt(performance.now() - ts)} ms)   `);
    }
    phases.loadMs = performance.now() - t;
    const vacuum = await timed(() => exec.query('vacuum analyze listing_observation'));
    phases.vacuumMs = vacuum.ms;
    const [{ n: loaded }] = await exec.query<{ n: string }>(
      `select count(*) as n from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz`,
      [START.toISOString(), END.toISOString()],
    );
    const check = await sys(() => store.selfCheck());
    if (Number(loaded) !== OBSERVATIONS || !check.ok) throw new Error(`load: ${loaded} rows in the 12 months, self-check ${JSON.stringify(check.problems)}`);
    const size = async (table: string) => {
      const [r] = await exec.query<{ b: string }>(
        `select (pg_total_relation_size(?::regclass) + coalesce((select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = ?::regclass), 0))::text as b`,
        [table, table],
      );
      return Number(r.b);
    };
    const rawBytes = await size('listing_observation');
    console.log(
      `\n${fmt(OBSERVATIONS)} observations (${fmt(LISTINGS)} listings, ${perListing} each) loaded in ${fmt(phases.loadMs)} ms ` +
        `(${fmt(OBSERVATIONS / (phases.loadMs / 1000))} rows/s), ${mb(rawBytes)} with indexes; VACUUM ANALYZE ${fmt(vacuum.ms)} ms; rss ${rss()}`,
    );

    // 4. the store's rollups, month by month
    t = performance.now();
    for (const m of months) {
      const ts = performance.now();
      await sys(() => store.refreshRollups({ from: monthStart(m), to: monthStart(addMonths(m, 1)) }));
      process.stdout.write(`\rrefreshRollups ${m}: ${fmt(performance.now() - ts)} ms   `);
    }
    phases.refreshRollupsMs = performance.now() - t;
    await exec.query('analyze listing_price_daily');
    const [{ n: rollupRows }] = await exec.query<{ n: string }>(`select count(*) as n from listing_price_daily`);
    const rollupBytes = await size('listing_price_daily');
    console.log(`\nrefreshRollups over ${MONTHS} months: ${fmt(phases.refreshRollupsMs)} ms (${fmt(Number(rollupRows))} per-listing daily rows, ${mb(rollupBytes)}); rss ${rss()}`);

    // 5. the metrics rollup, 12 months
    t = performance.now();
    const marketMs: number[] = [];
    let metricRows = 0;
    for (const m of months) {
      const r = await refreshMetrics(orm, m);
      if (r.skipped.length > 0) throw new Error(`refreshMetrics ${m} skipped ${r.skipped.join(', ')}`);
      marketMs.push(r.timings.market ?? 0);
      metricRows += r.rows;
      process.stdout.write(`\rrefreshMetrics ${m}: ${fmt(r.ms)} ms (market ${fmt(r.timings.market ?? 0)} ms)   `);
    }
    phases.refreshMetricsMs = performance.now() - t;
    await exec.query('analyze unit_metric_month');
    console.log(
      `\nrefreshMetrics × ${MONTHS}: ${fmt(phases.refreshMetricsMs)} ms (market computation ${fmt(marketMs.reduce((a, b) => a + b, 0))} ms of it), ${fmt(metricRows)} rows; rss ${rss()}`,
    );

    const province = await sys(() => orm.em.fork().findOneOrFail(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } }));
    const keys = METRICS.map((m) => m.key);
    const mismatches: string[] = [];
    const window = (from: string, to: string) => ({ sql: `observed_at >= ?::timestamptz and observed_at < ?::timestamptz`, params: [monthStart(from).toISOString(), monthStart(addMonths(to, 1)).toISOString()] });

    /** Runs each side `n` times, alternating; medians and the last answers. */
    async function race<A, B>(rollup: () => Promise<A>, raw: () => Promise<B>): Promise<{ rollupMs: number; rawMs: number; rollupRuns: number[]; rawRuns: number[]; a: A; b: B }> {
      const rollupRuns: number[] = [];
      const rawRuns: number[] = [];
      let a!: A;
      let b!: B;
      await rollup(); // warm: the first read of a connection prepares catalogs and plans
      for (let i = 0; i < Math.max(REPEAT, RAW_REPEAT); i++) {
        const order = i % 2 === 0 ? ['rollup', 'raw'] : ['raw', 'rollup'];
        for (const side of order) {
          if (side === 'rollup' && i < REPEAT) {
            const r = await timed(rollup);
            rollupRuns.push(r.ms);
            a = r.value;
          } else if (side === 'raw' && i < RAW_REPEAT) {
            const r = await timed(raw);
            rawRuns.push(r.ms);
            b = r.value;
          }
        }
      }
      return { rollupMs: median(rollupRuns), rawMs: median(rawRuns), rollupRuns, rawRuns, a, b };
    }
    const line = (name: string, r: { rollupMs: number; rawMs: number; rollupRuns: number[]; rawRuns: number[] }, extra: string) =>
      console.log(
        `${name.padEnd(40)} rollup ${fmt(r.rollupMs).padStart(6)} ms   raw scan ${fmt(r.rawMs).padStart(7)} ms   ratio raw/rollup ${(r.rawMs / r.rollupMs).toFixed(0)}×   ` +
          `(${extra}; runs rollup ${r.rollupRuns.map(fmt).join('/')}, raw ${r.rawRuns.map(fmt).join('/')})`,
      );

    // (a) the 12-month metrics query
    const all = window(first, last);
    const twelve = await race(
      () => sys(() => metrics(orm.em.fork(), { keys, unitIds: [province.id], children: true, from: first, to: last })),
      async () => rawMap(await exec.query(rawMarketSql(all.sql), all.params)),
    );
    const cities = [...new Set(twelve.a.map((r) => r.unit.id))].length;
    mismatches.push(...compareMarket(twelve.a, (u, p) => rawFor(twelve.b, u, [p]), '12-month'));
    line(`metrics: ${cities} cities × ${MONTHS} months × ${keys.length} keys`, twelve, `${fmt(twelve.a.length)} values`);

    // (b) the province's monthly report of the last month
    const lastYear = addMonths(last, -12);
    const ytdFrom = `${last.slice(0, 4)}-01`;
    const ytdMonths = months.filter((m) => m >= ytdFrom && m <= last);
    const reportWindows = [window(last, last), window(lastYear, lastYear), window(ytdFrom < first ? first : ytdFrom, last)];
    const rawReport = async () =>
      rawMap(
        await exec.query(
          rawMarketSql(`(${reportWindows.map((w) => w.sql).join(') or (')})`),
          reportWindows.flatMap((w) => w.params),
        ),
      );
    const reportName = `buildMonthlyTable(province, ${last})`;
    const report = await race(() => sys(() => buildMonthlyTable(orm.em.fork(), province.id, last) as Promise<ReportTableShape>), rawReport);
    const table = report.a as ReportTableShape;
    const units = new Map<number, Unit>([province, ...twelve.a.map((r) => r.unit)].map((u) => [u.id, u]));
    const rawOf = (raw: Map<string, Market>) => (unit: Unit | null, which: 'month' | 'ytd' | 'lastYear'): Market =>
      unit === null ? { listings: 0, observations: 0, sumPrice: 0 } : rawFor(raw, unit, which === 'month' ? [last] : which === 'ytd' ? ytdMonths : [lastYear]);
    const checked = compareTable(table, units, rawOf(report.b as Map<string, Market>));
    mismatches.push(...checked.bad);
    const reportNote = `${table.rows.length} rows + total × ${table.columns.length} indicators × 3; ` +
      (checked.compared > 0 ? `${checked.compared} market cells checked against the raw scan` : 'no market columns in the table: market figures checked through metrics()');
    // the report's market figures: the month, the month a year before, the year to date (a flow: its months summed)
    const reportMetrics = await sys(async () => {
      const em = orm.em.fork();
      const q = { keys: ['listings_observed', 'price_observations', 'average_price'], unitIds: [province.id] };
      return [
        ...(await metrics(em, { ...q, from: last, to: last })),
        ...(await metrics(em, { ...q, children: true, from: last, to: last })),
        ...(await metrics(em, { ...q, children: true, from: ytdFrom, to: last, granularity: MetricGranularity.YEAR })),
      ];
    });
    mismatches.push(...compareMarket(reportMetrics, (u, p) => rawFor(report.b, u, p.length === 4 ? ytdMonths : [p]), 'report'));
    line(reportName, report, reportNote);

    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(`process RSS now ${rss()}, peak ${mb(maxRss)}; raw table ${mb(rawBytes)}, daily rollup ${mb(rollupBytes)}`);
    console.log(
      `BENCH_JSON ${JSON.stringify({
        bench: 'monthly-report', backend: BACKEND, store: store.implementation, observations: OBSERVATIONS, listings: LISTINGS, entities: ENTITIES, ...counts,
        months: [first, last], phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])),
        rollupRows: Number(rollupRows), rawBytes, rollupBytes, metricRows,
        twelveMonth: { rollupMs: Math.round(twelve.rollupMs), rawMs: Math.round(twelve.rawMs), values: twelve.a.length },
        report: { name: reportName, note: reportNote, rollupMs: Math.round(report.rollupMs), rawMs: Math.round(report.rawMs) },
        peakRss: maxRss,
      })}`,
    );
    if (mismatches.length > 0) {
      console.error(`MISMATCH between the rollups and the raw scan (${mismatches.length}):`);
      for (const m of mismatches.slice(0, 10)) console.error(m);
      process.exitCode = 1;
    } else {
      console.log('rollups and raw scan agree on every city, month and market key');
    }
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
