/**
 * The compiled read path (services/reads, server/compiled-reads.ts) against the resolver path, on one
 * database with the demo province and its year of history (cases, clues, findings): for every query here,
 * as users of every level, both answer byte for byte the same (data and errors), and the compiled one does
 * it in one round trip per root field. Then the rule inside PostgreSQL: a raw `select * from shop` in a
 * county user's scope sees that county only, whatever the SQL says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorFromEntityManager, type ShopSnapshotRow } from '../store';
import { ALL_ENTITIES, JURISDICTION_FILTER, jurisdictionSql, prefixRange, runAs, User } from '../entities';
import { loadConfig } from '../kernel/config';
import { queryCounter, timeSeriesOf } from '../server/database';
import { ALL_JURISDICTION_TABLES } from '../server/migrations';
import { type Platform, startPlatform } from '../server/platform';
import { actorForUser } from '../services/access/actors';
import { loadDemoHistory } from '../demo/load-demo-history';
import { loadDemoProvince } from '../demo/load-demo-province';
import { scopedValue, sqlLiteral, withScopedSql } from '../services/reads/scoped-sql';
import { runAsSystem } from '../services/system-actor';
import { BACKEND, openTestDatabase, type TestDatabase } from './support/database';
import { DEMO_PASSWORD } from './support/platform';

let db: TestDatabase;
let compiled: Platform;
let resolvers: Platform;
const tokens = new Map<string, string>();

async function post(platform: Platform, query: string, variables: Record<string, unknown> | undefined, token: string | undefined): Promise<{ status: number; text: string }> {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, text: await res.text() };
}

async function login(username: string): Promise<string> {
  const known = tokens.get(username);
  if (known) return known;
  const r = await post(resolvers, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: DEMO_PASSWORD }, undefined);
  const token = JSON.parse(r.text).data.login.token as string;
  tokens.set(username, token);
  return token;
}

/** Queries the compiled platform answered by compiled SQL so far. */
async function compiledCount(): Promise<number> {
  const metric = await compiled.metrics.graphqlReadPath.get();
  return metric.values.find((v) => v.labels.path === 'compiled')?.value ?? 0;
}

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('test', () => db.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
}

beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'compiled', entities: 300 });
  await loadDemoHistory(db.orm, { seed: 'compiled' });
  // shop pages as the spiders saw them: every third shop once or twice (the newest is the latest snapshot),
  // one with nothing but the required fields; the others never crawled (latestSnapshot null)
  const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop order by id`);
  const snapshots: ShopSnapshotRow[] = [];
  shops.forEach((shop, i) => {
    if (i % 3 !== 0) return;
    for (let k = 0; k <= i % 3 + (i % 2); k++) {
      const bare = i % 9 === 0 && k === 0;
      snapshots.push({
        shopId: shop.id,
        regionCode: shop.region_code,
        observedAt: new Date(Date.UTC(2026, 10, 1 + k, 8, i % 60, 0, i % 1000)),
        title: bare ? null : `店铺 ${shop.id} 第${k + 1}次`,
        licenceName: bare ? null : `公司 ${shop.id}`,
        licenceUscc: bare ? null : `91370102MA${String(shop.id).padStart(8, '0')}`,
        licenceAddress: bare ? null : '济南市历下区 "引号" \\ 反斜杠',
        contact: bare ? null : '0531-1234567',
        listingCount: bare ? null : k * 7 + i,
        contentHash: `${k}`.repeat(64),
        evidenceSha256: bare ? null : 'e'.repeat(64),
        foodLicence: bare ? null : `JY${shop.id}`,
      });
    }
  });
  await runAsSystem('test', () => timeSeriesOf(db.orm)(executorFromEntityManager(db.orm.em.fork())).writeSnapshots(snapshots));
  const config = loadConfig({ port: 0, databaseUrl: db.url, dataDir: 'memory://', redisUrl: undefined, demo: false, patrolSchedules: false });
  compiled = await startPlatform({ ...config, compiledReads: true }, { orm: db.orm, worker: false });
  resolvers = await startPlatform({ ...config, compiledReads: false }, { orm: db.orm, worker: false });
}, 600_000);

afterAll(async () => {
  await compiled?.close();
  await resolvers?.close();
  await db?.close();
});

const SHOP_FIELDS = `id name platform url domain watchUrl icpNumber platformShopId classification regionCode filingStatus maintenanceStatus
  discoveredAt filedAt lastMaintainedAt createdAt updatedAt
  entity { id uscc name legalRepresentative address regionCode registrationStatus businessScope createdAt updatedAt region { code name level parent } }
  region { code name level parent } responsibleUnit { id code name level path regionCode jurisdiction parent { id code } }
  latestSnapshot { observedAt title licenceName licenceUscc licenceAddress contact foodLicence listingCount contentHash evidenceSha256 }`;

const CASE_FIELDS = `id caseNumber status regionCode title facts legalBasis fineAmount confiscation decision stageDeadline filedAt createdBy createdAt updatedAt overdue
  handlingUnit { id code name }
  shop { id name entity { id uscc name } }
  clues { id title status source ruleId regionCode description deadline overdue outcome assignedAt handledAt createdBy createdAt updatedAt
          assignedUnit { id name } shop { id }
          findings { id ruleId severity status detail evidence legalBasis trigger observedAt regionCode runId createdAt shop { id name } } }`;

const QUERIES: Array<{ label: string; query: string; variables?: Record<string, unknown>; resolvers?: true }> = [
  { label: 'shops, every plain field and relation', query: `query($after: String) { shops(first: 100, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { ${SHOP_FIELDS} } } }` },
  { label: 'shops, edges and nodes with aliases, fragments and __typename', query: `fragment S on Shop { id name } query { page: shops(first: 7) { __typename count: totalCount edges { cursor node { ...S kind: classification } __typename } nodes { ... on Shop { id regionCode } ...S } info: pageInfo { end: endCursor hasNextPage } } }` },
  { label: 'shops by name descending, filtered', query: `{ shops(first: 20, orderBy: { field: NAME, direction: DESC }, filter: { filingStatus: [FILED] }) { totalCount edges { cursor node { id name filingStatus } } } }` },
  { label: 'shops searched, by region, by platform, linked', query: `{ a: shops(first: 5, filter: { search: "店" }) { totalCount nodes { id name } } b: shops(first: 5, filter: { regionCode: "3701", linked: true }) { totalCount nodes { id entity { id } } } }` },
  { label: 'shops by discovery time', query: `{ shops(first: 30, orderBy: { field: DISCOVERED_AT, direction: DESC }) { pageInfo { endCursor hasNextPage } nodes { id discoveredAt } } }` },
  { label: 'shops, @include and @skip', query: `query($yes: Boolean!) { shops(first: 3) { totalCount @include(if: $yes) nodes { id name @skip(if: $yes) url @include(if: $yes) } } }`, variables: { yes: true } },
  { label: 'shops, nothing matches', query: `{ shops(first: 10, filter: { regionCode: "379999" }) { totalCount pageInfo { startCursor endCursor hasNextPage } nodes { id } } }` },
  { label: 'shops, size 0', query: `{ shops(first: 0) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }` },
  { label: 'entities', query: `{ entities(first: 50, orderBy: { field: USCC, direction: ASC }) { totalCount pageInfo { endCursor hasNextPage } nodes { id uscc name registrationStatus region { code name } } } }` },
  { label: 'cases, deep', query: `{ cases(first: 50) { totalCount pageInfo { endCursor hasNextPage } nodes { ${CASE_FIELDS} } } }` },
  { label: 'clues with findings', query: `{ clues(first: 50) { totalCount nodes { id title status overdue shop { id name responsibleUnit { name } } findings { id ruleId legalBasis } } } }` },
  { label: 'findings', query: `{ findings(first: 100) { totalCount pageInfo { endCursor hasNextPage } nodes { id ruleId severity status detail evidence trigger legalBasis observedAt shop { id name } } } }` },
  { label: 'shops with the latest snapshot only', query: `{ shops(first: 60) { nodes { id latestSnapshot { observedAt listingCount } } } }` },
  { label: 'an invalid page size (refused by both the same way)', query: `{ shops(first: 500) { nodes { id } } }`, resolvers: true },
  { label: 'a bad cursor', query: `{ shops(first: 5, after: "nonsense") { nodes { id } } }`, resolvers: true },
  { label: 'an unknown unit', query: `{ cases(first: 5, filter: { unitId: "999999" }) { nodes { id } } }`, resolvers: true },
];

const USERS = ['sd-admin', 'c3701-leader', 'x370102-inspector', '370102-s01-inspector', 'c3702-inspector'];

describe(`compiled reads (${BACKEND})`, () => {
  it('answer every query as the resolvers do, for users of every level, following cursors', async () => {
    let compared = 0;
    for (const username of USERS) {
      const token = await login(username);
      for (const { label, query, variables, resolvers: byResolvers } of QUERIES) {
        const a = await post(resolvers, query, variables, token);
        const before = await compiledCount();
        const b = await post(compiled, query, variables, token);
        // the query took the path it should (not both answered by the resolvers)
        const forbidden = JSON.parse(a.text).errors?.some((e: { extensions?: { code?: string } }) => e.extensions?.code === 'FORBIDDEN');
        expect((await compiledCount()) - before, `${label} as ${username}: compiled`).toBe(byResolvers || forbidden ? 0 : 1);
        expect(b.status, `${label} as ${username}`).toBe(a.status);
        expect(JSON.parse(b.text), `${label} as ${username}`).toEqual(JSON.parse(a.text));
        expect(b.text, `${label} as ${username}: same bytes`).toBe(a.text);
        compared++;
        // the next two pages, by the cursor the first one gave
        let after = JSON.parse(a.text).data?.shops?.pageInfo?.endCursor ?? JSON.parse(a.text).data?.cases?.pageInfo?.endCursor;
        for (let i = 0; i < 2 && after && query.includes('$after'); i++) {
          const next = await post(resolvers, query, { ...variables, after }, token);
          const nextCompiled = await post(compiled, query, { ...variables, after }, token);
          expect(nextCompiled.text, `${label} as ${username}, page ${i + 2}`).toBe(next.text);
          after = JSON.parse(next.text).data.shops.pageInfo.endCursor;
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(QUERIES.length * USERS.length);
  }, 300_000);

  it('the demo history gives the deep page something to read', async () => {
    const [row] = await sql<{ cases: string; clues: string; links: string }>(
      `select (select count(*) from legal_case) as cases, (select count(*) from clue) as clues, (select count(*) from clue_finding) as links`,
    );
    expect(Number(row.cases)).toBeGreaterThan(10);
    expect(Number(row.links)).toBeGreaterThan(10);
  });

  it('reads a shop, a case and a clue by id as the resolvers do; absent and outside answer NOT_FOUND as before', async () => {
    const token = await login('x370102-inspector');
    const [inside] = await sql<{ id: number }>(`select id from shop where region_code like '370102%' order by id limit 1`);
    const [outside] = await sql<{ id: number }>(`select id from shop where region_code like '3702%' order by id limit 1`);
    const [kase] = await sql<{ id: number }>(`select id from legal_case where region_code like '370102%' order by id limit 1`);
    for (const [query, id] of [
      [`query($id: ID!) { shop(id: $id) { ${SHOP_FIELDS} } }`, inside.id],
      [`query($id: ID!) { shop(id: $id) { id name } }`, outside.id],
      [`query($id: ID!) { shop(id: $id) { id } }`, 999999999],
      [`query($id: ID!) { shop(id: $id) { id } }`, 'x'],
      [`query($id: ID!) { case(id: $id) { ${CASE_FIELDS} } }`, kase?.id ?? 1],
    ] as const) {
      const a = await post(resolvers, query, { id: String(id) }, token);
      const b = await post(compiled, query, { id: String(id) }, token);
      expect(b.text).toBe(a.text);
    }
  });

  it('makes one round trip per root field, whatever the page size, where the resolvers make many', async () => {
    const token = await login('sd-admin');
    const query = `{ cases(first: 50) { totalCount nodes { ${CASE_FIELDS} } } }`;
    await post(compiled, query, undefined, token); // the session is looked up (or cached) before
    const before = queryCounter.count;
    await post(compiled, query, undefined, token);
    const compiledStatements = queryCounter.count - before;
    const middle = queryCounter.count;
    await post(resolvers, query, undefined, token);
    const resolverStatements = queryCounter.count - middle;
    // one round trip for the page (plus at most the session lookup)
    expect(compiledStatements).toBeLessThanOrEqual(2);
    expect(resolverStatements).toBeGreaterThan(compiledStatements);
  });

  it('plans a field with a permission of its own only for callers who hold it (market:read for latestSnapshot)', async () => {
    const [unit] = await sql<{ id: number }>(`select id from unit where region_code = '370102' order by id limit 1`);
    const created = await post(
      resolvers,
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { unitId: String(unit.id), scopes: ['registry:read'], name: 'compiled reads: registry only' } },
      await login('sd-admin'),
    );
    const key = JSON.parse(created.text).data.createApiKey.secret as string;
    const withSnapshot = `{ shops(first: 5) { nodes { id latestSnapshot { observedAt } } } }`;
    // the same query is planned (and its plan remembered) for a caller with market:read first
    const inspector = await post(compiled, withSnapshot, undefined, await login('x370102-inspector'));
    expect(JSON.parse(inspector.text).errors).toBeUndefined();
    const before = await compiledCount();
    const a = await post(resolvers, withSnapshot, undefined, key);
    const b = await post(compiled, withSnapshot, undefined, key);
    expect(await compiledCount()).toBe(before);
    expect(b.text).toBe(a.text);
    const errors = JSON.parse(b.text).errors as Array<{ extensions: { code: string } }>;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.extensions.code === 'FORBIDDEN')).toBe(true);
    // without the field, the key's page is a compiled read
    const plain = await post(compiled, `{ shops(first: 5) { nodes { id name } } }`, undefined, key);
    expect(JSON.parse(plain.text).data.shops.nodes).toHaveLength(5);
    expect(await compiledCount()).toBe(before + 1);
  });

  it('leaves mutations, unplanned fields and anonymous requests to the resolvers', async () => {
    const token = await login('sd-admin');
    for (const query of [`{ shops(first: 2) { nodes { id history { kind } } } }`, `{ shops(first: 2, last: 1) { nodes { id } } }`, `{ shops(first: 2) { nodes { id } } }`]) {
      const a = await post(resolvers, query, undefined, token);
      const b = await post(compiled, query, undefined, token);
      expect(b.text).toBe(a.text);
    }
    const anonymous = await post(compiled, `{ shops(first: 2) { nodes { id } } }`, undefined, undefined);
    expect(JSON.parse(anonymous.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forbidden = await post(compiled, `{ cases(first: 2) { nodes { id } } }`, undefined, await login('x370102-inspector'));
    expect(forbidden.status).toBe(200);
  });
});

describe(`row-level security (${BACKEND})`, () => {
  it('a raw select * from shop in a county user\'s scope returns that county\'s shops only', async () => {
    const em = db.orm.em.fork();
    const user = await runAsSystem('test', () => em.findOneOrFail(User, { username: 'x370102-inspector' }, { populate: ['unit'] }));
    const rows = await runAs(actorForUser(user), () => withScopedSql(db.orm.em.fork(), (sql) => sql.query<{ id: number; region_code: string }>('select * from shop')));
    const [expected] = await sql<{ n: string }>(`select count(*) as n from shop where region_code like '370102%'`);
    const [all] = await sql<{ n: string }>(`select count(*) as n from shop`);
    expect(rows.length).toBe(Number(expected.n));
    expect(Number(all.n)).toBeGreaterThan(rows.length);
    expect(rows.every((r) => r.region_code.startsWith('370102'))).toBe(true);
    // the same for the entities, cases and findings, and a join cannot reach past it either
    const joined = await runAs(actorForUser(user), () =>
      withScopedSql(db.orm.em.fork(), (sql) => sql.query<{ n: string }>(`select count(*) as n from legal_case c join shop s on s.id = c.shop_id where s.region_code not like '370102%' or c.region_code not like '370102%'`)),
    );
    expect(Number(joined[0].n)).toBe(0);
  });

  it('the jurisdiction condition of raw SQL is an index range even below the policy (a LIKE there is a filter over every row)', async () => {
    const em = db.orm.em.fork();
    const county = actorForUser(await runAsSystem('test', () => em.findOneOrFail(User, { username: 'x370102-inspector' }, { populate: ['unit'] })));
    const plan = await runAs(county, () => {
      const j = jurisdictionSql('region_code');
      return withScopedSql(db.orm.em.fork(), async (q) => {
        // whatever the statistics of this small database, the plan shows whether the condition can be an index range
        await q.query('set local enable_seqscan = off');
        let i = 0;
        const condition = j.sql.replace(/\?/g, () => sqlLiteral(j.params[i++]));
        return q.query<Record<string, unknown>>(`explain (format json) select count(*) from shop where ${condition}`);
      });
    });
    const text = JSON.stringify(plan);
    expect(text).toMatch(/"Index Cond":"[^"]*~>=~/);
    // the same codes as the ORM filter's LIKE, for every prefix of every region code
    const codes = (await sql<{ code: string }>(`select code from region`)).map((r) => r.code);
    const prefixes = [...new Set(codes.flatMap((c) => [c.slice(0, 2), c.slice(0, 4), c.slice(0, 6), c]))];
    for (const prefix of prefixes) {
      const [lo, hi] = prefixRange(prefix);
      expect(codes.filter((c) => c >= lo && c < hi), prefix).toEqual(codes.filter((c) => c.startsWith(prefix)));
    }
    const [{ n }] = await sql<{ n: number }>(
      `select count(*)::int as n from region r cross join (select distinct left(code, 6) as p from region) x
        where (r.code like x.p || '%') is distinct from (r.code ~>=~ x.p and r.code ~<~ (left(x.p, -1) || chr(ascii(right(x.p, 1)) + 1)))`,
    );
    expect(n).toBe(0);
  });

  it('scopedValue (the compiled reads\' statement) sees the caller\'s rows only, callers taking turns on the same connections', async () => {
    const em = db.orm.em.fork();
    const county = actorForUser(await runAsSystem('test', () => em.findOneOrFail(User, { username: 'x370102-inspector' }, { populate: ['unit'] })));
    const province = actorForUser(await runAsSystem('test', () => em.findOneOrFail(User, { username: 'sd-admin' }, { populate: ['unit'] })));
    const [inCounty] = await sql<{ n: string }>(`select count(*) as n from shop where region_code like '370102%'`);
    const [all] = await sql<{ n: string }>(`select count(*) as n from shop`);
    const count = (actor: typeof county) => runAs(actor, () => scopedValue<number>(db.orm.em.fork(), `select count(*)::int from shop`));
    const who = (actor: typeof county) => runAs(actor, () => scopedValue<string>(db.orm.em.fork(), `select current_user::text`));
    // more turns than connections in a pool, interleaved and concurrent
    const turns = await Promise.all(Array.from({ length: 24 }, (_, i) => count(i % 3 === 0 ? province : county)));
    expect(turns).toEqual(Array.from({ length: 24 }, (_, i) => Number(i % 3 === 0 ? all.n : inCounty.n)));
    expect(await who(county)).toBe('hongdun_reader');
    await expect(runAs(county, () => scopedValue(db.orm.em.fork(), `update shop set name = name`))).rejects.toThrow(/read-only|permission denied/);
    // a failed statement leaves no connection in another caller's scope
    await expect(runAs(province, () => scopedValue(db.orm.em.fork(), `select 1/0`))).rejects.toThrow(/division by zero/);
    expect(await Promise.all([count(county), count(county), count(county)])).toEqual([Number(inCounty.n), Number(inCounty.n), Number(inCounty.n)]);
    await expect(scopedValue(db.orm.em.fork(), `select 1`)).rejects.toThrow(/no actor/);
  });

  it('fails closed: no actor, no query; an actor without a jurisdiction sees nothing; the reading role cannot write', async () => {
    await expect(withScopedSql(db.orm.em.fork(), (sql) => sql.query('select 1'))).rejects.toThrow(/no actor/);
    const nobody = { kind: 'user' as const, id: 0, name: 'nobody', unitId: null, role: 'inspector', permissions: new Set<string>(), prefixes: [] };
    const rows = await runAs(nobody, () => withScopedSql(db.orm.em.fork(), (sql) => sql.query('select * from shop')));
    expect(rows).toHaveLength(0);
    const user = await runAsSystem('test', () => db.orm.em.fork().findOneOrFail(User, { username: 'x370102-inspector' }, { populate: ['unit'] }));
    await expect(runAs(actorForUser(user), () => withScopedSql(db.orm.em.fork(), (sql) => sql.query(`update shop set name = name`)))).rejects.toThrow(/read-only/);
    await expect(runAs(actorForUser(user), () => withScopedSql(db.orm.em.fork(), (sql) => sql.query(`select * from app_user`)))).rejects.toThrow(/permission denied/);
    // the connection went back to the pool in a clean state: the ORM still reads everything as before
    const [count] = await sql<{ n: string }>(`select count(*) as n from shop`);
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it('covers every table of a jurisdiction-bound entity', async () => {
    const bound = ALL_ENTITIES.map((e) => db.orm.getMetadata().find((e as { name: string }).name)!)
      .filter((meta) => meta && Object.values(meta.filters ?? {}).some((f) => f.name === JURISDICTION_FILTER))
      .map((meta) => meta.tableName)
      .sort();
    expect(ALL_JURISDICTION_TABLES.map(([t]) => t).sort()).toEqual(bound);
    const tables = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `select relname, relrowsecurity, relforcerowsecurity from pg_class where relkind in ('r', 'p') and relnamespace = 'public'::regnamespace and relname = any(?::text[])`,
      [`{${bound.join(',')}}`],
    );
    expect(tables).toHaveLength(bound.length);
    expect(tables.every((t) => t.relrowsecurity && t.relforcerowsecurity)).toBe(true);
  });
});
