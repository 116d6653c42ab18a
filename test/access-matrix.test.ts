import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Permission, ROLE_PERMISSIONS } from '../services/access/permissions';
import { Role } from '../entities';
import { sha256 } from '../services/access/tokens';
import { makeUscc } from '../services/registry/uscc';
import { runAsSystem } from '../services/system-actor';
import { type GqlResult, startTestPlatform, type TestPlatform } from './support/platform';

/**
 * The access matrix of the jurisdiction rule (entities/jurisdiction.ts): every unit level × read/write ×
 * inside/outside, for every operation that touches jurisdiction-bound data, over HTTP against the real
 * platform. Table-driven: a new operation is one more row in ROW_READS / LIST_READS / WRITE_CASES /
 * ALL_OPERATIONS.
 *
 * The fixture is a set of nested "rings" around station 370102-S01 (历下区, 济南市):
 *   ring 0  the station's own towns
 *   ring 1  the sibling station 370102-S02       (inside the county, outside the station)
 *   ring 2  the sibling county 370103            (inside the city, outside the county)
 *   ring 3  the other city 3702                  (inside the province only)
 * Level i (0 station, 1 county, 2 city, 3 province) sees rings 0..i and nothing of rings i+1..3, so every
 * boundary is tested from both sides. Expected numbers always come from an independent count done as
 * the system actor in SQL, at assertion time.
 *
 * "Refused" means: the exact error code, and — checked in the database as system — no table changed
 * (a fingerprint of every jurisdiction-bound and audited table, including the audit log).
 */

let p: TestPlatform;

// ------------------------------------------------------------------------------------------ levels

interface Level {
  /** 0 station … 3 province; also the outermost ring the level sees */
  index: number;
  name: 'station' | 'county' | 'city' | 'province';
  unitCode: string;
  /** a user holding registry:read only (station: the leader, which has no write either) */
  reader: string;
  /** a user holding registry:write and registry:import */
  writer: string;
  /** a user holding audit:read */
  auditor: string;
  /** a user holding apikeys:manage (stations have none) */
  admin: string | null;
  /** the region just above the jurisdiction: wider than it, hence outside for writes */
  parentRegion: string | null;
}

const LEVELS: Level[] = [
  { index: 0, name: 'station', unitCode: '370102-S01', reader: '370102-s01-leader', writer: '370102-s01-inspector', auditor: '370102-s01-leader', admin: null, parentRegion: '370102' },
  { index: 1, name: 'county', unitCode: '370102', reader: 'x370102-analyst', writer: 'x370102-inspector', auditor: 'x370102-leader', admin: 'x370102-admin', parentRegion: '3701' },
  { index: 2, name: 'city', unitCode: '3701', reader: 'c3701-analyst', writer: 'c3701-inspector', auditor: 'c3701-leader', admin: 'c3701-admin', parentRegion: '37' },
  { index: 3, name: 'province', unitCode: '37', reader: 'sd-analyst', writer: 'sd-inspector', auditor: 'sd-leader', admin: 'sd-admin', parentRegion: null },
];
const [STATION, COUNTY, CITY, PROVINCE] = LEVELS;

// ------------------------------------------------------------------------------------------- rings

interface Ring {
  index: number;
  label: string;
  unitCode: string;
  /** filled in beforeAll */
  unitId: string;
  prefixes: string[];
  /** a town of the ring, for creating rows there */
  town: string;
  /** the ring's main shop: target of reads and writes */
  shop: { id: string; regionCode: string };
  /** the ring's main entity (active, unique to the ring) */
  entity: { id: string; uscc: string; regionCode: string };
  /** a shop of this ring linked to the main entity of the next ring out (rings 0–2) */
  crossShopId: string | null;
  /** a shop of this ring linked to the main entity of the next ring in (rings 1–3) */
  backShopId: string | null;
}

const RING_UNITS = ['370102-S01', '370102-S02', '370103', '3702'];
const RING_LABELS = ['ring 0: own station 370102-S01', 'ring 1: sibling station 370102-S02', 'ring 2: sibling county 370103', 'ring 3: other city 3702'];
const rings: Ring[] = RING_UNITS.map((unitCode, index) => ({ index, label: RING_LABELS[index], unitCode }) as Ring);

const outsideRings = (level: Level) => rings.filter((r) => r.index > level.index);
const prefixesOf = (level: Level) => (level.index === 3 ? ['37'] : level.index === 0 ? rings[0].prefixes : [level.unitCode]);
const inside = (code: string, prefixes: string[]) => prefixes.some((pre) => code.startsWith(pre));

// ------------------------------------------------------------------------------- system-side SQL

/** Raw SQL as the named system actor: the independent view of the database the assertions compare with. */
function sql<T = Record<string, any>>(query: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('access-matrix test', () => p.orm.em.fork().getConnection().execute(query, params)) as Promise<T[]>;
}

function likeAny(column: string, prefixes: string[]): { cond: string; params: string[] } {
  return { cond: `(${prefixes.map(() => `${column} like ?`).join(' or ')})`, params: prefixes.map((pre) => `${pre}%`) };
}

async function countIn(table: 'shop' | 'online_entity' | 'audit_entry', prefixes: string[], extra = '', extraParams: unknown[] = []): Promise<number> {
  const { cond, params } = likeAny('region_code', prefixes);
  const [row] = await sql<{ n: number }>(`select count(*)::int as n from ${table} where ${cond}${extra}`, [...params, ...extraParams]);
  return Number(row.n);
}

const FINGERPRINTED = ['online_entity', 'shop', 'shop_event', 'audit_entry', 'api_key', 'import_batch', 'unit', 'clue', 'clue_event', 'legal_case', 'case_event', 'case_evidence', 'patrol_plan', 'patrol_task', 'patrol_record', 'complaint', 'complaint_event', 'info_report', 'info_report_version', 'info_report_event', 'notice', 'notice_recipient', 'notice_read', 'notice_reply', 'training_session', 'publicity_activity', 'consumer_warning', 'designated_staff', 'unit_equipment', 'work_plan', 'calendar_day', 'assessment_scheme', 'assessment_bonus', 'assessment_result', 'monthly_report', 'registration_change', 'administrative_penalty'] as const;

/**
 * Row count and an md5 of every row of each table: equal fingerprints mean nothing was written. An API
 * key's `last_used_at` is left out: authentication stamps it (bookkeeping, not a change by the caller).
 */
async function fingerprint(tables: readonly string[] = FINGERPRINTED): Promise<Record<string, string>> {
  const columns = tables.map(
    (t) => `(select count(*) || ':' || md5(coalesce(string_agg(${t === 'api_key' ? "(to_jsonb(x) - 'last_used_at')::text" : 'x::text'}, '|' order by x::text), '')) from ${t} x) as ${t}`,
  );
  const [row] = await sql<Record<string, string>>(`select ${columns.join(', ')}`);
  return { ...row };
}

async function maxAuditId(): Promise<number> {
  const [row] = await sql<{ m: string | null }>('select max(id) as m from audit_entry');
  return Number(row.m ?? 0);
}

interface AuditRow {
  entityType: string;
  entityId: string;
  action: string;
  operation: string;
  actorName: string;
  regionCode: string;
}

async function auditSince(id: number): Promise<AuditRow[]> {
  const rows = await sql<any>(
    'select entity_type, entity_id, action, operation, actor_name, region_code from audit_entry where id > ? order by id',
    [id],
  );
  return rows.map((r) => ({ entityType: r.entity_type, entityId: String(r.entity_id), action: r.action, operation: r.operation, actorName: r.actor_name, regionCode: r.region_code }));
}

let usccCounter = 0;
/** A valid USCC registered nowhere yet, seated in `region`. */
async function freshUscc(region: string): Promise<string> {
  for (;;) {
    usccCounter++;
    const uscc = makeUscc(region.slice(0, 6), `AM${String(usccCounter).padStart(6, '0')}`);
    const [row] = await sql<{ n: number }>('select count(*)::int as n from online_entity where uscc = ?', [uscc]);
    if (Number(row.n) === 0) return uscc;
  }
}
let urlCounter = 0;
const freshUrl = () => `https://access-matrix.example/shop/${Date.now()}-${++urlCounter}`;

// ------------------------------------------------------------------------------------ GraphQL

const codes = (r: GqlResult) => (r.errors ?? []).map((e) => e.extensions?.code);
const describeResult = (r: GqlResult) => JSON.stringify({ status: r.status, errors: r.errors, data: r.data }).slice(0, 600);

function expectOk(r: GqlResult): any {
  expect(r.errors, describeResult(r)).toBeUndefined();
  expect(r.status).toBe(200);
  return r.data;
}

function expectCode(r: GqlResult, code: string) {
  expect(codes(r), describeResult(r)).toEqual([code]);
  // no data: none at all, or (for a nullable field such as monthlyReport) the field itself null
  const fields = r.data == null ? [] : Object.values(r.data);
  expect(fields.every((v) => v === null), describeResult(r)).toBe(true);
}

/** Runs a call that must be refused with `code` and checks that nothing was written. */
async function expectRefused(code: string, call: () => Promise<GqlResult>) {
  const before = await fingerprint();
  const r = await call();
  expectCode(r, code);
  expect(await fingerprint()).toEqual(before);
}

const DOC = {
  me: `{ me { kind name role permissions jurisdiction unit { code } } }`,
  shop: `query($id: ID!) { shop(id: $id) { id regionCode } }`,
  shopEntity: `query($id: ID!) { shop(id: $id) { id regionCode entity { id regionCode } } }`,
  entityById: `query($id: ID) { entity(id: $id) { id regionCode } }`,
  entityByUscc: `query($uscc: String) { entity(uscc: $uscc) { id regionCode } }`,
  entityShops: `query($id: ID) { entity(id: $id) { id shopCount shops(first: 100) { totalCount nodes { id regionCode } } } }`,
  shops: `query($filter: ShopFilter) { shops(filter: $filter, first: 100) { totalCount nodes { id regionCode entity { id regionCode } } } }`,
  entities: `query($filter: EntityFilter) { entities(filter: $filter, first: 100) { totalCount nodes { id regionCode } } }`,
  shopCounts: `query($parent: String!) { shopCountsByRegion(parentCode: $parent) { regionCode count } }`,
  entityCounts: `query($parent: String!) { entityCountsByRegion(parentCode: $parent) { regionCode count } }`,
  auditEntries: `query($filter: AuditFilter) { auditEntries(filter: $filter, first: 100) { totalCount nodes { id regionCode previousRegionCode entityType entityId } } }`,
  importBatches: `{ importBatches(first: 100) { batchId } }`,
  apiKeys: `{ apiKeys { id unit { code } } }`,
  fileShop: `mutation($input: FileShopInput!) { fileShop(input: $input) { id regionCode filingStatus entity { id } } }`,
  maintainShop: `mutation($input: MaintainShopInput!) { maintainShop(input: $input) { id regionCode maintenanceStatus entity { id regionCode } } }`,
  createShop: `mutation($input: CreateShopInput!) { createShop(input: $input) { id regionCode } }`,
  createEntity: `mutation($input: CreateEntityInput!) { createEntity(input: $input) { id regionCode uscc } }`,
  updateEntity: `mutation($id: ID!, $input: UpdateEntityInput!) { updateEntity(id: $id, input: $input) { id regionCode name } }`,
  importEntities: `mutation($input: ImportEntitiesInput!) { importEntities(input: $input) { batchId status totalRows created updated unchanged rejected errors { row column reason } } }`,
  createApiKey: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id unit { code } } } }`,
  revokeApiKey: `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`,
  logout: `mutation { logout }`,
  login: `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
};

const csvBase64 = (rows: string[][]) => Buffer.from(['统一社会信用代码,企业名称,行政区划代码', ...rows.map((r) => r.join(','))].join('\n'), 'utf8').toString('base64');

// --------------------------------------------------------------------------------- API keys

/** Keys issued in beforeAll by sd-admin: one registry:read key for county 370102, one per ring for revoking. */
const keys = { countyRead: { id: '', secret: '' }, stationWrite: { id: '', secret: '' }, perRing: [] as { id: string; secret: string }[] };

async function issueKey(unitId: string, scopes: string[], name: string) {
  const r = await p.gql(DOC.createApiKey, { input: { unitId, scopes, name } }, await p.login('sd-admin'));
  const data = expectOk(r);
  return { id: String(data.createApiKey.apiKey.id), secret: data.createApiKey.secret as string };
}

// ------------------------------------------------------------------------------------ setup

beforeAll(async () => {
  p = await startTestPlatform({ entities: 400 });

  // units of the rings
  for (const ring of rings) {
    const [unit] = await sql<{ id: number; jurisdiction: string[] }>('select id, jurisdiction from unit where code = ?', [ring.unitCode]);
    ring.unitId = String(unit.id);
    ring.prefixes = [...unit.jurisdiction];
  }
  expect(rings[0].prefixes.every((t) => t.startsWith('370102') && t.length === 9)).toBe(true);
  expect(rings[1].prefixes.some((t) => rings[0].prefixes.includes(t))).toBe(false);

  // one town, the shops and an active entity of each ring (the generator puts rows in all of them)
  for (const ring of rings) {
    const { cond, params } = likeAny('code', ring.prefixes);
    const [town] = await sql<{ code: string }>(`select code from region where level = 'town' and ${cond} order by code limit 1`, params);
    ring.town = town.code;
    const r = likeAny('region_code', ring.prefixes);
    const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop where ${r.cond} order by id limit 3`, r.params);
    const entities = await sql<{ id: number; uscc: string; region_code: string }>(
      `select id, uscc, region_code from online_entity where registration_status = 'active' and ${r.cond} order by id limit 1`,
      r.params,
    );
    expect(shops.length, `${ring.label}: shops`).toBe(3);
    expect(entities.length, `${ring.label}: active entities`).toBe(1);
    ring.shop = { id: String(shops[0].id), regionCode: shops[0].region_code };
    ring.entity = { id: String(entities[0].id), uscc: entities[0].uscc, regionCode: entities[0].region_code };
    ring.crossShopId = ring.index < 3 ? String(shops[1].id) : null;
    ring.backShopId = ring.index > 0 ? String(shops[2].id) : null;
  }
  // links across ring borders (the generator links shops only within their entity's region)
  await runAsSystem('access-matrix fixtures', async () => {
    const conn = p.orm.em.fork().getConnection();
    for (const ring of rings) {
      if (ring.crossShopId) await conn.execute('update shop set entity_id = ? where id = ?', [Number(rings[ring.index + 1].entity.id), Number(ring.crossShopId)]);
      if (ring.backShopId) await conn.execute('update shop set entity_id = ? where id = ?', [Number(rings[ring.index - 1].entity.id), Number(ring.backShopId)]);
    }
  });

  // log every user in once (a login writes an audit entry: none may happen inside a fingerprinted case)
  const users = new Set(LEVELS.flatMap((l) => [l.reader, l.writer, l.auditor, l.admin].filter((u): u is string => !!u)));
  for (const u of [...users, ...WRONG_ROLE_USERS, ...ROLE_SWEEP_USERS]) await p.login(u);

  keys.countyRead = await issueKey(await unitIdOf('370102'), ['registry:read'], 'matrix county reader');
  keys.stationWrite = await issueKey(rings[0].unitId, ['registry:read', 'registry:write', 'registry:import'], 'matrix station writer');
  for (const ring of rings) keys.perRing.push(await issueKey(ring.unitId, ['registry:read'], `matrix ${ring.unitCode}`));
});

afterAll(async () => {
  await p?.shutdown();
});

async function unitIdOf(code: string): Promise<string> {
  const [u] = await sql<{ id: number }>('select id from unit where code = ?', [code]);
  return String(u.id);
}

// ---------------------------------------------------------------------------------- viewers

/** Who reads: each level's registry:read user, plus an API key of county 370102 with registry:read only. */
interface Viewer {
  label: string;
  level: Level;
  token: () => Promise<string>;
}
const VIEWERS: Viewer[] = [
  ...LEVELS.map((level) => ({ label: `${level.name} (${level.reader})`, level, token: () => p.login(level.reader) })),
  { label: 'county API key (registry:read)', level: COUNTY, token: async () => keys.countyRead.secret },
];

/** Who writes: each level's inspector, plus an API key of station 370102-S01 with read, write and import. */
interface Writer {
  label: string;
  level: Level;
  token: () => Promise<string>;
  /** actor name in the audit log */
  actorName: () => string;
}
const WRITERS: Writer[] = [
  ...LEVELS.map((level) => ({ label: `${level.name} (${level.writer})`, level, token: () => p.login(level.writer), actorName: () => level.writer })),
  { label: 'station API key (read, write, import)', level: STATION, token: async () => keys.stationWrite.secret, actorName: () => 'apikey:matrix station writer' },
];

// =============================================================================== reads: one row

interface RowRead {
  op: string;
  doc: string;
  vars: (ring: Ring) => Record<string, unknown>;
  /** the row the query asks for */
  target: (ring: Ring) => { id: string; regionCode: string };
  pick: (data: any) => { id: string; regionCode: string };
}

const ROW_READS: RowRead[] = [
  { op: 'shop(id)', doc: DOC.shop, vars: (r) => ({ id: r.shop.id }), target: (r) => r.shop, pick: (d) => d.shop },
  { op: 'entity(id)', doc: DOC.entityById, vars: (r) => ({ id: r.entity.id }), target: (r) => r.entity, pick: (d) => d.entity },
  { op: 'entity(uscc)', doc: DOC.entityByUscc, vars: (r) => ({ uscc: r.entity.uscc }), target: (r) => r.entity, pick: (d) => d.entity },
  { op: 'entity(uscc, lower case)', doc: DOC.entityByUscc, vars: (r) => ({ uscc: r.entity.uscc.toLowerCase() }), target: (r) => r.entity, pick: (d) => d.entity },
];

describe('reads of one row: visible inside, NOT_FOUND outside', () => {
  for (const viewer of VIEWERS) {
    for (const read of ROW_READS) {
      for (let i = 0; i < RING_UNITS.length; i++) {
        const isInside = i <= viewer.level.index;
        it(`${viewer.label} · ${read.op} · ${isInside ? 'inside' : 'outside'} (${RING_LABELS[i]})`, async () => {
          const ring = rings[i];
          const r = await p.gql(read.doc, read.vars(ring), await viewer.token());
          if (isInside) {
            const row = read.pick(expectOk(r));
            expect(row).toEqual({ id: read.target(ring).id, regionCode: read.target(ring).regionCode });
          } else {
            expectCode(r, 'NOT_FOUND');
          }
        });
      }
    }
  }
});

// ================================================================================= reads: lists

interface ListRead {
  op: string;
  doc: string;
  table: 'shop' | 'online_entity';
  pick: (data: any) => { totalCount: number; nodes: { id: string; regionCode: string; entity?: { id: string; regionCode: string } | null }[] };
}

const LIST_READS: ListRead[] = [
  { op: 'shops', doc: DOC.shops, table: 'shop', pick: (d) => d.shops },
  { op: 'entities', doc: DOC.entities, table: 'online_entity', pick: (d) => d.entities },
];

interface ListVariant {
  name: string;
  filter: (level: Level, list: ListRead) => Record<string, unknown> | undefined;
  /** the region prefixes the answer must count (intersected with the jurisdiction); null: nothing */
  expectedScope: (level: Level, list: ListRead) => string[] | null;
  only?: string;
}

/** A region of ring `i` holding rows of the list's table: a town for the stations, the unit's region above. */
const regionOfRing = (i: number, list: ListRead) => (i <= 1 ? (list.table === 'shop' ? rings[i].shop.regionCode : rings[i].entity.regionCode) : rings[i].unitCode);

const LIST_VARIANTS: ListVariant[] = [
  { name: 'no filter', filter: () => undefined, expectedScope: (l) => prefixesOf(l) },
  {
    name: 'regionCode filter = the parent region (wider than the jurisdiction)',
    filter: (l) => ({ regionCode: l.parentRegion ?? '37' }),
    expectedScope: (l) => prefixesOf(l),
  },
  ...[0, 1, 2, 3].map(
    (i): ListVariant => ({
      name: `regionCode filter pointing at ${RING_LABELS[i]}`,
      filter: (_l, list) => ({ regionCode: regionOfRing(i, list) }),
      expectedScope: (l, list) => (i <= l.index ? [regionOfRing(i, list)] : null),
    }),
  ),
  ...[0, 1, 2, 3].map(
    (i): ListVariant => ({
      name: `unitId filter pointing at the unit of ${RING_LABELS[i]}`,
      filter: () => ({ unitId: rings[i].unitId }),
      expectedScope: (l) => (i <= l.index ? rings[i].prefixes : null),
      only: 'shops',
    }),
  ),
];

describe('reads of lists: totalCount equals the system count of the jurisdiction, nothing outside', () => {
  for (const viewer of VIEWERS) {
    for (const list of LIST_READS) {
      for (const variant of LIST_VARIANTS) {
        if (variant.only && variant.only !== list.op) continue;
        it(`${viewer.label} · ${list.op} · ${variant.name}`, async () => {
          const prefixes = prefixesOf(viewer.level);
          const scope = variant.expectedScope(viewer.level, list);
          const filter = variant.filter(viewer.level, list);
          const r = await p.gql(list.doc, { filter }, await viewer.token());
          const page = list.pick(expectOk(r));
          let expected = 0;
          if (scope) {
            // rows in the scope and in the jurisdiction (the scope is always inside it or wider)
            const narrow = scope.every((s) => inside(s, prefixes)) ? scope : prefixes;
            expected = await countIn(list.table, narrow);
          }
          if (filter?.unitId && scope) {
            // shops whose responsible unit lies in the unit's subtree, in the jurisdiction
            const [unit] = await sql<{ path: string }>('select path from unit where id = ?', [Number(filter.unitId)]);
            const j = likeAny('s.region_code', prefixes);
            const [row] = await sql<{ n: number }>(
              `select count(*)::int as n from shop s join unit u on u.id = s.responsible_unit_id where u.path like ? and ${j.cond}`,
              [`${unit.path}%`, ...j.params],
            );
            expected = Number(row.n);
          }
          expect(page.totalCount).toBe(expected);
          if (scope) expect(expected, 'fixture: the scope holds rows').toBeGreaterThan(0);
          expect(page.nodes.length).toBe(Math.min(expected, 100));
          for (const node of page.nodes) {
            expect(inside(node.regionCode, prefixes), `${list.op} row ${node.id} in ${node.regionCode}`).toBe(true);
            if (node.entity) expect(inside(node.entity.regionCode, prefixes), `shop ${node.id} → entity ${node.entity.id} in ${node.entity.regionCode}`).toBe(true);
          }
        });
      }
    }
  }

  it('the province sees every row of the database', async () => {
    const token = await p.login(PROVINCE.reader);
    const [all] = await sql<{ shops: number; entities: number }>('select (select count(*)::int from shop) as shops, (select count(*)::int from online_entity) as entities');
    expect(expectOk(await p.gql(DOC.shops, {}, token)).shops.totalCount).toBe(Number(all.shops));
    expect(expectOk(await p.gql(DOC.entities, {}, token)).entities.totalCount).toBe(Number(all.entities));
  });
});

// ============================================================================ reads: counts by region

interface CountRead {
  op: string;
  doc: string;
  table: 'shop' | 'online_entity';
  pick: (data: any) => { regionCode: string; count: number }[];
}
const COUNT_READS: CountRead[] = [
  { op: 'shopCountsByRegion', doc: DOC.shopCounts, table: 'shop', pick: (d) => d.shopCountsByRegion },
  { op: 'entityCountsByRegion', doc: DOC.entityCounts, table: 'online_entity', pick: (d) => d.entityCountsByRegion },
];
const COUNT_PARENTS = ['37', '3701', '370102', '3702'];

describe('counts by region: only the jurisdiction, matching an independent count', () => {
  for (const viewer of VIEWERS) {
    for (const count of COUNT_READS) {
      for (const parent of COUNT_PARENTS) {
        it(`${viewer.label} · ${count.op}(parentCode: ${parent})`, async () => {
          const prefixes = prefixesOf(viewer.level);
          const r = await p.gql(count.doc, { parent }, await viewer.token());
          const got = count.pick(expectOk(r));
          const children = (await sql<{ code: string }>('select code from region where parent_code = ? order by code', [parent])).map((c) => c.code);
          // a child is listed when it overlaps the jurisdiction; its count is its rows inside the jurisdiction
          const listed = children.filter((c) => prefixes.some((pre) => c.startsWith(pre) || pre.startsWith(c)));
          // rows of region `code` inside the jurisdiction: the region itself when it lies inside, else the prefixes within it
          const countWithin = async (code: string) => {
            const narrow = inside(code, prefixes) ? [code] : prefixes.filter((pre) => pre.startsWith(code));
            return narrow.length === 0 ? 0 : countIn(count.table, narrow);
          };
          const expected = [];
          for (const c of listed) expected.push({ regionCode: c, count: await countWithin(c) });
          expect([...got].sort((a, b) => a.regionCode.localeCompare(b.regionCode))).toEqual(expected);
          expect(got.reduce((s, row) => s + row.count, 0)).toBe(await countWithin(parent));
          // never a region of another city, county or station
          for (const row of got) expect(prefixes.some((pre) => row.regionCode.startsWith(pre) || pre.startsWith(row.regionCode)), row.regionCode).toBe(true);
        });
      }
    }
  }

  it('a county user sees one city and one county in the province-wide counts, with its own numbers', async () => {
    const token = await p.login(COUNTY.reader);
    const counts = expectOk(await p.gql(DOC.shopCounts, { parent: '37' }, token)).shopCountsByRegion;
    expect(counts).toEqual([{ regionCode: '3701', count: await countIn('shop', ['370102']) }]);
    const byCounty = expectOk(await p.gql(DOC.shopCounts, { parent: '3701' }, token)).shopCountsByRegion;
    expect(byCounty).toEqual([{ regionCode: '370102', count: await countIn('shop', ['370102']) }]);
    expect(byCounty[0].count).toBeGreaterThan(0);
  });

  it('the province counts every city, with the system numbers', async () => {
    const counts = expectOk(await p.gql(DOC.shopCounts, { parent: '37' }, await p.login(PROVINCE.reader))).shopCountsByRegion;
    const rows = await sql<{ code: string; n: number }>('select substr(region_code, 1, 4) as code, count(*)::int as n from shop group by 1 order by 1');
    expect(counts).toHaveLength(16);
    expect(counts.filter((c: any) => c.count > 0)).toEqual(rows.map((r) => ({ regionCode: r.code, count: Number(r.n) })));
  });
});

// ================================================================ reads: links across the border

describe('links across the border: an outside entity is null, outside shops are not counted', () => {
  for (const viewer of VIEWERS) {
    for (let i = 0; i < 3; i++) {
      if (i > viewer.level.index) continue; // the shop itself is outside: covered by the row reads
      const entityVisible = i + 1 <= viewer.level.index;
      it(`${viewer.label} · Shop.entity of a shop in ${RING_LABELS[i]} linked to an entity in ${RING_LABELS[i + 1]} → ${entityVisible ? 'the entity' : 'null'}`, async () => {
        const token = await viewer.token();
        const ring = rings[i];
        const one = expectOk(await p.gql(DOC.shopEntity, { id: ring.crossShopId }, token)).shop;
        const list = expectOk(await p.gql(DOC.shops, { filter: { regionCode: (await shopRegion(ring.crossShopId!)), linked: true } }, token)).shops;
        const inList = list.nodes.find((n: any) => n.id === ring.crossShopId);
        expect(inList, 'the shop is in the list').toBeDefined();
        const expected = entityVisible ? { id: rings[i + 1].entity.id, regionCode: rings[i + 1].entity.regionCode } : null;
        expect(one.entity).toEqual(expected);
        expect(inList.entity).toEqual(expected);
      });
    }
    // OnlineEntity.shops / shopCount of the viewer's own-ring entity, which has a shop in the next ring out
    if (viewer.level.index < 3) {
      it(`${viewer.label} · OnlineEntity.shops and shopCount leave out the shop in ${RING_LABELS[viewer.level.index + 1]}`, async () => {
        const ring = rings[viewer.level.index];
        const prefixes = prefixesOf(viewer.level);
        const data = expectOk(await p.gql(DOC.entityShops, { id: ring.entity.id }, await viewer.token())).entity;
        const { cond, params } = likeAny('region_code', prefixes);
        const visible = await sql<{ id: number }>(`select id from shop where entity_id = ? and ${cond} order by id`, [Number(ring.entity.id), ...params]);
        const [all] = await sql<{ n: number }>('select count(*)::int as n from shop where entity_id = ?', [Number(ring.entity.id)]);
        expect(Number(all.n), 'fixture: the entity has a shop outside').toBeGreaterThan(visible.length);
        expect(data.shopCount).toBe(visible.length);
        expect(data.shops.totalCount).toBe(visible.length);
        expect(data.shops.nodes.map((n: any) => n.id)).toEqual(visible.map((v) => String(v.id)));
        expect(data.shops.nodes.map((n: any) => n.id)).not.toContain(rings[viewer.level.index + 1].backShopId);
      });
    }
  }
});

async function shopRegion(id: string): Promise<string> {
  const [row] = await sql<{ region_code: string }>('select region_code from shop where id = ?', [Number(id)]);
  return row.region_code;
}

// ========================================================================================= writes

interface WriteContext {
  own: Ring;
  /** the outside ring of an outside case (own for inside cases) */
  other: Ring;
  level: Level;
}

interface WriteCase {
  op: string;
  what: string;
  /** inside: must succeed and be audited; outside: refused with `code` and nothing written */
  side: 'inside' | 'outside' | 'parent';
  code?: 'NOT_FOUND' | 'BAD_USER_INPUT' | 'FORBIDDEN';
  doc: string;
  vars: (ctx: WriteContext) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** for inside cases: the audit entries the write must leave (actorName and operation are added) */
  audit?: (ctx: WriteContext, data: any, vars: Record<string, unknown>) => Promise<Omit<AuditRow, 'actorName' | 'operation'>[]>;
  check?: (ctx: WriteContext, data: any, vars: Record<string, unknown>) => Promise<void>;
}

const WRITE_CASES: WriteCase[] = [
  // ---- inside: allowed, written, audited
  {
    op: 'fileShop',
    what: 'own shop to own entity',
    side: 'inside',
    doc: DOC.fileShop,
    // a classification other than the current one, so that even a re-filing changes the row
    vars: async ({ own }) => {
      const [row] = await sql<{ classification: string }>('select classification from shop where id = ?', [Number(own.shop.id)]);
      const classification = row.classification === 'platform_merchant' ? 'OWN_SITE_TRADING' : 'PLATFORM_MERCHANT';
      return { input: { shopId: own.shop.id, entityId: own.entity.id, classification, note: 'matrix' } };
    },
    audit: async ({ own }) => [{ entityType: 'Shop', entityId: own.shop.id, action: 'update', regionCode: own.shop.regionCode }],
    check: async ({ own }, data) => {
      expect(data.fileShop).toEqual({ id: own.shop.id, regionCode: own.shop.regionCode, filingStatus: 'FILED', entity: { id: own.entity.id } });
      const [row] = await sql<any>('select entity_id, filing_status from shop where id = ?', [Number(own.shop.id)]);
      expect([String(row.entity_id), row.filing_status]).toEqual([own.entity.id, 'filed']);
    },
  },
  {
    op: 'maintainShop',
    what: 'own shop',
    side: 'inside',
    doc: DOC.maintainShop,
    vars: ({ own }) => ({ input: { shopId: own.shop.id, action: 'INFO_MISMATCH', note: 'matrix' } }),
    audit: async ({ own }) => [{ entityType: 'Shop', entityId: own.shop.id, action: 'update', regionCode: own.shop.regionCode }],
    check: async ({ own }) => {
      const [row] = await sql<any>('select maintenance_status from shop where id = ?', [Number(own.shop.id)]);
      expect(row.maintenance_status).toBe('info_mismatch');
    },
  },
  {
    op: 'createShop',
    what: 'in an own town, linked to an own entity',
    side: 'inside',
    doc: DOC.createShop,
    vars: ({ own }) => ({ input: { name: '矩阵测试店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: own.town, entityId: own.entity.id } }),
    audit: async ({ own }, data) => [{ entityType: 'Shop', entityId: data.createShop.id, action: 'create', regionCode: own.town }],
    check: async ({ own }, data) => {
      const [row] = await sql<any>('select region_code, entity_id from shop where id = ?', [Number(data.createShop.id)]);
      expect([row.region_code, String(row.entity_id)]).toEqual([own.town, own.entity.id]);
    },
  },
  {
    op: 'createEntity',
    what: 'in an own town',
    side: 'inside',
    doc: DOC.createEntity,
    vars: async ({ own }) => ({ input: { uscc: await freshUscc(own.town), name: '矩阵测试有限公司', regionCode: own.town } }),
    audit: async ({ own }, data) => [{ entityType: 'OnlineEntity', entityId: data.createEntity.id, action: 'create', regionCode: own.town }],
    check: async ({ own }, data, vars) => {
      const [row] = await sql<any>('select uscc, region_code from online_entity where id = ?', [Number(data.createEntity.id)]);
      expect([row.uscc, row.region_code]).toEqual([(vars.input as any).uscc, own.town]);
    },
  },
  {
    op: 'updateEntity',
    what: 'own entity, name only',
    side: 'inside',
    doc: DOC.updateEntity,
    vars: ({ own }) => ({ id: own.entity.id, input: { name: `矩阵测试更名${++urlCounter}有限公司` } }),
    audit: async ({ own }) => [{ entityType: 'OnlineEntity', entityId: own.entity.id, action: 'update', regionCode: own.entity.regionCode }],
    check: async ({ own }, data, vars) => {
      const [row] = await sql<any>('select name, region_code from online_entity where id = ?', [Number(own.entity.id)]);
      expect([row.name, row.region_code]).toEqual([(vars.input as any).name, own.entity.regionCode]);
    },
  },

  // ---- outside: refused, nothing written
  { op: 'fileShop', what: 'a shop outside', side: 'outside', code: 'NOT_FOUND', doc: DOC.fileShop, vars: ({ own, other }) => ({ input: { shopId: other.shop.id, entityId: own.entity.id, classification: 'PLATFORM_MERCHANT' } }) },
  { op: 'fileShop', what: 'own shop to an entity outside (by id)', side: 'outside', code: 'NOT_FOUND', doc: DOC.fileShop, vars: ({ own, other }) => ({ input: { shopId: own.shop.id, entityId: other.entity.id, classification: 'PLATFORM_MERCHANT' } }) },
  { op: 'fileShop', what: 'own shop to an entity outside (by uscc)', side: 'outside', code: 'NOT_FOUND', doc: DOC.fileShop, vars: ({ own, other }) => ({ input: { shopId: own.shop.id, uscc: other.entity.uscc, classification: 'PLATFORM_MERCHANT' } }) },
  { op: 'maintainShop', what: 'a shop outside', side: 'outside', code: 'NOT_FOUND', doc: DOC.maintainShop, vars: ({ other }) => ({ input: { shopId: other.shop.id, action: 'LINK_DEAD', note: 'matrix' } }) },
  { op: 'createShop', what: 'regionCode outside', side: 'outside', code: 'BAD_USER_INPUT', doc: DOC.createShop, vars: ({ other }) => ({ input: { name: '越界店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: other.town } }) },
  { op: 'createShop', what: 'own town, linked to an entity outside', side: 'outside', code: 'NOT_FOUND', doc: DOC.createShop, vars: ({ own, other }) => ({ input: { name: '越界店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: own.town, entityId: other.entity.id } }) },
  { op: 'createEntity', what: 'regionCode outside', side: 'outside', code: 'BAD_USER_INPUT', doc: DOC.createEntity, vars: async ({ other }) => ({ input: { uscc: await freshUscc(other.town), name: '越界有限公司', regionCode: other.town } }) },
  { op: 'updateEntity', what: 'an entity outside', side: 'outside', code: 'NOT_FOUND', doc: DOC.updateEntity, vars: ({ other }) => ({ id: other.entity.id, input: { name: '越界更名' } }) },
  { op: 'updateEntity', what: 'moving own entity outside', side: 'outside', code: 'BAD_USER_INPUT', doc: DOC.updateEntity, vars: ({ own, other }) => ({ id: own.entity.id, input: { regionCode: other.town } }) },

  // ---- the parent region: wider than the jurisdiction, hence outside it
  { op: 'createShop', what: 'regionCode = the parent region', side: 'parent', code: 'BAD_USER_INPUT', doc: DOC.createShop, vars: ({ level }) => ({ input: { name: '越界店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: level.parentRegion } }) },
  { op: 'createEntity', what: 'regionCode = the parent region', side: 'parent', code: 'BAD_USER_INPUT', doc: DOC.createEntity, vars: async ({ own, level }) => ({ input: { uscc: await freshUscc(own.town), name: '越界有限公司', regionCode: level.parentRegion } }) },
  { op: 'updateEntity', what: 'moving own entity to the parent region', side: 'parent', code: 'BAD_USER_INPUT', doc: DOC.updateEntity, vars: ({ own, level }) => ({ id: own.entity.id, input: { regionCode: level.parentRegion } }) },
];

describe('writes: allowed and audited inside, refused outside with nothing written', () => {
  for (const writer of WRITERS) {
    const level = writer.level;
    for (const c of WRITE_CASES) {
      const targets = c.side === 'outside' ? outsideRings(level).map((r) => r.index) : c.side === 'parent' ? (level.parentRegion ? [level.index] : []) : [level.index];
      for (const t of targets) {
        const where = c.side === 'outside' ? `outside (${RING_LABELS[t]})` : c.side;
        it(`${writer.label} · ${c.op} · ${c.what} · ${where} → ${c.code ?? 'ok'}`, async () => {
          const ctx: WriteContext = { own: rings[level.index], other: rings[t], level };
          const vars = await c.vars(ctx);
          const token = await writer.token();
          if (c.code) {
            await expectRefused(c.code, () => p.gql(c.doc, vars, token));
            return;
          }
          const since = await maxAuditId();
          const data = expectOk(await p.gql(c.doc, vars, token));
          await c.check?.(ctx, data, vars);
          const expected = (await c.audit!(ctx, data, vars)).map((a) => ({ ...a, operation: c.op, actorName: writer.actorName() }));
          expect(await auditSince(since)).toEqual(expected);
          for (const a of expected) expect(inside(a.regionCode, prefixesOf(level))).toBe(true);
        });
      }
    }
  }
});

describe('Shop.entity in a mutation result: null when the linked entity is outside', () => {
  for (const level of LEVELS.slice(0, 3)) {
    it(`${level.name} · maintainShop of own shop linked to an entity in ${RING_LABELS[level.index + 1]}`, async () => {
      const ring = rings[level.index];
      const data = expectOk(await p.gql(DOC.maintainShop, { input: { shopId: ring.crossShopId, action: 'LINK_DEAD', note: 'matrix' } }, await p.login(level.writer)));
      expect(data.maintainShop.maintenanceStatus).toBe('LINK_DEAD');
      expect(data.maintainShop.entity).toBeNull();
      // hidden is not lost: the link to the outside entity is still in the database
      const [row] = await sql<{ entity_id: number }>('select entity_id from shop where id = ?', [Number(ring.crossShopId)]);
      expect(String(row.entity_id)).toBe(rings[level.index + 1].entity.id);
    });
  }
});

/**
 * The same border, reached through the API alone: the city moves an entity from county 370102 to
 * 370103 while its shop stays in 370102; then the county re-files the shop to one of its own entities.
 */
describe('a shop whose entity the city moved out of the county', () => {
  const moved = { entityId: '', shopId: '', audit: null as any, event: null as any };

  beforeAll(async () => {
    const county = await p.login(COUNTY.writer);
    const uscc = await freshUscc(rings[1].town);
    moved.entityId = expectOk(await p.gql(DOC.createEntity, { input: { uscc, name: '迁出测试有限公司', regionCode: rings[1].town } }, county)).createEntity.id;
    moved.shopId = expectOk(
      await p.gql(DOC.createShop, { input: { name: '迁出测试店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: rings[1].town, entityId: moved.entityId } }, county),
    ).createShop.id;
    expectOk(await p.gql(DOC.fileShop, { input: { shopId: moved.shopId, entityId: moved.entityId } }, county));
    expectOk(await p.gql(DOC.updateEntity, { id: moved.entityId, input: { regionCode: rings[2].town } }, await p.login(CITY.writer)));
  });

  it('the county sees its shop with entity null and cannot reach the entity; the city sees both', async () => {
    const county = await p.login(COUNTY.reader);
    expect(expectOk(await p.gql(DOC.shopEntity, { id: moved.shopId }, county)).shop.entity).toBeNull();
    expectCode(await p.gql(DOC.entityById, { id: moved.entityId }, county), 'NOT_FOUND');
    await expectRefused('NOT_FOUND', async () => p.gql(DOC.updateEntity, { id: moved.entityId, input: { regionCode: rings[1].town } }, await p.login(COUNTY.writer)));
    const city = expectOk(await p.gql(DOC.shopEntity, { id: moved.shopId }, await p.login(CITY.reader))).shop;
    expect(city.entity).toEqual({ id: moved.entityId, regionCode: rings[2].town });
  });

  it('the county may re-file its shop to an own entity: written and audited', async () => {
    const since = await maxAuditId();
    const data = expectOk(
      await p.gql(DOC.fileShop, { input: { shopId: moved.shopId, entityId: rings[1].entity.id, classification: 'PLATFORM' } }, await p.login(COUNTY.writer)),
    );
    expect(data.fileShop.entity).toEqual({ id: rings[1].entity.id });
    const entries = await sql<any>('select entity_type, entity_id, operation, before, after from audit_entry where id > ? order by id', [since]);
    expect(entries.map((e) => [e.entity_type, String(e.entity_id), e.operation])).toEqual([['Shop', moved.shopId, 'fileShop']]);
    expect(entries[0].after.entity).toBe(Number(rings[1].entity.id));
    moved.audit = entries[0];
    [moved.event] = await sql<any>("select details from shop_event where shop_id = ? and kind = 'updated' order by id desc limit 1", [Number(moved.shopId)]);
  });

  /**
   * KNOWN BUG (reported, not fixed here): the re-filing's audit entry says `before.entity: null` and the
   * shop history says `previousEntityId: null`, though the shop was linked to the moved entity. MikroORM
   * auto-joins the jurisdiction filter onto the to-one relation Shop.entity (`autoJoinRefsForFilters`),
   * so getShop() hydrates `shop.entity` as null for an entity outside the caller's jurisdiction, and
   * fileShop (services/registry/shop.commands.ts, `const previousEntity = shop.entity?.id ?? null`) and
   * the audit subscriber (`before: pick(original, changed)`) record that null. Remove `.fails` once fixed.
   */
  it('the audit entry of the re-filing names the previous (moved-out) entity in `before`', () => {
    expect(moved.audit.before.entity).toBe(Number(moved.entityId));
  });
  it('the shop history of the re-filing names the previous (moved-out) entity', () => {
    expect(moved.event.details.previousEntityId).toBe(Number(moved.entityId));
  });
});

// ======================================================================================== import

describe('importEntities: rows outside are row errors and nothing of them is written', () => {
  for (const writer of WRITERS) {
    const level = writer.level;
    const outside = outsideRings(level);
    it(`${writer.label} · non-strict: the inside row is created, outside region and outside USCC are row errors`, async () => {
      const own = rings[level.index];
      const insideUscc = await freshUscc(own.town);
      const rows = [[insideUscc, '矩阵导入有限公司', own.town]];
      const outsideRows: { uscc: string; ring: Ring; kind: 'region' | 'uscc' }[] = [];
      for (const ring of outside) {
        const u = await freshUscc(ring.town);
        rows.push([u, '越界导入有限公司', ring.town]);
        outsideRows.push({ uscc: u, ring, kind: 'region' });
        rows.push([ring.entity.uscc, '越界改名有限公司', own.town]);
        outsideRows.push({ uscc: ring.entity.uscc, ring, kind: 'uscc' });
      }
      const outsideBefore = await rowHashes('online_entity', outside.map((r) => r.entity.id));
      const since = await maxAuditId();
      const r = await p.gql(DOC.importEntities, { input: { fileName: 'matrix.csv', contentBase64: csvBase64(rows), strict: false } }, await writer.token());
      const report = expectOk(r).importEntities;
      expect(report).toMatchObject({ status: 'committed', totalRows: rows.length, created: 1, updated: 0, unchanged: 0, rejected: outsideRows.length });
      expect(report.errors.map((e: any) => [e.row, e.column])).toEqual(
        outsideRows.map((o, k) => [k + 3, o.kind === 'region' ? '行政区划代码' : '统一社会信用代码']),
      );
      for (const e of report.errors) expect(e.reason).toMatch(/outside your jurisdiction/);
      // nothing of the outside rows: no new entity, the existing outside entities untouched
      for (const o of outsideRows.filter((x) => x.kind === 'region')) {
        expect(await sql('select id from online_entity where uscc = ?', [o.uscc])).toEqual([]);
      }
      expect(await rowHashes('online_entity', outside.map((x) => x.entity.id))).toEqual(outsideBefore);
      const [created] = await sql<{ id: number }>('select id from online_entity where uscc = ? and region_code = ?', [insideUscc, own.town]);
      expect(await auditSince(since)).toEqual([
        { entityType: 'OnlineEntity', entityId: String(created.id), action: 'create', operation: 'importEntities', actorName: writer.actorName(), regionCode: own.town },
      ]);
    });

    if (outside.length > 0) {
      it(`${writer.label} · strict: a row outside rejects the file, nothing but the rejected batch is written`, async () => {
        const own = rings[level.index];
        const rows = [[await freshUscc(own.town), '矩阵导入有限公司', own.town], [await freshUscc(outside[0].town), '越界导入有限公司', outside[0].town]];
        const tables = FINGERPRINTED.filter((t) => t !== 'import_batch');
        const before = await fingerprint(tables);
        const [batches] = await sql<{ n: number }>('select count(*)::int as n from import_batch');
        const report = expectOk(await p.gql(DOC.importEntities, { input: { fileName: 'matrix.csv', contentBase64: csvBase64(rows), strict: true } }, await writer.token())).importEntities;
        expect(report).toMatchObject({ status: 'rejected', totalRows: 2, created: 0, rejected: 1 });
        expect(report.errors.map((e: any) => [e.row, e.column])).toEqual([[3, '行政区划代码']]);
        expect(await fingerprint(tables)).toEqual(before);
        const [after] = await sql<{ n: number }>('select count(*)::int as n from import_batch');
        expect(Number(after.n)).toBe(Number(batches.n) + 1);
      });
    }
  }
});

// ==================================================================== shared data (issue 16)

const SHARED_DOC = {
  importRegistrationChanges: `mutation($input: ImportFileInput!) { importRegistrationChanges(input: $input) { batchId kind status totalRows created updated unchanged rejected entitiesUpdated errors { row column reason } } }`,
  importPenalties: `mutation($input: ImportFileInput!) { importPenalties(input: $input) { batchId kind status totalRows created updated unchanged rejected errors { row column reason } } }`,
  registrationChanges: `{ registrationChanges(first: 500) { id regionCode uscc } }`,
  penalties: `{ penalties(first: 500) { id regionCode uscc } }`,
};
const changesBase64 = (rows: string[][]) => Buffer.from(['统一社会信用代码,变更类型,变更事项,变更前内容,变更后内容,变更日期', ...rows.map((r) => r.join(','))].join('\n'), 'utf8').toString('base64');
const penaltiesBase64 = (rows: string[][]) => Buffer.from(['行政处罚决定书文号,统一社会信用代码,处罚类别,罚款金额（万元）,处罚决定日期', ...rows.map((r) => r.join(','))].join('\n'), 'utf8').toString('base64');
let sharedCounter = 0;

describe('registration changes and penalties: businesses outside are row errors, reads only the jurisdiction', () => {
  for (const writer of WRITERS) {
    const level = writer.level;
    const outside = outsideRings(level);
    it(`${writer.label} · the own ring's business is recorded, outside businesses are row errors`, async () => {
      const own = rings[level.index];
      const n = ++sharedCounter;
      const day = `2024-01-${String(n).padStart(2, '0')}`;
      const before = await rowHashes('online_entity', outside.map((r) => r.entity.id));
      const changeRows = [[own.entity.uscc, '变更', '注册资本', '100万元', `${100 + n}万元`, day], ...outside.map((ring) => [ring.entity.uscc, '注销', '', '', '', day])];
      const changes = expectOk(await p.gql(SHARED_DOC.importRegistrationChanges, { input: { fileName: 'matrix-changes.csv', contentBase64: changesBase64(changeRows), strict: false } }, await writer.token())).importRegistrationChanges;
      expect(changes).toMatchObject({ kind: 'registration_changes', status: 'committed', totalRows: changeRows.length, created: 1, rejected: outside.length, entitiesUpdated: 0 });
      expect(changes.errors).toEqual(
        outside.map((ring, k) => ({ row: k + 3, column: '统一社会信用代码', reason: `${ring.entity.uscc} is registered to a business outside your jurisdiction: only the unit responsible for it can record its registration changes` })),
      );
      const penaltyRows = [[`矩阵处罚〔2024〕${n}号`, own.entity.uscc, '罚款', '0.2', day], ...outside.map((ring, k) => [`矩阵处罚〔2024〕${n}-${k}号`, ring.entity.uscc, '警告', '', day])];
      const penalties = expectOk(await p.gql(SHARED_DOC.importPenalties, { input: { fileName: 'matrix-penalties.csv', contentBase64: penaltiesBase64(penaltyRows), strict: false } }, await writer.token())).importPenalties;
      expect(penalties).toMatchObject({ kind: 'penalties', status: 'committed', created: 1, rejected: outside.length });
      expect(penalties.errors.map((e: any) => [e.row, e.column])).toEqual(outside.map((_, k) => [k + 3, '统一社会信用代码']));
      // nothing of the outside businesses: untouched, no rows for them
      expect(await rowHashes('online_entity', outside.map((x) => x.entity.id))).toEqual(before);
      for (const ring of outside) {
        expect(await sql('select id from registration_change where uscc = ? and change_date = ?', [ring.entity.uscc, day])).toEqual([]);
        expect(await sql('select id from administrative_penalty where uscc = ? and decision_date = ?', [ring.entity.uscc, day])).toEqual([]);
      }
      const [recorded] = await sql<{ region_code: string; import_batch_id: number }>('select region_code, import_batch_id from registration_change where uscc = ? and change_date = ?', [own.entity.uscc, day]);
      expect(recorded).toEqual({ region_code: own.entity.regionCode, import_batch_id: Number(changes.batchId) });
      const [fine] = await sql<{ fine_amount: string }>('select fine_amount::text from administrative_penalty where decision_number = ?', [`矩阵处罚〔2024〕${n}号`]);
      expect(fine.fine_amount).toBe('2000.00');
    });
  }

  for (const level of LEVELS) {
    it(`${level.name} (${level.reader}) · registrationChanges and penalties: exactly the rows of the jurisdiction`, async () => {
      const { cond, params } = likeAny('region_code', prefixesOf(level));
      for (const [table, op] of [['registration_change', 'registrationChanges'], ['administrative_penalty', 'penalties']] as const) {
        const expected = await sql<{ id: number }>(`select id from ${table} where ${cond} order by id`, params);
        expect(expected.length, `fixture: the imports above left ${table} rows here`).toBeGreaterThan(0);
        const data = expectOk(await p.gql(SHARED_DOC[op], {}, await p.login(level.reader)));
        expect(data[op].map((r: any) => Number(r.id)).sort((a: number, b: number) => a - b)).toEqual(expected.map((e) => Number(e.id)));
      }
    });
  }
});

async function rowHashes(table: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ h: string }>(`select md5(x::text) as h from ${table} x where id in (${ids.map(() => '?').join(', ')}) order by id`, ids.map(Number));
  return rows.map((r) => r.h);
}

// ============================================================================ audit log, batches

describe('auditEntries and importBatches: only entries of the jurisdiction', () => {
  for (const level of LEVELS) {
    it(`${level.name} (${level.auditor}) · auditEntries: totalCount = system count, every entry inside`, async () => {
      const prefixes = prefixesOf(level);
      const data = expectOk(await p.gql(DOC.auditEntries, {}, await p.login(level.auditor))).auditEntries;
      // an entry belongs to the region of the row, and also to the region a move took the row from
      const now = likeAny('region_code', prefixes);
      const before = likeAny('previous_region_code', prefixes);
      const [row] = await sql<{ n: number }>(`select count(*)::int as n from audit_entry where ${now.cond} or ${before.cond}`, [...now.params, ...before.params]);
      const expected = Number(row.n);
      expect(expected, 'fixture: the writes above left entries here').toBeGreaterThan(0);
      expect(data.totalCount).toBe(expected);
      for (const e of data.nodes) {
        const seen = inside(e.regionCode, prefixes) || (e.previousRegionCode != null && inside(e.previousRegionCode, prefixes));
        expect(seen, `audit ${e.id} in ${e.regionCode} (from ${e.previousRegionCode})`).toBe(true);
      }
    });

    for (const ring of rings) {
      const visible = ring.index <= level.index;
      it(`${level.name} (${level.auditor}) · auditEntries of the shop of ${ring.label} → ${visible ? 'all of them' : 'none'}`, async () => {
        const filter = { entityType: 'Shop', entityId: ring.shop.id };
        const [row] = await sql<{ n: number }>("select count(*)::int as n from audit_entry where entity_type = 'Shop' and entity_id = ?", [ring.shop.id]);
        expect(Number(row.n), 'fixture: the shop was written above').toBeGreaterThan(0);
        const data = expectOk(await p.gql(DOC.auditEntries, { filter }, await p.login(level.auditor))).auditEntries;
        expect(data.totalCount).toBe(visible ? Number(row.n) : 0);
      });
    }

    it(`${level.name} (${level.writer}) · importBatches: exactly the batches of the jurisdiction`, async () => {
      const { cond, params } = likeAny('region_code', prefixesOf(level));
      const expected = await sql<{ id: number }>(`select id from import_batch where ${cond} order by id desc limit 100`, params);
      const [all] = await sql<{ n: number }>('select count(*)::int as n from import_batch');
      expect(expected.length, 'fixture: the imports above left batches here').toBeGreaterThan(0);
      if (level.index < 3) expect(Number(all.n)).toBeGreaterThan(expected.length);
      const data = expectOk(await p.gql(DOC.importBatches, {}, await p.login(level.writer)));
      expect(data.importBatches.map((b: any) => b.batchId)).toEqual(expected.map((e) => String(e.id)));
    });
  }
});

// ======================================================================================= API keys

describe('API keys: listed, issued and revoked only for units inside', () => {
  const admins = LEVELS.filter((l) => l.admin);

  for (const level of admins) {
    it(`${level.name} (${level.admin}) · apiKeys lists exactly the keys of units inside`, async () => {
      const prefixes = prefixesOf(level);
      const all = await sql<{ id: number; jurisdiction: string[] }>('select k.id, u.jurisdiction from api_key k join unit u on u.id = k.unit_id order by k.id');
      const expected = all.filter((k) => k.jurisdiction.every((j) => inside(j, prefixes))).map((k) => String(k.id));
      expect(expected.length).toBeGreaterThan(0);
      if (level.index < 3) expect(all.length).toBeGreaterThan(expected.length);
      const data = expectOk(await p.gql(DOC.apiKeys, {}, await p.login(level.admin!)));
      expect(data.apiKeys.map((k: any) => k.id)).toEqual(expected);
    });

    it(`${level.name} (${level.admin}) · createApiKey for the own-ring unit → ok, audited`, async () => {
      const own = rings[level.index];
      const since = await maxAuditId();
      const data = expectOk(await p.gql(DOC.createApiKey, { input: { unitId: own.unitId, scopes: ['registry:read'], name: `matrix ${level.name} own` } }, await p.login(level.admin!)));
      expect(data.createApiKey.apiKey.unit.code).toBe(own.unitCode);
      // entries about a unit's keys and staff sit in the unit's first jurisdiction region (a station sees its own)
      const [unit] = await sql<{ region_code: string }>('select jurisdiction[1] as region_code from unit where id = ?', [Number(own.unitId)]);
      expect(await auditSince(since)).toEqual([
        { entityType: 'ApiKey', entityId: String(data.createApiKey.apiKey.id), action: 'create', operation: 'createApiKey', actorName: level.admin, regionCode: unit.region_code },
      ]);
    });

    for (const ring of outsideRings(level)) {
      it(`${level.name} (${level.admin}) · createApiKey for the unit of ${ring.label} → NOT_FOUND`, async () => {
        await expectRefused('NOT_FOUND', async () =>
          p.gql(DOC.createApiKey, { input: { unitId: ring.unitId, scopes: ['registry:read'], name: 'matrix outside' } }, await p.login(level.admin!)),
        );
      });
      it(`${level.name} (${level.admin}) · revokeApiKey of a key of ${ring.label} → NOT_FOUND`, async () => {
        await expectRefused('NOT_FOUND', async () => p.gql(DOC.revokeApiKey, { id: keys.perRing[ring.index].id }, await p.login(level.admin!)));
        const [row] = await sql<{ revoked_at: Date | null }>('select revoked_at from api_key where id = ?', [Number(keys.perRing[ring.index].id)]);
        expect(row.revoked_at).toBeNull();
      });
    }

    if (level.parentRegion) {
      it(`${level.name} (${level.admin}) · createApiKey for the parent unit (a wider jurisdiction) → NOT_FOUND`, async () => {
        const parentUnit = await unitIdOf(level.parentRegion!);
        await expectRefused('NOT_FOUND', async () =>
          p.gql(DOC.createApiKey, { input: { unitId: parentUnit, scopes: ['registry:read'], name: 'matrix parent' } }, await p.login(level.admin!)),
        );
      });
    }

    it(`${level.name} (${level.admin}) · revokeApiKey of the own-ring key → ok, audited`, async () => {
      const key = keys.perRing[level.index];
      const since = await maxAuditId();
      const data = expectOk(await p.gql(DOC.revokeApiKey, { id: key.id }, await p.login(level.admin!)));
      expect(data.revokeApiKey.revokedAt).not.toBeNull();
      const rows = await auditSince(since);
      expect(rows.map((r) => [r.entityType, r.entityId, r.action, r.operation, r.actorName])).toEqual([['ApiKey', key.id, 'update', 'revokeApiKey', level.admin]]);
      // a revoked key no longer authenticates
      const res = await p.gql(DOC.me, {}, key.secret);
      expect(res.status).toBe(401);
    });
  }

  it('the county API key (registry:read) is the county: me shows its jurisdiction and scopes', async () => {
    const me = expectOk(await p.gql(DOC.me, {}, keys.countyRead.secret)).me;
    expect(me).toEqual({ kind: 'apiKey', name: 'apikey:matrix county reader', role: 'SYSTEM', permissions: ['registry:read'], jurisdiction: ['370102'], unit: { code: '370102' } });
  });
});

// ================================================================================ wrong role

/**
 * Every operation with a document that would succeed for a permitted caller inside its jurisdiction, so
 * that only the missing permission can refuse it. `vars` may use the county fixtures (ring 1).
 */
interface Operation {
  type: 'Query' | 'Mutation';
  name: string;
  permission: string | null;
  doc: string;
  vars: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

const ALL_OPERATIONS: Operation[] = [
  { type: 'Query', name: 'me', permission: 'authenticated', doc: DOC.me, vars: () => ({}) },
  { type: 'Query', name: 'regions', permission: 'registry:read', doc: `{ regions { code } }`, vars: () => ({}) },
  { type: 'Query', name: 'region', permission: 'registry:read', doc: `{ region(code: "370102") { code } }`, vars: () => ({}) },
  { type: 'Query', name: 'units', permission: 'registry:read', doc: `{ units { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'unit', permission: 'registry:read', doc: `query($id: ID!) { unit(id: $id) { id } }`, vars: () => ({ id: rings[1].unitId }) },
  { type: 'Query', name: 'entities', permission: 'registry:read', doc: DOC.entities, vars: () => ({}) },
  { type: 'Query', name: 'entity', permission: 'registry:read', doc: DOC.entityById, vars: () => ({ id: rings[0].entity.id }) },
  { type: 'Query', name: 'entityCountsByRegion', permission: 'registry:read', doc: DOC.entityCounts, vars: () => ({ parent: '370102' }) },
  { type: 'Query', name: 'shops', permission: 'registry:read', doc: DOC.shops, vars: () => ({}) },
  { type: 'Query', name: 'shop', permission: 'registry:read', doc: DOC.shop, vars: () => ({ id: rings[0].shop.id }) },
  { type: 'Query', name: 'shopCountsByRegion', permission: 'registry:read', doc: DOC.shopCounts, vars: () => ({ parent: '370102' }) },
  { type: 'Query', name: 'auditEntries', permission: 'audit:read', doc: DOC.auditEntries, vars: () => ({}) },
  { type: 'Query', name: 'importBatches', permission: 'registry:import', doc: DOC.importBatches, vars: () => ({}) },
  { type: 'Query', name: 'apiKeys', permission: 'apikeys:manage', doc: DOC.apiKeys, vars: () => ({}) },
  { type: 'Query', name: 'changes', permission: 'market:read', doc: `{ changes { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'crawlRuns', permission: 'market:read', doc: `{ crawlRuns { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'crawlRun', permission: 'market:read', doc: `{ crawlRun(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'listing', permission: 'market:read', doc: `{ listing(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'priceIndex', permission: 'market:read', doc: `{ priceIndex(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { avgPrice } }`, vars: () => ({}) },
  { type: 'Query', name: 'listingCounts', permission: 'market:read', doc: `{ listingCounts(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { listings } }`, vars: () => ({}) },
  { type: 'Query', name: 'priceMoves', permission: 'market:read', doc: `{ priceMoves(range: { from: "2026-11-01T00:00:00Z", to: "2026-11-08T00:00:00Z" }) { kind } }`, vars: () => ({}) },
  { type: 'Query', name: 'marketCategories', permission: 'market:read', doc: `{ marketCategories { path } }`, vars: () => ({}) },
  { type: 'Query', name: 'findings', permission: 'market:read', doc: `{ findings { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'ruleLexicon', permission: 'market:read', doc: `{ ruleLexicon { version } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'updateRuleLexicon', permission: 'rules:manage', doc: `mutation { updateRuleLexicon(lexicon: { absoluteTerms: [] }) { version } }`, vars: () => ({}) },
  { type: 'Query', name: 'rules', permission: 'market:read', doc: `{ rules { id enabled } }`, vars: () => ({}) },
  { type: 'Query', name: 'clues', permission: 'clues:read', doc: `{ clues { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'clue', permission: 'clues:read', doc: `{ clue(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'clueCountsByUnit', permission: 'clues:read', doc: `{ clueCountsByUnit { open overdue } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'raiseClueFromFinding', permission: 'clues:handle', doc: `mutation { raiseClueFromFinding(findingId: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'createClue', permission: 'clues:handle', doc: `mutation($i: CreateClueInput!) { createClue(input: $i) { id } }`, vars: () => ({ i: { shopId: rings[0].shop.id, title: '角色测试线索', description: '角色测试', source: 'MANUAL' } }) },
  { type: 'Mutation', name: 'registerClue', permission: 'clues:handle', doc: `mutation { registerClue(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'assignClue', permission: 'clues:handle', doc: `mutation { assignClue(input: { clueId: "1" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'handleClue', permission: 'clues:handle', doc: `mutation { handleClue(input: { clueId: "1", outcome: VERIFIED, note: "role" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'feedbackClue', permission: 'clues:handle', doc: `mutation { feedbackClue(id: "1", note: "role") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'archiveClue', permission: 'clues:handle', doc: `mutation { archiveClue(id: "1", reason: "role") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'complaints', permission: 'complaints:read', doc: `{ complaints { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'complaint', permission: 'complaints:read', doc: `{ complaint(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'complaintCountsByUnit', permission: 'complaints:read', doc: `{ complaintCountsByUnit(from: "2026-11-01", to: "2026-11-30") { received } }`, vars: () => ({}) },
  { type: 'Query', name: 'complaintsCsv', permission: 'complaints:read', doc: `{ complaintsCsv }`, vars: () => ({}) },
  { type: 'Mutation', name: 'submitComplaint', permission: 'complaints:handle', doc: `mutation { submitComplaint(input: { kind: COMPLAINT, complainant: { name: "王小明" }, shopId: "1", title: "t", description: "d" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'acceptComplaint', permission: 'complaints:handle', doc: `mutation { acceptComplaint(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'rejectComplaint', permission: 'complaints:handle', doc: `mutation { rejectComplaint(id: "1", reason: "r") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'startComplaintMediation', permission: 'complaints:handle', doc: `mutation { startComplaintMediation(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'resolveComplaint', permission: 'complaints:handle', doc: `mutation { resolveComplaint(input: { id: "1", result: AGREEMENT }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'closeComplaint', permission: 'complaints:handle', doc: `mutation { closeComplaint(input: { id: "1", feedback: SATISFIED }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'raiseClueFromComplaint', permission: 'complaints:handle', doc: `mutation { raiseClueFromComplaint(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'reassignComplaint', permission: 'complaints:handle', doc: `mutation { reassignComplaint(id: "1", unitId: "1", reason: "r") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'platforms', permission: 'registry:read', doc: `{ platforms { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'registerPlatform', permission: 'apikeys:manage', doc: `mutation { registerPlatform(input: { code: "x1", name: "x1" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'createPlatformApiKey', permission: 'apikeys:manage', doc: `mutation { createPlatformApiKey(platformId: "1", name: "k") { secret } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'reportPlatformShops', permission: 'platforms:report', doc: `mutation { reportPlatformShops(input: { reportId: "r", mode: DELTA, shops: [] }) { status } }`, vars: () => ({}) },
  { type: 'Query', name: 'platformReport', permission: 'platforms:report', doc: `{ platformReport(reportId: "r") { status } }`, vars: () => ({}) },
  { type: 'Query', name: 'platformReports', permission: 'registry:read', doc: `{ platformReports { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'platformReportingStats', permission: 'registry:read', doc: `{ platformReportingStats(month: "2026-11") { reports } }`, vars: () => ({}) },
  { type: 'Query', name: 'reconciliationConflicts', permission: 'registry:read', doc: `{ reconciliationConflicts { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'conflictCounts', permission: 'registry:read', doc: `{ conflictCounts { open } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'dismissConflict', permission: 'registry:write', doc: `mutation { dismissConflict(id: "1", reason: "rr") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'raiseClueFromConflict', permission: 'clues:handle', doc: `mutation { raiseClueFromConflict(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'reconcileRegister', permission: 'registry:write', doc: `mutation { reconcileRegister { opened } }`, vars: () => ({}) },
  { type: 'Query', name: 'selfFilings', permission: 'registry:read', doc: `{ selfFilings { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'selfFiling', permission: 'registry:read', doc: `{ selfFiling(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'acceptSelfFiling', permission: 'registry:write', doc: `mutation { acceptSelfFiling(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'returnSelfFiling', permission: 'registry:write', doc: `mutation { returnSelfFiling(id: "1", reason: "r") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'revokeSelfFiling', permission: 'registry:write', doc: `mutation { revokeSelfFiling(id: "1", reason: "r") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolPlans', permission: 'patrols:read', doc: `{ patrolPlans { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolPlan', permission: 'patrols:read', doc: `{ patrolPlan(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolTasks', permission: 'patrols:read', doc: `{ patrolTasks(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolRecords', permission: 'patrols:read', doc: `{ patrolRecords(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolRecord', permission: 'patrols:read', doc: `{ patrolRecord(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'patrolCoverage', permission: 'patrols:read', doc: `{ patrolCoverage(from: "2026-11-01", to: "2026-11-30") { coverage } }`, vars: () => ({}) },
  { type: 'Query', name: 'campaignProgress', permission: 'patrols:read', doc: `{ campaignProgress(planId: "1") { targeted } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'createPatrolPlan', permission: 'patrols:plan', doc: `mutation { createPatrolPlan(input: { kind: ROUTINE, name: "x" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'closePatrolPlan', permission: 'patrols:plan', doc: `mutation { closePatrolPlan(id: "1", reason: "x") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'generatePatrolTasks', permission: 'patrols:plan', doc: `mutation { generatePatrolTasks(month: "2026-12") { created } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'filePatrolRecord', permission: 'patrols:handle', doc: `mutation { filePatrolRecord(input: { shopId: "1", mode: ONLINE, outcome: COMPLIANT, checklist: [{ key: "licence-shown", result: PASS }] }) { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'infoReports', permission: 'office:read', doc: `{ infoReports(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'infoReport', permission: 'office:read', doc: `{ infoReport(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'infoReportCountsByUnit', permission: 'office:read', doc: `{ infoReportCountsByUnit(from: "2026-01-01", to: "2026-12-31") { drafted } }`, vars: () => ({}) },
  { type: 'Query', name: 'noticeInbox', permission: 'office:read', doc: `{ noticeInbox { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'noticesSent', permission: 'office:read', doc: `{ noticesSent { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'notice', permission: 'office:read', doc: `{ notice(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'loginCompliance', permission: 'office:read', doc: `{ loginCompliance(month: "2026-10") { compliance } }`, vars: () => ({}) },
  { type: 'Query', name: 'trainingSessions', permission: 'office:read', doc: `{ trainingSessions(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'publicityActivities', permission: 'office:read', doc: `{ publicityActivities(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'consumerWarnings', permission: 'office:read', doc: `{ consumerWarnings(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'unitResources', permission: 'office:read', doc: `{ unitResources(unitId: "1") { staff { name } } }`, vars: () => ({}) },
  { type: 'Query', name: 'resourceMinimums', permission: 'office:read', doc: `{ resourceMinimums { checked } }`, vars: () => ({}) },
  { type: 'Query', name: 'workPlans', permission: 'office:read', doc: `{ workPlans(first: 1) { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'workPlanStatus', permission: 'office:read', doc: `{ workPlanStatus(year: 2026) { published } }`, vars: () => ({}) },
  { type: 'Query', name: 'workPlansFromAbove', permission: 'office:read', doc: `{ workPlansFromAbove(year: 2026) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'draftInfoReport', permission: 'office:work', doc: `mutation { draftInfoReport(input: { kind: WORK_INFO, title: "t", body: "b", periodStart: "2026-01-01", periodEnd: "2026-03-31" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'reviseInfoReport', permission: 'office:work', doc: `mutation { reviseInfoReport(input: { id: "1", body: "b2" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'submitInfoReport', permission: 'office:work', doc: `mutation { submitInfoReport(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'forwardInfoReport', permission: 'office:review', doc: `mutation { forwardInfoReport(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'approveInfoReport', permission: 'office:review', doc: `mutation { approveInfoReport(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'returnInfoReport', permission: 'office:review', doc: `mutation { returnInfoReport(id: "1", comment: "c") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'sendNotice', permission: 'office:review', doc: `mutation { sendNotice(input: { title: "t", body: "b", unitIds: ["2"] }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'sendMessage', permission: 'office:work', doc: `mutation { sendMessage(input: { toUnitId: "2", title: "t", body: "b" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'markNoticeRead', permission: 'office:read', doc: `mutation { markNoticeRead(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'replyToNotice', permission: 'office:work', doc: `mutation { replyToNotice(input: { noticeId: "1", body: "b" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'recordTrainingSession', permission: 'office:work', doc: `mutation { recordTrainingSession(input: { form: LECTURE, topic: "t", heldOn: "2026-11-02", hours: 2.5, participants: [{ unitId: "1", count: 3 }] }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'recordPublicityActivity', permission: 'office:work', doc: `mutation { recordPublicityActivity(input: { kind: EVENT, title: "t", audience: "a", reach: 10, heldOn: "2026-03-15" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'draftConsumerWarning', permission: 'office:work', doc: `mutation { draftConsumerWarning(input: { title: "t", text: "x", category: "网络购物" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'designateStaff', permission: 'office:work', doc: `mutation { designateStaff(input: { unitId: "1", name: "张伟", assignment: FULL_TIME, since: "2026-01-05" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'endStaffDesignation', permission: 'office:work', doc: `mutation { endStaffDesignation(id: "1", until: "2026-12-01") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'declareEquipment', permission: 'office:work', doc: `mutation { declareEquipment(input: { unitId: "1", computers: 1, printers: 0, cameras: 0, evidenceDevices: 0 }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'saveWorkPlan', permission: 'office:work', doc: `mutation { saveWorkPlan(input: { year: 2027, title: "t", body: "b" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'publishConsumerWarning', permission: 'office:review', doc: `mutation { publishConsumerWarning(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'withdrawConsumerWarning', permission: 'office:review', doc: `mutation { withdrawConsumerWarning(id: "1", reason: "r") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'publishWorkPlan', permission: 'office:review', doc: `mutation { publishWorkPlan(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'workingCalendar', permission: 'authenticated', doc: `{ workingCalendar(from: "2026-10-01", to: "2026-10-08") { day working } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'setCalendarDay', permission: 'calendar:manage', doc: `mutation { setCalendarDay(input: { day: "2031-01-01", working: false, name: "元旦" }) { day } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'clearCalendarDay', permission: 'calendar:manage', doc: `mutation { clearCalendarDay(day: "2031-01-01") }`, vars: () => ({}) },
  { type: 'Query', name: 'assessmentResults', permission: 'assessment:read', doc: `{ assessmentResults(year: 2026, level: COUNTY) { rank total } }`, vars: () => ({}) },
  { type: 'Query', name: 'assessmentResult', permission: 'assessment:read', doc: `{ assessmentResult(unitId: "1", year: 2026) { total items { explanation } } }`, vars: () => ({}) },
  { type: 'Query', name: 'assessmentYears', permission: 'assessment:read', doc: `{ assessmentYears }`, vars: () => ({}) },
  { type: 'Query', name: 'assessmentSchemes', permission: 'assessment:read', doc: `{ assessmentSchemes { id version } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'saveAssessmentScheme', permission: 'assessment:manage', doc: `mutation { saveAssessmentScheme(scheme: { id: "hongdun-annual" }) { id version } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'runAssessment', permission: 'assessment:manage', doc: `mutation { runAssessment(year: 2026) { units } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'recordAssessmentBonus', permission: 'assessment:manage', doc: `mutation { recordAssessmentBonus(input: { unitId: "1", year: 2026, bonusKey: "typical_experience", count: 1, note: "n" }) { count } }`, vars: () => ({}) },
  { type: 'Query', name: 'metrics', permission: 'metrics:read', doc: `{ metrics(keys: ["shops_filed"], from: "2026-11", to: "2026-11") { key value } }`, vars: () => ({}) },
  { type: 'Query', name: 'metricCatalog', permission: 'metrics:read', doc: `{ metricCatalog { key } }`, vars: () => ({}) },
  { type: 'Query', name: 'metricsOverDays', permission: 'metrics:read', doc: `{ metricsOverDays(keys: ["shops_filed"], from: "2026-11-01", to: "2026-11-07") { key value } }`, vars: () => ({}) },
  { type: 'Query', name: 'monthlyReports', permission: 'reports:read', doc: `{ monthlyReports(month: "2026-10") { id files { url } } }`, vars: () => ({}) },
  { type: 'Query', name: 'monthlyReport', permission: 'reports:read', doc: `{ monthlyReport(unitId: "1", month: "2026-10") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'generateMonthlyReport', permission: 'reports:generate', doc: `mutation { generateMonthlyReport(month: "2026-10", unitId: "1") { units } }`, vars: () => ({}) },
  { type: 'Query', name: 'cases', permission: 'cases:read', doc: `{ cases { totalCount } }`, vars: () => ({}) },
  { type: 'Query', name: 'case', permission: 'cases:read', doc: `{ case(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Query', name: 'caseDocument', permission: 'cases:read', doc: `{ caseDocument(caseId: "1", kind: EVIDENCE_RECORD) { html } }`, vars: () => ({}) },
  { type: 'Query', name: 'clueAssignmentNotice', permission: 'clues:read', doc: `{ clueAssignmentNotice(clueId: "1") { html } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'openCase', permission: 'cases:handle', doc: `mutation { openCase(input: { clueIds: ["1"] }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'approveFiling', permission: 'cases:handle', doc: `mutation { approveFiling(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'rejectFiling', permission: 'cases:handle', doc: `mutation { rejectFiling(id: "1", reason: "role") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'transferCase', permission: 'cases:handle', doc: `mutation { transferCase(id: "1", reason: "role") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'startInvestigation', permission: 'cases:handle', doc: `mutation { startInvestigation(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'addEvidence', permission: 'cases:handle', doc: `mutation { addEvidence(input: { caseId: "1", note: "role" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'addCaseFile', permission: 'cases:handle', doc: `mutation { addCaseFile(input: { caseId: "1", fileName: "role.txt", contentBase64: "cm9sZQ==" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'issuePriorNotice', permission: 'cases:handle', doc: `mutation { issuePriorNotice(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'decidePenalty', permission: 'cases:handle', doc: `mutation { decidePenalty(input: { caseId: "1", fineAmount: "1", legalBasis: [{ law: "l", article: "a" }] }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'recordExecution', permission: 'cases:handle', doc: `mutation { recordExecution(id: "1", note: "role") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'closeCase', permission: 'cases:handle', doc: `mutation { closeCase(id: "1") { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'setRuleEnabled', permission: 'rules:manage', doc: `mutation { setRuleEnabled(input: { ruleId: "licence-missing", regionCode: "370102", enabled: false }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'startCrawl', permission: 'crawl:start', doc: `mutation { startCrawl(input: { kind: SHOPS, regionCode: "370102" }) { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'login', permission: null, doc: DOC.login, vars: () => ({ u: 'x370102-analyst', p: 'hongdun-demo' }) },
  { type: 'Mutation', name: 'logout', permission: 'authenticated', doc: DOC.logout, vars: () => ({}) },
  { type: 'Mutation', name: 'createEntity', permission: 'registry:write', doc: DOC.createEntity, vars: async () => ({ input: { uscc: await freshUscc(rings[0].town), name: '角色测试有限公司', regionCode: rings[0].town } }) },
  { type: 'Mutation', name: 'updateEntity', permission: 'registry:write', doc: DOC.updateEntity, vars: () => ({ id: rings[0].entity.id, input: { name: '角色测试更名有限公司' } }) },
  { type: 'Mutation', name: 'createShop', permission: 'registry:write', doc: DOC.createShop, vars: () => ({ input: { name: '角色测试店', platform: '淘宝', url: freshUrl(), classification: 'PLATFORM_MERCHANT', regionCode: rings[0].town } }) },
  { type: 'Mutation', name: 'fileShop', permission: 'registry:write', doc: DOC.fileShop, vars: () => ({ input: { shopId: rings[0].shop.id, entityId: rings[0].entity.id, classification: 'PLATFORM' } }) },
  { type: 'Mutation', name: 'maintainShop', permission: 'registry:write', doc: DOC.maintainShop, vars: () => ({ input: { shopId: rings[0].shop.id, action: 'LINK_DEAD', note: 'role' } }) },
  { type: 'Query', name: 'registrationChanges', permission: 'registry:read', doc: SHARED_DOC.registrationChanges, vars: () => ({}) },
  { type: 'Query', name: 'penalties', permission: 'registry:read', doc: SHARED_DOC.penalties, vars: () => ({}) },
  { type: 'Mutation', name: 'importRegistrationChanges', permission: 'registry:import', doc: SHARED_DOC.importRegistrationChanges, vars: () => ({ input: { fileName: 'role.csv', contentBase64: changesBase64([[rings[0].entity.uscc, '变更', '经营期限', '', '长期', '2023-06-01']]), strict: false } }) },
  { type: 'Mutation', name: 'importPenalties', permission: 'registry:import', doc: SHARED_DOC.importPenalties, vars: () => ({ input: { fileName: 'role.csv', contentBase64: penaltiesBase64([['角色处罚〔2023〕1号', rings[0].entity.uscc, '警告', '', '2023-06-01']]), strict: false } }) },
  { type: 'Mutation', name: 'importEntities', permission: 'registry:import', doc: DOC.importEntities, vars: async () => ({ input: { fileName: 'role.csv', contentBase64: csvBase64([[await freshUscc(rings[0].town), '角色测试有限公司', rings[0].town]]), strict: false } }) },
  { type: 'Mutation', name: 'createApiKey', permission: 'apikeys:manage', doc: DOC.createApiKey, vars: () => ({ input: { unitId: rings[0].unitId, scopes: ['registry:read'], name: 'role test' } }) },
  { type: 'Mutation', name: 'revokeApiKey', permission: 'apikeys:manage', doc: DOC.revokeApiKey, vars: () => ({ id: keys.countyRead.id }) },
  { type: 'Query', name: 'users', permission: 'users:manage', doc: `{ users { id } }`, vars: () => ({}) },
  { type: 'Mutation', name: 'createUser', permission: 'users:manage', doc: `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, vars: () => ({ i: { username: `role.test.${Date.now()}`, displayName: '角色测试', unitId: rings[0].unitId, role: 'ANALYST', password: 'role-test-password' } }) },
  { type: 'Mutation', name: 'setUserActive', permission: 'users:manage', doc: `mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }`, vars: async () => ({ id: String((await sql<{ id: number }>(`select id from app_user where username = '370102-s01-leader'`))[0].id) }) },
  { type: 'Mutation', name: 'resetPassword', permission: 'users:manage', doc: `mutation($id: ID!) { resetPassword(id: $id, password: "role-test-password") { id } }`, vars: async () => ({ id: String((await sql<{ id: number }>(`select id from app_user where username = '370102-s01-leader'`))[0].id) }) },
  { type: 'Mutation', name: 'changePassword', permission: 'authenticated', doc: `mutation { changePassword(currentPassword: "x", newPassword: "role-test-password") }`, vars: () => ({}) },
  { type: 'Mutation', name: 'createStation', permission: 'units:manage', doc: `mutation($i: CreateStationInput!) { createStation(input: $i) { id } }`, vars: async () => ({ i: { countyUnitId: String((await sql<{ id: number }>(`select id from unit where code = '370102'`))[0].id), name: '角色测试市场监管所', towns: ['370102001'] } }) },
];

/** Users without write permissions, at every level: each mutation must be FORBIDDEN for them. */
const WRONG_ROLE_USERS = ['sd-analyst', 'sd-leader', 'c3701-analyst', 'c3701-leader', 'x370102-analyst', 'x370102-leader', '370102-s01-leader'];
/** One user of every role (county level, plus the station roles) for the full role × operation sweep. */
const ROLE_SWEEP_USERS = ['x370102-leader', 'x370102-analyst', 'x370102-inspector', 'x370102-admin', '370102-s01-inspector', '370102-s01-leader'];
const ROLE_OF: Record<string, Role> = { leader: Role.LEADER, analyst: Role.ANALYST, inspector: Role.INSPECTOR, admin: Role.ADMIN };
const roleOf = (username: string) => ROLE_OF[username.split('-').pop()!];

describe('wrong role: FORBIDDEN, nothing written', () => {
  const mutations = ALL_OPERATIONS.filter((o) => o.type === 'Mutation' && o.permission !== null && o.permission !== 'authenticated');
  for (const user of WRONG_ROLE_USERS) {
    for (const op of mutations) {
      if (ROLE_PERMISSIONS[roleOf(user)].includes(op.permission as Permission)) continue; // e.g. analysts start crawls
      it(`${user} · ${op.name} → FORBIDDEN`, async () => {
        const vars = await op.vars();
        await expectRefused('FORBIDDEN', async () => p.gql(op.doc, vars, await p.login(user)));
      });
    }
  }

  // every role × every operation needing a permission: FORBIDDEN exactly when the role lacks it
  for (const user of ROLE_SWEEP_USERS) {
    const held = new Set<string>(ROLE_PERMISSIONS[roleOf(user)]);
    for (const op of ALL_OPERATIONS) {
      if (op.permission === null || op.permission === 'authenticated' || held.has(op.permission)) continue;
      it(`${user} (${roleOf(user)}) · ${op.type}.${op.name} needs ${op.permission} → FORBIDDEN`, async () => {
        const vars = await op.vars();
        await expectRefused('FORBIDDEN', async () => p.gql(op.doc, vars, await p.login(user)));
      });
    }
  }

  it('the county API key with registry:read only: every mutation and the other reads are FORBIDDEN', async () => {
    for (const op of ALL_OPERATIONS) {
      if (op.permission === null || op.permission === 'authenticated' || op.permission === 'registry:read') continue;
      const vars = await op.vars();
      const before = await fingerprint();
      const r = await p.gql(op.doc, vars, keys.countyRead.secret);
      expect(codes(r), `${op.name}: ${describeResult(r)}`).toEqual(['FORBIDDEN']);
      expect(await fingerprint()).toEqual(before);
    }
  });
});

// ======================================================================== anonymous and bad tokens

describe('anonymous and bad tokens', () => {
  it('the operation table lists every Query and Mutation field of the schema', async () => {
    const r = await p.gql(`{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`);
    const schema = expectOk(r).__schema;
    const fields = [
      ...schema.queryType.fields.map((f: any) => `Query.${f.name}`),
      ...schema.mutationType.fields.map((f: any) => `Mutation.${f.name}`),
    ].sort();
    expect(ALL_OPERATIONS.map((o) => `${o.type}.${o.name}`).sort()).toEqual(fields);
  });

  for (const op of ALL_OPERATIONS) {
    if (op.permission === null) {
      it(`anonymous · ${op.type}.${op.name} → allowed`, async () => {
        expectOk(await p.gql(op.doc, await op.vars()));
      });
      continue;
    }
    it(`anonymous · ${op.type}.${op.name} → UNAUTHENTICATED, nothing written`, async () => {
      const vars = await op.vars();
      await expectRefused('UNAUTHENTICATED', () => p.gql(op.doc, vars));
    });
  }

  interface BadToken {
    name: string;
    header: () => Promise<string>;
  }
  const freshSession = async (username: string) => {
    const r = await p.gql(DOC.login, { u: username, p: 'hongdun-demo' });
    return expectOk(r).login.token as string;
  };
  const BAD_TOKENS: BadToken[] = [
    { name: 'unknown session token', header: async () => 'Bearer hds_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    { name: 'unknown API key', header: async () => 'Bearer hdk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    { name: 'token of no known kind', header: async () => 'Bearer not-a-token' },
    { name: 'not a bearer header', header: async () => 'Basic eC0zNzAxMDItYWRtaW46aG9uZ2R1bi1kZW1v' },
    {
      name: 'expired session',
      header: async () => {
        const token = await freshSession('x370103-analyst');
        await sql("update session set expires_at = now() - interval '1 minute' where token_hash = ?", [sha256(token)]);
        return `Bearer ${token}`;
      },
    },
    {
      name: 'session ended by logout',
      header: async () => {
        const token = await freshSession('x370103-leader');
        expectOk(await p.gql(DOC.logout, {}, token));
        return `Bearer ${token}`;
      },
    },
    {
      name: 'revoked API key',
      header: async () => {
        const key = await issueKey(rings[0].unitId, ['registry:read'], 'matrix revoked');
        expectOk(await p.gql(DOC.revokeApiKey, { id: key.id }, await p.login('sd-admin')));
        return `Bearer ${key.secret}`;
      },
    },
  ];

  for (const bad of BAD_TOKENS) {
    for (const op of [ALL_OPERATIONS.find((o) => o.name === 'shops')!, ALL_OPERATIONS.find((o) => o.name === 'createEntity')!, ALL_OPERATIONS.find((o) => o.name === 'login')!]) {
      it(`${bad.name} · ${op.name} → HTTP 401, nothing written`, async () => {
        const header = await bad.header();
        const vars = await op.vars();
        const before = await fingerprint();
        const res = await fetch(`${p.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: header },
          body: JSON.stringify({ query: op.doc, variables: vars }),
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        const body = (await res.json()) as GqlResult;
        expect(body.data).toBeUndefined();
        expect(codes(body as GqlResult)).toEqual(['UNAUTHENTICATED']);
        expect(await fingerprint()).toEqual(before);
      });
    }
  }
});
