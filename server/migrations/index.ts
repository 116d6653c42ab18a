import type { MigrationObject } from '@mikro-orm/core';
import { CaseFilesMigration } from './20261205-case-files.migration';
import { CasesMigration } from './20261204-cases.migration';
import { CluesMigration } from './20261203-clues.migration';
import { FindingsMigration } from './20261202-findings.migration';
import { LexiconMigration } from './20261205-lexicon.migration';
import { PatrolsComplaintsMigration } from './20261206-patrols-complaints.migration';
import { OfficeMigration } from './20261207-office.migration';
import { MetricsMigration } from './20261208-metrics.migration';
import { CalendarMigration } from './20261209-calendar.migration';
import { AssessmentMigration } from './20261210-assessment.migration';
import { MonthlyReportMigration } from './20261211-monthly-report.migration';
import { ListingCategoryPathMigration } from './20261212-listing-category-path.migration';
import { JURISDICTION_TABLES, RowLevelSecurityMigration } from './20261213-row-level-security.migration';
import { PLATFORM_REPORT_TABLES, PlatformReportsMigration } from './20261214-platform-reports.migration';
import { SHARED_DATA_TABLES, SharedDataMigration } from './20261215-shared-data.migration';
import { SELF_FILING_TABLES, SelfFilingMigration } from './20261216-self-filing.migration';
import { LoginThrottleMigration } from './20261217-login-throttle.migration';
import { InitialMigration } from './20261128-initial.migration';
import { TimeseriesMigration } from './20261129-timeseries.migration';
import { EvidenceMigration } from './20261201-evidence.migration';
import { CrawlMigration } from './20261130-crawl.migration';

/** Every migration, in order. Listed explicitly so the built JS and the TS sources run the same set. */
export const MIGRATIONS: MigrationObject[] = [
  { name: '20261128-initial', class: InitialMigration },
  { name: '20261129-timeseries', class: TimeseriesMigration },
  { name: '20261130-crawl', class: CrawlMigration },
  { name: '20261201-evidence', class: EvidenceMigration },
  { name: '20261202-findings', class: FindingsMigration },
  { name: '20261203-clues', class: CluesMigration },
  { name: '20261204-cases', class: CasesMigration },
  { name: '20261205-case-files', class: CaseFilesMigration },
  { name: '20261205-lexicon', class: LexiconMigration },
  { name: '20261206-patrols-complaints', class: PatrolsComplaintsMigration },
  { name: '20261207-office', class: OfficeMigration },
  { name: '20261208-metrics', class: MetricsMigration },
  { name: '20261209-calendar', class: CalendarMigration },
  { name: '20261210-assessment', class: AssessmentMigration },
  { name: '20261211-monthly-report', class: MonthlyReportMigration },
  { name: '20261212-listing-category-path', class: ListingCategoryPathMigration },
  { name: '20261213-row-level-security', class: RowLevelSecurityMigration },
  { name: '20261214-platform-reports', class: PlatformReportsMigration },
  { name: '20261215-shared-data', class: SharedDataMigration },
  { name: '20261216-self-filing', class: SelfFilingMigration },
  { name: '20261217-login-throttle', class: LoginThrottleMigration },
];

/**
 * Every jurisdiction-bound table with row-level security and the region-code columns its policy reads:
 * those of 20261213 and those later migrations add (each migration creates its own policies with
 * `jurisdictionPolicySql`). `test/compiled-reads.test.ts` checks it against the entities' filters.
 */
export const ALL_JURISDICTION_TABLES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ...JURISDICTION_TABLES,
  ...PLATFORM_REPORT_TABLES,
  ...SHARED_DATA_TABLES,
  ...SELF_FILING_TABLES,
];
