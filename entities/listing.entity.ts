import { Entity, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';

/**
 * One product listing of a shop, as the listing spider finds it. Its observations (price, original
 * price, promotion, sales, stock over time) live in the time-series store (analytics/store), keyed by
 * the listing id. Jurisdiction-bound by the shop's region.
 */
@Entity({ tableName: 'listing' })
@Filter(jurisdictionFilter())
export class Listing implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  @Property({ type: 'string', length: 1000, unique: true })
  url!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  platformListingId: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  title: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  category: string | null = null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  firstSeenAt: Date & Opt = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  lastSeenAt: Date & Opt = new Date();

  @Property({ type: 'datetime', nullable: true })
  removedAt: Date | null = null;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;
}
