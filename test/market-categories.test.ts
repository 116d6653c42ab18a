import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ListingObservationRow,
  type SqlExecutor,
  type TimeSeriesStore,
  TimescaleTimeSeriesStore,
  executorFromEntityManager,
  openTimeSeriesStore,
} from '../store';
import { categorySegments, categoryStartsWith } from '../kernel/rules/text';
import { type Actor, runAs } from '../entities';
import { timeSeriesOf } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { codes, ok } from './support/checks';
import { type TestPlatform, startTestPlatform } from './support/platform';
import { openTimescaleDatabase } from './support/timescale';

/**
 * The category-aware market reads (issue 8): `priceIndex`/`listingCounts` with a category, `marketCategories`
 * and `priceMoves`, through the GraphQL API on data written here, checked against the raw observations and
 * changes with the category matched in JavaScript (`categoryStartsWith`), independently of the SQL.
 */

const DAY = 86_400_000;
const START = new Date(Date.UTC(2026, 9, 5)); // 2026-10-05
const DAYS = 5;
const RANGE = { from: START, to: new Date(START.getTime() + DAYS * DAY) };
const GQL_RANGE = { from: RANGE.from.toISOString(), to: RANGE.to.toISOString() };

/** The listings written: county A (two shops) and county B (one shop), categories in several spellings. */
const LISTINGS: { county: 'A' | 'B'; shop: number; category: string | null; removed?: boolean }[] = [
  { county: 'A', shop: 0, category: '食品/酒类' },
  { county: 'A', shop: 0, category: '食品 > 乳制品' },
  { county: 'A', shop: 0, category: '食品饮料' },
  { county: 'A', shop: 0, category: '家电' },
  { county: 'A', shop: 0, category: null },
  { county: 'A', shop: 1, category: '食品/酒类' },
  { county: 'A', shop: 1, category: '食品｜乳制品' }, // full-width bar
  { county: 'A', shop: 1, category: '食品/酒类', removed: true }, // history counts, the current tree does not
  { county: 'B', shop: 2, category: '食品/酒类' },
  { county: 'B', shop: 2, category: ' 食品 /酒类 ' }, // spaces
  { county: 'B', shop: 2, category: '家电»空调' },
];

/** Price of listing k at observation s of day d: moves by a different percentage most of the time. */
function priceOf(k: number, d: number, s: number): number {
  const base = 20 + 9 * k;
  return Math.round(base * (1 + (((k * 7 + d * 3 + s * 5) % 11) - 5) / 40) * 100) / 100;
}

interface Written {
  listings: { id: number; shopId: number; region: string; category: string | null }[];
}

/** Writes the listings (register) and their observations (store), detects changes and refreshes the rollups. */
async function writeMarket(db: SqlExecutor, store: TimeSeriesStore, shops: { id: number; region: string }[]): Promise<Written> {
  const listings: Written['listings'] = [];
  for (const [k, l] of LISTINGS.entries()) {
    const shop = shops[l.shop];
    const [row] = await db.query<{ id: number }>(
      `insert into listing (shop_id, url, title, category, region_code, removed_at) values (?, ?, ?, ?, ?, ?::timestamptz) returning id`,
      [shop.id, `https://market.test/item/${k}`, `商品${k}`, l.category, shop.region, l.removed ? new Date(START.getTime() + DAYS * DAY).toISOString() : null],
    );
    listings.push({ id: Number(row.id), shopId: shop.id, region: shop.region, category: l.category });
  }
  const rows: ListingObservationRow[] = [];
  for (let d = 0; d < DAYS; d++)
    for (const [k, l] of listings.entries())
      for (const s of [0, 1])
        rows.push({
          listingId: l.id, shopId: l.shopId, regionCode: l.region, observedAt: new Date(START.getTime() + d * DAY + (8 + 6 * s) * 3_600_000 + k * 60_000),
          price: priceOf(k, d, s), originalPrice: null, promotionText: null, sales: null, stock: null,
        });
  await store.writeObservations(rows);
  const wide = { from: START, to: new Date(START.getTime() + (DAYS + 1) * DAY) };
  await store.detectChanges(wide);
  await store.refreshRollups(wide);
  return { listings };
}

interface RawObservation {
  listing_id: number;
  region_code: string;
  observed_at: Date | string;
  price: number;
}

/** The daily index over the raw observations of listings whose category starts with `pattern` (JS matching). */
function expectedIndex(raw: RawObservation[], categories: Map<number, string | null>, pattern: string, prefix = '') {
  const days = new Map<string, { sum: number; n: number; listings: Set<number> }>();
  for (const o of raw) {
    if (!categoryStartsWith(categories.get(Number(o.listing_id)), pattern) || !o.region_code.startsWith(prefix)) continue;
    const t = new Date(o.observed_at).getTime();
    const day = new Date(Math.floor(t / DAY) * DAY).toISOString();
    const e = days.get(day) ?? { sum: 0, n: 0, listings: new Set<number>() };
    e.sum += Number(o.price);
    e.n += 1;
    e.listings.add(Number(o.listing_id));
    days.set(day, e);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, e]) => ({ day, avgPrice: e.sum / e.n, listings: e.listings.size, observations: e.n }));
}

/** Listing counts per day and region over the raw observations (JS matching). */
function expectedCounts(raw: RawObservation[], categories: Map<number, string | null>, shops: Map<number, number>, pattern: string) {
  const cells = new Map<string, { listings: Set<number>; shops: Set<number>; n: number }>();
  for (const o of raw) {
    if (!categoryStartsWith(categories.get(Number(o.listing_id)), pattern)) continue;
    const day = new Date(Math.floor(new Date(o.observed_at).getTime() / DAY) * DAY).toISOString();
    const key = `${day} ${o.region_code}`;
    const e = cells.get(key) ?? { listings: new Set<number>(), shops: new Set<number>(), n: 0 };
    e.listings.add(Number(o.listing_id));
    e.shops.add(shops.get(Number(o.listing_id))!);
    e.n += 1;
    cells.set(key, e);
  }
  return [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, e]) => ({ day: key.split(' ')[0], regionCode: key.split(' ')[1], listings: e.listings.size, shops: e.shops.size, observations: e.n }));
}

interface RawChange {
  kind: string;
  subject_id: number;
  listing_id: number;
  region_code: string;
  observed_at: Date | string;
  percent: number | null;
}

/** The biggest price moves computed from all raw changes in JS: filter, sort by |percent| desc, newest, kind, subject. */
function expectedMoves(raw: RawChange[], categories: Map<number, string | null>, o: { pattern?: string; prefix?: string; kinds: string[]; first: number }) {
  return raw
    .filter((c) => o.kinds.includes(c.kind) && c.region_code.startsWith(o.prefix ?? '') && (o.pattern === undefined || categoryStartsWith(categories.get(Number(c.listing_id)), o.pattern)))
    .map((c) => ({ kind: c.kind, listingId: String(c.listing_id), observedAt: new Date(c.observed_at).toISOString(), percent: Number(c.percent), subject: Number(c.subject_id) }))
    .sort(
      (a, b) =>
        Math.abs(b.percent) - Math.abs(a.percent) ||
        b.observedAt.localeCompare(a.observedAt) ||
        (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
        a.subject - b.subject,
    )
    .slice(0, o.first)
    .map(({ subject: _s, ...rest }) => rest);
}

const MOVE_FIELDS = 'kind listingId observedAt percent';
/** As the API gives the moves: the kind as its GraphQL enum name. */
const api = (moves: ReturnType<typeof expectedMoves>) => moves.map((m) => ({ ...m, kind: m.kind.toUpperCase() }));

describe('market reads by category (GraphQL)', () => {
  let p: TestPlatform;
  let written: Written;
  let counties: { A: string; B: string };
  let raw: RawObservation[];
  let changes: RawChange[];
  let categories: Map<number, string | null>;
  let shopOf: Map<number, number>;

  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> =>
    runAsSystem('market-categories test', () => p.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;

  beforeAll(async () => {
    p = await startTestPlatform();
    const pick = async (prefix: string, n: number) =>
      (await sql<{ id: number; region_code: string }>(`select id, region_code from shop where region_code like ? order by id limit ?`, [`${prefix}%`, n])).map((s) => ({
        id: Number(s.id),
        region: s.region_code,
      }));
    const a = await pick('370102', 2);
    const b = await pick('370103', 1);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(1);
    counties = { A: '370102', B: '370103' };
    expect(await sql(`select 1 from listing limit 1`)).toEqual([]); // the demo province holds no listings: all are ours
    written = await runAsSystem('market-categories test', () => {
      const em = p.orm.em.fork();
      const db = executorFromEntityManager(em);
      return writeMarket(db, timeSeriesOf(p.orm)(db), [...a, ...b]);
    });
    raw = await sql<RawObservation>(`select listing_id, region_code, observed_at, price::float8 as price from listing_observation`);
    changes = await sql<RawChange>(
      `select kind, subject_id, listing_id, region_code, observed_at, percent::float8 as percent from listing_change
       where kind in ('price_up', 'price_down') and observed_at >= ?::timestamptz and observed_at < ?::timestamptz`,
      [GQL_RANGE.from, GQL_RANGE.to],
    );
    categories = new Map(written.listings.map((l) => [l.id, l.category]));
    shopOf = new Map(written.listings.map((l) => [l.id, l.shopId]));
  });
  afterAll(async () => p?.shutdown());

  const index = async (user: string, category: string | null, regionCode?: string) =>
    ok(
      await p.gql(
        `query($r: TimeRangeInput!, $c: String, $g: String) { priceIndex(range: $r, category: $c, regionCode: $g) { day avgPrice listings observations } }`,
        { r: GQL_RANGE, c: category, g: regionCode },
        await p.login(user),
      ),
    ).priceIndex as { day: string; avgPrice: number; listings: number; observations: number }[];

  const closeTo = (actual: { avgPrice: number }[], expected: { avgPrice: number }[]) => {
    expect(actual.map((r) => ({ ...r, avgPrice: Math.round(r.avgPrice * 1e6) }))).toEqual(expected.map((r) => ({ ...r, avgPrice: Math.round(r.avgPrice * 1e6) })));
  };

  it('priceIndex with a category equals the raw observations of the listings under it', async () => {
    expect(raw.length).toBe(LISTINGS.length * DAYS * 2);
    for (const category of ['食品', '食品/酒类', '食品 > 乳制品', '家电', '食品饮料']) {
      const expected = expectedIndex(raw, categories, category);
      expect(expected.length, category).toBe(DAYS);
      closeTo(await index('sd-leader', category), expected);
    }
    // 食品 takes both food paths, in every spelling, and the removed listing's history, but not 食品饮料
    const food = await index('sd-leader', '食品');
    expect(food.map((r) => r.listings)).toEqual(Array(DAYS).fill(7));
    expect((await index('sd-leader', '食品饮料')).map((r) => r.listings)).toEqual(Array(DAYS).fill(1));
    // spelling of the pattern does not matter
    expect(await index('sd-leader', ' 食品 ＞ 酒类 ')).toEqual(await index('sd-leader', '食品/酒类'));
    // no LIKE wildcards: "食_" and "%" match nothing
    expect(await index('sd-leader', '食_')).toEqual([]);
    expect(await index('sd-leader', '%')).toEqual([]);
    // a region prefix narrows as without a category
    closeTo(await index('sd-leader', '食品', counties.B), expectedIndex(raw, categories, '食品', counties.B));
  });

  it('priceIndex and listingCounts without a category stay as they were (every observation)', async () => {
    const all = await index('sd-leader', null);
    const [totals] = await sql<{ n: number; avg: number }>(`select count(*)::int as n, avg(price)::float8 as avg from listing_observation`);
    expect(all.reduce((a, r) => a + r.observations, 0)).toBe(Number(totals.n));
    expect(all.map((r) => r.listings)).toEqual(Array(DAYS).fill(LISTINGS.length));
  });

  it('listingCounts with a category, per county and day, equal the raw observations', async () => {
    const token = await p.login('sd-leader');
    for (const category of ['食品', '食品/酒类', '家电']) {
      const r = ok(
        await p.gql(`query($r: TimeRangeInput!, $c: String) { listingCounts(range: $r, category: $c) { day regionCode listings shops observations } }`, { r: GQL_RANGE, c: category }, token),
      ).listingCounts;
      expect(r, category).toEqual(expectedCounts(raw, categories, shopOf, category));
    }
    // on each day, county A under 食品: five listings (the removed one's history included) of two shops; county B: two of one
    const food = ok(await p.gql(`query($r: TimeRangeInput!) { listingCounts(range: $r, category: "食品") { day regionCode listings shops } }`, { r: GQL_RANGE }, token)).listingCounts;
    const perCounty = (county: string) =>
      food
        .filter((c: { day: string; regionCode: string }) => c.day === START.toISOString() && c.regionCode.startsWith(county))
        .reduce((a: number[], c: { listings: number; shops: number }) => [a[0] + c.listings, a[1] + c.shops], [0, 0]);
    expect(perCounty(counties.A)).toEqual([5, 2]);
    expect(perCounty(counties.B)).toEqual([2, 1]);
  });

  it('marketCategories: the top level and the children, with current listings and shops', async () => {
    const token = await p.login('sd-leader');
    const q = `query($g: String, $p: String) { marketCategories(regionCode: $g, parent: $p) { name path listings shops } }`;
    const top = ok(await p.gql(q, {}, token)).marketCategories;
    expect(top).toEqual([
      { name: '食品', path: '食品', listings: 6, shops: 3 },
      { name: '家电', path: '家电', listings: 2, shops: 2 },
      { name: '食品饮料', path: '食品饮料', listings: 1, shops: 1 },
    ]);
    const food = ok(await p.gql(q, { p: '食品' }, token)).marketCategories;
    expect(food).toEqual([
      { name: '酒类', path: '食品/酒类', listings: 4, shops: 3 },
      { name: '乳制品', path: '食品/乳制品', listings: 2, shops: 2 },
    ]);
    expect(ok(await p.gql(q, { p: '家电' }, token)).marketCategories).toEqual([{ name: '空调', path: '家电/空调', listings: 1, shops: 1 }]);
    expect(ok(await p.gql(q, { p: ' 食品 » 酒类 ' }, token)).marketCategories).toEqual([]);
    expect(ok(await p.gql(q, { p: '食' }, token)).marketCategories).toEqual([]);
    // a region prefix narrows
    expect(ok(await p.gql(q, { g: counties.B }, token)).marketCategories).toEqual([
      { name: '食品', path: '食品', listings: 2, shops: 1 },
      { name: '家电', path: '家电', listings: 1, shops: 1 },
    ]);
    expect(codes(await p.gql(q, { p: '  ' }, token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await p.gql(q, { p: '/ > /' }, token))).toEqual(['BAD_USER_INPUT']);
  });

  it('a county user sees only their county: categories, index and moves', async () => {
    const user = `x${counties.A}-leader`;
    const token = await p.login(user);
    const q = `query($p: String) { marketCategories(parent: $p) { name path listings shops } }`;
    expect(ok(await p.gql(q, {}, token)).marketCategories).toEqual([
      { name: '食品', path: '食品', listings: 4, shops: 2 },
      { name: '家电', path: '家电', listings: 1, shops: 1 },
      { name: '食品饮料', path: '食品饮料', listings: 1, shops: 1 },
    ]);
    expect(ok(await p.gql(q, { p: '食品' }, token)).marketCategories).toEqual([
      { name: '乳制品', path: '食品/乳制品', listings: 2, shops: 2 },
      { name: '酒类', path: '食品/酒类', listings: 2, shops: 2 },
    ]);
    closeTo(await index(user, '食品'), expectedIndex(raw, categories, '食品', counties.A));
    const moves = ok(
      await p.gql(`query($r: TimeRangeInput!) { priceMoves(range: $r, category: "食品", first: 100) { ${MOVE_FIELDS} regionCode } }`, { r: GQL_RANGE }, token),
    ).priceMoves;
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((m: { regionCode: string }) => m.regionCode.startsWith(counties.A))).toBe(true);
    expect(moves.map(({ regionCode: _r, ...m }: { regionCode: string }) => m)).toEqual(
      api(expectedMoves(changes, categories, { pattern: '食品', prefix: counties.A, kinds: ['price_up', 'price_down'], first: 100 })),
    );
    // the other county is not theirs to read
    const other = await p.gql(`query($r: TimeRangeInput!) { marketCategories(regionCode: "${counties.B}") { path } priceMoves(range: $r, regionCode: "${counties.B}") { kind } }`, { r: GQL_RANGE }, token);
    expect(other.data).toBeNull();
    expect(new Set(codes(other))).toEqual(new Set(['NOT_FOUND']));
  });

  it('priceMoves: biggest |percent| first, by direction and category, with shop and listing', async () => {
    const token = await p.login('sd-analyst');
    const q = `query($r: TimeRangeInput!, $c: String, $d: PriceMoveDirection, $f: Int) { priceMoves(range: $r, category: $c, direction: $d, first: $f) { ${MOVE_FIELDS} } }`;
    const moves = async (vars: { c?: string; d?: string | null; f?: number | null }) => ok(await p.gql(q, { r: GQL_RANGE, ...vars }, token)).priceMoves;
    expect(changes.length).toBeGreaterThan(40);
    // default: ANY, first 20 (also when null is passed explicitly)
    const byDefault = await moves({});
    expect(byDefault).toEqual(api(expectedMoves(changes, categories, { kinds: ['price_up', 'price_down'], first: 20 })));
    expect(await moves({ d: null, f: null })).toEqual(byDefault);
    expect(await moves({ d: 'UP', f: 100 })).toEqual(api(expectedMoves(changes, categories, { kinds: ['price_up'], first: 100 })));
    expect(await moves({ d: 'DOWN', f: 7 })).toEqual(api(expectedMoves(changes, categories, { kinds: ['price_down'], first: 7 })));
    const food = await moves({ c: '食品 > 酒类', f: 100 });
    expect(food).toEqual(api(expectedMoves(changes, categories, { pattern: '食品/酒类', kinds: ['price_up', 'price_down'], first: 100 })));
    expect(food.every((m: { listingId: string }) => categoryStartsWith(categories.get(Number(m.listingId)), '食品/酒类'))).toBe(true);
    const percents = (await moves({ f: 100 })).map((m: { percent: number }) => Math.abs(m.percent));
    expect(percents).toEqual([...percents].sort((a, b) => b - a));
    // the ListingChange field resolvers work
    const [top] = ok(await p.gql(`query($r: TimeRangeInput!) { priceMoves(range: $r, first: 1) { listingId shop { id } listing { id category } } }`, { r: GQL_RANGE }, token)).priceMoves;
    expect(top.listing.id).toBe(top.listingId);
    expect(Number(top.shop.id)).toBe(shopOf.get(Number(top.listingId)));
  });

  it('keeps each listing\'s category path as categorySegments gives it; a pattern\'s LIKE wildcards match only themselves', async () => {
    const odd = ['　食品 ／ 酒类　', '食品\u200b/\u00a0白酒', '/食品//酒类/', '食品\\酒类', 'ＡＢＣ》x', '食_品/1%', '食%品', ' ', '', '»'];
    const shop = written.listings[0].shopId;
    const region = written.listings[0].region;
    const ids: number[] = [];
    try {
      for (const [k, category] of odd.entries()) {
        const [row] = await sql<{ id: number }>(
          `insert into listing (shop_id, url, title, category, region_code, removed_at) values (?, ?, 'odd', ?, ?, now()) returning id`,
          [shop, `https://market.test/odd/${k}`, category, region],
        );
        ids.push(Number(row.id));
      }
      const stored = await sql<{ category: string; category_path: string }>(`select category, category_path from listing where id in (${ids.map(() => '?').join(', ')}) order by id`, ids);
      expect(stored.map((r) => r.category_path)).toEqual(odd.map((c) => categorySegments(c).join('/')));
      // a pattern with LIKE's wildcards: only the category spelled so, never 食X品
      const matching = async (pattern: string) =>
        (await sql<{ id: number }>(`select id from listing where category_path = ? or category_path like ? escape '!'`, [pattern, `${pattern.replace(/[!%_]/g, (c) => `!${c}`)}/%`])).map((r) => Number(r.id));
      expect(await matching('食_品')).toEqual([ids[5]]);
      expect(await matching('食%品')).toEqual([ids[6]]);
    } finally {
      if (ids.length) await sql(`delete from listing where id in (${ids.map(() => '?').join(', ')})`, ids);
    }
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    const token = await p.login('sd-analyst');
    const moves = (args: string) => p.gql(`query($r: TimeRangeInput!) { priceMoves(range: $r${args}) { kind } }`, { r: GQL_RANGE }, token);
    const first0 = await moves(', first: 0');
    expect(codes(first0)).toEqual(['BAD_USER_INPUT']);
    expect(first0.errors?.[0].message).toMatch(/first: between 1 and 100/);
    expect(codes(await moves(', first: 101'))).toEqual(['BAD_USER_INPUT']);
    const blank = await moves(', category: "   "');
    expect(codes(blank)).toEqual(['BAD_USER_INPUT']);
    expect(blank.errors?.[0].message).toMatch(/category: must name a category path/);
    expect(codes(await moves(', category: ""'))).toEqual(['BAD_USER_INPUT']);
    const long = await p.gql(`query($r: TimeRangeInput!, $c: String) { priceIndex(range: $r, category: $c) { day } }`, { r: GQL_RANGE, c: '食'.repeat(201) }, token);
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
    expect(long.errors?.[0].message).toMatch(/at most 200 characters/);
    expect(codes(await p.gql(`query($r: TimeRangeInput!) { listingCounts(range: $r, category: "") { day } }`, { r: GQL_RANGE }, token))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('market reads by category on the TimescaleDB store (PGlite build)', () => {
  let handle: { orm: MikroORM; close(): Promise<void> };
  let db: SqlExecutor;
  let store: TimeSeriesStore;
  let written: Written;
  const sys = <T>(fn: () => T) => runAsSystem('market-categories timescale test', fn);
  const county = (prefix: string): Actor => ({
    kind: 'user', id: 1, name: `x${prefix}-analyst`, unitId: null, role: 'analyst', permissions: new Set(), prefixes: [prefix],
  });

  beforeAll(async () => {
    handle = await openTimescaleDatabase();
    db = executorFromEntityManager(handle.orm.em.fork());
    store = await sys(() => openTimeSeriesStore(db));
    const shops: { id: number; region: string }[] = [];
    for (const [i, region] of ['370102', '370102', '370103'].entries()) {
      const [row] = await sys(() =>
        db.query<{ id: number }>(
          `insert into shop (name, platform, url, domain, classification, region_code) values (?, 'demo', ?, 'demo.test', 'platform_merchant', ?) returning id`,
          [`店铺${i}`, `https://demo.test/shop/${i}`, region],
        ),
      );
      shops.push({ id: Number(row.id), region });
    }
    written = await sys(() => writeMarket(db, store, shops));
  });
  afterAll(async () => handle?.close());

  it('priceIndex, listingCounts and priceMoves with a category agree with the raw data', async () => {
    expect(store).toBeInstanceOf(TimescaleTimeSeriesStore);
    const raw = await sys(() => db.query<RawObservation>(`select listing_id, region_code, observed_at, price::float8 as price from listing_observation`));
    const categories = new Map(written.listings.map((l) => [l.id, l.category]));
    const shopOf = new Map(written.listings.map((l) => [l.id, l.shopId]));
    const iso = <T extends { day: Date }>(rows: T[]) => rows.map((r) => ({ ...r, day: r.day.toISOString() }));
    const round = <T extends { avgPrice: number }>(rows: T[]) => rows.map((r) => ({ ...r, avgPrice: Math.round(r.avgPrice * 1e6) }));
    for (const category of ['食品', '食品/酒类', '家电']) {
      expect(round(iso(await sys(() => store.dailyPriceIndex(undefined, RANGE, category)))), category).toEqual(round(expectedIndex(raw, categories, category)));
      expect(iso(await sys(() => store.dailyListingCounts(undefined, RANGE, category))), category).toEqual(expectedCounts(raw, categories, shopOf, category));
    }
    // a county actor sees its county only
    expect(round(iso(await runAs(county('370102'), () => store.dailyPriceIndex(undefined, RANGE, '食品'))))).toEqual(round(expectedIndex(raw, categories, '食品', '370102')));
    const changes = await sys(() =>
      db.query<RawChange>(
        `select kind, subject_id, listing_id, region_code, observed_at, percent::float8 as percent from listing_change
         where kind in ('price_up', 'price_down') and observed_at >= ?::timestamptz and observed_at < ?::timestamptz`,
        [RANGE.from.toISOString(), RANGE.to.toISOString()],
      ),
    );
    const moves = await sys(() => store.priceMoves({ range: RANGE, category: '食品', direction: 'any', first: 30 }));
    expect(moves.map((m) => ({ kind: m.kind, listingId: String(m.listingId), observedAt: m.observedAt.toISOString(), percent: m.percent }))).toEqual(
      expectedMoves(changes, categories, { pattern: '食品', kinds: ['price_up', 'price_down'], first: 30 }),
    );
    expect(await sys(() => store.marketCategories(undefined, undefined))).toEqual([
      { name: '食品', path: '食品', listings: 6, shops: 3 },
      { name: '家电', path: '家电', listings: 2, shops: 2 },
      { name: '食品饮料', path: '食品饮料', listings: 1, shops: 1 },
    ]);
  }, 120_000);
});
