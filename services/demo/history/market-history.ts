/**
 * The price-monitoring part of the demo history: a few listings per unit holding filed shops (their
 * address under the shop's, marked `/hd-history/`), and a year of their price observations in the crawl
 * store's `listing_observation` — a few a day per listing, the price drifting a few percent around its base.
 * The month partitions are made by the store itself (one real observation of each month written through
 * `writeObservations`, the same row the bulk statement then skips), the daily rollup by `refreshRollups`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TimeSeriesStore } from '../../../analytics/store';
import { chinaMoment, hashInt, runSql } from './history-sql';

const affected = (res: unknown) => Number((res as { affectedRows?: number; rowCount?: number })?.affectedRows ?? (res as { rowCount?: number })?.rowCount ?? 0);

/** Marks the listings the history made (their URL), so later stages find them again. */
export const HISTORY_LISTING = '/hd-history/';

const PRODUCTS: readonly [title: string, category: string][] = [
  ['蓝牙耳机 降噪入耳式', '数码/耳机'],
  ['电动牙刷 声波充电款', '个护/电动牙刷'],
  ['羽绒服 冬季加厚连帽', '服装/羽绒服'],
  ['儿童保温杯 316不锈钢', '母婴/水杯'],
  ['扫地机器人 自动回充', '家电/清洁电器'],
  ['运动鞋 透气跑步鞋', '鞋靴/运动鞋'],
  ['空气炸锅 5L大容量', '家电/厨房电器'],
  ['手机壳 防摔硅胶', '数码/手机配件'],
];

/**
 * For every unit holding filed shops, `shopsPerUnit` of them (md5-ranked) get `listingsPerShop` listings,
 * first seen at `from`. Returns the listings written.
 */
export async function historyListings(em: EntityManager, seed: string, from: Date, lastSeen: Date, shopsPerUnit: number, listingsPerShop: number): Promise<number> {
  const res = await runSql(em, 
    `insert into listing (shop_id, url, platform_listing_id, title, category, first_seen_at, last_seen_at, removed_at, region_code, description)
     select p.shop_id, rtrim(p.url, '/') || '${HISTORY_LISTING}' || p.shop_id || '-' || k.n || '.html', 'H' || p.shop_id || '-' || k.n,
       (?::jsonb -> (${hashInt(`${seed} || ':lt:' || p.shop_id || ':' || k.n`)} % jsonb_array_length(?::jsonb))::int) ->> 0,
       (?::jsonb -> (${hashInt(`${seed} || ':lt:' || p.shop_id || ':' || k.n`)} % jsonb_array_length(?::jsonb))::int) ->> 1,
       ?::timestamptz, ?::timestamptz, null, p.region_code, null
     from (
       select s.id as shop_id, s.url, s.region_code, row_number() over (partition by ru.unit_id order by md5(${seed} || ':ls:' || s.id)) as rk
       from shop s join hist_region_unit ru on ru.code = s.region_code
       where s.filing_status = 'filed' and s.maintenance_status = 'normal'
     ) p cross join generate_series(1, ?::int) as k(n)
     where p.rk <= ?::int
     on conflict (url) do nothing`,
    [...Array(4).fill(JSON.stringify(PRODUCTS)), from.toISOString(), lastSeen.toISOString(), listingsPerShop, shopsPerUnit],
  );
  return affected(res);
}

/**
 * The observations of the history listings from `from` to `to` (UTC days, as the store buckets them):
 * `perDay` a day per listing, evenly spaced with a few minutes of jitter; the price follows a slow wave of
 * ±6 % around the listing's base with ±1.5 % noise; an original price on one listing in three.
 */
export async function historyObservations(em: EntityManager, store: TimeSeriesStore, seed: string, from: Date, to: Date, perDay: number): Promise<number> {
  // per listing once (md5 is the costly part on PGlite): base price, sales and stock levels, jitter
  const rows = `
    select l.id as listing_id, l.shop_id, l.region_code, t.at as observed_at,
      round((l.base * (1 + 0.06 * sin(extract(epoch from t.at)::float8 / 86400 / 9 + l.id)
        + 0.015 * sin(((extract(epoch from t.at)::bigint / 60) % 10007) * 12.9898 + l.id * 78.233)))::numeric, 2) as price,
      case when l.id % 3 = 0 then round((l.base * 1.25)::numeric, 2) end as original_price,
      null::text as promotion_text,
      (l.sales + floor(extract(epoch from t.at)::float8 / 86400)::int % 97)::int as sales,
      l.stock::int as stock
    from (
      select x.id, x.shop_id, x.region_code, x.first_seen_at,
        20 + (${hashInt(`${seed} || ':lp:' || x.id`)} % 98000) / 100.0 as base,
        ${hashInt(`${seed} || ':sa:' || x.id`)} % 500 as sales, ${hashInt(`${seed} || ':st:' || x.id`)} % 300 + 20 as stock,
        ${hashInt(`${seed} || ':j:' || x.id`)} % 20 as jitter
      from listing x where x.url like '%${HISTORY_LISTING}%' and x.removed_at is null
    ) l
    cross join lateral (
      select d + ((j - 1) * (1440 / ?::int) + l.jitter) * interval '1 minute' as at
      from generate_series(greatest(?::timestamptz, date_trunc('day', l.first_seen_at at time zone 'UTC') at time zone 'UTC'), ?::timestamptz - interval '1 day', interval '1 day') as d
      cross join generate_series(1, ?::int) as j
    ) t
    where t.at < ?::timestamptz`;
  const params = [perDay, from.toISOString(), to.toISOString(), perDay, to.toISOString()];
  // the month partitions, made by the store: its first observation of each month, written through it
  const firsts = await em.execute<Record<string, unknown>[]>(
    `select distinct on (date_trunc('month', x.observed_at at time zone 'UTC')) x.* from (${rows}) x order by date_trunc('month', x.observed_at at time zone 'UTC'), x.observed_at, x.listing_id`,
    // the first day is enough to find the month's first observation (a window starts on a month's first day)
    [perDay, from.toISOString(), new Date(Math.min(to.getTime(), from.getTime() + 2 * 86_400_000)).toISOString(), perDay, to.toISOString()],
  );
  if (firsts.length === 0) return 0;
  await store.writeObservations(
    firsts.map((r) => ({
      listingId: Number(r.listing_id),
      shopId: Number(r.shop_id),
      regionCode: String(r.region_code),
      observedAt: new Date(r.observed_at as string),
      price: Number(r.price),
      originalPrice: r.original_price == null ? null : Number(r.original_price),
      promotionText: null,
      sales: r.sales == null ? null : Number(r.sales),
      stock: r.stock == null ? null : Number(r.stock),
    })),
  );
  // a plain insert (no speculative insertion: twice as cheap): the only row that exists is the one just written
  const res = await runSql(em,
    `insert into listing_observation (listing_id, shop_id, region_code, observed_at, price, original_price, promotion_text, sales, stock)
     select * from (${rows}) x where not (x.listing_id = any(?::int[]) and x.observed_at = any(?::timestamptz[]))`,
    [...params, `{${firsts.map((r) => Number(r.listing_id)).join(',')}}`, `{${firsts.map((r) => new Date(r.observed_at as string).toISOString()).join(',')}}`],
  );
  return affected(res) + firsts.length;
}

/** A China moment helper re-exported for the loader's `last seen`. */
export const moment = chinaMoment;
