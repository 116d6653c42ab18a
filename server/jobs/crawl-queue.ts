/**
 * The core's side of CRAWL_MODE=queue: hands a run's plan to the crawler workers (crawlers/worker) as a
 * BullMQ job on CRAWL_FETCH_QUEUE, waits for it, then pulls the result chunks from Redis, checks every
 * evidence body against its SHA-256 (a record with a mismatching body is refused and logged, nothing of
 * it is recorded), hands the accepted records to the run's ingest and deletes the chunks. The core never
 * opens a connection to a crawl target in this mode.
 *
 * Idempotent: the fetch job's id is the run and its attempt, so a core that restarts while waiting finds
 * the same job; the ingest (crawlers/runs/run-ingest.ts) writes by natural keys, so a result delivered
 * twice writes nothing twice. An attempt whose ingest failed (the database restarted mid-ingest) leaves its
 * chunks in Redis: the run's next attempt ingests them again instead of crawling the same plan again.
 */
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import type { CrawlPlan, RemoteFetch, SpiderLimits } from '../../crawlers/runs/execute-run';
import type { WatchedListing, WatchedShop } from '../../crawlers/runs/watch-crawl';
import { CRAWL_FETCH_QUEUE, decodeListing, decodeShop, type FetchJobData, type FetchJobResult, type ResultChunk, TOKEN_CHECK_JOB, type TokenCheckJobData, type TokenCheckJobResult, unpackChunk } from '../../crawlers/worker/wire';
import type { TokenCheck } from '../../crawlers/spider/token-check';
import { logger } from '../../kernel/logger';
import { type RedisLog, waitForJob, watchBullMqErrors, watchRedisConnection } from '../../kernel/redis-faults';

const log: RedisLog = (level, message, fields) => logger[level](fields, message);

/** How long the core waits for a fetch job (a whole crawl) before failing the attempt. */
const WAIT_MS = 12 * 3600_000;

/** Hands the accepted records of one chunk to the sink; returns the URLs of the refused ones. */
export async function ingestChunk(
  chunk: ResultChunk,
  sink: { onShop: (shop: WatchedShop) => Promise<void>; onListing: (listing: WatchedListing) => Promise<void> },
  context: Record<string, unknown> = {},
): Promise<string[]> {
  const refused: string[] = [];
  for (const w of chunk.shops ?? []) {
    const shop = decodeShop(w);
    if (!shop) {
      refused.push(w.url);
      logger.error({ ...context, url: w.url }, 'crawl result refused: an evidence body does not match its SHA-256');
      continue;
    }
    await sink.onShop(shop);
  }
  for (const w of chunk.listings ?? []) {
    const listing = decodeListing(w);
    if (!listing) {
      refused.push(w.url);
      logger.error({ ...context, url: w.url }, 'crawl result refused: an evidence body does not match its SHA-256');
      continue;
    }
    await sink.onListing(listing);
  }
  return refused;
}

export class CrawlQueueClient {
  private readonly connection: IORedis;
  private readonly queue: Queue<FetchJobData, FetchJobResult>;
  private events: QueueEvents | undefined;
  private eventsConnection: IORedis | undefined;

  constructor(
    redisUrl: string,
    private readonly prefix = 'hongdun',
    private readonly waitMs = WAIT_MS,
  ) {
    this.connection = watchRedisConnection(new IORedis(redisUrl, { maxRetriesPerRequest: null }), 'crawl queue', log);
    this.queue = watchBullMqErrors(new Queue(CRAWL_FETCH_QUEUE, { connection: this.connection, prefix }), 'crawl queue', log);
  }

  /** The RemoteFetch of CrawlDeps: fetch on a crawler worker, ingest here. `attempt` names the job (one per run attempt). */
  remote(attemptOf: (runId: number) => Promise<number>): RemoteFetch {
    return async (plan: CrawlPlan, limits: SpiderLimits, sink) => {
      const attempt = await attemptOf(plan.runId);
      const jobId = `run-${plan.runId}-attempt-${attempt}`;
      // an earlier attempt of the run fetched the same plan but its ingest failed (the database restarted,
      // say): its chunks are still in Redis (deleted only after a whole ingest), so they are ingested again
      // instead of crawling every page a second time (the same bytes, so the same evidence)
      const result = (await this.earlierResult(plan, attempt)) ?? (await this.fetch(jobId, { plan, limits }));
      const refused: string[] = [];
      for (const key of result.chunks) {
        const bytes = await this.connection.getBuffer(key);
        if (!bytes) throw new Error(`crawl result chunk ${key} is gone (expired or already collected): the run is retried`);
        refused.push(...(await ingestChunk(unpackChunk(bytes), sink, { run: plan.runId, job: jobId })));
      }
      if (result.chunks.length > 0) await this.connection.del(...result.chunks);
      return { ...result.summary, refused };
    };
  }

  /** The result of an earlier attempt's completed fetch of the same plan whose chunks are all still in Redis, if any. */
  private async earlierResult(plan: CrawlPlan, attempt: number): Promise<FetchJobResult | null> {
    const same = (other: CrawlPlan | undefined) =>
      !!other && JSON.stringify([other.kind, other.directories, other.shops, other.listings, other.followListings]) === JSON.stringify([plan.kind, plan.directories, plan.shops, plan.listings, plan.followListings]);
    for (let a = attempt - 1; a >= 1; a--) {
      const job = await this.queue.getJob(`run-${plan.runId}-attempt-${a}`);
      if (!job || !same(job.data?.plan) || !(await job.isCompleted())) continue;
      const result = job.returnvalue;
      if (!result || !Array.isArray(result.chunks)) continue;
      if (result.chunks.length > 0 && (await this.connection.exists(...result.chunks)) !== result.chunks.length) continue;
      logger.info({ run: plan.runId, attempt, fetched: job.id, chunks: result.chunks.length }, 'crawl result of an earlier attempt ingested again (its ingest had failed)');
      return result;
    }
    return null;
  }

  /** Queues (or finds again) the fetch job `jobId` and waits for its result. */
  async fetch(jobId: string, data: FetchJobData): Promise<FetchJobResult> {
    if (!this.events) {
      // BullMQ does not close a connection it is given: closed in close()
      this.eventsConnection = watchRedisConnection(this.connection.duplicate(), 'crawl queue', log);
      this.events = watchBullMqErrors(new QueueEvents(CRAWL_FETCH_QUEUE, { connection: this.eventsConnection, prefix: this.prefix }), 'crawl queue events', log);
    }
    await this.events.waitUntilReady();
    const job = await this.queue.add('fetch', data, {
      jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
    return waitForJob<FetchJobResult>(this.queue, this.events, job.id!, this.waitMs);
  }

  /** A self-filing's token check on a crawler worker (the core reads no business's page itself). */
  async checkTokens(targets: TokenCheckJobData['targets'], limits: TokenCheckJobData['limits'], waitMs = 60_000): Promise<Map<string, TokenCheck>> {
    if (targets.length === 0) return new Map();
    if (!this.events) {
      this.eventsConnection = watchRedisConnection(this.connection.duplicate(), 'crawl queue', log);
      this.events = watchBullMqErrors(new QueueEvents(CRAWL_FETCH_QUEUE, { connection: this.eventsConnection, prefix: this.prefix }), 'crawl queue events', log);
    }
    await this.events.waitUntilReady();
    const queue = this.queue as unknown as Queue<TokenCheckJobData, TokenCheckJobResult>;
    const job = await queue.add(TOKEN_CHECK_JOB, { targets, limits }, { attempts: 2, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } });
    const result = await waitForJob<TokenCheckJobResult>(queue, this.events, job.id!, waitMs);
    return new Map(result.checks);
  }

  async close(): Promise<void> {
    await this.events?.close();
    this.eventsConnection?.disconnect();
    await this.queue.close();
    this.connection.disconnect();
  }
}
