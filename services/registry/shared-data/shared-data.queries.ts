import type { EntityManager } from '@mikro-orm/postgresql';
import { AdministrativePenalty, type RegistrationChangeKind, RegistrationChange } from '../../../entities';
import { UserInputError } from '../../errors';
import { normalizeUscc } from '../uscc';

/**
 * Reads of the shared data (registration changes, administrative penalties), scoped by the jurisdiction
 * filter like every read: a business's history newest first, or the newest of the whole jurisdiction.
 */

export interface SharedDataQuery {
  uscc?: string | null;
  entityId?: string | null;
  /** registration changes only */
  kind?: RegistrationChangeKind | null;
  first: number;
}

/** Most rows one list returns. */
export const SHARED_DATA_MAX_FIRST = 500;

function where(query: SharedDataQuery): Record<string, unknown> {
  if (query.first < 0 || query.first > SHARED_DATA_MAX_FIRST) throw new UserInputError(`first must be between 0 and ${SHARED_DATA_MAX_FIRST}`, 'first');
  const cond: Record<string, unknown> = {};
  if (query.uscc != null) cond.uscc = normalizeUscc(query.uscc);
  if (query.entityId != null) {
    if (!/^\d{1,9}$/.test(query.entityId)) throw new UserInputError('entityId is not an id', 'entityId');
    cond.entity = Number(query.entityId);
  }
  return cond;
}

/** Registration changes newest first (by day, then as recorded); of one business when uscc or entityId is given. */
export function listRegistrationChanges(em: EntityManager, query: SharedDataQuery): Promise<RegistrationChange[]> {
  const cond = where(query);
  if (query.kind != null) cond.kind = query.kind;
  return em.find(RegistrationChange, cond, { orderBy: { changeDate: 'desc', id: 'desc' }, limit: query.first });
}

/** Administrative penalties newest first (by decision day, then as recorded); of one business when uscc or entityId is given. */
export function listPenalties(em: EntityManager, query: SharedDataQuery): Promise<AdministrativePenalty[]> {
  return em.find(AdministrativePenalty, where(query), { orderBy: { decisionDate: 'desc', id: 'desc' }, limit: query.first });
}

/** The registration changes of each business (one query for a page of businesses), newest first. */
export async function changesOfEntities(em: EntityManager, entityIds: readonly number[]): Promise<RegistrationChange[][]> {
  const rows = await em.find(RegistrationChange, { entity: { $in: [...entityIds] } }, { orderBy: { changeDate: 'desc', id: 'desc' } });
  return entityIds.map((id) => rows.filter((r) => r.entity.id === id));
}

/** The administrative penalties of each business (one query for a page of businesses), newest first. */
export async function penaltiesOfEntities(em: EntityManager, entityIds: readonly number[]): Promise<AdministrativePenalty[][]> {
  const rows = await em.find(AdministrativePenalty, { entity: { $in: [...entityIds] } }, { orderBy: { decisionDate: 'desc', id: 'desc' } });
  return entityIds.map((id) => rows.filter((r) => r.entity.id === id));
}
