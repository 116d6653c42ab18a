import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLISODateTime } from 'type-graphql';

/** A stored format of a monthly report. */
export enum MonthlyReportFormat {
  XLSX = 'xlsx',
  HTML = 'html',
  PDF = 'pdf',
  /** the report's table as JSON; its SHA-256 is the data digest */
  JSON = 'json',
}

/** The kind of a row of the report table. */
export enum MonthlyReportRowKind {
  /** a child unit (a station's only row: the station) */
  UNIT = 'unit',
  /** the unit's own rows (本级): the subtree less the children */
  OWN = 'own',
  /** 合计: the unit's whole subtree */
  TOTAL = 'total',
}

registerEnumType(MonthlyReportFormat, { name: 'MonthlyReportFormat', description: 'A stored format of a monthly report' });
registerEnumType(MonthlyReportRowKind, { name: 'MonthlyReportRowKind', description: 'The kind of a row of the monthly report table' });

@ObjectType('MonthlyReportFile', { description: 'One stored file of a monthly report, downloadable at `url` (bearer token)' })
export class MonthlyReportFileType {
  @Field(() => ID)
  id!: number;

  @Field(() => MonthlyReportFormat)
  format!: MonthlyReportFormat;

  @Field(() => String, { description: 'SHA-256 of the bytes: equal over regenerations when the data did not change (xlsx, html, json)' })
  sha256!: string;

  @Field(() => Int)
  sizeBytes!: number;

  @Field(() => String, { description: 'the download path, e.g. /reports/12.xlsx' })
  url!: string;

  @Field(() => GraphQLISODateTime)
  generatedAt!: Date;

  @Field(() => String, { description: 'the user or system job that generated it' })
  generatedBy!: string;

  @Field(() => String, { description: 'schedule, cli or api' })
  trigger!: string;
}

@ObjectType('MonthlyReportValue', { description: 'One figure: a count or amount, or a rate with its numerator and denominator' })
export class MonthlyReportValueType {
  @Field(() => Float)
  numerator!: number;

  @Field(() => Float, { nullable: true, description: 'rates only' })
  denominator!: number | null;

  @Field(() => Float, { nullable: true, description: 'the count, or numerator / denominator × scale; null for a rate without a denominator' })
  value!: number | null;
}

@ObjectType('MonthlyReportCell', { description: 'One indicator of one row: month, year to date, same month last year and the change' })
export class MonthlyReportCellType {
  @Field(() => MonthlyReportValueType, { description: '本月' })
  month!: MonthlyReportValueType;

  @Field(() => MonthlyReportValueType, { description: '本年累计 (stocks: the end of the month)' })
  ytd!: MonthlyReportValueType;

  @Field(() => MonthlyReportValueType, { description: 'the same month last year' })
  lastYear!: MonthlyReportValueType;

  @Field(() => Float, { nullable: true, description: '同比: counts month − last year; rates in percentage points' })
  change!: number | null;

  @Field(() => Float, { nullable: true, description: 'counts only: the change in percent of last year (null when last year is 0)' })
  changePct!: number | null;
}

@ObjectType('MonthlyReportRow', { description: 'A row of the monthly report table' })
export class MonthlyReportRowType {
  @Field(() => MonthlyReportRowKind)
  kind!: MonthlyReportRowKind;

  @Field(() => ID, { nullable: true })
  unitId!: number | null;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => [MonthlyReportCellType], { description: 'one per column, in column order' })
  cells!: MonthlyReportCellType[];
}

@ObjectType('MonthlyReportColumn', { description: 'A column group of the report: one indicator of the catalog' })
export class MonthlyReportColumnType {
  @Field(() => String)
  key!: string;

  @Field(() => String)
  nameZh!: string;

  @Field(() => String)
  nameEn!: string;

  @Field(() => String)
  unit!: string;

  @Field(() => String, { description: 'sum or rate' })
  aggregation!: string;

  @Field(() => String, { description: 'flow or stock' })
  time!: string;

  @Field(() => String)
  sectionZh!: string;

  @Field(() => String)
  sectionEn!: string;
}

@ObjectType('MonthlyReportTable', { description: 'The standard table of a monthly report' })
export class MonthlyReportTableType {
  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => String)
  lastYearMonth!: string;

  @Field(() => String)
  ytdFrom!: string;

  @Field(() => [MonthlyReportColumnType])
  columns!: MonthlyReportColumnType[];

  @Field(() => [MonthlyReportRowType], { description: 'the child units in code order, then the unit\'s own row; a station: one row' })
  rows!: MonthlyReportRowType[];

  @Field(() => MonthlyReportRowType, { description: '合计: the whole subtree' })
  total!: MonthlyReportRowType;
}

@ObjectType('MonthlyReport', { description: 'The monthly statistical report (月度统计报表) of one unit and month: its stored files' })
export class MonthlyReportType {
  @Field(() => ID, { description: '<unitId>:<YYYY-MM>' })
  id!: string;

  @Field(() => ID)
  unitId!: number;

  @Field(() => String)
  unitCode!: string;

  @Field(() => String)
  unitName!: string;

  @Field(() => String, { description: 'YYYY-MM' })
  month!: string;

  @Field(() => String, { description: 'SHA-256 of the table data (the json file)' })
  dataDigest!: string;

  @Field(() => GraphQLISODateTime)
  generatedAt!: Date;

  @Field(() => [MonthlyReportFileType])
  files!: MonthlyReportFileType[];

  @Field(() => MonthlyReportTableType, { nullable: true, description: 'the table as stored (read with monthlyReport only)' })
  table?: MonthlyReportTableType | null;
}

@ObjectType('MonthlyReportGeneration', { description: 'What a (re)generation did' })
export class MonthlyReportGenerationType {
  @Field(() => String)
  month!: string;

  @Field(() => Int, { description: 'units whose report was (re)generated' })
  units!: number;

  @Field(() => Int)
  files!: number;

  @Field(() => Int)
  ms!: number;

  @Field(() => Boolean, { description: 'true when the subtree was too large for the request: the unit is done, the units below are queued' })
  queued!: boolean;

  @Field(() => MonthlyReportType, { nullable: true, description: 'the report of the unit asked for' })
  report!: MonthlyReportType | null;
}
