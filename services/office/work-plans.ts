/**
 * The annual work plan (年度工作部署): a unit drafts its plan for a year (one per unit and year), its
 * reviewer publishes it to the units below, and whether that happened by the level's deadline is
 * recorded — province by 31 January, city by the last day of February, county by 15 March, station by
 * 31 March. A plan carries its unit's region: the unit and the units above it see it through the access
 * rule; the units below read their superiors' published plans through `workPlansFromAbove`.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import { AccessDeniedError, currentActor, jurisdictionSql, type StoredFile, Unit, UnitLevel, unitRegion, WorkPlan } from '../../entities';
import { now } from '../../kernel/clock';
import type { Connection } from '../../schema/connection';
import type { InspectedCaseFile } from '../cases/case-files';
import { inspectUploads, storeUploads, type UploadInput, type UploadOptions } from '../files/uploads';
import { chinaDay, monthOf } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';
import { runAsSystem } from '../system-actor';
import { requireText } from '../input';
import { callerUnit, childUnitsOf, dayOf, given, reportParent } from './logins';

export const MAX_WORK_PLAN_ATTACHMENTS = 10;
export const FIRST_PLAN_YEAR = 2000;

/** The day a unit of `level` must issue its plan for `year` by. */
export function workPlanDueOn(level: UnitLevel, year: number): string {
  switch (level) {
    case UnitLevel.PROVINCE:
      return `${year}-01-31`;
    case UnitLevel.CITY:
      return monthOf(`${year}-02-01`).last;
    case UnitLevel.COUNTY:
      return `${year}-03-15`;
    default:
      return `${year}-03-31`;
  }
}

function checkYear(year: number, field = 'year'): number {
  const latest = Number(chinaDay().slice(0, 4)) + 1;
  if (!Number.isInteger(year) || year < FIRST_PLAN_YEAR || year > latest) throw new UserInputError(`${field}: a year from ${FIRST_PLAN_YEAR} to ${latest}`, field);
  return year;
}

/**
 * Whether a plan was issued on time: true when published by its due day; false when published later or
 * still unpublished after it; null while unpublished and not yet due.
 */
export function publishedOnTime(plan: { publishedAt: Date | null; dueOn: string | Date }, today = chinaDay()): boolean | null {
  const due = dayOf(plan.dueOn);
  if (plan.publishedAt) return chinaDay(plan.publishedAt) <= due;
  return today > due ? false : null;
}

export type WorkPlanAttachmentInput = UploadInput;

export interface SaveWorkPlanInput {
  year: number;
  title: string;
  body: string;
  /** replaces the attachments when given ([] removes them); left out keeps them */
  attachments?: WorkPlanAttachmentInput[] | null;
}

/** Where uploaded files go and how large each may be (config.evidenceDir, config.caseFileMaxBytes). */
export type FileOptions = UploadOptions;

/**
 * Saves the caller's unit's draft plan for a year: creates it (due day by the unit's level) or revises
 * the draft. A published plan is not changed. Attachments: case-file types, size-limited, checked by
 * their bytes, at most 10.
 */
export function saveWorkPlan(em: EntityManager, input: SaveWorkPlanInput, files: FileOptions): Promise<WorkPlan> {
  return runCommand(em, 'saveWorkPlan', async (tem) => {
    const unit = await callerUnit(tem, 'work plans');
    const year = checkYear(input.year);
    const title = requireText(input.title, 'title', 200);
    const body = requireText(input.body, 'body', 100_000);
    let inspected: InspectedCaseFile[] | null = null;
    if (input.attachments != null) {
      if (input.attachments.length > MAX_WORK_PLAN_ATTACHMENTS) throw new UserInputError(`attachments: at most ${MAX_WORK_PLAN_ATTACHMENTS}`, 'attachments');
      inspected = inspectUploads(input.attachments, files.maxBytes, 'attachments');
    }
    let plan = await tem.findOne(WorkPlan, { unit: unit.id, year });
    if (plan?.publishedAt) throw new UserInputError(`year: the plan for ${year} was published on ${chinaDay(plan.publishedAt)} and is no longer changed`, 'year');
    const attachments: StoredFile[] | null = inspected ? await storeUploads(inspected, files.evidenceDir) : null;
    const createdBy = currentActor().name.slice(0, 100);
    if (!plan) {
      plan = tem.create(WorkPlan, { unit: ref(unit), regionCode: unitRegion(unit), year, title, body, attachments: attachments ?? [], dueOn: workPlanDueOn(unit.level, year), createdBy });
    } else {
      plan.title = title;
      plan.body = body;
      if (attachments) plan.attachments = attachments;
    }
    await tem.flush();
    return plan;
  });
}

/** A work plan in the caller's jurisdiction, else NOT_FOUND. */
export async function getWorkPlan(em: EntityManager, id: string | number): Promise<WorkPlan> {
  const n = Number(id);
  const plan = Number.isInteger(n) && n > 0 ? await em.findOne(WorkPlan, { id: n }) : null;
  if (!plan) throw new NotFoundError('work plan', id);
  return plan;
}

/** Publishes the caller's unit's draft plan to the units below (once; publishedAt = now). */
export function publishWorkPlan(em: EntityManager, id: string | number): Promise<WorkPlan> {
  return runCommand(em, 'publishWorkPlan', async (tem) => {
    const plan = await getWorkPlan(tem, id);
    if (plan.unit.id !== currentActor().unitId) throw new AccessDeniedError('a work plan is published by its own unit');
    if (plan.publishedAt) throw new UserInputError(`id: the plan was already published on ${chinaDay(plan.publishedAt)}`, 'id');
    plan.publishedAt = now();
    await tem.flush();
    return plan;
  });
}

export interface WorkPlanFilter {
  year?: number | null;
  /** plans of this unit or a unit below it */
  unitId?: string | number | null;
  published?: boolean | null;
}

/** A page of work plans in the caller's jurisdiction (its own unit's and those below), latest year first. */
export async function listWorkPlans(em: EntityManager, filter: WorkPlanFilter, page: Page): Promise<Connection<WorkPlan>> {
  const and: FilterQuery<WorkPlan>[] = [];
  if (filter.year != null) and.push({ year: checkYear(filter.year) });
  if (given(filter.unitId)) {
    const unit = await visibleUnit(em, filter.unitId!);
    and.push({ unit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.published === true) and.push({ publishedAt: { $ne: null } });
  if (filter.published === false) and.push({ publishedAt: null });
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return paginate(em, WorkPlan, where, { year: 'desc' }, page);
}

export interface WorkPlanStatusRow {
  unit: Unit;
  year: number;
  planId: number | null;
  dueOn: string;
  published: boolean;
  publishedAt: Date | null;
  /** see `publishedOnTime` */
  onTime: boolean | null;
}

/** Per child unit of `parentUnitId` (default the caller's unit; a unit without children itself): its plan for `year`, published, on time. One SQL. */
export async function workPlanStatus(em: EntityManager, year: number, parentUnitId?: string | number | null): Promise<WorkPlanStatusRow[]> {
  checkYear(year);
  const parent = await reportParent(em, parentUnitId);
  const units = await childUnitsOf(em, parent);
  const scope = jurisdictionSql('w.region_code');
  const rows = await em.execute<{ unit_id: number; id: number; published_at: Date | string | null; due_on: string | Date }[]>(
    `select w.unit_id, w.id, w.published_at, w.due_on from work_plan w
     where w.year = ? and w.unit_id in (${units.map(() => '?').join(', ')}) and ${scope.sql}`,
    [year, ...units.map((u) => u.id), ...scope.params],
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  const today = chinaDay();
  return units.map((unit) => {
    const r = byUnit.get(unit.id);
    const publishedAt = r?.published_at ? new Date(r.published_at) : null;
    const dueOn = r ? dayOf(r.due_on) : workPlanDueOn(unit.level, year);
    return { unit, year, planId: r ? Number(r.id) : null, dueOn, published: publishedAt != null, publishedAt, onTime: publishedOnTime({ publishedAt, dueOn }, today) };
  });
}

/** The units above `unit` (from its path), nearest last. */
async function ancestorsOf(em: EntityManager, unit: Unit): Promise<Unit[]> {
  const codes = unit.path.split('/').filter((c) => c && c !== unit.code);
  if (codes.length === 0) return [];
  const units = await em.find(Unit, { code: { $in: codes } });
  return codes.map((c) => units.find((u) => u.code === c)).filter((u): u is Unit => u != null);
}

/**
 * The published plans for `year` of the units above the caller's unit, top first. The access rule hides a
 * superior's rows from the units below; a published plan is meant for them, so this reads — as a named
 * system actor — exactly the published plans of the caller's ancestors for that year, nothing else.
 */
export async function workPlansFromAbove(em: EntityManager, year: number): Promise<WorkPlan[]> {
  checkYear(year);
  const unit = await callerUnit(em, 'work plans');
  const ancestors = await ancestorsOf(em, unit);
  if (ancestors.length === 0) return [];
  const ids = ancestors.map((a) => a.id);
  const plans = await runAsSystem('workPlansFromAbove: published plans of the caller unit\'s ancestors', () =>
    em.fork().find(WorkPlan, { unit: { $in: ids }, year, publishedAt: { $ne: null } }, { populate: ['unit'] }),
  );
  return ids.flatMap((id) => plans.filter((p) => p.unit.id === id));
}

/**
 * Whether the stored file `sha256` is attached to a work plan the current actor may read: one in its
 * jurisdiction, or a published plan of a unit above the actor's unit (as `workPlansFromAbove`).
 */
export async function readableWorkPlanFile(em: EntityManager, sha256: string): Promise<StoredFile | null> {
  const containing = JSON.stringify([{ sha256 }]);
  const scope = jurisdictionSql('w.region_code');
  const actor = currentActor();
  const rows = await em.execute<{ attachments: StoredFile[] }[]>(
    `select w.attachments from work_plan w
     where w.attachments @> ?::jsonb and (${scope.sql}
       or (w.published_at is not null and exists (select 1 from unit a join unit me on me.id = ? where a.id = w.unit_id and me.path like a.path || '%')))
     order by w.id limit 1`,
    [containing, ...scope.params, actor.unitId ?? -1],
  );
  return rows[0]?.attachments.find((f) => f.sha256 === sha256) ?? null;
}
