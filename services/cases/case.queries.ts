/** Cases as the API reads them: in the caller's jurisdiction (the ORM filter), newest first. */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Case, type CaseStatus } from '../../entities';
import type { Connection } from '../../schema/connection';
import { NotFoundError } from '../errors';
import { likeEscape, type ListSpec, type Page, paginateList } from '../pagination';
import { visibleUnit } from '../clues/clue.queries';
import { idOf } from '../input';

export interface CaseFilter {
  statuses?: CaseStatus[] | null;
  /** handled by this unit or a unit under it */
  unitId?: string | number | null;
  shopId?: string | number | null;
}

/** A page of cases in the caller's jurisdiction, newest first. */
export async function listCases(em: EntityManager, filter: CaseFilter, page: Page): Promise<Connection<Case>> {
  return paginateList(em, await caseList(em, filter), page);
}

/** What a cases list reads: the filter's condition, newest first. */
export async function caseList(em: EntityManager, filter: CaseFilter): Promise<ListSpec<Case>> {
  const and: FilterQuery<Case>[] = [];
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (filter.unitId != null && filter.unitId !== '') {
    const unit = await visibleUnit(em, filter.unitId);
    and.push({ handlingUnit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.shopId != null && filter.shopId !== '') and.push({ shop: idOf(filter.shopId, 'shopId') });
  const where = and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
  return { entity: Case, where, orderBy: { createdAt: 'desc' } };
}

/** A case in the caller's jurisdiction, else NOT_FOUND (outside and absent look the same). */
export async function getCase(em: EntityManager, id: string | number): Promise<Case> {
  const n = Number(id);
  const kase = Number.isInteger(n) && n > 0 ? await em.findOne(Case, { id: n }) : null;
  if (!kase) throw new NotFoundError('case', id);
  return kase;
}

/** Whether the case's current stage is past its deadline. */
export function isCaseOverdue(kase: Case, now = new Date()): boolean {
  return kase.stageDeadline != null && kase.stageDeadline < now;
}
