import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilingStatus, inJurisdiction, RegionLevel, Role, ShopClassification, UnitLevel } from '../entities';
import { verifyPassword } from '../services/access/password';
import {
  buildUnitTree,
  DEFAULT_DEMO_PASSWORD,
  DEMO_REFERENCE_DATE,
  loadDemoProvince,
  planDemoProvince,
  planHash,
} from '../demo/load-demo-province';
import { demoUsernames, type DemoPlan } from '../demo/plan-demo-province';
import { groupSizes, townStem } from '../services/access/unit-tree';
import { regionCatalog } from '../services/registry/region-catalog';
import { isValidUscc } from '../services/registry/uscc';
import { BACKEND, openTestDatabase, type TestDatabase } from './support/database';

const catalog = regionCatalog();
const SEED = 'test-seed';
const ENTITIES = 300;

describe('buildUnitTree', () => {
  const units = buildUnitTree(catalog);
  const byLevel = (level: UnitLevel) => units.filter((u) => u.level === level);
  const stations = byLevel(UnitLevel.STATION);

  it('has the province bureau, 16 city bureaus and 151 county bureaus', () => {
    expect(byLevel(UnitLevel.PROVINCE)).toEqual([
      { code: '37', name: '山东省市场监督管理局', level: UnitLevel.PROVINCE, parentCode: null, path: '/37/', regionCode: '37', jurisdiction: ['37'] },
    ]);
    expect(byLevel(UnitLevel.CITY)).toHaveLength(16);
    expect(byLevel(UnitLevel.COUNTY)).toHaveLength(151);
    expect(units.find((u) => u.code === '3701')).toMatchObject({ name: '济南市市场监督管理局', parentCode: '37', path: '/37/3701/', jurisdiction: ['3701'] });
    expect(units.find((u) => u.code === '370102')).toMatchObject({ name: '历下区市场监督管理局', parentCode: '3701', path: '/37/3701/370102/', jurisdiction: ['370102'] });
  });

  it('names the first station of 历下区 after 解放路街道 and seats it in the county', () => {
    expect(units.find((u) => u.code === '370102-S01')).toMatchObject({
      name: '解放路市场监管所',
      level: UnitLevel.STATION,
      parentCode: '370102',
      path: '/37/3701/370102/370102-S01/',
      regionCode: '370102',
    });
  });

  it('gives every county at least one station, coded <county>-S<nn>', () => {
    for (const county of byLevel(UnitLevel.COUNTY)) {
      const own = stations.filter((s) => s.parentCode === county.code);
      expect(own.length, county.code).toBeGreaterThanOrEqual(1);
      own.forEach((s, i) => expect(s.code).toBe(`${county.code}-S${String(i + 1).padStart(2, '0')}`));
    }
  });

  it('puts every town in exactly one station, of its own county', () => {
    const holders = new Map<string, string[]>();
    for (const s of stations) {
      for (const code of s.jurisdiction) holders.set(code, [...(holders.get(code) ?? []), s.code]);
    }
    const towns = catalog.ofLevel(RegionLevel.TOWN);
    expect(towns.length).toBe(1853);
    for (const town of towns) {
      expect(holders.get(town.code), town.code).toHaveLength(1);
      expect(holders.get(town.code)![0].startsWith(`${town.parent}-S`)).toBe(true);
    }
    expect([...holders.keys()].every((code) => catalog.get(code)?.level === RegionLevel.TOWN)).toBe(true);
  });

  it('builds each path from the parent path', () => {
    const byCode = new Map(units.map((u) => [u.code, u]));
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
    for (const u of units) {
      const parentPath = u.parentCode ? byCode.get(u.parentCode)!.path : '/';
      expect(u.path).toBe(`${parentPath}${u.code}/`);
    }
  });

  it('groups about four consecutive towns per station', () => {
    expect(groupSizes(1)).toEqual([1]);
    expect(groupSizes(5)).toEqual([5]);
    expect(groupSizes(6)).toEqual([3, 3]);
    expect(groupSizes(13)).toEqual([5, 4, 4]);
    expect(townStem('解放路街道')).toBe('解放路');
    expect(townStem('柳埠镇')).toBe('柳埠');
    expect(townStem('开发区办事处')).toBe('开发区');
    expect(townStem('青岛高新技术产业开发区')).toBe('青岛高新技术产业开发区');
  });
});

describe('planDemoProvince', () => {
  const plan = planDemoProvince({ seed: SEED, entities: ENTITIES, catalog });

  it('is deterministic: same seed, same rows; another seed, other rows', () => {
    const again = planDemoProvince({ seed: SEED, entities: ENTITIES, catalog });
    expect(planHash(again)).toBe(planHash(plan));
    expect(planHash(planDemoProvince({ seed: `${SEED}-2`, entities: ENTITIES, catalog }))).not.toBe(planHash(plan));
  });

  it('makes valid, unique USCCs coded with the county of each entity', () => {
    expect(plan.entities).toHaveLength(ENTITIES);
    const usccs = plan.entities.map((e) => e.uscc);
    expect(new Set(usccs).size).toBe(ENTITIES);
    for (const e of plan.entities) {
      expect(isValidUscc(e.uscc), e.uscc).toBe(true);
      expect(e.uscc.slice(2, 8)).toBe(e.regionCode.slice(0, 6));
      expect(e.address.startsWith(catalog.fullName(e.regionCode.slice(0, 6)))).toBe(true);
    }
    expect(new Set(plan.entities.map((e) => e.name)).size).toBe(ENTITIES);
  });

  it('makes about two shops per entity, about 5 % of them unlinked', () => {
    expect(plan.shops.length).toBeGreaterThan(ENTITIES * 1.7);
    expect(plan.shops.length).toBeLessThan(ENTITIES * 2.3);
    const unlinked = plan.shops.filter((s) => s.entityIndex === null);
    expect(unlinked.length).toBe(Math.round(ENTITIES * 0.1));
    expect(unlinked.every((s) => s.filingStatus === FilingStatus.UNFILED)).toBe(true);
    expect(plan.shops.filter((s) => s.classification === ShopClassification.PLATFORM_MERCHANT).length / plan.shops.length).toBeGreaterThan(0.8);
  });

  it('gives every shop the station whose jurisdiction holds its region', () => {
    const units = new Map(plan.units.map((u) => [u.code, u]));
    for (const s of plan.shops) {
      const unit = units.get(s.responsibleUnitCode)!;
      expect(unit.level).toBe(UnitLevel.STATION);
      expect(inJurisdiction(s.regionCode, unit.jurisdiction), `${s.url} ${s.regionCode}`).toBe(true);
      if (s.entityIndex !== null) expect(s.regionCode).toBe(plan.entities[s.entityIndex].regionCode);
    }
  });

  it('makes unique URLs on reserved .example hosts only, and dates in order before the reference date', () => {
    expect(new Set(plan.shops.map((s) => s.url)).size).toBe(plan.shops.length);
    for (const s of plan.shops) {
      const host = new URL(s.url).hostname;
      expect(host.endsWith('.example'), s.url).toBe(true);
      expect(host.replace(/^www\./, '')).toBe(s.domain);
      expect(s.discoveredAt.getTime()).toBeLessThan(DEMO_REFERENCE_DATE.getTime());
      if (s.filingStatus === FilingStatus.FILED) {
        expect(s.filedAt!.getTime()).toBeGreaterThan(s.discoveredAt.getTime());
        expect(s.filedAt!.getTime()).toBeLessThan(DEMO_REFERENCE_DATE.getTime());
        expect(s.filedAt!.getUTCFullYear()).toBeGreaterThanOrEqual(2024);
      } else {
        expect(s.filedAt).toBeNull();
      }
      if (s.lastMaintainedAt) expect(s.lastMaintainedAt.getTime()).toBeGreaterThan(s.filedAt!.getTime());
      if (s.classification === ShopClassification.PLATFORM_MERCHANT) {
        expect(s.platformShopId).toBeTruthy();
        expect(s.icpNumber).toBeNull();
      } else {
        expect(s.icpNumber).toMatch(/^鲁ICP备20\d{8}号-\d+$/);
      }
    }
  });

  it('plans a login for every level and role', () => {
    const names = new Set(plan.users.map((u) => u.username));
    expect(names.size).toBe(plan.users.length);
    for (const n of ['sd-admin', 'sd-leader', 'sd-analyst', 'sd-inspector', 'c3701-leader', 'c3702-admin', 'x370102-inspector', 'x370102-analyst', '370102-s01-inspector', '370102-s01-leader']) {
      expect(names.has(n), n).toBe(true);
    }
    expect(plan.users.every((u) => /^[\u4e00-\u9fa5]{2,3}$/u.test(u.displayName))).toBe(true);
  });
});

describe(`loadDemoProvince (${BACKEND})`, () => {
  let db: TestDatabase;
  let em: EntityManager;
  let plan: DemoPlan;
  let firstSummary: Awaited<ReturnType<typeof loadDemoProvince>>;
  const stages = new Set<string>();

  beforeAll(async () => {
    db = await openTestDatabase();
    em = db.orm.em.fork() as EntityManager;
    plan = planDemoProvince({ seed: SEED, entities: ENTITIES, catalog });
    firstSummary = await loadDemoProvince(em, { seed: SEED, entities: ENTITIES, onProgress: (stage) => stages.add(stage) });
  });

  afterAll(async () => {
    await db?.close();
  });

  const count = async (sql: string) => Number((await em.execute<{ n: number }[]>(sql))[0].n);

  it('writes the planned rows and reports them', async () => {
    expect(firstSummary).toMatchObject({ skipped: false, units: plan.units.length, users: plan.users.length, entities: ENTITIES, shops: plan.shops.length });
    expect(firstSummary.millis).toBeGreaterThan(0);
    expect(await count('select count(*) as n from region')).toBe(2021);
    expect(await count('select count(*) as n from unit')).toBe(plan.units.length);
    expect(await count('select count(*) as n from app_user')).toBe(plan.users.length);
    expect(await count('select count(*) as n from online_entity')).toBe(ENTITIES);
    expect(await count('select count(*) as n from shop')).toBe(plan.shops.length);
    expect(await count('select count(*) as n from audit_entry')).toBe(0);
    expect([...stages]).toEqual(['plan', 'regions', 'units', 'users', 'entities', 'shops']);
  });

  it('skips when units exist, writing nothing twice', async () => {
    const again = await loadDemoProvince(em, { seed: SEED, entities: ENTITIES });
    expect(again).toMatchObject({ skipped: true, units: 0, users: 0, entities: 0, shops: 0 });
    const other = await loadDemoProvince(em, { seed: 'another seed', entities: 10 });
    expect(other.skipped).toBe(true);
    expect(await count('select count(*) as n from unit')).toBe(plan.units.length);
    expect(await count('select count(*) as n from online_entity')).toBe(ENTITIES);
    expect(await count('select count(*) as n from shop')).toBe(plan.shops.length);
    expect(await count('select count(*) as n from region')).toBe(2021);
  });

  it('links each unit to its parent', async () => {
    expect(
      await count(`select count(*) as n from unit c left join unit p on p.id = c.parent_id
        where (c.parent_id is null) <> (c.level = 'province') or (p.id is not null and c.path <> p.path || c.code || '/')`),
    ).toBe(0);
    expect(await count(`select count(*) as n from unit where level = 'station' and path = '/37/3701/370102/370102-S01/' and jurisdiction @> array['370102001']`)).toBe(1);
  });

  it('gives every shop a responsible station whose jurisdiction holds its region, and its entity', async () => {
    expect(
      await count(`select count(*) as n from shop s left join unit u on u.id = s.responsible_unit_id
        where u.id is null or u.level <> 'station' or not (s.region_code like any (select j || '%' from unnest(u.jurisdiction) j))`),
    ).toBe(0);
    expect(await count(`select count(*) as n from shop s join online_entity e on e.id = s.entity_id where e.region_code <> s.region_code`)).toBe(0);
    expect(await count(`select count(*) as n from shop where entity_id is null`)).toBe(plan.shops.filter((s) => s.entityIndex === null).length);
    expect(await count(`select count(*) as n from shop where filing_status = 'filed' and (filed_at is null or discovered_at >= filed_at)`)).toBe(0);
  });

  it('links shops to the planned entity (same USCC) and keeps dates exact', async () => {
    const rows = await em.execute<{ url: string; uscc: string | null; discovered_at: Date | string }[]>(
      'select s.url, e.uscc, s.discovered_at from shop s left join online_entity e on e.id = s.entity_id',
    );
    const byUrl = new Map(rows.map((r) => [r.url, r]));
    for (const s of plan.shops) {
      const row = byUrl.get(s.url)!;
      expect(row.uscc).toBe(s.entityIndex === null ? null : plan.entities[s.entityIndex].uscc);
      expect(new Date(row.discovered_at).getTime()).toBe(s.discoveredAt.getTime());
    }
  });

  it('creates the logins of every level and role, all with the demo password', async () => {
    const rows = await em.execute<{ level: string; role: string; n: number }[]>(
      'select u.level, a.role, count(*)::int as n from app_user a join unit u on u.id = a.unit_id group by u.level, a.role',
    );
    const got = new Map(rows.map((r) => [`${r.level}/${r.role}`, Number(r.n)]));
    const stations = plan.units.filter((u) => u.level === UnitLevel.STATION).length;
    const all = [Role.LEADER, Role.ANALYST, Role.INSPECTOR, Role.ADMIN];
    const expected: [UnitLevel, Role[], number][] = [
      [UnitLevel.PROVINCE, all, 1],
      [UnitLevel.CITY, all, 16],
      [UnitLevel.COUNTY, all, 151],
      [UnitLevel.STATION, [Role.INSPECTOR, Role.LEADER], stations],
    ];
    for (const [level, roles, n] of expected) for (const role of roles) expect(got.get(`${level}/${role}`), `${level}/${role}`).toBe(n);
    expect(got.size).toBe(14);

    const logins = await em.execute<{ username: string; role: string; code: string; password_hash: string }[]>(
      `select a.username, a.role, u.code, a.password_hash from app_user a join unit u on u.id = a.unit_id
        where a.username in ('sd-admin', 'c3701-leader', 'x370102-inspector', '370102-s01-inspector', '370102-s01-leader')`,
    );
    expect(logins.map((l) => [l.username, l.role, l.code]).sort()).toEqual(
      [
        ['370102-s01-inspector', 'inspector', '370102-S01'],
        ['370102-s01-leader', 'leader', '370102-S01'],
        ['c3701-leader', 'leader', '3701'],
        ['sd-admin', 'admin', '37'],
        ['x370102-inspector', 'inspector', '370102'],
      ].sort(),
    );
    expect(new Set(logins.map((l) => l.password_hash)).size).toBe(1);
    expect(await verifyPassword(DEFAULT_DEMO_PASSWORD, logins[0].password_hash)).toBe(true);
    expect(await verifyPassword('wrong', logins[0].password_hash)).toBe(false);
  });

  it('uses one login scheme for the docs and the loader', () => {
    expect(demoUsernames({ code: '370102-S01', level: UnitLevel.STATION }).map((u) => u.username)).toEqual(['370102-s01-inspector', '370102-s01-leader']);
  });
});
