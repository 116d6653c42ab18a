import { Entity, Filter, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';

/**
 * One change written by a mutation, a CLI command or a job: who, when, which operation, what row,
 * before and after. Written by the flush subscriber for every audited entity (never by hand), so no
 * write can skip it. Jurisdiction-bound by the region of the changed row — and, when the change moved
 * the row to another region, by the region it left, so both sides see the move.
 */
@ObjectType('AuditEntry', { description: 'One audited change: who, when, which operation, what row, before and after' })
@Entity({ tableName: 'audit_entry' })
@Filter(jurisdictionFilter('regionCode', 'previousRegionCode'))
export class AuditEntry implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Field(() => GraphQLISODateTime)
  @Index()
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = new Date();

  @Field(() => String)
  @Property({ type: 'string', length: 16 })
  actorKind!: string;

  @Property({ type: 'integer', nullable: true })
  actorId: number | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  actorName!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  actorUnitId: number | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  operation!: string;

  @Field(() => String)
  @Index({ properties: ['entityType', 'entityId'] })
  @Property({ type: 'string', length: 64 })
  entityType!: string;

  @Field(() => ID)
  @Property({ type: 'string', length: 64 })
  entityId!: string;

  /** create, update or delete */
  @Field(() => String)
  @Property({ type: 'string', length: 16 })
  action!: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  before: Record<string, unknown> | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  after: Record<string, unknown> | null = null;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the region the row left, when the change moved it */
  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 12, nullable: true })
  previousRegionCode: string | null = null;
}
