/**
 * A job worker for test/crawl-retry.test.ts: what `hongdun worker` does (server/cli.ts), but on a queue
 * prefix of the test's own (JOBS_PREFIX), so the test never takes or leaves jobs on the real `hongdun`
 * queue, and without the periodic crawl schedules. Run as a child process:
 *
 *   node -r @swc-node/register test/support/crawl-worker.ts
 *
 * Environment: DATABASE_URL, REDIS_URL, JOBS_PREFIX, JOBS_LOCK_MS, CRAWL_ALLOWED_ORIGINS, EVIDENCE_DIR,
 * LOG_LEVEL. Prints `worker ready` on stdout once it takes jobs; the test kills it (SIGKILL) or stops it
 * (SIGTERM: closes the worker and the database, then exits). Exits by itself when its parent (the test,
 * over the IPC channel it was started with) is gone.
 */
import 'reflect-metadata';
import { loadConfig } from '../../kernel/config';
import { openDatabase } from '../../server/database';
import { BullMqJobRunner } from '../../server/jobs/bullmq-runner';
import { registerPlatformJobs } from '../../server/jobs/platform-jobs';

// started by the test with an IPC channel: exit when the test process goes away
if (process.send) process.on('disconnect', () => process.exit(1));

async function main(): Promise<void> {
  const config = loadConfig({ crawlSchedules: false, demo: false });
  if (!config.databaseUrl) throw new Error('crawl-worker needs DATABASE_URL');
  if (!config.redisUrl) throw new Error('crawl-worker needs REDIS_URL');
  const prefix = process.env.JOBS_PREFIX;
  if (!prefix) throw new Error('crawl-worker needs JOBS_PREFIX (a queue prefix of the test\'s own)');
  const orm = await openDatabase(config);
  const runner = new BullMqJobRunner(config.redisUrl, prefix, config.jobsLockMs);
  await registerPlatformJobs(runner, orm, config);
  await runner.startWorker(1);
  process.stdout.write('worker ready\n');
  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    runner
      .close()
      .then(() => orm.close())
      .then(() => process.exit(0), () => process.exit(1));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`crawl-worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
