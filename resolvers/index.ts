import { ApiKeyResolver } from './api-key.resolver';
import { AuditResolver } from './audit.resolver';
import { AuthResolver } from './auth.resolver';
import { AssessmentResolver } from './assessment.resolver';
import { CalendarResolver } from './calendar.resolver';
import { CaseResolver } from './case.resolver';
import { ClueResolver } from './clue.resolver';
import { PATROL_RESOLVERS } from './patrol.resolver';
import { PLATFORM_REPORT_RESOLVERS } from './platform-report.resolver';
import { INFO_REPORT_RESOLVERS } from './info-report.resolver';
import { NOTICE_RESOLVERS } from './notice.resolver';
import { OFFICE_RECORD_RESOLVERS } from './office-records.resolver';
import { ComplaintResolver } from './complaint.resolver';
import { CrawlResolver } from './crawl.resolver';
import { EntityResolver } from './entity.resolver';
import { FindingResolver } from './finding.resolver';
import { FILING_RESOLVERS } from './filing.resolver';
import { ImportResolver } from './import.resolver';
import { MetricsResolver } from './metrics.resolver';
import { MonthlyReportResolver } from './report.resolver';
import { ChangeResolver, ListingResolver, ShopMarketResolver } from './market.resolver';
import { RegionResolver } from './region.resolver';
import { SHARED_DATA_RESOLVERS } from './shared-data.resolver';
import { ShopResolver } from './shop.resolver';
import { UnitResolver } from './unit.resolver';
import { UserResolver } from './user.resolver';

/** Every resolver module, one per domain. */
export const RESOLVERS = [
  AuthResolver,
  CalendarResolver,
  RegionResolver,
  UnitResolver,
  EntityResolver,
  ShopResolver,
  ImportResolver,
  AuditResolver,
  ApiKeyResolver,
  UserResolver,
  ShopMarketResolver,
  ListingResolver,
  ChangeResolver,
  CrawlResolver,
  FindingResolver,
  ClueResolver,
  CaseResolver,
  ComplaintResolver,
  ...PATROL_RESOLVERS,
  ...INFO_REPORT_RESOLVERS,
  ...NOTICE_RESOLVERS,
  ...OFFICE_RECORD_RESOLVERS,
  MetricsResolver,
  MonthlyReportResolver,
  AssessmentResolver,
  ...SHARED_DATA_RESOLVERS,
  ...PLATFORM_REPORT_RESOLVERS,
  ...FILING_RESOLVERS,
] as const;
