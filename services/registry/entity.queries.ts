import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OnlineEntity, Unit } from '../../entities';
import { EntitySortField, SortDirection } from '../../schema/enums';
import type { EntityFilter, EntityOrder } from '../../schema/registry.inputs';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type ListSpec, type Page, paginateList } from '../pagination';
import { countByRegion } from './region-counts';

/** The ORM condition of an entity filter (jurisdiction added by the ORM filter). */
export async function entityWhere(em: EntityManager, filter: EntityFilter | null = {}): Promise<FilterQuery<OnlineEntity>> {
  filter ??= {};
  const and: FilterQuery<OnlineEntity>[] = [];
  if (filter.regionCode) and.push({ regionCode: { $like: `${filter.regionCode}%` } });
  if (filter.unitId) {
    const unit = await em.findOne(Unit, { id: Number(filter.unitId) || -1 });
    if (!unit) throw new NotFoundError('unit', filter.unitId);
    and.push({ $or: unit.jurisdiction.map((code) => ({ regionCode: { $like: `${likeEscape(code)}%` } })) });
  }
  if (filter.registrationStatus?.length) and.push({ registrationStatus: { $in: filter.registrationStatus } });
  const search = filter.search?.trim();
  if (search) {
    const term = `%${likeEscape(search)}%`;
    and.push({ $or: [{ name: { $ilike: term } }, { uscc: { $like: `${likeEscape(search.toUpperCase())}%` } }] });
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
}

/** What an entities list reads: the filter's condition in the given order (default by id). */
export async function entityList(em: EntityManager, filter: EntityFilter | null | undefined, order: EntityOrder | null | undefined): Promise<ListSpec<OnlineEntity>> {
  const field = order?.field ?? EntitySortField.ID;
  const direction = order?.direction ?? SortDirection.ASC;
  return { entity: OnlineEntity, where: await entityWhere(em, filter), orderBy: { [field]: direction } };
}

export async function listEntities(em: EntityManager, filter: EntityFilter | null | undefined, order: EntityOrder | null | undefined, page: Page) {
  return paginateList(em, await entityList(em, filter, order), page);
}

/** One entity by id or USCC in the caller's jurisdiction, or NotFoundError. */
export async function getEntity(em: EntityManager, by: { id?: string | number; uscc?: string }): Promise<OnlineEntity> {
  if (by.id == null && !by.uscc) throw new UserInputError('give an id or a uscc');
  if (by.id != null && !Number.isInteger(Number(by.id))) throw new UserInputError(`entity id must be a number, got "${by.id}"`);
  const entity = await em.findOne(OnlineEntity, by.id != null ? { id: Number(by.id) } : { uscc: by.uscc!.trim().toUpperCase() });
  if (!entity) throw new NotFoundError('entity', by.id ?? by.uscc!);
  return entity;
}

export async function countEntitiesByRegion(em: EntityManager, parentCode: string, filter?: EntityFilter | null) {
  return countByRegion(em, OnlineEntity, parentCode, await entityWhere(em, filter));
}
