/**
 * Clues as the API reads them: in the caller's jurisdiction (the ORM filter and, for the counts, the
 * same rule as SQL), with their events and findings batched per page.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Clue, ClueStatus, coversJurisdiction, currentActor, jurisdictionSql, Unit, UnitLevel } from '../../entities';
import type { Connection } from '../../schema/connection';
import { NotFoundError } from '../errors';
import { likeEscape, type ListSpec, type Page, paginateList } from '../pagination';
import { idOf } from '../input';

export interface ClueFilter {
  statuses?: ClueStatus[] | null;
  /** assigned to this unit or a unit under it */
  unitId?: string | number | null;
  /** assigned and past the deadline (true), or not (false) */
  overdue?: boolean | null;
  shopId?: string | number | null;
  ruleId?: string | null;
}

/** A unit in the caller's jurisdiction (its whole jurisdiction inside the caller's), else NOT_FOUND. */
export async function visibleUnit(em: EntityManager, id: string | number, field = 'unitId'): Promise<Unit> {
  const unit = await em.findOne(Unit, { id: idOf(id, field) });
  if (!unit || !coversJurisdiction(currentActor().prefixes, unit.jurisdiction)) throw new NotFoundError('unit', id);
  return unit;
}

/** A page of clues in the caller's jurisdiction, newest first. */
export async function listClues(em: EntityManager, filter: ClueFilter, page: Page): Promise<Connection<Clue>> {
  return paginateList(em, await clueList(em, filter), page);
}

/** What a clues list reads: the filter's condition, newest first. */
export async function clueList(em: EntityManager, filter: ClueFilter): Promise<ListSpec<Clue>> {
  const and: FilterQuery<Clue>[] = [];
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (filter.unitId != null && filter.unitId !== '') {
    const unit = await visibleUnit(em, filter.unitId);
    and.push({ assignedUnit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.overdue === true) and.push({ status: ClueStatus.ASSIGNED, deadline: { $lt: new Date() } });
  if (filter.overdue === false) and.push({ $or: [{ status: { $ne: ClueStatus.ASSIGNED } }, { deadline: null }, { deadline: { $gte: new Date() } }] });
  if (filter.shopId != null && filter.shopId !== '') and.push({ shop: idOf(filter.shopId, 'shopId') });
  if (filter.ruleId) and.push({ ruleId: filter.ruleId });
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return { entity: Clue, where, orderBy: { createdAt: 'desc' } };
}

/** A clue in the caller's jurisdiction, else NOT_FOUND (outside and absent look the same). */
export async function getClue(em: EntityManager, id: string | number): Promise<Clue> {
  const n = Number(id);
  const clue = Number.isInteger(n) && n > 0 ? await em.findOne(Clue, { id: n }) : null;
  if (!clue) throw new NotFoundError('clue', id);
  return clue;
}

/** Whether a clue is past its deadline without having been handled. */
export function isOverdue(clue: Clue, now = new Date()): boolean {
  return clue.status === ClueStatus.ASSIGNED && clue.deadline != null && clue.deadline < now;
}

export interface ClueUnitCount {
  unit: Unit;
  /** assigned to the unit (or under it), waiting for handling */
  open: number;
  /** of those, past the deadline */
  overdue: number;
  /** handled or fed back, not yet archived */
  handled: number;
  archived: number;
}

/**
 * Clue counts per child unit of `parentUnitId` (default: the caller's own unit; a unit without
 * children counts itself), each over the clues assigned to that unit or a unit under it, within the
 * caller's jurisdiction.
 */
export async function clueCountsByUnit(em: EntityManager, parentUnitId?: string | number | null): Promise<ClueUnitCount[]> {
  const actor = currentActor();
  let parent: Unit | null;
  if (parentUnitId != null && parentUnitId !== '') parent = await visibleUnit(em, parentUnitId, 'parentUnitId');
  else if (actor.unitId != null) parent = await em.findOne(Unit, { id: actor.unitId });
  else parent = await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
  if (!parent) throw new NotFoundError('unit', parentUnitId ?? 'of the caller');
  const children = await em.find(Unit, { parent: parent.id }, { orderBy: { code: 'asc' } });
  const units = children.length > 0 ? children : [parent];
  const scope = jurisdictionSql('c.region_code');
  const rows = await em.execute<{ unit_id: number; open: string; overdue: string; handled: string; archived: string }[]>(
    `select u.id as unit_id,
       count(*) filter (where c.status = 'assigned') as open,
       count(*) filter (where c.status = 'assigned' and c.deadline < now()) as overdue,
       count(*) filter (where c.status in ('handled', 'fed_back')) as handled,
       count(*) filter (where c.status = 'archived') as archived
     from unit u
     join unit a on a.path like u.path || '%'
     join clue c on c.assigned_unit_id = a.id
     where u.id in (${units.map(() => '?').join(', ')}) and ${scope.sql}
     group by u.id`,
    [...units.map((u) => u.id), ...scope.params],
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  return units.map((unit) => {
    const r = byUnit.get(unit.id);
    return { unit, open: Number(r?.open ?? 0), overdue: Number(r?.overdue ?? 0), handled: Number(r?.handled ?? 0), archived: Number(r?.archived ?? 0) };
  });
}
