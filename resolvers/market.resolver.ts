import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { ListingChangeRow } from '../analytics/store';
import { Listing, Shop } from '../entities';
import { PageArgs } from '../schema/connection';
import {
  ChangeFilter,
  DailyListingCountType,
  DailyPriceIndexPointType,
  ListingChangeConnection,
  ListingChangeType,
  ListingConnection,
  PricePointType,
  ShopSnapshotType,
  TimeRangeInput,
} from '../schema/market.types';
import { Permission } from '../services/access/permissions';
import { dailyListingCounts, dailyPriceIndex, findChanges, getListing, listingPriceHistory, shopListings, shopSnapshots } from '../services/crawl/market.queries';
import { NotFoundError } from '../services/errors';
import type { Context } from './context';
import { selects } from './selection';

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
  @Query(() => [DailyPriceIndexPointType], { description: 'Mean observed price per day over a region (default: your jurisdiction)' })
  priceIndex(
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined,
  ) {
    return dailyPriceIndex(timeSeries, regionCode, range);
  }

  @Authorized(Permission.MARKET_READ)
  @Query(() => [DailyListingCountType], { description: 'Listings, shops and observations per county and day (default: your jurisdiction)' })
  listingCounts(
    @Ctx() { timeSeries }: Context,
    @Arg('range', () => TimeRangeInput) range: TimeRangeInput,
    @Arg('regionCode', () => String, { nullable: true }) regionCode: string | undefined,
  ) {
    return dailyListingCounts(timeSeries, regionCode, range);
  }
}

