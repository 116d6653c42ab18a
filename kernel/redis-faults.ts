/**
 * What the platform's Redis clients do while Redis restarts: ioredis reconnects by itself (for ever, a
 * growing delay up to 2 s), and with `maxRetriesPerRequest: null` a command waits for the connection
 * instead of failing, so BullMQ's workers, queues and event streams carry on where they were (an AOF
 * restores the queues). `watchRedisConnection` / `watchBullMqErrors` make the outage visible once,
 * instead of leaving each client's errors unhandled (ioredis and BullMQ then print every reconnect
 * attempt to stderr); `onceAtATime` keeps a job that stalled while Redis was down from running twice in
 * the worker that still runs it; `waitForJob` does not miss a job's end that fell in an outage
 * (test/faults-redis-restart.test.ts).
 */
import type { Queue, QueueEvents } from 'bullmq';
import type IORedis from 'ioredis';

export type RedisLog = (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;

/** Errors that only say the connection is down or going (the client reconnects by itself). */
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Socket closed|connection lost|LOADING/i;

/** Logs a connection's loss once (with its first error) and its return; returns the connection. */
export function watchRedisConnection(connection: IORedis, label: string, log: RedisLog): IORedis {
  let lost = false;
  connection.on('error', (err: Error) => {
    if (lost) return;
    lost = true;
    log('warn', 'redis connection lost, reconnecting', { connection: label, err: err?.message });
  });
  connection.on('ready', () => {
    if (!lost) return;
    lost = false;
    log('info', 'redis connection back', { connection: label });
  });
  return connection;
}

/**
 * The `error` events of a BullMQ queue, worker or event stream: a connection error is its connection's
 * (reported by `watchRedisConnection`), anything else is logged.
 */
export function watchBullMqErrors<T extends { on(event: 'error', listener: (err: Error) => void): unknown }>(emitter: T, label: string, log: RedisLog): T {
  emitter.on('error', (err: Error) => {
    if (CONNECTION_ERROR.test(err?.message ?? '')) return;
    log('warn', 'queue error', { queue: label, err: err?.message });
  });
  return emitter;
}

/**
 * Runs `fn` for job `id` unless this process runs it already, in which case it waits for that run. When
 * Redis is down longer than a job's lock, the job is found stalled and may be taken again by the very
 * worker still running it: a second run of the same job id in one BullMQ worker shares the first's lock
 * renewal, which the first to finish stops, so the job would stall over and over (and be given up). The
 * second take waits for the first run and completes the job with its result instead.
 */
export function onceAtATime<T>(running: Map<string, Promise<unknown>>, id: string, fn: () => Promise<T>): Promise<T> {
  const current = running.get(id);
  if (current) return current as Promise<T>;
  const run = Promise.resolve().then(fn);
  running.set(id, run);
  const forget = () => {
    if (running.get(id) === run) running.delete(id);
  };
  run.then(forget, forget);
  return run;
}

/**
 * Waits for job `jobId` of `queue` to finish: resolves with its return value, rejects with its failure (once
 * it is given up) or after `timeoutMs`. The queue's event stream tells at once; a look at the job itself
 * every `pollMs` backs it up, because an event can be missed across a Redis restart (an event stream whose
 * reader had seen no event yet resumes at `$`, after whatever happened meanwhile) and BullMQ's
 * `waitUntilFinished` would then wait for its whole timeout (12 hours for a crawl).
 */
export function waitForJob<R>(queue: Queue, events: QueueEvents, jobId: string, timeoutMs: number, pollMs = 5000): Promise<R> {
  type Emitter = { on(event: string, fn: (args: never) => void): unknown; off(event: string, fn: (args: never) => void): unknown };
  const stream = events as unknown as Emitter;
  const closing = queue as unknown as Emitter;
  return new Promise<R>((resolve, reject) => {
    let done = false;
    let poller: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(poller);
      clearTimeout(timer);
      stream.off(`completed:${jobId}`, onCompleted);
      stream.off(`failed:${jobId}`, onFailed);
      closing.off('closing', onClosing);
      settle();
    };
    const onCompleted = (args: { returnvalue: unknown }) => finish(() => resolve(args.returnvalue as R));
    const onFailed = (args: { failedReason?: string }) => finish(() => reject(new Error(args.failedReason ?? `job ${jobId} failed`)));
    const onClosing = () => finish(() => reject(new Error(`the queue closed while waiting for job ${jobId}`)));
    stream.on(`completed:${jobId}`, onCompleted);
    stream.on(`failed:${jobId}`, onFailed);
    closing.on('closing', onClosing);
    const timer = setTimeout(() => finish(() => reject(new Error(`job ${jobId} did not finish in ${timeoutMs} ms`))), timeoutMs);
    let looks = 0;
    const look = async () => {
      try {
        const job = await queue.getJob(jobId);
        if (!job) return finish(() => reject(new Error(looks === 0 ? `unknown job id ${jobId}` : `job ${jobId} is gone (removed once finished)`)));
        const state = await job.getState();
        if (state === 'completed') return finish(() => resolve(job.returnvalue as R));
        if (state === 'failed') return finish(() => reject(new Error(job.failedReason || `job ${jobId} failed`)));
      } catch {
        // Redis is down: look again later (the client reconnects by itself)
      }
      looks++;
      if (!done) poller = setTimeout(() => void look(), pollMs);
    };
    void look();
  });
}
