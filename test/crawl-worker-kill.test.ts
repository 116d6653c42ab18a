/**
 * Crawler workers killed with SIGKILL mid-crawl, several times at random moments (CRAWL_MODE=queue): the
 * shops run completes on a restarted worker; every page is observed exactly once at the run's moment (0
 * lost, 0 duplicated observations or snapshots) and every evidence chain is intact with no capture twice.
 * The workers (`hongdun worker crawl`, child processes) hold no database, so the core's database may be
 * PGlite here (DATABASE_URL when set). Needs Redis (REDIS_URL, default redis://127.0.0.1:6379): skipped
 * with the reason without it, fails under CI=true.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { openEvidenceStore } from '../crawlers/evidence';
import { executeCrawlRun } from '../crawlers/runs/execute-run';
import { CRAWL_FETCH_QUEUE } from '../crawlers/worker/wire';
import { CrawlKind, CrawlRunStatus } from '../entities';
import { createCrawlRun } from '../services/crawl/crawl-runs';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { type Config, loadConfig } from '../kernel/config';
import { BullMqJobRunner } from '../server/jobs/bullmq-runner';
import { crawlDeps, JOBS, registerPlatformJobs } from '../server/jobs/platform-jobs';
import { openTestDatabase, type TestDatabase } from './support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SEED = 'hongdun';
const ENTITIES = 120;
const DAY = 0;
/** kills per run (the issue asks for 10; HONGDUN_KILLS=n for another count) */
const KILLS = Number(process.env.HONGDUN_KILLS ?? 10);
const LOCK_MS = 1500;
const REPO = path.resolve(__dirname, '..');

async function redisAvailable(): Promise<boolean> {
  const client = new IORedis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
// @ts-ignore TS1309 (tsc sees the project as CommonJS; vitest runs ES modules)
const hasRedis: boolean = await redisAvailable();
if (!hasRedis && process.env.CI === 'true') throw new Error(`CI=true but Redis at ${REDIS_URL} does not answer: the crawler worker kill test cannot be skipped in CI`);
if (!hasRedis) console.warn(`crawl-worker-kill.test.ts skipped: Redis at ${REDIS_URL} does not answer`);

describe.skipIf(!hasRedis)('crawler workers killed with SIGKILL mid-crawl', () => {
  const prefix = `hongdun-crawl-kill-${process.pid}-${randomBytes(4).toString('hex')}`;
  const workers: ChildProcess[] = [];
  let market: Marketplace;
  let db: TestDatabase;
  let runner: BullMqJobRunner;
  let config: Config;
  let queue: Queue;
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
    runAsSystem('test', () => db.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;

  function startWorker(): Promise<ChildProcess> {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: os.tmpdir(), REDIS_URL, CRAWL_ALLOWED_ORIGINS: market.url, CRAWL_CONCURRENCY: '4', CRAWL_PER_HOST: '4', JOBS_LOCK_MS: String(LOCK_MS), LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'server/cli.ts', 'worker', 'crawl', '--prefix', prefix, '--concurrency', '1'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    workers.push(child);
    let out = '';
    return new Promise((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('crawler worker ready')) resolve(child);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => reject(new Error(`crawler worker exited (${code ?? signal}) before it was ready:\n${out.slice(-3000)}`)));
    });
  }

  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  beforeAll(async () => {
    market = await startMarketplace({ seed: SEED, entities: ENTITIES, day: DAY, slowMs: 500 });
    db = await openTestDatabase();
    await loadDemoProvince(db.orm.em.fork(), { seed: SEED, entities: ENTITIES });
    const base: Partial<Config> & { crawlAllowedOrigins: string[]; crawlSeeds: string[] } = {
      dataDir: 'memory://',
      redisUrl: REDIS_URL,
      crawlAllowedOrigins: [market.url],
      crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
      crawlTimeoutSecs: 5,
      crawlSchedules: false,
      patrolSchedules: false,
      evidenceDir: path.join(os.tmpdir(), `hongdun-crawl-kill-${process.pid}-${randomBytes(4).toString('hex')}`),
    };
    // discovery in-process (fills the register's watch addresses), the shops run through the queue
    const discovery = await runAsSystem('test', () => createCrawlRun(db.orm.em.fork(), { kind: CrawlKind.DISCOVERY, observedAt: new Date('2026-12-01T01:00:00Z'), trigger: 'test' }, crawlPolicy(base)));
    await executeCrawlRun(crawlDeps(db.orm, loadConfig(base)), discovery.id);
    config = loadConfig({ ...base, crawlMode: 'queue' });
    runner = new BullMqJobRunner(REDIS_URL, prefix, 10_000);
    await registerPlatformJobs(runner, db.orm, config);
    await runner.startWorker();
    queue = new Queue(CRAWL_FETCH_QUEUE, { connection: new IORedis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map(kill));
    await runner?.close().catch(() => undefined);
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close().catch(() => undefined);
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.close();
    await market?.close();
  });

  it(`${KILLS} kills at random moments: the run completes, every page observed exactly once`, async () => {
    const watched = await sql<{ id: number; watch_url: string }>(`select id, watch_url from shop where watch_url like ? order by id`, [`${market.url}/%`]);
    expect(watched.length).toBe(market.shopIds.length);
    const watchedUrls = new Set(watched.map((s) => s.watch_url));
    const expected = new Set<string>();
    for (const id of market.shopIds) {
      const shop = market.expectedShop(DAY, id)!;
      if (!watchedUrls.has(shop.url)) continue;
      for (const listingId of shop.listingIds) expected.add(market.expectedListing(DAY, listingId)!.url);
    }
    expect(expected.size).toBeGreaterThan(200);

    const observedAt = new Date('2026-12-01T02:00:00Z');
    const run = await runAsSystem('test', () => createCrawlRun(db.orm.em.fork(), { kind: CrawlKind.SHOPS, regionCode: '37', observedAt, trigger: 'test' }, crawlPolicy(config)));
    const started = Date.now();
    const job = await runner.enqueue(JOBS.CRAWL_SHOPS, { runId: run.id });
    const kills: Array<{ afterMs: number; requestsBefore: number; requestsAtKill: number }> = [];
    for (let i = 0; i < KILLS; i++) {
      const w = await startWorker();
      // wait until this worker crawls (the others are dead: every new request is its), then kill it at a random moment
      const requestsBefore = market.stats().total;
      const deadline = Date.now() + 30_000;
      while (market.stats().total < requestsBefore + 5) {
        if (Date.now() > deadline) throw new Error(`worker ${i + 1} never started crawling`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 900));
      const requestsAtKill = market.stats().total;
      await kill(w);
      kills.push({ afterMs: Date.now() - started, requestsBefore, requestsAtKill });
    }
    // each worker was crawling when it was killed (the run could not have finished: the next worker found the job again)
    expect(kills.filter((k) => k.requestsAtKill <= k.requestsBefore)).toEqual([]);
    await startWorker();
    await runner.waitFor(job, 120_000);
    const [row] = await sql<{ status: string; message: string | null; observations_written: number; snapshots_written: number }>(`select * from crawl_run where id = ?`, [run.id]);
    expect(row.status, row.message ?? '').toBe(CrawlRunStatus.SUCCEEDED);
    const fetchJobs = await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    const observed = await sql<{ url: string; n: number }>(
      `select l.url, count(*)::int as n from listing_observation o join listing l on l.id = o.listing_id where o.observed_at = ? group by l.url`,
      [observedAt.toISOString()],
    );
    const lost = [...expected].filter((u) => !observed.some((o) => o.url === u));
    const twice = observed.filter((o) => o.n > 1).map((o) => o.url);
    const unexpected = observed.filter((o) => !expected.has(o.url)).map((o) => o.url);
    const snaps = await sql<{ shop_id: number; n: number }>(`select shop_id, count(*)::int as n from shop_snapshot where observed_at = ? group by shop_id`, [observedAt.toISOString()]);
    const [caps] = await sql<{ n: number; d: number }>(`select count(*)::int as n, count(distinct (shop_id, kind, url, sha256))::int as d from evidence_capture where run_id = ?`, [run.id]);
    const report = await runAsSystem('test', () => openEvidenceStore(db.orm.em.fork(), config.evidenceDir).verify());
    console.log(
      `crawl-worker-kill: ${KILLS} SIGKILLs (${kills.map((k) => `${k.afterMs} ms, ${k.requestsAtKill - k.requestsBefore} requests into the attempt`).join('; ')}), ${expected.size} pages expected, ${observed.length} observed, lost ${lost.length}, twice ${twice.length}; ` +
        `${snaps.length} snapshots (${snaps.filter((s) => s.n > 1).length} twice); ${caps.n} captures (${caps.n - caps.d} twice), ${report.totals.problems} evidence problems; fetch jobs ${fetchJobs.length}`,
    );
    expect({ lost: lost.length, twice: twice.length, unexpected: unexpected.length }).toEqual({ lost: 0, twice: 0, unexpected: 0 });
    expect(observed.length).toBe(expected.size);
    expect(Number(row.observations_written)).toBe(expected.size);
    expect(snaps.length).toBe(watched.length);
    expect(snaps.filter((s) => s.n > 1)).toEqual([]);
    expect(caps.n).toBe(caps.d);
    expect(report.totals.problems).toBe(0);
  }, 240_000);
});
