/**
 * Reads of the watched market for the API: a shop's snapshots and listings, a listing's price history,
 * detected changes, the daily price index and listing counts per region (optionally of one category), the
 * biggest price moves and the category tree of the current listings. Time-series and category reads go
 * through the store (scoped to the caller by the jurisdiction rule); register reads through the ORM filter.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  checkBucket,
  type ChangeKind,
  InvalidCursorError,
  type ListingChangeRow,
  type PriceMoveDirection,
  type TimeRange,
  type TimeSeriesStore,
} from '../../store';
import { categorySegments } from '../../kernel/rules/text';
import { inJurisdiction, Listing } from '../../entities';
import type { Connection } from '../../schema/connection';
import { NotFoundError, UserInputError } from '../errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Page, paginate } from '../pagination';
import { getShop } from '../registry/shop.queries';

const DAY = 86_400_000;
/** Longest range of one read: a bit over a year, the span the dashboard compares. */
const MAX_RANGE_DAYS = 400;
/** Most buckets one price history returns. */
const MAX_BUCKETS = 5000;

export function checkRange(range: TimeRange, field = 'range'): TimeRange {
  const from = range.from.getTime();
  const to = range.to.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new UserInputError(`${field}: from and to must be dates`, field);
  if (to <= from) throw new UserInputError(`${field}: "to" must be after "from"`, field);
  if (to - from > MAX_RANGE_DAYS * DAY) throw new UserInputError(`${field}: at most ${MAX_RANGE_DAYS} days at a time`, field);
  return range;
}

function checkRegion(regionCode: string | null | undefined): string | undefined {
  if (!regionCode) return undefined;
  if (!/^\d{2,12}$/u.test(regionCode)) throw new UserInputError(`regionCode: "${regionCode}" is not a division code`, 'regionCode');
  if (!inJurisdiction(regionCode)) throw new NotFoundError('region', regionCode);
  return regionCode;
}

/** A shop's snapshots in `range`, newest first (the shop must be visible to the caller). */
export async function shopSnapshots(em: EntityManager, store: TimeSeriesStore, shopId: number, range: TimeRange, limit: number) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UserInputError('limit: between 1 and 1000', 'limit');
  return store.snapshots(shopId, checkRange(range), limit);
}

/** A page of a shop's listings, newest first; removed ones only when asked. */
export async function shopListings(em: EntityManager, shopId: number, includeRemoved: boolean, page: Page): Promise<Connection<Listing>> {
  const where = includeRemoved ? { shop: shopId } : { shop: shopId, removedAt: null };
  return paginate(em, Listing, where, { id: 'desc' }, page);
}

export async function getListing(em: EntityManager, id: string | number): Promise<Listing> {
  const n = Number(id);
  const listing = Number.isInteger(n) && n > 0 ? await em.findOne(Listing, { id: n }) : null;
  if (!listing) throw new NotFoundError('listing', id);
  return listing;
}

export function listingPriceHistory(store: TimeSeriesStore, listingId: number, range: TimeRange, bucket: string) {
  let width: string;
  try {
    width = checkBucket(bucket);
  } catch (error) {
    throw new UserInputError(`bucket: ${(error as Error).message}`, 'bucket');
  }
  checkRange(range);
  const [, n, unit] = /^\s*(\d+)\s+(minute|hour|day|week)/iu.exec(width) ?? [];
  const ms = Number(n) * { minute: 60_000, hour: 3_600_000, day: DAY, week: 7 * DAY }[unit.toLowerCase() as 'minute'];
  if ((range.to.getTime() - range.from.getTime()) / ms > MAX_BUCKETS) throw new UserInputError(`bucket: at most ${MAX_BUCKETS} buckets per range; choose a wider bucket`, 'bucket');
  return store.priceHistory(listingId, range, width);
}

export interface ChangeFilterInput {
  range?: TimeRange;
  kinds?: ChangeKind[];
  regionCode?: string | null;
  shopId?: string | number | null;
  listingId?: string | number | null;
}

/** Detected changes, newest first, as a Relay connection (forward paging). */
export async function findChanges(
  store: TimeSeriesStore,
  filter: ChangeFilterInput,
  page: Page,
): Promise<Connection<ListingChangeRow>> {
  if (page.last != null || page.before != null) throw new UserInputError('changes page forward only: use first and after');
  const size = page.first ?? DEFAULT_PAGE_SIZE;
  if (size < 0 || size > MAX_PAGE_SIZE) throw new UserInputError(`page size must be between 0 and ${MAX_PAGE_SIZE}`);
  const id = (v: string | number | null | undefined, field: string) => {
    if (v == null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new UserInputError(`${field}: not an id`, field);
    return n;
  };
  let result;
  try {
    result = await store.findChanges({
      range: filter.range ? checkRange(filter.range) : undefined,
      kinds: filter.kinds,
      regionPrefix: checkRegion(filter.regionCode),
      shopId: id(filter.shopId, 'shopId'),
      listingId: id(filter.listingId, 'listingId'),
      first: size + 1,
      after: page.after ?? undefined,
      withTotal: page.countTotal !== false,
    });
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new UserInputError(error.message, 'after');
    throw error;
  }
  const rows = result.rows.slice(0, size);
  const edges = rows.map((row) => ({ cursor: row.cursor, node: row }));
  return {
    edges,
    nodes: rows,
    totalCount: result.total ?? -1,
    pageInfo: {
      hasNextPage: result.rows.length > size,
      hasPreviousPage: page.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Longest category path accepted (the register's `listing.category` holds at most 200 characters). */
const MAX_CATEGORY_LENGTH = 200;

/**
 * A category path prefix from the client ("食品", "食品/酒类", "食品 > 酒类"), normalised as the store compares
 * it: `categorySegments(…).join('/')`. Absent → undefined; blank, separators only or too long → UserInputError.
 */
export function checkCategory(category: string | null | undefined, field = 'category'): string | undefined {
  if (category == null) return undefined;
  if (category.length > MAX_CATEGORY_LENGTH) throw new UserInputError(`${field}: at most ${MAX_CATEGORY_LENGTH} characters`, field);
  const path = categorySegments(category).join('/');
  if (!path) throw new UserInputError(`${field}: must name a category path such as "食品" or "食品/酒类" (got "${category}")`, field);
  return path;
}

/** Mean observed price per day; with a category, over the listings whose category starts with it. */
export function dailyPriceIndex(store: TimeSeriesStore, regionCode: string | null | undefined, range: TimeRange, category?: string | null) {
  return store.dailyPriceIndex(checkRegion(regionCode), checkRange(range), checkCategory(category));
}

/** Listings, shops and observations per county and day; with a category, of the listings under it. */
export function dailyListingCounts(store: TimeSeriesStore, regionCode: string | null | undefined, range: TimeRange, category?: string | null) {
  return store.dailyListingCounts(checkRegion(regionCode), checkRange(range), checkCategory(category));
}

/** Most price moves one read returns. */
export const MAX_PRICE_MOVES = 100;

export interface PriceMovesInput {
  range: TimeRange;
  regionCode?: string | null;
  category?: string | null;
  direction?: PriceMoveDirection | null;
  first?: number | null;
}

/** The biggest price moves (by |percent|) observed in the range, within the caller's jurisdiction. */
export function priceMoves(store: TimeSeriesStore, input: PriceMovesInput): Promise<ListingChangeRow[]> {
  const first = input.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PRICE_MOVES) throw new UserInputError(`first: between 1 and ${MAX_PRICE_MOVES}`, 'first');
  return store.priceMoves({
    range: checkRange(input.range),
    regionPrefix: checkRegion(input.regionCode),
    category: checkCategory(input.category),
    direction: input.direction ?? 'any',
    first,
  });
}

/** One level of the category tree over the current listings the caller may see (top level, or the children of `parent`). */
export function marketCategories(store: TimeSeriesStore, regionCode: string | null | undefined, parent: string | null | undefined) {
  return store.marketCategories(checkRegion(regionCode), checkCategory(parent, 'parent'));
}

export { getShop };
