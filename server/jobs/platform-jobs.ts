import type { MikroORM } from '@mikro-orm/postgresql';
import { currentAndPreviousMonth, refreshMetrics } from '../../analytics/metrics';
import { checkRules } from '../../crawlers/runs/check-rules';
import { type CrawlDeps, executeCrawlRun, markRunGivenUp } from '../../crawlers/runs/execute-run';
import { evidenceSink, openEvidenceStore } from '../../crawlers/evidence';
import { CrawlKind, CrawlRun, Session, ShopClassification } from '../../entities';
import { createCrawlRun } from '../../services/crawl/crawl-runs';
import { pruneThrottle } from '../../services/access/login-throttle';
import { currentMonth, generatePatrolTasks, PATROL_GENERATE_JOB } from '../../services/patrols/patrol-generation';
import { CRAWL_JOB, crawlPolicy } from '../../services/crawl/start-crawl';
import { runAsSystem } from '../../services/system-actor';
import { MONTHLY_REPORT_JOB, runMonthlyReportJob } from '../../analytics/report';
import { currentYear } from '../../analytics/assessment/assessment-schemes';
import { runAssessment } from '../../analytics/assessment/run-assessment';
import { UserInputError } from '../../services/errors';
import type { Config } from '../../kernel/config';
import { timeSeriesOf } from '../database';
import type { JobRunner } from '../../kernel/job-runner';
import { BullMqJobRunner } from './bullmq-runner';
import { CrawlQueueClient } from './crawl-queue';

/** Job names of the platform. */
export { CRAWL_JOB };

export const JOBS = {
  /** deletes sessions that expired or were revoked more than a day ago, and stale login-throttle counts */
  SESSION_CLEANUP: 'session-cleanup',
  /** walks directories and site lists: finds shops, creates or updates them in the register */
  CRAWL_DISCOVERY: CRAWL_JOB[CrawlKind.DISCOVERY],
  /** reads watched shops' pages and their listings: snapshots, observations, changes */
  CRAWL_SHOPS: CRAWL_JOB[CrawlKind.SHOPS],
  /** reads the known listing pages of watched shops: price observations */
  CRAWL_LISTINGS: CRAWL_JOB[CrawlKind.LISTINGS],
  /** the rule checks over a crawl run's snapshots and observations: findings */
  CHECK_RULES: 'check-rules',
  /** generates a month's patrol tasks from the active plans (idempotent) */
  PATROL_GENERATE: PATROL_GENERATE_JOB,
  /** recomputes the metrics rollup of a month (data { month?: 'YYYY-MM' }; default the current and the previous month) */
  METRICS_REFRESH: 'metrics-refresh',
  /** the monthly statistical reports of a month for every unit, after refreshing its metrics (data { month?: 'YYYY-MM' }; default the previous month) */
  MONTHLY_REPORT: MONTHLY_REPORT_JOB,
  /** the annual assessment of a year for every unit (data { year?: number }; default the current year, provisional) */
  ASSESSMENT_RUN: 'assessment-run',
} as const;

/**
 * A cron pattern, in this process's time zone (the one the runners read cron in), for `hour`:00 China time
 * (UTC+8) on the first day of each month: for 01:00, `0 1 1 * *` where the process runs in China time and
 * `0 17 L * *` (the last day of the previous month, 17:00) where it runs in UTC. Read at start-up.
 */
export function chinaMonthStartCron(hour = 1, now = new Date()): string {
  const offsetMin = -now.getTimezoneOffset();
  // minutes after local midnight of the 1st at which it is `hour`:00 on the 1st in China
  const at = hour * 60 - 8 * 60 + offsetMin;
  if (at < 0) return `${(at + 24 * 60) % 60} ${Math.floor((at + 24 * 60) / 60)} L * *`;
  if (at >= 24 * 60) return `${(at - 24 * 60) % 60} ${Math.floor((at - 24 * 60) / 60)} 2 * *`;
  return `${at % 60} ${Math.floor(at / 60)} 1 * *`;
}

/**
 * A daily cron pattern, in this process's time zone, for `hour`:`minute` China time (UTC+8), e.g. 02:30
 * China time is `30 2 * * *` in China and `30 18 * * *` in UTC. Read at start-up.
 */
export function chinaDailyCron(hour: number, minute: number, now = new Date()): string {
  const offsetMin = -now.getTimezoneOffset();
  const at = (((hour * 60 + minute - 8 * 60 + offsetMin) % 1440) + 1440) % 1440;
  return `${at % 60} ${Math.floor(at / 60)} * * *`;
}

/** What the crawl jobs need: the database, its time-series store, the evidence folder, the spiders' settings. */
export function crawlDeps(orm: MikroORM, config: Config): CrawlDeps {
  return {
    orm,
    storeFor: timeSeriesOf(orm),
    evidenceFor: (run) =>
      evidenceSink(openEvidenceStore(orm.em.fork(), config.evidenceDir), { crawler: `HongdunSpider/0.1 ${run.kind} run ${run.id}`, runId: run.id }),
    settings: {
      ...crawlPolicy(config),
      maxConcurrency: config.crawlConcurrency,
      perHostConcurrency: config.crawlPerHost,
      maxRequestsPerMinute: config.crawlRequestsPerMinute,
      requestTimeoutSecs: config.crawlTimeoutSecs,
      maxBodyBytes: config.crawlMaxBodyBytes,
      screenshotsMax: config.crawlScreenshotsMax,
      ingestBatch: config.crawlIngestBatch,
    },
  };
}

/** Periodic crawls per shop class (declared when discovery seeds are configured). */
const CRAWL_SCHEDULES: Array<{ id: string; kind: CrawlKind; cron: string; classifications?: ShopClassification[] }> = [
  { id: 'crawl-discovery-weekly', kind: CrawlKind.DISCOVERY, cron: '30 1 * * 1' },
  { id: 'crawl-shops-daily-trading', kind: CrawlKind.SHOPS, cron: '0 2 * * *', classifications: [ShopClassification.PLATFORM_MERCHANT, ShopClassification.OWN_SITE_TRADING] },
  { id: 'crawl-shops-weekly-other', kind: CrawlKind.SHOPS, cron: '0 3 * * 0', classifications: [ShopClassification.PLATFORM, ShopClassification.OWN_SITE_NON_TRADING] },
  { id: 'crawl-listings-6h', kind: CrawlKind.LISTINGS, cron: '15 */6 * * *', classifications: [ShopClassification.PLATFORM_MERCHANT, ShopClassification.OWN_SITE_TRADING] },
];

/** Registers the platform's job handlers and schedules on a runner. */
export async function registerPlatformJobs(runner: JobRunner, orm: MikroORM, config: Config): Promise<void> {
  runner.define({
    name: JOBS.SESSION_CLEANUP,
    attempts: 3,
    handler: () =>
      runAsSystem('job: session cleanup', async () => {
        const em = orm.em.fork();
        const cutoff = new Date(Date.now() - 24 * 3600_000);
        const deleted = await em.nativeDelete(Session, { $or: [{ expiresAt: { $lt: cutoff } }, { revokedAt: { $lt: cutoff } }] });
        // and the login throttle's counts nobody needs any more (bounded table)
        const throttles = await pruneThrottle(em);
        return { deleted, throttles };
      }),
  });
  await runner.schedule({ id: 'session-cleanup-nightly', job: JOBS.SESSION_CLEANUP, cron: '17 3 * * *' });

  const deps = crawlDeps(orm, config);
  if (config.crawlMode === 'queue') {
    // the fetching goes to crawler workers (`hongdun worker crawl`) through Redis; this process only ingests
    if (!config.redisUrl) throw new Error('CRAWL_MODE=queue needs REDIS_URL (the queue is the only link to the crawler workers)');
    const client = new CrawlQueueClient(config.redisUrl, runner instanceof BullMqJobRunner ? runner.prefix : 'hongdun');
    if (runner instanceof BullMqJobRunner) runner.onClose(() => client.close());
    deps.remote = client.remote(async (runId) => {
      const [row] = await orm.em.fork().getConnection().execute<{ attempts: number }[]>('select attempts from crawl_run where id = ?', [runId]);
      return Number(row?.attempts ?? 0);
    });
  }
  for (const kind of Object.values(CrawlKind)) {
    runner.define({
      name: CRAWL_JOB[kind],
      attempts: 3,
      backoffMs: 5000,
      onGivenUp: async (data, error) => {
        const runId = Number(data.runId);
        if (Number.isInteger(runId) && runId > 0) await markRunGivenUp(orm, runId, error);
      },
      // data: { runId } for a run started through the API or the CLI; { schedule, classifications } from a job scheduler
      handler: async (data) => {
        let runId = Number(data.runId);
        if (!Number.isInteger(runId) || runId <= 0) {
          const run = await runAsSystem(`job: ${CRAWL_JOB[kind]}`, () =>
            createCrawlRun(
              orm.em.fork(),
              { kind, classifications: (data.classifications as ShopClassification[] | undefined) ?? null, trigger: `schedule:${String(data.schedule ?? 'unnamed')}` },
              deps.settings,
            ),
          );
          runId = run.id;
        }
        const outcome = await executeCrawlRun(deps, runId);
        await runner.enqueue(JOBS.CHECK_RULES, { runId });
        return outcome;
      },
    });
  }
  runner.define({
    name: JOBS.CHECK_RULES,
    attempts: 3,
    backoffMs: 5000,
    // data: { runId }: the moment and region of that crawl run
    handler: async (data) => {
      const runId = Number(data.runId);
      const run = await runAsSystem('job: check rules', () => orm.em.fork().findOne(CrawlRun, { id: runId }));
      if (!run) throw new Error(`crawl run ${String(data.runId)} not found`);
      return checkRules(orm, { observedAt: run.observedAt, regionCode: run.regionCode, runId: run.id });
    },
  });
  runner.define({
    name: JOBS.PATROL_GENERATE,
    attempts: 3,
    backoffMs: 5000,
    // data: { month?: 'YYYY-MM' (default the current China month), planId? }
    handler: (data) =>
      runAsSystem('job: patrol generate', () =>
        generatePatrolTasks(orm.em.fork(), {
          month: typeof data.month === 'string' && data.month ? data.month : currentMonth(),
          planId: data.planId == null ? null : String(data.planId),
        }),
      ),
  });
  runner.define({
    name: JOBS.METRICS_REFRESH,
    attempts: 3,
    backoffMs: 5000,
    // data: { month?: 'YYYY-MM' }: that month; without one the current and the previous month (late entries)
    handler: async (data) => {
      const months = typeof data.month === 'string' && data.month ? [data.month] : currentAndPreviousMonth();
      const results = [];
      for (const month of months) results.push(await refreshMetrics(orm, month));
      return results;
    },
  });
  await runner.schedule({ id: 'metrics-refresh-nightly', job: JOBS.METRICS_REFRESH, cron: chinaDailyCron(2, 30), data: {} });
  runner.define({
    name: JOBS.MONTHLY_REPORT,
    attempts: 2,
    backoffMs: 60_000,
    // data: {} on the 1st at 04:00 China time (the previous month, metrics refreshed first); { month, unitId, subtree } from generateMonthlyReport
    handler: (data) =>
      runMonthlyReportJob(orm, {
        month: typeof data.month === 'string' && data.month ? data.month : undefined,
        unitId: data.unitId == null ? null : Number(data.unitId),
        subtree: data.subtree === true,
        trigger: typeof data.trigger === 'string' ? data.trigger : 'schedule',
        evidenceDir: config.evidenceDir,
      }),
  });
  await runner.schedule({ id: 'monthly-report-monthly', job: JOBS.MONTHLY_REPORT, cron: chinaMonthStartCron(4), data: {} });
  runner.define({
    name: JOBS.ASSESSMENT_RUN,
    attempts: 2,
    backoffMs: 60_000,
    // data: { year?: number }; without one the current year (provisional), after the nightly metrics refresh —
    // and in January the year just ended too, whose December the nightly refresh still updates
    handler: async (data) => {
      const years = data.year != null ? [Number(data.year)] : currentAndPreviousMonth()[0].endsWith('-01') ? [currentYear() - 1, currentYear()] : [currentYear()];
      const out: unknown[] = [];
      for (const year of years) {
        try {
          out.push(await runAssessment(orm.em.fork(), year));
        } catch (e) {
          // no scheme or no metrics for the year: nothing to retry
          if (!(e instanceof UserInputError)) throw e;
          out.push({ year, skipped: e.message });
        }
      }
      return out.length === 1 ? out[0] : out;
    },
  });
  await runner.schedule({ id: 'assessment-run-nightly', job: JOBS.ASSESSMENT_RUN, cron: chinaDailyCron(3, 0), data: {} });
  if (config.patrolSchedules) {
    await runner.schedule({ id: 'patrol-generate-monthly', job: JOBS.PATROL_GENERATE, cron: chinaMonthStartCron(), data: {} });
    // catch-up: this month's tasks, in case the platform was down on the 1st (idempotent)
    await runner.enqueue(JOBS.PATROL_GENERATE, { month: currentMonth() });
  }
  if (config.crawlSchedules && config.crawlSeeds.length > 0) {
    for (const s of CRAWL_SCHEDULES) {
      await runner.schedule({ id: s.id, job: CRAWL_JOB[s.kind], cron: s.cron, data: { schedule: s.id, classifications: s.classifications ?? null } });
    }
  }
}
