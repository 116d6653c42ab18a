import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit, inJurisdiction } from '../../entities';
import { UserInputError } from '../errors';
import { regionCatalog } from './region-catalog';
import { normalizeUscc, usccProblem } from './uscc';

/** A region code that exists and lies in the caller's jurisdiction, or a UserInputError naming the field. */
export function requireRegion(code: string, field = 'regionCode'): string {
  const region = regionCatalog().get(code.trim());
  if (!region) throw new UserInputError(`${field}: ${code} is not a Shandong division code`, field);
  if (!inJurisdiction(region.code)) throw new UserInputError(`${field}: ${region.name} (${region.code}) lies outside your jurisdiction`, field);
  return region.code;
}

/** A normalised, checksum-valid USCC, or a UserInputError. */
export function requireUscc(input: string, field = 'uscc'): string {
  const uscc = normalizeUscc(input);
  const problem = usccProblem(uscc);
  if (problem) throw new UserInputError(`${field}: ${problem}`, field);
  return uscc;
}

/** The host of a shop URL (lower-case, without `www.`). */
export function domainOf(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    throw new UserInputError(`url: "${url}" is not a valid URL`, 'url');
  }
  return host.replace(/^www\./, '');
}

/**
 * The unit responsible for a region: the deepest unit (station before county before city) whose
 * jurisdiction contains the region code.
 */
export async function responsibleUnitFor(em: EntityManager, regionCode: string): Promise<Unit | null> {
  const rows = await em.execute<{ id: number }[]>(
    `select id from unit where exists (select 1 from unnest(jurisdiction) j where ? like j || '%')
     order by length(path) desc, id limit 1`,
    [regionCode],
  );
  return rows.length > 0 ? em.getReference(Unit, rows[0].id) : null;
}
