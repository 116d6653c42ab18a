import type { EntityManager } from '@mikro-orm/postgresql';
import { coversJurisdiction, currentActor, RegionLevel, Unit, UnitLevel } from '../../entities';
import type { CreateStationInput } from '../../schema/access.inputs';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { regionCatalog } from '../registry/region-catalog';

/**
 * Adds a grass-roots station (市场监管所) under a county bureau of the caller's jurisdiction. Its towns
 * must be towns of that county that no other station supervises yet: every town belongs to at most one
 * station. Shops keep their responsible unit until reassigned.
 */
export function createStation(em: EntityManager, input: CreateStationInput): Promise<Unit> {
  return runCommand(em, 'createStation', async (tem) => {
    const county = await tem.findOne(Unit, { id: Number(input.countyUnitId) || -1 });
    if (!county || !coversJurisdiction(currentActor().prefixes, county.jurisdiction)) throw new NotFoundError('unit', input.countyUnitId);
    if (county.level !== UnitLevel.COUNTY) throw new UserInputError(`${county.name} is not a county bureau; stations belong to county bureaus`, 'countyUnitId');
    const catalog = regionCatalog();
    const towns = [...new Set(input.towns.map((t) => t.trim()))];
    for (const code of towns) {
      const region = catalog.get(code);
      if (!region || region.level !== RegionLevel.TOWN || region.parent !== county.regionCode) {
        throw new UserInputError(`towns: ${code} is not a town or street of ${county.name}`, 'towns');
      }
    }
    const siblings = await tem.find(Unit, { parent: county, level: UnitLevel.STATION });
    for (const s of siblings) {
      const taken = towns.filter((t) => s.jurisdiction.includes(t));
      if (taken.length > 0) throw new UserInputError(`towns: ${taken.join(', ')} already belong to ${s.name} (${s.code})`, 'towns');
    }
    const used = new Set(siblings.map((s) => s.code));
    let code = input.code;
    if (code && (!code.startsWith(`${county.code}-S`) || used.has(code) || (await tem.count(Unit, { code })) > 0)) {
      throw new UserInputError(`code: ${code} is taken or not a station code of ${county.code}`, 'code');
    }
    for (let n = 1; !code; n++) {
      const candidate = `${county.code}-S${String(n).padStart(2, '0')}`;
      if (!used.has(candidate)) code = candidate;
    }
    return tem.create(Unit, {
      code,
      name: input.name.trim(),
      level: UnitLevel.STATION,
      parent: county,
      path: `${county.path}${code}/`,
      regionCode: county.regionCode,
      jurisdiction: towns,
    });
  });
}
