/**
 * Patrols as the API reads them: plans whose scope overlaps the caller's jurisdiction; tasks and records
 * in it (the ORM filter); coverage and campaign progress per child unit as SQL under the same rule
 * (`jurisdictionSql`).
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  currentActor,
  jurisdictionSql,
  PatrolMode,
  PatrolOutcome,
  PatrolPlan,
  PatrolPlanKind,
  PatrolPlanStatus,
  PatrolRecord,
  PatrolTask,
  PatrolTaskStatus,
  Unit,
  UnitLevel,
} from '../../entities';
import type { Connection } from '../../schema/connection';
import { chinaDay, checkDay, endOfChinaDay, monthOf, startOfChinaDay } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';
import { dayOf, getPatrolPlan, planVisibleSql } from './patrol-plans';
import { idOf } from '../input';

const given = (v: unknown): boolean => v != null && v !== '';

export interface PatrolPlanFilter {
  kinds?: PatrolPlanKind[] | null;
  statuses?: PatrolPlanStatus[] | null;
  /** running on this day (YYYY-MM-DD) */
  activeOn?: string | null;
}

/** Plans whose scope overlaps the caller's jurisdiction, newest first. */
export async function listPatrolPlans(em: EntityManager, filter: PatrolPlanFilter = {}): Promise<PatrolPlan[]> {
  const visible = planVisibleSql('p');
  const where = [visible.sql];
  const params: unknown[] = [...visible.params];
  if (filter.kinds?.length) {
    where.push(`p.kind in (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.statuses?.length) {
    where.push(`p.status in (${filter.statuses.map(() => '?').join(', ')})`);
    params.push(...filter.statuses);
  }
  if (given(filter.activeOn)) {
    const day = checkDay(filter.activeOn!, 'activeOn');
    where.push(`p.starts_on <= ?::date and (p.ends_on is null or p.ends_on >= ?::date)`);
    params.push(day, day);
  }
  const rows = await em.execute<{ id: number }[]>(`select p.id from patrol_plan p where ${where.join(' and ')} order by p.starts_on desc, p.id desc limit 500`, params);
  if (!rows.length) return [];
  const plans = await em.find(PatrolPlan, { id: { $in: rows.map((r) => Number(r.id)) } });
  const byId = new Map(plans.map((p) => [p.id, p]));
  return rows.map((r) => byId.get(Number(r.id))!).filter(Boolean);
}

export { getPatrolPlan };

export interface PatrolTaskFilter {
  planId?: string | number | null;
  /** tasks of this unit or a unit under it */
  unitId?: string | number | null;
  statuses?: PatrolTaskStatus[] | null;
  /** open and due before today (true), or not (false) */
  overdue?: boolean | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  shopId?: string | number | null;
}

/** A page of tasks in the caller's jurisdiction, soonest due first. */
export async function listPatrolTasks(em: EntityManager, filter: PatrolTaskFilter, page: Page): Promise<Connection<PatrolTask>> {
  const and: FilterQuery<PatrolTask>[] = [];
  if (given(filter.planId)) and.push({ plan: (await getPatrolPlan(em, filter.planId!)).id });
  if (given(filter.unitId)) {
    const unit = await visibleUnit(em, filter.unitId!);
    and.push({ unit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  const today = chinaDay();
  if (filter.overdue === true) and.push({ status: PatrolTaskStatus.OPEN, dueOn: { $lt: today } });
  if (filter.overdue === false) and.push({ $or: [{ status: { $ne: PatrolTaskStatus.OPEN } }, { dueOn: { $gte: today } }] });
  if (given(filter.dueFrom)) and.push({ dueOn: { $gte: checkDay(filter.dueFrom!, 'dueFrom') } });
  if (given(filter.dueTo)) and.push({ dueOn: { $lte: checkDay(filter.dueTo!, 'dueTo') } });
  if (given(filter.shopId)) and.push({ shop: idOf(filter.shopId!, 'shopId') });
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return paginate(em, PatrolTask, where, { dueOn: 'asc' }, page);
}

/** Whether a task is open past its due day. */
export function isTaskOverdue(task: PatrolTask, today = chinaDay()): boolean {
  return task.status === PatrolTaskStatus.OPEN && dayOf(task.dueOn) < today;
}

export interface PatrolRecordFilter {
  planId?: string | number | null;
  shopId?: string | number | null;
  /** filed by this unit or a unit under it */
  unitId?: string | number | null;
  modes?: PatrolMode[] | null;
  outcomes?: PatrolOutcome[] | null;
  /** China days, inclusive */
  from?: string | null;
  to?: string | null;
}

/** A page of records in the caller's jurisdiction, latest patrol first. */
export async function listPatrolRecords(em: EntityManager, filter: PatrolRecordFilter, page: Page): Promise<Connection<PatrolRecord>> {
  const and: FilterQuery<PatrolRecord>[] = [];
  if (given(filter.planId)) and.push({ task: { plan: (await getPatrolPlan(em, filter.planId!)).id } });
  if (given(filter.shopId)) and.push({ shop: idOf(filter.shopId!, 'shopId') });
  if (given(filter.unitId)) {
    const unit = await visibleUnit(em, filter.unitId!);
    and.push({ unit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.modes?.length) and.push({ mode: { $in: filter.modes } });
  if (filter.outcomes?.length) and.push({ outcome: { $in: filter.outcomes } });
  if (given(filter.from)) and.push({ patrolledAt: { $gte: startOfChinaDay(checkDay(filter.from!, 'from')) } });
  if (given(filter.to)) and.push({ patrolledAt: { $lte: endOfChinaDay(checkDay(filter.to!, 'to')) } });
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return paginate(em, PatrolRecord, where, { patrolledAt: 'desc' }, page);
}

/** A record in the caller's jurisdiction, else NOT_FOUND. */
export async function getPatrolRecord(em: EntityManager, id: string | number): Promise<PatrolRecord> {
  const n = Number(id);
  const record = Number.isInteger(n) && n > 0 ? await em.findOne(PatrolRecord, { id: n }) : null;
  if (!record) throw new NotFoundError('patrol record', id);
  return record;
}

/** The child units of `parentUnitId` (default: the caller's unit; the province for unit-less callers); a unit without children stands for itself. */
async function childUnits(em: EntityManager, parentUnitId?: string | number | null): Promise<Unit[]> {
  const actor = currentActor();
  let parent: Unit | null;
  if (given(parentUnitId)) parent = await visibleUnit(em, parentUnitId!, 'parentUnitId');
  else if (actor.unitId != null) parent = await em.findOne(Unit, { id: actor.unitId });
  else parent = await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
  if (!parent) throw new NotFoundError('unit', parentUnitId ?? 'of the caller');
  const children = await em.find(Unit, { parent: parent.id }, { orderBy: { code: 'asc' } });
  return children.length > 0 ? children : [parent];
}

export interface PatrolCoverageRow {
  unit: Unit;
  from: string;
  to: string;
  /** filed shops now in the unit's jurisdiction (not flagged 不属于本辖区) */
  filedShops: number;
  /** of those, patrolled (a record) in the period */
  patrolledShops: number;
  /** patrolledShops / filedShops (0 without shops) */
  coverage: number;
  /** tasks of the unit (or under it) due in the period, not cancelled */
  tasksDue: number;
  /** of those, done */
  tasksDone: number;
  /** of those, still open past their due day */
  overdueTasks: number;
}

/**
 * Coverage per child unit over [from, to] (China days; default the current month): filed shops in
 * the unit's jurisdiction, how many of them were patrolled, tasks due, done and overdue — all within
 * the caller's jurisdiction.
 */
export async function patrolCoverage(em: EntityManager, parentUnitId?: string | number | null, fromDay?: string | null, toDay?: string | null): Promise<PatrolCoverageRow[]> {
  const month = monthOf(chinaDay());
  const from = given(fromDay) ? checkDay(fromDay!, 'from') : month.first;
  const to = given(toDay) ? checkDay(toDay!, 'to') : month.last;
  if (to < from) throw new UserInputError(`to: ${to} lies before from ${from}`, 'to');
  const units = await childUnits(em, parentUnitId);
  const ids = units.map((u) => u.id);
  const marks = ids.map(() => '?').join(', ');
  const shopScope = jurisdictionSql('s.region_code');
  const shops = await em.execute<{ unit_id: number; filed: string; patrolled: string }[]>(
    `select u.id as unit_id, count(*) as filed,
       count(*) filter (where exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at <= ?)) as patrolled
     from unit u
     join shop s on exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%')
     where u.id in (${marks}) and s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and ${shopScope.sql}
     group by u.id`,
    [startOfChinaDay(from), endOfChinaDay(to), ...ids, ...shopScope.params],
  );
  const taskScope = jurisdictionSql('t.region_code');
  const tasks = await em.execute<{ unit_id: number; due: string; done: string; overdue: string }[]>(
    `select u.id as unit_id, count(*) as due,
       count(*) filter (where t.status = 'done') as done,
       count(*) filter (where t.status = 'open' and t.due_on < ?::date) as overdue
     from unit u
     join unit a on a.path like u.path || '%'
     join patrol_task t on t.unit_id = a.id
     where u.id in (${marks}) and t.status <> 'cancelled' and t.due_on >= ?::date and t.due_on <= ?::date and ${taskScope.sql}
     group by u.id`,
    [chinaDay(), ...ids, from, to, ...taskScope.params],
  );
  const s = new Map(shops.map((r) => [Number(r.unit_id), r]));
  const t = new Map(tasks.map((r) => [Number(r.unit_id), r]));
  return units.map((unit) => {
    const filedShops = Number(s.get(unit.id)?.filed ?? 0);
    const patrolledShops = Number(s.get(unit.id)?.patrolled ?? 0);
    return {
      unit,
      from,
      to,
      filedShops,
      patrolledShops,
      coverage: filedShops ? patrolledShops / filedShops : 0,
      tasksDue: Number(t.get(unit.id)?.due ?? 0),
      tasksDone: Number(t.get(unit.id)?.done ?? 0),
      overdueTasks: Number(t.get(unit.id)?.overdue ?? 0),
    };
  });
}

export interface CampaignProgressRow {
  unit: Unit;
  /** tasks of the campaign for the unit or units under it (not cancelled) */
  targeted: number;
  done: number;
  open: number;
  /** open past the due day */
  overdue: number;
  compliant: number;
  rectificationOrdered: number;
  clueRaised: number;
}

/** A plan's progress per child unit of `parentUnitId` (default the caller's unit), in the caller's jurisdiction. */
export async function campaignProgress(em: EntityManager, planId: string | number, parentUnitId?: string | number | null): Promise<CampaignProgressRow[]> {
  const plan = await getPatrolPlan(em, planId);
  const units = await childUnits(em, parentUnitId);
  const ids = units.map((u) => u.id);
  const marks = ids.map(() => '?').join(', ');
  const scope = jurisdictionSql('t.region_code');
  const rows = await em.execute<Record<string, string | number>[]>(
    `select u.id as unit_id, count(*) as targeted,
       count(*) filter (where t.status = 'done') as done,
       count(*) filter (where t.status = 'open') as open,
       count(*) filter (where t.status = 'open' and t.due_on < ?::date) as overdue,
       count(*) filter (where r.outcome = 'compliant') as compliant,
       count(*) filter (where r.outcome = 'rectification_ordered') as rectification_ordered,
       count(*) filter (where r.outcome = 'clue_raised') as clue_raised
     from unit u
     join unit a on a.path like u.path || '%'
     join patrol_task t on t.unit_id = a.id
     left join lateral (select x.outcome from patrol_record x where x.task_id = t.id order by x.id desc limit 1) r on true
     where u.id in (${marks}) and t.plan_id = ? and t.status <> 'cancelled' and ${scope.sql}
     group by u.id`,
    [chinaDay(), ...ids, plan.id, ...scope.params],
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  return units.map((unit) => {
    const r = byUnit.get(unit.id);
    const n = (k: string) => Number(r?.[k] ?? 0);
    return {
      unit,
      targeted: n('targeted'),
      done: n('done'),
      open: n('open'),
      overdue: n('overdue'),
      compliant: n('compliant'),
      rectificationOrdered: n('rectification_ordered'),
      clueRaised: n('clue_raised'),
    };
  });
}

export interface PlanTaskCounts {
  open: number;
  done: number;
  cancelled: number;
  overdue: number;
}

/** Task counts of plans in the caller's jurisdiction (for plan.taskCounts, batched). */
export async function planTaskCounts(em: EntityManager, planIds: readonly number[]): Promise<Map<number, PlanTaskCounts>> {
  const scope = jurisdictionSql('t.region_code');
  const rows = await em.execute<{ plan_id: number; open: string; done: string; cancelled: string; overdue: string }[]>(
    `select t.plan_id, count(*) filter (where t.status = 'open') as open, count(*) filter (where t.status = 'done') as done,
       count(*) filter (where t.status = 'cancelled') as cancelled, count(*) filter (where t.status = 'open' and t.due_on < ?::date) as overdue
     from patrol_task t where t.plan_id in (${planIds.map(() => '?').join(', ')}) and ${scope.sql} group by t.plan_id`,
    [chinaDay(), ...planIds, ...scope.params],
  );
  return new Map(rows.map((r) => [Number(r.plan_id), { open: Number(r.open), done: Number(r.done), cancelled: Number(r.cancelled), overdue: Number(r.overdue) }]));
}
