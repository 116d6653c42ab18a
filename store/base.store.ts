import { currentActor, inJurisdiction, jurisdictionSql } from '../entities/jurisdiction';
import { AccessDeniedError, READER_ROLE, jurisdictionPolicySql } from '../entities/jurisdiction';
import { categorySegments } from '../kernel/rules/text';
import type {
  ChangeCounts,
  ChangeQuery,
  ChangeKind,
  DailyListingCountPoint,
  DailyPriceIndexPoint,
  ListingChangeRow,
  ListingObservationRow,
  MarketCategoryRow,
  PriceMoveQuery,
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
      "content_hash" varchar(64) not null, "evidence_sha256" varchar(64) null, "food_licence" varchar(64) null`,
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

/** Rows per INSERT statement: the column arrays of 10,000 observations are ≈ 1 MB of SQL text. */
const WRITE_CHUNK = 10_000;

/** One column of a batch write: its name, its SQL array element type, and its value in a row. */
interface Column<R> {
  name: string;
  type: 'int' | 'text' | 'timestamptz' | 'numeric' | 'jsonb';
  get(r: R): string | number | Date | object | null | undefined;
}

/** A PostgreSQL array element: `NULL`, a number or time as is, anything else double-quoted. */
function arrayElement(type: Column<unknown>['type'], v: ReturnType<Column<unknown>['get']>): string {
  if (v === null || v === undefined) return 'NULL';
  if (type === 'int' || type === 'numeric') {
    // as JSON.stringify did before: a non-finite number is null
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
    return quoteElement(String(v));
  }
  if (type === 'timestamptz') return v instanceof Date ? v.toISOString() : quoteElement(String(v));
  if (type === 'jsonb') return quoteElement(JSON.stringify(v));
  return quoteElement(String(v));
}

function quoteElement(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** An SQL string literal; E'…' (backslashes doubled) only when the text has a backslash, as pg's escapeLiteral. */
function sqlLiteral(s: string): string {
  const quoted = s.replace(/'/g, "''");
  return s.includes('\\') ? ` E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

/** One row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
function copyLine<R>(columns: readonly Column<R>[], row: R): string {
  const out = new Array<string>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    const v = c.get(row);
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) out[i] = '\\N';
    else if (typeof v === 'number') out[i] = String(v);
    else if (v instanceof Date) out[i] = v.toISOString();
    else out[i] = copyText(c.type === 'jsonb' ? JSON.stringify(v) : String(v));
  }
  return out.join('\t');
}

function* copyLines<R>(columns: readonly Column<R>[], rows: readonly R[]): Generator<string> {
  for (const row of rows) yield copyLine(columns, row);
}

function copyText(s: string): string {
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (ch) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[ch]!) : s;
}

function arrayLiteral<R>(rows: readonly R[], column: Column<R>): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) parts[i] = arrayElement(column.type, column.get(rows[i]));
  return `{${parts.join(',')}}`;
}

const SNAPSHOT_COLUMNS: Column<ShopSnapshotRow>[] = [
  { name: 'shop_id', type: 'int', get: (r) => r.shopId },
  { name: 'region_code', type: 'text', get: (r) => r.regionCode },
  { name: 'observed_at', type: 'timestamptz', get: (r) => r.observedAt },
  { name: 'title', type: 'text', get: (r) => r.title },
  { name: 'licence_name', type: 'text', get: (r) => r.licenceName },
  { name: 'licence_uscc', type: 'text', get: (r) => r.licenceUscc },
  { name: 'licence_address', type: 'text', get: (r) => r.licenceAddress },
  { name: 'contact', type: 'text', get: (r) => r.contact },
  { name: 'listing_count', type: 'int', get: (r) => r.listingCount },
  { name: 'content_hash', type: 'text', get: (r) => r.contentHash },
  { name: 'evidence_sha256', type: 'text', get: (r) => r.evidenceSha256 },
  { name: 'food_licence', type: 'text', get: (r) => r.foodLicence },
];

const OBSERVATION_COLUMNS: Column<ListingObservationRow>[] = [
  { name: 'listing_id', type: 'int', get: (r) => r.listingId },
  { name: 'shop_id', type: 'int', get: (r) => r.shopId },
  { name: 'region_code', type: 'text', get: (r) => r.regionCode },
  { name: 'observed_at', type: 'timestamptz', get: (r) => r.observedAt },
  { name: 'price', type: 'numeric', get: (r) => r.price },
  { name: 'original_price', type: 'numeric', get: (r) => r.originalPrice },
  { name: 'promotion_text', type: 'text', get: (r) => r.promotionText },
  { name: 'sales', type: 'int', get: (r) => r.sales },
  { name: 'stock', type: 'int', get: (r) => r.stock },
];

const CHANGE_COLUMNS: Column<ListingChangeRow>[] = [
  { name: 'kind', type: 'text', get: (r) => r.kind },
  { name: 'subject_id', type: 'int', get: (r) => r.subjectId },
  { name: 'shop_id', type: 'int', get: (r) => r.shopId },
  { name: 'listing_id', type: 'int', get: (r) => r.listingId },
  { name: 'region_code', type: 'text', get: (r) => r.regionCode },
  { name: 'observed_at', type: 'timestamptz', get: (r) => r.observedAt },
  { name: 'amount', type: 'numeric', get: (r) => r.amount },
  { name: 'percent', type: 'numeric', get: (r) => r.percent },
  { name: 'before', type: 'jsonb', get: (r) => r.before },
  { name: 'after', type: 'jsonb', get: (r) => r.after },
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const WRITE_COLUMNS: Record<string, Column<any>[]> = {
  shop_snapshot: SNAPSHOT_COLUMNS,
  listing_observation: OBSERVATION_COLUMNS,
  listing_change: CHANGE_COLUMNS,
};

/** The write function of a table; the version changes whenever its definition does. */
const writeFunction = (table: string) => `"${table}_write_v2"`;

/**
 * A table's batch-write function: takes one array per column, inserts the rows and returns how many
 * were new — `insert … on conflict do nothing` semantics. It first tries a plain INSERT, which costs
 * PostgreSQL about half of the per-row price of `on conflict` (no speculative insertion); when any row
 * of the batch already exists (a retried crawl, a concurrent writer, a key twice in the batch) that
 * INSERT fails with unique_violation, the exception block rolls it back (a subtransaction, so this also
 * works inside the caller's transaction), and the batch is inserted again with `on conflict do nothing`.
 */
function writeFunctionDdl(table: string, columns: readonly Column<unknown>[]): string {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const args = columns.map((_, i) => `$${i + 1}`).join(', ');
  const insert = `insert into "${table}" (${names}) select * from unnest(${args})`;
  return `create or replace function ${writeFunction(table)}(${columns.map((c) => `${c.type}[]`).join(', ')}) returns int
    language plpgsql as $fn$
    declare n int;
    begin
      ${insert};
      get diagnostics n = row_count;
      return n;
    exception when unique_violation then
      ${insert} on conflict do nothing;
      get diagnostics n = row_count;
      return n;
    end $fn$`;
}

/** The columns a snapshot is read with, and the row they make. */
const SNAPSHOT_READ = 'shop_id, region_code, observed_at, title, licence_name, licence_uscc, licence_address, contact, listing_count, content_hash, evidence_sha256, food_licence';

function snapshotRow(r: Record<string, unknown>): ShopSnapshotRow {
  return {
    shopId: Number(r.shop_id),
    regionCode: String(r.region_code),
    observedAt: new Date(r.observed_at as string),
    title: (r.title as string | null) ?? null,
    licenceName: (r.licence_name as string | null) ?? null,
    licenceUscc: (r.licence_uscc as string | null) ?? null,
    licenceAddress: (r.licence_address as string | null) ?? null,
    contact: (r.contact as string | null) ?? null,
    listingCount: r.listing_count == null ? null : Number(r.listing_count),
    contentHash: String(r.content_hash),
    evidenceSha256: (r.evidence_sha256 as string | null) ?? null,
    foodLicence: (r.food_licence as string | null) ?? null,
  };
}

/** The region filter of a read: the actor's jurisdiction, optionally narrowed to a prefix. */
export function readScope(regionPrefix?: string): { sql: string; params: unknown[] } {
  return scope('region_code', regionPrefix);
}

function scope(column: string, regionPrefix?: string): { sql: string; params: unknown[] } {
  const j = jurisdictionSql(column);
  if (regionPrefix === undefined || regionPrefix === '') return j;
  if (!/^\d{1,12}$/.test(regionPrefix)) throw new Error(`invalid region prefix ${regionPrefix}`);
  return { sql: `${j.sql} and ${column} like ?`, params: [...j.params, `${regionPrefix}%`] };
}

/** A category pattern normalised as the SQL side compares it: `categorySegments(pattern).join('/')`; never empty. */
export function categoryPattern(pattern: string): string {
  const path = categorySegments(pattern).join('/');
  if (!path) throw new Error(`empty category pattern "${pattern}"`);
  return path;
}

/** A LIKE pattern matching `text` literally (escape character `!`). */
function likeLiteral(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/**
 * SQL condition: the listing id in `column` is of a listing whose category starts with `pattern`, segment-wise
 * (`categoryStartsWith` in kernel/rules/text.ts: "食品" matches "食品/酒类" and "食品 > 酒类", not "食品饮料").
 * Compares the listing's normalised path (`listing.category_path`, a generated column with a pattern index):
 * equal to the pattern, or starting with pattern + '/'. Removed listings count too: their observations are
 * history.
 */
function categoryFilter(column: string, pattern: string): { sql: string; params: unknown[] } {
  const p = categoryPattern(pattern);
  return {
    sql: `${column} in (select l.id from listing l where l.category_path = ? or l.category_path like ? escape '!')`,
    params: [p, `${likeLiteral(p)}/%`],
  };
}

const PRICE_KINDS: Record<PriceMoveQuery['direction'], ChangeKind[]> = { up: ['price_up'], down: ['price_down'], any: ['price_up', 'price_down'] };

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

  /**
   * Whether the tables carry the jurisdiction policy of row-level security. TimescaleDB refuses it on
   * hypertables with compression ("operation not supported on hypertables that have columnstore enabled"):
   * there the store's reads are scoped by `jurisdictionSql` alone, as every read of this class is anyway.
   */
  protected readonly rowLevelSecurity: boolean = true;

  /** Hook for the portable store: make sure the months of `times` have partitions. */
  protected async beforeWrite(_table: string, _times: readonly Date[]): Promise<void> {}

  /**
   * Creates the batch-write functions (`<table>_write_v1`, see `writeFunctionDdl`) unless they exist.
   * Both implementations call it from `ensureSchema`, after creating the tables.
   */
  protected async ensureWriteFunctions(): Promise<void> {
    // columns added after the first release (tables made by an older version keep their data)
    await this.db.query(`alter table "shop_snapshot" add column if not exists "food_licence" varchar(64) null`);
    for (const [table, columns] of Object.entries(WRITE_COLUMNS)) {
      const signature = `${writeFunction(table)}(${columns.map((c) => `${c.type}[]`).join(', ')})`;
      const [found] = await this.db.query<{ f: string | null }>(`select to_regprocedure(?)::text as f`, [signature]);
      if (!found?.f) await this.db.query(writeFunctionDdl(table, columns));
    }
    // the access rule inside PostgreSQL, as on the ORM's tables (migration 20261213-row-level-security)
    if (!this.rowLevelSecurity) return;
    for (const table of TIME_SERIES_TABLES) {
      await this.db.query(`grant select on "${table}" to ${READER_ROLE}`);
      for (const sql of jurisdictionPolicySql(table)) await this.db.query(sql);
    }
  }

  /**
   * Inserts `rows` into `table`, skipping rows whose natural key exists (`on conflict do nothing`), and
   * counts what was new. The batch travels column by column: one PostgreSQL array literal per column
   * (cheaper to build and to parse than a JSON recordset: no key names, no jsonb), handed to the
   * table's write function (`writeFunctionDdl`).
   */
  private async insertColumns<R>(table: string, columns: readonly Column<R>[], rows: readonly R[], time: (r: R) => Date): Promise<WriteResult> {
    if (rows.length === 0) return { submitted: 0, inserted: 0 };
    await this.beforeWrite(table, rows.map(time));
    // On a PostgreSQL server: COPY the batch straight into the table (the raw rate); a batch holding a row
    // that exists already (a retried crawl) fails whole with unique_violation and goes the way below.
    if (this.db.copyFrom) {
      try {
        const copied = await this.db.copyFrom(table, columns.map((c) => c.name), copyLines(columns, rows));
        return { submitted: rows.length, inserted: copied };
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
      const chunk = rows.length <= WRITE_CHUNK ? rows : rows.slice(i, i + WRITE_CHUNK);
      // The literals are inlined here rather than passed as `?` parameters: MikroORM would inline them
      // anyway, escaping character by character (pg's escapeLiteral), which for a megabyte of text costs
      // more CPU and garbage than the whole rest of the write. No parameters: the text is sent as is.
      const args = columns.map((c) => `${sqlLiteral(arrayLiteral(chunk, c))}::${c.type}[]`).join(', ');
      const res = await this.db.query<{ n: number }>(`select ${writeFunction(table)}(${args}) as n`);
      inserted += Number(res[0]?.n ?? 0);
    }
    return { submitted: rows.length, inserted };
  }

  async writeSnapshots(rows: readonly ShopSnapshotRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeSnapshots');
    return this.insertColumns('shop_snapshot', WRITE_COLUMNS.shop_snapshot as Column<ShopSnapshotRow>[], rows, (r) => r.observedAt);
  }

  async writeObservations(rows: readonly ListingObservationRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeObservations');
    return this.insertColumns('listing_observation', WRITE_COLUMNS.listing_observation as Column<ListingObservationRow>[], rows, (r) => r.observedAt);
  }

  async writeChanges(rows: readonly ListingChangeRow[]): Promise<WriteResult> {
    assertWritable(rows, 'writeChanges');
    return this.insertColumns('listing_change', WRITE_COLUMNS.listing_change as Column<ListingChangeRow>[], rows, (r) => r.observedAt);
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
    return rows.map(toChangeRow);
  }

  async priceMoves(query: PriceMoveQuery): Promise<ListingChangeRow[]> {
    const kinds = PRICE_KINDS[query.direction];
    if (!kinds) throw new Error(`invalid direction ${query.direction}`);
    const s = scope('c.region_code', query.regionPrefix);
    const where = [s.sql, `c.kind in (${kinds.map(() => '?').join(', ')})`, 'c.observed_at >= ?::timestamptz and c.observed_at < ?::timestamptz'];
    const params: unknown[] = [...s.params, ...kinds, iso(query.range.from), iso(query.range.to)];
    if (query.category !== undefined) {
      const c = categoryFilter('c.listing_id', query.category);
      where.push(c.sql);
      params.push(...c.params);
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `select c.kind, c.subject_id, c.shop_id, c.listing_id, c.region_code, c.observed_at, c.amount::float8 as amount, c.percent::float8 as percent,
         c.before, c.after
       from listing_change c where ${where.join(' and ')}
       order by abs(c.percent) desc nulls last, c.observed_at desc, c.kind, c.subject_id limit ?`,
      [...params, Math.max(0, Math.min(query.first, 1000))],
    );
    return rows.map(toChangeRow);
  }

  async marketCategories(regionPrefix: string | undefined, parent: string | undefined): Promise<MarketCategoryRow[]> {
    const s = scope('l.region_code', regionPrefix);
    const path = parent === undefined ? undefined : categoryPattern(parent);
    const depth = path === undefined ? 0 : path.split('/').length;
    const rows = await this.db.query<{ name: string; listings: number; shops: number }>(
      `select segs[${depth + 1}] as name, count(*)::int as listings, count(distinct shop_id)::int as shops
       from (select l.shop_id, string_to_array(l.category_path, '/') as segs from listing l
             where l.removed_at is null and l.category_path <> '' and ${s.sql}) t
       where cardinality(segs) > ${depth}${depth > 0 ? ` and array_to_string(segs[1:${depth}], '/') = ?` : ''}
       group by 1 order by 2 desc, segs[${depth + 1}] collate "C"`,
      depth > 0 ? [...s.params, path] : s.params,
    );
    return rows.map((r) => ({
      name: String(r.name),
      path: path === undefined ? String(r.name) : `${path}/${r.name}`,
      listings: Number(r.listings),
      shops: Number(r.shops),
    }));
  }

  async snapshots(shopId: number, range: TimeRange, limit: number): Promise<ShopSnapshotRow[]> {
    const s = scope('region_code');
    const rows = await this.db.query<Record<string, unknown>>(
      `select ${SNAPSHOT_READ} from shop_snapshot where shop_id = ? and observed_at >= ?::timestamptz and observed_at < ?::timestamptz and ${s.sql}
       order by observed_at desc limit ?`,
      [shopId, iso(range.from), iso(range.to), ...s.params, Math.max(0, Math.min(limit, 10_000))],
    );
    return rows.map(snapshotRow);
  }

  async latestSnapshots(shopIds: readonly number[]): Promise<Map<number, ShopSnapshotRow>> {
    const ids = [...new Set(shopIds)].filter((id) => Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647);
    if (ids.length === 0) return new Map();
    const s = scope('q.region_code');
    // one index descent per shop (the unique key starts with shop_id, observed_at), not every snapshot of every shop
    const rows = await this.db.query<Record<string, unknown>>(
      `select ${SNAPSHOT_READ.replace(/(^|, )/g, '$1l.')} from unnest(array[${ids.join(',')}]::int[]) as k(id)
       cross join lateral (select * from shop_snapshot q where q.shop_id = k.id and ${s.sql} order by q.observed_at desc limit 1) l`,
      s.params,
    );
    return new Map(rows.map((r) => [Number(r.shop_id), snapshotRow(r)]));
  }

  async findChanges(query: ChangeQuery): Promise<{ rows: Array<ListingChangeRow & { cursor: string }>; total: number | null }> {
    const s = scope('region_code', query.regionPrefix);
    const where: string[] = [s.sql];
    const params: unknown[] = [...s.params];
    if (query.range) {
      where.push('observed_at >= ?::timestamptz and observed_at < ?::timestamptz');
      params.push(iso(query.range.from), iso(query.range.to));
    }
    if (query.kinds?.length) {
      where.push(`kind in (${query.kinds.map(() => '?').join(', ')})`);
      params.push(...query.kinds);
    }
    if (query.shopId !== undefined) {
      where.push('shop_id = ?');
      params.push(query.shopId);
    }
    if (query.listingId !== undefined) {
      where.push('listing_id = ?');
      params.push(query.listingId);
    }
    const total = query.withTotal
      ? Number((await this.db.query<{ n: number }>(`select count(*)::int as n from listing_change where ${where.join(' and ')}`, params))[0]?.n ?? 0)
      : null;
    const page = [...where];
    const pageParams = [...params];
    if (query.after) {
      const [t, kind, subject] = decodeChangeCursor(query.after);
      page.push('(observed_at, kind, subject_id) < (?::timestamptz, ?, ?)');
      pageParams.push(t, kind, subject);
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `select kind, subject_id, shop_id, listing_id, region_code, observed_at, amount::float8 as amount, percent::float8 as percent, before, after
       from listing_change where ${page.join(' and ')}
       order by observed_at desc, kind desc, subject_id desc limit ?`,
      [...pageParams, Math.max(0, Math.min(query.first, 1000))],
    );
    return {
      total,
      rows: rows.map((r) => {
        const observedAt = new Date(r.observed_at as string);
        return {
          ...toChangeRow(r),
          observedAt,
          cursor: Buffer.from(JSON.stringify([observedAt.toISOString(), r.kind, Number(r.subject_id)])).toString('base64url'),
        };
      }),
    };
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

  /**
   * From the per-listing daily rollup. With `category`, only the listings of the register (`listing`, same
   * database) whose category starts with it; listings are then counted distinct.
   */
  async dailyPriceIndex(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyPriceIndexPoint[]> {
    const s = scope('region_code', regionPrefix);
    const c = category === undefined ? { sql: 'true', params: [] } : categoryFilter('listing_id', category);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, (sum(sum_price) / sum(observations))::float8 as avg,
         ${category === undefined ? 'count(*)' : 'count(distinct listing_id)'}::int as listings, sum(observations)::int as n
       from listing_price_daily
       where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql} and ${c.sql}
       group by day order by day`,
      [iso(range.from), iso(range.to), ...s.params, ...c.params],
    );
    return rows.map((r) => ({ day: new Date(r.day as string), avgPrice: Number(r.avg), listings: Number(r.listings), observations: Number(r.n) }));
  }

  /** From the per-listing daily rollup; `category` as `dailyPriceIndex`. */
  async dailyListingCounts(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyListingCountPoint[]> {
    const s = scope('region_code', regionPrefix);
    const c = category === undefined ? { sql: 'true', params: [] } : categoryFilter('listing_id', category);
    const rows = await this.db.query<Record<string, unknown>>(
      `select day, region_code, ${category === undefined ? 'count(*)' : 'count(distinct listing_id)'}::int as listings,
         count(distinct shop_id)::int as shops, sum(observations)::int as n
       from listing_price_daily
       where day >= ?::timestamptz and day < ?::timestamptz and ${s.sql} and ${c.sql}
       group by day, region_code order by day, region_code`,
      [iso(range.from), iso(range.to), ...s.params, ...c.params],
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

function decodeChangeCursor(cursor: string): [string, string, number] {
  try {
    const [t, kind, subject] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, number];
    if (Number.isNaN(Date.parse(t)) || typeof kind !== 'string' || !Number.isInteger(subject)) throw new Error('shape');
    return [t, kind, subject];
  } catch {
    throw new InvalidCursorError(cursor);
  }
}

/** A cursor that this store did not hand out. */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`after: "${cursor.slice(0, 40)}" is not a cursor of this list`);
    this.name = 'InvalidCursorError';
  }
}

function toChangeRow(r: Record<string, unknown>): ListingChangeRow {
  return {
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
  };
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
