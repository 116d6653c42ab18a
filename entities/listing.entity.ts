import { Entity, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';

/**
 * One product listing of a shop, as the listing spider finds it. Its observations (price, original
 * price, promotion, sales, stock over time) live in the time-series store (store), keyed by
 * the listing id. Jurisdiction-bound by the shop's region.
 */
@ObjectType('Listing', { description: 'One product listing of a shop, as the spiders find it' })
@Entity({ tableName: 'listing' })
@Filter(jurisdictionFilter())
export class Listing implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  @Field(() => String)
  @Property({ type: 'string', length: 1000, unique: true })
  url!: string;

  @Field(() => String, { nullable: true, description: 'the id the platform gives the listing' })
  @Property({ type: 'string', length: 64, nullable: true })
  platformListingId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 500, nullable: true })
  title: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  category: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  firstSeenAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  lastSeenAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when the shop stopped listing it' })
  @Property({ type: 'datetime', nullable: true })
  removedAt: Date | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;
}
