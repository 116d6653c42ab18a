/**
 * "Killing a worker in the middle of a crawl loses nothing and duplicates nothing when the job is retried."
 *
 * A shops crawl of the demo marketplace is queued on BullMQ (a queue prefix of this test's own) and taken
 * by worker process A (test/support/crawl-worker.ts: `hongdun worker` on that prefix). Once A has written
 * part of the run (observations, snapshots, evidence), A is killed with SIGKILL: no cleanup, no status
 * update, locks simply lapse. Worker process B takes the stalled job over (BullMQ's stalled-job check,
 * JOBS_LOCK_MS) and runs the whole crawl again. The end state is checked against the marketplace's
 * ground truth: every listing it showed that day observed exactly once at the run's moment with the
 * price it showed, one snapshot per shop, no listing row twice, every evidence chain intact and no
 * capture twice.
 *
 * Needs a PostgreSQL server both processes can share (PGlite cannot be shared) and Redis:
 * - the server at DATABASE_URL, or else the default postgres://root@127.0.0.1:5432/postgres when it
 *   answers (so the test runs in both passes of CI); a scratch database is created and dropped;
 * - Redis at REDIS_URL (default redis://127.0.0.1:6379).
 * Without either the test is skipped, with the reason; under CI=true it fails instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { openEvidenceStore } from '../crawlers/evidence';
import { executeCrawlRun } from '../crawlers/runs/execute-run';
import { CrawlKind, CrawlRunStatus } from '../entities';
import { createCrawlRun } from '../services/crawl/crawl-runs';
import { crawlPolicy, startCrawl } from '../services/crawl/start-crawl';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { type Config, loadConfig } from '../kernel/config';
import { openDatabase } from '../server/database';
import { BullMqJobRunner, QUEUE_NAME } from '../server/jobs/bullmq-runner';
import { crawlDeps, registerPlatformJobs } from '../server/jobs/platform-jobs';
import { createScratchDatabase } from './support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEFAULT_PG = 'postgres://root@127.0.0.1:5432/postgres';
const PG_URL = process.env.DATABASE_URL || DEFAULT_PG;
const CI = process.env.CI === 'true';

const SEED = 'hongdun';
const ENTITIES = 200;
/** the simulated day the marketplace serves throughout */
const DAY = 0;
/** the moment the shops run is stamped with */
const OBSERVED_AT = new Date('2026-12-02T02:00:00.000Z');
/** BullMQ lock duration and stalled-check interval of the workers: a killed worker's job moves on after ~2 of these */
const LOCK_MS = 2000;
/** worker A is killed once this share of the expected observations is written */
const KILL_AT = 0.1;
const CRAWL_CONCURRENCY = 16;
const REPO = path.resolve(__dirname, '..');
const WORKER_SCRIPT = path.join(REPO, 'test', 'support', 'crawl-worker.ts');

async function redisAvailable(): Promise<boolean> {
  const client = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {}); // the answer is the connect() below
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function postgresAvailable(): Promise<boolean> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// vitest runs test files as ES modules, so top-level await is fine here
// @ts-ignore TS1309 (tsc sees the project as CommonJS)
const hasRedis: boolean = await redisAvailable();
// @ts-ignore TS1309
const hasPostgres: boolean = await postgresAvailable();
if (!hasRedis && CI) throw new Error(`CI=true but Redis at ${REDIS_URL} does not answer: the crawl retry test cannot be skipped in CI`);
if (!hasPostgres && (CI || process.env.DATABASE_URL)) {
  throw new Error(`PostgreSQL at ${new URL(PG_URL).host} does not answer (${process.env.DATABASE_URL ? 'DATABASE_URL is set' : 'CI=true'}): the crawl retry test cannot be skipped`);
}
const skipReason = !hasPostgres
  ? `no PostgreSQL server (DATABASE_URL unset and nothing answers at ${new URL(DEFAULT_PG).host}): two worker processes need a shared database, PGlite cannot be shared`
  : !hasRedis
    ? `Redis at ${REDIS_URL} does not answer: the workers take the crawl job from BullMQ`
    : null;
if (skipReason) console.warn(`crawl-retry.test.ts skipped: ${skipReason}`);

/** A worker child process and what it printed (for the failure messages). */
interface Worker {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function log(worker: Worker): string {
  return `--- ${worker.name} output ---\n${worker.output.join('').slice(-4000)}`;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, intervalMs = 100, onTimeout = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${onTimeout()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

describe.skipIf(skipReason !== null)('a crawl job whose worker is killed mid-run (PostgreSQL + Redis, two worker processes)', () => {
  const prefix = `hongdun-crawl-retry-${process.pid}-${randomBytes(4).toString('hex')}`;
  const workers: Worker[] = [];
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  let market: Marketplace | undefined;
  let orm: MikroORM | undefined;
  let runner: BullMqJobRunner | undefined;
  let queue: Queue | undefined;
  let queueConnection: IORedis | undefined;
  let evidenceDir: string | undefined;
  let config: Config;

  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
    (await orm!.em.fork().getConnection().execute(text, params)) as T[];
  const runRow = async (id: number) =>
    (await sql<{ status: CrawlRunStatus; attempts: number; observations_written: number; snapshots_written: number; captures: number; listings_seen: number; shops_seen: number; pages_failed: number; changes: Record<string, number>; message: string | null }>(
      `select status, attempts, observations_written, snapshots_written, captures, listings_seen, shops_seen, pages_failed, changes, message from crawl_run where id = ?`,
      [id],
    ))[0];
  const observationsAt = async () => Number((await sql<{ n: number }>(`select count(*)::int as n from listing_observation where observed_at = ?`, [OBSERVED_AT]))[0].n);

  function startWorker(name: string): Worker {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of ['NODE_OPTIONS', 'CRAWL_SEEDS', 'CRAWL_RPM', 'CRAWL_TIMEOUT_SECS', 'CRAWL_MAX_BODY_BYTES', 'DATA_DIR']) delete env[key];
    Object.assign(env, {
      DATABASE_URL: scratch!.url,
      REDIS_URL,
      JOBS_PREFIX: prefix,
      JOBS_LOCK_MS: String(LOCK_MS),
      CRAWL_ALLOWED_ORIGINS: market!.url,
      CRAWL_CONCURRENCY: String(CRAWL_CONCURRENCY),
      CRAWL_PER_HOST: String(CRAWL_CONCURRENCY),
      CRAWL_SCHEDULES: 'false',
      EVIDENCE_DIR: evidenceDir!,
      CRAWL_INGEST_BATCH: '100', // written as it goes: there is something to lose when the worker is killed
      DB_POOL_MAX: '5',
      LOG_LEVEL: 'warn',
      DEMO: 'false',
    });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', WORKER_SCRIPT], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const output: string[] = [];
    child.stdout!.on('data', (b: Buffer) => output.push(b.toString()));
    child.stderr!.on('data', (b: Buffer) => output.push(b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const worker = { name, child, output, exited };
    workers.push(worker);
    return worker;
  }

  async function ready(worker: Worker): Promise<void> {
    let gone = false;
    void worker.exited.then(() => (gone = true));
    await until(
      `${worker.name} to start`,
      async () => {
        if (gone) throw new Error(`${worker.name} exited before it was ready\n${log(worker)}`);
        return worker.output.join('').includes('worker ready');
      },
      60_000,
      50,
      () => log(worker),
    );
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(PG_URL, 'hongdun_retry');
    market = await startMarketplace({ seed: SEED, entities: ENTITIES, day: DAY, slowMs: 500 });
    evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hongdun-crawl-retry-evidence-'));
    config = loadConfig({
      databaseUrl: scratch.url,
      dbPoolMax: 5,
      redisUrl: REDIS_URL,
      crawlAllowedOrigins: [market.url],
      crawlSeeds: [...market.platforms.map((p) => p.directoryUrl), market.siteDirectoryUrl],
      crawlSchedules: false,
      crawlConcurrency: CRAWL_CONCURRENCY,
      crawlPerHost: CRAWL_CONCURRENCY,
      crawlRequestsPerMinute: 0,
      evidenceDir,
      jobsLockMs: LOCK_MS,
    });
    orm = await openDatabase(config);
    const summary = await runAsSystem('test: demo province', () => loadDemoProvince(orm!.em.fork(), { seed: SEED, entities: ENTITIES }));
    expect(summary.skipped).toBe(false);

    // discovery, in-process: finds the register's shops in the marketplace and records their watch URLs
    const discovery = await runAsSystem('test: discovery', () =>
      createCrawlRun(orm!.em.fork(), { kind: CrawlKind.DISCOVERY, regionCode: '37', trigger: 'test:crawl-retry' }, crawlPolicy(config)),
    );
    const found = await executeCrawlRun(crawlDeps(orm, config), discovery.id);
    expect(found.status).toBe(CrawlRunStatus.SUCCEEDED);

    runner = new BullMqJobRunner(REDIS_URL, prefix, LOCK_MS);
    await registerPlatformJobs(runner, orm, config);
    queueConnection = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix });
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await runner?.close().catch(() => {});
    if (queue) {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close().catch(() => {});
    }
    if (queueConnection) {
      const keys = await queueConnection.keys(`${prefix}:*`);
      if (keys.length) await queueConnection.del(...keys);
      queueConnection.disconnect();
    }
    await orm?.close(true);
    await scratch?.drop();
    await market?.close();
    if (evidenceDir) fs.rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('the retried job writes every row once: nothing lost, nothing twice, evidence chains intact', async () => {
    const m = market!;
    // what the run will crawl: the register's shops with a watch address in the marketplace
    const watched = await sql<{ id: number; watch_url: string }>(`select id, watch_url from shop where watch_url like ? order by id`, [`${m.url}/%`]);
    const marketShops = m.shopIds.map((id) => m.expectedShop(DAY, id)!);
    const watchedUrls = new Set(watched.map((s) => s.watch_url));
    const crawled = marketShops.filter((s) => watchedUrls.has(s.url));
    expect(crawled.length, 'every marketplace shop was matched to the register by discovery').toBe(m.shopIds.length);
    expect(watched.length).toBe(crawled.length);
    // the run crawls every second watched shop (by register id) and the shops that link the hostile pages:
    // half the work of a full run, all platforms, own sites and hostile pages still in it
    const hostileShops = new Set(m.groundTruth(DAY).hostile.map((h) => h.linkedFrom));
    const inRun = watched.filter((s, i) => i % 2 === 0 || hostileShops.has(s.watch_url));
    const inRunUrls = new Set(inRun.map((s) => s.watch_url));
    const runShops = crawled.filter((s) => inRunUrls.has(s.url));
    expect(runShops.length).toBe(inRun.length);
    expect(runShops.filter((s) => hostileShops.has(s.url)).length).toBe(hostileShops.size);
    const expected = new Map<string, { id: string; price: number }>();
    for (const shop of runShops) {
      for (const id of shop.listingIds) {
        const l = m.expectedListing(DAY, id)!;
        expected.set(l.url, { id, price: l.price });
      }
    }
    expect(expected.size).toBeGreaterThan(500);

    // the run and its job, as the API starts them
    const run = await runAsSystem('test: start crawl', () =>
      startCrawl(
        orm!.em.fork(),
        { kind: CrawlKind.SHOPS, regionCode: '37', shopIds: inRun.map((s) => Number(s.id)), observedAt: OBSERVED_AT, trigger: 'test:crawl-retry' },
        crawlPolicy(config),
        (job, data) => runner!.enqueue(job, data),
      ),
    );
    const jobId = (await sql<{ job_id: string }>(`select job_id from crawl_run where id = ?`, [run.id]))[0].job_id;
    expect(jobId).toBeTruthy();

    // worker A takes the job; it is killed once part of the run is written
    const a = startWorker('worker A');
    await ready(a);
    const killAt = Math.ceil(expected.size * KILL_AT);
    await until(
      `worker A to write ${killAt} observations`,
      async () => {
        const row = await runRow(run.id);
        if (row.status !== CrawlRunStatus.RUNNING && row.status !== CrawlRunStatus.QUEUED) throw new Error(`run ${row.status} before worker A was killed: ${row.message}\n${log(a)}`);
        return row.status === CrawlRunStatus.RUNNING && (await observationsAt()) >= killAt;
      },
      60_000,
      50,
      () => log(a),
    );
    a.child.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const afterKill = await runRow(run.id);
    const writtenByA = await observationsAt();
    expect(afterKill.status, 'a killed worker leaves its run running').toBe(CrawlRunStatus.RUNNING);
    expect(afterKill.attempts).toBe(1);
    expect(writtenByA, 'worker A was killed in the middle of the run').toBeGreaterThanOrEqual(killAt);
    expect(writtenByA, 'worker A was killed before the run was complete').toBeLessThan(expected.size);
    const snapshotsByA = (await sql<{ n: number }>(`select count(*)::int as n from shop_snapshot where observed_at = ?`, [OBSERVED_AT]))[0].n;
    const capturesByA = (await sql<{ n: number }>(`select count(*)::int as n from evidence_capture where observed_at = ?`, [OBSERVED_AT]))[0].n;
    expect(snapshotsByA, 'worker A wrote snapshots before it was killed').toBeGreaterThan(0);
    expect(capturesByA, 'worker A captured evidence before it was killed').toBeGreaterThan(0);
    const job = await queue!.getJob(jobId);
    expect(await job!.getState()).toBe('active');

    // worker B: BullMQ's stalled-job check hands it the job once A's lock lapses; it runs the crawl again
    const b = startWorker('worker B');
    await ready(b);
    const done = await until(
      'the retried run to finish',
      async () => {
        const row = await runRow(run.id);
        if (row.status === CrawlRunStatus.FAILED) throw new Error(`the retried run failed: ${row.message}\n${log(b)}`);
        return row.status === CrawlRunStatus.SUCCEEDED ? row : null;
      },
      120_000,
      250,
      () => log(b),
    );
    expect(await (await queue!.getJob(jobId))!.getState()).toBe('completed');
    expect(done.attempts, 'executed twice: by A (killed) and by B').toBe(2);
    expect(done.pages_failed).toBe(0);

    // nothing lost, nothing twice: every listing the marketplace showed, observed once, at its price
    const observed = await sql<{ url: string; price: string; n: number }>(
      `select l.url, min(o.price)::text as price, count(*)::int as n
       from listing_observation o join listing l on l.id = o.listing_id
       where o.observed_at = ? group by l.url`,
      [OBSERVED_AT],
    );
    const byUrl = new Map(observed.map((o) => [o.url, o]));
    const missing = [...expected.keys()].filter((url) => !byUrl.has(url));
    const unexpected = observed.filter((o) => !expected.has(o.url)).map((o) => o.url);
    const twice = observed.filter((o) => o.n !== 1).map((o) => o.url);
    const wrongPrice = observed.filter((o) => expected.has(o.url) && Number(o.price) !== expected.get(o.url)!.price).map((o) => `${o.url}: ${o.price}`);
    const sample = (list: string[]) => ({ count: list.length, first: list.slice(0, 5) });
    expect({ missing: sample(missing), unexpected: sample(unexpected), twice: sample(twice), wrongPrice: sample(wrongPrice) }).toEqual({
      missing: { count: 0, first: [] },
      unexpected: { count: 0, first: [] },
      twice: { count: 0, first: [] },
      wrongPrice: { count: 0, first: [] },
    });
    expect(await observationsAt(), 'observations at the run\'s moment').toBe(expected.size);
    expect(done.observations_written).toBe(expected.size);
    expect(done.listings_seen).toBe(expected.size);

    // listing rows: one per listing URL the marketplace showed
    const listings = await sql<{ n: number; urls: number }>(`select count(*)::int as n, count(distinct url)::int as urls from listing`);
    expect(listings[0]).toEqual({ n: expected.size, urls: expected.size });

    // one snapshot per crawled shop at the run's moment
    const snapshots = await sql<{ n: number; shops: number }>(`select count(*)::int as n, count(distinct shop_id)::int as shops from shop_snapshot where observed_at = ?`, [OBSERVED_AT]);
    expect(snapshots[0]).toEqual({ n: runShops.length, shops: runShops.length });
    expect(done.shops_seen).toBe(runShops.length);

    // the changes of the run's moment: each listing new once
    const changes = await sql<{ kind: string; n: number; subjects: number }>(
      `select kind, count(*)::int as n, count(distinct subject_id)::int as subjects from listing_change where observed_at = ? group by kind`,
      [OBSERVED_AT],
    );
    expect(changes).toEqual([{ kind: 'listing_new', n: expected.size, subjects: expected.size }]);
    expect(done.changes.listing_new).toBe(expected.size);

    // evidence: each page of the run captured once (B's captures, some of which A had already written)
    const captures = await sql<{ n: number; keys: number; run_ids: number[] }>(
      `select count(*)::int as n, count(distinct (shop_id, kind, url, sha256))::int as keys, array_agg(distinct run_id) as run_ids
       from evidence_capture where observed_at = ?`,
      [OBSERVED_AT],
    );
    expect(captures[0].n).toBe(captures[0].keys);
    expect(captures[0].n, 'evidence rows of the run = the pages the retried run captured').toBe(done.captures);
    expect(captures[0].run_ids).toEqual([run.id]);
    expect(done.captures).toBeGreaterThanOrEqual(expected.size + runShops.length);
    const observedListingCaptures = await sql<{ n: number }>(
      `select count(*)::int as n from evidence_capture c join listing l on l.url = c.url where c.observed_at = ?`,
      [OBSERVED_AT],
    );
    expect(observedListingCaptures[0].n, 'one capture per listing page').toBe(expected.size);
    const snapshotEvidence = await sql<{ n: number }>(
      `select count(*)::int as n from shop_snapshot s
       where s.observed_at = ? and not exists (select 1 from evidence_capture c where c.shop_id = s.shop_id and c.sha256 = s.evidence_sha256 and c.observed_at = s.observed_at)`,
      [OBSERVED_AT],
    );
    expect(snapshotEvidence[0].n, 'every snapshot points at its captured page').toBe(0);

    // every chain verifies: seq without gaps, hashes linked, blobs intact
    const report = await runAsSystem('test: verify evidence', () => openEvidenceStore(orm!.em.fork(), evidenceDir!).verify());
    const allCaptures = (await sql<{ n: number }>(`select count(*)::int as n from evidence_capture`))[0].n;
    expect(report.totals.captures).toBe(allCaptures);
    expect(report.totals.problems, JSON.stringify(report.captures.filter((c) => c.problems.length > 0).slice(0, 5))).toBe(0);
    const gaps = await sql<{ shop_id: number }>(`select shop_id from evidence_capture group by shop_id having max(seq) <> count(*) or min(seq) <> 1`);
    expect(gaps).toEqual([]);
    // B stops cleanly
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  }, 150_000);
});
