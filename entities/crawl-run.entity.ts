import { Entity, Enum, Filter, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { jurisdictionFilter, type JurisdictionBound } from './jurisdiction';

/** What a crawl walks. */
export enum CrawlKind {
  /** directories and search pages of the platforms and site lists: finds shops, creates or updates `Shop` rows (发现) */
  DISCOVERY = 'discovery',
  /** the home pages (and licence pages) of watched shops and their listings: snapshots and observations */
  SHOPS = 'shops',
  /** the known listing pages of watched shops only: price observations */
  LISTINGS = 'listings',
}

export enum CrawlRunStatus {
  QUEUED = 'queued',
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}

/** One crawl error kept on the run (the first ones; `pagesFailed` and `skipped` count them all). */
export interface CrawlRunError {
  url: string;
  reason: string;
  message: string;
}

/**
 * One crawl: what was asked (kind, scope, seeds), its progress and its outcome. Rows written by a run
 * carry its `observedAt`, so a retried run (after a killed worker) writes the same rows again and the
 * store's unique keys keep them single. Jurisdiction-bound by the scope it was started for.
 */
@ObjectType('CrawlRun', { description: 'One crawl (discovery, shops or listings): progress and outcome' })
@Entity({ tableName: 'crawl_run' })
@Filter(jurisdictionFilter())
export class CrawlRun implements JurisdictionBound {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Field(() => CrawlKind)
  @Enum({ items: () => CrawlKind, nativeEnumName: 'crawl_kind' })
  kind!: CrawlKind;

  @Field(() => CrawlRunStatus)
  @Index()
  @Enum({ items: () => CrawlRunStatus, nativeEnumName: 'crawl_run_status' })
  status: CrawlRunStatus & Opt = CrawlRunStatus.QUEUED;

  /** the region whose shops the run covers (the starter's jurisdiction or narrower) */
  @Field(() => String)
  @Property({ type: 'string', length: 12 })
  regionCode!: string;

  /** the time every snapshot and observation of the run is stamped with */
  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime' })
  observedAt!: Date;

  /** directory or site URLs a discovery run starts from */
  @Field(() => [String])
  @Property({ type: 'json' })
  seeds: string[] & Opt = [];

  /** shops a shops/listings run is limited to; null = every watched shop in the region */
  @Property({ type: 'json', nullable: true })
  shopIds: number[] | null = null;

  /** shop classifications a shops/listings run is limited to (scheduled crawls per class); null = all */
  @Property({ type: 'json', nullable: true })
  classifications: string[] | null = null;

  /** shops runs: also photograph the shop home pages read (chromium; at most CRAWL_SCREENSHOTS_MAX), kept as evidence */
  @Field(() => Boolean, { description: 'shops crawls: the shop home pages read are also photographed (kept as screenshot evidence)' })
  @Property({ type: 'boolean', default: false })
  screenshots: boolean & Opt = false;

  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  requestedBy!: string;

  /** what started it: a user, a job scheduler id, the demo */
  @Field(() => String)
  @Property({ type: 'string', length: 100 })
  trigger!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 100, nullable: true })
  jobId: string | null = null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  attempts: number & Opt = 0;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;

  @Field(() => Int)
  @Property({ type: 'integer' })
  pagesOk: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  pagesFailed: number & Opt = 0;

  /** requests refused or given up by policy, per reason (foreign-host, robots, too-large, …) */
  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  skipped: Record<string, number> & Opt = {};

  /** the first errors (at most 100) */
  @Field(() => [GraphQLJSONObject])
  @Property({ type: 'json' })
  errors: CrawlRunError[] & Opt = [];

  @Field(() => Int)
  @Property({ type: 'integer' })
  shopsSeen: number & Opt = 0;

  /** shops found that the register did not know: created unfiled, flagged for filing */
  @Field(() => Int)
  @Property({ type: 'integer' })
  shopsCreated: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  listingsSeen: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  snapshotsWritten: number & Opt = 0;

  @Field(() => Int)
  @Property({ type: 'integer' })
  observationsWritten: number & Opt = 0;

  /** raw responses (and screenshots) kept as evidence */
  @Field(() => Int)
  @Property({ type: 'integer' })
  captures: number & Opt = 0;

  /** changes found, per kind (price_up, price_down, listing_new, listing_removed, licence_changed) */
  @Field(() => GraphQLJSONObject)
  @Property({ type: 'json' })
  changes: Record<string, number> & Opt = {};

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  message: string | null = null;

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();
}
