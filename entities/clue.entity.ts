import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { Finding } from './finding.entity';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';
import { now } from '../kernel/clock';

/** Where a clue (线索) came from. */
export enum ClueSource {
  /** raised from a rule-check finding */
  FINDING = 'finding',
  /** a complaint or report (投诉举报) */
  COMPLAINT = 'complaint',
  /** an inspection patrol (巡查) */
  PATROL = 'patrol',
  /** entered by hand */
  MANUAL = 'manual',
  /** from a conflict between the register's sources (对账差异: platform report, crawl, registration data) */
  RECONCILIATION = 'reconciliation',
}

/** Where a clue stands in its flow: received → registered → assigned → handled → fed back → archived. */
export enum ClueStatus {
  /** 接收 */
  RECEIVED = 'received',
  /** 登记 */
  REGISTERED = 'registered',
  /** 交办: assigned to a unit with a deadline */
  ASSIGNED = 'assigned',
  /** 核查处置: handled by the assigned unit */
  HANDLED = 'handled',
  /** 反馈 */
  FED_BACK = 'fed_back',
  /** 归档 */
  ARCHIVED = 'archived',
}

/** What handling a clue found. */
export enum ClueOutcome {
  /** 属实 */
  VERIFIED = 'verified',
  /** 不属实 */
  NOT_VERIFIED = 'not_verified',
  /** 立案 */
  CASE_FILED = 'case_filed',
}

/** One step of a clue's history. */
export enum ClueAction {
  /** raised from a finding */
  RAISED = 'raised',
  /** entered by hand (complaint, patrol, manual) */
  CREATED = 'created',
  /** a further finding of the same shop and rule joined the clue */
  MERGED = 'merged',
  REGISTERED = 'registered',
  ASSIGNED = 'assigned',
  HANDLED = 'handled',
  FED_BACK = 'fed_back',
  ARCHIVED = 'archived',
}

/**
 * A clue (线索): something that may be a violation, to be registered, assigned to the unit whose
 * jurisdiction holds the shop, handled, fed back and archived. Finding-sourced clues carry their rule:
 * while a clue of a shop and rule is not archived, further findings of that shop and rule merge into it
 * (a partial unique index on shop and rule guards it). Jurisdiction-bound by the shop's region.
 */
@ObjectType('Clue', { description: 'A clue (线索): a possible violation taken through registration, assignment, handling, feedback and archiving' })
@Entity({ tableName: 'clue' })
@Filter(jurisdictionFilter())
export class Clue implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => ClueSource)
  @Enum({ items: () => ClueSource, nativeEnumName: 'clue_source' })
  source!: ClueSource;

  @Field(() => ClueStatus)
  @Index()
  @Enum({ items: () => ClueStatus, nativeEnumName: 'clue_status' })
  status: ClueStatus & Opt = ClueStatus.RECEIVED;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  /** the rule of a finding-sourced clue (the merge key with the shop) */
  @Field(() => String, { nullable: true, description: 'the rule of a finding-sourced clue' })
  @Property({ type: 'string', length: 64, nullable: true })
  ruleId: string | null = null;

  /** the shop's region when the clue was raised */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Index()
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'restrict' })
  assignedUnit: Ref<Unit> | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when the assigned unit must have handled it' })
  @Property({ type: 'datetime', nullable: true })
  deadline: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  assignedAt: Date | null = null;

  @Field(() => ClueOutcome, { nullable: true })
  @Enum({ items: () => ClueOutcome, nativeEnumName: 'clue_outcome', nullable: true })
  outcome: ClueOutcome | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  handledAt: Date | null = null;

  /** who raised or entered it */
  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => now() })
  updatedAt: Date & Opt = now();
}

/** A finding behind a clue (a finding belongs to at most one clue). */
@Entity({ tableName: 'clue_finding' })
@Filter(jurisdictionFilter())
export class ClueFinding implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Clue, { ref: true, deleteRule: 'cascade' })
  clue!: Ref<Clue>;

  @Unique()
  @ManyToOne(() => Finding, { ref: true, deleteRule: 'cascade' })
  finding!: Ref<Finding>;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = now();
}

/** One step of a clue's flow: who, when, from which status to which, and why (append-only). */
@ObjectType('ClueEvent', { description: 'One step of a clue\'s flow: who, when, what and why' })
@Entity({ tableName: 'clue_event' })
@Filter(jurisdictionFilter())
export class ClueEvent implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Clue, { ref: true, deleteRule: 'cascade' })
  clue!: Ref<Clue>;

  @Field(() => ClueAction)
  @Enum({ items: () => ClueAction, nativeEnumName: 'clue_action' })
  action!: ClueAction;

  @Field(() => ClueStatus, { nullable: true, description: 'status before the step (null when the clue was raised)' })
  @Enum({ items: () => ClueStatus, nativeEnumName: 'clue_status', nullable: true })
  fromStatus: ClueStatus | null = null;

  @Field(() => ClueStatus)
  @Enum({ items: () => ClueStatus, nativeEnumName: 'clue_status' })
  toStatus!: ClueStatus;

  /** why: the note or reason given */
  @Field(() => String, { nullable: true, description: 'why: the note or reason given' })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  actorName!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  actorUnitId: number | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = now();
}
