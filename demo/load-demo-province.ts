/**
 * Loads the deterministic demo province into an empty database: regions, the bureau tree, staff
 * logins for every level and role (docs/demo-logins.md), and a register of online entities and shops.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { OnlineEntity, Shop, Unit, UnitLevel, User } from '../entities';
import { hashPassword } from '../services/access/password';
import { logger } from '../kernel/logger';
import { loadRegions, type RegionCatalog, regionCatalog } from '../services/registry/region-catalog';
import { runAsSystem } from '../services/system-actor';
import { type DemoPlan, planDemoProvince } from './plan-demo-province';

export { DEFAULT_DEMO_ENTITIES, DEMO_REFERENCE_DATE, planDemoProvince, planHash } from './plan-demo-province';
export { buildUnitTree } from '../services/access/unit-tree';

/** Password of every demo login unless the caller gives another. Demo data only. */
export const DEFAULT_DEMO_PASSWORD = 'hongdun-demo';

export interface LoadDemoProvinceOptions {
  /** seed of the generator: the same seed gives the same rows */
  seed: string;
  /** number of online entities (a full demo uses DEFAULT_DEMO_ENTITIES = 20,000); shops ≈ 2 × this */
  entities: number;
  /** password of every demo login; default DEFAULT_DEMO_PASSWORD */
  password?: string;
  /** called after each stage and chunk, e.g. for a CLI progress line */
  onProgress?: (stage: string, done: number, total: number) => void;
  /** the region catalogue; default the vendored file */
  catalog?: RegionCatalog;
}

/** Rows written by the loader (all zero when it skipped), and how long it took. */
export interface DemoSummary {
  /** true when the unit table was not empty and nothing was written */
  skipped: boolean;
  units: number;
  users: number;
  entities: number;
  shops: number;
  millis: number;
}

/** Rows per INSERT statement: ~18 columns × 1,000 rows stays well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

/** Key of the transaction-level advisory lock that keeps two loaders from racing on an empty database. */
const LOCK_KEY = 0x48_44_44_50; // "HDDP"

/**
 * Fills an empty database with the demo province for `seed`, as the system actor
 * `system:demo province loader`, in one transaction (all or nothing). Does nothing, and says so, when
 * the unit table already holds a row: a database that has units is not a fresh one.
 *
 * Bulk inserts (`em.insertMany`, 1,000 rows a statement) bypass the unit of work on purpose: this is
 * the initial load of a demo, so it writes no per-row audit entries (there would be ~60,000 of them)
 * and skips the per-row jurisdiction check, which the system actor passes anyway.
 *
 * Every demo login gets the same password hash, computed once: scrypt costs ~50 ms a hash and there
 * are ~1,650 logins. Acceptable only because these are demo accounts with a published password.
 */
export async function loadDemoProvince(em: EntityManager, options: LoadDemoProvinceOptions): Promise<DemoSummary> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const skipped = (): DemoSummary => ({ skipped: true, units: 0, users: 0, entities: 0, shops: 0, millis: Math.round(performance.now() - started) });
  return runAsSystem('demo province loader', async () => {
    const work = em.fork();
    if ((await unitCount(work)) > 0) return skipped();
    const catalog = options.catalog ?? regionCatalog();
    const plan = planDemoProvince({ seed: options.seed, entities: options.entities, catalog });
    progress('plan', 1, 1);
    const passwordHash = await hashPassword(options.password ?? DEFAULT_DEMO_PASSWORD);

    const summary = await work.transactional(async (tem) => {
      const t = tem as EntityManager;
      await t.execute('select pg_advisory_xact_lock(?)', [LOCK_KEY]);
      if ((await unitCount(t)) > 0) return null; // another loader got there first
      progress('regions', 0, 1);
      await loadRegions(t, catalog);
      progress('regions', 1, 1);
      const unitIds = await insertUnits(t, plan, progress);
      const users = await insertUsers(t, plan, unitIds, passwordHash, progress);
      const entityIds = await insertEntities(t, plan, progress);
      const shops = await insertShops(t, plan, unitIds, entityIds, progress);
      return { units: plan.units.length, users, entities: entityIds.length, shops };
    });
    if (!summary) return skipped();
    const result = { skipped: false, ...summary, millis: Math.round(performance.now() - started) };
    logger.info({ seed: options.seed, ...result }, 'loaded the demo province');
    return result;
  });
}

async function unitCount(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ n: number }[]>('select count(*)::int as n from unit');
  return Number(row.n);
}

/**
 * Ids of just-inserted rows by a unique key. (`em.insertMany` with plain objects returns only the first
 * id, and relying on RETURNING order is undocumented, so the ids are read back by key.)
 */
async function idsByKey(em: EntityManager, table: 'unit' | 'online_entity', key: 'code' | 'uscc', values: readonly string[]): Promise<Map<string, number>> {
  const rows = await em.execute<Record<string, string | number>[]>(
    `select id, ${key} as key from ${table} where ${key} in (${values.map(() => '?').join(', ')})`,
    [...values],
  );
  const out = new Map(rows.map((r) => [String(r.key), Number(r.id)]));
  const missing = values.find((v) => !out.has(v));
  if (missing !== undefined) throw new Error(`${table} ${missing} was not inserted`);
  return out;
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Inserts units level by level, so each parent's id is known before its children; returns code → id. */
async function insertUnits(em: EntityManager, plan: DemoPlan, progress: (s: string, d: number, t: number) => void): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let done = 0;
  for (const level of [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.STATION]) {
    const planned = plan.units.filter((u) => u.level === level);
    for (const chunk of chunks(planned)) {
      const rows = chunk.map((u) => {
        const parent = u.parentCode === null ? null : ids.get(u.parentCode);
        if (parent === undefined) throw new Error(`unit ${u.code}: parent ${u.parentCode} was not inserted`);
        return { code: u.code, name: u.name, level: u.level, parent, path: u.path, regionCode: u.regionCode, jurisdiction: u.jurisdiction };
      });
      await em.insertMany(Unit, rows);
      for (const [code, id] of await idsByKey(em, 'unit', 'code', chunk.map((u) => u.code))) ids.set(code, id);
      done += chunk.length;
      progress('units', done, plan.units.length);
    }
  }
  return ids;
}

async function insertUsers(
  em: EntityManager,
  plan: DemoPlan,
  unitIds: ReadonlyMap<string, number>,
  passwordHash: string,
  progress: (s: string, d: number, t: number) => void,
): Promise<number> {
  let done = 0;
  for (const chunk of chunks(plan.users)) {
    await em.insertMany(
      User,
      chunk.map((u) => ({ username: u.username, displayName: u.displayName, passwordHash, unit: unitIds.get(u.unitCode)!, role: u.role })),
    );
    done += chunk.length;
    progress('users', done, plan.users.length);
  }
  return done;
}

/** Returns the id of each planned entity, by index. */
async function insertEntities(em: EntityManager, plan: DemoPlan, progress: (s: string, d: number, t: number) => void): Promise<number[]> {
  const ids: number[] = [];
  for (const chunk of chunks(plan.entities)) {
    await em.insertMany(OnlineEntity, chunk.map((e) => ({ ...e })));
    const byUscc = await idsByKey(em, 'online_entity', 'uscc', chunk.map((e) => e.uscc));
    for (const e of chunk) ids.push(byUscc.get(e.uscc)!);
    progress('entities', ids.length, plan.entities.length);
  }
  return ids;
}

async function insertShops(
  em: EntityManager,
  plan: DemoPlan,
  unitIds: ReadonlyMap<string, number>,
  entityIds: readonly number[],
  progress: (s: string, d: number, t: number) => void,
): Promise<number> {
  let done = 0;
  for (const chunk of chunks(plan.shops)) {
    await em.insertMany(
      Shop,
      chunk.map(({ entityIndex, responsibleUnitCode, ...s }) => ({
        ...s,
        entity: entityIndex === null ? null : entityIds[entityIndex],
        responsibleUnit: unitIds.get(responsibleUnitCode)!,
      })),
    );
    done += chunk.length;
    progress('shops', done, plan.shops.length);
  }
  return done;
}
