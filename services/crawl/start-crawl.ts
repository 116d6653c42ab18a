import type { EntityManager } from '@mikro-orm/postgresql';
import { CrawlKind, type CrawlRun } from '../../entities';
import { attachJob, type CrawlPolicy, createCrawlRun, type StartCrawlRequest } from './crawl-runs';

/** The job that executes a crawl run of each kind (registered by server/jobs/platform-jobs.ts). */
export const CRAWL_JOB: Readonly<Record<CrawlKind, string>> = {
  [CrawlKind.DISCOVERY]: 'crawl-discovery',
  [CrawlKind.SHOPS]: 'crawl-shops',
  [CrawlKind.LISTINGS]: 'crawl-listings',
};

/** The crawl policy of a configuration: allowed origins (the list plus the seeds' origins) and seeds. */
export function crawlPolicy(config: { crawlAllowedOrigins: string[]; crawlSeeds: string[] }): CrawlPolicy {
  return {
    allowedOrigins: [...new Set([...config.crawlAllowedOrigins, ...config.crawlSeeds.map((s) => new URL(s).origin)])],
    seeds: config.crawlSeeds,
  };
}

/** Queues a job; returns its id (the platform's job runner, BullMQ or in-process). */
export type Enqueue = (job: string, data: Record<string, unknown>) => Promise<string>;

/**
 * Starts a crawl: the run row (validated, in the caller's jurisdiction) and the job that executes it
 * (`CRAWL_JOB` of the run's kind). Returns the queued run; progress is read from `crawlRuns`.
 */
export async function startCrawl(em: EntityManager, request: StartCrawlRequest, policy: CrawlPolicy, enqueue: Enqueue): Promise<CrawlRun> {
  const run = await createCrawlRun(em, request, policy);
  const jobId = await enqueue(CRAWL_JOB[run.kind], { runId: run.id });
  await attachJob(em, run, jobId);
  return run;
}
