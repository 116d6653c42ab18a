import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { OnlineEntity } from './online-entity.entity';
import { Shop } from './shop.entity';

/**
 * An e-commerce platform operator that reports the businesses on it (平台报送, E-commerce Law art. 28).
 * `name` is the platform's name as the register writes it on its shops (`Shop.platform`, e.g. 京东), which
 * is how a reported shop and a crawled one meet. Registered by the province bureau; not jurisdiction-bound.
 */
@ObjectType('EcommercePlatform', { description: 'An e-commerce platform that reports the shops on it (平台报送)' })
@Entity({ tableName: 'ecommerce_platform' })
export class EcommercePlatform {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'short code, e.g. jd' })
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Field(() => String, { description: 'the platform name as the register writes it on shops (Shop.platform)' })
  @Property({ type: 'string', length: 100, unique: true })
  name!: string;

  @Field(() => String, { nullable: true, description: "the platform operator's USCC" })
  @Property({ type: 'string', length: 18, nullable: true })
  operatorUscc: string | null = null;

  @Field(() => Int, { description: 'day of the month by which the full report of the previous month is due' })
  @Property({ type: 'integer' })
  reportDueDay: number & Opt = 10;

  /** the province: only a province-level actor may write a platform (the access rule's write check), every unit reads them */
  @Property({ type: 'string', length: 12 })
  regionCode: string & Opt = '37';

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}

/** One row-level problem of a platform report. */
export interface ReportRowError {
  /** 1-based: the line of a JSON Lines file, the row of a sheet (header = 1), the index + 1 in a GraphQL list */
  row: number;
  field: string | null;
  reason: string;
}

/**
 * One report a platform sent (full snapshot of its shops in Shandong, or a delta), identified by the
 * platform's own report id: sending the same id again with the same content answers the stored outcome
 * (idempotent); with other content it is refused, unless the first was rejected. Rejected (any row error)
 * writes no shop. Province-level record (region 37).
 */
@Entity({ tableName: 'platform_report' })
@Unique({ properties: ['platform', 'reportId'] })
@Filter(jurisdictionFilter())
export class PlatformReport implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => EcommercePlatform, { ref: true, deleteRule: 'restrict' })
  platform!: Ref<EcommercePlatform>;

  @Property({ type: 'string', length: 100 })
  reportId!: string;

  /** full: every shop of the platform in Shandong (those missing are marked absent); delta: changes only */
  @Property({ type: 'string', length: 8 })
  mode!: 'full' | 'delta';

  /** graphql, jsonl, csv or xlsx */
  @Property({ type: 'string', length: 8 })
  format!: string;

  /** of the canonical content (the file's bytes; for GraphQL the JSON of the rows) */
  @Property({ type: 'string', length: 64 })
  sha256!: string;

  /** committed or rejected */
  @Property({ type: 'string', length: 16 })
  status!: 'committed' | 'rejected';

  /** the moment the report describes (default: when it was received) */
  @Property({ type: 'datetime' })
  asOf!: Date;

  @Property({ type: 'integer' })
  totalRows!: number;

  @Property({ type: 'integer' })
  created: number & Opt = 0;

  @Property({ type: 'integer' })
  updated: number & Opt = 0;

  @Property({ type: 'integer' })
  unchanged: number & Opt = 0;

  /** full mode: shops reported before and missing from this report */
  @Property({ type: 'integer' })
  absent: number & Opt = 0;

  @Property({ type: 'integer' })
  rejected: number & Opt = 0;

  /** the first STORED_REPORT_ERRORS row errors; the count of all is `rejected` + errors beyond */
  @Property({ type: 'json' })
  errors: ReportRowError[] & Opt = [];

  @Property({ type: 'integer' })
  errorCount: number & Opt = 0;

  @Property({ type: 'json' })
  warnings: string[] & Opt = [];

  @Property({ type: 'string', length: 12 })
  regionCode: string & Opt = '37';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  receivedAt: Date & Opt = new Date();
}

export enum PlatformShopStatus {
  OPEN = 'open',
  CLOSED = 'closed',
}

/**
 * A shop as a platform reports it: the platform's latest word on it, one row per (platform, platform shop
 * id). Linked to the register's shop when one matches (same URL, or same platform and platform shop id).
 * Its region: the registered entity's of its USCC, else the USCC's division code, else the province.
 */
@ObjectType('PlatformShop', { description: 'A shop as its platform reports it (平台报送)' })
@Entity({ tableName: 'platform_shop' })
@Unique({ properties: ['platform', 'platformShopId'] })
@Filter(jurisdictionFilter())
export class PlatformShop implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => EcommercePlatform, { ref: true, deleteRule: 'restrict' })
  platform!: Ref<EcommercePlatform>;

  @Field(() => String)
  @Property({ type: 'string', length: 64 })
  platformShopId!: string;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 1000 })
  url!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  operatorName!: string;

  @Field(() => String, { nullable: true })
  @Index()
  @Property({ type: 'string', length: 18, nullable: true })
  uscc: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  address: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  contact: string | null = null;

  @Field(() => PlatformShopStatus)
  @Enum({ items: () => PlatformShopStatus, nativeEnumName: 'platform_shop_status' })
  status!: PlatformShopStatus;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ type: 'date', nullable: true })
  openedOn: string | null = null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ type: 'date', nullable: true })
  closedOn: string | null = null;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Index()
  @ManyToOne(() => Shop, { ref: true, nullable: true, deleteRule: 'set null' })
  shop: Ref<Shop> | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  firstReportedAt!: Date;

  @Field(() => GraphQLISODateTime, { description: 'as of the latest report that named it' })
  @Property({ type: 'datetime' })
  lastReportedAt!: Date;

  @Field(() => String, { description: 'the report id of the latest report that named it' })
  @Property({ type: 'string', length: 100 })
  lastReportId!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'set when a full report no longer names the shop' })
  @Property({ type: 'datetime', nullable: true })
  absentSince: Date | null = null;
}

/** What disagrees between the sources of the register. */
export enum ConflictKind {
  /** the platform says open; the spiders find the shop gone (dead link) */
  OPEN_BUT_GONE = 'open_but_gone',
  /** the platform says closed; the spiders still see the shop online after the closing date */
  CLOSED_BUT_ONLINE = 'closed_but_online',
  /** the USCC the platform reports differs from the one on the shop's page or in the register */
  USCC_MISMATCH = 'uscc_mismatch',
  /** the platform reports an open shop the spiders never found */
  UNKNOWN_TO_CRAWL = 'unknown_to_crawl',
  /** the spiders found a shop on the platform that the platform's reports do not name */
  UNREPORTED = 'unreported',
  /** the entity is deregistered or revoked but its shop is still open */
  DEREGISTERED_STILL_OPEN = 'deregistered_still_open',
}

export enum ConflictStatus {
  OPEN = 'open',
  /** the sources agree again (found by a later reconciliation) */
  RESOLVED = 'resolved',
  /** reviewed and set aside with a reason; not raised again while the facts stay the same */
  DISMISSED = 'dismissed',
  /** a clue was raised from it */
  CLUE_RAISED = 'clue_raised',
}

/**
 * One disagreement between the register's sources (crawl, platform report, registration data), found
 * by the reconciliation (services/registry/platform-reports/reconcile.ts), one row per (kind, subject),
 * reviewed by the unit whose jurisdiction holds its region.
 */
@ObjectType('ReconciliationConflict', { description: 'A disagreement between the sources of the register (对账差异), for review' })
@Entity({ tableName: 'reconciliation_conflict' })
@Unique({ properties: ['kind', 'subject'] })
@Filter(jurisdictionFilter())
export class ReconciliationConflict implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => ConflictKind)
  @Enum({ items: () => ConflictKind, nativeEnumName: 'conflict_kind' })
  kind!: ConflictKind;

  /** `platform_shop:<id>` or `shop:<id>`: what the conflict is about */
  @Property({ type: 'string', length: 64 })
  subject!: string;

  @ManyToOne(() => EcommercePlatform, { ref: true, nullable: true, deleteRule: 'cascade' })
  platform: Ref<EcommercePlatform> | null = null;

  @ManyToOne(() => PlatformShop, { ref: true, nullable: true, deleteRule: 'cascade' })
  platformShop: Ref<PlatformShop> | null = null;

  @ManyToOne(() => Shop, { ref: true, nullable: true, deleteRule: 'cascade' })
  shop: Ref<Shop> | null = null;

  @ManyToOne(() => OnlineEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  entity: Ref<OnlineEntity> | null = null;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the disagreeing values, by source */
  @Property({ type: 'json' })
  details!: Record<string, unknown>;

  @Field(() => ConflictStatus)
  @Enum({ items: () => ConflictStatus, nativeEnumName: 'conflict_status' })
  status: ConflictStatus & Opt = ConflictStatus.OPEN;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  firstDetectedAt!: Date;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  lastDetectedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'who dismissed it or raised the clue' })
  @Property({ type: 'string', length: 100, nullable: true })
  reviewedBy: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  reviewNote: string | null = null;

  @Field(() => ID, { nullable: true, description: 'the clue raised from it' })
  @Property({ type: 'integer', nullable: true })
  clueId: number | null = null;
}
