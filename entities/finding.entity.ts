import { Entity, Enum, Filter, Index, ManyToOne, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { Listing } from './listing.entity';
import { Shop } from './shop.entity';

export enum FindingSeverity {
  LOW = 'low',
  MEDIUM = 'medium',
  HIGH = 'high',
}

/** Where a finding stands (the clue flow takes it further). */
export enum FindingStatus {
  OPEN = 'open',
  /** checked by staff and found not to be a violation */
  DISMISSED = 'dismissed',
}

/** A law and article a finding rests on. */
export interface LegalBasisRecord {
  law: string;
  article: string;
}

/**
 * What a rule check saw on one snapshot or observation: the rule, its legal basis, what triggered it, and
 * the evidence (captures) behind it. One per rule, shop, listing and moment (a re-run writes nothing twice).
 * Jurisdiction-bound by the shop's region.
 */
@ObjectType('Finding', { description: 'A possible violation a rule check found on a snapshot or observation, with its legal basis and evidence' })
@Entity({ tableName: 'finding' })
@Filter(jurisdictionFilter())
export class Finding implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 64 })
  ruleId!: string;

  @Field(() => FindingSeverity)
  @Enum({ items: () => FindingSeverity, nativeEnumName: 'finding_severity' })
  severity!: FindingSeverity;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  @ManyToOne(() => Listing, { ref: true, nullable: true, deleteRule: 'cascade' })
  listing: Ref<Listing> | null = null;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the moment of the snapshot or observation checked */
  @Field(() => GraphQLISODateTime)
  @Index()
  @Property({ type: 'datetime' })
  observedAt!: Date;

  /** the crawl run whose rows were checked */
  @Field(() => ID, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  runId: number | null = null;

  /** what triggered it, in Chinese */
  @Field(() => String)
  @Property({ type: 'text' })
  detail!: string;

  /** the text or numbers that triggered it */
  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  trigger!: Record<string, unknown>;

  @Field(() => [GraphQLJSONObject], { description: 'laws and articles: [{ law, article }]' })
  @Property({ type: 'json' })
  legalBasis!: LegalBasisRecord[];

  /** SHA-256 of the evidence captures behind it (shop page, licence page, listing page) */
  @Field(() => [String])
  @Property({ type: 'json' })
  evidence: string[] & Opt = [];

  @Field(() => FindingStatus)
  @Enum({ items: () => FindingStatus, nativeEnumName: 'finding_status' })
  status: FindingStatus & Opt = FindingStatus.OPEN;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}

/** A rule switched on or off for a region and everything under it (the longest matching prefix wins). */
@Entity({ tableName: 'rule_setting' })
export class RuleSetting implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: 64 })
  ruleId!: string;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Property({ type: 'boolean' })
  enabled!: boolean;

  @Property({ type: 'string', length: 100 })
  updatedBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}

/**
 * One version of the rule lexicon (absolute terms and exceptions, urgency phrases, regulated and prohibited
 * goods); the newest is in force. Province-wide: `regionCode` is the province, so only a province-level actor
 * may write one (the access rule's write check), and every version is audited.
 */
@Entity({ tableName: 'rule_lexicon' })
export class RuleLexicon implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'json' })
  lexicon!: Record<string, unknown>;

  @Property({ type: 'string', length: 100 })
  updatedBy!: string;

  @Property({ type: 'text', nullable: true })
  note: string | null = null;

  @Property({ type: 'string', length: 12 })
  regionCode: string & Opt = '37';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
