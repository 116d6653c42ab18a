import { registerEnumType } from 'type-graphql';
import {
  CaseAction,
  ConsumerWarningStatus,
  InfoReportAction,
  InfoReportKind,
  InfoReportStatus,
  NoticeKind,
  PublicityKind,
  StaffAssignment,
  TrainingForm,
  ComplaintAction,
  ComplaintChannel,
  ComplaintFeedback,
  ComplaintKind,
  ComplaintResult,
  ComplaintStatus,
  PatrolMode,
  PatrolOutcome,
  PatrolPlanKind,
  PatrolPlanStatus,
  PatrolTaskStatus,
  CaseEvidenceKind,
  CaseStatus,
  ClueAction,
  ClueOutcome,
  ClueSource,
  ClueStatus,
  CrawlKind,
  FindingSeverity,
  FindingStatus,
  CrawlRunStatus,
  FilingStatus,
  MaintenanceStatus,
  RegionLevel,
  RegistrationStatus,
  Role,
  ShopClassification,
  ShopEventKind,
  UnitLevel,
  ConflictKind,
  ConflictStatus,
  PlatformShopStatus,
} from '../entities';

/** Sort direction of a list. */
export enum SortDirection {
  ASC = 'asc',
  DESC = 'desc',
}

/** What a maintenance check (比对维护) found. */
export enum MaintenanceAction {
  /** the link no longer works (链接失效) */
  LINK_DEAD = 'link_dead',
  /** the business is not in this jurisdiction (不属于本辖区) */
  NOT_IN_JURISDICTION = 'not_in_jurisdiction',
  /** the shop's information does not match the register (信息不一致) */
  INFO_MISMATCH = 'info_mismatch',
  /** checked and found in order again */
  NORMAL = 'normal',
}

registerEnumType(SortDirection, { name: 'SortDirection' });
registerEnumType(MaintenanceAction, { name: 'MaintenanceAction', description: 'Outcome of a maintenance check (比对维护)' });
registerEnumType(RegionLevel, { name: 'RegionLevel' });
registerEnumType(UnitLevel, { name: 'UnitLevel' });
registerEnumType(Role, { name: 'Role' });
registerEnumType(RegistrationStatus, { name: 'RegistrationStatus', description: 'Registration status (存续, 吊销, 注销, 迁出)' });
registerEnumType(ShopClassification, { name: 'ShopClassification' });
registerEnumType(FilingStatus, { name: 'FilingStatus', description: 'Filing state (建档)' });
registerEnumType(MaintenanceStatus, { name: 'MaintenanceStatus', description: 'Result of the latest maintenance check (比对维护)' });
registerEnumType(ShopEventKind, { name: 'ShopEventKind' });

/** Sortable fields of shops. */
export enum ShopSortField {
  ID = 'id',
  NAME = 'name',
  DISCOVERED_AT = 'discoveredAt',
  UPDATED_AT = 'updatedAt',
}

/** Sortable fields of entities. */
export enum EntitySortField {
  ID = 'id',
  NAME = 'name',
  USCC = 'uscc',
  UPDATED_AT = 'updatedAt',
}

registerEnumType(ShopSortField, { name: 'ShopSortField' });
registerEnumType(EntitySortField, { name: 'EntitySortField' });
registerEnumType(CrawlKind, { name: 'CrawlKind', description: 'What a crawl walks: discovery (directories → shops), shops (shop pages and listings), listings' });
registerEnumType(CrawlRunStatus, { name: 'CrawlRunStatus' });
registerEnumType(FindingSeverity, { name: 'FindingSeverity' });
registerEnumType(FindingStatus, { name: 'FindingStatus', description: 'open, or dismissed after checking' });
registerEnumType(ClueSource, { name: 'ClueSource', description: 'Where a clue came from: a finding, a complaint, a patrol, by hand, or a reconciliation conflict' });
registerEnumType(ClueStatus, { name: 'ClueStatus', description: 'received → registered → assigned (交办) → handled → fed back → archived' });
registerEnumType(ClueOutcome, { name: 'ClueOutcome', description: 'What handling a clue found: verified (属实), not verified (不属实), case filed (立案)' });
registerEnumType(ClueAction, { name: 'ClueAction', description: 'One step of a clue\'s flow' });
registerEnumType(CaseStatus, { name: 'CaseStatus', description: 'proposed → filed (立案) → investigating → notified (告知) → decided → executed → closed (结案); or not filed / transferred' });
registerEnumType(CaseAction, { name: 'CaseAction', description: 'One step of a case\'s flow' });
registerEnumType(CaseEvidenceKind, { name: 'CaseEvidenceKind', description: 'capture (evidence store), file, or note' });
registerEnumType(PatrolPlanKind, { name: 'PatrolPlanKind', description: 'routine (日常巡查, by shop class and risk) or a special campaign (专项)' });
registerEnumType(PatrolPlanStatus, { name: 'PatrolPlanStatus', description: 'active (generating tasks) or closed' });
registerEnumType(PatrolTaskStatus, { name: 'PatrolTaskStatus', description: 'open, done (a record was filed) or cancelled' });
registerEnumType(PatrolMode, { name: 'PatrolMode', description: 'online (网上巡查) or on-site (实地巡查)' });
registerEnumType(PatrolOutcome, { name: 'PatrolOutcome', description: 'compliant (未发现问题), rectification ordered (责令整改), or a clue raised' });
registerEnumType(ComplaintKind, { name: 'ComplaintKind', description: 'complaint (投诉, a consumer dispute, mediated) or report (举报, a violation reported)' });
registerEnumType(ComplaintChannel, { name: 'ComplaintChannel', description: 'staff, the public form, or another system (12315) through an API key' });
registerEnumType(ComplaintStatus, { name: 'ComplaintStatus', description: 'received → accepted (受理) or rejected (不予受理) → mediating (调解) → resolved → closed (回访)' });
registerEnumType(ComplaintResult, { name: 'ComplaintResult', description: 'How a complaint ended: agreement, no agreement, withdrawn, terminated, or a report handled' });
registerEnumType(ComplaintFeedback, { name: 'ComplaintFeedback', description: 'The consumer\'s feedback (回访)' });
registerEnumType(ComplaintAction, { name: 'ComplaintAction', description: 'One step of a complaint' });
registerEnumType(InfoReportKind, { name: 'InfoReportKind', description: 'work information (工作信息), case report (案件报送), campaign summary (专项总结), statistics (统计报表)' });
registerEnumType(InfoReportStatus, { name: 'InfoReportStatus', description: 'draft → submitted (with a reviewer) → approved; or returned with comments → revised → submitted again' });
registerEnumType(InfoReportAction, { name: 'InfoReportAction', description: 'One step of a report\'s review' });
registerEnumType(NoticeKind, { name: 'NoticeKind', description: 'notice (通知, down the tree) or message (邮件, between neighbouring units)' });
registerEnumType(TrainingForm, { name: 'TrainingForm', description: 'lecture, online, meeting (以会代训), on-the-job (岗位练兵), exam' });
registerEnumType(PublicityKind, { name: 'PublicityKind', description: 'event (e.g. 3·15), media, outreach, online, leaflets' });
registerEnumType(ConsumerWarningStatus, { name: 'ConsumerWarningStatus', description: 'draft, published (public), withdrawn' });
registerEnumType(StaffAssignment, { name: 'StaffAssignment', description: 'full-time (专职) or part-time (兼职)' });
registerEnumType(PlatformShopStatus, { name: 'PlatformShopStatus', description: 'status of a shop as its platform reports it: open or closed' });
registerEnumType(ConflictKind, { name: 'ConflictKind', description: 'what disagrees between the sources of the register (对账差异)' });
registerEnumType(ConflictStatus, { name: 'ConflictStatus', description: 'open, resolved (sources agree again), dismissed (reviewed), clue_raised' });
