/**
 * Shops list: the GraphQL API against a hand-written baseline endpoint, on the full demo province.
 *
 *   node -r @swc-node/register bench/shops-list.bench.ts                  # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
 *     node -r @swc-node/register bench/shops-list.bench.ts                # PostgreSQL (throwaway database, dropped after)
 *
 * Environment (all optional):
 *   BENCH_SECONDS (15)        measured seconds per endpoint and scenario
 *   BENCH_WARMUP (5)          warm-up seconds per endpoint and scenario (not measured)
 *   BENCH_CONCURRENCY (50)    concurrent clients
 *   BENCH_ENTITIES (20000)    demo entities (shops ≈ 2×); 20,000 is the full demo province
 *   BENCH_SCENARIOS (admin,county)  `admin` = sd-admin (whole province), `county` = x370102-inspector
 *   BENCH_TARGETS (graphql,baseline,baseline-like)  endpoints to load (the correctness check always runs all)
 *   BENCH_PAGES (5)           pages a client walks (following endCursor) before it jumps to a new random start
 *   BENCH_PROFILE (unset)     a folder: writes a CPU profile of each measured GraphQL phase there and prints
 *                             the top self-time by package and by function
 *   DB_POOL_MAX (10)          connection pool against PostgreSQL, as in production (PGlite: always one connection)
 *   LOG_LEVEL (warn)          the platform's log level; `info` logs a line per request (pino-http)
 *
 * What it does: loads the demo province into a throwaway database, starts the platform (Apollo + type-graphql +
 * MikroORM) and, in the same process on the same ORM connection pool (orm.em.getConnection().execute), a
 * baseline: plain node:http, no GraphQL, no entities; one SQL statement for the page (shop ⋈ online_entity ⋈
 * unit ⋈ region, keyset pagination on id, the caller's jurisdiction on shop and entity) plus one for the
 * count (run concurrently), JSON.stringify of the same response shape. Its login check is an in-memory
 * token map (the platform looks the session up in the database on every request). Two baselines differ only in
 * how the jurisdiction is written:
 *   baseline       `region_code LIKE ANY(?::text[])` (one array parameter)
 *   baseline-like  `region_code LIKE ?` (OR-ed per prefix): what the ORM filter generates; unlike LIKE ANY,
 *                  PostgreSQL can answer it from the varchar_pattern_ops index on region_code
 * It first checks that GraphQL and both baselines return the same page, byte for byte (ids, every field,
 * totalCount, pageInfo, cursors), for the same cursors and filters, and aborts if not. Then 50 clients (in a
 * worker thread, node:http keep-alive, so client work does not run on the servers' event loop) walk pages
 * (following endCursor) from random starting cursors, half of them with a random region filter below the
 * caller's jurisdiction, against each endpoint in turn for a fixed time after a warm-up; both endpoints get
 * the same random walks. It prints requests/s, p50/p99 latency, bytes per response, SQL statements per
 * request (queryCounter of server/database.ts), main-thread busy time per request (event-loop utilisation;
 * PGlite's SQL runs on that thread too), the GraphQL/baseline ratios, and one JSON line (`BENCH_JSON {…}`).
 * Traffic goes to 127.0.0.1 only; every loop stops by itself after its time.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

// ---------------------------------------------------------------------------------------------------------
// Shared between the main thread and the load worker
// ---------------------------------------------------------------------------------------------------------

const HOST = '127.0.0.1';
const PAGE_SIZE = 100;

/** MikroORM's cursor for `orderBy: [{ id: asc }, { id: asc }]` (what services/pagination.ts asks for). */
function cursorFor(id: number): string {
  return Buffer.from(JSON.stringify([id, id])).toString('base64url');
}

function decodeCursorId(cursor: string): number {
  const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  const id = Array.isArray(value) ? value[0] : undefined;
  if (typeof id !== 'number' || !Number.isInteger(id)) throw new Error('invalid cursor');
  return id;
}

const SHOPS_QUERY = `query Shops($first: Int, $after: String, $filter: ShopFilter) {
  shops(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { endCursor hasNextPage }
    nodes {
      id name platform url domain classification filingStatus regionCode discoveredAt
      entity { id uscc name registrationStatus }
      region { code name }
      responsibleUnit { id code name }
    }
  }
}`;

/** `baseline`: jurisdiction as `LIKE ANY(?::text[])`; `baseline-like`: as `LIKE ?` (the ORM filter's predicate) */
type Target = 'graphql' | 'baseline' | 'baseline-like';
type BaselineMode = 'any' | 'like';
const TARGETS: readonly Target[] = ['graphql', 'baseline', 'baseline-like'];

interface PageRequest {
  after: string | null;
  regionCode: string | null;
}

/** Method, path, headers and body of one shops-page request to either endpoint. */
function requestFor(target: Target, token: string, page: PageRequest): { method: string; path: string; headers: Record<string, string>; body?: string } {
  if (target === 'graphql') {
    const body = JSON.stringify({
      query: SHOPS_QUERY,
      // no filter: the variable is left out (an explicit `filter: null` fails with an internal error in shopWhere)
      variables: { first: PAGE_SIZE, after: page.after, ...(page.regionCode ? { filter: { regionCode: page.regionCode } } : {}) },
    });
    return {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}`, 'content-length': String(Buffer.byteLength(body)) },
      body,
    };
  }
  const qs = new URLSearchParams({ first: String(PAGE_SIZE) });
  if (page.after) qs.set('after', page.after);
  if (page.regionCode) qs.set('regionCode', page.regionCode);
  return { method: 'GET', path: `${target === 'baseline' ? '/shops' : '/shops-like'}?${qs}`, headers: { accept: 'application/json', authorization: `Bearer ${token}` } };
}

// ---------------------------------------------------------------------------------------------------------
// Load worker (runs in a worker thread: its own event loop, so the clients do not steal the servers' loop)
// ---------------------------------------------------------------------------------------------------------

interface LoadJob {
  url: string;
  target: Target;
  token: string;
  seconds: number;
  concurrency: number;
  pagesPerWalk: number;
  /** random start ids are drawn from [minId, maxId] */
  minId: number;
  maxId: number;
  /** region filters to draw from (half the walks use none) */
  regionCodes: string[];
  seed: number;
}

interface LoadResult {
  ok: number;
  errors: number;
  firstError: string | null;
  bytes: number;
  /** latencies of the successful requests, ms */
  latencies: number[];
  elapsedMs: number;
}

/** Small deterministic PRNG (mulberry32) so runs draw the same walks. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const base = new URL(job.url);
  if (base.hostname !== HOST) throw new Error(`refusing to send load to ${base.hostname}: only ${HOST}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency, maxFreeSockets: job.concurrency });
  const random = prng(job.seed);
  const result: LoadResult = { ok: 0, errors: 0, firstError: null, bytes: 0, latencies: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + job.seconds * 1000;

  const send = (page: PageRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = requestFor(job.target, job.token, page);
      const req = http.request({ host: HOST, port: Number(base.port), method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(r.body);
    });

  const newWalk = (): PageRequest => {
    const regionCode = job.regionCodes.length > 0 && random() < 0.5 ? job.regionCodes[Math.floor(random() * job.regionCodes.length)] : null;
    const start = random() < 0.1 ? null : cursorFor(job.minId + Math.floor(random() * (job.maxId - job.minId)));
    return { after: start, regionCode };
  };

  const client = async () => {
    let page = newWalk();
    let walked = 0;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      let next: PageRequest | null = null;
      try {
        const { status, body } = await send(page);
        const latency = performance.now() - t0;
        const cursor = /"endCursor":(?:null|"([^"]*)")/.exec(body);
        const more = /"hasNextPage":(true|false)/.exec(body);
        if (status !== 200 || !body.startsWith('{"data":') || body.includes('"errors":[') || !cursor || !more) {
          result.errors++;
          result.firstError ??= `HTTP ${status}: ${body.slice(0, 300)}`;
        } else {
          result.ok++;
          result.bytes += Buffer.byteLength(body);
          result.latencies.push(latency);
          if (more[1] === 'true' && cursor[1]) next = { after: cursor[1], regionCode: page.regionCode };
        }
      } catch (err) {
        result.errors++;
        result.firstError ??= String(err);
        await new Promise((r) => setTimeout(r, 10));
      }
      walked++;
      if (next && walked < job.pagesPerWalk) {
        page = next;
      } else {
        page = newWalk();
        walked = 0;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, () => client()));
  result.elapsedMs = performance.now() - started;
  agent.destroy();
  return result;
}

/** Runs one load job in a worker thread and returns its result. */
function loadInWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const code = `require('@swc-node/register'); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(code, { eval: true, workerData: job, execArgv: [] });
    let settled = false;
    worker.once('message', (r: LoadResult) => {
      settled = true;
      resolve(r);
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (c) => {
      if (!settled) reject(new Error(`load worker exited with code ${c}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Main thread
// ---------------------------------------------------------------------------------------------------------

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/**
 * A PostgreSQL array literal (`{"37%","3701%"}`) for `LIKE ANY(?::text[])`: MikroORM's execute() inlines
 * parameters and would expand a JS array into a comma list.
 */
function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** The commit the product code is at, with `+dirty` when the work tree has changes (figures depend on it). */
function gitRevision(): string {
  try {
    const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
    const cwd = path.resolve(__dirname, '..');
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface PhaseFigures {
  target: Target;
  scenario: string;
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesPerResponse: number;
  queriesPerRequest: number;
  /** main-thread (servers' event loop) busy ms per request; PGlite's SQL runs here too */
  mainThreadMsPerRequest: number;
  /** share of the phase the main thread was busy */
  mainThreadUtilization: number;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL ??= 'warn';
  const seconds = envInt('BENCH_SECONDS', 15);
  const warmup = envInt('BENCH_WARMUP', 5);
  const concurrency = envInt('BENCH_CONCURRENCY', 50);
  const entities = envInt('BENCH_ENTITIES', 20_000);
  const pagesPerWalk = envInt('BENCH_PAGES', 5);
  const scenarios = (process.env.BENCH_SCENARIOS || 'admin,county').split(',').map((s) => s.trim()).filter(Boolean);
  const profileDir = process.env.BENCH_PROFILE || undefined;
  const targets = (process.env.BENCH_TARGETS || TARGETS.join(',')).split(',').map((s) => s.trim()) as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target "${t}" (known: ${TARGETS.join(', ')})`);

  // loaded here, after LOG_LEVEL is set (the logger reads it on import), and never in the load worker
  const { loadConfig } = require('../kernel/config') as typeof import('../kernel/config');
  const { openDatabase, queryCounter, describeDatabase } = require('../server/database') as typeof import('../server/database');
  const { startPlatform } = require('../server/platform') as typeof import('../server/platform');
  const { loadDemoProvince } = require('../demo/load-demo-province') as typeof import('../demo/load-demo-province');
  const { createScratchDatabase } = require('../test/support/database') as typeof import('../test/support/database');

  // --- a throwaway database (test/support/database.ts), with the production pool size -----------------
  const baseUrl = process.env.DATABASE_URL || undefined;
  let dbUrl: string | undefined;
  let dropDatabase = async () => {};
  if (baseUrl) {
    const scratch = await createScratchDatabase(baseUrl, 'hongdun_bench');
    dbUrl = scratch.url;
    dropDatabase = () => scratch.drop();
  }
  const config = loadConfig({ port: 0, host: HOST, databaseUrl: dbUrl, dataDir: 'memory://', redisUrl: undefined, demo: false });
  const backend = baseUrl ? 'postgresql' : 'pglite';
  let orm: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  let baseline: http.Server | undefined;
  let cleanedUp = false;
  const cleanup = async () => {
    if (cleanedUp) return;
    cleanedUp = true;
    if (baseline) {
      const closed = new Promise<void>((r) => baseline!.close(() => r()));
      baseline.closeAllConnections();
      await closed;
    }
    if (platform) await platform.close();
    if (orm) await orm.close(true);
    await dropDatabase();
  };
  process.once('SIGINT', () => {
    console.error('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  });

  try {
    const revision = gitRevision();
    console.log(`code: ${revision}, node ${process.version}, NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}, LOG_LEVEL=${process.env.LOG_LEVEL}`);
    const t0 = performance.now();
    orm = await openDatabase(config);
    const sqlVersion = ((await orm.em.getConnection().execute('select version() as v')) as { v: string }[])[0].v;
    console.log(`database: ${describeDatabase(config)} — ${sqlVersion.split(' on ')[0]}`);
    const summary = await loadDemoProvince(orm.em.fork(), { seed: 'hongdun', entities });
    console.log(
      `demo province: ${summary.entities} entities, ${summary.shops} shops, ${summary.units} units, ${summary.users} logins — loaded in ${(summary.millis / 1000).toFixed(1)} s (database ready after ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    // fresh statistics for the planner (PGlite has no autovacuum; on the server it may not have run yet)
    await orm.em.getConnection().execute('analyze');

    platform = await startPlatform(config, { orm, worker: false });
    const gqlUrl = platform.url;

    // --- logins --------------------------------------------------------------------------------------
    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const res = await fetch(`${gqlUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data?: any; errors?: { message: string }[] };
    };
    const users: Record<string, string> = { admin: 'sd-admin', county: 'x370102-inspector' };
    const tokens: Record<string, string> = {};
    /** token → jurisdiction prefixes, for the baseline's authentication (in memory: no query per request) */
    const baselineSessions = new Map<string, string[]>();
    const conn = orm.em.getConnection();
    for (const scenario of scenarios) {
      const username = users[scenario];
      if (!username) throw new Error(`unknown scenario "${scenario}" (known: ${Object.keys(users).join(', ')})`);
      const r = await gql('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: username, p: 'hongdun-demo' });
      if (!r.data?.login?.token) throw new Error(`login of ${username} failed: ${JSON.stringify(r.errors)}`);
      tokens[scenario] = r.data.login.token;
      const rows = (await conn.execute('select un.jurisdiction from app_user us join unit un on un.id = us.unit_id where us.username = ?', [username])) as {
        jurisdiction: string[];
      }[];
      baselineSessions.set(tokens[scenario], rows[0].jurisdiction);
    }

    // --- the baseline endpoint ------------------------------------------------------------------------
    /**
     * The jurisdiction condition, two ways: `any` is `col LIKE ANY(?::text[])` (one array parameter, as asked
     * for); `like` is `col LIKE ?` (OR-ed for several prefixes): the predicate the ORM's filter generates, which
     * PostgreSQL can answer from the `varchar_pattern_ops` index on region_code; LIKE ANY cannot use it.
     */
    const jurisdiction = (mode: BaselineMode, column: string, prefixes: string[]): { sql: string; params: unknown[] } => {
      const likes = prefixes.map((p) => `${p}%`);
      if (mode === 'any') return { sql: `${column} like any(?::text[])`, params: [pgTextArray(likes)] };
      if (likes.length === 0) return { sql: 'false', params: [] };
      return { sql: likes.length === 1 ? `${column} like ?` : `(${likes.map(() => `${column} like ?`).join(' or ')})`, params: likes };
    };
    const PAGE_SQL = (entityJurisdiction: string, shopJurisdiction: string, withRegion: boolean, withCursor: boolean) => `select s.id, s.name, s.platform, s.url, s.domain, s.classification, s.filing_status,
       s.region_code, s.discovered_at, e.id as e_id, e.uscc as e_uscc, e.name as e_name, e.registration_status as e_status,
       r.name as r_name, u.id as u_id, u.code as u_code, u.name as u_name
  from shop s
  left join online_entity e on e.id = s.entity_id and ${entityJurisdiction}
  left join unit u on u.id = s.responsible_unit_id
  left join region r on r.code = s.region_code
 where ${shopJurisdiction}${withRegion ? ' and s.region_code like ?' : ''}${withCursor ? ' and s.id > ?' : ''}
 order by s.id
 limit ?`;
    const COUNT_SQL = (shopJurisdiction: string, withRegion: boolean) =>
      `select count(*)::int as n from shop s where ${shopJurisdiction}${withRegion ? ' and s.region_code like ?' : ''}`;
    interface Row {
      id: number;
      name: string;
      platform: string;
      url: string;
      domain: string;
      classification: string;
      filing_status: string;
      region_code: string;
      discovered_at: Date | string;
      e_id: number | null;
      e_uscc: string | null;
      e_name: string | null;
      e_status: string | null;
      r_name: string;
      u_id: number | null;
      u_code: string | null;
      u_name: string | null;
    }
    const iso = (d: Date | string) => (d instanceof Date ? d : new Date(d)).toISOString();
    const baselinePage = async (mode: BaselineMode, prefixes: string[], first: number, after: string | null, regionCode: string | null) => {
      const ej = jurisdiction(mode, 'e.region_code', prefixes);
      const sj = jurisdiction(mode, 's.region_code', prefixes);
      const pageParams: unknown[] = [...ej.params, ...sj.params];
      const countParams: unknown[] = [...sj.params];
      if (regionCode) {
        pageParams.push(`${regionCode}%`);
        countParams.push(`${regionCode}%`);
      }
      if (after) pageParams.push(decodeCursorId(after));
      pageParams.push(first + 1);
      const [rows, count] = await Promise.all([
        conn.execute(PAGE_SQL(ej.sql, sj.sql, !!regionCode, !!after), pageParams) as Promise<Row[]>,
        conn.execute(COUNT_SQL(sj.sql, !!regionCode), countParams) as Promise<{ n: number }[]>,
      ]);
      const hasNextPage = rows.length > first;
      if (hasNextPage) rows.length = first;
      return {
        data: {
          shops: {
            totalCount: count[0].n,
            pageInfo: { endCursor: rows.length ? cursorFor(rows[rows.length - 1].id) : null, hasNextPage },
            nodes: rows.map((r) => ({
              id: String(r.id),
              name: r.name,
              platform: r.platform,
              url: r.url,
              domain: r.domain,
              classification: r.classification.toUpperCase(),
              filingStatus: r.filing_status.toUpperCase(),
              regionCode: r.region_code,
              discoveredAt: iso(r.discovered_at),
              entity: r.e_id == null ? null : { id: String(r.e_id), uscc: r.e_uscc, name: r.e_name, registrationStatus: r.e_status!.toUpperCase() },
              region: { code: r.region_code, name: r.r_name },
              responsibleUnit: r.u_id == null ? null : { id: String(r.u_id), code: r.u_code, name: r.u_name },
            })),
          },
        },
      };
    };
    baseline = http.createServer((req, res) => {
      const fail = (status: number, message: string) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message }] }));
      };
      const url = new URL(req.url ?? '/', 'http://baseline');
      const mode: BaselineMode | null = url.pathname === '/shops' ? 'any' : url.pathname === '/shops-like' ? 'like' : null;
      if (req.method !== 'GET' || !mode) return fail(404, 'not found');
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const prefixes = token ? baselineSessions.get(token) : undefined;
      if (!prefixes) return fail(401, 'unauthenticated');
      const first = Number(url.searchParams.get('first') ?? 20);
      if (!Number.isInteger(first) || first < 0 || first > 100) return fail(400, 'first must be 0..100');
      baselinePage(mode, prefixes, first, url.searchParams.get('after'), url.searchParams.get('regionCode')).then(
        (body) => {
          const json = JSON.stringify(body);
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) }).end(json);
        },
        (err: unknown) => fail(500, err instanceof Error ? err.message : String(err)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      baseline!.once('error', reject);
      baseline!.listen(0, HOST, () => resolve());
    });
    const baselineUrl = `http://${HOST}:${(baseline.address() as AddressInfo).port}`;

    // --- what the clients draw from: id range and region filters of each scenario --------------------
    interface ScenarioSetup {
      minId: number;
      maxId: number;
      regionCodes: string[];
      prefixes: string[];
    }
    const setups: Record<string, ScenarioSetup> = {};
    for (const scenario of scenarios) {
      const prefixes = baselineSessions.get(tokens[scenario])!;
      const likes = pgTextArray(prefixes.map((p) => `${p}%`));
      const [range] = (await conn.execute('select min(id)::int as lo, max(id)::int as hi from shop where region_code like any(?::text[])', [likes])) as {
        lo: number;
        hi: number;
      }[];
      // filters one level below the jurisdiction: cities and counties for the province, towns for a county
      const regions = (await conn.execute(
        `select code from region where code like any(?::text[]) and level in (${scenario === 'admin' ? "'city','county'" : "'town'"}) order by code`,
        [likes],
      )) as { code: string }[];
      setups[scenario] = { minId: range.lo - 1, maxId: range.hi, regionCodes: regions.map((r) => r.code), prefixes };
    }

    // --- correctness: the same page from both, for the same cursor and filter ------------------------
    const fetchPage = async (target: Target, token: string, page: PageRequest) => {
      const r = requestFor(target, token, page);
      const res = await fetch(`${target === 'graphql' ? gqlUrl : baselineUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      const text = await res.text();
      return { status: res.status, text, json: JSON.parse(text) as any };
    };
    let checkedPages = 0;
    let checkedRows = 0;
    for (const scenario of scenarios) {
      const s = setups[scenario];
      const random = prng(12345);
      const starts: PageRequest[] = [
        { after: null, regionCode: null },
        { after: cursorFor(s.minId + Math.floor((s.maxId - s.minId) / 2)), regionCode: null },
        { after: cursorFor(s.maxId - 150), regionCode: null }, // runs off the end: a short page, then none
        { after: null, regionCode: '9999' }, // matches nothing
      ];
      for (let i = 0; i < 6; i++) {
        starts.push({
          after: i % 2 ? cursorFor(s.minId + Math.floor(random() * (s.maxId - s.minId))) : null,
          regionCode: s.regionCodes[Math.floor(random() * s.regionCodes.length)],
        });
      }
      for (const start of starts) {
        let page: PageRequest | null = start;
        for (let n = 0; page && n < 3; n++) {
          const [g, ...baselines] = await Promise.all(TARGETS.map((t) => fetchPage(t, tokens[scenario], page!)));
          const where = `${scenario}, after=${page.after ?? 'null'}, regionCode=${page.regionCode ?? 'null'}`;
          if (g.status !== 200 || g.json.errors) throw new Error(`GraphQL failed (${where}): ${g.text.slice(0, 500)}`);
          const gs = g.json.data.shops;
          const gIds = gs.nodes.map((x: { id: string }) => x.id).join(',');
          for (const [i, b] of baselines.entries()) {
            const name = TARGETS[i + 1];
            if (b.status !== 200) throw new Error(`${name} failed (${where}): ${b.text.slice(0, 500)}`);
            const bs = b.json.data.shops;
            const bIds = bs.nodes.map((x: { id: string }) => x.id).join(',');
            if (gIds !== bIds) throw new Error(`ABORT: different shop ids from graphql and ${name} (${where}):\n  graphql: ${gIds.slice(0, 300)}\n  ${name}: ${bIds.slice(0, 300)}`);
            // Apollo ends its JSON with a newline; otherwise the texts must be equal byte for byte
            if (g.text.replace(/\n$/, '') !== b.text) {
              const k = (gs.nodes as unknown[]).findIndex((x, j) => JSON.stringify(x) !== JSON.stringify(bs.nodes[j]));
              const at = firstDifference(g.text, b.text);
              throw new Error(
                `ABORT: same ids, different responses from graphql and ${name} (${where}):` +
                  `\n  totalCount ${gs.totalCount} vs ${bs.totalCount}, pageInfo ${JSON.stringify(gs.pageInfo)} vs ${JSON.stringify(bs.pageInfo)}` +
                  (k >= 0 ? `\n  node ${k}: graphql ${JSON.stringify(gs.nodes[k])}\n  ${name} ${JSON.stringify(bs.nodes[k])}` : '') +
                  `\n  first difference at character ${at}: graphql …${g.text.slice(at - 40, at + 60)}…\n  ${name} …${b.text.slice(at - 40, at + 60)}…`,
              );
            }
          }
          checkedPages++;
          checkedRows += gs.nodes.length;
          page = gs.pageInfo.hasNextPage ? { after: gs.pageInfo.endCursor, regionCode: page.regionCode } : null;
        }
      }
    }
    console.log(`correctness: ${checkedPages} pages (${checkedRows} rows) byte-identical from GraphQL and both baselines`);

    // --- load ------------------------------------------------------------------------------------------
    const { Session } = require('node:inspector') as typeof import('node:inspector');
    const profile = async <T>(file: string | undefined, fn: () => Promise<T>): Promise<{ value: T; profile?: CpuProfile }> => {
      if (!file) return { value: await fn() };
      const session = new Session();
      session.connect();
      const post = (method: string, params?: object) =>
        new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 1000 });
      await post('Profiler.start');
      const value = await fn();
      const { profile: p } = (await post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(p));
      return { value, profile: p };
    };

    const results: PhaseFigures[] = [];
    const profiles: Record<string, string> = {};
    for (const [index, scenario] of scenarios.entries()) {
      const s = setups[scenario];
      for (const target of targets) {
        const job: LoadJob = {
          url: target === 'graphql' ? gqlUrl : baselineUrl,
          target,
          token: tokens[scenario],
          seconds: warmup,
          concurrency,
          pagesPerWalk,
          minId: s.minId,
          maxId: s.maxId,
          regionCodes: s.regionCodes,
          // the same walks (seeds) for both endpoints of a scenario
          seed: 1000 + index,
        };
        if (warmup > 0) {
          const w = await loadInWorker(job);
          if (w.errors > 0) throw new Error(`${target} warm-up errors: ${w.errors}, first: ${w.firstError}`);
        }
        const q0 = queryCounter.count;
        const elu0 = performance.eventLoopUtilization();
        const file = profileDir && target === 'graphql' ? path.resolve(profileDir, `shops-list-${backend}-${scenario}-graphql-${Date.now()}.cpuprofile`) : undefined;
        const { value: r, profile: p } = await profile(file, () => loadInWorker({ ...job, seconds, seed: 1 + index }));
        const elu = performance.eventLoopUtilization(elu0);
        const queries = queryCounter.count - q0;
        if (file && p) {
          profiles[`${scenario}/${target}`] = file;
          printProfile(`${scenario} ${target}`, p);
        }
        const sorted = Float64Array.from(r.latencies).sort();
        const arr = Array.from(sorted);
        const figures: PhaseFigures = {
          target,
          scenario,
          requests: r.ok,
          errors: r.errors,
          rps: r.ok / (r.elapsedMs / 1000),
          p50Ms: percentile(arr, 50),
          p90Ms: percentile(arr, 90),
          p99Ms: percentile(arr, 99),
          maxMs: arr[arr.length - 1] ?? NaN,
          bytesPerResponse: r.ok ? r.bytes / r.ok : 0,
          queriesPerRequest: (r.ok + r.errors) ? queries / (r.ok + r.errors) : 0,
          mainThreadMsPerRequest: r.ok ? elu.active / r.ok : NaN,
          mainThreadUtilization: elu.utilization,
        };
        if (r.errors > 0) console.warn(`${scenario} ${target}: ${r.errors} failed requests, first: ${r.firstError}`);
        results.push(figures);
        console.log(
          `  ${scenario.padEnd(6)} ${target.padEnd(13)} ${figures.rps.toFixed(1).padStart(7)} req/s  p50 ${figures.p50Ms.toFixed(1).padStart(7)} ms  p99 ${figures.p99Ms
            .toFixed(1)
            .padStart(7)} ms  ${Math.round(figures.bytesPerResponse)} B/resp  ${figures.queriesPerRequest.toFixed(2)} SQL/req  main thread ${figures.mainThreadMsPerRequest.toFixed(2)} ms/req (${(
            figures.mainThreadUtilization * 100
          ).toFixed(0)}% busy)`,
        );
      }
    }

    // --- report ------------------------------------------------------------------------------------------
    console.log(`\nShops list, ${PAGE_SIZE} rows a page, ${concurrency} clients, ${seconds} s each (after ${warmup} s warm-up), ${backend}, ${entities} entities`);
    const header = ['scenario', 'endpoint', 'req/s', 'p50 ms', 'p99 ms', 'bytes/resp', 'SQL/req', 'main-thread ms/req'];
    const rows = results.map((f) => [
      f.scenario,
      f.target,
      f.rps.toFixed(1),
      f.p50Ms.toFixed(1),
      f.p99Ms.toFixed(1),
      String(Math.round(f.bytesPerResponse)),
      f.queriesPerRequest.toFixed(2),
      f.mainThreadMsPerRequest.toFixed(2),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const line of [header, ...rows]) console.log(line.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    const ratios: Record<string, { rps: number; p50: number; p99: number; mainThreadMs: number }> = {};
    for (const scenario of scenarios) {
      const g = results.find((f) => f.scenario === scenario && f.target === 'graphql');
      for (const target of TARGETS.slice(1)) {
        const b = results.find((f) => f.scenario === scenario && f.target === target);
        if (!g || !b) continue;
        const key = `${scenario}/${target}`;
        ratios[key] = { rps: g.rps / b.rps, p50: g.p50Ms / b.p50Ms, p99: g.p99Ms / b.p99Ms, mainThreadMs: g.mainThreadMsPerRequest / b.mainThreadMsPerRequest };
        console.log(
          `ratio GraphQL/${target} (${scenario}): req/s ${ratios[key].rps.toFixed(2)}, p50 ${ratios[key].p50.toFixed(2)}, p99 ${ratios[key].p99.toFixed(2)}, main-thread ms/req ${ratios[key].mainThreadMs.toFixed(2)}`,
        );
      }
    }
    console.log(
      `BENCH_JSON ${JSON.stringify({
        bench: 'shops-list',
        backend,
        database: sqlVersion.split(' on ')[0],
        node: process.version,
        nodeEnv: process.env.NODE_ENV ?? null,
        revision,
        cpus: require('node:os').cpus().length,
        entities: summary.entities,
        shops: summary.shops,
        concurrency,
        seconds,
        warmup,
        pageSize: PAGE_SIZE,
        dbPoolMax: baseUrl ? config.dbPoolMax : 1,
        correctness: { pages: checkedPages, rows: checkedRows },
        results: results.map((f) => ({ ...f, rps: +f.rps.toFixed(2), p50Ms: +f.p50Ms.toFixed(2), p90Ms: +f.p90Ms.toFixed(2), p99Ms: +f.p99Ms.toFixed(2), maxMs: +f.maxMs.toFixed(2), bytesPerResponse: Math.round(f.bytesPerResponse), queriesPerRequest: +f.queriesPerRequest.toFixed(3), mainThreadMsPerRequest: +f.mainThreadMsPerRequest.toFixed(3), mainThreadUtilization: +f.mainThreadUtilization.toFixed(3) })),
        ratios: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, { rps: +v.rps.toFixed(3), p50: +v.p50.toFixed(3), p99: +v.p99.toFixed(3), mainThreadMs: +v.mainThreadMs.toFixed(3) }])),
        profiles,
      })}`,
    );
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------------------------
// CPU profile summary
// ---------------------------------------------------------------------------------------------------------

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a script belongs: a package under node_modules, node's own code, the project, or the VM. */
function packageOf(url: string): string {
  if (!url) return '(vm: gc, idle, program)';
  if (url.startsWith('node:')) return 'node:internal';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  const root = path.resolve(__dirname, '..');
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(root) ? `(project) ${path.relative(root, file).split(path.sep)[0]}` : file;
}

function printProfile(title: string, p: CpuProfile, top = 15): void {
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  const total = p.endTime - p.startTime;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of p.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(path.resolve(__dirname, '..') + '/', '')}:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `    ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  console.log(`  CPU profile of the main thread, ${title} (self time, ${(total / 1e6).toFixed(1)} s):\n  by package:\n${fmt(byPackage)}\n  by function:\n${fmt(byFunction)}`);
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
} else {
  runLoad(workerData as LoadJob).then(
    (r) => parentPort!.postMessage(r),
    (err: unknown) => {
      throw err;
    },
  );
}
