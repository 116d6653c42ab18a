import { graphql, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Actor, Role } from '../entities';
import { RESOLVERS } from '../resolvers';
import { authenticatedOnly, Permission, ROLE_PERMISSIONS } from '../services/access/permissions';
import { buildHongdunSchema } from '../server/graphql';

/**
 * A snapshot of what every GraphQL operation requires, read from the `@Authorized(...)` declarations
 * (type-graphql metadata) and checked against the executable schema: a new Query or Mutation field
 * without a declared permission, or a changed permission, fails here until the table below is updated
 * on purpose. Where the caller may act is the access matrix's business (test/access-matrix.test.ts).
 */

/** The one operation open to anonymous callers. */
const PUBLIC = '(public)';

const EXPECTED: Record<string, string> = {
  'Query.metrics': 'metrics:read',
  'Query.metricCatalog': 'metrics:read',
  'Query.metricsOverDays': 'metrics:read',
  'Query.monthlyReports': 'reports:read',
  'Query.monthlyReport': 'reports:read',
  'Mutation.generateMonthlyReport': 'reports:generate',
  'Query.workingCalendar': 'authenticated',
  'Mutation.setCalendarDay': 'calendar:manage',
  'Mutation.clearCalendarDay': 'calendar:manage',
  'Query.assessmentResults': 'assessment:read',
  'Query.assessmentResult': 'assessment:read',
  'Query.assessmentYears': 'assessment:read',
  'Query.assessmentSchemes': 'assessment:read',
  'Mutation.saveAssessmentScheme': 'assessment:manage',
  'Mutation.runAssessment': 'assessment:manage',
  'Mutation.recordAssessmentBonus': 'assessment:manage',
  'Query.infoReports': 'office:read',
  'Query.infoReport': 'office:read',
  'Query.infoReportCountsByUnit': 'office:read',
  'Query.noticeInbox': 'office:read',
  'Query.noticesSent': 'office:read',
  'Query.notice': 'office:read',
  'Query.loginCompliance': 'office:read',
  'Query.trainingSessions': 'office:read',
  'Query.publicityActivities': 'office:read',
  'Query.consumerWarnings': 'office:read',
  'Query.unitResources': 'office:read',
  'Query.resourceMinimums': 'office:read',
  'Query.workPlans': 'office:read',
  'Query.workPlanStatus': 'office:read',
  'Query.workPlansFromAbove': 'office:read',
  'Mutation.draftInfoReport': 'office:work',
  'Mutation.reviseInfoReport': 'office:work',
  'Mutation.submitInfoReport': 'office:work',
  'Mutation.forwardInfoReport': 'office:review',
  'Mutation.approveInfoReport': 'office:review',
  'Mutation.returnInfoReport': 'office:review',
  'Mutation.sendNotice': 'office:review',
  'Mutation.sendMessage': 'office:work',
  'Mutation.markNoticeRead': 'office:read',
  'Mutation.replyToNotice': 'office:work',
  'Mutation.recordTrainingSession': 'office:work',
  'Mutation.recordPublicityActivity': 'office:work',
  'Mutation.draftConsumerWarning': 'office:work',
  'Mutation.designateStaff': 'office:work',
  'Mutation.endStaffDesignation': 'office:work',
  'Mutation.declareEquipment': 'office:work',
  'Mutation.saveWorkPlan': 'office:work',
  'Mutation.publishConsumerWarning': 'office:review',
  'Mutation.withdrawConsumerWarning': 'office:review',
  'Mutation.publishWorkPlan': 'office:review',
  'Query.complaints': 'complaints:read',
  'Query.complaint': 'complaints:read',
  'Query.complaintCountsByUnit': 'complaints:read',
  'Query.complaintsCsv': 'complaints:read',
  'Mutation.submitComplaint': 'complaints:handle',
  'Mutation.acceptComplaint': 'complaints:handle',
  'Mutation.rejectComplaint': 'complaints:handle',
  'Mutation.startComplaintMediation': 'complaints:handle',
  'Mutation.resolveComplaint': 'complaints:handle',
  'Mutation.closeComplaint': 'complaints:handle',
  'Mutation.raiseClueFromComplaint': 'complaints:handle',
  'Mutation.reassignComplaint': 'complaints:handle',
  'Query.platforms': 'registry:read',
  'Mutation.registerPlatform': 'apikeys:manage',
  'Mutation.createPlatformApiKey': 'apikeys:manage',
  'Mutation.reportPlatformShops': 'platforms:report',
  'Query.platformReport': 'platforms:report',
  'Query.platformReports': 'registry:read',
  'Query.platformReportingStats': 'registry:read',
  'Query.reconciliationConflicts': 'registry:read',
  'Query.conflictCounts': 'registry:read',
  'Mutation.dismissConflict': 'registry:write',
  'Mutation.raiseClueFromConflict': 'clues:handle',
  'Mutation.reconcileRegister': 'registry:write',
  'Query.selfFilings': 'registry:read',
  'Query.selfFiling': 'registry:read',
  'Mutation.acceptSelfFiling': 'registry:write',
  'Mutation.returnSelfFiling': 'registry:write',
  'Mutation.revokeSelfFiling': 'registry:write',
  'Query.patrolPlans': 'patrols:read',
  'Query.patrolPlan': 'patrols:read',
  'Query.patrolTasks': 'patrols:read',
  'Query.patrolRecords': 'patrols:read',
  'Query.patrolRecord': 'patrols:read',
  'Query.patrolCoverage': 'patrols:read',
  'Query.campaignProgress': 'patrols:read',
  'Mutation.createPatrolPlan': 'patrols:plan',
  'Mutation.closePatrolPlan': 'patrols:plan',
  'Mutation.generatePatrolTasks': 'patrols:plan',
  'Mutation.filePatrolRecord': 'patrols:handle',
  'Mutation.addEvidence': 'cases:handle',
  'Mutation.addCaseFile': 'cases:handle',
  'Mutation.approveFiling': 'cases:handle',
  'Mutation.archiveClue': 'clues:handle',
  'Mutation.assignClue': 'clues:handle',
  'Mutation.changePassword': 'authenticated',
  'Mutation.closeCase': 'cases:handle',
  'Mutation.createClue': 'clues:handle',
  'Mutation.createApiKey': 'apikeys:manage',
  'Mutation.createEntity': 'registry:write',
  'Mutation.createShop': 'registry:write',
  'Mutation.createStation': 'units:manage',
  'Mutation.createUser': 'users:manage',
  'Mutation.decidePenalty': 'cases:handle',
  'Mutation.feedbackClue': 'clues:handle',
  'Mutation.fileShop': 'registry:write',
  'Mutation.handleClue': 'clues:handle',
  'Mutation.importEntities': 'registry:import',
  'Mutation.importRegistrationChanges': 'registry:import',
  'Mutation.importPenalties': 'registry:import',
  'Mutation.issuePriorNotice': 'cases:handle',
  'Mutation.login': PUBLIC,
  'Mutation.logout': 'authenticated',
  'Mutation.maintainShop': 'registry:write',
  'Mutation.openCase': 'cases:handle',
  'Mutation.raiseClueFromFinding': 'clues:handle',
  'Mutation.recordExecution': 'cases:handle',
  'Mutation.registerClue': 'clues:handle',
  'Mutation.rejectFiling': 'cases:handle',
  'Mutation.resetPassword': 'users:manage',
  'Mutation.revokeApiKey': 'apikeys:manage',
  'Mutation.setRuleEnabled': 'rules:manage',
  'Mutation.updateRuleLexicon': 'rules:manage',
  'Mutation.setUserActive': 'users:manage',
  'Mutation.startCrawl': 'crawl:start',
  'Mutation.startInvestigation': 'cases:handle',
  'Mutation.transferCase': 'cases:handle',
  'Mutation.updateEntity': 'registry:write',
  'Query.apiKeys': 'apikeys:manage',
  'Query.auditEntries': 'audit:read',
  'Query.case': 'cases:read',
  'Query.caseDocument': 'cases:read',
  'Query.cases': 'cases:read',
  'Query.changes': 'market:read',
  'Query.clue': 'clues:read',
  'Query.clueAssignmentNotice': 'clues:read',
  'Query.clueCountsByUnit': 'clues:read',
  'Query.clues': 'clues:read',
  'Query.crawlRun': 'market:read',
  'Query.crawlRuns': 'market:read',
  'Query.entities': 'registry:read',
  'Query.entity': 'registry:read',
  'Query.entityCountsByRegion': 'registry:read',
  'Query.findings': 'market:read',
  'Query.importBatches': 'registry:import',
  'Query.registrationChanges': 'registry:read',
  'Query.penalties': 'registry:read',
  'Query.listing': 'market:read',
  'Query.listingCounts': 'market:read',
  'Query.marketCategories': 'market:read',
  'Query.me': 'authenticated',
  'Query.priceIndex': 'market:read',
  'Query.priceMoves': 'market:read',
  'Query.region': 'registry:read',
  'Query.regions': 'registry:read',
  'Query.ruleLexicon': 'market:read',
  'Query.rules': 'market:read',
  'Query.shop': 'registry:read',
  'Query.shopCountsByRegion': 'registry:read',
  'Query.shops': 'registry:read',
  'Query.unit': 'registry:read',
  'Query.units': 'registry:read',
  'Query.users': 'users:manage',
};

/** Operations that may be called without any declared permission. */
const ALLOWED_WITHOUT_PERMISSION = new Set(['Mutation.login']);

interface Declared {
  /** `@Authorized` on the method, else on the resolver class, else undefined (none) */
  roles: readonly unknown[] | undefined;
  resolver: string;
  method: string;
}

/** `Query.x` / `Mutation.x` → what the resolver classes of the schema declare, from type-graphql's metadata. */
function declaredPermissions(): Map<string, Declared> {
  const storage = getMetadataStorage();
  const resolvers = new Set<Function>(RESOLVERS);
  const out = new Map<string, Declared>();
  const add = (type: 'Query' | 'Mutation', defs: typeof storage.queries) => {
    for (const def of defs) {
      if (!resolvers.has(def.target)) continue;
      const onMethod = storage.authorizedFields.find((a) => a.target === def.target && a.fieldName === def.methodName);
      const onClass = storage.authorizedResolver.find((a) => a.target === def.target);
      const key = `${type}.${def.schemaName}`;
      expect(out.has(key), `${key} is declared twice`).toBe(false);
      out.set(key, { roles: onMethod?.roles ?? onClass?.roles, resolver: def.target.name, method: def.methodName });
    }
  };
  add('Query', storage.queries);
  add('Mutation', storage.mutations);
  return out;
}

const show = (roles: readonly unknown[] | undefined) => (roles === undefined ? PUBLIC : roles.length === 0 ? '(any authenticated, undeclared)' : roles.join(' + '));

let schema: GraphQLSchema;
let declared: Map<string, Declared>;

beforeAll(async () => {
  schema = await buildHongdunSchema();
  declared = declaredPermissions();
});

describe('operation permissions', () => {
  it('matches the snapshot, sorted: operation → permission', () => {
    const actual = Object.fromEntries([...declared.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, d]) => [key, show(d.roles)]));
    expect(actual).toEqual(EXPECTED);
    expect(Object.keys(actual)).toEqual(Object.keys(EXPECTED).sort((a, b) => a.localeCompare(b)));
  });

  it('covers exactly the Query and Mutation fields of the built schema', () => {
    const fields = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((f) => `Mutation.${f}`),
    ].sort();
    expect([...declared.keys()].sort()).toEqual(fields);
    expect(schema.getSubscriptionType()).toBeFalsy();
  });

  it('every operation except login declares exactly one known permission', () => {
    const known = new Set<unknown>([...Object.values(Permission), authenticatedOnly]);
    const problems: string[] = [];
    for (const [key, d] of declared) {
      if (ALLOWED_WITHOUT_PERMISSION.has(key)) {
        if (d.roles !== undefined) problems.push(`${key}: expected to be public, declares ${show(d.roles)}`);
        continue;
      }
      if (d.roles === undefined) problems.push(`${key} (${d.resolver}.${d.method}): no @Authorized(...) permission`);
      else if (d.roles.length !== 1) problems.push(`${key} (${d.resolver}.${d.method}): needs exactly one permission, declares ${show(d.roles)}`);
      else if (!known.has(d.roles[0])) problems.push(`${key} (${d.resolver}.${d.method}): unknown permission ${String(d.roles[0])}`);
    }
    expect(problems).toEqual([]);
  });

  it('uses every permission of the catalogue somewhere', () => {
    const used = new Set([...declared.values()].flatMap((d) => d.roles ?? []));
    for (const permission of Object.values(Permission)) expect(used.has(permission), permission).toBe(true);
  });

  it('keeps the role table: leader, analyst, inspector, admin', () => {
    const sorted = (list: readonly string[]) => [...list].sort();
    expect({
      leader: sorted(ROLE_PERMISSIONS[Role.LEADER]),
      analyst: sorted(ROLE_PERMISSIONS[Role.ANALYST]),
      inspector: sorted(ROLE_PERMISSIONS[Role.INSPECTOR]),
      admin: sorted(ROLE_PERMISSIONS[Role.ADMIN]),
      system: sorted(ROLE_PERMISSIONS[Role.SYSTEM]),
    }).toEqual({
      leader: [
        'assessment:read', 'audit:read', 'cases:handle', 'cases:read', 'clues:read', 'complaints:read', 'market:read', 'metrics:read', 'office:read', 'office:review',
        'office:work', 'patrols:plan', 'patrols:read', 'registry:read', 'reports:generate', 'reports:read',
      ],
      analyst: [
        'assessment:read', 'cases:read', 'clues:read', 'complaints:read', 'crawl:start', 'market:read', 'metrics:read', 'office:read', 'office:work', 'patrols:read',
        'registry:read', 'reports:generate', 'reports:read',
      ],
      inspector: [
        'cases:handle', 'cases:read', 'clues:handle', 'clues:read', 'complaints:handle', 'complaints:read', 'market:read', 'metrics:read',
        'office:read', 'office:work', 'patrols:handle', 'patrols:read', 'registry:import', 'registry:read', 'registry:write', 'reports:read',
      ],
      admin: [
        'apikeys:manage', 'assessment:manage', 'assessment:read', 'audit:read', 'calendar:manage', 'cases:handle', 'cases:read', 'clues:handle', 'clues:read', 'complaints:handle', 'complaints:read',
        'crawl:start', 'market:read', 'metrics:read', 'office:read', 'office:review', 'office:work', 'patrols:handle', 'patrols:plan', 'patrols:read',
        'registry:import', 'registry:read', 'registry:write', 'reports:generate', 'reports:read',
        'rules:manage', 'units:manage', 'users:manage',
      ],
      system: [],
    });
  });
});

// ------------------------------------------------------------------------------------------------
// The declarations are what the built schema enforces: executed without a database, every operation
// refuses an anonymous caller (UNAUTHENTICATED) and a caller lacking its permission (FORBIDDEN, naming
// the permission) before its resolver runs.

/** A minimal valid document of each operation (arguments only need to pass GraphQL validation). */
const DOCUMENTS: Record<string, string> = {
  'Query.metrics': '{ metrics(keys: ["shops_filed"], from: "2026-11", to: "2026-11") { key value } }',
  'Query.metricCatalog': '{ metricCatalog { key } }',
  'Query.metricsOverDays': '{ metricsOverDays(keys: ["shops_filed"], from: "2026-11-01", to: "2026-11-07") { key value } }',
  'Query.monthlyReports': '{ monthlyReports(month: "2026-10") { id files { url } } }',
  'Query.monthlyReport': '{ monthlyReport(unitId: "1", month: "2026-10") { id } }',
  'Mutation.generateMonthlyReport': 'mutation { generateMonthlyReport(month: "2026-10", unitId: "1") { units } }',
  'Query.workingCalendar': '{ workingCalendar(from: "2026-10-01", to: "2026-10-08") { day working } }',
  'Mutation.setCalendarDay': 'mutation { setCalendarDay(input: { day: "2031-01-01", working: false, name: "元旦" }) { day } }',
  'Mutation.clearCalendarDay': 'mutation { clearCalendarDay(day: "2031-01-01") }',
  'Query.assessmentResults': '{ assessmentResults(year: 2026, level: COUNTY) { rank total } }',
  'Query.assessmentResult': '{ assessmentResult(unitId: "1", year: 2026) { total items { explanation } } }',
  'Query.assessmentYears': '{ assessmentYears }',
  'Query.assessmentSchemes': '{ assessmentSchemes { id version } }',
  'Mutation.saveAssessmentScheme': 'mutation { saveAssessmentScheme(scheme: { id: "hongdun-annual" }) { id version } }',
  'Mutation.runAssessment': 'mutation { runAssessment(year: 2026) { units } }',
  'Mutation.recordAssessmentBonus': 'mutation { recordAssessmentBonus(input: { unitId: "1", year: 2026, bonusKey: "typical_experience", count: 1, note: "n" }) { count } }',
  'Query.infoReports': '{ infoReports(first: 1) { totalCount } }',
  'Query.infoReport': '{ infoReport(id: "1") { id } }',
  'Query.infoReportCountsByUnit': '{ infoReportCountsByUnit(from: "2026-01-01", to: "2026-12-31") { drafted } }',
  'Query.noticeInbox': '{ noticeInbox { totalCount } }',
  'Query.noticesSent': '{ noticesSent { totalCount } }',
  'Query.notice': '{ notice(id: "1") { id } }',
  'Query.loginCompliance': '{ loginCompliance(month: "2026-10") { compliance } }',
  'Query.trainingSessions': '{ trainingSessions(first: 1) { totalCount } }',
  'Query.publicityActivities': '{ publicityActivities(first: 1) { totalCount } }',
  'Query.consumerWarnings': '{ consumerWarnings(first: 1) { totalCount } }',
  'Query.unitResources': '{ unitResources(unitId: "1") { staff { name } } }',
  'Query.resourceMinimums': '{ resourceMinimums { checked } }',
  'Query.workPlans': '{ workPlans(first: 1) { totalCount } }',
  'Query.workPlanStatus': '{ workPlanStatus(year: 2026) { published } }',
  'Query.workPlansFromAbove': '{ workPlansFromAbove(year: 2026) { id } }',
  'Mutation.draftInfoReport': 'mutation { draftInfoReport(input: { kind: WORK_INFO, title: "t", body: "b", periodStart: "2026-01-01", periodEnd: "2026-03-31" }) { id } }',
  'Mutation.reviseInfoReport': 'mutation { reviseInfoReport(input: { id: "1", body: "b2" }) { id } }',
  'Mutation.submitInfoReport': 'mutation { submitInfoReport(id: "1") { id } }',
  'Mutation.forwardInfoReport': 'mutation { forwardInfoReport(id: "1") { id } }',
  'Mutation.approveInfoReport': 'mutation { approveInfoReport(id: "1") { id } }',
  'Mutation.returnInfoReport': 'mutation { returnInfoReport(id: "1", comment: "c") { id } }',
  'Mutation.sendNotice': 'mutation { sendNotice(input: { title: "t", body: "b", unitIds: ["2"] }) { id } }',
  'Mutation.sendMessage': 'mutation { sendMessage(input: { toUnitId: "2", title: "t", body: "b" }) { id } }',
  'Mutation.markNoticeRead': 'mutation { markNoticeRead(id: "1") { id } }',
  'Mutation.replyToNotice': 'mutation { replyToNotice(input: { noticeId: "1", body: "b" }) { id } }',
  'Mutation.recordTrainingSession': 'mutation { recordTrainingSession(input: { form: LECTURE, topic: "t", heldOn: "2026-11-02", hours: 2.5, participants: [{ unitId: "1", count: 3 }] }) { id } }',
  'Mutation.recordPublicityActivity': 'mutation { recordPublicityActivity(input: { kind: EVENT, title: "t", audience: "a", reach: 10, heldOn: "2026-03-15" }) { id } }',
  'Mutation.draftConsumerWarning': 'mutation { draftConsumerWarning(input: { title: "t", text: "x", category: "网络购物" }) { id } }',
  'Mutation.designateStaff': 'mutation { designateStaff(input: { unitId: "1", name: "张伟", assignment: FULL_TIME, since: "2026-01-05" }) { id } }',
  'Mutation.endStaffDesignation': 'mutation { endStaffDesignation(id: "1", until: "2026-12-01") { id } }',
  'Mutation.declareEquipment': 'mutation { declareEquipment(input: { unitId: "1", computers: 1, printers: 0, cameras: 0, evidenceDevices: 0 }) { id } }',
  'Mutation.saveWorkPlan': 'mutation { saveWorkPlan(input: { year: 2027, title: "t", body: "b" }) { id } }',
  'Mutation.publishConsumerWarning': 'mutation { publishConsumerWarning(id: "1") { id } }',
  'Mutation.withdrawConsumerWarning': 'mutation { withdrawConsumerWarning(id: "1", reason: "r") { id } }',
  'Mutation.publishWorkPlan': 'mutation { publishWorkPlan(id: "1") { id } }',
  'Query.complaints': '{ complaints { totalCount } }',
  'Query.complaint': '{ complaint(id: "1") { id } }',
  'Query.complaintCountsByUnit': '{ complaintCountsByUnit(from: "2026-11-01", to: "2026-11-30") { received } }',
  'Query.complaintsCsv': '{ complaintsCsv }',
  'Mutation.submitComplaint': 'mutation { submitComplaint(input: { kind: COMPLAINT, complainant: { name: "王小明" }, shopId: "1", title: "t", description: "d" }) { id } }',
  'Mutation.acceptComplaint': 'mutation { acceptComplaint(id: "1") { id } }',
  'Mutation.rejectComplaint': 'mutation { rejectComplaint(id: "1", reason: "r") { id } }',
  'Mutation.startComplaintMediation': 'mutation { startComplaintMediation(id: "1") { id } }',
  'Mutation.resolveComplaint': 'mutation { resolveComplaint(input: { id: "1", result: AGREEMENT }) { id } }',
  'Mutation.closeComplaint': 'mutation { closeComplaint(input: { id: "1", feedback: SATISFIED }) { id } }',
  'Mutation.raiseClueFromComplaint': 'mutation { raiseClueFromComplaint(id: "1") { id } }',
  'Mutation.reassignComplaint': 'mutation { reassignComplaint(id: "1", unitId: "1", reason: "r") { id } }',
  'Query.platforms': '{ platforms { id } }',
  'Mutation.registerPlatform': 'mutation { registerPlatform(input: { code: "x1", name: "x1" }) { id } }',
  'Mutation.createPlatformApiKey': 'mutation { createPlatformApiKey(platformId: "1", name: "k") { secret } }',
  'Mutation.reportPlatformShops': 'mutation { reportPlatformShops(input: { reportId: "r", mode: DELTA, shops: [] }) { status } }',
  'Query.platformReport': '{ platformReport(reportId: "r") { status } }',
  'Query.platformReports': '{ platformReports { id } }',
  'Query.platformReportingStats': '{ platformReportingStats(month: "2026-11") { reports } }',
  'Query.reconciliationConflicts': '{ reconciliationConflicts { totalCount } }',
  'Query.conflictCounts': '{ conflictCounts { open } }',
  'Mutation.dismissConflict': 'mutation { dismissConflict(id: "1", reason: "rr") { id } }',
  'Mutation.raiseClueFromConflict': 'mutation { raiseClueFromConflict(id: "1") { id } }',
  'Mutation.reconcileRegister': 'mutation { reconcileRegister { opened } }',
  'Query.selfFilings': '{ selfFilings { totalCount } }',
  'Query.selfFiling': '{ selfFiling(id: "1") { id } }',
  'Mutation.acceptSelfFiling': 'mutation { acceptSelfFiling(id: "1") { id } }',
  'Mutation.returnSelfFiling': 'mutation { returnSelfFiling(id: "1", reason: "r") { id } }',
  'Mutation.revokeSelfFiling': 'mutation { revokeSelfFiling(id: "1", reason: "r") { id } }',
  'Query.patrolPlans': '{ patrolPlans { id } }',
  'Query.patrolPlan': '{ patrolPlan(id: "1") { id } }',
  'Query.patrolTasks': '{ patrolTasks(first: 1) { totalCount } }',
  'Query.patrolRecords': '{ patrolRecords(first: 1) { totalCount } }',
  'Query.patrolRecord': '{ patrolRecord(id: "1") { id } }',
  'Query.patrolCoverage': '{ patrolCoverage(from: "2026-11-01", to: "2026-11-30") { coverage } }',
  'Query.campaignProgress': '{ campaignProgress(planId: "1") { targeted } }',
  'Mutation.createPatrolPlan': 'mutation { createPatrolPlan(input: { kind: ROUTINE, name: "x" }) { id } }',
  'Mutation.closePatrolPlan': 'mutation { closePatrolPlan(id: "1", reason: "x") { id } }',
  'Mutation.generatePatrolTasks': 'mutation { generatePatrolTasks(month: "2026-12") { created } }',
  'Mutation.filePatrolRecord': 'mutation { filePatrolRecord(input: { shopId: "1", mode: ONLINE, outcome: COMPLIANT, checklist: [{ key: "licence-shown", result: PASS }] }) { id } }',
  'Query.me': '{ me { name } }',
  'Query.clues': '{ clues { totalCount } }',
  'Query.clue': '{ clue(id: "1") { id } }',
  'Query.clueCountsByUnit': '{ clueCountsByUnit { open } }',
  'Mutation.raiseClueFromFinding': 'mutation { raiseClueFromFinding(findingId: "1") { id } }',
  'Mutation.createClue': 'mutation { createClue(input: { shopId: "1", title: "t", description: "d", source: MANUAL }) { id } }',
  'Mutation.registerClue': 'mutation { registerClue(id: "1") { id } }',
  'Mutation.assignClue': 'mutation { assignClue(input: { clueId: "1" }) { id } }',
  'Mutation.handleClue': 'mutation { handleClue(input: { clueId: "1", outcome: VERIFIED, note: "n" }) { id } }',
  'Mutation.feedbackClue': 'mutation { feedbackClue(id: "1", note: "n") { id } }',
  'Mutation.archiveClue': 'mutation { archiveClue(id: "1", reason: "r") { id } }',
  'Query.cases': '{ cases { totalCount } }',
  'Query.case': '{ case(id: "1") { id } }',
  'Query.caseDocument': '{ caseDocument(caseId: "1", kind: EVIDENCE_RECORD) { html } }',
  'Query.clueAssignmentNotice': '{ clueAssignmentNotice(clueId: "1") { html } }',
  'Mutation.openCase': 'mutation { openCase(input: { clueIds: ["1"] }) { id } }',
  'Mutation.approveFiling': 'mutation { approveFiling(id: "1") { id } }',
  'Mutation.rejectFiling': 'mutation { rejectFiling(id: "1", reason: "r") { id } }',
  'Mutation.transferCase': 'mutation { transferCase(id: "1", reason: "r") { id } }',
  'Mutation.startInvestigation': 'mutation { startInvestigation(id: "1") { id } }',
  'Mutation.addEvidence': 'mutation { addEvidence(input: { caseId: "1", note: "n" }) { id } }',
  'Mutation.addCaseFile': 'mutation { addCaseFile(input: { caseId: "1", fileName: "a.txt", contentBase64: "YQ==" }) { id } }',
  'Mutation.issuePriorNotice': 'mutation { issuePriorNotice(id: "1") { id } }',
  'Mutation.decidePenalty': 'mutation { decidePenalty(input: { caseId: "1", fineAmount: "1", legalBasis: [{ law: "l", article: "a" }] }) { id } }',
  'Mutation.recordExecution': 'mutation { recordExecution(id: "1", note: "n") { id } }',
  'Mutation.closeCase': 'mutation { closeCase(id: "1") { id } }',
  'Query.regions': '{ regions { code } }',
  'Query.region': '{ region(code: "37") { code } }',
  'Query.units': '{ units { id } }',
  'Query.unit': '{ unit(id: "1") { id } }',
  'Query.entities': '{ entities { totalCount } }',
  'Query.entity': '{ entity(id: "1") { id } }',
  'Query.entityCountsByRegion': '{ entityCountsByRegion { count } }',
  'Query.shops': '{ shops { totalCount } }',
  'Query.shop': '{ shop(id: "1") { id } }',
  'Query.shopCountsByRegion': '{ shopCountsByRegion { count } }',
  'Query.auditEntries': '{ auditEntries { totalCount } }',
  'Query.importBatches': '{ importBatches { batchId } }',
  'Query.registrationChanges': '{ registrationChanges { id } }',
  'Query.penalties': '{ penalties { id } }',
  'Query.apiKeys': '{ apiKeys { id } }',
  'Query.users': '{ users { id } }',
  'Query.changes': '{ changes { totalCount } }',
  'Query.crawlRuns': '{ crawlRuns { totalCount } }',
  'Query.crawlRun': '{ crawlRun(id: "1") { id } }',
  'Query.listing': '{ listing(id: "1") { id } }',
  'Query.priceIndex': '{ priceIndex(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { avgPrice } }',
  'Query.listingCounts': '{ listingCounts(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { listings } }',
  'Query.priceMoves': '{ priceMoves(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { kind } }',
  'Query.marketCategories': '{ marketCategories { path } }',
  'Mutation.startCrawl': 'mutation { startCrawl(input: { kind: SHOPS }) { id } }',
  'Query.findings': '{ findings { totalCount } }',
  'Query.rules': '{ rules { id } }',
  'Query.ruleLexicon': '{ ruleLexicon { version } }',
  'Mutation.updateRuleLexicon': 'mutation { updateRuleLexicon(lexicon: {}) { version } }',
  'Mutation.setRuleEnabled': 'mutation { setRuleEnabled(input: { ruleId: "licence-missing", regionCode: "370102", enabled: false }) { id } }',
  'Mutation.createUser': 'mutation { createUser(input: { username: "abc", displayName: "n", unitId: "1", role: ANALYST, password: "long-enough-1" }) { id } }',
  'Mutation.setUserActive': 'mutation { setUserActive(id: "1", active: false) { id } }',
  'Mutation.resetPassword': 'mutation { resetPassword(id: "1", password: "long-enough-1") { id } }',
  'Mutation.changePassword': 'mutation { changePassword(currentPassword: "a", newPassword: "long-enough-1") }',
  'Mutation.createStation': 'mutation { createStation(input: { countyUnitId: "1", name: "nn", towns: ["370102001"] }) { id } }',
  'Mutation.login': 'mutation { login(username: "u", password: "p") { token } }',
  'Mutation.logout': 'mutation { logout }',
  'Mutation.createEntity': 'mutation { createEntity(input: { uscc: "91370102MA3C0AAAA0", name: "n", regionCode: "370102" }) { id } }',
  'Mutation.updateEntity': 'mutation { updateEntity(id: "1", input: { name: "n" }) { id } }',
  'Mutation.createShop': 'mutation { createShop(input: { name: "n", platform: "p", url: "https://x.example", classification: PLATFORM, regionCode: "370102" }) { id } }',
  'Mutation.fileShop': 'mutation { fileShop(input: { shopId: "1", entityId: "1" }) { id } }',
  'Mutation.maintainShop': 'mutation { maintainShop(input: { shopId: "1", action: NORMAL, note: "n" }) { id } }',
  'Mutation.importEntities': 'mutation { importEntities(input: { fileName: "f.csv", contentBase64: "" }) { batchId } }',
  'Mutation.importRegistrationChanges': 'mutation { importRegistrationChanges(input: { fileName: "f.csv", contentBase64: "" }) { batchId } }',
  'Mutation.importPenalties': 'mutation { importPenalties(input: { fileName: "f.csv", contentBase64: "" }) { batchId } }',
  'Mutation.createApiKey': 'mutation { createApiKey(input: { unitId: "1", name: "n", scopes: ["registry:read"] }) { secret } }',
  'Mutation.revokeApiKey': 'mutation { revokeApiKey(id: "1") { id } }',
};

/** An actor holding every permission but one, with a jurisdiction, so only the permission can refuse. */
function actorWithout(missing: string): Actor {
  return {
    kind: 'user',
    id: 1,
    name: 'permission-probe',
    unitId: 1,
    role: Role.ADMIN,
    permissions: new Set(Object.values(Permission).filter((p) => p !== missing)),
    prefixes: ['370102'],
  };
}

/** Runs a document against the schema with no database: a resolver that got past the checker would throw on `em`. */
async function run(source: string, actor: Actor | null) {
  const contextValue = { actor, em: undefined, loaders: undefined, config: undefined, token: null };
  const result = await graphql({ schema, source, contextValue });
  expect(result.errors?.length, JSON.stringify(result.errors)).toBe(1);
  return result.errors![0];
}

describe('the built schema enforces the declarations', () => {
  it('has a probe document for every operation', () => {
    expect(Object.keys(DOCUMENTS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [key, permission] of Object.entries(EXPECTED)) {
    if (permission === PUBLIC) continue;
    it(`${key}: anonymous → UNAUTHENTICATED`, async () => {
      const error = await run(DOCUMENTS[key], null);
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
    });
    if (permission === 'authenticated') continue;
    it(`${key}: without ${permission} → FORBIDDEN naming it`, async () => {
      const error = await run(DOCUMENTS[key], actorWithout(permission));
      expect(error.extensions).toEqual({ code: 'FORBIDDEN', required: [permission] });
    });
  }
});
