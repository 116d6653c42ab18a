import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';

/** What happened to a shop's register record. */
export enum ShopEventKind {
  DISCOVERED = 'discovered',
  FILED = 'filed',
  UPDATED = 'updated',
  MARKED_LINK_DEAD = 'marked_link_dead',
  MARKED_NOT_IN_JURISDICTION = 'marked_not_in_jurisdiction',
  MARKED_INFO_MISMATCH = 'marked_info_mismatch',
  RESTORED = 'restored',
}

/** One step in a shop's filing and maintenance history (append-only). */
@ObjectType('ShopEvent', { description: 'One step of a shop\'s filing and maintenance history' })
@Entity({ tableName: 'shop_event' })
@Filter(jurisdictionFilter())
export class ShopEvent implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  @Field(() => ShopEventKind)
  @Enum({ items: () => ShopEventKind, nativeEnumName: 'shop_event_kind' })
  kind!: ShopEventKind;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  /** region of the shop when the event happened (jurisdiction scope) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  actorName!: string;

  @Property({ type: 'integer', nullable: true })
  actorUnitId: number | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = new Date();
}
