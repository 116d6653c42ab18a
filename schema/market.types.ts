import { GraphQLJSONObject } from 'graphql-scalars';
import { IsOptional, Matches, Max, Min } from 'class-validator';
import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ChangeKind as StoreChangeKind } from '../store';
import { CrawlKind, CrawlRun, Listing, ShopClassification } from '../entities';
import { ConnectionType } from './connection';

/** What changed (the store's change kinds). */
export enum ChangeKind {
  PRICE_UP = 'price_up',
  PRICE_DOWN = 'price_down',
  LISTING_NEW = 'listing_new',
  LISTING_REMOVED = 'listing_removed',
  LICENCE_CHANGED = 'licence_changed',
}
registerEnumType(ChangeKind, { name: 'ChangeKind', description: 'Price up or down, listing new or removed, licence block (亮照) changed' });

/** Which price moves `priceMoves` returns (the store's `PriceMoveDirection`). */
export enum PriceMoveDirection {
  UP = 'up',
  DOWN = 'down',
  ANY = 'any',
}
registerEnumType(PriceMoveDirection, { name: 'PriceMoveDirection', description: 'Price rises (UP), falls (DOWN) or both (ANY)' });

/** A half-open time range [from, to). */
@InputType('TimeRangeInput')
export class TimeRangeInput {
  @Field(() => GraphQLISODateTime)
  from!: Date;

  @Field(() => GraphQLISODateTime)
  to!: Date;
}

@ObjectType('ShopSnapshot', { description: 'What a shop page showed at one moment (licence fields as seen, not as registered)' })
export class ShopSnapshotType {
  @Field(() => GraphQLISODateTime)
  observedAt!: Date;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true, description: '亮照: company name shown' })
  licenceName!: string | null;

  @Field(() => String, { nullable: true, description: '亮照: USCC shown' })
  licenceUscc!: string | null;

  @Field(() => String, { nullable: true, description: '亮照: address shown' })
  licenceAddress!: string | null;

  @Field(() => String, { nullable: true })
  contact!: string | null;

  @Field(() => String, { nullable: true, description: '食品经营许可证 number shown' })
  foodLicence!: string | null;

  @Field(() => Int, { nullable: true })
  listingCount!: number | null;

  @Field(() => String, { description: 'SHA-256 of the page (and licence page) as fetched' })
  contentHash!: string;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the captured shop page in the evidence store' })
  evidenceSha256!: string | null;
}

@ObjectType('PricePoint', { description: "A listing's prices in one time bucket" })
export class PricePointType {
  @Field(() => GraphQLISODateTime)
  bucket!: Date;

  @Field(() => Float)
  avgPrice!: number;

  @Field(() => Float)
  minPrice!: number;

  @Field(() => Float)
  maxPrice!: number;

  @Field(() => Int)
  observations!: number;
}

@ObjectType('ListingChange', { description: 'One detected change of a listing (price, new, removed) or of a shop (licence block)' })
export class ListingChangeType {
  @Field(() => ChangeKind)
  kind!: StoreChangeKind;

  @Field(() => ID)
  shopId!: number;

  @Field(() => ID, { nullable: true })
  listingId!: number | null;

  @Field(() => String)
  regionCode!: string;

  @Field(() => GraphQLISODateTime, { description: 'when the observation that revealed it was made' })
  observedAt!: Date;

  @Field(() => Float, { nullable: true, description: 'price difference in yuan (after − before)' })
  amount!: number | null;

  @Field(() => Float, { nullable: true, description: 'price difference in percent of the previous price' })
  percent!: number | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  after!: Record<string, unknown> | null;
}

export const ListingChangeConnection = ConnectionType('ListingChange', ListingChangeType);
export const ListingConnection = ConnectionType('Listing', Listing);
export const CrawlRunConnection = ConnectionType('CrawlRun', CrawlRun);

@ObjectType('DailyPriceIndexPoint', { description: 'Mean observed price over a region on one day' })
export class DailyPriceIndexPointType {
  @Field(() => GraphQLISODateTime)
  day!: Date;

  @Field(() => Float)
  avgPrice!: number;

  @Field(() => Int)
  listings!: number;

  @Field(() => Int)
  observations!: number;
}

@ObjectType('DailyListingCount', { description: 'Listings, shops and observations of one county on one day' })
export class DailyListingCountType {
  @Field(() => GraphQLISODateTime)
  day!: Date;

  @Field(() => String)
  regionCode!: string;

  @Field(() => Int)
  listings!: number;

  @Field(() => Int)
  shops!: number;

  @Field(() => Int)
  observations!: number;
}

@ObjectType('MarketCategory', { description: 'One node of the category tree of the current listings: a path segment and what lies under it' })
export class MarketCategoryType {
  @Field(() => String, { description: 'the segment ("酒类")' })
  name!: string;

  @Field(() => String, { description: "the normalised full path, segments joined with '/' (\"食品/酒类\"); pass it as `category` or `parent`" })
  path!: string;

  @Field(() => Int, { description: 'current (not removed) listings under this path' })
  listings!: number;

  @Field(() => Int, { description: 'distinct shops of those listings' })
  shops!: number;
}

@InputType('ChangeFilter')
export class ChangeFilter {
  @Field(() => TimeRangeInput, { nullable: true })
  range?: TimeRangeInput;

  @Field(() => [ChangeKind], { nullable: true })
  kinds?: StoreChangeKind[];

  @Field(() => String, { nullable: true, description: 'region code prefix (within your jurisdiction)' })
  @IsOptional()
  @Matches(/^\d{2,12}$/)
  regionCode?: string;

  @Field(() => ID, { nullable: true })
  shopId?: string;

  @Field(() => ID, { nullable: true })
  listingId?: string;
}

@InputType('StartCrawlInput')
export class StartCrawlInput {
  @Field(() => CrawlKind)
  kind!: CrawlKind;

  @Field(() => String, { nullable: true, description: 'region whose shops are crawled (default: your jurisdiction)' })
  regionCode?: string;

  @Field(() => [ID], { nullable: true, description: 'shops/listings crawls: only these shops' })
  shopIds?: string[];

  @Field(() => [ShopClassification], { nullable: true, description: 'shops/listings crawls: only shops of these classes' })
  classifications?: ShopClassification[];

  @Field(() => [String], { nullable: true, description: 'discovery: directory or site-list URLs on allowed crawl origins (default: the configured seeds)' })
  seeds?: string[];

  @Field(() => Boolean, { nullable: true, description: 'shops crawls only: also photograph the shop home pages read (chromium, at most CRAWL_SCREENSHOTS_MAX per run), kept as screenshot evidence' })
  screenshots?: boolean;
}
