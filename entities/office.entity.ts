import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { now } from '../kernel/clock';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import type { StoredFile } from './patrol.entity';
import { Unit } from './unit.entity';

/*
 * Office work of the units (issue 6). Rows owned by a unit carry `regionCode` = the unit's first
 * jurisdiction prefix (its `unitRegion`): under the one access rule such a row is seen by the unit itself
 * and by every unit above it, never by its siblings or the units below it. A notice is sent down (or a
 * message along the tree): each recipient has its own row with the recipient's region, which is how the
 * recipient sees the notice.
 */

/** The kind of an information report (信息报送). */
export enum InfoReportKind {
  /** 工作信息 */
  WORK_INFO = 'work_info',
  /** 案件报送 */
  CASE_REPORT = 'case_report',
  /** 专项总结 */
  CAMPAIGN_SUMMARY = 'campaign_summary',
  /** 统计报表 */
  STATISTICS = 'statistics',
}

/** draft → submitted (with a reviewer) → approved, or returned → (revised) → submitted again. */
export enum InfoReportStatus {
  DRAFT = 'draft',
  SUBMITTED = 'submitted',
  RETURNED = 'returned',
  APPROVED = 'approved',
}

export enum InfoReportAction {
  DRAFTED = 'drafted',
  REVISED = 'revised',
  SUBMITTED = 'submitted',
  FORWARDED = 'forwarded',
  RETURNED = 'returned',
  APPROVED = 'approved',
}

/**
 * An information report (信息报送) drafted by a unit and sent up the tree for review: the superior approves
 * it, returns it with comments (the author revises — a new version — and resubmits), or forwards it further
 * up. The report sits with `reviewerUnit` while submitted.
 */
@ObjectType('InfoReport', { description: 'An information report (信息报送) sent up the bureau tree for review' })
@Entity({ tableName: 'info_report' })
@Filter(jurisdictionFilter())
export class InfoReport implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => InfoReportKind)
  @Enum({ items: () => InfoReportKind, nativeEnumName: 'info_report_kind' })
  kind!: InfoReportKind;

  @Field(() => InfoReportStatus)
  @Index()
  @Enum({ items: () => InfoReportStatus, nativeEnumName: 'info_report_status' })
  status: InfoReportStatus & Opt = InfoReportStatus.DRAFT;

  /** the current version's title (the versions keep every title and body) */
  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  authorUnit!: Ref<Unit>;

  /** the author unit's region (the access rule: the author and the units above it see it) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** while submitted: the unit it sits with for review */
  @Index()
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'restrict' })
  reviewerUnit: Ref<Unit> | null = null;

  /** when approved: the unit that approved it */
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'restrict' })
  approvedByUnit: Ref<Unit> | null = null;

  @Field(() => String, { description: 'first day of the period reported on (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  periodStart!: string;

  @Field(() => String, { description: 'last day of the period reported on (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  periodEnd!: string;

  @Field(() => String, { nullable: true, description: 'the day it must be submitted by (YYYY-MM-DD)' })
  @Property({ type: 'date', nullable: true })
  dueOn: string | null = null;

  @Field(() => Int, { description: 'the current version (1, 2, …)' })
  @Property({ type: 'integer' })
  version: number & Opt = 1;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'first submitted' })
  @Property({ type: 'datetime', nullable: true })
  submittedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  approvedAt: Date | null = null;

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

/** One version of a report's text (append-only; a revision adds one). */
@ObjectType('InfoReportVersion', { description: 'One version of a report: title, body, attachments' })
@Entity({ tableName: 'info_report_version' })
@Unique({ properties: ['report', 'version'] })
@Filter(jurisdictionFilter())
export class InfoReportVersion implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => InfoReport, { ref: true, deleteRule: 'cascade' })
  report!: Ref<InfoReport>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'json' })
  attachments: StoredFile[] & Opt = [];

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

/** One step of a report's review: who, which unit, when, what, the comments (append-only). */
@ObjectType('InfoReportEvent', { description: 'One step of a report\'s review: who, when, what, comments' })
@Entity({ tableName: 'info_report_event' })
@Filter(jurisdictionFilter())
export class InfoReportEvent implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => InfoReport, { ref: true, deleteRule: 'cascade' })
  report!: Ref<InfoReport>;

  @Field(() => InfoReportAction)
  @Enum({ items: () => InfoReportAction, nativeEnumName: 'info_report_action' })
  action!: InfoReportAction;

  @Field(() => InfoReportStatus, { nullable: true })
  @Enum({ items: () => InfoReportStatus, nativeEnumName: 'info_report_status', nullable: true })
  fromStatus: InfoReportStatus | null = null;

  @Field(() => InfoReportStatus)
  @Enum({ items: () => InfoReportStatus, nativeEnumName: 'info_report_status' })
  toStatus!: InfoReportStatus;

  @Field(() => Int)
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => String, { nullable: true, description: 'review comments, or the note of the step' })
  @Property({ type: 'text', nullable: true })
  comment: string | null = null;

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

/** A notice sent down the tree, or a message between neighbouring units. */
export enum NoticeKind {
  /** 通知: from a unit to chosen units below it, or a whole subtree */
  NOTICE = 'notice',
  /** 邮件: from a unit to its parent or one of its children */
  MESSAGE = 'message',
}

/** A notice (通知) or message (邮件): who sent it, what, whether a reply is asked for by when. */
@ObjectType('Notice', { description: 'A notice (通知) sent down the tree, or a message (邮件) between neighbouring units' })
@Entity({ tableName: 'notice' })
@Filter(jurisdictionFilter())
export class Notice implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => NoticeKind)
  @Enum({ items: () => NoticeKind, nativeEnumName: 'notice_kind' })
  kind!: NoticeKind;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  senderUnit!: Ref<Unit>;

  /** the sender unit's region */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'json' })
  attachments: StoredFile[] & Opt = [];

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  replyRequired: boolean & Opt = false;

  @Field(() => String, { nullable: true, description: 'the day replies are due (YYYY-MM-DD)' })
  @Property({ type: 'date', nullable: true })
  replyDueOn: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Index()
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  sentAt: Date & Opt = now();
}

/** A unit a notice was sent to: when it was first read there, when it replied. */
@ObjectType('NoticeRecipient', { description: 'A unit a notice was sent to, with its read receipt and reply' })
@Entity({ tableName: 'notice_recipient' })
@Unique({ properties: ['notice', 'unit'] })
@Filter(jurisdictionFilter())
export class NoticeRecipient implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Notice, { ref: true, deleteRule: 'cascade' })
  notice!: Ref<Notice>;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  /** the recipient unit's region (how the recipient sees the notice) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'first read by a user of the unit' })
  @Property({ type: 'datetime', nullable: true })
  firstReadAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  repliedAt: Date | null = null;
}

/** A read receipt: a user of a recipient unit opened the notice (once per user). */
@ObjectType('NoticeRead', { description: 'A read receipt: which user of which unit read the notice, when' })
@Entity({ tableName: 'notice_read' })
@Unique({ properties: ['notice', 'userId'] })
@Filter(jurisdictionFilter())
export class NoticeRead implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Notice, { ref: true, deleteRule: 'cascade' })
  notice!: Ref<Notice>;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => ID)
  @Property({ type: 'integer' })
  userId!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  userName!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  readAt: Date & Opt = now();
}

/** A recipient unit's reply to a notice (with attachments). */
@ObjectType('NoticeReply', { description: 'A recipient unit\'s reply to a notice' })
@Entity({ tableName: 'notice_reply' })
@Filter(jurisdictionFilter())
export class NoticeReply implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Notice, { ref: true, deleteRule: 'cascade' })
  notice!: Ref<Notice>;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'json' })
  attachments: StoredFile[] & Opt = [];

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

/** A successful login (定期登录), kept for the daily-login compliance of the user's unit. */
@Entity({ tableName: 'login_event' })
@Index({ properties: ['unit', 'day'] })
@Filter(jurisdictionFilter())
export class LoginEvent implements JurisdictionBound {
  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property({ type: 'integer' })
  userId!: number;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'cascade' })
  unit!: Ref<Unit>;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the China day of the login */
  @Property({ type: 'date' })
  day!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = now();
}

export enum TrainingForm {
  /** 集中授课 */
  LECTURE = 'lecture',
  /** 网络培训 */
  ONLINE = 'online',
  /** 以会代训 */
  MEETING = 'meeting',
  /** 岗位练兵 */
  ON_THE_JOB = 'on_the_job',
  /** 考试测评 */
  EXAM = 'exam',
}

/** A training session (学习培训) a unit held: form, topic, day, hours, participants from which units. */
@ObjectType('TrainingSession', { description: 'A training session (学习培训) a unit held' })
@Entity({ tableName: 'training_session' })
@Filter(jurisdictionFilter())
export class TrainingSession implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => TrainingForm)
  @Enum({ items: () => TrainingForm, nativeEnumName: 'training_form' })
  form!: TrainingForm;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  topic!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  @Index()
  @Property({ type: 'date' })
  heldOn!: string;

  @Field(() => String, { description: 'hours, a decimal string' })
  @Property({ type: 'decimal', precision: 5, scale: 1 })
  hours!: string;

  /** the units whose staff took part, with how many each */
  @Property({ type: 'json' })
  participants!: { unitId: number; count: number }[];

  @Field(() => Int)
  @Property({ type: 'integer' })
  participantCount!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

export enum PublicityKind {
  /** 宣传日活动 (e.g. 3·15) */
  EVENT = 'event',
  /** 媒体报道 */
  MEDIA = 'media',
  /** 进社区/进企业宣讲 */
  OUTREACH = 'outreach',
  /** 新媒体推送 */
  ONLINE = 'online',
  /** 发放资料 */
  LEAFLETS = 'leaflets',
}

/** A publicity or consumer-education activity (宣传教育): kind, audience, reach. */
@ObjectType('PublicityActivity', { description: 'A publicity or consumer-education activity (宣传教育)' })
@Entity({ tableName: 'publicity_activity' })
@Filter(jurisdictionFilter())
export class PublicityActivity implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => PublicityKind)
  @Enum({ items: () => PublicityKind, nativeEnumName: 'publicity_kind' })
  kind!: PublicityKind;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String, { description: 'who it reached (consumers, merchants, students …)' })
  @Property({ type: 'string', length: 200 })
  audience!: string;

  @Field(() => Int, { description: 'people reached (estimated)' })
  @Property({ type: 'integer' })
  reach!: number;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  @Index()
  @Property({ type: 'date' })
  heldOn!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

export enum ConsumerWarningStatus {
  DRAFT = 'draft',
  PUBLISHED = 'published',
  WITHDRAWN = 'withdrawn',
}

/** A consumer warning (消费警示): drafted by a unit, published (then readable without login), withdrawn. */
@ObjectType('ConsumerWarning', { description: 'A consumer warning (消费警示); published ones are public' })
@Entity({ tableName: 'consumer_warning' })
@Filter(jurisdictionFilter())
export class ConsumerWarning implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  text!: string;

  @Field(() => String, { description: 'e.g. 网络购物, 预付式消费, 食品' })
  @Property({ type: 'string', length: 100 })
  category!: string;

  @Field(() => ConsumerWarningStatus)
  @Index()
  @Enum({ items: () => ConsumerWarningStatus, nativeEnumName: 'consumer_warning_status' })
  status: ConsumerWarningStatus & Opt = ConsumerWarningStatus.DRAFT;

  @Field(() => String, { nullable: true, description: 'publication day (YYYY-MM-DD)' })
  @Property({ type: 'date', nullable: true })
  publishedOn: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  withdrawnAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'why it was withdrawn' })
  @Property({ type: 'text', nullable: true })
  withdrawalReason: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

export enum StaffAssignment {
  /** 专职 */
  FULL_TIME = 'full_time',
  /** 兼职 */
  PART_TIME = 'part_time',
}

/** A member of staff a unit designated for online-market supervision (人员配备). */
@ObjectType('DesignatedStaff', { description: 'A member of staff designated for online-market supervision (人员配备)' })
@Entity({ tableName: 'designated_staff' })
@Filter(jurisdictionFilter())
export class DesignatedStaff implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => StaffAssignment)
  @Enum({ items: () => StaffAssignment, nativeEnumName: 'staff_assignment' })
  assignment!: StaffAssignment;

  @Field(() => String, { description: 'designated since (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  since!: string;

  @Field(() => String, { nullable: true, description: 'no longer designated from (YYYY-MM-DD)' })
  @Property({ type: 'date', nullable: true })
  until: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

/** A unit's equipment for online-market supervision (设备配置): the latest declaration counts. */
@ObjectType('UnitEquipment', { description: 'A unit\'s equipment for online-market supervision (设备配置)' })
@Entity({ tableName: 'unit_equipment' })
@Filter(jurisdictionFilter())
export class UnitEquipment implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict', unique: true })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => Int, { description: 'dedicated computers with internet access' })
  @Property({ type: 'integer' })
  computers: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  printers: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  cameras: number & Opt = 0;

  @Field(() => Int, { description: 'evidence-capture equipment (取证设备)' })
  @Property({ type: 'integer' })
  evidenceDevices: number & Opt = 0;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  updatedBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => now() })
  updatedAt: Date & Opt = now();
}

/** A unit's annual work plan (年度工作部署) published to the units below it. */
@ObjectType('WorkPlan', { description: 'A unit\'s annual work plan (工作部署) for online-market supervision' })
@Entity({ tableName: 'work_plan' })
@Unique({ properties: ['unit', 'year'] })
@Filter(jurisdictionFilter())
export class WorkPlan implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  year!: number;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'json' })
  attachments: StoredFile[] & Opt = [];

  @Field(() => String, { description: 'the day it had to be issued by (YYYY-MM-DD)' })
  @Property({ type: 'date' })
  dueOn!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when it was published to the units below; null while a draft' })
  @Property({ type: 'datetime', nullable: true })
  publishedAt: Date | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}
