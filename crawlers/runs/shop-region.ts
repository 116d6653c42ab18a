/**
 * Where a shop found by discovery belongs: the region (and so the unit) that supervises it. The licence
 * block it shows is the evidence: the registered entity of the USCC shown, else the address shown, else the
 * USCC's own division code (characters 3–8, the county that issued it).
 */
import type { ExtractedLicence } from '../extract';
import { regionNameIndex } from '../../services/registry/import/resolve-region';
import type { RegionCatalog } from '../../services/registry/region-catalog';

export type RegionEvidence = 'register' | 'address' | 'uscc' | 'none';

export interface ShopRegion {
  regionCode: string;
  /** what the region was read from; `none`: nothing shown, the province is used until someone files it */
  from: RegionEvidence;
}

/**
 * The region of a discovered shop. `registeredRegion` is the region of the register entity whose USCC the
 * licence shows (looked up by the caller), if any.
 */
export function regionOfShop(catalog: RegionCatalog, licence: ExtractedLicence | null, registeredRegion: string | null): ShopRegion {
  if (registeredRegion && catalog.get(registeredRegion)) return { regionCode: registeredRegion, from: 'register' };
  if (licence?.address) {
    const index = regionNameIndex(catalog);
    const found = index.knownStart(`${index.key(licence.address)}\u0000`);
    if (found) return { regionCode: found.code, from: 'address' };
  }
  const division = licence?.uscc && /^[0-9A-Z]{18}$/u.test(licence.uscc) ? licence.uscc.slice(2, 8) : null;
  if (division && catalog.get(division)) return { regionCode: division, from: 'uscc' };
  const province = catalog.childrenOf(null)[0];
  return { regionCode: province?.code ?? '37', from: 'none' };
}
