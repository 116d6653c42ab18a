/**
 * The market metrics on the TimescaleDB store (the PGlite build with the timescaledb extension: a test-only
 * package, installed by `npm ci`, so this runs everywhere, CI included). There `listing_price_daily` is a
 * continuous aggregate, not a table: the metrics refresh must find it and compute the market indicators from
 * it; and the store keeps a hierarchical continuous aggregate per region and month on top of it
 * (`listing_price_monthly_region`). Observations are written through the store on a small demo province;
 * every figure is compared with an independent count over the raw `listing_observation`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, refreshMetrics } from '../analytics/metrics';
import { executorFromEntityManager, openTimeSeriesStore, TimescaleTimeSeriesStore, type ListingObservationRow, type SqlExecutor } from '../store';
import { MONTHLY_REGION } from '../store/timescale.store';
import { Unit, UnitLevel } from '../entities';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { openTimescaleDatabase } from './support/timescale';

const sys = <T>(fn: () => Promise<T>) => runAsSystem('timescale metrics test', fn);
const MARKET = ['listings_observed', 'price_observations', 'average_price'];
const MONTHS = ['2026-01', '2026-02', '2026-03'];
const utc = (y: number, m: number, d: number, h = 0, min = 0) => new Date(Date.UTC(y, m - 1, d, h, min));

let timescale: Awaited<ReturnType<typeof openTimescaleDatabase>>;
let orm: MikroORM;
let db: SqlExecutor;
let store: TimescaleTimeSeriesStore;
let province: Unit;
let listings: { id: number; shopId: number; region: string }[];

beforeAll(async () => {
  timescale = await openTimescaleDatabase({ regions: false });
  orm = timescale.orm;
  await loadDemoProvince(orm.em.fork(), { seed: 'hongdun', entities: 60 });
  db = executorFromEntityManager(orm.em.fork());
  const opened = await sys(() => openTimeSeriesStore(db));
  if (!(opened instanceof TimescaleTimeSeriesStore)) throw new Error(`expected the TimescaleDB store, got ${opened.implementation}`);
  store = opened;
  province = await sys(() => orm.em.fork().findOneOrFail(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } }));

  // three listings in each of up to two shops per city, spread over the cities the demo shops lie in
  const shops = await db.query<{ id: number; region_code: string }>(
    `select id, region_code from (select id, region_code, row_number() over (partition by left(region_code, 4) order by id) as r from shop) s where r <= 2 order by id`,
  );
  listings = [];
  for (const s of shops) {
    for (let i = 0; i < 3; i++) {
      const [row] = await db.query<{ id: number }>(
        `insert into listing (shop_id, url, title, region_code) values (?, ?, ?, ?) returning id`,
        [s.id, `https://demo.test/ts/${s.id}/${i}`, `商品${s.id}-${i}`, s.region_code],
      );
      listings.push({ id: row.id, shopId: s.id, region: s.region_code });
    }
  }
}, 180_000);

afterAll(async () => {
  await timescale?.close();
});

/**
 * Observations of January to March 2026: listing n is observed on some days only (so distinct listings differ
 * from month to month), up to three times on a day, at hours that put some of them on the China side of a
 * month boundary (31 Jan 20:00 UTC is 1 Feb in China: the market months are UTC months, as the store buckets).
 */
function observations(): ListingObservationRow[] {
  const rows: ListingObservationRow[] = [];
  listings.forEach((l, n) => {
    for (const [mi, month] of MONTHS.entries()) {
      if ((n + mi) % 4 === 0) continue; // not observed at all this month
      const last = new Date(Date.UTC(2026, mi + 1, 0)).getUTCDate();
      for (let d = 1 + (n % 3); d <= last; d += 2 + (n % 5)) {
        for (let k = 0; k <= (n + d) % 3; k++) {
          rows.push({
            listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: utc(2026, mi + 1, d, d === last ? 20 : 2 + 6 * k, k * 7),
            price: Math.round((20 + (n % 13) * 3.5 + ((d * 7 + k * 3 + mi) % 11) * 0.37) * 100) / 100,
            originalPrice: null, promotionText: null, sales: null, stock: null,
          });
        }
      }
      void month;
    }
  });
  return rows;
}

/** Raw market figures per city (4-digit prefix) and UTC month, and for the whole province per month. */
async function rawByCity(): Promise<Map<string, { listings: number; observations: number; sum: number }>> {
  const rows = await db.query<{ city: string; month: string; listings: number; observations: number; sum: string }>(
    `select left(region_code, 4) as city, to_char(observed_at at time zone 'UTC', 'YYYY-MM') as month,
       count(distinct listing_id)::int as listings, count(*)::int as observations, sum(price)::text as sum
     from listing_observation group by 1, 2
     union all
     select '37', to_char(observed_at at time zone 'UTC', 'YYYY-MM'), count(distinct listing_id)::int, count(*)::int, sum(price)::text
     from listing_observation group by 2`,
  );
  return new Map(rows.map((r) => [`${r.city}|${r.month}`, { listings: r.listings, observations: r.observations, sum: Number(r.sum) }]));
}

describe('market metrics on the TimescaleDB store', () => {
  it('has the daily and the hierarchical monthly continuous aggregates, each with a refresh policy', async () => {
    await sys(() => store.ensureSchema()); // idempotent: a second run creates nothing twice
    const caggs = await db.query<{ view: string; parent: string | null }>(
      `select c.view_name as view, p.user_view_name as parent
       from timescaledb_information.continuous_aggregates c
       left join _timescaledb_catalog.continuous_agg ca on ca.user_view_name = c.view_name
       left join _timescaledb_catalog.continuous_agg p on p.mat_hypertable_id = ca.parent_mat_hypertable_id
       order by 1`,
    );
    expect(caggs.map((c) => c.view)).toEqual(['listing_price_daily', MONTHLY_REGION]);
    expect(caggs.find((c) => c.view === MONTHLY_REGION)?.parent).toBe('listing_price_daily');
    const check = await sys(() => store.selfCheck());
    expect(check.problems).toEqual([]);
    expect(check.jobs.filter((j) => j.proc === 'policy_refresh_continuous_aggregate')).toHaveLength(2);
    // to_regclass — how refreshMetrics tells whether the store's rollup exists — finds the view
    const [found] = await db.query<{ t: string | null }>(`select to_regclass('listing_price_daily')::text as t`);
    expect(found.t).toBe('listing_price_daily');
  });

  it('computes listings observed, price observations and the average price from the continuous aggregate, equal to a raw count', async () => {
    const rows = observations();
    expect(rows.length).toBeGreaterThan(1000);
    expect(await sys(() => store.writeObservations(rows))).toEqual({ submitted: rows.length, inserted: rows.length });
    await sys(() => store.refreshRollups({ from: utc(2026, 1, 1), to: utc(2026, 4, 1) }));
    for (const month of MONTHS) {
      const r = await refreshMetrics(orm, month);
      expect(r.skipped).toEqual([]);
      expect(r.timings).toHaveProperty('market');
    }
    const raw = await rawByCity();
    const read = (children: boolean) => sys(() => metrics(orm.em.fork(), { keys: MARKET, unitIds: [province.id], children, from: MONTHS[0], to: MONTHS[2] }));
    const cities = await read(true);
    const total = await read(false);
    const cityPrefixes = new Set([...raw.keys()].map((k) => k.split('|')[0]).filter((c) => c !== '37'));
    expect(cityPrefixes.size).toBeGreaterThanOrEqual(10); // the demo shops lie in most of the 16 cities
    let checked = 0;
    for (const r of [...cities, ...total]) {
      const prefix = r.unit.jurisdiction[0];
      const want = raw.get(`${prefix}|${r.period}`) ?? { listings: 0, observations: 0, sum: 0 };
      if (r.key === 'listings_observed') expect([r.unit.code, r.period, r.value]).toEqual([r.unit.code, r.period, want.listings]);
      if (r.key === 'price_observations') expect([r.unit.code, r.period, r.value]).toEqual([r.unit.code, r.period, want.observations]);
      if (r.key === 'average_price') {
        expect([r.unit.code, r.period, r.denominator]).toEqual([r.unit.code, r.period, want.observations]);
        if (want.observations === 0) expect(r.value).toBeNull();
        else expect(r.value!).toBeCloseTo(want.sum / want.observations, 9);
      }
      if (want.observations > 0) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3 * 3 * 10);
    // distinct listings are not additive over months or cities: the province's month is its own distinct count
    const jan = total.find((r) => r.period === '2026-01' && r.key === 'listings_observed')!;
    expect(jan.value).toBe(raw.get('37|2026-01')!.listings);
    expect(jan.value).toBeGreaterThan(0);
  });

  it('keeps the hierarchical monthly aggregate equal to the raw monthly sums per region, also after late rows', async () => {
    const monthly = () =>
      db.query<{ region_code: string; month: string; observations: number; sum: string; listing_days: number }>(
        `select region_code, to_char(month at time zone 'UTC', 'YYYY-MM') as month, observations::int as observations, sum_price::text as sum, listing_days::int as listing_days
         from ${MONTHLY_REGION} where month >= '2026-01-01' and month < '2026-04-01' order by 1, 2`,
      );
    const raw = () =>
      db.query<{ region_code: string; month: string; observations: number; sum: string; listing_days: number }>(
        `select region_code, to_char(observed_at at time zone 'UTC', 'YYYY-MM') as month, count(*)::int as observations, sum(price)::text as sum,
           count(distinct (listing_id, date_trunc('day', observed_at at time zone 'UTC')))::int as listing_days
         from listing_observation where observed_at >= '2026-01-01' and observed_at < '2026-04-01' group by 1, 2 order by 1, 2`,
      );
    const first = await raw();
    expect(first.length).toBeGreaterThanOrEqual(3 * 10);
    expect(await monthly()).toEqual(first);

    // late rows for one day of February: refreshing that day alone brings the whole month up to date
    const l = listings[1];
    const late: ListingObservationRow[] = [0, 1, 2].map((i) => ({
      listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: utc(2026, 2, 14, 23, 50 + i), price: 1000 + i,
      originalPrice: null, promotionText: null, sales: null, stock: null,
    }));
    expect((await sys(() => store.writeObservations(late))).inserted).toBe(3);
    await sys(() => store.refreshRollups({ from: utc(2026, 2, 14), to: utc(2026, 2, 15) }));
    const second = await raw();
    expect(second).not.toEqual(first);
    expect(await monthly()).toEqual(second);
  });

  it('refreshes the monthly aggregate by its policy job, as the scheduler would', async () => {
    // two days ago lies inside both policies' windows (daily: 35 days back, monthly: 3 months back)
    const at = new Date(Date.now() - 2 * 86_400_000);
    const l = listings[2];
    const rows: ListingObservationRow[] = [0, 1, 2, 3].map((i) => ({
      listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: new Date(at.getTime() + i * 60_000), price: 12.5 + i,
      originalPrice: null, promotionText: null, sales: null, stock: null,
    }));
    await sys(() => store.writeObservations(rows));
    const monthStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)).toISOString();
    const inMonthly = () =>
      db.query<{ observations: number; sum: string }>(
        `select observations::int as observations, sum_price::text as sum from ${MONTHLY_REGION} where region_code = ? and month = ?::timestamptz`,
        [l.region, monthStart],
      );
    expect(await inMonthly()).toEqual([]);
    const jobs = await db.query<{ id: number; view: string }>(
      `select j.job_id as id, c.view_name as view from timescaledb_information.jobs j
       join timescaledb_information.continuous_aggregates c on j.hypertable_name in (c.view_name, c.materialization_hypertable_name)
       where j.proc_name = 'policy_refresh_continuous_aggregate'`,
    );
    for (const view of ['listing_price_daily', MONTHLY_REGION]) await sys(() => store.runJob(jobs.find((j) => j.view === view)!.id));
    const [raw] = await db.query<{ observations: number; sum: string }>(
      `select count(*)::int as observations, sum(price)::text as sum from listing_observation where region_code = ? and observed_at >= ?::timestamptz
         and observed_at < ?::timestamptz + interval '1 month'`,
      [l.region, monthStart, monthStart],
    );
    expect(raw.observations).toBe(4);
    expect(await inMonthly()).toEqual([raw]);
  });
});
