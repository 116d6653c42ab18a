import { Entity, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { OnlineEntity } from './online-entity.entity';

/**
 * The kinds of administrative penalty (行政处罚的种类, 中华人民共和国行政处罚法 第九条), as the penalty
 * exports of 信用中国 and the enforcement systems name them in 处罚类别.
 */
export enum PenaltyCategory {
  /** 警告 */
  WARNING = 'warning',
  /** 通报批评 */
  PUBLIC_CRITICISM = 'public_criticism',
  /** 罚款 */
  FINE = 'fine',
  /** 没收违法所得 */
  CONFISCATION_OF_ILLEGAL_GAINS = 'confiscation_of_illegal_gains',
  /** 没收非法财物 */
  CONFISCATION_OF_ILLEGAL_PROPERTY = 'confiscation_of_illegal_property',
  /** 暂扣许可证件 */
  LICENCE_SUSPENDED = 'licence_suspended',
  /** 降低资质等级 */
  QUALIFICATION_LOWERED = 'qualification_lowered',
  /** 吊销许可证件 (吊销营业执照) */
  LICENCE_REVOKED = 'licence_revoked',
  /** 限制开展生产经营活动 */
  BUSINESS_RESTRICTED = 'business_restricted',
  /** 责令停产停业 */
  PRODUCTION_SUSPENDED = 'production_suspended',
  /** 责令关闭 */
  CLOSURE_ORDERED = 'closure_ordered',
  /** 限制从业 */
  PRACTICE_RESTRICTED = 'practice_restricted',
  /** 行政拘留 */
  DETENTION = 'detention',
  /** 其他 (法律、行政法规规定的其他行政处罚) */
  OTHER = 'other',
}

/**
 * An administrative penalty decision (行政处罚决定) against a registered business, as another body
 * publishes it (信用中国, the enforcement system; shared data, issue 16): decision number, the facts and
 * basis, the kinds of penalty, the amounts in yuan, the day and the authority. Unique by decision number
 * (行政处罚决定书文号): importing the same file again writes nothing, a corrected row updates its decision.
 * Kept with the import batch it came from. Jurisdiction-bound by the business's region.
 */
@ObjectType('AdministrativePenalty', { description: 'An administrative penalty decision (行政处罚) against a registered business, imported from another body, with its source' })
@Entity({ tableName: 'administrative_penalty' })
@Filter(jurisdictionFilter())
export class AdministrativePenalty implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String, { description: '行政处罚决定书文号' })
  @Property({ type: 'string', length: 100, unique: 'administrative_penalty_decision_number_unique' })
  decisionNumber!: string;

  @Index()
  @ManyToOne(() => OnlineEntity, { ref: true, deleteRule: 'cascade' })
  entity!: Ref<OnlineEntity>;

  @Field(() => String, { description: 'unified social credit code of the party' })
  @Index({ name: 'administrative_penalty_uscc_index' })
  @Property({ type: 'string', length: 18 })
  uscc!: string;

  @Field(() => String, { nullable: true, description: 'the party as the file names it (当事人名称, 行政相对人名称)' })
  @Property({ type: 'string', length: 200, nullable: true })
  partyName: string | null = null;

  @Field(() => String, { nullable: true, description: '违法行为类型' })
  @Property({ type: 'text', nullable: true })
  violationType: string | null = null;

  @Field(() => String, { nullable: true, description: '违法事实' })
  @Property({ type: 'text', nullable: true })
  violationFacts: string | null = null;

  @Field(() => String, { nullable: true, description: '处罚依据' })
  @Property({ type: 'text', nullable: true })
  legalBasis: string | null = null;

  @Field(() => String, { description: '处罚类别 as the file gives it' })
  @Property({ type: 'string', length: 200 })
  penaltyType!: string;

  @Field(() => [PenaltyCategory], { description: 'the kinds of penalty 处罚类别 names' })
  @Property({ type: 'array', columnType: 'text[]' })
  categories!: PenaltyCategory[];

  @Field(() => String, { nullable: true, description: '处罚内容' })
  @Property({ type: 'text', nullable: true })
  content: string | null = null;

  @Field(() => String, { nullable: true, description: 'fine (罚款金额) in yuan, a decimal string (万元 converted)' })
  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  fineAmount: string | null = null;

  @Field(() => String, { nullable: true, description: 'confiscated illegal gains and property (没收违法所得、没收非法财物的金额) in yuan, a decimal string' })
  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  confiscationAmount: string | null = null;

  @Field(() => String, {
    nullable: true,
    description: 'fines and confiscations together (罚没金额) in yuan, a decimal string: as the file gives it, else the sum of the two amounts given',
  })
  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  totalAmount: string | null = null;

  @Field(() => String, { description: '处罚决定日期, YYYY-MM-DD' })
  @Property({ type: 'date' })
  decisionDate!: string;

  @Field(() => String, { nullable: true, description: '处罚机关' })
  @Property({ type: 'string', length: 200, nullable: true })
  authority: string | null = null;

  /** the business's region when imported (jurisdiction scope) */
  @Field(() => String)
  @Index({ name: 'administrative_penalty_region_code_index' })
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => ID, { description: 'the import batch this decision was last written by (importBatches: its file, who imported it, when)' })
  @Property({ type: 'integer' })
  importBatchId!: number;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
