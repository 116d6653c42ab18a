/**
 * The time-series store's rows and its one interface. Two implementations sit behind it
 * (store/portable.store.ts, store/timescale.store.ts), chosen at start-up by
 * `openTimeSeriesStore` (store/index.ts).
 *
 * Money: `numeric(12,2)` in yuan (元), exact in the database; passed in and read back as JS numbers
 * (aggregates such as averages come back as float8). Times: `timestamptz`, UTC.
 */

/** Runs one SQL statement with `?` placeholders (MikroORM's convention) and returns its rows. */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * `COPY table (columns) FROM STDIN` of rows in PostgreSQL's text format (tab-separated, `\N` for null,
   * one row per line, produced lazily as they are sent), on a connection of its own; returns the rows copied. Present only where the driver
   * can stream COPY (a PostgreSQL server, outside a transaction); a failed COPY writes nothing.
   */
  copyFrom?(table: string, columns: readonly string[], lines: Iterable<string>): Promise<number>;
}

/** A half-open time range `[from, to)`. */
export interface TimeRange {
  from: Date;
  to: Date;
}

/** What the shop page showed at one moment (亮照 fields as seen, not as registered). */
export interface ShopSnapshotRow {
  shopId: number;
  regionCode: string;
  observedAt: Date;
  title: string | null;
  licenceName: string | null;
  licenceUscc: string | null;
  licenceAddress: string | null;
  contact: string | null;
  listingCount: number | null;
  contentHash: string;
  evidenceSha256?: string | null;
  /** 食品经营许可证 number shown, if any */
  foodLicence?: string | null;
}

/** One listing's offer at one moment; prices in yuan with two decimals. */
export interface ListingObservationRow {
  listingId: number;
  shopId: number;
  regionCode: string;
  observedAt: Date;
  price: number;
  originalPrice: number | null;
  promotionText: string | null;
  sales: number | null;
  stock: number | null;
}

export type ChangeKind = 'price_up' | 'price_down' | 'listing_new' | 'listing_removed' | 'licence_changed';

/**
 * One detected change. `subjectId` is the listing id for listing kinds and the shop id for
 * `licence_changed`; the natural key is (kind, subjectId, observedAt).
 */
export interface ListingChangeRow {
  kind: ChangeKind;
  subjectId: number;
  shopId: number;
  listingId: number | null;
  regionCode: string;
  observedAt: Date;
  /** price difference in yuan (after − before); null for non-price kinds */
  amount: number | null;
  /** price difference in percent of the previous price, two decimals; null for non-price kinds */
  percent: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Rows written by a batch: `inserted` ≤ `submitted`; the difference already existed (retried crawl). */
export interface WriteResult {
  submitted: number;
  inserted: number;
}

export type ChangeCounts = Record<ChangeKind, number>;

/** A filter over detected changes (all optional but the page size). */
export interface ChangeQuery {
  range?: TimeRange;
  kinds?: ChangeKind[];
  /** region prefix within the actor's jurisdiction */
  regionPrefix?: string;
  shopId?: number;
  listingId?: number;
  first: number;
  /** the `cursor` of the last row of the previous page */
  after?: string;
  withTotal?: boolean;
}

export interface PricePoint {
  bucket: Date;
  avgPrice: number;
  minPrice: number;
  maxPrice: number;
  observations: number;
}

export interface DailyPriceIndexPoint {
  day: Date;
  /** mean of every observed price that day (= raw `avg(price)`) */
  avgPrice: number;
  listings: number;
  observations: number;
}

export interface DailyListingCountPoint {
  day: Date;
  regionCode: string;
  /** distinct listings observed that day */
  listings: number;
  /** distinct shops whose listings were observed that day */
  shops: number;
  observations: number;
}

/** Which price moves `priceMoves` returns: rises, falls or both. */
export type PriceMoveDirection = 'up' | 'down' | 'any';

/** A query for the biggest price moves (`listing_change` rows of kind price_up/price_down). */
export interface PriceMoveQuery {
  range: TimeRange;
  /** region prefix within the actor's jurisdiction */
  regionPrefix?: string;
  /** a normalised category path (`categorySegments(…).join('/')`): only listings whose category starts with it */
  category?: string;
  direction: PriceMoveDirection;
  /** how many rows (the biggest |percent| first) */
  first: number;
}

/** One node of the category tree: a path segment under its parent, with the current listings and shops under it. */
export interface MarketCategoryRow {
  /** the segment */
  name: string;
  /** the normalised full path, segments joined with '/' */
  path: string;
  listings: number;
  shops: number;
}

export interface SelfCheckReport {
  implementation: 'timescaledb' | 'portable';
  /** the TimescaleDB extension version, null on the portable store */
  extensionVersion: string | null;
  serverVersion: string;
  /** TimescaleDB background jobs (policies); empty on the portable store */
  jobs: { id: number; proc: string; hypertable: string | null; schedule: string | null }[];
  /** partitions (portable) or chunks (TimescaleDB) per table */
  partitions: Record<string, number>;
  ok: boolean;
  problems: string[];
}

/**
 * The time-series store: append-only snapshots, observations and changes, written in idempotent
 * batches, read within the current actor's jurisdiction.
 *
 * Access: writes run as an actor whose jurisdiction covers every row (crawlers run as system);
 * maintenance (`ensureSchema`, `detectChanges`, `refreshRollups`, `applyRetention`) needs a
 * whole-database actor; reads are scoped by `jurisdictionSql('region_code')`.
 */
export interface TimeSeriesStore {
  readonly implementation: 'timescaledb' | 'portable';
  /** Creates tables, indexes, partitions/hypertables, rollups/aggregates and policies; idempotent. */
  ensureSchema(): Promise<void>;
  /** Reports the implementation, extension version, jobs and partitions/chunks. */
  selfCheck(): Promise<SelfCheckReport>;
  writeSnapshots(rows: readonly ShopSnapshotRow[]): Promise<WriteResult>;
  writeObservations(rows: readonly ListingObservationRow[]): Promise<WriteResult>;
  writeChanges(rows: readonly ListingChangeRow[]): Promise<WriteResult>;
  /**
   * Computes the changes of observations and snapshots in `range` against each subject's previous
   * one (which may lie before the range) and writes them; idempotent. Returns what was new.
   */
  detectChanges(range: TimeRange): Promise<ChangeCounts>;
  /** Changes in `range`, scoped to the current actor, oldest first. */
  changes(range: TimeRange): Promise<ListingChangeRow[]>;
  /** One shop's snapshots in `range`, newest first, at most `limit`; scoped to the current actor. */
  snapshots(shopId: number, range: TimeRange, limit: number): Promise<ShopSnapshotRow[]>;
  /** Each shop's newest snapshot, by shop id (shops without one, or outside the current actor's scope, absent). */
  latestSnapshots(shopIds: readonly number[]): Promise<Map<number, ShopSnapshotRow>>;
  /**
   * Changes matching `query`, newest first, a page at a time (keyset: pass the last row's `cursor` as
   * `after`); scoped to the current actor. `total` is counted only when asked.
   */
  findChanges(query: ChangeQuery): Promise<{ rows: Array<ListingChangeRow & { cursor: string }>; total: number | null }>;
  /** One listing's prices in buckets (`'1 hour'`, `'1 day'`, `'7 days'` …), from the raw observations. */
  priceHistory(listingId: number, range: TimeRange, bucket: string): Promise<PricePoint[]>;
  /**
   * Mean price per day over the region prefix (default: the whole jurisdiction), from the daily rollup;
   * with `category` (a normalised path, see `PriceMoveQuery.category`) only the listings under that category.
   */
  dailyPriceIndex(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyPriceIndexPoint[]>;
  /** Listings, shops and observations per county region and day, from the daily rollup; `category` as `dailyPriceIndex`. */
  dailyListingCounts(regionPrefix: string | undefined, range: TimeRange, category?: string): Promise<DailyListingCountPoint[]>;
  /**
   * The biggest price moves in the range, by |percent| (then newest first, kind, subject id), at most
   * `first`; scoped to the current actor.
   */
  priceMoves(query: PriceMoveQuery): Promise<ListingChangeRow[]>;
  /**
   * One level of the category tree over the current (not removed) listings of the register visible to the
   * actor: the top-level segments (`parent` undefined) or the children of the normalised path `parent`.
   * Listings without a category, or whose path ends at `parent`, count under no entry. Ordered by listings
   * descending, then path.
   */
  marketCategories(regionPrefix: string | undefined, parent: string | undefined): Promise<MarketCategoryRow[]>;
  /** Recomputes the daily rollups (portable) or refreshes the continuous aggregates for whole days of `range`. */
  refreshRollups(range: TimeRange): Promise<void>;
  /**
   * Drops raw data older than `olderThan` in whole months (portable partitions) or whole chunks
   * (TimescaleDB); never touches a row at or after `olderThan`. Rollups are kept. Returns what was dropped.
   */
  applyRetention(olderThan: Date): Promise<string[]>;
}
