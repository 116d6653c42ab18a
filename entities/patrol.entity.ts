import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { Clue } from './clue.entity';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';
import { now } from '../kernel/clock';

/** Routine patrols (日常巡查) recur by shop class and risk; a special campaign (专项) is one sweep over a target set. */
export enum PatrolPlanKind {
  ROUTINE = 'routine',
  CAMPAIGN = 'campaign',
}

export enum PatrolPlanStatus {
  /** generating tasks */
  ACTIVE = 'active',
  /** no further tasks; open tasks cancelled */
  CLOSED = 'closed',
}

export enum PatrolTaskStatus {
  OPEN = 'open',
  /** a record was filed for it */
  DONE = 'done',
  /** the plan closed, or the shop left the plan's target, before it was done */
  CANCELLED = 'cancelled',
}

/** 网上巡查 or 实地巡查. */
export enum PatrolMode {
  ONLINE = 'online',
  ON_SITE = 'on_site',
}

export enum PatrolOutcome {
  /** 未发现问题 */
  COMPLIANT = 'compliant',
  /** 责令整改 */
  RECTIFICATION_ORDERED = 'rectification_ordered',
  /** 发现线索: a clue was raised through the clue flow */
  CLUE_RAISED = 'clue_raised',
}

/** One item of a checklist: a stable key and what to check. */
export interface ChecklistItem {
  key: string;
  textZh: string;
  textEn?: string | null;
}

/**
 * Which shops a routine plan patrols how often: the first rule a shop matches gives its interval.
 * A shop's risk is high while it has an unarchived clue or a finding of the last 90 days.
 */
export interface RoutineRule {
  classification?: string | null;
  /** a listing category prefix (e.g. 食品) */
  category?: string | null;
  risk?: 'high' | 'normal' | null;
  /** once every 1, 2, 3, 4, 6 or 12 months */
  intervalMonths: number;
}

/** The shops a campaign targets (all filters must hold; empty means any). */
export interface CampaignTarget {
  classifications?: string[] | null;
  categories?: string[] | null;
  /** region-code prefixes inside the plan's scope */
  regionPrefixes?: string[] | null;
  /** unfiled (discovered) shops too; default filed only */
  includeUnfiled?: boolean | null;
}

/**
 * A patrol plan of a unit over a scope of regions inside its jurisdiction: routine (frequency rules,
 * open-ended or dated) or a special campaign (theme, period, target, checklist). Not row-filtered: the
 * plan queries show a plan to callers whose jurisdiction overlaps its scope (a station sees the
 * province's campaign it works on); writes are audited and checked against the owner's region.
 */
@ObjectType('PatrolPlan', { description: 'A patrol plan (巡查计划): routine by shop class and risk, or a special campaign (专项)' })
@Entity({ tableName: 'patrol_plan' })
export class PatrolPlan {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => PatrolPlanKind)
  @Enum({ items: () => PatrolPlanKind, nativeEnumName: 'patrol_plan_kind' })
  kind!: PatrolPlanKind;

  @Field(() => PatrolPlanStatus)
  @Enum({ items: () => PatrolPlanStatus, nativeEnumName: 'patrol_plan_status' })
  status: PatrolPlanStatus & Opt = PatrolPlanStatus.ACTIVE;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'the theme of a campaign' })
  @Property({ type: 'text', nullable: true })
  theme: string | null = null;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  ownerUnit!: Ref<Unit>;

  /** the owner unit's region (the write check of the access rule) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => [String], { description: 'region-code prefixes the plan covers (inside the owner unit\'s jurisdiction)' })
  @Property({ type: 'text[]' })
  scope!: string[];

  @Field(() => String, { description: 'first day (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  startsOn!: string;

  @Field(() => String, { nullable: true, description: 'last day (YYYY-MM-DD); open-ended routine plans have none' })
  @Property({ type: 'date', nullable: true })
  endsOn: string | null = null;

  @Property({ type: 'json', nullable: true })
  rules: RoutineRule[] | null = null;

  @Property({ type: 'json', nullable: true })
  target: CampaignTarget | null = null;

  @Property({ type: 'json' })
  checklist!: ChecklistItem[];

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  closedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'why the plan was closed' })
  @Property({ type: 'text', nullable: true })
  closeReason: string | null = null;
}

/**
 * One shop to patrol by a due day, for the station responsible for it. Generated by the patrol job from
 * the plans: one task per plan, shop and period (the unique key makes a rerun write nothing twice).
 */
@ObjectType('PatrolTask', { description: 'A shop to patrol by a due day, generated from a plan for the responsible station' })
@Entity({ tableName: 'patrol_task' })
@Unique({ properties: ['plan', 'shop', 'periodStart'] })
@Index({ properties: ['unit', 'dueOn'] })
@Filter(jurisdictionFilter())
export class PatrolTask implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => PatrolPlan, { ref: true, deleteRule: 'cascade' })
  plan!: Ref<PatrolPlan>;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  /** the station (or deepest unit) responsible for the shop when the task was generated */
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  /** the shop's region */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String, { description: 'first day of the period the task belongs to (the month of a routine plan, the start of a campaign)' })
  @Property({ type: 'date' })
  periodStart!: string;

  @Field(() => String, { description: 'the working day it is due by (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  dueOn!: string;

  @Field(() => PatrolTaskStatus)
  @Index()
  @Enum({ items: () => PatrolTaskStatus, nativeEnumName: 'patrol_task_status' })
  status: PatrolTaskStatus & Opt = PatrolTaskStatus.OPEN;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  doneAt: Date | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

/** A stored file (photo, attachment): its bytes live in the evidence blob folder under their SHA-256. */
export interface StoredFile {
  sha256: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
}

/** The result of one checklist item. */
export interface ChecklistResult {
  key: string;
  result: 'pass' | 'fail' | 'not_applicable';
  note?: string | null;
}

/**
 * A patrol record (巡查记录): online (checklist against the shop's latest snapshot and its evidence) or
 * on-site (address visited, people met, photos), with its outcome. Append-only; jurisdiction-bound by
 * the shop's region.
 */
@ObjectType('PatrolRecord', { description: 'A patrol record (巡查记录): online or on-site, with checklist results and outcome' })
@Entity({ tableName: 'patrol_record' })
@Filter(jurisdictionFilter())
export class PatrolRecord implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => PatrolTask, { ref: true, nullable: true, deleteRule: 'set null' })
  task: Ref<PatrolTask> | null = null;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  /** the unit of the staff member who patrolled */
  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => PatrolMode)
  @Enum({ items: () => PatrolMode, nativeEnumName: 'patrol_mode' })
  mode!: PatrolMode;

  @Field(() => GraphQLISODateTime)
  @Index()
  @Property({ type: 'datetime' })
  patrolledAt!: Date;

  @Property({ type: 'json' })
  checklist!: ChecklistResult[];

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'the shop snapshot an online patrol looked at' })
  @Property({ type: 'datetime', nullable: true })
  snapshotAt: Date | null = null;

  /** SHA-256 of the evidence captures of that snapshot */
  @Field(() => [String], { description: 'SHA-256 of the evidence captured with that snapshot' })
  @Property({ type: 'text[]' })
  evidenceSha256: string[] & Opt = [];

  @Field(() => String, { nullable: true, description: 'on-site: the address visited' })
  @Property({ type: 'string', length: 300, nullable: true })
  siteAddress: string | null = null;

  @Field(() => String, { nullable: true, description: 'on-site: the people met' })
  @Property({ type: 'string', length: 300, nullable: true })
  peopleMet: string | null = null;

  @Property({ type: 'json' })
  photos: StoredFile[] & Opt = [];

  @Field(() => PatrolOutcome)
  @Enum({ items: () => PatrolOutcome, nativeEnumName: 'patrol_outcome' })
  outcome!: PatrolOutcome;

  @Field(() => String, { nullable: true, description: 'rectification ordered: by when (YYYY-MM-DD)' })
  @Property({ type: 'date', nullable: true })
  rectifyBy: string | null = null;

  @ManyToOne(() => Clue, { ref: true, nullable: true, deleteRule: 'set null' })
  clue: Ref<Clue> | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  recordedBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}
