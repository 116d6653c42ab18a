import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref, Unique } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { Clue } from './clue.entity';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';

/**
 * Where a case (案件) stands: proposed → filed (立案) → investigating → notified (告知) → decided
 * (处罚决定) → executed → closed (结案); or not filed (不予立案) / transferred (移送) with a reason.
 */
export enum CaseStatus {
  PROPOSED = 'proposed',
  FILED = 'filed',
  INVESTIGATING = 'investigating',
  NOTIFIED = 'notified',
  DECIDED = 'decided',
  EXECUTED = 'executed',
  CLOSED = 'closed',
  NOT_FILED = 'not_filed',
  TRANSFERRED = 'transferred',
}

/** One step of a case's history (one mutation each; addEvidence keeps the status). */
export enum CaseAction {
  OPENED = 'opened',
  FILING_APPROVED = 'filing_approved',
  FILING_REJECTED = 'filing_rejected',
  TRANSFERRED = 'transferred',
  INVESTIGATION_STARTED = 'investigation_started',
  EVIDENCE_ADDED = 'evidence_added',
  PRIOR_NOTICE_ISSUED = 'prior_notice_issued',
  PENALTY_DECIDED = 'penalty_decided',
  EXECUTION_RECORDED = 'execution_recorded',
  CLOSED = 'closed',
}

/** What a piece of case evidence is. */
export enum CaseEvidenceKind {
  /** a crawler capture from the evidence store (evidence_capture) */
  CAPTURE = 'capture',
  /** an uploaded file (not yet supported by the API) */
  FILE = 'file',
  /** a written note (e.g. an inquiry record) */
  NOTE = 'note',
}

/** A legal provision: law and article. */
export interface LegalProvision {
  law: string;
  article: string;
}

/**
 * A case (案件) opened from one or more clues of one shop, taken through filing, investigation, prior
 * notice, penalty decision, execution and closure. Jurisdiction-bound by the shop's region.
 */
@ObjectType('Case', { description: 'A case (案件): filing, investigation, prior notice, penalty decision, execution, closure' })
@Entity({ tableName: 'legal_case' })
@Filter(jurisdictionFilter())
export class Case implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  /** e.g. 鲁市监网案〔2026〕3号, assigned at filing (立案) */
  @Field(() => String, { nullable: true, description: 'e.g. 鲁市监网案〔2026〕3号, assigned at filing (立案)' })
  @Unique()
  @Property({ type: 'string', length: 64, nullable: true })
  caseNumber: string | null = null;

  @Field(() => CaseStatus)
  @Index()
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: CaseStatus & Opt = CaseStatus.PROPOSED;

  /** the shop's region when the case was opened */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'restrict' })
  shop!: Ref<Shop>;

  @Index()
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'restrict' })
  handlingUnit: Ref<Unit> | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 200 })
  title!: string;

  @Field(() => String, { description: 'the facts found (违法事实)' })
  @Property({ type: 'text' })
  facts!: string;

  @Field(() => [GraphQLJSONObject], { description: 'legal basis: [{ law, article }]' })
  @Property({ type: 'json' })
  legalBasis: LegalProvision[] & Opt = [];

  /** the fine in yuan (numeric, as a string to keep the exact amount) */
  @Field(() => String, { nullable: true, description: 'the fine in yuan, exact decimal' })
  @Property({ type: 'decimal', precision: 14, scale: 2, nullable: true })
  fineAmount: string | null = null;

  @Field(() => String, { nullable: true, description: 'what is confiscated (没收)' })
  @Property({ type: 'text', nullable: true })
  confiscation: string | null = null;

  @Field(() => String, { nullable: true, description: 'the decision text' })
  @Property({ type: 'text', nullable: true })
  decision: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when the current stage must be completed' })
  @Property({ type: 'datetime', nullable: true })
  stageDeadline: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  filedAt: Date | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}

/** A clue behind a case (a clue belongs to at most one case). */
@Entity({ tableName: 'case_clue' })
@Filter(jurisdictionFilter())
export class CaseClue implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Case, { ref: true, deleteRule: 'cascade' })
  case!: Ref<Case>;

  @Unique()
  @ManyToOne(() => Clue, { ref: true, deleteRule: 'restrict' })
  clue!: Ref<Clue>;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = new Date();
}

/** A piece of evidence attached to a case: a capture (URL, time, tool, SHA-256 copied), a file or a note. */
@ObjectType('CaseEvidence', { description: 'Evidence attached to a case: a crawler capture, a file or a note' })
@Entity({ tableName: 'case_evidence' })
@Filter(jurisdictionFilter())
export class CaseEvidence implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Case, { ref: true, deleteRule: 'cascade' })
  case!: Ref<Case>;

  @Field(() => CaseEvidenceKind)
  @Enum({ items: () => CaseEvidenceKind, nativeEnumName: 'case_evidence_kind' })
  kind!: CaseEvidenceKind;

  @Field(() => ID, { nullable: true, description: 'the evidence_capture row of a capture' })
  @Property({ type: 'bigint', nullable: true })
  evidenceCaptureId: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  sha256: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 2000, nullable: true })
  url: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  observedAt: Date | null = null;

  /** the crawler identity that captured it (the extraction tool) */
  @Field(() => String, { nullable: true, description: 'the tool: the crawler identity that captured it' })
  @Property({ type: 'text', nullable: true })
  tool: string | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => String, { nullable: true, description: 'an uploaded file: its name as given' })
  @Property({ type: 'string', length: 255, nullable: true })
  fileName: string | null = null;

  @Field(() => Int, { nullable: true, description: 'an uploaded file: its size in bytes' })
  @Property({ type: 'integer', nullable: true })
  sizeBytes: number | null = null;

  @Field(() => String, { nullable: true, description: 'an uploaded file: its media type, from its magic bytes' })
  @Property({ type: 'string', length: 100, nullable: true })
  mediaType: string | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  addedBy!: string;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = new Date();
}

/** One step of a case's flow: who, when, from which status to which, and why (append-only). */
@ObjectType('CaseEvent', { description: 'One step of a case\'s flow: who, when, what and why' })
@Entity({ tableName: 'case_event' })
@Filter(jurisdictionFilter())
export class CaseEvent implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Case, { ref: true, deleteRule: 'cascade' })
  case!: Ref<Case>;

  @Field(() => CaseAction)
  @Enum({ items: () => CaseAction, nativeEnumName: 'case_action' })
  action!: CaseAction;

  @Field(() => CaseStatus, { nullable: true, description: 'status before the step (null when the case was opened)' })
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status', nullable: true })
  fromStatus: CaseStatus | null = null;

  @Field(() => CaseStatus)
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  toStatus!: CaseStatus;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  actorName!: string;

  @Field(() => String)
  @Property({ type: 'string', length: 20 })
  actorRole!: string;

  @Field(() => ID, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  actorUnitId: number | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at: Date & Opt = new Date();
}
