import { currentActor, inJurisdiction, jurisdictionSql } from '../../entities/jurisdiction';
import { AccessDeniedError } from '../../entities/jurisdiction';
import type {
  ChangeCounts,
  ChangeKind,
  DailyListingCountPoint,
  DailyPriceIndexPoint,
  ListingChangeRow,
  ListingObservationRow,
  PricePoint,
  SelfCheckReport,
  ShopSnapshotRow,
  SqlExecutor,
  TimeRange,
  TimeSeriesStore,
  WriteResult,
} from './types';

/** The three append-only tables and their natural keys (unique constraints include `observed_at`). */
export const TABLE_DDL: Record<string, { columns: string; unique: string }> = {
  shop_snapshot: {
    columns: `"shop_id" int not null, "region_code" varchar(12) not null, "observed_at" timestamptz not null,
      "title" varchar(500) null, "licence_name" varchar(200) null, "licence_uscc" varchar(32) null,
      "licence_address" varchar(300) null, "contact" varchar(200) null, "listing_count" int null,
      "content_hash" varchar(64) not null, "evidence_sha256" varchar(64) null`,
    unique: `("shop_id", "observed_at")`,
  },
  listing_observation: {
    columns: `"listing_id" int not null, "shop_id" int not null, "region_code" varchar(12) not null,
      "observed_at" timestamptz not null, "price" numeric(12,2) not null, "original_price" numeric(12,2) null,
      "promotion_text" text null, "sales" int null, "stock" int null`,
    unique: `("listing_id", "observed_at")`,
  },
  listing_change: {
    columns: `"kind" varchar(20) not null check ("kind" in ('price_up','price_down','listing_new','listing_removed','licence_changed')),
      "subject_id" int not null, "shop_id" int not null, "listing_id" int null, "region_code" varchar(12) not null,
      "observed_at" timestamptz not null, "amount" numeric(12,2) null, "percent" numeric(9,2) null,
      "before" jsonb null, "after" jsonb null`,
    unique: `("kind", "subject_id", "observed_at")`,
  },
};

export const TIME_SERIES_TABLES = Object.keys(TABLE_DDL);

/** Bucket widths `priceHistory` accepts: a count and a fixed-length unit (no months: date_bin cannot). */
const BUCKET = /^\s*(\d{1,4})\s+(minute|hour|day|week)s?\s*$/i;

export function checkBucket(bucket: string): string {
  const m = BUCKET.exec(bucket);
  if (!m || Number(m[1]) < 1) throw new Error(`invalid bucket "${bucket}": expected e.g. '1 hour', '1 day', '7 days'`);
  return `${Number(m[1])} ${m[2].toLowerCase()}s`;
}

/** Maintenance touches every region: only a whole-database actor (system) may run it. */
export function assertWholeDatabase(what: string): void {
  if (!currentActor().prefixes.includes('')) throw new AccessDeniedError(`${what} needs a whole-database (system) actor`);
}

function assertWritable(rows: readonly { regionCode: string }[], what: string): void {
  const { prefixes } = currentActor();
  const outside = rows.find((r) => !inJurisdiction(r.regionCode, prefixes));
  if (outside) throw new AccessDeniedError(`${what}: region ${outside.regionCode} lies outside the actor's jurisdiction`);
}

const iso = (d: Date) => d.toISOString();

/** The region filter of a read: the actor's jurisdiction, optionally narrowed to a prefix. */
function scope(column: string, regionPrefix?: string): { sql: string; params: unknown[] } {
  const j = jurisdictionSql(column);
  if (regionPrefix === undefined || regionPrefix === '') return j;
  if (!/^\d{1,12}$/.test(regionPrefix)) throw new Error(`invalid region prefix ${regionPrefix}`);
  return { sql: `${j.sql} and ${column} like ?`, params: [...j.params, `${regionPrefix}%`] };
}

/**
 * What both implementations share: batched idempotent writes, change detection and the reads. Reads
 * of the daily figures go to `listing_price_daily` (a rollup table on the portable store, a continuous
 * aggregate on TimescaleDB, same columns).
 */
export abstract class BaseTimeSeriesStore implements TimeSeriesStore {
  abstract readonly implementation: 'timescaledb' | 'portable';
  /** `time_bucket` or a `date_bin` with a fixed origin: `bucketSql('?::interval', 'observed_at')` */
  protected abstract bucketSql(width: string, column: string): string;

  constructor(protected readonly db: SqlExecutor) {}

  abstract ensureSchema(): Promise<void>;
  abstract selfCheck(): Promise<SelfCheckReport>;
  abstract refreshRollups(range: TimeRange): Promise<void>;
  abstract applyRetention(olderThan: Date): Promise<string[]>;

  /** Hook for the portable store: make sure the months of `times` have partitions. */
  protected async beforeWrite(_table: string, _times: readonly Date[]): Promise<void> {}

  private async insertJson(table: string, recordset: string, rows: readonly object[], times: readonly Date[]): Promise<WriteResult> {
    if (rows.length === 0) return { submitted: 0, inserted: 0 };
    await this.beforeWrite(table, times);
    let inserted = 0;
    // one statement per 5,000 rows keeps the inlined JSON text small
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const res = await this.db.query<{ n: number }>(
        `with ins as (insert into "${table}" select * from jsonb_to_recordset(?::jsonb) as x(${recordset}) on conflict do nothing returning 1)
         select count(*)::int as n from ins`,
        [JSON.stringify(chunk)],
      );
      inserted += Number(res[0]?.n ?? 0);
    }
    return { submitted: rows.length, inserted };
  }

  async writeSnapshots(rows: readonly ShopSnapshotRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeSnapshots');
    return this.insertJson(
      'shop_snapshot',
      `shop_id int, region_code varchar, observed_at timestamptz, title varchar, licence_name varchar, licence_uscc varchar,
       licence_address varchar, contact varchar, listing_count int, content_hash varchar, evidence_sha256 varchar`,
      rows.map((r) => ({
        shop_id: r.shopId, region_code: r.regionCode, observed_at: iso(r.observedAt), title: r.title,
        licence_name: r.licenceName, licence_uscc: r.licenceUscc, licence_address: r.licenceAddress, contact: r.contact,
        listing_count: r.listingCount, content_hash: r.contentHash, evidence_sha256: r.evidenceSha256 ?? null,
      })),
      rows.map((r) => r.observedAt),
    );
  }

  async writeObservations(rows: readonly ListingObservationRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeObservations');
    return this.insertJson(
      'listing_observation',
      `listing_id int, shop_id int, region_code varchar, observed_at timestamptz, price numeric, original_price numeric,
       promotion_text text, sales int, stock int`,
      rows.map((r) => ({
        listing_id: r.listingId, shop_id: r.shopId, region_code: r.regionCode, observed_at: iso(r.observedAt),
        price: r.price, original_price: r.originalPrice, promotion_text: r.promotionText, sales: r.sales, stock: r.stock,
      })),
      rows.map((r) => r.observedAt),
    );
  }

  async writeChanges(rows: readonly ListingChangeRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeChanges');
    return this.insertJson(
      'listing_change',
      `kind varchar, subject_id int, shop_id int, listing_id int, region_code varchar, observed_at timestamptz,
       amount numeric, percent numeric, before jsonb, after jsonb`,
      rows.map((r) => ({
        kind: r.kind, subject_id: r.subjectId, shop_id: r.shopId, listing_id: r.listingId, region_code: r.regionCode,
        observed_at: iso(r.observedAt), amount: r.amount, percent: r.percent, before: r.before, after: r.after,
      })),
      rows.map((r) => r.observedAt),
    );
  }

  async detectChanges(range: TimeRange): Promise<ChangeCounts> {
    assertWholeDatabase('detectChanges');
    const from = iso(range.from);
    const to = iso(range.to);
    const counts: ChangeCounts = { price_up: 0, price_down: 0, listing_new: 0, listing_removed: 0, licence_changed: 0 };
    const candidates: string[] = [
      // price moves against the listing's previous observation (which may lie before the range)
      `select case when o.price > p.price then 'price_up' else 'price_down' end as kind, o.listing_id as subject_id, o.shop_id,
         o.listing_id, o.region_code, o.observed_at, o.price - p.price as amount,
         round((o.price - p.price) * 100 / nullif(p.price, 0), 2) as percent,
         jsonb_build_object('price', p.price, 'observedAt', p.observed_at) as before, jsonb_build_object('price', o.price) as after
       from listing_observation o
       cross join lateral (select q.price, q.observed_at from listing_observation q
         where q.listing_id = o.listing_id and q.observed_at < o.observed_at order by q.observed_at desc limit 1) p
       where o.observed_at >= ?::timestamptz and o.observed_at < ?::timestamptz and o.price <> p.price`,
      // a listing's first observation ever
      `select 'listing_new', o.listing_id, o.shop_id, o.listing_id, o.region_code, o.observed_at, null::numeric, null::numeric,
         null::jsonb, jsonb_build_object('price', o.price)
       from listing_observation o
       where o.observed_at >= ?::timestamptz and o.observed_at < ?::timestamptz
         and not exists (select 1 from listing_observation q where q.listing_id = o.listing_id and q.observed_at < o.observed_at)`,
      // the crawler marks a listing removed (listing.removed_at) when its page is gone
      `select 'listing_removed', l.id, l.shop_id, l.id, l.region_code, l.removed_at, null::numeric, null::numeric,
         jsonb_build_object('lastSeenAt', l.last_seen_at), null::jsonb
       from listing l where l.removed_at >= ?::timestamptz and l.removed_at < ?::timestamptz`,
      // the licence block (亮照) differs from the shop's previous snapshot
      `select 'licence_changed', s.shop_id, s.shop_id, null::int, s.region_code, s.observed_at, null::numeric, null::numeric,
         jsonb_build_object('name', p.licence_name, 'uscc', p.licence_uscc, 'address', p.licence_address, 'observedAt', p.observed_at),
         jsonb_build_object('name', s.licence_name, 'uscc', s.licence_uscc, 'address', s.licence_address)
       from shop_snapshot s
       cross join lateral (select q.licence_name, q.licence_uscc, q.licence_address, q.observed_at from shop_snapshot q
         where q.shop_id = s.shop_id and q.observed_at < s.observed_at order by q.observed_at desc limit 1) p
       where s.observed_at >= ?::timestamptz and s.observed_at < ?::timestamptz
         and (s.licence_name, s.licence_uscc, s.licence_address) is distinct from (p.licence_name, p.licence_uscc, p.licence_address)`,
    ];
    // changes are stamped with the time of the observation that revealed them: make sure those months exist
    const months = await this.db.query<{ t: Date | string }>(
      `select distinct date_trunc('month', t) as t from (
         select observed_at as t from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz
         union all select observed_at from shop_snapshot where observed_at >= ?::timestamptz and observed_at < ?::timestamptz
         union all select removed_at from listing where removed_at >= ?::timestamptz and removed_at < ?::timestamptz) m`,
      [from, to, from, to, from, to],
    );
    await this.beforeWrite('listing_change', months.map((m) => new Date(m.t)));
    for (const select of candidates) {
      const rows = await this.db.query<{ kind: ChangeKind; n: number }>(
        `with ins as (insert into listing_change (kind, subject_id, shop_id, listing_id, region_code, observed_at, amount, percent, before, after)
           ${select} on conflict do nothing returning kind)
         select kind, count(*)::int as n from ins group by kind`,
        [from, to],
      );
      for (const r of rows) counts[r.kind] += Number(r.n);
    }
    return counts;
  }

  async changes(range: TimeRange): Promise<ListingChangeRow[]> {
    const s = scope('region_code');
    const rows = await this.db.query<Record<string, unknown>>(
      `select kind, subject_id, shop_id, listing_id, region_code, observed_at, amount::float8 as amount, percent::float8 as percent, before, after
       from listing_change where observed_at >= ?::timestamptz and observed_at < ?::timestamptz and ${s.sql}
       order by observed_at, kind, subject_id`,
      [iso(range.from), iso(range.to), ...s.params],
    );
    return rows.map((r) => ({
      kind: r.kind as ChangeKind,
      subjectId: Number(r.subject_id),
      shopId: Number(r.shop_id),
      listingId: r.listing_id == null ? null : Number(r.listing_id),
      regionCode: String(r.region_code),
      observedAt: new Date(r.observed_at as string),
      amount: r.amount == null ? null : Number(r.amount),
      percent: r.percent == null ? null : Number(r.percent),
      before: parseJson(r.before),
      after: parseJson(r.after),
    }));
  }

  async priceHistory(listingId: number, range: TimeRange, bucket: string): Promise<PricePoint[]> {
    const width = checkBucket(bucket);
    const s = scope('region_code');
    const rows = await this.db.query<Record<string, unknown>>(
      `select ${this.bucketSql('?::interval', 'observed_at')} as bucket, avg(price)::float8 as avg, min(price)::float8 as min,
         max(price)::float8 as max, count(*)::int as n
       from listing_observation
       where listing_id = ? and observed_at >= ?::timestamptz and observed_at < ?::timestamptz and ${s.sql}
       group by 1 order by 1`,
      [width, listingId, iso(range.from), iso(range.to), ...s.params],
    );
    return rows.map((r) => ({
      bucket: new Date(r.bucket as string),
      avgPrice: Number(r.avg),
      minPrice: Number(r.min),
      maxPrice: Number(r.max),
      observations: Number(r.n),
    }));
  }

  async dailyPriceIndex(regionPrefix: string | undefined, range: TimeRange): Promise<DailyPriceIndexPoint[]> {
    const s = scope('region_code', regionPrefix);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, (sum(sum_price) / sum(observations))::float8 as avg, count(*)::int as listings, sum(observations)::int as n
       from listing_price_daily
       where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql}
       group by day order by day`,
      [iso(range.from), iso(range.to), ...s.params],
    );
    return rows.map((r) => ({ day: new Date(r.day as string), avgPrice: Number(r.avg), listings: Number(r.listings), observations: Number(r.n) }));
  }

  async dailyListingCounts(regionPrefix: string | undefined, range: TimeRange): Promise<DailyListingCountPoint[]> {
    const s = scope('region_code', regionPrefix);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, region_code, count(*)::int as listings, count(distinct shop_id)::int as shops, sum(observations)::int as n
       from listing_price_daily
       where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql}
       group by day, region_code order by day, region_code`,
      [iso(range.from), iso(range.to), ...s.params],
    );
    return rows.map((r) => ({
      day: new Date(r.day as string),
      regionCode: String(r.region_code),
      listings: Number(r.listings),
      shops: Number(r.shops),
      observations: Number(r.n),
    }));
  }

  /** Rows per table, for tests and the self-check. */
  async count(table: string): Promise<number> {
    if (!TIME_SERIES_TABLES.includes(table) && table !== 'listing_price_daily') throw new Error(`unknown table ${table}`);
    const r = await this.db.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
    return Number(r[0].n);
  }
}

function parseJson(v: unknown): Record<string, unknown> | null {
  if (v == null) return null;
  return typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : (v as Record<string, unknown>);
}

/** Whole UTC days covering `range`: [floor(from), ceil(to)). */
export function wholeDays(range: TimeRange): TimeRange {
  const day = 86_400_000;
  return { from: new Date(Math.floor(range.from.getTime() / day) * day), to: new Date(Math.ceil(range.to.getTime() / day) * day) };
}
