import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { Clue } from './clue.entity';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import type { StoredFile } from './patrol.entity';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';
import { now } from '../kernel/clock';

/** 投诉 (a consumer's dispute, mediated) or 举报 (a report of a violation, checked as a clue). */
export enum ComplaintKind {
  COMPLAINT = 'complaint',
  REPORT = 'report',
}

/** How a complaint came in. */
export enum ComplaintChannel {
  /** entered by staff (phone, visit, letter) */
  STAFF = 'staff',
  /** the public form, without login */
  PUBLIC = 'public',
  /** forwarded by another system (the national 12315 platform) through an API key */
  API = 'api',
}

/**
 * received → accepted (受理) or rejected (不予受理, within 7 working days of receipt) → mediating (调解)
 * → resolved (result) → closed (consumer feedback). A report goes accepted → resolved (checked, a clue
 * raised where warranted) → closed.
 */
export enum ComplaintStatus {
  RECEIVED = 'received',
  ACCEPTED = 'accepted',
  REJECTED = 'rejected',
  MEDIATING = 'mediating',
  RESOLVED = 'resolved',
  CLOSED = 'closed',
}

/** How a complaint ended. */
export enum ComplaintResult {
  /** 调解成功 */
  AGREEMENT = 'agreement',
  /** 调解不成 */
  NO_AGREEMENT = 'no_agreement',
  /** 撤回 */
  WITHDRAWN = 'withdrawn',
  /** 终止调解 (e.g. the consumer unreachable, the matter in court) */
  TERMINATED = 'terminated',
  /** a report checked: handled through a clue, or found groundless */
  REPORT_HANDLED = 'report_handled',
}

/** The consumer's feedback (回访). */
export enum ComplaintFeedback {
  SATISFIED = 'satisfied',
  BASICALLY_SATISFIED = 'basically_satisfied',
  UNSATISFIED = 'unsatisfied',
  /** 无法联系 */
  UNREACHABLE = 'unreachable',
}

export enum ComplaintAction {
  RECEIVED = 'received',
  ACCEPTED = 'accepted',
  REJECTED = 'rejected',
  MEDIATION_STARTED = 'mediation_started',
  RESOLVED = 'resolved',
  CLOSED = 'closed',
  CLUE_RAISED = 'clue_raised',
  REASSIGNED = 'reassigned',
}

/**
 * A complaint or report (投诉举报) about a shop: the complainant (personal data, shown in full only to the
 * handling unit and the units above it), the order, what happened, attachments; assigned on intake to
 * the unit whose jurisdiction holds the shop; deadlines in working days. Jurisdiction-bound by the
 * shop's region.
 */
@ObjectType('Complaint', { description: 'A complaint or report (投诉举报) about a shop, from intake to close' })
@Entity({ tableName: 'complaint' })
@Filter(jurisdictionFilter())
export class Complaint implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  /** receipt number given to the complainant, e.g. TS20261128000123 */
  @Field(() => String, { description: 'receipt number, e.g. TS20261128000123' })
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @Field(() => ComplaintKind)
  @Enum({ items: () => ComplaintKind, nativeEnumName: 'complaint_kind' })
  kind!: ComplaintKind;

  @Field(() => ComplaintChannel)
  @Enum({ items: () => ComplaintChannel, nativeEnumName: 'complaint_channel' })
  channel!: ComplaintChannel;

  @Field(() => ComplaintStatus)
  @Index()
  @Enum({ items: () => ComplaintStatus, nativeEnumName: 'complaint_status' })
  status: ComplaintStatus & Opt = ComplaintStatus.RECEIVED;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'restrict' })
  shop!: Ref<Shop>;

  /** the shop's region at intake */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the unit whose jurisdiction holds the shop (the handling unit) */
  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  assignedUnit!: Ref<Unit>;

  // — the complainant (personal data) —
  @Property({ type: 'string', length: 100 })
  complainantName!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  complainantPhone: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  complainantEmail: string | null = null;

  // — what the complainant said —
  @Field(() => String, { nullable: true, description: 'the shop address as the complainant gave it' })
  @Property({ type: 'string', length: 1000, nullable: true })
  shopUrl: string | null = null;

  @Field(() => String, { nullable: true, description: 'the shop name as the complainant gave it' })
  @Property({ type: 'string', length: 200, nullable: true })
  shopName: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  orderNumber: string | null = null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @Property({ type: 'date', nullable: true })
  orderDate: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 200, nullable: true })
  productName: string | null = null;

  @Field(() => String, { nullable: true, description: 'yuan, as a decimal string' })
  @Property({ type: 'decimal', precision: 14, scale: 2, nullable: true })
  amountPaid: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'json' })
  attachments: StoredFile[] & Opt = [];

  // — handling —
  @Field(() => GraphQLISODateTime)
  @Index()
  @Property({ type: 'datetime' })
  receivedAt!: Date;

  @Field(() => String, { description: 'the last working day for the acceptance decision (7 working days after receipt)' })
  @Property({ type: 'date' })
  acceptanceDueOn!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when it was accepted or rejected' })
  @Property({ type: 'datetime', nullable: true })
  decidedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'the last working day to end mediation (45 working days after acceptance)' })
  @Property({ type: 'date', nullable: true })
  resolutionDueOn: string | null = null;

  @Field(() => ComplaintResult, { nullable: true })
  @Enum({ items: () => ComplaintResult, nativeEnumName: 'complaint_result', nullable: true })
  result: ComplaintResult | null = null;

  @Field(() => String, { nullable: true, description: 'yuan recovered for the consumer' })
  @Property({ type: 'decimal', precision: 14, scale: 2, nullable: true })
  amountRecovered: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  resolvedAt: Date | null = null;

  @Field(() => ComplaintFeedback, { nullable: true })
  @Enum({ items: () => ComplaintFeedback, nativeEnumName: 'complaint_feedback', nullable: true })
  feedback: ComplaintFeedback | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  @ManyToOne(() => Clue, { ref: true, nullable: true, deleteRule: 'set null' })
  clue: Ref<Clue> | null = null;

  /** keyed hash of the submitting network address (public form rate limit; never shown) */
  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  submitterKey: string | null = null;

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

/** One step of a complaint: who, when, from which status to which, and why (append-only). */
@ObjectType('ComplaintEvent', { description: 'One step of a complaint: who, when, what and why' })
@Entity({ tableName: 'complaint_event' })
@Filter(jurisdictionFilter())
export class ComplaintEvent implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Complaint, { ref: true, deleteRule: 'cascade' })
  complaint!: Ref<Complaint>;

  @Field(() => ComplaintAction)
  @Enum({ items: () => ComplaintAction, nativeEnumName: 'complaint_action' })
  action!: ComplaintAction;

  @Field(() => ComplaintStatus, { nullable: true })
  @Enum({ items: () => ComplaintStatus, nativeEnumName: 'complaint_status', nullable: true })
  fromStatus: ComplaintStatus | null = null;

  @Field(() => ComplaintStatus)
  @Enum({ items: () => ComplaintStatus, nativeEnumName: 'complaint_status' })
  toStatus!: ComplaintStatus;

  @Field(() => String, { nullable: true })
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
