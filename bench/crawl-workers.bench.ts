/**
 * Scale-out of the crawler worker role (issue 17): 1, 2 and 4 `hongdun worker crawl` processes against one
 * Redis and one database, crawling the demo marketplace (127.0.0.1) in queue mode. Each variant crawls the
 * same shops at its own moment, split into one shops run per city (so there is work for several workers);
 * the core (this process) plans, verifies and ingests. Printed per variant: wall time, pages/s (requests the
 * marketplace served), observations/s (rows written), and the check that nothing was done twice
 * (observations per listing and moment = 1).
 *
 *   node -r @swc-node/register bench/crawl-workers.bench.ts
 *
 * Environment (all optional):
 *   DATABASE_URL (unset: PGlite in memory)   the core's database
 *   REDIS_URL (redis://127.0.0.1:6379)       the queue, the only link between core and workers
 *   BENCH_ENTITIES (200)   demo businesses (shops on the marketplace follow from them)
 *   BENCH_WORKERS (1,2,4)  worker processes per variant
 *   BENCH_SLOW_MS (40)     the marketplace's delay per response (a remote site is not instant)
 *
 * On 2 cores expect little gain beyond 2 workers: the point is the mechanism and that nothing is done twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { startMarketplace } from '../demo/marketplace';
import { executeCrawlRun } from '../crawlers/runs/execute-run';
import { CrawlKind } from '../entities';
import { loadConfig, type Config } from '../kernel/config';
import { openDatabase } from '../server/database';
import { BullMqJobRunner } from '../server/jobs/bullmq-runner';
import { crawlDeps, JOBS, registerPlatformJobs } from '../server/jobs/platform-jobs';
import { createCrawlRun } from '../services/crawl/crawl-runs';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { createScratchDatabase } from '../test/support/database';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 200);
const VARIANTS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 40);
const REPO = path.resolve(__dirname, '..');
const SEED = 'hongdun';

async function main() {
  const prefix = `hongdun-bench-workers-${randomBytes(4).toString('hex')}`;
  const market = await startMarketplace({ seed: SEED, entities: ENTITIES, day: 0, slowMs: SLOW_MS });
  const scratch = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, 'hongdun_bench') : null;
  const base: Partial<Config> & { crawlAllowedOrigins: string[]; crawlSeeds: string[] } = {
    databaseUrl: scratch?.url,
    dataDir: 'memory://',
    redisUrl: REDIS_URL,
    demo: false,
    crawlAllowedOrigins: [market.url],
    crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
    crawlTimeoutSecs: 10,
    crawlSchedules: false,
    patrolSchedules: false,
    evidenceDir: path.join(os.tmpdir(), `${prefix}-evidence`),
  };
  const orm = await openDatabase(loadConfig(base));
  const sql = <T>(text: string, params: unknown[] = []) => runAsSystem('bench', () => orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
  const workers: ChildProcess[] = [];
  const runner = new BullMqJobRunner(REDIS_URL, prefix, 10_000);
  try {
    await loadDemoProvince(orm.em.fork(), { seed: SEED, entities: ENTITIES });
    const discovery = await runAsSystem('bench', () => createCrawlRun(orm.em.fork(), { kind: CrawlKind.DISCOVERY, observedAt: new Date('2026-12-01T01:00:00Z'), trigger: 'bench' }, crawlPolicy(base)));
    await executeCrawlRun(crawlDeps(orm, loadConfig(base)), discovery.id);
    const config = loadConfig({ ...base, crawlMode: 'queue' });
    await registerPlatformJobs(runner, orm, config);
    await runner.startWorker(16);
    const cities = (await sql<{ city: string }>(`select distinct substr(region_code, 1, 4) as city from shop where watch_url like ? order by 1`, [`${market.url}/%`])).map((r) => r.city);

    const startWorkers = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () => {
          const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: os.tmpdir(), REDIS_URL, CRAWL_ALLOWED_ORIGINS: market.url, CRAWL_CONCURRENCY: '4', CRAWL_PER_HOST: '8', LOG_LEVEL: 'warn' };
          const child = spawn(process.execPath, ['-r', '@swc-node/register', 'server/cli.ts', 'worker', 'crawl', '--prefix', prefix, '--concurrency', '1'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
          workers.push(child);
          return new Promise<ChildProcess>((resolve, reject) => {
            let out = '';
            const onData = (b: Buffer) => {
              out += b.toString();
              if (out.includes('crawler worker ready')) resolve(child);
            };
            child.stdout!.on('data', onData);
            child.stderr!.on('data', onData);
            child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${out.slice(-2000)}`)));
          });
        }),
      );
    const stopWorkers = async () => {
      await Promise.all(workers.splice(0).map((w) => new Promise<void>((resolve) => (w.exitCode !== null ? resolve() : (w.once('exit', () => resolve()), w.kill('SIGTERM'))))));
    };

    console.log(`crawler workers, demo marketplace of ${ENTITIES} businesses (${cities.length} city runs a variant, ${SLOW_MS} ms a response), ${scratch ? 'PostgreSQL' : 'PGlite'} core, Redis queue`);
    const rows: string[] = [];
    let baseline = 0;
    for (const [i, n] of VARIANTS.entries()) {
      await startWorkers(n);
      const observedAt = new Date(Date.UTC(2026, 11, 1, 3 + i));
      const pagesBefore = market.stats().total;
      const t0 = performance.now();
      const jobs: string[] = [];
      for (const city of cities) {
        const run = await runAsSystem('bench', () => createCrawlRun(orm.em.fork(), { kind: CrawlKind.SHOPS, regionCode: city, observedAt, trigger: 'bench' }, crawlPolicy(config)));
        jobs.push(await runner.enqueue(JOBS.CRAWL_SHOPS, { runId: run.id }));
      }
      for (const job of jobs) await runner.waitFor(job, 600_000);
      const seconds = (performance.now() - t0) / 1000;
      const pages = market.stats().total - pagesBefore;
      const [obs] = await sql<{ n: number; twice: number }>(
        `select count(*)::int as n, (count(*) - count(distinct listing_id))::int as twice from listing_observation where observed_at = ?`,
        [observedAt.toISOString()],
      );
      await stopWorkers();
      const rate = pages / seconds;
      if (i === 0) baseline = rate;
      rows.push(`  ${String(n).padStart(2)} worker${n > 1 ? 's' : ' '}  ${seconds.toFixed(1).padStart(6)} s  ${rate.toFixed(1).padStart(7)} pages/s  ${(obs.n / seconds).toFixed(1).padStart(8)} observations/s  ${(rate / baseline).toFixed(2)}× one worker  (${pages} pages, ${obs.n} observations, ${obs.twice} twice)`);
      console.log(rows[rows.length - 1]);
    }
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    await runner.close().catch(() => undefined);
    const redis = new IORedis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await orm.close(true);
    await scratch?.drop();
    await market.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
