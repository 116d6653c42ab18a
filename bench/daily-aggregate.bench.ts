/**
 * Daily price aggregate over 10 million observations: the portable store's reads from its rollup
 * (`dailyPriceIndex`, `dailyListingCounts` on `listing_price_daily`) against the raw scan of
 * `listing_observation` that gives the same numbers, in the same run, on the same database.
 *
 *   node -r @swc-node/register bench/daily-aggregate.bench.ts
 *
 * Environment (all optional):
 *   DATABASE_URL (postgres://root@127.0.0.1:5432/postgres)  server on which a scratch database is created and dropped
 *   BENCH_OBSERVATIONS (10000000)  observations loaded
 *   BENCH_LISTINGS (100000)        listings (10 per shop; shops spread over the 151 counties of Shandong)
 *   BENCH_DAYS (90)                days the observations span, from 2026-01-05 (four month partitions)
 *   BENCH_REPEAT (3)               timed runs of each read; medians printed
 *
 * The load is reproducible (no random(): every value is a function of the row number) and server-side
 * (`insert … select … from generate_series`, in slices of 1M rows, in time order as a crawl writes);
 * the month partitions are created by the store itself (one `writeObservations` row per month, counted
 * in the total). Then VACUUM ANALYZE, `refreshRollups` over the whole range (timed), and the reads:
 * each store read and its raw equivalent run BENCH_REPEAT times, alternating; the answers must agree
 * (same days, regions, counts; averages within 1e-9 relative) or the bench exits 1.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { executorFromEntityManager, openTimeSeriesStore, type ListingObservationRow, type SqlExecutor } from '../store';
import { loadConfig } from '../kernel/config';
import { openDatabase } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { createScratchDatabase } from '../test/support/database';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const OBSERVATIONS = Number(process.env.BENCH_OBSERVATIONS ?? 10_000_000);
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 100_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 90);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const START = new Date(Date.UTC(2026, 0, 5));
const RANGE = { from: START, to: new Date(START.getTime() + DAYS * 86_400_000) };
const SLICE = 1_000_000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sys = <T>(fn: () => Promise<T>) => runAsSystem('bench', fn);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t };
}

/** One row per month of the range, written through the store: creates the month partitions as a crawl would. */
function monthSeeds(counties: string[]): ListingObservationRow[] {
  const rows: ListingObservationRow[] = [];
  for (let d = new Date(START); d < RANGE.to; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    rows.push({
      listingId: 10_000_000 + rows.length, shopId: 1_000_000, regionCode: counties[0], observedAt: new Date(d.getTime() + 3_600_000),
      price: 99.9, originalPrice: null, promotionText: null, sales: null, stock: null,
    });
  }
  return rows;
}

/**
 * Observation g (0-based): listing g mod L, its k-th observation (k = g div L), observed at
 * START + k·DAYS/K days + a per-listing minute of the day; prices from a per-listing base with a daily
 * wobble, two decimals; nullable fields null on fixed patterns.
 */
function loadSql(counties: number): string {
  const perListing = Math.ceil(OBSERVATIONS / LISTINGS);
  return `insert into listing_observation (listing_id, shop_id, region_code, observed_at, price, original_price, promotion_text, sales, stock)
    select 1 + l, 1 + l / 10, c.codes[1 + ((l / 10) % ${counties})],
      timestamptz '${START.toISOString()}' + (k * ${DAYS * 86_400}::float8 / ${perListing}) * interval '1 second' + ((l * 37) % 720) * interval '1 minute',
      round(b * (1 + ((l * 31 + k * 17) % 11 - 5) * 0.01), 2),
      case when (l + k) % 5 = 0 then round(b * 1.2, 2) end,
      case when (l + k) % 5 = 0 then '限时特价' when (l + k) % 7 = 0 then '满200减30' end,
      case when (l + k) % 10 <> 0 then (l * 13 + k * 7) % 5000 end,
      case when (l + k) % 3 <> 0 then (l * 17 + k) % 999 end
    from (select g, g % ${LISTINGS} as l, g / ${LISTINGS} as k, 1 + ((g % ${LISTINGS}) * 7919 % 200000) / 100.0 as b
          from generate_series(?::bigint, ?::bigint) g) s
    cross join (select array_agg(code order by code) as codes from region where level = 'county') c`;
}

interface Mismatch {
  what: string;
  store: unknown;
  raw: unknown;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

async function main() {
  const scratch = await createScratchDatabase(BASE_URL, 'hongdun_bench');
  let orm: MikroORM | undefined;
  try {
    orm = await openDatabase(loadConfig({ databaseUrl: scratch.url, dbPoolMax: 5 }));
    const db: SqlExecutor = executorFromEntityManager(orm.em.fork());
    const store = await sys(() => openTimeSeriesStore(db));
    if (store.implementation !== 'portable') throw new Error(`expected the portable store, got ${store.implementation}`);
    const counties = (await db.query<{ code: string }>(`select code from region where level = 'county' order by code`)).map((r) => r.code);

    // load
    const seeds = monthSeeds(counties);
    const tLoad = performance.now();
    await sys(() => store.writeObservations(seeds));
    const total = OBSERVATIONS - seeds.length;
    const sql = loadSql(counties.length);
    for (let from = 0; from < total; from += SLICE) {
      const t = performance.now();
      await db.query(sql, [from, Math.min(from + SLICE, total) - 1]);
      process.stdout.write(`\rloaded ${fmt(Math.min(from + SLICE, total) + seeds.length)} observations (last slice ${fmt(performance.now() - t)} ms)   `);
    }
    const loadMs = performance.now() - tLoad;
    const vacuum = await timed(() => db.query('vacuum analyze listing_observation'));
    const [{ n, size }] = await db.query<{ n: string; size: string }>(
      `select count(*) as n, pg_size_pretty(pg_total_relation_size('listing_observation_p202601') + pg_total_relation_size('listing_observation_p202602')
         + pg_total_relation_size('listing_observation_p202603') + pg_total_relation_size('listing_observation_p202604')) as size from listing_observation`,
    );
    const check = await sys(() => store.selfCheck());
    if (Number(n) !== OBSERVATIONS || !check.ok) throw new Error(`load: ${n} rows, self-check ${JSON.stringify(check.problems)}`);
    console.log(
      `\n${fmt(Number(n))} observations (${fmt(LISTINGS)} listings, ${counties.length} counties, ${DAYS} days from ${START.toISOString().slice(0, 10)}, ` +
        `${check.partitions.listing_observation - 1} month partitions, ${size} with indexes) loaded in ${fmt(loadMs)} ms; VACUUM ANALYZE ${fmt(vacuum.ms)} ms`,
    );

    // rollup
    const refresh = await timed(() => sys(() => store.refreshRollups(RANGE)));
    const [{ rollupRows }] = await db.query<{ rollupRows: string }>(`select count(*) as "rollupRows" from listing_price_daily`);
    await db.query('vacuum analyze listing_price_daily');
    console.log(`refreshRollups over ${DAYS} days: ${fmt(refresh.ms)} ms (${fmt(Number(rollupRows))} rollup rows)`);

    // reads: store (rollup) vs raw scan, alternating
    const from = RANGE.from.toISOString();
    const to = RANGE.to.toISOString();
    const reads = {
      'dailyPriceIndex': {
        store: () => sys(() => store.dailyPriceIndex(undefined, RANGE)),
        raw: () =>
          db.query<{ day: Date | string; avg: number; listings: number; n: number }>(
            `select date_trunc('day', observed_at, 'UTC') as day, avg(price)::float8 as avg, count(distinct listing_id)::int as listings, count(*)::int as n
             from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz group by 1 order by 1`,
            [from, to],
          ),
      },
      'dailyListingCounts': {
        store: () => sys(() => store.dailyListingCounts(undefined, RANGE)),
        raw: () =>
          db.query<{ day: Date | string; region_code: string; listings: number; shops: number; n: number }>(
            `select date_trunc('day', observed_at, 'UTC') as day, region_code, count(distinct listing_id)::int as listings,
               count(distinct shop_id)::int as shops, count(*)::int as n
             from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz group by 1, 2 order by 1, 2`,
            [from, to],
          ),
      },
    };
    const mismatches: Mismatch[] = [];
    const summary: Record<string, { storeMs: number; rawMs: number; rows: number }> = {};
    for (const [name, r] of Object.entries(reads)) {
      const storeMs: number[] = [];
      const rawMs: number[] = [];
      let storeRows: Record<string, unknown>[] = [];
      let rawRows: Record<string, unknown>[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const first = i % 2 === 0 ? 'store' : 'raw';
        for (const side of [first, first === 'store' ? 'raw' : 'store']) {
          if (side === 'store') {
            const s = await timed(r.store as unknown as () => Promise<Record<string, unknown>[]>);
            storeMs.push(s.ms);
            storeRows = s.value;
          } else {
            const s = await timed(r.raw as unknown as () => Promise<Record<string, unknown>[]>);
            rawMs.push(s.ms);
            rawRows = s.value;
          }
        }
      }
      // compare
      if (storeRows.length !== rawRows.length) mismatches.push({ what: `${name}: row count`, store: storeRows.length, raw: rawRows.length });
      for (let i = 0; i < Math.min(storeRows.length, rawRows.length); i++) {
        const s = storeRows[i];
        const w = rawRows[i];
        const day = new Date(w.day as string).toISOString();
        const same =
          (s.day as Date).toISOString() === day &&
          (name === 'dailyPriceIndex'
            ? close(Number(s.avgPrice), Number(w.avg)) && s.listings === Number(w.listings) && s.observations === Number(w.n)
            : s.regionCode === w.region_code && s.listings === Number(w.listings) && s.shops === Number(w.shops) && s.observations === Number(w.n));
        if (!same) mismatches.push({ what: `${name}[${i}]`, store: s, raw: w });
      }
      if (storeRows.length === 0) mismatches.push({ what: `${name}: no rows`, store: 0, raw: rawRows.length });
      summary[name] = { storeMs: median(storeMs), rawMs: median(rawMs), rows: storeRows.length };
      console.log(
        `${name.padEnd(18)} store (rollup) ${fmt(median(storeMs)).padStart(6)} ms   raw scan ${fmt(median(rawMs)).padStart(7)} ms   ` +
          `speed-up ${(median(rawMs) / median(storeMs)).toFixed(0)}×   (${storeRows.length} rows; runs store ${storeMs.map(fmt).join('/')}, raw ${rawMs.map(fmt).join('/')})`,
      );
    }
    const obsTotal = (await sys(() => store.dailyPriceIndex(undefined, RANGE))).reduce((a, p) => a + p.observations, 0);
    if (obsTotal !== OBSERVATIONS) mismatches.push({ what: 'observations summed over the days', store: obsTotal, raw: OBSERVATIONS });
    console.log(
      `refresh + one dailyPriceIndex read ${fmt(refresh.ms + summary.dailyPriceIndex.storeMs)} ms vs one raw scan ${fmt(summary.dailyPriceIndex.rawMs)} ms: ` +
        `the rollup pays for itself after ${Math.ceil(refresh.ms / Math.max(1, summary.dailyPriceIndex.rawMs - summary.dailyPriceIndex.storeMs))} reads`,
    );
    console.log(`BENCH_JSON ${JSON.stringify({ observations: OBSERVATIONS, loadMs, vacuumMs: vacuum.ms, refreshMs: refresh.ms, rollupRows: Number(rollupRows), reads: summary })}`);
    if (mismatches.length > 0) {
      console.error(`MISMATCH between the store and the raw scan (${mismatches.length}):`);
      for (const m of mismatches.slice(0, 10)) console.error(JSON.stringify(m));
      process.exitCode = 1;
    } else {
      console.log('store and raw scan agree on every day (and region)');
    }
  } finally {
    await orm?.close(true);
    await scratch.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
