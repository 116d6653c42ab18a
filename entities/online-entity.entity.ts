import { Entity, Enum, Filter, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';

/** Registration status of a business in the market-entity register. */
export enum RegistrationStatus {
  /** 存续/在业 */
  ACTIVE = 'active',
  /** 吊销 */
  REVOKED = 'revoked',
  /** 注销 */
  CANCELLED = 'cancelled',
  /** 迁出 */
  MOVED_OUT = 'moved_out',
}

/**
 * A business in the register of online businesses (经济户口), identified by its unified social credit
 * code (USCC, GB 32100-2015). One entity has many shops. Jurisdiction-bound by its region.
 */
@ObjectType('OnlineEntity', { description: 'A registered business in the register of online businesses (经济户口)' })
@Entity({ tableName: 'online_entity' })
@Filter(jurisdictionFilter())
export class OnlineEntity implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: 'unified social credit code (GB 32100-2015)' })
  @Property({ type: 'string', length: 18, unique: true })
  uscc!: string;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  legalRepresentative: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 300, nullable: true })
  address: string | null = null;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => RegistrationStatus)
  @Enum({ items: () => RegistrationStatus, nativeEnumName: 'registration_status' })
  registrationStatus: RegistrationStatus & Opt = RegistrationStatus.ACTIVE;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  businessScope: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
