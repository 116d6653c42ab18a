import { BaseTimeSeriesStore, TABLE_DDL, TIME_SERIES_TABLES, assertWholeDatabase, wholeDays } from './base.store';
import type { SelfCheckReport, TimeRange } from './types';

/**
 * The hierarchical continuous aggregate (TimescaleDB only): per region code and UTC month, built on
 * `listing_price_daily` — observations, sum of prices and listing-days (sums only; distinct listings per
 * month are not additive and stay with the daily aggregate). Refreshed by `refreshRollups` and a policy.
 */
export const MONTHLY_REGION = 'listing_price_monthly_region';

/** Policy settings of the TimescaleDB store. */
export interface TimescaleOptions {
  /** compress chunks older than this (default `'30 days'`) */
  compressAfter?: string;
  /** drop raw chunks older than this by a policy (default: none; `applyRetention` drops on demand) */
  retainFor?: string | null;
}

/**
 * The store on TimescaleDB (2.19+ API forms): hypertables on `observed_at` (7-day chunks), a continuous
 * aggregate `listing_price_daily` (daily price and counts per listing) and on it the hierarchical
 * `listing_price_monthly_region` (per region and month), each with a refresh policy,
 * compression (segmented by subject) and optional retention policies, reads with `time_bucket`.
 * Without background workers (the PGlite build in tests), jobs run with `CALL run_job(id)`.
 */
export class TimescaleTimeSeriesStore extends BaseTimeSeriesStore {
  readonly implementation = 'timescaledb' as const;

  /** TimescaleDB refuses row-level security on compressed hypertables (see the base class). */
  protected override readonly rowLevelSecurity: boolean = false;

  constructor(db: ConstructorParameters<typeof BaseTimeSeriesStore>[0], private readonly options: TimescaleOptions = {}) {
    super(db);
  }

  protected bucketSql(width: string, column: string): string {
    return `time_bucket(${width}, ${column})`;
  }

  async ensureSchema(): Promise<void> {
    assertWholeDatabase('ensureSchema');
    await this.db.query(`create extension if not exists timescaledb`);
    const segment: Record<string, string> = { shop_snapshot: 'shop_id', listing_observation: 'listing_id', listing_change: 'kind, subject_id' };
    for (const [table, ddl] of Object.entries(TABLE_DDL)) {
      await this.db.query(`create table if not exists "${table}" (${ddl.columns}, constraint "${table}_natural_key" unique ${ddl.unique})`);
      await this.db.query(`select create_hypertable('${table}', by_range('observed_at', interval '7 days'), if_not_exists => true)`);
      await this.db.query(`create index if not exists "${table}_region_code_index" on "${table}" ("region_code" varchar_pattern_ops, "observed_at")`);
      // compression settings cannot change once chunks are compressed: set them once
      const enabled = await this.db.query<{ enabled: boolean }>(
        `select compression_enabled as enabled from timescaledb_information.hypertables where hypertable_name = ?`,
        [table],
      );
      if (!enabled[0]?.enabled) {
        await this.db.query(
          `alter table "${table}" set (timescaledb.compress, timescaledb.compress_segmentby = '${segment[table]}', timescaledb.compress_orderby = 'observed_at')`,
        );
      }
      await this.db.query(`select add_compression_policy('${table}', compress_after => ?::interval, if_not_exists => true)`, [
        this.options.compressAfter ?? '30 days',
      ]);
      if (this.options.retainFor) {
        await this.db.query(`select add_retention_policy('${table}', drop_after => ?::interval, if_not_exists => true)`, [this.options.retainFor]);
      }
    }
    const cagg = await this.db.query(`select 1 from timescaledb_information.continuous_aggregates where view_name = 'listing_price_daily'`);
    if (cagg.length === 0) {
      await this.db.query(
        `create materialized view listing_price_daily with (timescaledb.continuous) as
         select listing_id, shop_id, region_code, time_bucket(interval '1 day', observed_at) as day,
           sum(price) as sum_price, count(*)::int as observations, avg(price) as avg_price, min(price) as min_price, max(price) as max_price
         from listing_observation group by listing_id, shop_id, region_code, time_bucket(interval '1 day', observed_at)
         with no data`,
      );
    }
    await this.db.query(
      `select add_continuous_aggregate_policy('listing_price_daily', start_offset => interval '35 days', end_offset => interval '1 hour',
         schedule_interval => interval '1 hour', if_not_exists => true)`,
    );
    // hierarchical: per region and UTC month, on top of the daily aggregate (sums only: a continuous aggregate
    // refuses count(distinct), so distinct listings per month stay with listing_price_daily)
    const monthly = await this.db.query(`select 1 from timescaledb_information.continuous_aggregates where view_name = '${MONTHLY_REGION}'`);
    if (monthly.length === 0) {
      await this.db.query(
        `create materialized view ${MONTHLY_REGION} with (timescaledb.continuous) as
         select region_code, time_bucket(interval '1 month', day) as month,
           sum(observations)::bigint as observations, sum(sum_price) as sum_price, count(*)::bigint as listing_days
         from listing_price_daily group by region_code, time_bucket(interval '1 month', day)
         with no data`,
      );
    }
    // A refresh materialises only the buckets wholly inside its window: no end offset (up to the newest data),
    // so the current month is materialised as it goes (from the daily aggregate, itself refreshed up to an hour
    // ago), and the window starts three months back so late rows of the previous months are picked up.
    await this.db.query(
      `select add_continuous_aggregate_policy('${MONTHLY_REGION}', start_offset => interval '3 months', end_offset => null,
         schedule_interval => interval '1 hour', if_not_exists => true)`,
    );
    await this.ensureWriteFunctions();
  }

  async refreshRollups(range: TimeRange): Promise<void> {
    assertWholeDatabase('refreshRollups');
    const days = wholeDays(range);
    // CALL must run outside a transaction block
    await this.db.query(`call refresh_continuous_aggregate('listing_price_daily', ?::timestamptz, ?::timestamptz)`, [
      days.from.toISOString(),
      days.to.toISOString(),
    ]);
    // then the monthly one over the whole months holding those days (a refresh materialises whole buckets only)
    const from = new Date(Date.UTC(days.from.getUTCFullYear(), days.from.getUTCMonth(), 1));
    const lastDay = new Date(days.to.getTime() - 1);
    const to = new Date(Date.UTC(lastDay.getUTCFullYear(), lastDay.getUTCMonth() + 1, 1));
    await this.db.query(`call refresh_continuous_aggregate('${MONTHLY_REGION}', ?::timestamptz, ?::timestamptz)`, [from.toISOString(), to.toISOString()]);
  }

  async applyRetention(olderThan: Date): Promise<string[]> {
    assertWholeDatabase('applyRetention');
    const dropped: string[] = [];
    for (const table of TIME_SERIES_TABLES) {
      const rows = await this.db.query<{ c: string }>(`select drop_chunks('${table}', older_than => ?::timestamptz) as c`, [olderThan.toISOString()]);
      dropped.push(...rows.map((r) => r.c));
    }
    return dropped;
  }

  /** Ids of the policy jobs, e.g. to `CALL run_job(id)` where no background worker runs. */
  async jobs(): Promise<{ id: number; proc: string; hypertable: string | null; schedule: string | null }[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `select job_id, proc_name, hypertable_name, schedule_interval::text as schedule from timescaledb_information.jobs
       where proc_schema = '_timescaledb_functions' and job_id >= 1000 order by job_id`,
    );
    return rows.map((r) => ({ id: Number(r.job_id), proc: String(r.proc_name), hypertable: (r.hypertable_name as string) ?? null, schedule: (r.schedule as string) ?? null }));
  }

  async runJob(id: number): Promise<void> {
    assertWholeDatabase('runJob');
    await this.db.query(`call run_job(?::int)`, [id]);
  }

  async selfCheck(): Promise<SelfCheckReport> {
    const ext = await this.db.query<{ v: string }>(`select extversion as v from pg_extension where extname = 'timescaledb'`);
    const version = await this.db.query<{ v: string }>(`select current_setting('server_version') as v`);
    const problems: string[] = [];
    const partitions: Record<string, number> = {};
    const hypers = await this.db.query<{ hypertable_name: string; num_chunks: number }>(
      `select hypertable_name, num_chunks from timescaledb_information.hypertables`,
    );
    for (const table of TIME_SERIES_TABLES) {
      const h = hypers.find((x) => x.hypertable_name === table);
      if (!h) problems.push(`${table} is not a hypertable`);
      partitions[table] = Number(h?.num_chunks ?? 0);
    }
    const jobs = await this.jobs();
    for (const table of TIME_SERIES_TABLES) {
      if (!jobs.some((j) => j.proc === 'policy_compression' && j.hypertable === table)) problems.push(`${table} has no compression policy`);
    }
    const refreshed = await this.db.query<{ view: string }>(
      `select c.view_name as view from timescaledb_information.continuous_aggregates c
       join timescaledb_information.jobs j on j.proc_name = 'policy_refresh_continuous_aggregate'
         -- the view (2.2x) or its materialisation hypertable (older versions), as the jobs view names it
         and j.hypertable_name in (c.view_name, c.materialization_hypertable_name)`,
    );
    for (const view of ['listing_price_daily', MONTHLY_REGION]) {
      if (!refreshed.some((r) => r.view === view)) problems.push(`${view} has no continuous aggregate with a refresh policy`);
    }
    return { implementation: 'timescaledb', extensionVersion: ext[0]?.v ?? null, serverVersion: version[0].v, jobs, partitions, ok: problems.length === 0 && ext.length > 0, problems };
  }
}
