import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { OnlineEntity } from './online-entity.entity';

/** What a registration system recorded about a business (登记信息变更). */
export enum RegistrationChangeKind {
  /** 设立/成立登记: the business exists (registration status active) */
  ESTABLISHED = 'established',
  /** 变更登记: one registered item changed (名称, 住所, 法定代表人 … see `item`) */
  CHANGED = 'changed',
  /** 注销登记: the business ceased to exist (registration status cancelled) */
  DEREGISTERED = 'deregistered',
  /** 吊销营业执照: the business licence was revoked (registration status revoked) */
  REVOKED = 'revoked',
}

/** The register fields a 变更 row can change (others — 注册资本, 股东 … — are kept as rows only). */
export type RegisterChangeField = 'name' | 'address' | 'legalRepresentative' | 'businessScope';

/**
 * One fact of a business's registration history as another body's registration system exported it
 * (shared data, issue 16): established, an item changed, deregistered or revoked, on a day. Kept for
 * every imported row, with the import batch it came from, so the register shows where each of its values
 * came from and when. Unique by (uscc, kind, change date, item): importing the same file again writes
 * nothing. Jurisdiction-bound by the business's region.
 */
@ObjectType('RegistrationChange', { description: 'A registration fact of a business (设立, 变更, 注销, 吊销) imported from a registration system, with its source' })
@Entity({ tableName: 'registration_change' })
@Unique({ name: 'registration_change_key_unique', properties: ['uscc', 'kind', 'changeDate', 'item'] })
@Filter(jurisdictionFilter())
export class RegistrationChange implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => OnlineEntity, { ref: true, deleteRule: 'cascade' })
  entity!: Ref<OnlineEntity>;

  @Field(() => String, { description: 'unified social credit code of the business' })
  @Property({ type: 'string', length: 18 })
  uscc!: string;

  @Field(() => String, { nullable: true, description: 'the business name as the file gave it (企业名称)' })
  @Property({ type: 'string', length: 200, nullable: true })
  entityName: string | null = null;

  @Field(() => RegistrationChangeKind)
  @Enum({ items: () => RegistrationChangeKind })
  kind!: RegistrationChangeKind;

  @Field(() => String, { description: 'the day of the change (变更日期, else 核准日期), YYYY-MM-DD' })
  @Property({ type: 'date' })
  changeDate!: string;

  @Field(() => String, { description: 'the item changed (变更事项) as the file names it; empty when none' })
  @Property({ type: 'string', length: 100 })
  item: string & Opt = '';

  @Field(() => String, { nullable: true, description: 'the register field the item is (name, address, legalRepresentative, businessScope); null for items the register does not hold' })
  @Property({ type: 'string', length: 32, nullable: true })
  registerField: RegisterChangeField | null = null;

  @Field(() => String, { nullable: true, description: '变更前内容' })
  @Property({ type: 'text', nullable: true })
  beforeValue: string | null = null;

  @Field(() => String, { nullable: true, description: '变更后内容' })
  @Property({ type: 'text', nullable: true })
  afterValue: string | null = null;

  @Field(() => String, { nullable: true, description: 'registration authority (登记机关)' })
  @Property({ type: 'string', length: 200, nullable: true })
  authority: string | null = null;

  @Field(() => String, { nullable: true, description: 'reason given (注销原因, 吊销原因)' })
  @Property({ type: 'text', nullable: true })
  reason: string | null = null;

  @Field(() => Boolean, {
    description: 'true when this change set the register value as it was imported (false: an older change than one already recorded, or an item the register does not hold)',
  })
  @Property({ type: 'boolean' })
  applied: boolean & Opt = false;

  /** the business's region when imported (jurisdiction scope) */
  @Field(() => String)
  @Index({ name: 'registration_change_region_code_index' })
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => ID, { description: 'the import batch this row came from (importBatches: its file, who imported it, when)' })
  @Property({ type: 'integer' })
  importBatchId!: number;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
