import { RegionLevel } from '../../../entities';
import type { RegionCatalog, RegionRecord } from '../region-catalog';
import type { RegisterColumns } from './register-columns';

/**
 * Where a row of a register file gets its region from. Registration exports (经济户口) often carry no
 * division code, so per file, in this order of preference:
 *   1. a region code column (行政区划代码 …): the code, as before;
 *   2. a region name column (所属区域 …): a name resolved against the region catalog;
 *   3. a registration-authority column (登记机关): its place name (济南市历下区市场监督管理局 → 济南市历下区),
 *      resolved to a county or city; with a name column too, it stands in for empty name cells;
 *   4. none of these: the USCC's characters 3–8, the division code of the authority that issued it.
 * A file with a code column is read exactly as before: an empty code cell is a row error, never a
 * fallback. Whatever the source, the caller checks the result against the actor's jurisdiction.
 */
export type RegionSource = 'code' | 'name' | 'authority' | 'uscc';

/** A row's region: the catalog code, where it came from, and the column and text it was read from. */
export interface RegionFound {
  code: string;
  source: RegionSource;
  col: number;
  raw: string;
}

/** Why a row has no region, against the column to blame. */
export interface RegionProblem {
  col: number;
  reason: string;
}

/**
 * A region code as the catalog writes it: statistical codes come 12 digits long (370102001000) and
 * GB/T 2260 pads cities and the province to 6 (370100, 370000); the catalog drops the padding
 * (370102001, 3701, 37).
 */
export function canonicalRegionCode(raw: string): string {
  let code = raw.normalize('NFKC').replace(/\s+/g, '').replace(/^'/, '');
  if (!/^\d+$/.test(code)) return code;
  if (code.length === 12 && code.endsWith('000')) code = code.slice(0, 9);
  if (code.length === 9 && code.endsWith('000')) code = code.slice(0, 6);
  if (code.length === 6 && code.endsWith('00')) code = code.slice(0, 4);
  if (code.length === 4 && code.endsWith('00')) code = code.slice(0, 2);
  return code;
}

/** Text of a place name for lookup: NFKC (full-width → half-width), no whitespace. */
function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/**
 * Every name a region answers to, from the catalog, built once per catalog: the chain of names below the
 * province ending at the region, from each starting level. 解放路街道 of 历下区 answers to
 * 济南市历下区解放路街道, 历下区解放路街道 and 解放路街道; 历下区 to 济南市历下区 and 历下区. A leading
 * province name is dropped from the text looked up, so 山东省济南市历下区 finds 历下区 too. A name that
 * several regions answer to (市中区: 济南 and 枣庄) keeps them all, for the ambiguity error.
 */
export class RegionNameIndex {
  /** the province the catalog holds (Shandong) */
  readonly province: RegionRecord | undefined;
  private readonly byName = new Map<string, RegionRecord[]>();

  constructor(readonly catalog: RegionCatalog) {
    const roots = catalog.childrenOf(null);
    this.province = roots.length === 1 ? roots[0] : undefined;
    const walk = (region: RegionRecord, above: string[]) => {
      const chain = [...above, compact(region.name)];
      for (let i = 0; i < chain.length; i++) this.add(chain.slice(i).join(''), region);
      for (const child of catalog.childrenOf(region.code)) walk(child, chain);
    };
    for (const root of roots) for (const child of catalog.childrenOf(root.code)) walk(child, []);
  }

  private add(name: string, region: RegionRecord): void {
    const list = this.byName.get(name);
    if (!list) this.byName.set(name, [region]);
    else if (!list.includes(region)) list.push(region);
  }

  /** The text of a name cell as it is looked up: compacted, a leading province name dropped. */
  key(text: string): string {
    const name = compact(text);
    const province = this.province && compact(this.province.name);
    return province && name.startsWith(province) ? name.slice(province.length) : name;
  }

  /** The regions a (keyed) name denotes: none, one, or several when it is ambiguous. */
  lookup(key: string): readonly RegionRecord[] {
    return this.byName.get(key) ?? [];
  }

  /** The longest start of `key` that names exactly one region (for the hint of an unknown name). */
  knownStart(key: string): RegionRecord | undefined {
    const chars = [...key];
    for (let n = chars.length - 1; n >= 2; n--) {
      const found = this.lookup(chars.slice(0, n).join(''));
      if (found.length === 1) return found[0];
    }
    return undefined;
  }
}

const indexes = new WeakMap<RegionCatalog, RegionNameIndex>();

/** The name index of a catalog, built on first use (a few thousand map entries) and kept with it. */
export function regionNameIndex(catalog: RegionCatalog): RegionNameIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = new RegionNameIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}

/**
 * The endings of a registration authority's name after its place name: 济南市历下区市场监督管理局,
 * 历下区市场监管局, 济南市工商行政管理局, 济南市历下区行政审批服务局. The place is what stands before the
 * first of them, so a sub-unit written after the bureau (…市场监督管理局历下分局, …市场监督管理所)
 * leaves the bureau's own place.
 */
const AUTHORITY_ENDING = /市场和质量监督管理局|市场监督管理局|市场监管局|工商行政管理局|工商局|行政审批服务局/;

/** A cell value inside a message: quoted, and cut short when long. */
export function quote(value: string): string {
  const chars = [...value];
  return `"${chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value}"`;
}

/**
 * Finds each row's region for one import. Made once per file: the column choice is settled from the
 * header and the name index is shared, so a row costs a few map lookups.
 */
export class RegionResolver {
  /** where rows take their region from ('name': the name column, with the authority column for empty name cells) */
  readonly source: RegionSource;
  /** rows whose region came from each source (for the file-level warning) */
  private readonly used: Record<RegionSource, number> = { code: 0, name: 0, authority: 0, uscc: 0 };
  private readonly names: RegionNameIndex;

  constructor(
    private readonly catalog: RegionCatalog,
    private readonly columns: RegisterColumns,
  ) {
    this.names = regionNameIndex(catalog);
    const { index } = columns;
    this.source = index.regionCode !== undefined ? 'code' : index.regionName !== undefined ? 'name' : index.registrationAuthority !== undefined ? 'authority' : 'uscc';
  }

  /**
   * The region of a row, or why it has none. `uscc` is the row's valid USCC (undefined when it is
   * invalid: the USCC error is then the row's error, and nothing is derived from it).
   */
  resolve(cells: string[], lossy: number[] | undefined, uscc: string | undefined): RegionFound | RegionProblem | undefined {
    const { index, header } = this.columns;
    const at = (col: number) => ({ raw: cells[col] ?? '', lossy: lossy?.includes(col) ?? false });
    let result: RegionFound | RegionProblem | undefined;
    if (this.source === 'code') {
      const col = index.regionCode!;
      const { raw, lossy: wasLossy } = at(col);
      result = this.fromCode(col, raw, wasLossy, 'code');
    } else if (this.source === 'name' || this.source === 'authority') {
      const nameCol = index.regionName;
      const authorityCol = index.registrationAuthority;
      const name = nameCol === undefined ? undefined : at(nameCol);
      const authority = authorityCol === undefined ? undefined : at(authorityCol);
      if (name && name.raw !== '') result = this.fromName(nameCol!, name.raw, name.lossy);
      else if (authority && authority.raw !== '') result = this.fromAuthority(authorityCol!, authority.raw);
      else {
        const empty = [nameCol, authorityCol].filter((c) => c !== undefined).map((c) => `"${header[c]}"`);
        result = {
          col: nameCol ?? authorityCol!,
          reason: `required: the cell is empty (the file has no region code column, so each row needs its region in ${empty.join(' or ')})`,
        };
      }
    } else if (uscc !== undefined) {
      result = this.fromUscc(index.uscc!, uscc);
    }
    if (result && 'code' in result) this.used[result.source]++;
    return result;
  }

  /** The one file-level warning that names where regions came from, when that was not a code column. */
  warning(): string | undefined {
    const { index, header } = this.columns;
    switch (this.source) {
      case 'code':
        return undefined;
      case 'name': {
        const base = `no region code column: regions were taken from ${header[index.regionName!]} names`;
        const byAuthority = this.used.authority;
        if (index.registrationAuthority === undefined) return base;
        const authority = header[index.registrationAuthority];
        return byAuthority === 0
          ? `${base} (${authority} is used where ${header[index.regionName!]} is empty; no row needed it)`
          : `${base}, and from ${authority} (the registration authority) in ${byAuthority} row${byAuthority > 1 ? 's' : ''} where ${header[index.regionName!]} was empty`;
      }
      case 'authority':
        return `no region code column: regions were taken from ${header[index.registrationAuthority!]} (the county or city of the registration authority)`;
      case 'uscc':
        return "no region code column: regions were derived from the USCC's division code (characters 3–8, the county of the authority that issued it); the file has no region name or registration authority (登记机关) column either";
    }
  }

  /** A division code, as the code column reads it (a name column holding digits reads the same way). */
  private fromCode(col: number, raw: string, lossy: boolean, source: RegionSource): RegionFound | RegionProblem {
    const region = canonicalRegionCode(raw);
    if (region === '') return { col, reason: 'required: the cell is empty' };
    if (lossy || !/^\d+$/.test(region)) return { col, reason: `${quote(raw)} is not a division code (digits, e.g. 370102)` };
    if (!this.catalog.get(region)) {
      const town = region.length === 12 && this.catalog.get(region.slice(0, 9));
      return {
        col,
        reason: town
          ? `${quote(raw)} is a village-level code: give the town/street code ${region.slice(0, 9)} (${this.catalog.fullName(region.slice(0, 9))})`
          : `${quote(raw)} is not a Shandong division code`,
      };
    }
    return { code: region, source, col, raw };
  }

  /** A place name: full (山东省济南市历下区解放路街道), without the province (济南市历下区), or bare when unique (历下区). */
  private fromName(col: number, raw: string, lossy: boolean): RegionFound | RegionProblem {
    if (/^'?\d+$/.test(compact(raw))) return this.fromCode(col, raw, lossy, 'name'); // a code in a name column
    const key = this.names.key(raw);
    if (key === '' && this.names.province) return { code: this.names.province.code, source: 'name', col, raw };
    const found = this.names.lookup(key);
    if (found.length === 1) return { code: found[0].code, source: 'name', col, raw };
    if (found.length > 1) return { col, reason: this.ambiguous(raw, found) };
    const start = this.names.knownStart(key);
    const hint = start ? ` (it starts with ${this.catalog.fullName(start.code)}, ${start.code}: give that name, or the code)` : '';
    return { col, reason: `${quote(raw)} is not the name of a Shandong city, county or town${hint}` };
  }

  /** A registration authority: its place name, which must be a county or a city. */
  private fromAuthority(col: number, raw: string): RegionFound | RegionProblem {
    const text = compact(raw);
    const ending = AUTHORITY_ENDING.exec(text);
    const place = this.names.key(ending ? text.slice(0, ending.index) : text);
    if (place === '') {
      const province = this.names.province && text.startsWith(compact(this.names.province.name));
      return {
        col,
        reason: province
          ? `${quote(raw)} is the province's authority: it does not tell the county or city; add a region column (行政区划代码 or 所属区域)`
          : `${quote(raw)} names no place before the authority's name`,
      };
    }
    const found = this.names.lookup(place).filter((r) => r.level === RegionLevel.COUNTY || r.level === RegionLevel.CITY);
    if (found.length === 1) return { code: found[0].code, source: 'authority', col, raw };
    if (found.length > 1) return { col, reason: this.ambiguous(raw, found) };
    return { col, reason: `${quote(raw)} is not the registration authority of a Shandong county or city (read "${place}" as its place)` };
  }

  /** The county (or city) of the USCC's characters 3–8: the division code of the authority that issued it. */
  private fromUscc(col: number, uscc: string): RegionFound | RegionProblem {
    const division = uscc.slice(2, 8);
    const province = this.names.province?.code ?? '37';
    if (!division.startsWith(province)) return { col, reason: `no region given and the USCC's division code ${division} is not in Shandong` };
    const code = canonicalRegionCode(division);
    const region = this.catalog.get(code);
    if (!region || region.level === RegionLevel.TOWN) {
      return {
        col,
        reason:
          `no region given and the USCC's division code ${division} is no Shandong county or city of the division catalog ` +
          '(the code may predate a boundary change): add a region column (行政区划代码, 所属区域 or 登记机关)',
      };
    }
    return { code, source: 'uscc', col, raw: uscc };
  }

  /** The row error for a name several regions answer to: every candidate by its full name and code. */
  private ambiguous(raw: string, found: readonly RegionRecord[]): string {
    const names = found.map((r) => `${this.catalog.fullName(r.code)} (${r.code})`);
    const list = names.length === 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    const example = this.catalog.ancestry(found[0].code).filter((r) => r.level !== RegionLevel.PROVINCE).map((r) => r.name).join('');
    const above = found[0].level === RegionLevel.TOWN ? 'city and county' : 'city';
    return `${quote(raw)} is ambiguous: it may be ${list}; write the ${above} too (e.g. ${example}) or give the code`;
  }
}
