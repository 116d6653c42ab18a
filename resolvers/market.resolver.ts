import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { ListingChangeRow } from '../store';
import { Listing, Shop } from '../entities';
import { PageArgs } from '../schema/connection';
import {
  ChangeFilter,
  DailyListingCountType,
  DailyPriceIndexPointType,
  ListingChangeConnection,
  ListingChangeType,
  ListingConnection,
  MarketCategoryType,
  PriceMoveDirection,
  PricePointType,
  ShopSnapshotType,
  TimeRangeInput,
} from '../schema/market.types';
import { Permission } from '../services/access/permissions';
import {
  dailyListingCounts,
  dailyPriceIndex,
  findChanges,
  getListing,
  listingPriceHistory,
  marketCategories,
  priceMoves,
  shopListings,
  shopSnapshots,
} from '../services/crawl/market.queries';
import { NotFoundError } from '../services/errors';
import type { Context } from './context';
import { selects } from './selection';

/** What the `category` argument of the market reads means. */
const CATEGORY_ARG =
  'a category path prefix ("食品" or "食品/酒类"): listings whose category starts with it segment by segment (segments split on / > » | ｜ \\, ' +
  'full-width forms and spaces ignored); "食品" matches "食品 > 酒类" but not "食品饮料"';

/** The watched market: snapshots, listings, prices, changes, daily indexes. */
@Resolver(() => Shop)
export class ShopMarketResolver {
  @Authorized(Permission.MARKET_READ)
  @FieldResolver(() => [ShopSnapshotType], { description: 'What the shop page showed, newest first (at most `limit`)' })
  snapshots(
    @Root() shop: Shop,
    @Ctx() { em, timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('limit', () => Int, { defaultValue: 100 }) limit: number,
  ) {
    return shopSnapshots(em, timeSeries, shop.id, range, limit);
  }

  @Authorized(Permission.MARKET_READ)
  @FieldResolver(() => ShopSnapshotType, { nullable: true, description: 'What the shop page showed when last seen (null before the first crawl)' })
  latestSnapshot(@Root() shop: Shop, @Ctx() { loaders }: Context) {
    return loaders.latestSnapshot.load(shop.id);
  }

  @Authorized(Permission.MARKET_READ)
  @FieldResolver(() => ListingConnection, { description: 'The listings the spiders found, newest first' })
  listings(
    @Root() shop: Shop,
    @Ctx() { em }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeRemoved', () => Boolean, { defaultValue: false }) includeRemoved: boolean,
    @Info() info: GraphQLResolveInfo,
  ) {
    return shopListings(em, shop.id, includeRemoved, { ...page, countTotal: selects(info, 'totalCount') });
  }
}

@Resolver(() => Listing)
export class ListingResolver {
  @Authorized(Permission.MARKET_READ)
  @Query(() => Listing)
  listing(@Ctx() { em }: Context, @Arg('id', () => ID) id: string) {
    return getListing(em, id);
  }

  @FieldResolver(() => Shop)
  async shop(@Root() listing: Listing, @Ctx() { loaders }: Context) {
    const shop = await loaders.shopById.load(listing.shop.id);
    if (!shop) throw new NotFoundError('shop', listing.shop.id);
    return shop;
  }

  @Authorized(Permission.MARKET_READ)
  @FieldResolver(() => [PricePointType], { description: "The listing's prices per bucket ('1 hour', '1 day', '7 days' …) over the range" })
  priceHistory(
    @Root() listing: Listing,
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('bucket', () => String, { defaultValue: '1 day' }) bucket: string,
  ) {
    return listingPriceHistory(timeSeries, listing.id, range, bucket);
  }
}

@Resolver(() => ListingChangeType)
export class ChangeResolver {
  @Authorized(Permission.MARKET_READ)
  @Query(() => ListingChangeConnection, { description: 'Detected changes (price moves, listings new and removed, licence blocks changed), newest first' })
  changes(
    @Ctx() { timeSeries }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ChangeFilter, { nullable: true }) filter: ChangeFilter | undefined,
    @Info() info: GraphQLResolveInfo,
  ) {
    return findChanges(timeSeries, filter ?? {}, { ...page, countTotal: selects(info, 'totalCount') });
  }

  @FieldResolver(() => Shop, { nullable: true, description: 'the shop (null if outside your jurisdiction)' })
  shop(@Root() change: ListingChangeRow, @Ctx() { loaders }: Context) {
    return loaders.shopById.load(change.shopId);
  }

  @FieldResolver(() => Listing, { nullable: true })
  listing(@Root() change: ListingChangeRow, @Ctx() { loaders }: Context) {
    return change.listingId == null ? null : loaders.listingById.load(change.listingId);
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [DailyPriceIndexPointType], { description: 'Mean observed price per day over a region (default: your jurisdiction), optionally of one category' })
  priceIndex(
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined,
    @Arg('category', () => String, { nullable: true, description: CATEGORY_ARG }) category: string | undefined,
  ) {
    return dailyPriceIndex(timeSeries, regionCode, range, category);
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [DailyListingCountType], { description: 'Listings, shops and observations per county and day (default: your jurisdiction), optionally of one category' })
  listingCounts(
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined,
    @Arg('category', () => String, { nullable: true, description: CATEGORY_ARG }) category: string | undefined,
  ) {
    return dailyListingCounts(timeSeries, regionCode, range, category);
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [ListingChangeType], {
    description: 'The biggest price moves observed in the range (price_up/price_down changes), by |percent| descending, then newest first, kind, subject id',
  })
  priceMoves(
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined,
    @Arg('category', () => String, { nullable: true, description: CATEGORY_ARG }) category: string | undefined,
    @Arg('direction', () => PriceMoveDirection, { nullable: true, defaultValue: PriceMoveDirection.ANY }) direction: PriceMoveDirection | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'how many moves, 1 to 100 (default 20)' }) first: number | null,
  ) {
    return priceMoves(timeSeries, { range, regionCode, category, direction, first });
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [MarketCategoryType], {
    description:
      'One level of the category tree over the current (not removed) listings you may see: the top-level segments, or the children of `parent`; ' +
      'ordered by listings descending, then path. Listings without a category (and those whose path ends at `parent`) are counted under no entry.',
  })
  marketCategories(
    @Ctx() { timeSeries }: Context,
    @Arg('regionCode', () => String, { nullable: true, description: 'region code prefix (within your jurisdiction)' }) regionCode: string | undefined,
    @Arg('parent', () => String, { nullable: true, description: 'a category path ("食品" or "食品/酒类"); absent: the top level' }) parent: string | undefined,
  ) {
    return marketCategories(timeSeries, regionCode, parent);
  }
}

