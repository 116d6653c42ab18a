import { Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { logger } from '../../kernel/logger';
import type { JobDefinition, JobRunner, JobSchedule } from '../../kernel/job-runner';
import { onceAtATime, type RedisLog, waitForJob, watchBullMqErrors, watchRedisConnection } from '../../kernel/redis-faults';

const log: RedisLog = (level, message, fields) => logger[level](fields, message);

/** Name of the platform's queue in Redis (prefix `hongdun`). */
export const QUEUE_NAME = 'jobs';

/**
 * Jobs on Redis with BullMQ: durable, retried with exponential backoff, schedules kept in Redis as job
 * schedulers (`upsertJobScheduler`, idempotent across restarts and processes). API processes queue
 * jobs; worker processes (`hongdun worker`, on any number of machines) run them.
 */
export class BullMqJobRunner implements JobRunner {
  readonly kind = 'bullmq' as const;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly connection: IORedis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  /** the jobs this process's worker runs now, by id (see onceAtATime) */
  private readonly running = new Map<string, Promise<unknown>>();
  private events: QueueEvents | undefined;

  /**
   * `lockMs`: how long a worker holds a job before it must renew the lock; a worker that died (killed,
   * crashed) loses its jobs to the others once this passes, and they run again (BullMQ's stalled-job check).
   */
  constructor(
    redisUrl: string,
    readonly prefix = 'hongdun',
    private readonly lockMs = 30_000,
  ) {
    // maxRetriesPerRequest null: while Redis restarts, commands wait for the reconnection instead of failing
    this.connection = watchRedisConnection(new IORedis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: false }), 'jobs', log);
    this.queue = watchBullMqErrors(new Queue(QUEUE_NAME, { connection: this.connection, prefix }), 'jobs', log);
  }

  define(definition: JobDefinition): void {
    this.definitions.set(definition.name, definition);
  }

  private options(job: string) {
    const d = this.definitions.get(job);
    if (!d) throw new Error(`unknown job "${job}"`);
    return {
      attempts: d.attempts ?? 3,
      backoff: { type: 'exponential', delay: d.backoffMs ?? 1000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    };
  }

  async enqueue(job: string, data: Record<string, unknown> = {}): Promise<string> {
    const added = await this.queue.add(job, data, this.options(job));
    return added.id!;
  }

  async schedule(schedule: JobSchedule): Promise<void> {
    const repeat = schedule.everyMs ? { every: schedule.everyMs } : { pattern: schedule.cron! };
    await this.queue.upsertJobScheduler(schedule.id, repeat, {
      name: schedule.job,
      data: schedule.data ?? {},
      opts: this.options(schedule.job),
    });
  }

  async startWorker(concurrency = 4): Promise<void> {
    if (this.worker) return;
    this.worker = new Worker(
      QUEUE_NAME,
      (job) =>
        onceAtATime(this.running, job.id!, () => {
          const d = this.definitions.get(job.name);
          if (!d) throw new Error(`no handler for job "${job.name}"`);
          return d.handler(job.data ?? {});
        }),
      // a job whose worker died goes back to the queue up to 3 times before BullMQ gives it up
      { connection: this.own(this.connection.duplicate()), prefix: this.prefix, concurrency, lockDuration: this.lockMs, stalledInterval: this.lockMs, maxStalledCount: 3 },
    );
    watchBullMqErrors(this.worker, 'jobs worker', log);
    this.worker.on('failed', (job, err) => {
      logger.warn({ job: job?.name, id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
      const d = job ? this.definitions.get(job.name) : undefined;
      const final = job && (job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message));
      if (d?.onGivenUp && final) d.onGivenUp(job.data ?? {}, err).catch((e) => logger.error({ job: job.name, id: job.id, err: e }, 'onGivenUp failed'));
    });
    this.worker.on('completed', (job) => logger.info({ job: job.name, id: job.id }, 'job done'));
    await this.worker.waitUntilReady();
  }

  async waitFor(jobId: string, timeoutMs = 60_000): Promise<unknown> {
    this.events ??= watchBullMqErrors(new QueueEvents(QUEUE_NAME, { connection: this.own(this.connection.duplicate()), prefix: this.prefix }), 'jobs events', log);
    await this.events.waitUntilReady();
    return waitForJob(this.queue, this.events, jobId, timeoutMs);
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.connection.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
  }

  /** The schedulers declared in Redis (for tests and operations). */
  async schedulers(): Promise<{ key: string; name: string }[]> {
    const list = await this.queue.getJobSchedulers();
    return list.map((s) => ({ key: s.key, name: s.name }));
  }

  private readonly closeHooks: Array<() => Promise<void>> = [];
  /** connections duplicated for the worker and the queue events: BullMQ does not close connections it is given */
  private readonly owned: IORedis[] = [];

  private own(connection: IORedis): IORedis {
    this.owned.push(watchRedisConnection(connection, 'jobs', log));
    return connection;
  }

  /** Closes `fn` with this runner (clients of other queues that the job handlers use, e.g. the crawl queue). */
  onClose(fn: () => Promise<void>): void {
    this.closeHooks.push(fn);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await Promise.allSettled(this.closeHooks.splice(0).map((fn) => fn()));
    for (const c of this.owned.splice(0)) c.disconnect();
    await this.events?.close();
    await this.queue.close();
    this.connection.disconnect();
  }
}
