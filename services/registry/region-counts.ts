import type { EntityName, FilterQuery } from '@mikro-orm/core';
import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor, type JurisdictionBound } from '../../entities';
import { NotFoundError, UserInputError } from '../errors';
import { regionCatalog, type RegionRecord } from './region-catalog';

export interface RegionCountRow {
  regionCode: string;
  region: RegionRecord;
  count: number;
}

/** True when the region `code` overlaps the jurisdiction (it contains a part of it, or lies inside it). */
function overlapsJurisdiction(code: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => code.startsWith(p) || p.startsWith(code));
}

/**
 * Counts rows of a jurisdiction-bound entity per child region of `parentCode`. The ORM filter scopes
 * the query exactly as it scopes lists, so a county caller's counts contain only its county; child
 * regions outside the caller's jurisdiction are left out rather than shown as zero.
 */
export async function countByRegion<T extends JurisdictionBound>(
  em: EntityManager,
  entity: EntityName<T>,
  parentCode: string,
  where: FilterQuery<T>,
): Promise<RegionCountRow[]> {
  const catalog = regionCatalog();
  const parent = catalog.get(parentCode);
  if (!parent) throw new NotFoundError('region', parentCode);
  const children = catalog.childrenOf(parentCode);
  if (children.length === 0) throw new UserInputError(`region ${parentCode} (${parent.name}) has no subdivisions to count by`);
  const length = children[0].code.length;
  const { prefixes } = currentActor();
  const qb = em
    .createQueryBuilder(entity, 'e')
    .select([raw(`substr(e.region_code, 1, ${length}) as code`), raw('count(*) as count')])
    .where({ $and: [where, { regionCode: { $like: `${parentCode}%` } }] } as FilterQuery<T>)
    .groupBy(raw(`substr(e.region_code, 1, ${length})`));
  await qb.applyFilters();
  const rows = (await qb.execute('all', false)) as { code: string; count: string | number }[];
  const counts = new Map(rows.map((r) => [r.code, Number(r.count)]));
  return children
    .filter((c) => overlapsJurisdiction(c.code, prefixes))
    .map((c) => ({ regionCode: c.code, region: c, count: counts.get(c.code) ?? 0 }));
}
