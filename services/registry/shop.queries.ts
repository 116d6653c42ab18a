import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Shop, Unit } from '../../entities';
import type { ShopFilter, ShopOrder } from '../../schema/registry.inputs';
import { ShopSortField, SortDirection } from '../../schema/enums';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type ListSpec, type Page, paginateList } from '../pagination';
import { countByRegion } from './region-counts';

/** The ORM condition of a shop filter (the jurisdiction filter is added by the ORM to every read). */
export async function shopWhere(em: EntityManager, filter: ShopFilter | null = {}): Promise<FilterQuery<Shop>> {
  filter ??= {};
  const and: FilterQuery<Shop>[] = [];
  if (filter.regionCode) and.push({ regionCode: { $like: `${filter.regionCode}%` } });
  if (filter.unitId) {
    const unit = await em.findOne(Unit, { id: Number(filter.unitId) });
    if (!unit) throw new NotFoundError('unit', filter.unitId);
    and.push({ responsibleUnit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.classification?.length) and.push({ classification: { $in: filter.classification } });
  if (filter.filingStatus?.length) and.push({ filingStatus: { $in: filter.filingStatus } });
  if (filter.maintenanceStatus?.length) and.push({ maintenanceStatus: { $in: filter.maintenanceStatus } });
  if (filter.platform) and.push({ platform: filter.platform });
  if (filter.entityId) and.push({ entity: Number(filter.entityId) });
  if (filter.linked != null) and.push({ entity: filter.linked ? { $ne: null } : null });
  const search = filter.search?.trim();
  if (search) {
    const term = `%${likeEscape(search)}%`;
    const or: FilterQuery<Shop>[] = [{ name: { $ilike: term } }, { domain: { $ilike: term } }, { url: { $ilike: term } }];
    if (/^[0-9A-Z]{18}$/i.test(search)) or.push({ entity: { uscc: search.toUpperCase() } });
    and.push({ $or: or });
  }
  return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
}

/** What a shops list reads: the filter's condition in the given order (default by id). */
export async function shopList(em: EntityManager, filter: ShopFilter | null | undefined, order: ShopOrder | null | undefined): Promise<ListSpec<Shop>> {
  const field = order?.field ?? ShopSortField.ID;
  const direction = order?.direction ?? SortDirection.ASC;
  return { entity: Shop, where: await shopWhere(em, filter), orderBy: { [field]: direction } };
}

/** A page of shops in the caller's jurisdiction. */
export async function listShops(em: EntityManager, filter: ShopFilter | null | undefined, order: ShopOrder | null | undefined, page: Page) {
  return paginateList(em, await shopList(em, filter, order), page);
}

/** One shop in the caller's jurisdiction, or NotFoundError. */
export async function getShop(em: EntityManager, id: string | number): Promise<Shop> {
  const n = Number(id);
  if (!Number.isInteger(n)) throw new UserInputError(`shop id must be a number, got "${id}"`);
  const shop = await em.findOne(Shop, { id: n });
  if (!shop) throw new NotFoundError('shop', id);
  return shop;
}

/** Shops per child region of `parentCode`, within the caller's jurisdiction. */
export async function countShopsByRegion(em: EntityManager, parentCode: string, filter?: ShopFilter | null) {
  return countByRegion(em, Shop, parentCode, await shopWhere(em, filter));
}
