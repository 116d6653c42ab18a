/**
 * Information reports (信息报送审核): a unit drafts a report, submits it to its parent unit, which approves
 * it, returns it with comments (the author revises — a new version, so every version a reviewer saw is
 * kept — and resubmits to the unit that returned it) or forwards it to its own parent. Each command is one
 * transaction under the caller (jurisdiction-checked, InfoReport audited), asks the transition table
 * (info-report-flow.ts) first, and records the step as an InfoReportEvent with version, comment, actor and
 * unit. Queries read through the access rule: the author unit and every unit above it see a report; the
 * reviewer always lies above the author, so its review queue is visible to it.
 */
import { LockMode, ref, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AccessDeniedError,
  currentActor,
  InfoReport,
  InfoReportAction,
  InfoReportEvent,
  InfoReportKind,
  InfoReportStatus,
  InfoReportVersion,
  jurisdictionSql,
  type StoredFile,
  Unit,
  unitRegion,
} from '../../entities';
import { now } from '../../kernel/clock';
import type { Connection } from '../../schema/connection';
import { checkDay, endOfChinaDay } from '../calendar/working-days';
import { inspectUploads, storeUploads, type UploadInput, type UploadOptions } from '../files/uploads';
import { visibleUnit } from '../clues/clue.queries';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';
import { AUTHOR_STEPS, type InfoReportStep, nextInfoReportStatus } from './info-report-flow';
import { optionalText, requireText } from '../input';

/** At most this many files on one report version, notice or reply. */
export const MAX_OFFICE_ATTACHMENTS = 10;

export type AttachmentInput = UploadInput;

/** Where uploaded files go and how large they may be (config.evidenceDir, config.caseFileMaxBytes). */
export type OfficeFileOptions = UploadOptions;

/**
 * Checks uploaded files (strict base64, size, type by magic bytes — inspectCaseFile) and only then stores
 * them content-addressed. Call it after every other check of the command: a refused file stores nothing.
 */
export function inspectAttachments(files: AttachmentInput[] | null | undefined, options: OfficeFileOptions, field = 'attachments') {
  const list = files ?? [];
  if (!Array.isArray(list)) throw new UserInputError(`${field}: must be a list of { fileName, contentBase64 }`, field);
  if (list.length > MAX_OFFICE_ATTACHMENTS) throw new UserInputError(`${field}: at most ${MAX_OFFICE_ATTACHMENTS} files`, field);
  return inspectUploads(list, options.maxBytes, field);
}

/** Stores inspected files in the evidence blob folder under their SHA-256. */
export function storeAttachments(files: ReturnType<typeof inspectAttachments>, options: OfficeFileOptions): Promise<StoredFile[]> {
  return storeUploads(files, options.evidenceDir);
}

/** The caller's own unit (office work is always done for one's own unit), else FORBIDDEN. */
export async function ownUnit(em: EntityManager): Promise<Unit> {
  const actor = currentActor();
  const unit = actor.unitId != null ? await em.findOne(Unit, { id: actor.unitId }) : null;
  if (!unit) throw new AccessDeniedError(`${actor.name} belongs to no unit: office work is done by the users of a unit`);
  return unit;
}

const TITLE_MAX = 200;
const BODY_MAX = 50_000;
const COMMENT_MAX = 10_000;

export interface DraftInfoReportInput {
  kind: InfoReportKind;
  title: string;
  body: string;
  periodStart: string;
  periodEnd: string;
  dueOn?: string | null;
  attachments?: AttachmentInput[] | null;
}

export interface ReviseInfoReportInput {
  title?: string | null;
  body?: string | null;
  /** replaces the attachments of the version; omitted: the current version's are kept */
  attachments?: AttachmentInput[] | null;
}

function recordEvent(em: EntityManager, report: InfoReport, action: InfoReportAction, from: InfoReportStatus | null, comment: string | null, details: Record<string, unknown> | null = null) {
  const actor = currentActor();
  em.create(InfoReportEvent, {
    report,
    action,
    fromStatus: from,
    toStatus: report.status,
    version: report.version,
    comment,
    details,
    regionCode: report.regionCode,
    actorName: actor.name.slice(0, 100),
    actorUnitId: actor.unitId,
  });
}

/** The report, locked for the step (concurrent steps on one report run one after the other). */
async function reportForStep(em: EntityManager, id: string | number): Promise<InfoReport> {
  const n = Number(id);
  const report = Number.isInteger(n) && n > 0 ? await em.findOne(InfoReport, { id: n }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : null;
  if (!report) throw new NotFoundError('info report', id);
  return report;
}

/**
 * Checks the step is legal (BAD_USER_INPUT) and that it is the caller's turn (FORBIDDEN): the author
 * unit revises and submits; only the unit the report sits with reviews it — a unit above the reviewer
 * sees the report but may not act for it.
 */
async function checkTurn(em: EntityManager, report: InfoReport, step: InfoReportStep): Promise<{ unit: Unit; to: InfoReportStatus }> {
  const to = nextInfoReportStatus(report, step);
  const unit = await ownUnit(em);
  if (AUTHOR_STEPS.has(step)) {
    if (report.authorUnit.id !== unit.id) {
      throw new AccessDeniedError(`info report ${report.id} belongs to another unit: only its author unit may ${step === 'submitInfoReport' ? 'submit' : 'revise'} it`);
    }
  } else if (report.reviewerUnit?.id !== unit.id) {
    const reviewer = report.reviewerUnit ? await em.findOne(Unit, { id: report.reviewerUnit.id }) : null;
    throw new AccessDeniedError(`info report ${report.id} is with ${reviewer?.name ?? 'another unit'} for review: it is not your unit's turn`);
  }
  return { unit, to };
}

/** Drafts a report for the caller's unit: version 1 and a 'drafted' event. */
export function draftInfoReport(em: EntityManager, input: DraftInfoReportInput, files: OfficeFileOptions): Promise<InfoReport> {
  return runCommand(em, 'draftInfoReport', async (tem) => {
    if (!Object.values(InfoReportKind).includes(input.kind)) throw new UserInputError(`kind: one of ${Object.values(InfoReportKind).join(', ')}`, 'kind');
    const title = requireText(input.title, 'title', TITLE_MAX);
    const body = requireText(input.body, 'body', BODY_MAX);
    const periodStart = checkDay(input.periodStart, 'periodStart');
    const periodEnd = checkDay(input.periodEnd, 'periodEnd');
    if (periodEnd < periodStart) throw new UserInputError(`periodEnd: ${periodEnd} lies before periodStart ${periodStart}`, 'periodEnd');
    const dueOn = input.dueOn ? checkDay(input.dueOn, 'dueOn') : null;
    const inspected = inspectAttachments(input.attachments, files);
    const unit = await ownUnit(tem);
    const actor = currentActor();
    const attachments = await storeAttachments(inspected, files);
    const report = tem.create(InfoReport, {
      kind: input.kind,
      title,
      authorUnit: unit,
      regionCode: unitRegion(unit),
      periodStart,
      periodEnd,
      dueOn,
      createdBy: actor.name.slice(0, 100),
    });
    tem.create(InfoReportVersion, { report, version: 1, title, body, attachments, regionCode: report.regionCode, createdBy: actor.name.slice(0, 100) });
    recordEvent(tem, report, InfoReportAction.DRAFTED, null, null, { kind: input.kind, periodStart, periodEnd, dueOn });
    return report;
  });
}

/**
 * Revises a draft or a returned report (author unit). A draft's current version is edited in place; a
 * returned report gets a new version (once per return: further revisions before resubmitting edit that
 * new version), so the version each review saw is kept as it was.
 */
export function reviseInfoReport(em: EntityManager, id: string | number, input: ReviseInfoReportInput, files: OfficeFileOptions): Promise<InfoReport> {
  return runCommand(em, 'reviseInfoReport', async (tem) => {
    const report = await reportForStep(tem, id);
    await checkTurn(tem, report, 'reviseInfoReport');
    const title = input.title != null ? requireText(input.title, 'title', TITLE_MAX) : null;
    const body = input.body != null ? requireText(input.body, 'body', BODY_MAX) : null;
    if (title == null && body == null && input.attachments == null) throw new UserInputError('title: give a new title, body or attachments', 'title');
    const inspected = input.attachments != null ? inspectAttachments(input.attachments, files) : null;
    const current = await tem.findOne(InfoReportVersion, { report: report.id, version: report.version });
    if (!current) throw new Error(`info report ${report.id} has no version ${report.version}`);
    const reviewed = report.status === InfoReportStatus.RETURNED
      && (await tem.count(InfoReportEvent, { report: report.id, version: report.version, action: { $in: [InfoReportAction.SUBMITTED, InfoReportAction.FORWARDED] } })) > 0;
    const attachments = inspected ? await storeAttachments(inspected, files) : current.attachments;
    const actor = currentActor();
    if (reviewed) {
      report.version += 1;
      tem.create(InfoReportVersion, {
        report,
        version: report.version,
        title: title ?? current.title,
        body: body ?? current.body,
        attachments,
        regionCode: report.regionCode,
        createdBy: actor.name.slice(0, 100),
      });
    } else {
      if (title != null) current.title = title;
      if (body != null) current.body = body;
      current.attachments = attachments;
    }
    if (title != null) report.title = title;
    report.updatedAt = now();
    recordEvent(tem, report, InfoReportAction.REVISED, report.status, null, { newVersion: reviewed, changed: [title != null && 'title', body != null && 'body', inspected && 'attachments'].filter(Boolean) });
    return report;
  });
}

/**
 * Submits a draft to the author unit's parent, or a returned report to the unit that returned it. The
 * province bureau has no superior: its reports are not submitted.
 */
export function submitInfoReport(em: EntityManager, id: string | number, note?: string | null): Promise<InfoReport> {
  return runCommand(em, 'submitInfoReport', async (tem) => {
    const report = await reportForStep(tem, id);
    const { unit, to } = await checkTurn(tem, report, 'submitInfoReport');
    const comment = optionalText(note, 'note', COMMENT_MAX);
    let reviewerId: number | null;
    if (report.status === InfoReportStatus.RETURNED) {
      const lastReturn = await tem.findOne(InfoReportEvent, { report: report.id, action: InfoReportAction.RETURNED }, { orderBy: { id: 'desc' } });
      reviewerId = Number(lastReturn?.details?.reviewerUnitId ?? lastReturn?.actorUnitId ?? NaN);
    } else {
      reviewerId = unit.parent?.id ?? null;
      if (reviewerId == null) throw new UserInputError(`id: ${unit.name} has no superior unit to submit a report to`, 'id');
    }
    const reviewer = Number.isInteger(reviewerId) ? await tem.findOne(Unit, { id: reviewerId! }) : null;
    if (!reviewer) throw new Error(`info report ${report.id}: no reviewer unit to resubmit to`);
    const from = report.status;
    report.status = to;
    report.reviewerUnit = ref(reviewer);
    report.submittedAt ??= now();
    recordEvent(tem, report, InfoReportAction.SUBMITTED, from, comment, { reviewerUnitId: reviewer.id, reviewerUnitCode: reviewer.code, resubmission: from === InfoReportStatus.RETURNED });
    return report;
  });
}

/** Forwards a submitted report from the reviewer unit to its own parent (refused at the province). */
export function forwardInfoReport(em: EntityManager, id: string | number, comment?: string | null): Promise<InfoReport> {
  return runCommand(em, 'forwardInfoReport', async (tem) => {
    const report = await reportForStep(tem, id);
    const { unit, to } = await checkTurn(tem, report, 'forwardInfoReport');
    const text = optionalText(comment, 'comment', COMMENT_MAX);
    const parent = unit.parent ? await tem.findOne(Unit, { id: unit.parent.id }) : null;
    if (!parent) throw new UserInputError(`id: ${unit.name} has no superior unit to forward the report to; approve or return it`, 'id');
    const from = report.status;
    report.status = to;
    report.reviewerUnit = ref(parent);
    recordEvent(tem, report, InfoReportAction.FORWARDED, from, text, { fromUnitId: unit.id, reviewerUnitId: parent.id, reviewerUnitCode: parent.code });
    return report;
  });
}

/** Approves a submitted report (the reviewer unit). */
export function approveInfoReport(em: EntityManager, id: string | number, comment?: string | null): Promise<InfoReport> {
  return runCommand(em, 'approveInfoReport', async (tem) => {
    const report = await reportForStep(tem, id);
    const { unit, to } = await checkTurn(tem, report, 'approveInfoReport');
    const text = optionalText(comment, 'comment', COMMENT_MAX);
    const from = report.status;
    report.status = to;
    report.reviewerUnit = null;
    report.approvedByUnit = ref(unit);
    report.approvedAt = now();
    recordEvent(tem, report, InfoReportAction.APPROVED, from, text, { reviewerUnitId: unit.id });
    return report;
  });
}

/** Returns a submitted report to its author with comments (required); the resubmission comes back here. */
export function returnInfoReport(em: EntityManager, id: string | number, comment: string): Promise<InfoReport> {
  return runCommand(em, 'returnInfoReport', async (tem) => {
    const report = await reportForStep(tem, id);
    const { unit, to } = await checkTurn(tem, report, 'returnInfoReport');
    const text = requireText(comment, 'comment', COMMENT_MAX);
    const from = report.status;
    report.status = to;
    report.reviewerUnit = null;
    recordEvent(tem, report, InfoReportAction.RETURNED, from, text, { reviewerUnitId: unit.id });
    return report;
  });
}

// ---------------------------------------------------------------------------------------------------
// queries

export interface InfoReportFilter {
  statuses?: InfoReportStatus[] | null;
  kinds?: InfoReportKind[] | null;
  /** drafted by this unit or a unit under it */
  authorUnitId?: string | number | null;
  /** the review queue: submitted and waiting for this unit */
  reviewerUnitId?: string | number | null;
  /** the period reported on overlaps [periodFrom, periodTo] */
  periodFrom?: string | null;
  periodTo?: string | null;
  /** not submitted by the due day (still unsubmitted after it, or first submitted late) */
  overdue?: boolean | null;
}

/** Whether a report was not submitted by its due day (not yet, with the day past; or late). */
export function isInfoReportOverdue(report: Pick<InfoReport, 'dueOn' | 'submittedAt'>, at: Date = now()): boolean {
  if (!report.dueOn) return false;
  const deadline = endOfChinaDay(report.dueOn);
  return (report.submittedAt ?? at) > deadline;
}

/** SQL for "overdue" over the info_report alias `r` (same meaning as isInfoReportOverdue). */
function overdueSql(alias: string): string {
  // the due day ends at midnight China time (UTC+8, no daylight saving): submitted at or after it is late
  return `(${alias}.due_on is not null and coalesce(${alias}.submitted_at, cast(? as timestamptz)) >= (((${alias}.due_on + 1)::timestamp - interval '8 hours') at time zone 'UTC'))`;
}

/** A page of reports in the caller's jurisdiction, newest first. */
export async function listInfoReports(em: EntityManager, filter: InfoReportFilter, page: Page): Promise<Connection<InfoReport>> {
  const and: FilterQuery<InfoReport>[] = [];
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (filter.kinds?.length) and.push({ kind: { $in: filter.kinds } });
  if (filter.authorUnitId != null && filter.authorUnitId !== '') {
    const unit = await visibleUnit(em, filter.authorUnitId, 'authorUnitId');
    and.push({ authorUnit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.reviewerUnitId != null && filter.reviewerUnitId !== '') {
    const unit = await visibleUnit(em, filter.reviewerUnitId, 'reviewerUnitId');
    and.push({ status: InfoReportStatus.SUBMITTED, reviewerUnit: unit.id });
  }
  if (filter.periodFrom) and.push({ periodEnd: { $gte: checkDay(filter.periodFrom, 'periodFrom') } });
  if (filter.periodTo) and.push({ periodStart: { $lte: checkDay(filter.periodTo, 'periodTo') } });
  if (filter.periodFrom && filter.periodTo && filter.periodTo < filter.periodFrom) throw new UserInputError('periodTo: lies before periodFrom', 'periodTo');
  if (filter.overdue != null) {
    const scope = jurisdictionSql('r.region_code');
    const rows = await em.execute<{ id: number }[]>(
      `select r.id from info_report r where ${overdueSql('r')} and ${scope.sql}`,
      [now().toISOString(), ...scope.params],
    );
    const ids = rows.map((r) => Number(r.id));
    and.push(filter.overdue ? { id: { $in: ids } } : { id: { $nin: ids } });
  }
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return paginate(em, InfoReport, where, { createdAt: 'desc' }, page);
}

/** A report in the caller's jurisdiction, else NOT_FOUND (outside and absent look the same). */
export async function getInfoReport(em: EntityManager, id: string | number): Promise<InfoReport> {
  const n = Number(id);
  const report = Number.isInteger(n) && n > 0 ? await em.findOne(InfoReport, { id: n }) : null;
  if (!report) throw new NotFoundError('info report', id);
  return report;
}

export interface InfoReportUnitCount {
  unit: Unit;
  /** reports drafted (all reports of the unit and the units under it whose period overlaps) */
  drafted: number;
  /** submitted at least once */
  submitted: number;
  approved: number;
  /** returned at least once */
  returned: number;
  /** submitted now, waiting for review */
  pending: number;
  /** not submitted by the due day */
  overdue: number;
  /** approved, and first submitted by the due day (or without one) */
  approvedOnTime: number;
}

/**
 * Report counts per child unit of `parentUnitId` (default: the caller's unit; a unit without children
 * counts itself), each over the reports drafted by that unit or a unit under it whose period overlaps
 * [from, to], within the caller's jurisdiction.
 */
export async function infoReportCountsByUnit(em: EntityManager, parentUnitId: string | number | null | undefined, from: string, to: string): Promise<InfoReportUnitCount[]> {
  checkDay(from, 'from');
  checkDay(to, 'to');
  if (to < from) throw new UserInputError(`to: ${to} lies before from ${from}`, 'to');
  const parent = parentUnitId != null && parentUnitId !== '' ? await visibleUnit(em, parentUnitId, 'parentUnitId') : await ownUnit(em);
  const children = await em.find(Unit, { parent: parent.id }, { orderBy: { code: 'asc' } });
  const units = children.length > 0 ? children : [parent];
  const scope = jurisdictionSql('r.region_code');
  const at = now().toISOString();
  const rows = await em.execute<Record<string, string | number>[]>(
    `select u.id as unit_id,
       count(r.id) as drafted,
       count(r.id) filter (where r.submitted_at is not null) as submitted,
       count(r.id) filter (where r.status = 'approved') as approved,
       count(r.id) filter (where exists (select 1 from info_report_event e where e.report_id = r.id and e.action = 'returned')) as returned,
       count(r.id) filter (where r.status = 'submitted') as pending,
       count(r.id) filter (where ${overdueSql('r')}) as overdue,
       count(r.id) filter (where r.status = 'approved' and not ${overdueSql('r')}) as approved_on_time
     from unit u
     join unit a on a.path like u.path || '%'
     join info_report r on r.author_unit_id = a.id
     where u.id in (${units.map(() => '?').join(', ')}) and r.period_end >= ? and r.period_start <= ? and ${scope.sql}
     group by u.id`,
    [at, at, ...units.map((u) => u.id), from, to, ...scope.params],
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  return units.map((unit) => {
    const r = byUnit.get(unit.id);
    const n = (key: string) => Number(r?.[key] ?? 0);
    return { unit, drafted: n('drafted'), submitted: n('submitted'), approved: n('approved'), returned: n('returned'), pending: n('pending'), overdue: n('overdue'), approvedOnTime: n('approved_on_time') };
  });
}

/** Versions of reports, oldest first, batched (for the loader). */
export async function versionsOfReports(em: EntityManager, ids: readonly number[]): Promise<InfoReportVersion[][]> {
  const versions = await em.find(InfoReportVersion, { report: { $in: [...ids] } }, { orderBy: { version: 'asc' } });
  return ids.map((id) => versions.filter((v) => v.report.id === id));
}

/** Events of reports, oldest first, batched (for the loader). */
export async function eventsOfReports(em: EntityManager, ids: readonly number[]): Promise<InfoReportEvent[][]> {
  const events = await em.find(InfoReportEvent, { report: { $in: [...ids] } }, { orderBy: { at: 'asc', id: 'asc' } });
  return ids.map((id) => events.filter((e) => e.report.id === id));
}
