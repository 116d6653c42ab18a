import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { OnlineEntity } from './online-entity.entity';
import { Unit } from './unit.entity';

/** What kind of online presence a shop is. */
export enum ShopClassification {
  /** 电子商务平台经营者 */
  PLATFORM = 'platform',
  /** 自建网站（交易类） */
  OWN_SITE_TRADING = 'own_site_trading',
  /** 自建网站（非交易类） */
  OWN_SITE_NON_TRADING = 'own_site_non_trading',
  /** 平台内经营者 */
  PLATFORM_MERCHANT = 'platform_merchant',
}

/** Filing state (建档). */
export enum FilingStatus {
  /** discovered, not yet filed */
  UNFILED = 'unfiled',
  FILED = 'filed',
}

/** Result of the latest maintenance (比对维护). */
export enum MaintenanceStatus {
  NORMAL = 'normal',
  /** 链接失效 */
  LINK_DEAD = 'link_dead',
  /** 不属于本辖区 */
  NOT_IN_JURISDICTION = 'not_in_jurisdiction',
  /** 信息不一致 */
  INFO_MISMATCH = 'info_mismatch',
}

/**
 * One online presence: a platform, an own website, or a merchant's shop on a platform. May be not yet
 * linked to a registered entity (found by discovery, waiting to be filed). Jurisdiction-bound by region.
 */
@ObjectType('Shop', { description: 'An online presence: platform, own website or merchant shop on a platform' })
@Entity({ tableName: 'shop' })
@Filter(jurisdictionFilter())
export class Shop implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 200 })
  name!: string;

  /** platform name (淘宝, 京东, …) or `自建网站` for own sites */
  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  platform!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 1000, unique: true })
  url!: string;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 255 })
  domain!: string;

  /** the address the spiders fetch when it is not `url` (a platform's own page of the shop, found by discovery) */
  @Field(() => String, { nullable: true, description: 'Address the spiders fetch, when it differs from url' })
  @Property({ type: 'string', length: 1000, nullable: true, unique: true })
  watchUrl: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  icpNumber: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  platformShopId: string | null = null;

  @Field(() => ShopClassification)
  @Enum({ items: () => ShopClassification, nativeEnumName: 'shop_classification' })
  classification!: ShopClassification;

  @Index()
  @ManyToOne(() => OnlineEntity, { ref: true, nullable: true, deleteRule: 'set null' })
  entity: Ref<OnlineEntity> | null = null;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Index()
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'set null' })
  responsibleUnit: Ref<Unit> | null = null;

  @Field(() => FilingStatus)
  @Enum({ items: () => FilingStatus, nativeEnumName: 'filing_status' })
  filingStatus: FilingStatus & Opt = FilingStatus.UNFILED;

  @Field(() => MaintenanceStatus)
  @Enum({ items: () => MaintenanceStatus, nativeEnumName: 'maintenance_status' })
  maintenanceStatus: MaintenanceStatus & Opt = MaintenanceStatus.NORMAL;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  discoveredAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  filedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastMaintainedAt: Date | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
