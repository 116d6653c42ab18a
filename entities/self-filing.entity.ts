import { Collection, Entity, Enum, Filter, Index, ManyToOne, OneToMany, type Opt, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { now } from '../kernel/clock';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';
import { OnlineEntity } from './online-entity.entity';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';

/**
 * A self-filing (主体备案) goes awaiting_verification (submitted; the shops have not all proven control of
 * their addresses) → under_review (every shop proved it; the station reviews within the deadline) →
 * accepted (badges issued) or returned (with a reason; the business files anew) → an accepted filing may
 * be revoked (with a reason; its badges stop verifying).
 */
export enum SelfFilingStatus {
  AWAITING_VERIFICATION = 'awaiting_verification',
  UNDER_REVIEW = 'under_review',
  ACCEPTED = 'accepted',
  RETURNED = 'returned',
  REVOKED = 'revoked',
}

/**
 * A business's own filing of itself and its shops (主体备案), made on the public page without login and
 * reviewed by the station of its region. Jurisdiction-bound by the register entity's region. The
 * contact and the legal representative are the business's personal data: staff read them, the public
 * verification page never shows them.
 */
@ObjectType('SelfFiling', { description: 'A business’s own filing of itself and its shops (主体备案), reviewed by the station of its region' })
@Entity({ tableName: 'self_filing' })
@Filter(jurisdictionFilter())
export class SelfFiling implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  /** the public reference (BA + yyyymmdd + 8 random digits): not a sequence */
  @Field(() => String, { description: 'filing number given to the business (BA + day + random digits)' })
  @Property({ type: 'string', length: 32, unique: true })
  number!: string;

  @Field(() => SelfFilingStatus)
  @Index()
  @Enum({ items: () => SelfFilingStatus, nativeEnumName: 'self_filing_status' })
  status: SelfFilingStatus & Opt = SelfFilingStatus.AWAITING_VERIFICATION;

  @Field(() => String, { description: 'USCC as filed (checked against the register)' })
  @Property({ type: 'string', length: 18 })
  uscc!: string;

  @Field(() => String, { description: 'name as filed (matches the register)' })
  @Property({ type: 'string', length: 200 })
  entityName!: string;

  @Field(() => String, { nullable: true, description: 'legal representative as filed (personal data: staff only)' })
  @Property({ type: 'string', length: 100, nullable: true })
  legalRepresentative: string | null = null;

  @Field(() => String, { description: 'contact person (personal data: staff only)' })
  @Property({ type: 'string', length: 100 })
  contactName!: string;

  @Field(() => String, { description: 'contact phone (personal data: staff only)' })
  @Property({ type: 'string', length: 32 })
  contactPhone!: string;

  @Field(() => String, { nullable: true, description: 'contact e-mail (personal data: staff only)' })
  @Property({ type: 'string', length: 200, nullable: true })
  contactEmail: string | null = null;

  @Index()
  @ManyToOne(() => OnlineEntity, { ref: true, deleteRule: 'restrict' })
  entity!: Ref<OnlineEntity>;

  @Field(() => String, { description: 'region of the register entity (the jurisdiction the filing belongs to)' })
  @Index()
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Index()
  @ManyToOne(() => Unit, { ref: true, nullable: true, deleteRule: 'set null' })
  reviewUnit: Ref<Unit> | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  submittedAt: Date & Opt = now();

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'when the last shop proved control of its address' })
  @Property({ type: 'datetime', nullable: true })
  verifiedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'review due on this China day (working days after verification)' })
  @Property({ type: 'date', nullable: true })
  reviewDueOn: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  reviewedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  reviewedBy: string | null = null;

  @Field(() => String, { nullable: true, description: 'why it was returned' })
  @Property({ type: 'text', nullable: true })
  returnReason: string | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  revokeReason: string | null = null;

  /** sha256 of the submission's canonical form: the same submission twice is one filing (while not returned or revoked) */
  @Property({ type: 'string', length: 64 })
  submissionHash!: string;

  /** rate-limit key of the submitting network address (the address itself is not stored) */
  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  submitterKey: string | null = null;

  /** last verification fetch started for this filing (a filing's fetches are spaced) */
  @Property({ type: 'datetime', nullable: true })
  lastVerifyAt: Date | null = null;

  @OneToMany(() => SelfFilingShop, (s) => s.filing, { orderBy: { id: 'asc' } })
  shops = new Collection<SelfFilingShop>(this);

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = now();
}

/**
 * One shop of a self-filing: its address and platform, the token it places on its page to prove control
 * (checked by a verification fetch), and once the filing is accepted its badge (a random id; the badge
 * link carries the id and an HMAC binding it to this address). Jurisdiction-bound by the filing's region.
 */
@ObjectType('SelfFilingShop', { description: 'A shop of a self-filing: address, proof of control, badge' })
@Entity({ tableName: 'self_filing_shop' })
@Filter(jurisdictionFilter())
export class SelfFilingShop implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @ManyToOne(() => SelfFiling, { ref: true, deleteRule: 'cascade' })
  filing!: Ref<SelfFiling>;

  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** normalised (see shopUrlKey) */
  @Field(() => String)
  @Property({ type: 'string', length: 1000 })
  url!: string;

  @Field(() => String)
  @Index()
  @Property({ type: 'string', length: 255 })
  domain!: string;

  @Field(() => String, { description: 'platform (淘宝, 京东 …) or 自建网站' })
  @Property({ type: 'string', length: 100 })
  platform!: string;

  /** what the shop places on its page or profile to prove control of the address */
  @Field(() => String, { description: 'the verification token the shop places on its page' })
  @Property({ type: 'string', length: 64, unique: true })
  verificationToken!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  verifiedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastCheckedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'outcome of the last verification fetch' })
  @Property({ type: 'text', nullable: true })
  lastCheckResult: string | null = null;

  /** the badge's random id (issued on acceptance); the link carries it with its signature */
  @Property({ type: 'string', length: 32, nullable: true, unique: true })
  badgeId: string | null = null;

  @Index()
  @ManyToOne(() => Shop, { ref: true, nullable: true, deleteRule: 'set null' })
  shop: Ref<Shop> | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = now();
}

/**
 * A badge link or identifier the shop crawler saw on a shop's page at a crawl's moment (written by the
 * crawl's ingest, read by the `badge-unverified` rule check). Jurisdiction-bound by the shop's region.
 */
@Entity({ tableName: 'badge_sighting' })
@Filter(jurisdictionFilter())
export class BadgeSighting implements JurisdictionBound {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Index()
  @ManyToOne(() => Shop, { ref: true, deleteRule: 'cascade' })
  shop!: Ref<Shop>;

  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  @Property({ type: 'datetime' })
  observedAt!: Date;

  /** the badge identifier as it appeared (not necessarily well-formed) */
  @Property({ type: 'string', length: 200 })
  token!: string;

  /** the page it appeared on */
  @Property({ type: 'string', length: 1000 })
  pageUrl!: string;
}
