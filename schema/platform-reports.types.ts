import { GraphQLJSONObject } from 'graphql-scalars';
import { ArrayMaxSize } from 'class-validator';
import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConflictKind, ConflictStatus, EcommercePlatform, ReconciliationConflict } from '../entities';
import { ConnectionType } from './connection';

/** Where a fact of the register came from. */
export enum FactSourceKind {
  CRAWL = 'crawl',
  PLATFORM_REPORT = 'platform_report',
  REGISTRATION_DATA = 'registration_data',
  REGISTER_IMPORT = 'register_import',
  MANUAL = 'manual',
  OTHER_SYSTEM = 'other_system',
  SYSTEM = 'system',
}

registerEnumType(FactSourceKind, { name: 'FactSourceKind', description: 'where a fact of the register came from: crawl, platform report, registration data, register import, by hand, another system, the system' });

export enum ReportMode {
  FULL = 'full',
  DELTA = 'delta',
}
registerEnumType(ReportMode, { name: 'ReportMode', description: 'full: every shop of the platform in Shandong (shops not named are marked absent); delta: changes only' });

@InputType('RegisterPlatformInput')
export class RegisterPlatformInput {
  @Field(() => String, { description: 'short code, e.g. jd' })
  code!: string;

  @Field(() => String, { description: 'the platform name as the register writes it on shops (Shop.platform), e.g. 京东' })
  name!: string;

  @Field(() => String, { nullable: true })
  operatorUscc?: string | null;

  @Field(() => Int, { nullable: true, description: 'day of the month (1–28) by which the full report is due; default 10' })
  reportDueDay?: number | null;
}

/** One shop as the platform reports it. Every field is checked row by row (errors name the row and field), so none is required by the schema. */
@InputType('ReportedShopInput')
export class ReportedShopInput {
  @Field(() => String, { nullable: true, description: "the platform's own id of the shop (required)" })
  platformShopId?: string | null;

  @Field(() => String, { nullable: true, description: 'the shop home page, http(s) (required)' })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'shop name (required)' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'name of the business operating it (required)' })
  operatorName?: string | null;

  @Field(() => String, { nullable: true, description: 'unified social credit code, checked (GB 32100-2015)' })
  uscc?: string | null;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true })
  contact?: string | null;

  @Field(() => String, { nullable: true, description: 'open (营业) or closed (关闭) (required)' })
  status?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  openedOn?: string | null;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD; required when closed' })
  closedOn?: string | null;
}

@InputType('PlatformReportInput')
export class PlatformReportInput {
  @Field(() => String, { description: 'your own id of this report: sending it again is answered with the stored outcome' })
  reportId!: string;

  @Field(() => ReportMode)
  mode!: ReportMode;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'the moment the report describes (default: now)' })
  asOf?: Date | null;

  @Field(() => [ReportedShopInput], { description: 'at most 5,000 shops a call; larger reports go to POST /platform/reports/{reportId}' })
  @ArrayMaxSize(5000)
  shops!: ReportedShopInput[];
}

@ObjectType('ReportRowError')
export class ReportRowErrorType {
  @Field(() => Int, { description: 'the row (GraphQL: index + 1; JSON Lines: line; sheets: row, header = 1)' })
  row!: number;

  @Field(() => String, { nullable: true })
  field!: string | null;

  @Field(() => String)
  reason!: string;
}

@ObjectType('PlatformReport', { description: 'One report a platform sent, with its outcome' })
export class PlatformReportType {
  @Field(() => ID)
  id!: number;

  @Field(() => EcommercePlatform)
  platform!: EcommercePlatform;

  @Field(() => String)
  reportId!: string;

  @Field(() => ReportMode)
  mode!: ReportMode;

  @Field(() => String, { description: 'graphql, jsonl, csv or xlsx' })
  format!: string;

  @Field(() => String)
  sha256!: string;

  @Field(() => String, { description: 'committed (shops written) or rejected (row errors: nothing written)' })
  status!: string;

  @Field(() => GraphQLISODateTime)
  asOf!: Date;

  @Field(() => GraphQLISODateTime)
  receivedAt!: Date;

  @Field(() => Int)
  totalRows!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, { description: 'full mode: shops reported before and not named now' })
  absent!: number;

  @Field(() => Int, { description: 'rows with at least one error' })
  rejected!: number;

  @Field(() => Int)
  errorCount!: number;

  @Field(() => [ReportRowErrorType], { description: 'the row errors (the first 10,000 are kept; as CSV at /platform/reports/{reportId}/errors.csv)' })
  errors!: ReportRowErrorType[];

  @Field(() => [String])
  warnings!: string[];

  @Field(() => Boolean, { description: 'true: this report id and content had been received before, nothing was done again' })
  replayed!: boolean;
}

@ObjectType('ReconcileSummary')
export class ReconcileSummaryType {
  @Field(() => GraphQLJSONObject, { description: 'conflicts found, by kind' })
  found!: Record<string, number>;

  @Field(() => Int)
  opened!: number;

  @Field(() => Int)
  resolved!: number;
}

@ObjectType('ConflictCount')
export class ConflictCountType {
  @Field(() => ConflictKind)
  kind!: ConflictKind;

  @Field(() => Int)
  open!: number;
}

@InputType('ConflictFilter')
export class ConflictFilterInput {
  @Field(() => [ConflictKind], { nullable: true })
  kind?: ConflictKind[] | null;

  @Field(() => [ConflictStatus], { nullable: true, description: 'default: open' })
  status?: ConflictStatus[] | null;

  @Field(() => String, { nullable: true, description: 'region subtree' })
  regionCode?: string | null;

  @Field(() => ID, { nullable: true })
  platformId?: string | null;

  @Field(() => ID, { nullable: true })
  shopId?: string | null;
}

export const ReconciliationConflictConnection = ConnectionType('ReconciliationConflict', ReconciliationConflict);

@ObjectType('FactSource', { description: 'A value of the register with where and when it came from' })
export class FactSourceType {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true })
  value!: string | null;

  @Field(() => FactSourceKind)
  source!: FactSourceKind;

  @Field(() => String, { description: 'which report, operation or user' })
  reference!: string;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@ObjectType('PlatformReportingStat', { description: "A platform's reporting in a month: timeliness and completeness against what the spiders found" })
export class PlatformReportingStatType {
  @Field(() => EcommercePlatform)
  platform!: EcommercePlatform;

  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'the first committed full report describing the month (as of its last day, or sent in the next month)' })
  fullReportAt!: Date | null;

  @Field(() => String, { description: 'the due day: reportDueDay of the next month' })
  dueOn!: string;

  @Field(() => Boolean, { description: 'the full report came by the due day' })
  onTime!: boolean;

  @Field(() => Int)
  reports!: number;

  @Field(() => Int)
  rejectedReports!: number;

  @Field(() => Int, { description: 'shops the platform reports in your jurisdiction' })
  reportedShops!: number;

  @Field(() => Int, { description: 'shops on the platform the spiders found in your jurisdiction' })
  crawledShops!: number;

  @Field(() => Int, { description: 'of those, the ones the platform reports' })
  crawledAndReported!: number;

  @Field(() => Number, { nullable: true, description: 'crawledAndReported / crawledShops × 100 (null without crawled shops)' })
  completeness!: number | null;
}
