/** Every entity of the platform, for the ORM configuration. */
import { ApiKey } from './api-key.entity';
import { AuditEntry } from './audit-entry.entity';
import { CalendarDay } from './calendar-day.entity';
import { Case, CaseClue, CaseEvent, CaseEvidence } from './case.entity';
import { Clue, ClueEvent, ClueFinding } from './clue.entity';
import { Complaint, ComplaintEvent } from './complaint.entity';
import { CrawlRun } from './crawl-run.entity';
import { Finding, RuleLexicon, RuleSetting } from './finding.entity';
import { AdministrativePenalty } from './administrative-penalty.entity';
import { ImportBatch } from './import-batch.entity';
import { Listing } from './listing.entity';
import {
  ConsumerWarning,
  DesignatedStaff,
  InfoReport,
  InfoReportEvent,
  InfoReportVersion,
  LoginEvent,
  Notice,
  NoticeRead,
  NoticeRecipient,
  NoticeReply,
  PublicityActivity,
  TrainingSession,
  UnitEquipment,
  WorkPlan,
} from './office.entity';
import { OnlineEntity } from './online-entity.entity';
import { PatrolPlan, PatrolRecord, PatrolTask } from './patrol.entity';
import { EcommercePlatform, PlatformReport, PlatformShop, ReconciliationConflict } from './platform-report.entity';
import { Region } from './region.entity';
import { RegistrationChange } from './registration-change.entity';
import { BadgeSighting, SelfFiling, SelfFilingShop } from './self-filing.entity';
import { Session } from './session.entity';
import { ShopEvent } from './shop-event.entity';
import { Shop } from './shop.entity';
import { Unit } from './unit.entity';
import { User } from './user.entity';

export const ALL_ENTITIES = [Region, Unit, User, Session, ApiKey, OnlineEntity, Shop, ShopEvent, AuditEntry, ImportBatch, Listing, CrawlRun, Finding, RuleSetting, RuleLexicon, Clue, ClueFinding, ClueEvent, Case, CaseClue, CaseEvidence, CaseEvent, PatrolPlan, PatrolTask, PatrolRecord, Complaint, ComplaintEvent,
  InfoReport, InfoReportVersion, InfoReportEvent, Notice, NoticeRecipient, NoticeRead, NoticeReply, LoginEvent, TrainingSession,
  PublicityActivity, ConsumerWarning, DesignatedStaff, UnitEquipment, WorkPlan, CalendarDay,
  EcommercePlatform, PlatformReport, PlatformShop, ReconciliationConflict,
  RegistrationChange, AdministrativePenalty,
  SelfFiling, SelfFilingShop, BadgeSighting];

/** Entities whose every change is written to the audit log. */
export const AUDITED_ENTITIES: ReadonlySet<Function> = new Set([OnlineEntity, Shop, User, ApiKey, Unit, Session, RuleSetting, RuleLexicon, Finding, Clue, Case, PatrolPlan, PatrolRecord, Complaint,
  InfoReport, Notice, TrainingSession, PublicityActivity, ConsumerWarning, DesignatedStaff, UnitEquipment, WorkPlan, CalendarDay,
  EcommercePlatform, ReconciliationConflict,
  RegistrationChange, AdministrativePenalty,
  SelfFiling, SelfFilingShop]);

export * from './administrative-penalty.entity';
export * from './api-key.entity';
export * from './audit-entry.entity';
export * from './calendar-day.entity';
export * from './case.entity';
export * from './clue.entity';
export * from './complaint.entity';
export * from './crawl-run.entity';
export * from './finding.entity';
export * from './import-batch.entity';
export * from './jurisdiction';
export * from './listing.entity';
export * from './office.entity';
export * from './online-entity.entity';
export * from './patrol.entity';
export * from './platform-report.entity';
export * from './region.entity';
export * from './registration-change.entity';
export * from './self-filing.entity';
export * from './session.entity';
export * from './shop-event.entity';
export * from './shop.entity';
export * from './unit.entity';
export * from './user.entity';
