/** A job handler: receives the job's data; throwing makes the runner retry with backoff. */
export type JobHandler = (data: Record<string, unknown>) => Promise<unknown>;

export interface JobDefinition {
  name: string;
  handler: JobHandler;
  /** attempts before the job is given up (default 3) */
  attempts?: number;
  /** first retry delay in ms, doubled each retry (default 1000) */
  backoffMs?: number;
  /**
   * Called once when the job is given up for good (attempts used up, or its workers died too often), with
   * the job's data and the last error: a handler that records progress elsewhere (a crawl run) marks it failed.
   */
  onGivenUp?: (data: Record<string, unknown>, error: Error) => Promise<void>;
}

export interface JobSchedule {
  /** scheduler id, stable across restarts (re-declaring it replaces it, never duplicates) */
  id: string;
  job: string;
  /** run every this many ms */
  everyMs?: number;
  /** or on a cron pattern, e.g. `0 3 * * *` */
  cron?: string;
  data?: Record<string, unknown>;
}

/**
 * Runs the platform's jobs: BullMQ on Redis when REDIS_URL is set (server/jobs/bullmq-runner.ts), an
 * in-process runner otherwise (server/jobs/in-process-runner.ts). The same handlers run on both.
 */
export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  define(definition: JobDefinition): void;
  /** queues a job; returns its id */
  enqueue(job: string, data?: Record<string, unknown>): Promise<string>;
  /** declares a repeating job (idempotent) */
  schedule(schedule: JobSchedule): Promise<void>;
  /** starts processing jobs in this process */
  startWorker(): Promise<void>;
  /** waits for a job to finish and returns its result (for CLI commands and tests) */
  waitFor(jobId: string, timeoutMs?: number): Promise<unknown>;
  /** true when the backing store answers */
  ping(): Promise<boolean>;
  /** jobs by state (waiting, active, delayed, failed, completed), for /metrics: the queue depth and failures to watch */
  counts(): Promise<Record<string, number>>;
  /** stops taking jobs, lets the running ones finish */
  close(): Promise<void>;
}
