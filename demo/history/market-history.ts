/**
 * The price-monitoring part of the demo history: a few listings per unit holding filed shops (their
 * address under the shop's, marked `/hd-history/`), and a year of their price observations in the crawl
 * store's `listing_observation` — a few a day per listing, the price drifting a few percent around its base.
 * The month partitions are made by the store itself (one real observation of each month written through
 * `writeObservations`, the same row the bulk statement then skips), the daily rollup by `refreshRollups`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TimeSeriesStore } from '../../store';
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
 * For every unit holding filed shops, `shopsPerUnit` of them (md5-ranked) get `listingsPerShop` listings
 * and one seasonal listing. The catalogue lives (deterministic for the seed): each shop's first listing is
 * there from `from` to the end (every unit keeps a price history), half the others too, the rest are listed
 * over the year (the market grows), and one in four of the others is taken down after one to six months
 * (the page gone: `removed_at`); the seasonal listing (winter goods, promotion bundles) is up from
 * late October to the end of January, or for the 618 weeks in June. So the listings observed per region and
 * month rise, peak and fall like a market's instead of staying flat. Returns the listings written.
 */
export async function historyListings(em: EntityManager, seed: string, from: Date, lastSeen: Date, shopsPerUnit: number, listingsPerShop: number): Promise<number> {
  const res = await runSql(em,
    `with picked as (
       select s.id as shop_id, s.url, s.region_code, row_number() over (partition by ru.unit_id order by md5(${seed} || ':ls:' || s.id)) as rk
       from shop s join hist_region_unit ru on ru.code = s.region_code
       where s.filing_status = 'filed' and s.maintenance_status = 'normal'
     ), candidates as (
       select p.*, k.n, k.n > ?::int as seasonal,
         ${hashInt(`${seed} || ':lt:' || p.shop_id || ':' || k.n`)} as h, ${hashInt(`${seed} || ':life:' || p.shop_id || ':' || k.n`)} as life
       from picked p cross join generate_series(1, ?::int + 1) as k(n)
       where p.rk <= ?::int
     ), lived as (
       select c.*,
         case
           when not c.seasonal and (c.n = 1 or c.life % 2 = 0) then ?::timestamptz
           when not c.seasonal then ?::timestamptz + (?::timestamptz - ?::timestamptz) * (((c.life / 2) % 1000) / 1000.0 * 0.9)::float8
           -- the seasonal listing: from 20 October (winter) or 25 May (618) of a year in the window
           else null end as listed_at,
         case when not c.seasonal and c.n > 1 and (c.life / 2000) % 4 = 0 then 30 + (c.life / 12000) % 150 end as days_up
       from candidates c
     ), seasons as (
       select l.shop_id, l.n, min(w.starts) as listed_at, min(w.ends) as removed_at
       from lived l cross join lateral (
         select make_timestamptz(y, case when l.life % 2 = 0 then 10 else 5 end, case when l.life % 2 = 0 then 20 else 25 end, 2, 0, 0, 'UTC') as starts,
                make_timestamptz(case when l.life % 2 = 0 then y + 1 else y end, case when l.life % 2 = 0 then 1 else 6 end, case when l.life % 2 = 0 then 31 else 22 end, 2, 0, 0, 'UTC') as ends
         from generate_series(extract(year from ?::timestamptz)::int - 1, extract(year from ?::timestamptz)::int) as y
       ) w
       where l.seasonal and w.ends > ?::timestamptz and w.starts < ?::timestamptz
       group by l.shop_id, l.n
     ), dated as (
       select l.shop_id, l.url, l.region_code, l.n, l.h,
         greatest(?::timestamptz, coalesce(l.listed_at, s.listed_at)) as first_seen_at,
         case when l.days_up is not null then coalesce(l.listed_at, s.listed_at) + l.days_up * interval '1 day'
              when l.seasonal and s.removed_at < ?::timestamptz then s.removed_at end as removed_at
       from lived l left join seasons s on s.shop_id = l.shop_id and s.n = l.n
       where l.listed_at is not null or s.listed_at is not null
     )
     insert into listing (shop_id, url, platform_listing_id, title, category, first_seen_at, last_seen_at, removed_at, region_code, description)
     select d.shop_id, rtrim(d.url, '/') || '${HISTORY_LISTING}' || d.shop_id || '-' || d.n || '.html', 'H' || d.shop_id || '-' || d.n,
       (?::jsonb -> (d.h % jsonb_array_length(?::jsonb))::int) ->> 0,
       (?::jsonb -> (d.h % jsonb_array_length(?::jsonb))::int) ->> 1,
       d.first_seen_at,
       case when d.removed_at is not null and d.removed_at < ?::timestamptz then d.removed_at - interval '1 day' else ?::timestamptz end,
       case when d.removed_at < ?::timestamptz then d.removed_at end,
       d.region_code, null
     from dated d
     where d.first_seen_at < ?::timestamptz and (d.removed_at is null or d.removed_at > d.first_seen_at + interval '1 day')
     on conflict (url) do nothing`,
    [
      listingsPerShop, listingsPerShop, shopsPerUnit,
      from.toISOString(), from.toISOString(), lastSeen.toISOString(), from.toISOString(),
      from.toISOString(), lastSeen.toISOString(), from.toISOString(), lastSeen.toISOString(),
      from.toISOString(), lastSeen.toISOString(),
      ...Array(4).fill(JSON.stringify(PRODUCTS)),
      lastSeen.toISOString(), lastSeen.toISOString(), lastSeen.toISOString(), lastSeen.toISOString(),
    ],
  );
  return affected(res);
}

/**
 * The observations of the history listings from `from` to `to` (UTC days, as the store buckets them):
 * `perDay` a day per listing, evenly spaced with a few minutes of jitter, from the day it was listed to the
 * day before it was taken down. The price holds for a spell of one to three weeks, then moves (a slow wave
 * of ±6 % around the listing's base with ±2 % noise), as sellers reprice; one listing in three cuts it by
 * 10–30 % for the promotions (618: 1–18 June; Double 11: 24 October – 11 November) and puts it back after.
 * An original price on one listing in three. The price moves are then detected by the store
 * (`detectChanges`), as after a crawl.
 */
export async function historyObservations(em: EntityManager, store: TimeSeriesStore, seed: string, from: Date, to: Date, perDay: number): Promise<number> {
  // per listing once (md5 is the costly part on PGlite): base price, spell length, sales and stock levels, jitter
  const rows = `
    select l.listing_id, l.shop_id, l.region_code, l.observed_at,
      round((l.base * (1 + 0.06 * sin(l.spell * 0.7 + l.listing_id) + 0.02 * sin(l.spell * 12.9898 + l.listing_id * 78.233))
        * (1 - case when l.listing_id % 3 = 0 and (l.md between 601 and 618 or l.md between 1024 and 1111)
                    then 0.1 + 0.2 * ((l.listing_id / 3) % 5) / 4.0 else 0 end))::numeric, 2) as price,
      l.original_price, l.promotion_text, l.sales, l.stock
    from (
      select x.listing_id, x.shop_id, x.region_code, x.observed_at, x.base, x.original_price, x.promotion_text, x.sales, x.stock,
        floor((extract(epoch from x.observed_at)::float8 / 86400 + x.phase) / x.spell_days)::int as spell,
        (extract(month from x.observed_at at time zone 'UTC')::int * 100 + extract(day from x.observed_at at time zone 'UTC')::int) as md
      from (
        select l.id as listing_id, l.shop_id, l.region_code, t.at as observed_at, l.base, l.phase, l.spell_days,
          case when l.id % 3 = 0 then round((l.base * 1.25)::numeric, 2) end as original_price,
          null::text as promotion_text,
          (l.sales + floor(extract(epoch from t.at)::float8 / 86400)::int % 97)::int as sales,
          l.stock::int as stock
        from (
          select y.id, y.shop_id, y.region_code, y.first_seen_at, y.removed_at,
            20 + (${hashInt(`${seed} || ':lp:' || y.id`)} % 98000) / 100.0 as base,
            7 + ${hashInt(`${seed} || ':sp:' || y.id`)} % 15 as spell_days, ${hashInt(`${seed} || ':ph:' || y.id`)} % 21 as phase,
            ${hashInt(`${seed} || ':sa:' || y.id`)} % 500 as sales, ${hashInt(`${seed} || ':st:' || y.id`)} % 300 + 20 as stock,
            ${hashInt(`${seed} || ':j:' || y.id`)} % 20 as jitter
          from listing y where y.url like '%${HISTORY_LISTING}%'
        ) l
        cross join lateral (
          select d + ((j - 1) * (1440 / ?::int) + l.jitter) * interval '1 minute' as at
          from generate_series(greatest(?::timestamptz, date_trunc('day', l.first_seen_at at time zone 'UTC') at time zone 'UTC'),
                 least(?::timestamptz, coalesce(date_trunc('day', l.removed_at at time zone 'UTC') at time zone 'UTC', ?::timestamptz)) - interval '1 day', interval '1 day') as d
          cross join generate_series(1, ?::int) as j
        ) t
        where t.at < ?::timestamptz and t.at >= l.first_seen_at and (l.removed_at is null or t.at < l.removed_at)
      ) x
    ) l`;
  const params = [perDay, from.toISOString(), to.toISOString(), to.toISOString(), perDay, to.toISOString()];
  // the month partitions, made by the store: its first observation of each month, written through it
  const firsts = await em.execute<Record<string, unknown>[]>(
    `select distinct on (date_trunc('month', x.observed_at at time zone 'UTC')) x.* from (${rows}) x order by date_trunc('month', x.observed_at at time zone 'UTC'), x.observed_at, x.listing_id`,
    // the first day is enough to find the month's first observation (a window starts on a month's first day)
    [perDay, from.toISOString(), new Date(Math.min(to.getTime(), from.getTime() + 2 * 86_400_000)).toISOString(), new Date(Math.min(to.getTime(), from.getTime() + 2 * 86_400_000)).toISOString(), perDay, to.toISOString()],
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
