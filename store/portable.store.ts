import { BaseTimeSeriesStore, TABLE_DDL, TIME_SERIES_TABLES, assertWholeDatabase, readScope, wholeDays } from './base.store';
import type { DailyListingCountPoint, DailyPriceIndexPoint, SelfCheckReport, TimeRange } from './types';

const PARTITION = /_p(\d{4})(\d{2})$/;

function monthName(table: string, d: Date): string {
  return `${table}_p${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The store on plain PostgreSQL (15+, and PGlite): each table is range-partitioned by month on
 * `observed_at` (partitions created on demand for the months written, plus a default partition so
 * nothing is ever lost), a BRIN index on time, a daily rollup table `listing_price_daily` refreshed by
 * `refreshRollups`, retention by dropping whole month partitions, reads with `date_bin`.
 *
 * Invariant: a month's partition exists before any row of that month is written through the store, so
 * the default partition stays empty (a month partition cannot be created while the default holds rows
 * of that month).
 */
export class PortableTimeSeriesStore extends BaseTimeSeriesStore {
  readonly implementation = 'portable' as const;
  private readonly knownPartitions = new Set<string>();

  protected bucketSql(width: string, column: string): string {
    // origin 2000-01-03 (a Monday), as time_bucket's: both stores give the same buckets
    return `date_bin(${width}, ${column}, timestamptz '2000-01-03 00:00:00+00')`;
  }

  async ensureSchema(): Promise<void> {
    assertWholeDatabase('ensureSchema');
    for (const [table, ddl] of Object.entries(TABLE_DDL)) {
      await this.db.query(`create table if not exists "${table}" (${ddl.columns}, constraint "${table}_natural_key" unique ${ddl.unique}) partition by range ("observed_at")`);
      await this.db.query(`create table if not exists "${table}_default" partition of "${table}" default`);
      await this.db.query(`create index if not exists "${table}_observed_at_brin" on "${table}" using brin ("observed_at")`);
      await this.db.query(`create index if not exists "${table}_region_code_index" on "${table}" ("region_code" varchar_pattern_ops)`);
    }
    await this.db.query(`create index if not exists "listing_change_shop_id_index" on "listing_change" ("shop_id", "observed_at")`);
    await this.db.query(
      `create table if not exists "listing_price_daily" ("listing_id" int not null, "shop_id" int not null, "region_code" varchar(12) not null,
        "day" timestamptz not null, "sum_price" numeric not null, "observations" int not null, "avg_price" numeric not null,
        "min_price" numeric(12,2) not null, "max_price" numeric(12,2) not null,
        constraint "listing_price_daily_key" unique ("listing_id", "shop_id", "region_code", "day"))`,
    );
    await this.db.query(`create index if not exists "listing_price_daily_day_index" on "listing_price_daily" ("day", "region_code" varchar_pattern_ops)`);
    // one row per region and day (a few thousand a day province-wide): what the daily index and counts read
    await this.db.query(
      `create table if not exists "region_price_daily" ("region_code" varchar(12) not null, "day" timestamptz not null,
        "listings" int not null, "shops" int not null, "observations" int not null, "sum_price" numeric not null,
        constraint "region_price_daily_key" primary key ("day", "region_code"))`,
    );
    await this.ensureWriteFunctions();
  }

  protected override async beforeWrite(table: string, times: readonly Date[]): Promise<void> {
    // distinct months first (a batch spans one or two): no Date or name per row
    const distinct = new Set<number>();
    for (const t of times) distinct.add(t.getUTCFullYear() * 12 + t.getUTCMonth());
    const months = new Map<string, Date>();
    for (const m of distinct) {
      const start = new Date(Date.UTC(Math.floor(m / 12), m % 12, 1));
      const name = monthName(table, start);
      if (!this.knownPartitions.has(name)) months.set(name, start);
    }
    for (const [name, start] of months) {
      const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
      await this.db.query(
        `create table if not exists "${name}" partition of "${table}" for values from ('${start.toISOString()}') to ('${end.toISOString()}')`,
      );
      this.knownPartitions.add(name);
    }
  }

  private async partitions(table: string): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = ?::regclass order by 1`,
      [table],
    );
    return rows.map((r) => r.name);
  }

  async refreshRollups(range: TimeRange): Promise<void> {
    assertWholeDatabase('refreshRollups');
    const days = wholeDays(range);
    const params = [days.from.toISOString(), days.to.toISOString()];
    await this.db.query(`delete from listing_price_daily where day >= ?::timestamptz and day < ?::timestamptz`, params);
    await this.db.query(
      `insert into listing_price_daily (listing_id, shop_id, region_code, day, sum_price, observations, avg_price, min_price, max_price)
       select listing_id, shop_id, region_code, ${this.bucketSql(`interval '1 day'`, 'observed_at')} as day,
         sum(price), count(*), avg(price), min(price), max(price)
       from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz
       group by 1, 2, 3, 4`,
      params,
    );
    await this.db.query(`delete from region_price_daily where day >= ?::timestamptz and day < ?::timestamptz`, params);
    await this.db.query(
      `insert into region_price_daily (region_code, day, listings, shops, observations, sum_price)
       select region_code, day, count(*), count(distinct shop_id), sum(observations), sum(sum_price)
       from listing_price_daily where day >= ?::timestamptz and day < ?::timestamptz
       group by 1, 2`,
      params,
    );
  }

  /**
   * From the per-region rollup: the same figures as the per-listing one, a few rows a day to read. With a
   * category, from the per-listing rollup joined to the register (the base implementation).
   */
  override async dailyPriceIndex(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyPriceIndexPoint[]> {
    if (category !== undefined) return super.dailyPriceIndex(regionPrefix, range, category);
    const s = readScope(regionPrefix);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, (sum(sum_price) / sum(observations))::float8 as avg, sum(listings)::int as listings, sum(observations)::int as n
       from region_price_daily where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql}
       group by day order by day`,
      [range.from.toISOString(), range.to.toISOString(), ...s.params],
    );
    return rows.map((r) => ({ day: new Date(r.day as string), avgPrice: Number(r.avg), listings: Number(r.listings), observations: Number(r.n) }));
  }

  /** From the per-region rollup; with a category, as `dailyPriceIndex`. */
  override async dailyListingCounts(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyListingCountPoint[]> {
    if (category !== undefined) return super.dailyListingCounts(regionPrefix, range, category);
    const s = readScope(regionPrefix);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, region_code, listings, shops, observations as n
       from region_price_daily where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql}
       order by day, region_code`,
      [range.from.toISOString(), range.to.toISOString(), ...s.params],
    );
    return rows.map((r) => ({
      day: new Date(r.day as string),
      regionCode: String(r.region_code),
      listings: Number(r.listings),
      shops: Number(r.shops),
      observations: Number(r.n),
    }));
  }

  async applyRetention(olderThan: Date): Promise<string[]> {
    assertWholeDatabase('applyRetention');
    const dropped: string[] = [];
    for (const table of TIME_SERIES_TABLES) {
      for (const name of await this.partitions(table)) {
        const m = PARTITION.exec(name);
        if (!m) continue;
        const end = Date.UTC(Number(m[1]), Number(m[2]), 1); // first day of the next month
        if (end <= olderThan.getTime()) {
          await this.db.query(`drop table "${name}"`);
          this.knownPartitions.delete(name);
          dropped.push(name);
        }
      }
    }
    return dropped;
  }

  async selfCheck(): Promise<SelfCheckReport> {
    const version = await this.db.query<{ v: string }>(`select current_setting('server_version') as v`);
    const partitions: Record<string, number> = {};
    const problems: string[] = [];
    for (const table of TIME_SERIES_TABLES) {
      const names = await this.partitions(table);
      partitions[table] = names.length;
      if (!names.includes(`${table}_default`)) problems.push(`${table} has no default partition`);
      const stray = await this.db.query<{ n: number }>(`select count(*)::int as n from "${table}_default"`).catch(() => [{ n: 0 }]);
      if (Number(stray[0].n) > 0) problems.push(`${table}_default holds ${stray[0].n} rows outside the month partitions`);
    }
    return { implementation: 'portable', extensionVersion: null, serverVersion: version[0].v, jobs: [], partitions, ok: problems.length === 0, problems };
  }
}
