/**
 * The crawler worker role (`hongdun worker crawl`), for the external network segment: takes fetch jobs
 * (CRAWL_FETCH_QUEUE) from Redis, crawls and extracts with the platform's spiders (fetchPlan →
 * watchCrawl), and hands the records back only through Redis: result chunks (gzip JSON, bodies base64
 * with their SHA-256) in keys the core pulls and deletes, listed in the job's return value. It holds no
 * database credentials and opens no database: it refuses to start when DATABASE_URL is set.
 *
 * Its own limits cap the job's: concurrency, per-host concurrency, request rate, timeout and body size
 * never exceed the worker's configuration, and when the worker has CRAWL_ALLOWED_ORIGINS of its own, a
 * job asking for any other origin is refused (a compromised queue cannot point the worker elsewhere).
 *
 * A killed worker's job goes back to the queue (BullMQ's stalled-job check after `lockMs`) and another
 * worker crawls it from the start under new keys; the killed worker's keys expire (CHUNK_TTL_SECS). The
 * core ingests idempotently, so nothing is lost or written twice.
 */
import { randomBytes } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { normaliseOrigin } from '../spider';
import { fetchPlan, type SpiderLimits } from '../runs/execute-run';
import { fetchForTokens } from '../spider/token-check';
import { onceAtATime, type RedisLog, watchBullMqErrors, watchRedisConnection } from '../../kernel/redis-faults';
import { CHUNK_RECORDS, CHUNK_TTL_SECS, CRAWL_FETCH_QUEUE, encodeListing, encodeShop, type FetchJobData, type FetchJobResult, packChunk, type ResultChunk, TOKEN_CHECK_JOB, type TokenCheckJobData, type TokenCheckJobResult } from './wire';

export interface CrawlWorkerOptions {
  redisUrl: string;
  /** queue prefix (the platform's: `hongdun`) */
  prefix?: string;
  /** fetch jobs at a time */
  concurrency?: number;
  /** BullMQ lock: a worker that died loses its job to another after this long */
  lockMs?: number;
  /** the worker's own caps */
  limits: Required<Pick<SpiderLimits, 'maxConcurrency' | 'perHostConcurrency' | 'requestTimeoutSecs' | 'maxBodyBytes'>> & { maxRequestsPerMinute?: number };
  /** origins this worker may ever fetch; empty: whatever the job allows */
  allowedOrigins?: string[];
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

export interface CrawlWorkerHandle {
  close(): Promise<void>;
}

/** A self-filing's token check on this worker: only the filing's own origins, capped by this worker's limits and origins. */
async function checkTokensOn(data: TokenCheckJobData, own: ReadonlySet<string>, limits: SpiderLimits): Promise<TokenCheckJobResult> {
  const targets = data.targets.filter((t) => own.size === 0 || own.has(normaliseOrigin(new URL(t.url).origin)));
  const refused = data.targets.filter((t) => !targets.includes(t));
  const checks = await fetchForTokens(targets, {
    crawlTimeoutSecs: cap(data.limits.crawlTimeoutSecs, limits.requestTimeoutSecs) ?? 15,
    crawlMaxBodyBytes: cap(data.limits.crawlMaxBodyBytes, limits.maxBodyBytes) ?? 2 * 1024 * 1024,
  });
  for (const t of refused) checks.set(t.url, { found: false, reason: "该地址不在采集节点的允许范围内 (outside this crawler worker's allowed origins)" });
  return { checks: [...checks.entries()] };
}

/** Refuses to run with database credentials in the environment (the external segment holds none). */
export function assertNoDatabaseCredentials(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DATABASE_URL) throw new Error('the crawler worker holds no database credentials: unset DATABASE_URL (it talks to the core only through Redis)');
}

function cap(job: number | undefined, own: number | undefined): number | undefined {
  if (!own) return job;
  if (!job) return own;
  return Math.min(job, own);
}

export async function startCrawlWorker(options: CrawlWorkerOptions): Promise<CrawlWorkerHandle> {
  const prefix = options.prefix ?? 'hongdun';
  const lockMs = options.lockMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  const own = new Set((options.allowedOrigins ?? []).map(normaliseOrigin));
  const redisLog: RedisLog = (_level, message, fields) => log(message, fields);
  // maxRetriesPerRequest null: while Redis restarts, commands (a result chunk's SET too) wait for the reconnection
  const connection = watchRedisConnection(new IORedis(options.redisUrl, { maxRetriesPerRequest: null }), 'crawl worker', redisLog);
  // BullMQ does not close a connection it is given: this one is closed below
  const workerConnection = watchRedisConnection(connection.duplicate(), 'crawl worker', redisLog);
  const running = new Map<string, Promise<unknown>>();
  const worker = new Worker<FetchJobData, FetchJobResult>(
    CRAWL_FETCH_QUEUE,
    // a fetch job that stalled while Redis was down and was taken again by this worker, still crawling it: one crawl
    (job) => onceAtATime(running, job.id!, async () => {
      if (job.name === TOKEN_CHECK_JOB) return (await checkTokensOn(job.data as unknown as TokenCheckJobData, own, options.limits)) as unknown as FetchJobResult;
      const { plan, limits } = job.data;
      const origins = plan.allowedOrigins.map(normaliseOrigin);
      if (own.size > 0) {
        const foreign = origins.filter((o) => !own.has(o));
        if (foreign.length > 0) throw new UnrecoverableError(`origins outside this worker's CRAWL_ALLOWED_ORIGINS: ${foreign.join(', ')}`);
      }
      const effective: SpiderLimits = {
        ...limits,
        maxConcurrency: cap(limits.maxConcurrency, options.limits.maxConcurrency),
        perHostConcurrency: cap(limits.perHostConcurrency, options.limits.perHostConcurrency),
        maxRequestsPerMinute: cap(limits.maxRequestsPerMinute, options.limits.maxRequestsPerMinute),
        requestTimeoutSecs: cap(limits.requestTimeoutSecs, options.limits.requestTimeoutSecs),
        maxBodyBytes: cap(limits.maxBodyBytes, options.limits.maxBodyBytes),
      };
      const base = `${prefix}:crawl-result:${job.id}:${randomBytes(6).toString('hex')}`;
      const chunks: string[] = [];
      let current: ResultChunk = { shops: [], listings: [] };
      let shops = 0;
      let listings = 0;
      let writing: Promise<void> = Promise.resolve();
      const flush = () => {
        if (current.shops.length + current.listings.length === 0) return writing;
        const chunk = current;
        current = { shops: [], listings: [] };
        const key = `${base}:${chunks.length}`;
        chunks.push(key);
        writing = writing.then(async () => {
          await connection.set(key, packChunk(chunk), 'EX', CHUNK_TTL_SECS);
        });
        return writing;
      };
      const summary = await fetchPlan({ ...plan, allowedOrigins: origins }, effective, {
        onShop: async (shop) => {
          shops++;
          current.shops.push(encodeShop(shop));
          if (current.shops.length + current.listings.length >= CHUNK_RECORDS) await flush();
        },
        onListing: async (listing) => {
          listings++;
          current.listings.push(encodeListing(listing));
          if (current.shops.length + current.listings.length >= CHUNK_RECORDS) await flush();
        },
      });
      await flush();
      await writing;
      log('fetch done', { run: plan.runId, job: job.id, shops, listings, chunks: chunks.length });
      return {
        summary: { pagesOk: summary.pagesOk, pagesFailed: summary.pagesFailed, skipped: summary.skipped, errors: summary.errors.slice(0, 50_000), licenceMissed: summary.licenceMissed },
        chunks,
        shops,
        listings,
      };
    }),
    { connection: workerConnection, prefix, concurrency: options.concurrency ?? 1, lockDuration: lockMs, stalledInterval: lockMs, maxStalledCount: 20 },
  );
  watchBullMqErrors(worker, 'crawl worker', redisLog);
  worker.on('failed', (job, err) => log('fetch failed', { job: job?.id, err: err.message }));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      workerConnection.disconnect();
      connection.disconnect();
    },
  };
}
