/**
 * Hongdun's GraphQL against PostGraphile 4 and a hand-written SQL endpoint, on the same database, rows and
 * machine, in the same run (issue 15).
 *
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres npm run bench:graphql-peer
 *
 * Needs a PostgreSQL server (PostGraphile speaks the wire protocol; without DATABASE_URL it says so and stops).
 * It creates a throwaway database, loads the demo province (BENCH_ENTITIES, default 20000: 40,012 shops) and
 * BENCH_HISTORY_MONTHS (default 3) months of its history (cases with clues and findings), and serves three
 * endpoints on 127.0.0.1, all reading under the same row-level security (role hongdun_reader, setting
 * hongdun.jurisdiction = the caller's region prefixes; migration 20261213-row-level-security):
 *   hongdun       the platform's /graphql (startPlatform: login token, compiled reads), pool DB_POOL_MAX (10)
 *   postgraphile  PostGraphile 4.14 as a library, same pool size, `pgSettings` giving the role and setting
 *   baseline      plain node:http, one hand-written statement per request (json_build_object) in the same
 *                 one-round-trip scoped transaction, token map in memory
 * Scenarios, each as sd-admin (province) and x370102-inspector (county):
 *   shops-page    100 shops + totalCount + pageInfo, with entity, region, responsible unit; random start cursors
 *   shop-lookup   one shop by id with entity, region, responsible unit and latest snapshot (BENCH_SNAPSHOTS, 10, a
 *                 day apart for three shops in four; PostGraphile reads it through a computed-column function)
 *   cases-deep    50 cases + totalCount with shop, shop's entity, clues and each clue's findings
 * First a correctness check: the three answer the same rows (ids in order, totalCount, field values) for a
 * few pages per scenario and user; any difference aborts. Then interleaved rounds (BENCH_ROUNDS, 2): in each
 * round every target runs every scenario at every concurrency (BENCH_CONCURRENCY, "20,50") for BENCH_SECONDS
 * (10) after BENCH_WARMUP (3), closed loop, keep-alive clients in a worker thread. Printed: req/s, p50, p99,
 * bytes/response, SQL round trips per request, ratios hongdun/postgraphile and hongdun/baseline; then the RSS
 * of the process every 5 s while 50 clients load Hongdun for BENCH_RSS_SECONDS (60). Last line BENCH_JSON.
 * Traffic goes to 127.0.0.1 only.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface LoadJob {
  port: number;
  path: string;
  headers: Record<string, string>;
  bodies: string[];
  seconds: number;
  concurrency: number;
}
interface LoadResult {
  ok: number;
  errors: number;
  firstError: string | null;
  bytes: number;
  latencies: number[];
  elapsedMs: number;
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const result: LoadResult = { ok: 0, errors: 0, firstError: null, bytes: 0, latencies: [], elapsedMs: 0 };
  const started = performance.now();
  const end = started + job.seconds * 1000;
  let next = 0;
  const one = (body: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(
        { host: '127.0.0.1', port: job.port, path: job.path, method: 'POST', agent, headers: { ...job.headers, 'content-length': String(Buffer.byteLength(body)) } },
        (res) => {
          let bytes = 0;
          let text = '';
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (text.length < 400) text += c.toString('utf8');
          });
          res.on('end', () => {
            if (res.statusCode === 200 && !text.startsWith('{"errors"')) {
              result.ok++;
              result.bytes += bytes;
              result.latencies.push(performance.now() - t0);
            } else {
              result.errors++;
              result.firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      req.on('error', (e) => {
        result.errors++;
        result.firstError ??= String(e);
        resolve();
      });
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < end) await one(job.bodies[next++ % job.bodies.length]);
    }),
  );
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}


function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: job, execArgv: ['-r', '@swc-node/register'] });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const env = (name: string, fallback: string) => process.env[name] ?? fallback;

type Target = 'hongdun' | 'postgraphile' | 'baseline';
type Scenario = 'shops-page' | 'shop-lookup' | 'cases-deep';
interface UserCase {
  username: string;
  prefixes: string[];
}

const HONGDUN: Record<Scenario, string> = {
  'shops-page': `query($after: String) { shops(first: 100, after: $after) { totalCount pageInfo { endCursor hasNextPage }
    nodes { id name platform url domain classification filingStatus regionCode discoveredAt
      entity { id uscc name registrationStatus } region { code name } responsibleUnit { id code name } } } }`,
  'shop-lookup': `query($id: ID!) { shop(id: $id) { id name platform url domain classification filingStatus regionCode discoveredAt
      entity { id uscc name registrationStatus } region { code name } responsibleUnit { id code name }
      latestSnapshot { observedAt title licenceUscc listingCount contentHash } } }`,
  'cases-deep': `query($after: String) { cases(first: 50, after: $after) { totalCount pageInfo { endCursor hasNextPage }
    nodes { id caseNumber status title regionCode createdAt shop { id name entity { id uscc name } }
      clues { id title status findings { id ruleId severity observedAt } } } } }`,
};
const POSTGRAPHILE: Record<Scenario, string> = {
  'shops-page': `query($after: Cursor) { allShops(first: 100, after: $after, orderBy: PRIMARY_KEY_ASC) { totalCount pageInfo { endCursor hasNextPage }
    nodes { id name platform url domain classification filingStatus regionCode discoveredAt
      onlineEntityByEntityId { id uscc name registrationStatus } regionByRegionCode { code name } unitByResponsibleUnitId { id code name } } } }`,
  'shop-lookup': `query($id: Int!) { shopById(id: $id) { id name platform url domain classification filingStatus regionCode discoveredAt
      onlineEntityByEntityId { id uscc name registrationStatus } regionByRegionCode { code name } unitByResponsibleUnitId { id code name }
      latestSnapshot { observedAt title licenceUscc listingCount contentHash } } }`,
  'cases-deep': `query($after: Cursor) { allLegalCases(first: 50, after: $after, orderBy: [CREATED_AT_DESC, ID_DESC]) { totalCount pageInfo { endCursor hasNextPage }
    nodes { id caseNumber status title regionCode createdAt shopByShopId { id name onlineEntityByEntityId { id uscc name } }
      caseCluesByCaseId(orderBy: CLUE_ID_ASC) { nodes { clueByClueId { id title status
        clueFindingsByClueId(orderBy: ID_ASC) { nodes { findingByFindingId { id ruleId severity observedAt } } } } } } } } }`,
};

/** The hand-written statement of a scenario (the jurisdiction also by an index-friendly predicate, as Hongdun). */
function baselineSql(scenario: Scenario, likes: string, arg: { afterId?: number; afterTime?: string; id?: number }): string {
  const snapshotJson = (s: string) => `, 'latestSnapshot', (select json_build_object('observedAt', to_char(q.observed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'title', q.title, 'licenceUscc', q.licence_uscc, 'listingCount', q.listing_count, 'contentHash', q.content_hash)
      from shop_snapshot q where q.shop_id = ${s}.id order by q.observed_at desc limit 1)`;
  const shopJson = (s: string, latest = false) => `json_build_object('id', ${s}.id::text, 'name', ${s}.name, 'platform', ${s}.platform, 'url', ${s}.url, 'domain', ${s}.domain,
    'classification', upper(${s}.classification::text), 'filingStatus', upper(${s}.filing_status::text), 'regionCode', ${s}.region_code,
    'discoveredAt', to_char(${s}.discovered_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'entity', (select json_build_object('id', e.id::text, 'uscc', e.uscc, 'name', e.name, 'registrationStatus', upper(e.registration_status::text)) from online_entity e where e.id = ${s}.entity_id),
    'region', (select json_build_object('code', g.code, 'name', g.name) from region g where g.code = ${s}.region_code),
    'responsibleUnit', (select json_build_object('id', u.id::text, 'code', u.code, 'name', u.name) from unit u where u.id = ${s}.responsible_unit_id)${latest ? snapshotJson(s) : ''})`;
  if (scenario === 'shop-lookup') return `select ${shopJson('s', true)}::text from shop s where s.id = ${arg.id} and (${likes.replace(/\$/g, 's')})`;
  if (scenario === 'shops-page') {
    return `select json_build_object('total', (select count(*) from shop s where ${likes.replace(/\$/g, 's')}),
      'rows', (select coalesce(json_agg(${shopJson('p')} order by p.id), '[]') from (select * from shop s where ${likes.replace(/\$/g, 's')} and s.id > ${arg.afterId ?? 0} order by s.id limit 101) p))::text`;
  }
  const keyset = arg.afterTime ? `and (c.created_at, c.id) < ('${arg.afterTime}'::timestamptz, ${arg.afterId})` : '';
  return `select json_build_object('total', (select count(*) from legal_case c where ${likes.replace(/\$/g, 'c')}),
    'rows', (select coalesce(json_agg(json_build_object('id', p.id::text, 'caseNumber', p.case_number, 'status', upper(p.status::text), 'title', p.title, 'regionCode', p.region_code,
      'createdAt', to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'shop', (select json_build_object('id', s.id::text, 'name', s.name, 'entity', (select json_build_object('id', e.id::text, 'uscc', e.uscc, 'name', e.name) from online_entity e where e.id = s.entity_id)) from shop s where s.id = p.shop_id),
      'clues', (select coalesce(json_agg(json_build_object('id', k.id::text, 'title', k.title, 'status', upper(k.status::text),
          'findings', (select coalesce(json_agg(json_build_object('id', f.id::text, 'ruleId', f.rule_id, 'severity', upper(f.severity::text),
             'observedAt', to_char(f.observed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) order by l.id), '[]') from clue_finding l join finding f on f.id = l.finding_id where l.clue_id = k.id)) order by k.id), '[]')
        from clue k where k.id in (select cl.clue_id from case_clue cl where cl.case_id = p.id))) order by p.created_at desc, p.id desc), '[]')
      from (select * from legal_case c where ${likes.replace(/\$/g, 'c')} ${keyset} order by c.created_at desc, c.id desc limit 51) p))::text`;
}

/**
 * PostGraphile 4 needs graphql 15 while Hongdun runs graphql 16; npm nests graphql 15 twice (under postgraphile
 * and under graphile-build-pg) and lets graphql-parse-resolve-info see 16, and graphql refuses types from two
 * copies. Every `graphql` required from PostGraphile's own packages is resolved to postgraphile's copy.
 */
function loadPostGraphile(): typeof import('postgraphile') {
  const Module = require('node:module') as { _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string };
  const path = require('node:path') as typeof import('node:path');
  const root = path.dirname(require.resolve('postgraphile/package.json'));
  const graphql15 = path.dirname(require.resolve('graphql/package.json', { paths: [root] }));
  const own = /node_modules[\\/](postgraphile|postgraphile-core|graphile-build|graphile-build-pg|graphile-utils|@graphile|graphql-parse-resolve-info|graphql-ws|subscriptions-transport-ws)[\\/]/;
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if ((request === 'graphql' || request.startsWith('graphql/')) && parent?.filename && own.test(parent.filename)) {
      return resolve.call(this, graphql15 + request.slice('graphql'.length), parent, ...rest);
    }
    return resolve.call(this, request, parent, ...rest);
  };
  return require('postgraphile') as typeof import('postgraphile');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    console.log('graphql-peer bench: PostGraphile needs a PostgreSQL server; set DATABASE_URL (PGlite: see bench/shops-list.bench.ts)');
    return;
  }
  process.env.LOG_LEVEL ??= 'warn';
  const { Pool } = require('pg') as typeof import('pg');
  const { postgraphile } = loadPostGraphile();
  const { Cursor } = require('@mikro-orm/core') as typeof import('@mikro-orm/core');
  const { loadConfig } = require('../kernel/config') as typeof import('../kernel/config');
  const { openDatabase, queryCounter } = require('../server/database') as typeof import('../server/database');
  const { startPlatform } = require('../server/platform') as typeof import('../server/platform');
  const { loadDemoProvince } = require('../demo/load-demo-province') as typeof import('../demo/load-demo-province');
  const { loadDemoHistory } = require('../demo/load-demo-history') as typeof import('../demo/load-demo-history');
  const { createScratchDatabase } = require('../test/support/database') as typeof import('../test/support/database');
  const { sqlLiteral } = require('../services/reads/scoped-sql') as typeof import('../services/reads/scoped-sql');
  const { timeSeriesOf } = require('../server/database') as typeof import('../server/database');
  const { prefixRange } = require('../entities/jurisdiction') as typeof import('../entities/jurisdiction');
  const { executorFromEntityManager } = require('../store') as typeof import('../store');
  const { runAsSystem } = require('../services/system-actor') as typeof import('../services/system-actor');
  const { createHash } = require('node:crypto') as typeof import('node:crypto');

  const seconds = Number(env('BENCH_SECONDS', '10'));
  const warmup = Number(env('BENCH_WARMUP', '3'));
  const rounds = Number(env('BENCH_ROUNDS', '2'));
  const rssSeconds = Number(env('BENCH_RSS_SECONDS', '60'));
  const concurrencies = env('BENCH_CONCURRENCY', '20,50').split(',').map(Number);
  const scenarios = env('BENCH_SCENARIOS', 'shops-page,shop-lookup,cases-deep').split(',') as Scenario[];
  const targets = env('BENCH_TARGETS', 'hongdun,postgraphile,baseline').split(',') as Target[];
  const poolMax = Number(env('DB_POOL_MAX', '10'));
  const users: UserCase[] = [
    { username: 'sd-admin', prefixes: ['37'] },
    { username: 'x370102-inspector', prefixes: ['370102'] },
  ];

  const scratch = await createScratchDatabase(baseUrl, 'hongdun_peer');
  const config = loadConfig({ port: 0, host: '127.0.0.1', databaseUrl: scratch.url, dataDir: 'memory://', redisUrl: undefined, demo: false, patrolSchedules: false, dbPoolMax: poolMax });
  const orm = await openDatabase(config);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    let t = performance.now();
    await loadDemoProvince(orm.em.fork(), { seed: 'hongdun', entities: Number(env('BENCH_ENTITIES', '20000')) });
    console.log(`demo province loaded in ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
    await loadDemoHistory(orm, { seed: 'hongdun', months: Number(env('BENCH_HISTORY_MONTHS', '3')) });
    console.log(`demo history loaded in ${Math.round(performance.now() - t)} ms`);
    const sql = async <T>(text: string) => (await orm.em.fork().getConnection().execute(text)) as T[];
    // what the spiders saw: BENCH_SNAPSHOTS shop pages a day apart for three shops in four, through the store
    t = performance.now();
    const perShop = Number(env('BENCH_SNAPSHOTS', '10'));
    const crawled = await sql<{ id: number; region_code: string; name: string; uscc: string | null }>(
      `select s.id, s.region_code, s.name, e.uscc from shop s left join online_entity e on e.id = s.entity_id where s.id % 4 <> 0 order by s.id`,
    );
    const store = timeSeriesOf(orm)(executorFromEntityManager(orm.em.fork()));
    const day = 86_400_000;
    for (let i = 0; i < crawled.length; i += 2000) {
      const rows = crawled.slice(i, i + 2000).flatMap((shop) =>
        Array.from({ length: perShop }, (_, k) => ({
          shopId: shop.id,
          regionCode: shop.region_code,
          observedAt: new Date(Date.now() - (perShop - k) * day - (shop.id % 3600) * 1000),
          title: `${shop.name} 首页`,
          licenceName: null,
          licenceUscc: k % 5 === 4 ? null : shop.uscc,
          licenceAddress: null,
          contact: null,
          listingCount: 20 + ((shop.id + k) % 40),
          contentHash: createHash('sha256').update(`${shop.id}/${k}`).digest('hex'),
        })),
      );
      await runAsSystem('bench snapshots', () => store.writeSnapshots(rows));
    }
    console.log(`${crawled.length * perShop} shop snapshots written in ${Math.round(performance.now() - t)} ms`);
    // PostGraphile's way to a shop's newest snapshot: a computed column (a stable SQL function of the row)
    await sql(`create or replace function shop_latest_snapshot(s shop) returns shop_snapshot language sql stable as
      $$ select q.* from shop_snapshot q where q.shop_id = s.id order by q.observed_at desc limit 1 $$`);
    const [counts] = await sql<{ shops: string; cases: string; clues: string; links: string }>(
      `select (select count(*) from shop) shops, (select count(*) from legal_case) cases, (select count(*) from clue) clues, (select count(*) from clue_finding) links`,
    );
    console.log(`rows: ${counts.shops} shops, ${counts.cases} cases, ${counts.clues} clues, ${counts.links} clue findings`);
    // as a database in service is: statistics gathered and the visibility map set (autovacuum's work), for all three
    t = performance.now();
    await sql('vacuum analyze');
    console.log(`vacuum analyze in ${Math.round(performance.now() - t)} ms`);

    const platform = await startPlatform(config, { orm, worker: false });
    closers.push(() => platform.close());
    const hongdunPort = (platform.server.address() as AddressInfo).port;
    const tokens = new Map<string, string>();
    for (const u of users) {
      const res = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(username: "${u.username}", password: "hongdun-demo") { token } }` }),
      });
      tokens.set(u.username, ((await res.json()) as any).data.login.token);
    }
    const userOfToken = (header: string | undefined) => users.find((u) => `Bearer ${tokens.get(u.username)}` === header);

    // one pool each for PostGraphile and the baseline, counting the statements sent
    const peerCounter = { postgraphile: 0, baseline: 0 };
    const countingPool = (key: keyof typeof peerCounter) => {
      const pool = new Pool({ connectionString: scratch.url, max: poolMax });
      // the scratch database is dropped at the end with its connections: not a failure of the run
      pool.on('error', () => undefined);
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...a: unknown[]) => unknown;
        (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
          peerCounter[key]++;
          return query(...a);
        };
      });
      closers.push(() => pool.end());
      return pool;
    };
    const pgPool = countingPool('postgraphile');
    const handler = postgraphile(pgPool, 'public', {
      graphqlRoute: '/graphql',
      disableQueryLog: true,
      disableDefaultMutations: true,
      setofFunctionsContainNulls: false,
      // the time-series tables are partitioned: their parent is the type (shop_latest_snapshot returns it)
      usePartitionedParent: true,
      pgSettings: async (req) => {
        const u = userOfToken(req.headers.authorization);
        return { role: 'hongdun_reader', 'hongdun.jurisdiction': u ? u.prefixes.map((p) => `${p}%`).join(',') : '' };
      },
    });
    const pgServer = http.createServer(handler);
    await new Promise<void>((r) => pgServer.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => pgServer.close(() => r(undefined))));
    const pgPort = (pgServer.address() as AddressInfo).port;

    const basePool = countingPool('baseline');
    const baseServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const u = userOfToken(req.headers.authorization);
        if (!u) {
          res.writeHead(401).end('{"errors":[{"message":"unauthenticated"}]}');
          return;
        }
        const { scenario, afterId, afterTime, id } = JSON.parse(body) as { scenario: Scenario; afterId?: number; afterTime?: string; id?: number };
        // as an expert writes it under row-level security: a leakproof byte range the region index serves (a LIKE is not leakproof)
        const likes = `(${u.prefixes.map((p) => prefixRange(p)).map(([lo, hi]) => `($.region_code ~>=~ '${lo}' and $.region_code ~<~ '${hi}')`).join(' or ')})`;
        const client = await basePool.connect();
        try {
          const text = `begin read only; select set_config('role', 'hongdun_reader', true), set_config('hongdun.jurisdiction', ${sqlLiteral(u.prefixes.map((p) => `${p}%`).join(','))}, true); ${baselineSql(scenario, likes, { afterId, afterTime, id })}; commit`;
          const results = (await client.query(text)) as unknown as Array<{ rows: Record<string, string>[] }>;
          const value = Object.values(results[2].rows[0] ?? {})[0] ?? 'null';
          let out: string;
          if (scenario === 'shop-lookup') out = `{"data":{"shop":${value}}}`;
          else {
            const parsed = JSON.parse(value) as { total: number; rows: Array<Record<string, unknown>> };
            const size = scenario === 'shops-page' ? 100 : 50;
            const more = parsed.rows.length > size;
            const rows = parsed.rows.slice(0, size);
            const last = rows[rows.length - 1] as { id: string; createdAt?: string } | undefined;
            const endCursor = last ? Cursor.encode(scenario === 'shops-page' ? [Number(last.id), Number(last.id)] : [last.createdAt, Number(last.id)]) : null;
            out = JSON.stringify({ data: { [scenario === 'shops-page' ? 'shops' : 'cases']: { totalCount: Number(parsed.total), pageInfo: { endCursor, hasNextPage: more }, nodes: rows } } });
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(out);
        } catch (e) {
          await client.query('rollback').catch(() => undefined);
          res.writeHead(500).end(JSON.stringify({ errors: [{ message: String(e) }] }));
        } finally {
          client.release();
        }
      });
    });
    await new Promise<void>((r) => baseServer.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => baseServer.close(() => r(undefined))));
    const basePort = (baseServer.address() as AddressInfo).port;

    // request bodies: random start cursors (shops by id, cases by time), random shop ids, per user
    const prng = (() => {
      let a = 42;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let x = a;
        x = Math.imul(x ^ (x >>> 15), x | 1);
        x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
        return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
      };
    })();
    const bodies = new Map<string, string[]>();
    for (const u of users) {
      const likes = u.prefixes.map((p) => `region_code like '${p}%'`).join(' or ');
      const shopIds = (await sql<{ id: number }>(`select id from shop where ${likes} order by id`)).map((r) => Number(r.id));
      const cases = await sql<{ id: number; created_at: string }>(`select id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') created_at from legal_case where ${likes} order by created_at desc, id desc`);
      for (const scenario of scenarios) {
        // the same random draws for every target: request i asks all three for the same page
        const draws = Array.from({ length: 200 }, () => prng());
        for (const target of targets) {
          const list: string[] = [];
          for (let i = 0; i < 200; i++) {
            const start = i === 0 ? null : Math.floor(draws[i] * Math.max(1, shopIds.length - 100));
            if (scenario === 'shops-page') {
              const afterId = start == null ? 0 : shopIds[start];
              list.push(
                target === 'hongdun'
                  ? JSON.stringify({ query: HONGDUN[scenario], variables: afterId ? { after: Cursor.encode([afterId, afterId]) } : {} })
                  : target === 'postgraphile'
                    ? JSON.stringify({ query: POSTGRAPHILE[scenario], variables: afterId ? { after: Buffer.from(JSON.stringify(['primary_key_asc', [afterId]])).toString('base64') } : {} })
                    : JSON.stringify({ scenario, afterId }),
              );
            } else if (scenario === 'shop-lookup') {
              const id = shopIds[Math.floor(draws[i] * shopIds.length)];
              list.push(target === 'hongdun' ? JSON.stringify({ query: HONGDUN[scenario], variables: { id: String(id) } }) : target === 'postgraphile' ? JSON.stringify({ query: POSTGRAPHILE[scenario], variables: { id } }) : JSON.stringify({ scenario, id }));
            } else {
              const k = i === 0 || cases.length <= 50 ? null : Math.floor(draws[i] * (cases.length - 50));
              const c = k == null ? null : cases[k];
              list.push(
                target === 'hongdun'
                  ? JSON.stringify({ query: HONGDUN[scenario], variables: c ? { after: Cursor.encode([c.created_at, Number(c.id)]) } : {} })
                  : target === 'postgraphile'
                    ? JSON.stringify({ query: POSTGRAPHILE[scenario], variables: c ? { after: Buffer.from(JSON.stringify(['created_at_desc', 'id_desc', [c.created_at, Number(c.id)]])).toString('base64') } : {} })
                    : JSON.stringify({ scenario, afterId: c ? Number(c.id) : undefined, afterTime: c?.created_at }),
              );
            }
          }
          bodies.set(`${u.username}/${scenario}/${target}`, list);
        }
      }
    }
    const portOf: Record<Target, number> = { hongdun: hongdunPort, postgraphile: pgPort, baseline: basePort };
    const headersOf = (u: UserCase) => ({ 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${tokens.get(u.username)}` });
    const post = async (target: Target, u: UserCase, body: string) => {
      const res = await fetch(`http://127.0.0.1:${portOf[target]}/graphql`, { method: 'POST', headers: headersOf(u), body });
      return (await res.json()) as any;
    };

    // correctness: the same rows from all three
    const normalise = (scenario: Scenario, target: Target, data: any): unknown => {
      if (target === 'postgraphile') {
        const shop = (s: any) =>
          s && { id: String(s.id), name: s.name, platform: s.platform, url: s.url, domain: s.domain, classification: s.classification, filingStatus: s.filingStatus, regionCode: s.regionCode,
            discoveredAt: new Date(s.discoveredAt).toISOString(), entity: s.onlineEntityByEntityId && { ...s.onlineEntityByEntityId, id: String(s.onlineEntityByEntityId.id) }, region: s.regionByRegionCode,
            responsibleUnit: s.unitByResponsibleUnitId && { ...s.unitByResponsibleUnitId, id: String(s.unitByResponsibleUnitId.id) } };
        const latest = (q: any) => q && { ...q, observedAt: new Date(q.observedAt).toISOString() };
        if (scenario === 'shop-lookup') return data.shopById && { ...shop(data.shopById), latestSnapshot: latest(data.shopById.latestSnapshot) };
        if (scenario === 'shops-page') return { total: data.allShops.totalCount, more: data.allShops.pageInfo.hasNextPage, rows: data.allShops.nodes.map(shop) };
        return {
          total: data.allLegalCases.totalCount,
          more: data.allLegalCases.pageInfo.hasNextPage,
          rows: data.allLegalCases.nodes.map((c: any) => ({
            id: String(c.id), caseNumber: c.caseNumber, status: c.status, title: c.title, regionCode: c.regionCode, createdAt: new Date(c.createdAt).toISOString(),
            shop: c.shopByShopId && { id: String(c.shopByShopId.id), name: c.shopByShopId.name, entity: c.shopByShopId.onlineEntityByEntityId && { ...c.shopByShopId.onlineEntityByEntityId, id: String(c.shopByShopId.onlineEntityByEntityId.id) } },
            clues: c.caseCluesByCaseId.nodes.map((n: any) => n.clueByClueId).filter(Boolean).map((k: any) => ({ id: String(k.id), title: k.title, status: k.status,
              findings: k.clueFindingsByClueId.nodes.map((n: any) => n.findingByFindingId).filter(Boolean).map((f: any) => ({ id: String(f.id), ruleId: f.ruleId, severity: f.severity, observedAt: new Date(f.observedAt).toISOString() })) })),
          })),
        };
      }
      if (scenario === 'shop-lookup') return data.shop;
      const conn = scenario === 'shops-page' ? data.shops : data.cases;
      return { total: conn.totalCount, more: conn.pageInfo.hasNextPage, rows: conn.nodes };
    };
    let checked = 0;
    for (const u of users) {
      for (const scenario of scenarios) {
        for (let i = 0; i < 4; i++) {
          const answers = await Promise.all(
            targets.map(async (target) => {
              const answer = await post(target, u, bodies.get(`${u.username}/${scenario}/${target}`)![i]);
              if (answer.errors || !answer.data) throw new Error(`${target} ${u.username} ${scenario} #${i}: ${JSON.stringify(answer).slice(0, 600)}`);
              return normalise(scenario, target, answer.data);
            }),
          );
          for (let j = 1; j < answers.length; j++) {
            if (JSON.stringify(answers[j]) !== JSON.stringify(answers[0])) {
              console.error(`DIFFERENCE ${u.username} ${scenario} #${i}: ${targets[0]} vs ${targets[j]}\n${JSON.stringify(answers[0]).slice(0, 600)}\n${JSON.stringify(answers[j]).slice(0, 600)}`);
              throw new Error('the endpoints disagree; nothing measured');
            }
          }
          checked++;
        }
      }
    }
    console.log(`correctness: ${checked} requests × ${targets.length} endpoints answer the same rows`);

    // interleaved rounds
    interface Row { round: number; scenario: Scenario; user: string; concurrency: number; target: Target; rps: number; p50: number; p99: number; bytes: number; statements: number; errors: number }
    const rows: Row[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        for (const u of users) {
          for (const concurrency of concurrencies) {
            for (const target of targets) {
              const job = (s: number): LoadJob => ({ port: portOf[target], path: '/graphql', headers: headersOf(u), bodies: bodies.get(`${u.username}/${scenario}/${target}`)!, seconds: s, concurrency });
              if (warmup > 0) await load(job(warmup));
              const before = target === 'hongdun' ? queryCounter.count : peerCounter[target];
              const r = await load(job(seconds));
              const statements = (target === 'hongdun' ? queryCounter.count : peerCounter[target]) - before;
              const sorted = r.latencies.sort((a, b) => a - b);
              const row: Row = { round, scenario, user: u.username, concurrency, target, rps: (r.ok / r.elapsedMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99), bytes: r.ok ? r.bytes / r.ok : 0, statements: r.ok ? statements / (r.ok + r.errors) : 0, errors: r.errors };
              rows.push(row);
              console.log(
                `round ${round} ${scenario.padEnd(11)} ${u.username.padEnd(17)} c=${String(concurrency).padEnd(3)} ${target.padEnd(12)} ${row.rps.toFixed(1).padStart(8)} req/s  p50 ${row.p50.toFixed(1).padStart(7)} ms  p99 ${row.p99.toFixed(1).padStart(7)} ms  ${Math.round(row.bytes).toLocaleString('en').padStart(7)} B  ${row.statements.toFixed(2)} SQL/req${r.errors ? `  ERRORS ${r.errors}: ${r.firstError}` : ''}`,
              );
            }
          }
        }
      }
    }
    console.log('\nratios (req/s, median over rounds): hongdun / postgraphile, hongdun / baseline; hongdun p99');
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const summary: Array<Record<string, unknown>> = [];
    for (const scenario of scenarios) {
      for (const u of users) {
        for (const concurrency of concurrencies) {
          const of = (target: Target) => median(rows.filter((r) => r.scenario === scenario && r.user === u.username && r.concurrency === concurrency && r.target === target).map((r) => r.rps));
          const p99 = median(rows.filter((r) => r.scenario === scenario && r.user === u.username && r.concurrency === concurrency && r.target === 'hongdun').map((r) => r.p99));
          const line = { scenario, user: u.username, concurrency, hongdun: of('hongdun'), postgraphile: of('postgraphile'), baseline: of('baseline'), vsPostgraphile: of('hongdun') / of('postgraphile'), vsBaseline: of('hongdun') / of('baseline'), hongdunP99: p99 };
          summary.push(line);
          console.log(`${scenario.padEnd(11)} ${u.username.padEnd(17)} c=${String(concurrency).padEnd(3)} ×${line.vsPostgraphile.toFixed(2)} PostGraphile  ×${line.vsBaseline.toFixed(2)} baseline  hongdun p99 ${p99.toFixed(1)} ms`);
        }
      }
    }

    // memory under load: RSS every 5 s while 50 clients read shop pages from Hongdun
    const rss: number[] = [];
    if (rssSeconds > 0) {
      const timer = setInterval(() => rss.push(process.memoryUsage().rss), 5000);
      rss.push(process.memoryUsage().rss);
      await load({ port: hongdunPort, path: '/graphql', headers: headersOf(users[0]), bodies: bodies.get(`${users[0].username}/shops-page/hongdun`) ?? bodies.values().next().value!, seconds: rssSeconds, concurrency: 50 });
      clearInterval(timer);
      rss.push(process.memoryUsage().rss);
      const mb = rss.map((b) => Math.round(b / 1048576));
      console.log(`\nRSS under 50 clients for ${rssSeconds} s (MiB, every 5 s): ${mb.join(' ')}; first ${mb[0]}, last ${mb[mb.length - 1]}, max ${Math.max(...mb)}`);
    }
    console.log(`BENCH_JSON ${JSON.stringify({ rows, summary, rssMiB: rss.map((b) => Math.round(b / 1048576)) })}`);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await orm.close();
    await scratch.drop();
  }
}

if (!isMainThread) {
  runLoad(workerData as LoadJob).then((r) => parentPort!.postMessage(r));
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
