import type { RegionRecord } from '../services/registry/region-catalog';
import { regionCatalog } from '../services/registry/region-catalog';
import { NotFoundError } from '../services/errors';
import type { RegionType } from '../schema/region.type';

/** The GraphQL Region of a region code (reference data from the in-memory catalog; no query). */
export function presentRegion(code: string): RegionType {
  const r: RegionRecord | undefined = regionCatalog().get(code);
  if (!r) throw new NotFoundError('region', code);
  return r;
}
