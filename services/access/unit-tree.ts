/**
 * The bureau tree of the demo province, planned from the region catalogue: the province bureau, one
 * bureau per city and per county, and grass-roots stations (市场监管所) that split each county's towns
 * into groups of about four consecutive towns.
 */
import { RegionLevel, UnitLevel } from '../../entities';
import type { RegionCatalog, RegionRecord } from '../registry/region-catalog';

/** One unit to create; parents are referred to by code (ids are assigned by the database). */
export interface PlannedUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
  /** `/37/3701/370102/370102-S01/` */
  path: string;
  regionCode: string;
  jurisdiction: string[];
}

/** About this many towns per station. */
export const TOWNS_PER_STATION = 4;

const BUREAU = '市场监督管理局';
const STATION = '市场监管所';

/**
 * The station name stem of a town: 解放路街道 → 解放路, 柳埠镇 → 柳埠, 开发区办事处 → 开发区. Names of
 * development zones and similar (青岛高新技术产业开发区) stay whole.
 */
export function townStem(name: string): string {
  const stem = name.replace(/(类似乡级单位|街道办事处|街道|办事处|镇|乡)$/u, '');
  return stem.length > 0 ? stem : name;
}

/**
 * Splits `n` consecutive towns into groups of about `perGroup`: max(1, round(n / perGroup)) groups,
 * sizes differing by at most one, larger groups first.
 */
export function groupSizes(n: number, perGroup = TOWNS_PER_STATION): number[] {
  if (n <= 0) return [];
  const groups = Math.max(1, Math.round(n / perGroup));
  const base = Math.floor(n / groups);
  const extra = n % groups;
  return Array.from({ length: groups }, (_, i) => base + (i < extra ? 1 : 0));
}

/** `<countyCode>-S<nn>`, 1-based, at least two digits. */
export function stationCode(countyCode: string, index: number): string {
  return `${countyCode}-S${String(index + 1).padStart(2, '0')}`;
}

/**
 * Plans every unit of the province from the catalogue, a pure function: level by level (province,
 * cities, counties, stations), each level ordered by code, so a parent always precedes its children.
 *
 * Invariants (asserted by the tests): every town lies in exactly one station's jurisdiction; every
 * county has at least one station (a county without towns gets one whose jurisdiction is the county).
 * County bureaus are named after the county (历下区市场监督管理局); where two cities have a county of the
 * same name (市中区 in 济南 and 枣庄) the city name is prefixed so unit names stay unambiguous.
 */
export function buildUnitTree(catalog: RegionCatalog): PlannedUnit[] {
  const byCode = (a: RegionRecord, b: RegionRecord) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const [province] = catalog.ofLevel(RegionLevel.PROVINCE);
  if (!province) throw new Error('the region catalogue has no province');
  const provincePath = `/${province.code}/`;
  const units: PlannedUnit[] = [
    {
      code: province.code,
      name: `${province.name}${BUREAU}`,
      level: UnitLevel.PROVINCE,
      parentCode: null,
      path: provincePath,
      regionCode: province.code,
      jurisdiction: [province.code],
    },
  ];
  const cities = catalog.childrenOf(province.code).filter((r) => r.level === RegionLevel.CITY).sort(byCode);
  const counties = cities.flatMap((city) =>
    catalog
      .childrenOf(city.code)
      .filter((r) => r.level === RegionLevel.COUNTY)
      .sort(byCode)
      .map((county) => ({ city, county })),
  );
  const countyNameCount = new Map<string, number>();
  for (const { county } of counties) countyNameCount.set(county.name, (countyNameCount.get(county.name) ?? 0) + 1);

  for (const city of cities) {
    units.push({
      code: city.code,
      name: `${city.name}${BUREAU}`,
      level: UnitLevel.CITY,
      parentCode: province.code,
      path: `${provincePath}${city.code}/`,
      regionCode: city.code,
      jurisdiction: [city.code],
    });
  }
  for (const { city, county } of counties) {
    const ambiguous = (countyNameCount.get(county.name) ?? 0) > 1;
    units.push({
      code: county.code,
      name: `${ambiguous ? city.name : ''}${county.name}${BUREAU}`,
      level: UnitLevel.COUNTY,
      parentCode: city.code,
      path: `${provincePath}${city.code}/${county.code}/`,
      regionCode: county.code,
      jurisdiction: [county.code],
    });
  }
  for (const { city, county } of counties) {
    const countyPath = `${provincePath}${city.code}/${county.code}/`;
    const towns = catalog
      .childrenOf(county.code)
      .filter((r) => r.level === RegionLevel.TOWN)
      .sort(byCode);
    if (towns.length === 0) {
      const code = stationCode(county.code, 0);
      units.push({
        code,
        name: `${townStem(county.name)}${STATION}`,
        level: UnitLevel.STATION,
        parentCode: county.code,
        path: `${countyPath}${code}/`,
        regionCode: county.code,
        jurisdiction: [county.code],
      });
      continue;
    }
    let next = 0;
    groupSizes(towns.length).forEach((size, i) => {
      const group = towns.slice(next, next + size);
      next += size;
      const code = stationCode(county.code, i);
      units.push({
        code,
        name: `${townStem(group[0].name)}${STATION}`,
        level: UnitLevel.STATION,
        parentCode: county.code,
        path: `${countyPath}${code}/`,
        regionCode: county.code,
        jurisdiction: group.map((t) => t.code),
      });
    });
  }
  return units;
}

/**
 * Index from a location code (a town, or a county that has no towns) to the code of the station whose
 * jurisdiction holds it.
 */
export function stationOfLocation(units: readonly PlannedUnit[], catalog: RegionCatalog): Map<string, string> {
  const out = new Map<string, string>();
  for (const unit of units) {
    if (unit.level !== UnitLevel.STATION) continue;
    for (const code of unit.jurisdiction) {
      out.set(code, unit.code);
      if (catalog.get(code)?.level !== RegionLevel.TOWN) {
        for (const town of catalog.childrenOf(code)) out.set(town.code, unit.code);
      }
    }
  }
  return out;
}

/** Where businesses can be seated: every town, and every county that has no towns. */
export function locations(catalog: RegionCatalog): RegionRecord[] {
  const out: RegionRecord[] = [];
  for (const county of catalog.ofLevel(RegionLevel.COUNTY)) {
    const towns = catalog.childrenOf(county.code).filter((r) => r.level === RegionLevel.TOWN);
    if (towns.length === 0) out.push(county);
    else out.push(...towns);
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
