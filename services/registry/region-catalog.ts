import type { EntityManager } from '@mikro-orm/postgresql';
import fs from 'node:fs';
import path from 'node:path';
import { Region, RegionLevel } from '../../entities';

export interface RegionRecord {
  code: string;
  name: string;
  level: RegionLevel;
  parent: string | null;
}

/** Path of the vendored division file (see data/README.md for its source and licence). */
export const REGIONS_FILE = path.resolve(__dirname, '../../', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '', 'data/regions-shandong.json');

/**
 * Shandong's administrative divisions, held in memory: they are small (2,021 rows), read on every
 * request and never change at run time. Loaded from the vendored file; the database table holds the
 * same rows so foreign keys and SQL can use them.
 */
export class RegionCatalog {
  readonly byCode = new Map<string, RegionRecord>();
  readonly children = new Map<string | null, RegionRecord[]>();

  constructor(records: RegionRecord[]) {
    for (const r of records) {
      this.byCode.set(r.code, r);
      const list = this.children.get(r.parent) ?? [];
      list.push(r);
      this.children.set(r.parent, list);
    }
  }

  static fromFile(file = REGIONS_FILE): RegionCatalog {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { regions: RegionRecord[] };
    return new RegionCatalog(json.regions);
  }

  get(code: string): RegionRecord | undefined {
    return this.byCode.get(code);
  }

  childrenOf(code: string | null): RegionRecord[] {
    return this.children.get(code) ?? [];
  }

  ofLevel(level: RegionLevel): RegionRecord[] {
    return [...this.byCode.values()].filter((r) => r.level === level);
  }

  /** The chain from the province down to `code`, inclusive. */
  ancestry(code: string): RegionRecord[] {
    const out: RegionRecord[] = [];
    for (let r = this.get(code); r; r = r.parent ? this.get(r.parent) : undefined) out.unshift(r);
    return out;
  }

  /** Full name, e.g. 山东省济南市历下区解放路街道. */
  fullName(code: string): string {
    return this.ancestry(code).map((r) => r.name).join('');
  }
}

let shared: RegionCatalog | undefined;

/** The process-wide catalog of the vendored file. */
export function regionCatalog(): RegionCatalog {
  shared ??= RegionCatalog.fromFile();
  return shared;
}

/** Writes the regions into an empty region table (idempotent). */
export async function loadRegions(em: EntityManager, catalog = regionCatalog()): Promise<number> {
  const existing = await em.count(Region, {});
  if (existing > 0) return 0;
  const rows = [...catalog.byCode.values()].map((r) => ({ code: r.code, name: r.name, level: r.level, parentCode: r.parent }));
  await em.insertMany(Region, rows);
  return rows.length;
}
