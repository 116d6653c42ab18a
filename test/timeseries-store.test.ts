import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ListingObservationRow,
  type ShopSnapshotRow,
  type SqlExecutor,
  type TimeSeriesStore,
  PortableTimeSeriesStore,
  TimescaleTimeSeriesStore,
  executorFromEntityManager,
  openTimeSeriesStore,
} from '../store';
import { type Actor, AccessDeniedError, runAs } from '../entities';
import '../server/database'; // installs the PGlite statement routing the platform uses
import { runAsSystem } from '../services/system-actor';
import { BACKEND, openTestDatabase } from './support/database';
import { openTimescaleDatabase } from './support/timescale';

const county = (prefix: string): Actor => ({
  kind: 'user', id: 1, name: `x${prefix}-analyst`, unitId: null, role: 'analyst', permissions: new Set(), prefixes: [prefix],
});
const sys = <T>(fn: () => T) => runAsSystem('timeseries test', fn);
const utc = (y: number, m: number, d: number, h = 8) => new Date(Date.UTC(y, m - 1, d, h));

const REGIONS = ['370102', '370103'];
const MONTHS = [1, 2, 3];
const DAYS = 20; // days 1..20 of each month: with 7-day chunks, January's last chunk ends before 1 February

interface Fixture {
  shops: { id: number; region: string }[];
  listings: { id: number; shopId: number; region: string }[];
  scenario: { shop: number; a: number; b: number; c: number };
}

async function seed(db: SqlExecutor): Promise<Fixture> {
  const shops: Fixture['shops'] = [];
  for (let i = 0; i < 5; i++) {
    const region = REGIONS[i % 2];
    const [row] = await db.query<{ id: number }>(
      `insert into shop (name, platform, url, domain, classification, region_code) values (?, 'demo', ?, 'demo.test', 'platform_merchant', ?) returning id`,
      [`店铺${i}`, `https://demo.test/shop/${i}`, region],
    );
    shops.push({ id: row.id, region });
  }
  const listings: Fixture['listings'] = [];
  for (let i = 0; i < 50; i++) {
    const shop = shops[i % 4];
    const [row] = await db.query<{ id: number }>(
      `insert into listing (shop_id, url, title, region_code) values (?, ?, ?, ?) returning id`,
      [shop.id, `https://demo.test/item/${i}`, `商品${i}`, shop.region],
    );
    listings.push({ id: row.id, shopId: shop.id, region: shop.region });
  }
  const scenarioShop = shops[4]; // 370102
  const ids: number[] = [];
  for (const name of ['a', 'b', 'c']) {
    const [row] = await db.query<{ id: number }>(
      `insert into listing (shop_id, url, title, region_code, removed_at) values (?, ?, ?, ?, ?::timestamptz) returning id`,
      [scenarioShop.id, `https://demo.test/item/${name}`, name, scenarioShop.region, name === 'c' ? utc(2026, 4, 3, 10).toISOString() : null],
    );
    ids.push(row.id);
  }
  return { shops: shops.slice(0, 4), listings, scenario: { shop: scenarioShop.id, a: ids[0], b: ids[1], c: ids[2] } };
}

function bulkObservations(f: Fixture): ListingObservationRow[] {
  const rows: ListingObservationRow[] = [];
  for (const m of MONTHS)
    for (let d = 1; d <= DAYS; d++)
      for (const l of f.listings)
        rows.push({
          listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: utc(2026, m, d, 8 + (l.id % 10)),
          price: 10 + (l.id % 7) + ((d * l.id + m) % 5) * 0.25, originalPrice: 30, promotionText: l.id % 9 === 0 ? `限时;'特价' \\ ${d}` : null,
          sales: d * 3, stock: 100 - d,
        });
  return rows;
}

function bulkSnapshots(f: Fixture): ShopSnapshotRow[] {
  const rows: ShopSnapshotRow[] = [];
  for (const m of MONTHS)
    for (let d = 1; d <= DAYS; d++)
      for (const s of f.shops)
        rows.push({
          shopId: s.id, regionCode: s.region, observedAt: utc(2026, m, d, 7), title: `店铺${s.id}`, licenceName: `公司${s.id}`,
          licenceUscc: '91370102MA3C0000XX', licenceAddress: '济南市', contact: null, listingCount: 12, contentHash: `h${m}-${d}-${s.id}`,
        });
  return rows;
}

const implementations = [
  {
    name: `portable on ${BACKEND}`,
    open: async () => {
      const t = await openTestDatabase();
      return { orm: t.orm as MikroORM, close: () => t.close() };
    },
    expected: PortableTimeSeriesStore,
  },
  { name: 'timescaledb on the PGlite build', open: openTimescaleDatabase, expected: TimescaleTimeSeriesStore },
];

describe.each(implementations)('time-series store: $name', ({ open, expected }) => {
  let handle: { orm: MikroORM; close(): Promise<void> };
  let db: SqlExecutor;
  let store: TimeSeriesStore;
  let f: Fixture;
  let bulk: ListingObservationRow[];

  beforeAll(async () => {
    handle = await open();
    db = executorFromEntityManager(handle.orm.em.fork());
    store = await sys(() => openTimeSeriesStore(db));
    f = await sys(() => seed(db));
    bulk = bulkObservations(f);
  });
  afterAll(async () => handle?.close());

  it('detects its implementation and passes the self-check', async () => {
    expect(store).toBeInstanceOf(expected);
    await sys(() => store.ensureSchema()); // idempotent
    const check = await sys(() => store.selfCheck());
    expect(check.problems).toEqual([]);
    expect(check.ok).toBe(true);
    if (store.implementation === 'timescaledb') {
      expect(check.extensionVersion).toMatch(/^2\./);
      expect(check.jobs.map((j) => j.proc)).toEqual(expect.arrayContaining(['policy_compression', 'policy_refresh_continuous_aggregate']));
    } else {
      expect(check.extensionVersion).toBeNull();
    }
  });

  it('writes a batch of a few thousand observations, idempotently', async () => {
    expect(bulk.length).toBe(3000);
    const t0 = Date.now();
    const first = await sys(() => store.writeObservations(bulk));
    const ms = Date.now() - t0;
    expect(first).toEqual({ submitted: 3000, inserted: 3000 });
    const again = await sys(() => store.writeObservations(bulk));
    expect(again).toEqual({ submitted: 3000, inserted: 0 });
    const snaps = bulkSnapshots(f);
    expect(await sys(() => store.writeSnapshots(snaps))).toEqual({ submitted: snaps.length, inserted: snaps.length });
    expect((await sys(() => store.writeSnapshots(snaps))).inserted).toBe(0);
    const [counts] = await db.query<{ o: number; s: number }>(
      `select (select count(*)::int from listing_observation) as o, (select count(*)::int from shop_snapshot) as s`,
    );
    expect(counts).toEqual({ o: 3000, s: snaps.length });
    const [text] = await db.query<{ t: string }>(`select promotion_text as t from listing_observation where promotion_text is not null limit 1`);
    expect(text.t).toMatch(/^限时;'特价' \\ \d+$/);
    console.info(`${store.implementation}: 3000 observations written in ${ms} ms`);
  });

  it('writes a batch that repeats some rows: only the new ones count; tabs, newlines and backslashes survive', async () => {
    // a PostgreSQL server takes the COPY path (a repeated row sends the batch down the SQL path); PGlite the SQL path
    expect(typeof db.copyFrom === 'function').toBe(BACKEND === 'postgresql' && store.implementation === 'portable');
    const repeated = bulk.slice(0, 10);
    const odd = (i: number) => `a\tb\nc\\d\r'${i}' \\N`;
    const fresh = repeated.map((r, i) => ({ ...r, observedAt: new Date(r.observedAt.getTime() + 1000 + i), promotionText: odd(i) }));
    expect(await sys(() => store.writeObservations([...repeated, ...fresh]))).toEqual({ submitted: 20, inserted: 10 });
    const later = fresh.map((r, i) => ({ ...r, observedAt: new Date(r.observedAt.getTime() + 60_000), promotionText: i % 2 ? null : odd(100 + i) }));
    expect(await sys(() => store.writeObservations(later))).toEqual({ submitted: 10, inserted: 10 });
    const rows = await db.query<{ t: string | null }>(`select promotion_text as t from listing_observation where observed_at in (${[...fresh, ...later].map(() => '?::timestamptz').join(', ')})`, [...fresh, ...later].map((r) => r.observedAt.toISOString()));
    const sort = (xs: Array<string | null>) => [...xs].sort((a, b) => String(a).localeCompare(String(b)));
    expect(sort(rows.map((r) => r.t))).toEqual(sort([...fresh, ...later].map((r) => r.promotionText)));
    await db.query(`delete from listing_observation where observed_at in (${[...fresh, ...later].map(() => '?::timestamptz').join(', ')})`, [...fresh, ...later].map((r) => r.observedAt.toISOString()));
  });

  it('lands rows of three months in month partitions / chunks', async () => {
    if (store.implementation === 'portable') {
      for (const m of ['202601', '202602', '202603']) {
        const [r] = await db.query<{ n: number }>(`select count(*)::int as n from listing_observation_p${m}`);
        expect(r.n).toBe(1000);
      }
      const [d] = await db.query<{ n: number }>(`select count(*)::int as n from listing_observation_default`);
      expect(d.n).toBe(0);
      const [brin] = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_indexes where tablename = 'listing_observation' and indexdef ilike '%using brin%'`,
      );
      expect(brin.n).toBe(1);
    } else {
      const chunks = await db.query<{ start: string; end: string }>(
        `select range_start as start, range_end as end from timescaledb_information.chunks where hypertable_name = 'listing_observation' order by 1`,
      );
      const months = new Set(chunks.map((c) => new Date(c.start).getUTCMonth()));
      expect(chunks.length).toBeGreaterThanOrEqual(9);
      expect(months.size).toBeGreaterThanOrEqual(3);
    }
    const check = await sys(() => store.selfCheck());
    expect(check.partitions.listing_observation).toBeGreaterThanOrEqual(3);
  });

  it('detects price moves, new and removed listings and licence changes', async () => {
    const { shop, a, b, c } = f.scenario;
    const obs = (listingId: number, day: number, price: number, month = 4): ListingObservationRow => ({
      listingId, shopId: shop, regionCode: '370102', observedAt: utc(2026, month, day), price, originalPrice: null, promotionText: null, sales: null, stock: null,
    });
    await sys(() => store.writeObservations([obs(c, 15, 5, 3), obs(a, 1, 100), obs(a, 2, 120), obs(a, 3, 90), obs(a, 4, 90), obs(b, 2, 7.5), obs(b, 3, 7.5)]));
    const snap = (day: number, licenceName: string): ShopSnapshotRow => ({
      shopId: shop, regionCode: '370102', observedAt: utc(2026, 4, day), title: 'S', licenceName, licenceUscc: '91370102MA3C0000XX',
      licenceAddress: '济南市历下区', contact: null, listingCount: 3, contentHash: `s${day}`,
    });
    await sys(() => store.writeSnapshots([snap(1, '甲公司'), snap(2, '甲公司'), snap(3, '乙公司')]));
    // the newest snapshot per shop, for ids given twice, unknown or invalid; none outside the caller's region
    const latest = await sys(() => store.latestSnapshots([shop, shop, 999_999, -1]));
    expect([...latest.keys()]).toEqual([shop]);
    expect(latest.get(shop)).toMatchObject({ observedAt: utc(2026, 4, 3), licenceName: '乙公司', contentHash: 's3' });
    expect((await runAs(county('370102'), () => store.latestSnapshots([shop]))).size).toBe(1);
    expect((await runAs(county('370103'), () => store.latestSnapshots([shop]))).size).toBe(0);
    expect((await sys(() => store.latestSnapshots([]))).size).toBe(0);
    const april = { from: utc(2026, 4, 1, 0), to: utc(2026, 5, 1, 0) };
    const counts = await sys(() => store.detectChanges(april));
    expect(counts).toEqual({ price_up: 1, price_down: 1, listing_new: 2, listing_removed: 1, licence_changed: 1 });
    expect(await sys(() => store.detectChanges(april))).toEqual({ price_up: 0, price_down: 0, listing_new: 0, listing_removed: 0, licence_changed: 0 });
    const changes = await sys(() => store.changes(april));
    const brief = changes.map((x) => [x.kind, x.subjectId, x.observedAt.toISOString(), x.amount, x.percent]);
    expect(brief).toEqual([
      ['listing_new', a, utc(2026, 4, 1).toISOString(), null, null],
      ['listing_new', b, utc(2026, 4, 2).toISOString(), null, null],
      ['price_up', a, utc(2026, 4, 2).toISOString(), 20, 20],
      ['licence_changed', shop, utc(2026, 4, 3).toISOString(), null, null],
      ['price_down', a, utc(2026, 4, 3).toISOString(), -30, -25],
      ['listing_removed', c, utc(2026, 4, 3, 10).toISOString(), null, null],
    ]);
    const licence = changes.find((x) => x.kind === 'licence_changed')!;
    expect(licence.before).toMatchObject({ name: '甲公司' });
    expect(licence.after).toMatchObject({ name: '乙公司' });
    expect(changes.find((x) => x.kind === 'price_down')!.before).toMatchObject({ price: 120 });
    // rewriting the detected changes is a no-op
    expect((await sys(() => store.writeChanges(changes))).inserted).toBe(0);
  });

  it('daily price aggregate equals a raw avg(price) per day', async () => {
    const range = { from: utc(2026, 1, 1, 0), to: utc(2026, 5, 1, 0) };
    await sys(() => store.refreshRollups(range));
    const index = await sys(() => store.dailyPriceIndex(undefined, range));
    const raw = await db.query<{ day: string; avg: number; n: number }>(
      `select date_trunc('day', observed_at, 'UTC') as day, avg(price)::float8 as avg, count(*)::int as n from listing_observation group by 1 order by 1`,
    );
    expect(index.length).toBe(raw.length);
    index.forEach((p, i) => {
      expect(p.day.toISOString()).toBe(new Date(raw[i].day).toISOString());
      expect(p.avgPrice).toBeCloseTo(Number(raw[i].avg), 9);
      expect(p.observations).toBe(raw[i].n);
    });
    const counts = await sys(() => store.dailyListingCounts('3701', { from: utc(2026, 1, 1, 0), to: utc(2026, 1, 2, 0) }));
    expect(counts).toEqual([
      { day: utc(2026, 1, 1, 0), regionCode: '370102', listings: 25, shops: 2, observations: 25 },
      { day: utc(2026, 1, 1, 0), regionCode: '370103', listings: 25, shops: 2, observations: 25 },
    ]);
    const history = await sys(() => store.priceHistory(f.scenario.a, { from: utc(2026, 4, 1, 0), to: utc(2026, 5, 1, 0) }, '1 day'));
    expect(history.map((h) => h.avgPrice)).toEqual([100, 120, 90, 90]);
    expect(await sys(() => store.priceHistory(f.scenario.a, { from: utc(2026, 4, 1, 0), to: utc(2026, 5, 1, 0) }, '7 days'))).toHaveLength(1);
    await expect(sys(() => store.priceHistory(1, range, '1 month'))).rejects.toThrow(/invalid bucket/);
  });

  it('scopes reads to the actor jurisdiction and refuses writes outside it', async () => {
    const range = { from: utc(2026, 1, 1, 0), to: utc(2026, 5, 1, 0) };
    const mine = await runAs(county('370102'), () => store.dailyListingCounts(undefined, range));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.regionCode === '370102')).toBe(true);
    const [raw] = await db.query<{ n: number }>(`select count(*)::int as n from listing_observation where region_code = '370102'`);
    expect(mine.reduce((s, p) => s + p.observations, 0)).toBe(raw.n);
    const other = f.listings.find((l) => l.region === '370103')!;
    expect(await runAs(county('370102'), () => store.priceHistory(other.id, range, '1 day'))).toEqual([]);
    expect((await runAs(county('370103'), () => store.priceHistory(other.id, range, '1 day'))).length).toBe(60);
    expect(await runAs(county('370103'), () => store.changes(range))).toEqual([]);
    expect((await runAs(county('370102'), () => store.changes(range))).length).toBe(6);
    const idx = await runAs(county('370102'), () => store.dailyPriceIndex('370103', range));
    expect(idx).toEqual([]);
    await expect(store.dailyPriceIndex(undefined, range)).rejects.toThrow(AccessDeniedError); // no actor: fail closed
    await expect(runAs(county('370103'), () => store.writeObservations(bulk.slice(0, 100)))).rejects.toThrow(AccessDeniedError);
    await expect(runAs(county('370102'), () => store.applyRetention(utc(2026, 2, 1, 0)))).rejects.toThrow(AccessDeniedError);
  });

  if (expected === TimescaleTimeSeriesStore) {
    it('runs the compression policy job; compressed chunks still read and dedupe', async () => {
      const ts = store as TimescaleTimeSeriesStore;
      const job = (await sys(() => ts.jobs())).find((j) => j.proc === 'policy_compression' && j.hypertable === 'listing_observation')!;
      await sys(() => ts.runJob(job.id));
      const [c] = await db.query<{ n: number }>(
        `select count(*)::int as n from timescaledb_information.chunks where hypertable_name = 'listing_observation' and is_compressed`,
      );
      expect(c.n).toBeGreaterThan(0);
      expect((await sys(() => store.writeObservations(bulk.slice(0, 500)))).inserted).toBe(0);
      const [n] = await db.query<{ n: number }>(`select count(*)::int as n from listing_observation`);
      expect(n.n).toBe(3007);
      await sys(() => store.ensureSchema()); // still idempotent with compressed chunks
      expect((await sys(() => store.selfCheck())).ok).toBe(true);
    });
  }

  it('retention drops old months and nothing else', async () => {
    const cutoff = utc(2026, 2, 1, 0);
    const before = await db.query<{ t: string; n: number }>(
      `select 'o' as t, count(*)::int as n from listing_observation where observed_at >= ?::timestamptz
       union all select 's', count(*)::int from shop_snapshot where observed_at >= ?::timestamptz
       union all select 'c', count(*)::int from listing_change where observed_at >= ?::timestamptz`,
      [cutoff.toISOString(), cutoff.toISOString(), cutoff.toISOString()],
    );
    const dropped = await sys(() => store.applyRetention(cutoff));
    expect(dropped.length).toBeGreaterThan(0);
    const after = await db.query<{ t: string; n: number }>(
      `select 'o' as t, count(*)::int as n from listing_observation where observed_at >= ?::timestamptz
       union all select 's', count(*)::int from shop_snapshot where observed_at >= ?::timestamptz
       union all select 'c', count(*)::int from listing_change where observed_at >= ?::timestamptz`,
      [cutoff.toISOString(), cutoff.toISOString(), cutoff.toISOString()],
    );
    expect(after).toEqual(before);
    const [old] = await db.query<{ o: number; s: number }>(
      `select (select count(*)::int from listing_observation where observed_at < ?::timestamptz) as o,
              (select count(*)::int from shop_snapshot where observed_at < ?::timestamptz) as s`,
      [cutoff.toISOString(), cutoff.toISOString()],
    );
    expect(old).toEqual({ o: 0, s: 0 });
    if (store.implementation === 'portable') expect(dropped).toEqual(expect.arrayContaining(['listing_observation_p202601', 'shop_snapshot_p202601']));
    // the rollups outlive the raw rows
    const jan = await sys(() => store.dailyPriceIndex(undefined, { from: utc(2026, 1, 1, 0), to: cutoff }));
    expect(jan.length).toBe(DAYS);
  });
});
