import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnlineEntity, RegistrationStatus, Shop, ShopEvent, AuditEntry, FilingStatus, Unit } from '../entities';
import { queryCounter } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
let admin: string;

const asSystem = <T>(fn: (em: ReturnType<TestPlatform['orm']['em']['fork']>) => Promise<T>) => runAsSystem('test', () => fn(p.orm.em.fork()));

beforeAll(async () => {
  p = await startTestPlatform({ entities: 500 });
  admin = await p.login('sd-admin');
});
afterAll(async () => {
  await p?.shutdown();
});

const SHOP_PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $filter: ShopFilter, $orderBy: ShopOrder) {
  shops(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}`;

async function walk(filter: Record<string, unknown>, pageSize: number, token = admin) {
  const ids: number[] = [];
  let after: string | null = null;
  let total = -1;
  for (let guard = 0; guard < 1000; guard++) {
    const r: { data?: any; errors?: unknown } = await p.gql(SHOP_PAGE, { first: pageSize, after, filter }, token);
    expect(r.errors).toBeUndefined();
    const page: any = r.data.shops;
    total = page.totalCount;
    ids.push(...page.edges.map((e: any) => Number(e.node.id)));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ids, total };
}

describe('cursor pagination', () => {
  it('walks every shop of a city exactly once, in id order, with a true totalCount', async () => {
    const expected = await asSystem((em) => em.find(Shop, { regionCode: { $like: '3702%' } }, { orderBy: { id: 'asc' }, fields: ['id'] }));
    expect(expected.length).toBeGreaterThan(40);
    const { ids, total } = await walk({ regionCode: '3702' }, 17);
    expect(total).toBe(expected.length);
    expect(ids).toEqual(expected.map((s) => s.id));
  });

  it('pages backwards with last/before to the same rows', async () => {
    const first = await p.gql(SHOP_PAGE, { first: 10, filter: { regionCode: '3701' } }, admin);
    const second = await p.gql(SHOP_PAGE, { first: 10, after: first.data.shops.pageInfo.endCursor, filter: { regionCode: '3701' } }, admin);
    expect(second.data.shops.pageInfo.hasPreviousPage).toBe(true);
    const back = await p.gql(SHOP_PAGE, { last: 10, before: second.data.shops.pageInfo.startCursor, filter: { regionCode: '3701' } }, admin);
    expect(back.errors).toBeUndefined();
    expect(back.data.shops.edges.map((e: any) => e.node.id)).toEqual(first.data.shops.edges.map((e: any) => e.node.id));
  });

  it('sorts by name descending like the database does, ties broken by id', async () => {
    const r = await p.gql(SHOP_PAGE, { first: 50, filter: { regionCode: '3703' }, orderBy: { field: 'NAME', direction: 'DESC' } }, admin);
    const expected = await asSystem((em) =>
      em.find(Shop, { regionCode: { $like: '3703%' } }, { orderBy: [{ name: 'desc' }, { id: 'desc' }], limit: 50, fields: ['id'] }),
    );
    expect(r.data.shops.edges.map((e: any) => Number(e.node.id))).toEqual(expected.map((s) => s.id));
  });

  it('refuses a page larger than 100, a broken cursor, and first with last', async () => {
    const big = await p.gql(SHOP_PAGE, { first: 101 }, admin);
    expect(big.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const broken = await p.gql(SHOP_PAGE, { first: 5, after: 'not-a-cursor' }, admin);
    expect(broken.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const both = await p.gql(SHOP_PAGE, { first: 5, last: 5 }, admin);
    expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('filters agree with an independent count in SQL', () => {
  const sqlCount = (where: string, params: unknown[] = []) =>
    asSystem(async (em) => Number((await em.getConnection().execute(`select count(*) as n from shop s where ${where}`, params))[0].n));

  const cases: [string, Record<string, unknown>, string, unknown[]][] = [
    ['region subtree', { regionCode: '3701' }, `s.region_code like '3701%'`, []],
    ['classification', { classification: ['OWN_SITE_TRADING', 'OWN_SITE_NON_TRADING'] }, `s.classification in ('own_site_trading','own_site_non_trading')`, []],
    ['filing status', { filingStatus: ['UNFILED'] }, `s.filing_status = 'unfiled'`, []],
    ['maintenance status', { maintenanceStatus: ['LINK_DEAD'] }, `s.maintenance_status = 'link_dead'`, []],
    ['platform', { platform: '淘宝' }, `s.platform = '淘宝'`, []],
    ['not linked', { linked: false }, `s.entity_id is null`, []],
    ['linked, in a city', { linked: true, regionCode: '3706' }, `s.entity_id is not null and s.region_code like '3706%'`, []],
    ['text in the name', { search: '食品' }, `(s.name ilike '%食品%' or s.domain ilike '%食品%' or s.url ilike '%食品%')`, []],
  ];
  for (const [name, filter, where, params] of cases) {
    it(name, async () => {
      const expected = await sqlCount(where, params);
      const r = await p.gql(`query($f: ShopFilter) { shops(first: 1, filter: $f) { totalCount } }`, { f: filter }, admin);
      expect(r.errors).toBeUndefined();
      expect(r.data.shops.totalCount).toBe(expected);
    });
  }

  it('a responsible unit filter takes the unit subtree; an entity filter its shops; USCC search finds the linked shops', async () => {
    const { station, county, entity } = await asSystem(async (em) => {
      const station = await em.findOneOrFail(Unit, { code: { $like: '370102-S%' } }, { orderBy: { code: 'asc' } });
      const county = await em.findOneOrFail(Unit, { code: '370102' });
      const entity = (await em.find(Shop, { entity: { $ne: null } }, { limit: 1, populate: ['entity'] }))[0].entity!.getEntity();
      return { station, county, entity };
    });
    const stationCount = await sqlCount(`s.responsible_unit_id = ?`, [station.id]);
    const countyCount = await sqlCount(`s.responsible_unit_id in (select id from unit where path like ?)`, [`${county.path}%`]);
    const entityCount = await sqlCount(`s.entity_id = ?`, [entity.id]);
    const q = `query($f: ShopFilter) { shops(first: 1, filter: $f) { totalCount } }`;
    expect((await p.gql(q, { f: { unitId: String(station.id) } }, admin)).data.shops.totalCount).toBe(stationCount);
    expect((await p.gql(q, { f: { unitId: String(county.id) } }, admin)).data.shops.totalCount).toBe(countyCount);
    expect(countyCount).toBeGreaterThanOrEqual(stationCount);
    expect((await p.gql(q, { f: { entityId: String(entity.id) } }, admin)).data.shops.totalCount).toBe(entityCount);
    expect((await p.gql(q, { f: { search: entity.uscc } }, admin)).data.shops.totalCount).toBe(entityCount);
  });

  it('entities filter by status and search by name or USCC prefix', async () => {
    const revoked = await asSystem((em) => em.count(OnlineEntity, { registrationStatus: RegistrationStatus.REVOKED }));
    const r = await p.gql(`{ entities(first: 1, filter: { registrationStatus: [REVOKED] }) { totalCount } }`, {}, admin);
    expect(r.data.entities.totalCount).toBe(revoked);
    const one = await asSystem((em) => em.findOneOrFail(OnlineEntity, { id: { $gt: 0 } }, { orderBy: { id: 'asc' } }));
    const byUscc = await p.gql(`query($s: String) { entities(first: 5, filter: { search: $s }) { nodes { id uscc } } }`, { s: one.uscc.slice(0, 14) }, admin);
    expect(byUscc.data.entities.nodes.map((n: any) => n.uscc)).toContain(one.uscc);
  });

  it('an entity filter by unit takes the regions of the unit\'s jurisdiction', async () => {
    const station = await asSystem((em) => em.findOneOrFail(Unit, { code: '370102-S01' }));
    const expected = await asSystem((em) => em.count(OnlineEntity, { $or: station.jurisdiction.map((c) => ({ regionCode: { $like: `${c}%` } })) }));
    const r = await p.gql(`query($u: ID) { entities(first: 1, filter: { unitId: $u }) { totalCount } }`, { u: String(station.id) }, admin);
    expect(r.data.entities.totalCount).toBe(expected);
  });

  it('counts by region add up to the total, at every level', async () => {
    const total = (await p.gql(`{ shops(first: 0) { totalCount } }`, {}, admin)).data.shops.totalCount;
    const byCity = await p.gql(`{ shopCountsByRegion(parentCode: "37") { regionCode count } }`, {}, admin);
    expect(byCity.data.shopCountsByRegion).toHaveLength(16);
    expect(byCity.data.shopCountsByRegion.reduce((s: number, r: any) => s + r.count, 0)).toBe(total);
    const jinan = byCity.data.shopCountsByRegion.find((r: any) => r.regionCode === '3701').count;
    const byCounty = await p.gql(`{ shopCountsByRegion(parentCode: "3701") { regionCode count } }`, {}, admin);
    expect(byCounty.data.shopCountsByRegion.reduce((s: number, r: any) => s + r.count, 0)).toBe(jinan);
    const entities = await p.gql(`{ entities(first: 0) { totalCount } entityCountsByRegion { count } }`, {}, admin);
    expect(entities.data.entityCountsByRegion.reduce((s: number, r: any) => s + r.count, 0)).toBe(entities.data.entities.totalCount);
  });
});

describe('batching', () => {
  const PAGE = `query($n: Int) { shops(first: $n) { totalCount nodes { id name region { fullName } entity { id name uscc shopCount } responsibleUnit { id name } history { kind } } } }`;

  async function queriesFor(n: number) {
    const before = queryCounter.count;
    const r = await p.gql(PAGE, { n }, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.shops.nodes).toHaveLength(n);
    return queryCounter.count - before;
  }

  it('does not count the rows when totalCount is not asked for (resolver path)', async () => {
    // `history` is not planned by the compiled reads, so these run through the resolvers, whose count is a
    // statement of its own (the compiled path counts inside its one statement, only when asked: compiled-reads.test.ts)
    const withTotal = `{ shops(first: 5) { totalCount nodes { id history { kind } } } }`;
    const without = `{ shops(first: 5) { nodes { id history { kind } } } }`;
    const viaFragment = `{ shops(first: 5) { ...T nodes { id history { kind } } } } fragment T on ShopConnection { totalCount }`;
    const cost = async (q: string) => {
      const before = queryCounter.count;
      const r = await p.gql(q, {}, admin);
      expect(r.errors).toBeUndefined();
      return { queries: queryCounter.count - before, data: r.data.shops };
    };
    const a = await cost(withTotal);
    const b = await cost(without);
    const c = await cost(viaFragment);
    expect(b.queries).toBe(a.queries - 1);
    expect(c.queries).toBe(a.queries);
    expect(c.data.totalCount).toBe(a.data.totalCount);
    expect(b.data.nodes).toEqual(a.data.nodes);
  });

  it('takes explicit nulls for optional arguments', async () => {
    const r = await p.gql(`{ shops(first: 2, filter: null, orderBy: null, after: null) { totalCount } entities(first: 1, filter: null) { totalCount } shopCountsByRegion(filter: null) { count } }`, {}, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.shops.totalCount).toBeGreaterThan(0);
  });

  it('a page of 100 shops with entity, region, unit and history costs the same number of SQL queries as a page of 5', async () => {
    await queriesFor(5); // warm the session lookup path
    const small = await queriesFor(5);
    const large = await queriesFor(100);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });
});

describe('filing and maintenance', () => {
  it('files an unfiled shop to an active entity, with history and an audit entry', async () => {
    const { shop, entity } = await asSystem(async (em) => {
      const shop = await em.findOneOrFail(Shop, { filingStatus: FilingStatus.UNFILED, entity: null, regionCode: { $like: '3701%' } }, { orderBy: { id: 'asc' } });
      const entity = await em.findOneOrFail(OnlineEntity, { registrationStatus: RegistrationStatus.ACTIVE, regionCode: { $like: '3701%' } }, { orderBy: { id: 'asc' } });
      return { shop, entity };
    });
    const token = await p.login('c3701-inspector');
    const r = await p.gql(
      `mutation($i: FileShopInput!) { fileShop(input: $i) { id filingStatus filedAt entity { uscc } history { kind note actorName } } }`,
      { i: { shopId: String(shop.id), uscc: entity.uscc, note: '经核实建档' } },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.fileShop.filingStatus).toBe('FILED');
    expect(r.data.fileShop.entity.uscc).toBe(entity.uscc);
    expect(r.data.fileShop.filedAt).not.toBeNull();
    expect(r.data.fileShop.history.at(-1)).toEqual({ kind: 'FILED', note: '经核实建档', actorName: 'c3701-inspector' });
    const audit = await asSystem((em) => em.find(AuditEntry, { entityType: 'Shop', entityId: String(shop.id), operation: 'fileShop' }));
    expect(audit).toHaveLength(1);
    expect(audit[0].actorName).toBe('c3701-inspector');
    expect(audit[0].before).toMatchObject({ filingStatus: 'unfiled', entity: null });
    expect(audit[0].after).toMatchObject({ filingStatus: 'filed', entity: entity.id });

    const again = await p.gql(`mutation($i: FileShopInput!) { fileShop(input: $i) { id } }`, { i: { shopId: String(shop.id), uscc: entity.uscc } }, token);
    expect(again.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses to file a shop to a revoked business, and writes nothing', async () => {
    const { shop, entity } = await asSystem(async (em) => ({
      shop: await em.findOneOrFail(Shop, { filingStatus: FilingStatus.UNFILED }, { orderBy: { id: 'desc' } }),
      entity: await em.findOneOrFail(OnlineEntity, { registrationStatus: RegistrationStatus.REVOKED }, { orderBy: { id: 'asc' } }),
    }));
    const r = await p.gql(`mutation($i: FileShopInput!) { fileShop(input: $i) { id } }`, { i: { shopId: String(shop.id), entityId: String(entity.id) } }, admin);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/revoked/);
    const after = await asSystem((em) => em.findOneOrFail(Shop, shop.id));
    expect(after.filingStatus).toBe(FilingStatus.UNFILED);
  });

  it('records each maintenance outcome with history', async () => {
    const shop = await asSystem((em) => em.findOneOrFail(Shop, { filingStatus: FilingStatus.FILED }, { orderBy: { id: 'asc' } }));
    const m = `mutation($i: MaintainShopInput!) { maintainShop(input: $i) { maintenanceStatus lastMaintainedAt } }`;
    for (const action of ['LINK_DEAD', 'INFO_MISMATCH', 'NOT_IN_JURISDICTION', 'NORMAL']) {
      const r = await p.gql(m, { i: { shopId: String(shop.id), action, note: `检查: ${action}` } }, admin);
      expect(r.errors).toBeUndefined();
      expect(r.data.maintainShop.maintenanceStatus).toBe(action);
    }
    const events = await asSystem((em) => em.find(ShopEvent, { shop: shop.id }, { orderBy: { id: 'asc' } }));
    expect(events.slice(-4).map((e) => e.kind)).toEqual(['marked_link_dead', 'marked_info_mismatch', 'marked_not_in_jurisdiction', 'restored']);
    const empty = await p.gql(m, { i: { shopId: String(shop.id), action: 'LINK_DEAD', note: '' } }, admin);
    expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('creates and updates an entity, checking the USCC checksum and uniqueness', async () => {
    const create = `mutation($i: CreateEntityInput!) { createEntity(input: $i) { id uscc name region { fullName } } }`;
    const bad = await p.gql(create, { i: { uscc: '91370102MA3C4D5E7X', name: '测试商行', regionCode: '370102001' } }, admin);
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/check character/);
    const good = await p.gql(create, { i: { uscc: '91370102ma3c4d5e7q', name: ' 测试商行 ', regionCode: '370102001' } }, admin);
    expect(good.errors).toBeUndefined();
    expect(good.data.createEntity).toMatchObject({ uscc: '91370102MA3C4D5E7Q', name: '测试商行', region: { fullName: '山东省济南市历下区解放路街道' } });
    const dup = await p.gql(create, { i: { uscc: '91370102MA3C4D5E7Q', name: '重复', regionCode: '370102001' } }, admin);
    expect(dup.errors?.[0].message).toMatch(/already registered/);
    const upd = await p.gql(
      `mutation($id: ID!) { updateEntity(id: $id, input: { registrationStatus: CANCELLED, address: "历下区泉城路1号" }) { registrationStatus address } }`,
      { id: good.data.createEntity.id },
      admin,
    );
    expect(upd.data.updateEntity).toEqual({ registrationStatus: 'CANCELLED', address: '历下区泉城路1号' });
    const audit = await asSystem((em) => em.find(AuditEntry, { entityType: 'OnlineEntity', entityId: good.data.createEntity.id }, { orderBy: { id: 'asc' } }));
    expect(audit.map((a) => [a.operation, a.action])).toEqual([
      ['createEntity', 'create'],
      ['updateEntity', 'update'],
    ]);
    expect(audit[1].before).toMatchObject({ registrationStatus: 'active', address: null });
  });

  it('creates a shop by hand, assigned to the station of its town', async () => {
    const r = await p.gql(
      `mutation { createShop(input: { name: "泉城好物", platform: "自建网站", url: "https://quancheng-haowu.example/", classification: OWN_SITE_TRADING, regionCode: "370102001" }) { id domain filingStatus responsibleUnit { code jurisdiction } history { kind } } }`,
      {},
      admin,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.createShop.domain).toBe('quancheng-haowu.example');
    expect(r.data.createShop.filingStatus).toBe('UNFILED');
    expect(r.data.createShop.responsibleUnit.code).toMatch(/^370102-S\d\d$/);
    expect(r.data.createShop.responsibleUnit.jurisdiction).toContain('370102001');
    const dup = await p.gql(
      `mutation { createShop(input: { name: "x", platform: "自建网站", url: "https://quancheng-haowu.example/", classification: OWN_SITE_TRADING, regionCode: "370102001" }) { id } }`,
      {},
      admin,
    );
    expect(dup.errors?.[0].message).toMatch(/already in the register/);
    const badUrl = await p.gql(
      `mutation { createShop(input: { name: "x", platform: "x", url: "ftp://nope", classification: OWN_SITE_TRADING, regionCode: "370102001" }) { id } }`,
      {},
      admin,
    );
    expect(badUrl.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('import through GraphQL', () => {
  it('imports a CSV, reports the bad row, and the new entity is visible', async () => {
    const csv = '统一社会信用代码,企业名称,法定代表人,行政区划代码\n91370102MA3C4D5F1A,历下区新开商行,王伟,370102001\n91370102MA3C4D5E7Z,坏行,李四,370102001\n';
    const fixed = csv.replace('91370102MA3C4D5F1A', makeValid('370102', 'MA3C4D5F'));
    const r = await p.gql(
      `mutation($i: ImportEntitiesInput!) { importEntities(input: $i) { status totalRows created rejected errors { row column reason } } }`,
      { i: { fileName: 'register.csv', contentBase64: Buffer.from(fixed).toString('base64') } },
      admin,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.importEntities).toMatchObject({ status: 'committed', totalRows: 2, created: 1, rejected: 1 });
    expect(r.data.importEntities.errors[0]).toMatchObject({ row: 3, column: '统一社会信用代码' });
    const found = await p.gql(`query($u: String) { entity(uscc: $u) { name } }`, { u: makeValid('370102', 'MA3C4D5F') }, admin);
    expect(found.data.entity.name).toBe('历下区新开商行');
  });

  it('answers a file that is no register file with a clear error and writes nothing', async () => {
    const before = await asSystem((em) => em.count(OnlineEntity, {}));
    const r = await p.gql(
      `mutation($i: ImportEntitiesInput!) { importEntities(input: $i) { status } }`,
      { i: { fileName: 'photo.xlsx', contentBase64: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]).toString('base64') } },
      admin,
    );
    expect(r.errors?.[0].extensions?.code).toBe('IMPORT_FILE_INVALID');
    expect(r.errors?.[0].message).toMatch(/\.xls/);
    expect(await asSystem((em) => em.count(OnlineEntity, {}))).toBe(before);
    const batches = await p.gql(`{ importBatches(first: 5) { status totalRows created } }`, {}, admin);
    expect(batches.data.importBatches[0]).toMatchObject({ status: 'committed', totalRows: 2, created: 1 });
  });
});

describe('sessions', () => {
  it('logout ends the session; a wrong password is refused without saying which part was wrong', async () => {
    const token = await (async () => {
      const r = await p.gql(`mutation { login(username: "sd-analyst", password: "hongdun-demo") { token viewer { role jurisdiction } } }`);
      expect(r.data.login.viewer).toEqual({ role: 'ANALYST', jurisdiction: ['37'] });
      return r.data.login.token as string;
    })();
    expect((await p.gql(`{ me { name } }`, {}, token)).data.me.name).toBe('sd-analyst');
    expect((await p.gql(`mutation { logout }`, {}, token)).data.logout).toBe(true);
    const logged = await asSystem((em) => em.find(AuditEntry, { entityType: 'Session', actorName: 'sd-analyst' }, { orderBy: { id: 'asc' } }));
    expect(logged.map((a) => [a.operation, a.action])).toEqual([
      ['login', 'create'],
      ['logout', 'update'],
    ]);
    expect(logged[0].after).toMatchObject({ tokenHash: '[redacted]' });
    const after = await p.gql(`{ me { name } }`, {}, token);
    expect(after.status).toBe(401);
    const wrong = await p.gql(`mutation { login(username: "sd-analyst", password: "nope") { token } }`);
    const unknown = await p.gql(`mutation { login(username: "nobody", password: "nope") { token } }`);
    expect(wrong.errors?.[0].message).toBe('wrong username or password');
    expect(unknown.errors?.[0].message).toBe('wrong username or password');
    expect(wrong.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

import { makeUscc } from '../services/registry/uscc';
function makeValid(division: string, body: string) {
  return makeUscc(division, body);
}

describe('audit visibility follows the rows', () => {
  it('a move between counties is visible in the audit log of both counties', async () => {
    const entity = await asSystem((em) => em.findOneOrFail(OnlineEntity, { regionCode: { $like: '370102%' } }, { orderBy: { id: 'asc' } }));
    const city = await p.login('c3701-inspector');
    const moved = await p.gql(`mutation($id: ID!) { updateEntity(id: $id, input: { regionCode: "370103002" }) { regionCode } }`, { id: String(entity.id) }, city);
    expect(moved.errors, JSON.stringify(moved.errors)).toBeUndefined();
    const q = `query($id: String) { auditEntries(first: 10, filter: { entityType: "OnlineEntity", entityId: $id }) { nodes { operation regionCode previousRegionCode } } }`;
    for (const county of ['x370102-admin', 'x370103-admin']) {
      const r = await p.gql(q, { id: String(entity.id) }, await p.login(county));
      expect(r.data.auditEntries.nodes, county).toContainEqual({ operation: 'updateEntity', regionCode: '370103002', previousRegionCode: entity.regionCode });
    }
    const other = await p.gql(q, { id: String(entity.id) }, await p.login('x370104-admin'));
    expect(other.data.auditEntries.nodes).toEqual([]);
  });

  it('a station leader sees the logins of the station\'s own inspector', async () => {
    await p.login('370102-s01-inspector');
    const r = await p.gql(`{ auditEntries(first: 20, filter: { operation: "login" }) { nodes { actorName } } }`, {}, await p.login('370102-s01-leader'));
    expect(r.data.auditEntries.nodes.map((n: any) => n.actorName)).toContain('370102-s01-inspector');
    expect(r.data.auditEntries.nodes.map((n: any) => n.actorName)).not.toContain('370102-s02-inspector');
  });
});
