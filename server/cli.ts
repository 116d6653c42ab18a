#!/usr/bin/env node
import 'reflect-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Command, Option } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { startMarketplace } from '../demo/marketplace';
import { openEvidenceStore } from '../crawlers/evidence';
import { scoreFindings } from '../demo/score-rules';
import { crawlSimulatedDays } from '../demo/simulated-days';
import { type Actor, runAs, User } from '../entities';
import { actorForUser } from '../services/access/actors';
import { setupPlatform } from '../services/access/setup-platform.command';
import { loadDemoProvince } from '../demo/load-demo-province';
import { currentAndPreviousMonth, refreshMetrics } from '../analytics/metrics';
import { generateMonthlyReports, type PdfPolicy } from '../analytics/report';
import { loadDemoHistory } from '../demo/load-demo-history';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoPlatformReports } from '../demo/load-demo-platform-reports';
import { loadDemoSharedData } from '../demo/load-demo-shared-data';
import { demoBadgeTokens, loadDemoFilings } from '../demo/load-demo-filings';
import { loadDemoWork } from '../demo/load-demo-work';
import { importEntities } from '../services/registry/import/import-entities.command';
import { importPenalties } from '../services/registry/shared-data/import-penalties.command';
import { importRegistrationChanges } from '../services/registry/shared-data/import-registration-changes.command';
import type { SharedImportProps, SharedImportReport } from '../services/registry/shared-data/shared-import';
import { currentMonth, generatePatrolTasks } from '../services/patrols/patrol-generation';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { runAsSystem } from '../services/system-actor';
import { currentYear } from '../analytics/assessment/assessment-schemes';
import { runAssessment } from '../analytics/assessment/run-assessment';
import { BackupCheckError, createBackup, restoreBackup } from './backup';
import { type Config, loadConfig } from '../kernel/config';
import { openDatabase } from './database';
import { buildHongdunSchema } from './graphql';
import { BullMqJobRunner } from './jobs/bullmq-runner';
import { assertNoDatabaseCredentials, startCrawlWorker } from '../crawlers/worker/crawl-worker';
import { crawlDeps, registerPlatformJobs } from './jobs/platform-jobs';
import { logger } from '../kernel/logger';
import { type Platform, startPlatform } from './platform';

/** Stops cleanly on SIGINT/SIGTERM: finish what runs, close connections, exit. */
function onShutdown(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    close()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function progressBar(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (done: number, total: number) => {
    const now = Date.now();
    if (done < total && now - last < 200) return;
    last = now;
    const pct = total ? Math.floor((done / total) * 100) : 100;
    const line = `${label} ${done}/${total} (${pct}%)`;
    if (tty) process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
    else if (done >= total || pct % 10 === 0) process.stderr.write(`${line}\n`);
  };
}

/** Loads the demo province into an empty database before serving (unless DEMO=false). */
function demoOnFirstStart(config: Config): (orm: MikroORM) => Promise<void> {
  return async (orm) => {
    if (!config.demo) return;
    const summary = await loadDemoProvince(orm.em.fork(), {
      seed: config.demoSeed,
      entities: config.demoEntities,
      onProgress: (stage, done, total) => progressBar(`demo province: ${stage}`)(done, total),
    });
    if (!summary.skipped) logger.info(summary, 'demo province loaded');
    // a handful of self-filings (主体备案) and badges: under review (some overdue), accepted, one revoked
    const filings = await loadDemoFilings(orm, { seed: config.demoSeed, entities: config.demoEntities });
    if (!filings.skipped) logger.info(filings, 'demo self-filings loaded');
  };
}

/**
 * The demo's supervision work (patrol plans, the month's tasks and records, complaints, the year's office
 * work, the twelve months of history before this one and their metrics, this year's assessment, last
 * month's statistical reports), loaded in the background once the platform serves (DEMO=true; about ten
 * minutes for the full province on PGlite). Returns how to stop it: between two steps, so the next start
 * goes on where it stopped.
 */
function demoWorkInBackground(platform: Platform, config: Config): () => Promise<void> {
  if (!config.demo) return async () => {};
  const controller = new AbortController();
  const done = loadDemoSupervision(platform.orm, config, controller.signal, (stage, n, total) => {
    if (n === total) logger.info({ stage, n }, 'demo work');
  }).catch((err) => {
    if (!controller.signal.aborted) logger.error({ err }, 'loading the demo supervision work failed');
  });
  return async () => {
    controller.abort();
    await done;
  };
}

/** The demo's supervision work (this month's patrols and complaints), its year of office work, and the history of the twelve months before. */
async function loadDemoSupervision(orm: MikroORM, config: Config, signal?: AbortSignal, onProgress?: (stage: string, done: number, total: number) => void) {
  const files = { seed: config.demoSeed, evidenceDir: config.evidenceDir, signal, onProgress };
  // registration changes and penalties shared by other bodies (a few businesses deregistered, shops still open)
  const shared = await loadDemoSharedData(orm);
  // the platforms' reports of their shops (one on time, one late, one rejected), then the reconciliation of the sources
  const platformReports = await loadDemoPlatformReports(orm, { seed: config.demoSeed });
  const work = await loadDemoWork(orm, { ...files, maxFileBytes: config.caseFileMaxBytes, publicFileMaxBytes: config.publicFileMaxBytes });
  const office = await loadDemoOffice(orm, { ...files, maxFileBytes: config.caseFileMaxBytes });
  // the twelve months before this one (patrols, complaints, findings, clues, cases, prices); refreshes their metrics
  const history = await loadDemoHistory(orm, { seed: config.demoSeed, signal, onProgress });
  // the metrics of this month and the last, rather than waiting for the nightly refresh
  if ((!work.skipped || !office.skipped) && history.stages.length === 0) for (const month of currentAndPreviousMonth()) await refreshMetrics(orm, month);
  // this year's assessment on those metrics, rather than waiting for the nightly run (idempotent)
  const assessment = signal?.aborted ? null : await runAssessment(orm.em.fork(), currentYear());
  // last month's statistical reports for every unit, rather than waiting for the 1st (once, when the data was loaded now)
  const loadedNow = !work.skipped || !office.skipped || history.stages.length > 0;
  const reports =
    signal?.aborted || !loadedNow
      ? null
      : await runAsSystem('demo: monthly reports', () =>
          generateMonthlyReports(orm.em.fork(), { month: currentAndPreviousMonth()[1], evidenceDir: config.evidenceDir, trigger: 'demo' }),
        );
  return { shared, platformReports, work, office, history, assessment, reports };
}

// a .env file in the working directory, if present (see .env.example); the environment wins
if (fs.existsSync('.env')) {
  const fromFile = Object.entries(require('node:util').parseEnv(fs.readFileSync('.env', 'utf8')) as Record<string, string>);
  for (const [key, value] of fromFile) process.env[key] ??= value;
}

const program = new Command('hongdun').description('红盾 Hongdun: supervision of online commodity trading');

program
  .command('serve', { isDefault: true })
  .description('run the platform: GraphQL API, jobs; loads the demo province into an empty database (DEMO=false to skip)')
  .option('--no-worker', 'do not run job handlers in this process (with REDIS_URL, run `hongdun worker` instead)')
  .action(async (opts: { worker: boolean }) => {
    const config = loadConfig();
    const platform = await startPlatform(config, { worker: opts.worker, beforeServe: demoOnFirstStart(config) });
    const stopDemoWork = demoWorkInBackground(platform, config);
    process.stdout.write(`\n红盾 Hongdun is running: ${platform.url}/graphql  (GraphiQL in a browser; demo logins in README.md)\n\n`);
    onShutdown(async () => {
      await stopDemoWork();
      await platform.close();
    });
  });

program
  .command('worker')
  .description('run job handlers from Redis (needs REDIS_URL); start as many as needed. `worker crawl`: the crawler worker role for the external segment (REDIS_URL only, no database; CRAWL_MODE=queue on the core)')
  .argument('[role]', '`crawl` for the crawler worker role; omitted: the core job worker')
  .option('--concurrency <n>', 'jobs at a time', '4')
  .option('--prefix <prefix>', 'queue prefix in Redis', 'hongdun')
  .action(async (role: string | undefined, opts: { concurrency: string; prefix: string }) => {
    if (role === 'crawl') return runCrawlWorker(Number(opts.concurrency), opts.prefix);
    if (role !== undefined) throw new Error(`unknown worker role "${role}" (crawl, or none for the core job worker)`);
    const config = loadConfig();
    if (!config.redisUrl) throw new Error('hongdun worker needs REDIS_URL (without Redis, `hongdun serve` runs jobs in-process)');
    const orm = await openDatabase(config);
    const runner = new BullMqJobRunner(config.redisUrl, 'hongdun', config.jobsLockMs);
    await registerPlatformJobs(runner, orm, config);
    await runner.startWorker(Number(opts.concurrency));
    logger.info({ concurrency: Number(opts.concurrency) }, 'worker running');
    onShutdown(async () => {
      await runner.close();
      await orm.close();
    });
  });

/**
 * `hongdun worker crawl`: the crawler worker role (crawlers/worker/crawl-worker.ts). Refuses to start with
 * DATABASE_URL set: it holds no database credentials and talks to the core only through Redis.
 */
async function runCrawlWorker(concurrency: number, prefix: string): Promise<void> {
  assertNoDatabaseCredentials();
  const config = loadConfig();
  if (!config.redisUrl) throw new Error('hongdun worker crawl needs REDIS_URL (the queue is its only link to the core)');
  const worker = await startCrawlWorker({
    redisUrl: config.redisUrl,
    prefix,
    concurrency,
    lockMs: config.jobsLockMs,
    allowedOrigins: config.crawlAllowedOrigins,
    limits: {
      maxConcurrency: config.crawlConcurrency,
      perHostConcurrency: config.crawlPerHost,
      maxRequestsPerMinute: config.crawlRequestsPerMinute || undefined,
      requestTimeoutSecs: config.crawlTimeoutSecs,
      maxBodyBytes: config.crawlMaxBodyBytes,
    },
    log: (message, fields) => logger.info(fields ?? {}, message),
  });
  logger.info({ concurrency, prefix }, 'crawler worker running');
  process.stdout.write('crawler worker ready\n');
  onShutdown(() => worker.close());
}

program
  .command('setup')
  .description('prepare a production database: regions, the bureau tree (province, city and county bureaus) and a first administrator')
  .requiredOption('--admin <username>', 'username of the province administrator')
  .option('--name <name>', 'display name of the administrator', '系统管理员')
  .action(async (opts: { admin: string; name: string }) => {
    const password = process.env.HONGDUN_ADMIN_PASSWORD;
    if (!password) throw new Error('set HONGDUN_ADMIN_PASSWORD (at least 12 characters) to the administrator\'s password');
    const orm = await openDatabase(loadConfig());
    try {
      const result = await setupPlatform(orm.em.fork(), { adminUsername: opts.admin, adminPassword: password, adminName: opts.name });
      process.stdout.write(
        `units created: ${result.unitsCreated}; administrator ${result.admin.username}: ${result.admin.created ? 'created' : 'already there, unchanged'}\n`,
      );
    } finally {
      await orm.close();
    }
  });

program
  .command('migrate')
  .description('apply pending database migrations and exit')
  .action(async () => {
    const orm = await openDatabase(loadConfig());
    await orm.close();
  });

const demo = program.command('demo').description('the demo province');
demo
  .command('load')
  .description('load the deterministic demo province into an empty database')
  .option('--seed <seed>', 'generator seed (DEMO_SEED)')
  .option('--entities <n>', 'registered entities to generate (DEMO_ENTITIES)')
  .action(async (opts: { seed?: string; entities?: string }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const summary = await loadDemoProvince(orm.em.fork(), {
        seed: opts.seed ?? config.demoSeed,
        entities: opts.entities ? Number(opts.entities) : config.demoEntities,
        onProgress: (stage, done, total) => progressBar(`demo province: ${stage}`)(done, total),
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } finally {
      await orm.close();
    }
  });

demo
  .command('work')
  .description('load the demo supervision work into the demo province: patrol plans, this month\'s tasks and records, complaints, and a year of office work (what `serve` does in the background on first start)')
  .action(async () => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const summary = await loadDemoSupervision(orm, config, undefined, (stage, done, total) => progressBar(`demo work: ${stage}`)(done, total));
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } finally {
      await orm.close();
    }
  });

demo
  .command('history')
  .description('load the twelve months before this one into the demo province (patrols, complaints, maintenance, findings, clues, cases, prices) and refresh their metrics; a rerun adds nothing (what `serve` does in the background after the work)')
  .option('--observations-per-day <n>', 'price observations a day per history listing (the crawl store volume)', '2')
  .option('--listings-per-shop <n>', 'listings of each shop given a price history (one shop a unit)', '2')
  .action(async (opts: { observationsPerDay: string; listingsPerShop: string }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const summary = await loadDemoHistory(orm, {
        seed: config.demoSeed,
        observationsPerDay: Number(opts.observationsPerDay),
        listingsPerShop: Number(opts.listingsPerShop),
        onProgress: (stage, done, total) => progressBar(`demo ${stage}`)(done, total),
      });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } finally {
      await orm.close();
    }
  });

demo
  .command('crawl')
  .description('start the demo marketplace, crawl it over several simulated days, and serve GraphQL with the changes found')
  .option('--days <n>', 'simulated days to crawl (day 0 … n-1)', '4')
  .option('--market-entities <n>', 'size of the demo marketplace (entities of the same plan: ≈ 2 shops each)', '200')
  .option('--market-port <port>', 'port of the demo marketplace (0 = any free one)', '0')
  .option('--no-serve', 'exit after crawling instead of serving GraphQL')
  .action(async (opts: { days: string; marketEntities: string; marketPort: string; serve: boolean }) => {
    const dayCount = Number(opts.days);
    if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 60) throw new Error('--days: 1 to 60');
    const market = await startMarketplace({ seed: loadConfig().demoSeed, entities: Number(opts.marketEntities), port: Number(opts.marketPort), slowMs: 3000 });
    const seeds = [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl];
    const config = loadConfig({ crawlAllowedOrigins: [market.url], crawlSeeds: seeds, crawlSchedules: false });
    process.stdout.write(`demo marketplace: ${market.url}/  (${market.shopIds.length} shops; robots.txt, three platforms and own sites)\n`);
    const platform = await startPlatform(config, { beforeServe: demoOnFirstStart(config) });
    // the demo businesses place the badges the platform issued them on their shop pages (one copied, one revoked)
    market.setBadges({ baseUrl: config.publicBaseUrl ?? platform.url, tokens: await demoBadgeTokens(platform.orm, config) });
    const deps = crawlDeps(platform.orm, config);
    const days = await crawlSimulatedDays(deps, market, { days: dayCount, policy: crawlPolicy(config), onDay: (d) => {
      for (const { kind, outcome: out, ms } of d.runs) {
        const changes = Object.entries(out.changes).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
        process.stdout.write(
          `day ${d.day} ${kind.padEnd(9)} run ${out.runId}: ${out.pagesOk} pages in ${(ms / 1000).toFixed(1)} s, ${out.shopsSeen} shops (${out.shopsCreated} new), ${out.observationsWritten} prices, ${out.captures} captures; changes: ${changes || 'none'}\n`,
        );
      }
      const found = Object.entries(d.rules.hits).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
      process.stdout.write(`day ${d.day} rule checks: ${d.rules.shopsChecked} shops, ${d.rules.listingsChecked} listings; findings: ${found || 'none'}\n`);
    } });
    const shown = new Date(days[0].observedAt.getTime() - 3_600_000).toISOString();
    process.stdout.write(`\nChanges and findings through GraphQL (log in as sd-analyst / hongdun-demo at ${platform.url}/graphql):\n  { changes(first: 10, filter: { range: { from: "${shown}", to: "${new Date(Date.now() + 86_400_000).toISOString()}" } }) { totalCount nodes { kind observedAt amount percent shop { name } listing { title } } } }\n  { findings(first: 10) { totalCount nodes { ruleId severity detail legalBasis shop { name } } } }\n  { crawlRuns(first: 10) { nodes { id kind status pagesOk observationsWritten changes } } }\n\n`);
    if (!opts.serve) {
      await platform.close();
      await market.close();
      return;
    }
    process.stdout.write(`红盾 Hongdun is running: ${platform.url}/graphql — Ctrl-C stops it and the marketplace\n`);
    const stopDemoWork = demoWorkInBackground(platform, config);
    onShutdown(async () => {
      await stopDemoWork();
      await platform.close();
      await market.close();
    });
  });

const rulesCmd = program.command('rules').description('rule checks (findings with legal basis)');
rulesCmd
  .command('score')
  .description('score the rule checks against the demo marketplace ground truth: precision and recall per rule and day (throwaway database)')
  .option('--days <n>', 'simulated days', '4')
  .option('--entities <n>', 'size of the demo province and marketplace (the same plan)', '200')
  .option('--json', 'print the scores as JSON')
  .action(async (opts: { days: string; entities: string; json?: boolean }) => {
    const entities = Number(opts.entities);
    const base = loadConfig();
    const market = await startMarketplace({ seed: base.demoSeed, entities, slowMs: 3000 });
    const seeds = [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl];
    const config = loadConfig({ dataDir: 'memory://', databaseUrl: undefined, crawlAllowedOrigins: [market.url], crawlSeeds: seeds, crawlSchedules: false });
    const orm = await openDatabase(config);
    try {
      await loadDemoProvince(orm.em.fork(), { seed: config.demoSeed, entities });
      const results: Array<{ day: number; scores: Awaited<ReturnType<typeof scoreFindings>> }> = [];
      await crawlSimulatedDays(crawlDeps(orm, config), market, {
        days: Number(opts.days),
        policy: crawlPolicy(config),
        onDay: () => undefined,
      }).then(async (days) => {
        for (const d of days) results.push({ day: d.day, scores: await scoreFindings(orm, market.groundTruth(d.day), d.observedAt) });
      });
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        process.stdout.write(`rule                   day   TP   FP   FN  look-alikes flagged  precision  recall\n`);
        for (const r of results)
          for (const s of r.scores)
            process.stdout.write(
              `${s.rule.padEnd(22)} ${String(r.day).padStart(3)} ${String(s.truePositives).padStart(4)} ${String(s.falsePositives).padStart(4)} ${String(s.falseNegatives).padStart(4)}  ${`${s.lookAlikesFlagged}/${s.lookAlikes}`.padStart(19)}  ${s.precision.toFixed(3).padStart(9)}  ${s.recall.toFixed(3).padStart(6)}\n`,
            );
      }
      const perfect = results.every((r) => r.scores.every((s) => s.precision === 1 && s.recall === 1));
      process.exitCode = perfect ? 0 : 1;
    } finally {
      await orm.close();
      await market.close();
    }
  });

const evidence = program.command('evidence').description('captured pages and screenshots (content-addressed, hash-chained per shop)');
evidence
  .command('verify')
  .description('check every capture: blob present and unaltered, record unaltered, chain unbroken; exits 1 on any problem')
  .option('--shop <id>', 'only this shop')
  .option('--json', 'print the full report as JSON')
  .action(async (opts: { shop?: string; json?: boolean }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const report = await runAsSystem('evidence verify', () =>
        openEvidenceStore(orm.em.fork(), config.evidenceDir).verify({ shopId: opts.shop ? Number(opts.shop) : undefined }),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        process.stdout.write(`${report.totals.captures} captures, ${report.totals.intact} intact, ${report.totals.problems} with problems\n`);
        for (const c of report.captures.filter((x) => x.status !== 'intact').slice(0, 50)) {
          process.stdout.write(`  shop ${c.shopId} #${c.seq} ${c.url}: ${c.problems.join('; ')}\n`);
        }
      }
      process.exitCode = report.totals.problems > 0 ? 1 : 0;
    } finally {
      await orm.close();
    }
  });
evidence
  .command('export')
  .description('write captures as a WARC 1.1 file (ISO 28500); .gz compresses each record')
  .requiredOption('--out <file>', 'the .warc or .warc.gz file to write')
  .option('--shop <id>', 'only this shop')
  .action(async (opts: { out: string; shop?: string }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const result = await runAsSystem('evidence export', () =>
        openEvidenceStore(orm.em.fork(), config.evidenceDir).exportWarc({ shopId: opts.shop ? Number(opts.shop) : undefined }, opts.out),
      );
      process.stdout.write(`${result.records} records, ${result.bytes} bytes → ${opts.out}\n`);
    } finally {
      await orm.close();
    }
  });

program
  .command('backup')
  .description('back up the database (pg_dump -Fc of a server; PGlite: its data directory, stop the platform first) and the evidence store, with a manifest of row counts and SHA-256s')
  .requiredOption('--out <file.tar.gz|dir>', 'a .tar.gz/.tgz file, or a new (or empty) folder')
  .action(async (opts: { out: string }) => {
    const config = loadConfig();
    const { out, manifest } = await createBackup({
      databaseUrl: config.databaseUrl, dataDir: config.dataDir, evidenceDir: config.evidenceDir, out: opts.out, onProgress: (stage, done, total) => progressBar(`backup: ${stage}`)(done, total),
    });
    const rows = Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `backup written to ${out}: ${manifest.database.kind} ${manifest.database.serverVersion} (${manifest.database.method}), ${Object.keys(manifest.rowCounts).length} tables, ${rows} rows, ${manifest.migrations.length} migrations; ${manifest.evidence.blobs} blobs (${manifest.evidence.bytes} bytes), ${manifest.evidence.captures} captures in ${Object.keys(manifest.evidence.chainHeads).length} chains\n`,
    );
  });

program
  .command('restore')
  .description('restore a backup into an empty database and evidence store, then check it: file hashes, row counts, every evidence hash chain; exits 1 on any failed check')
  .requiredOption('--from <backup>', 'the .tar.gz or folder written by `hongdun backup`')
  .option('--database-url <url>', 'the target PostgreSQL database (default DATABASE_URL; unset = PGlite)')
  .option('--data-dir <dir>', 'the target PGlite data directory (default DATA_DIR)')
  .option('--evidence-dir <dir>', 'the target evidence store (default EVIDENCE_DIR)')
  .option('--force', 'replace the contents of a non-empty target database')
  .action(async (opts: { from: string; databaseUrl?: string; dataDir?: string; evidenceDir?: string; force?: boolean }) => {
    const config = loadConfig();
    try {
      const r = await restoreBackup({
        from: opts.from,
        databaseUrl: opts.databaseUrl ?? config.databaseUrl,
        dataDir: opts.dataDir ? path.resolve(opts.dataDir) : config.dataDir,
        evidenceDir: opts.evidenceDir ? path.resolve(opts.evidenceDir) : config.evidenceDir,
        force: Boolean(opts.force),
        onProgress: (stage, done, total) => progressBar(`restore: ${stage}`)(done, total),
      });
      process.stdout.write(
        `restored the backup of ${r.backup.createdAt} (${r.backup.kind} ${r.backup.serverVersion}) into ${r.database.kind} ${r.database.serverVersion} ${r.database.target}\n` +
          `  database: ${r.database.tables} tables, ${r.database.rows} rows, ${r.database.migrations} migrations — row counts match the manifest\n` +
          `  evidence: ${r.evidence.blobs} blobs (${r.evidence.bytes} bytes; ${r.evidence.written} written, ${r.evidence.alreadyThere} already there) — SHA-256 of every file matches\n` +
          `  verified: ${r.verify.captures} captures in ${r.verify.chains} chains, ${r.verify.intact} intact, every chain head as backed up\n`,
      );
    } catch (e) {
      if (!(e instanceof BackupCheckError)) throw e;
      process.stderr.write(`hongdun: restore failed: ${e.message}\n`);
      process.exitCode = 1;
    }
  });

const importCmd = program.command('import').description('import register data');
importCmd
  .command('entities')
  .description('import a register file of online businesses (经济户口): XLSX or CSV (UTF-8 or GB18030)')
  .argument('<file>', 'the .xlsx or .csv file')
  .option('--strict', 'write nothing if any row has an error')
  .addOption(new Option('--as <username>', 'act as this user: their jurisdiction applies and the audit log names them'))
  .option('--json', 'print the full report as JSON')
  .action(async (file: string, opts: { strict?: boolean; as?: string; json?: boolean }) => {
    const config = loadConfig();
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`no such file: ${file}`);
    const content = fs.readFileSync(file);
    const orm = await openDatabase(config);
    try {
      let actor: Actor | undefined;
      if (opts.as) {
        const user = await orm.em.fork().findOne(User, { username: opts.as, active: true }, { populate: ['unit'] });
        if (!user) throw new Error(`no active user "${opts.as}"`);
        actor = actorForUser(user);
      }
      const run = () =>
        importEntities(orm.em.fork(), {
          fileName: path.basename(file),
          content,
          strict: Boolean(opts.strict),
          onProgress: progressBar('importing rows'),
          limits: { maxRows: config.importMaxRows, maxBytes: config.importMaxBytes },
        });
      const report = actor ? await runAs({ ...actor, operation: 'cli:import entities' }, run) : await runAsSystem('cli:import entities', run);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        process.stdout.write(
          `${report.status}: ${report.totalRows} rows — ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected (batch ${report.batchId})\n`,
        );
        for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
        for (const e of report.errors.slice(0, 50)) process.stdout.write(`row ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.reason}\n`);
        if (report.errors.length > 50) process.stdout.write(`… and ${report.errors.length - 50} more (use --json for all)\n`);
      }
      process.exitCode = report.status === 'rejected' ? 2 : report.rejected > 0 ? 1 : 0;
    } finally {
      await orm.close();
    }
  });

/**
 * `import registration-changes` and `import penalties`: shared data from other bodies (issue 16), with the
 * flags and exit codes of `import entities` (0 all rows written, 1 some rows rejected, 2 strict and rejected).
 */
function sharedImportCommand(name: string, description: string, run: (em: ReturnType<MikroORM['em']['fork']>, props: SharedImportProps) => Promise<SharedImportReport>) {
  importCmd
    .command(name)
    .description(description)
    .argument('<file>', 'the .xlsx or .csv file')
    .option('--strict', 'write nothing if any row has an error')
    .addOption(new Option('--as <username>', 'act as this user: their jurisdiction applies and the audit log names them'))
    .option('--json', 'print the full report as JSON')
    .action(async (file: string, opts: { strict?: boolean; as?: string; json?: boolean }) => {
      const config = loadConfig();
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`no such file: ${file}`);
      const content = fs.readFileSync(file);
      const orm = await openDatabase(config);
      try {
        let actor: Actor | undefined;
        if (opts.as) {
          const user = await orm.em.fork().findOne(User, { username: opts.as, active: true }, { populate: ['unit'] });
          if (!user) throw new Error(`no active user "${opts.as}"`);
          actor = actorForUser(user);
        }
        const go = () =>
          run(orm.em.fork(), {
            fileName: path.basename(file),
            content,
            strict: Boolean(opts.strict),
            onProgress: progressBar('importing rows'),
            limits: { maxRows: config.importMaxRows, maxBytes: config.importMaxBytes },
          });
        const report = actor ? await runAs({ ...actor, operation: `cli:import ${name}` }, go) : await runAsSystem(`cli:import ${name}`, go);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          process.stdout.write(
            `${report.status}: ${report.totalRows} rows — ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.rejected} rejected; ${report.entitiesUpdated} businesses changed (batch ${report.batchId})\n`,
          );
          for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
          for (const e of report.errors.slice(0, 50)) process.stdout.write(`row ${e.row}${e.column ? ` [${e.column}]` : ''}: ${e.reason}\n`);
          if (report.errors.length > 50) process.stdout.write(`… and ${report.errors.length - 50} more (use --json for all)\n`);
        }
        process.exitCode = report.status === 'rejected' ? 2 : report.rejected > 0 ? 1 : 0;
      } finally {
        await orm.close();
      }
    });
}
sharedImportCommand(
  'registration-changes',
  'import registration changes (登记信息变更/注销/吊销) matched to the register by USCC: XLSX or CSV (UTF-8 or GB18030)',
  importRegistrationChanges,
);
sharedImportCommand('penalties', 'import administrative penalties (行政处罚) matched to the register by USCC: XLSX or CSV (UTF-8 or GB18030)', importPenalties);

const patrolsCmd = program.command('patrols').description('patrols (巡查)');
patrolsCmd
  .command('generate')
  .description('generate a month\'s patrol tasks from the active plans (idempotent: a rerun creates nothing)')
  .option('--month <YYYY-MM>', 'the month (default the current month, China time)')
  .option('--plan <id>', 'only this plan')
  .action(async (opts: { month?: string; plan?: string }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const month = opts.month ?? currentMonth();
      const started = Date.now();
      const result = await runAsSystem('cli:patrols generate', () => generatePatrolTasks(orm.em.fork(), { month, planId: opts.plan ?? null }));
      process.stdout.write(`${month}: ${result.created} tasks created, ${result.existing} existing, ${result.plans} plans (${Date.now() - started} ms)\n`);
    } finally {
      await orm.close();
    }
  });

const assessmentCmd = program.command('assessment').description('the annual assessment (年度考核)');
assessmentCmd
  .command('run')
  .description('score every unit for a year under its scheme and rank them, replacing the year\'s results (idempotent)')
  .option('--year <N>', 'the year (default the current year, provisional)')
  .action(async (opts: { year?: string }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      const year = opts.year === undefined ? currentYear() : Number(opts.year);
      const r = await runAssessment(orm.em.fork(), year);
      process.stdout.write(
        `${r.year}: ${r.units} units scored with ${r.schemeId} v${r.schemeVersion} through ${r.throughMonth}${r.provisional ? ' (provisional)' : ''}, ${r.missingValues} values missing (${r.ms} ms)\n`,
      );
    } finally {
      await orm.close();
    }
  });

const reportCmd = program.command('report').description('monthly statistical reports (月度统计报表)');
reportCmd
  .command('generate')
  .description('refresh a month\'s metrics, then (re)generate its monthly reports: every unit, or one unit (with --subtree, and the units below)')
  .requiredOption('--month <YYYY-MM>', 'the month (past or current)')
  .option('--unit <code>', 'only this unit (its code, e.g. 3701 or 370102-S01)')
  .option('--subtree', 'with --unit: also every unit below it')
  .addOption(new Option('--pdf <policy>', 'PDFs: auto (province and cities, where Chromium is present), all, none').choices(['auto', 'all', 'none']).default('auto'))
  .option('--no-refresh', 'use the metrics rollup as it stands')
  .action(async (opts: { month: string; unit?: string; subtree?: boolean; pdf: PdfPolicy; refresh: boolean }) => {
    const config = loadConfig();
    const orm = await openDatabase(config);
    try {
      if (opts.refresh) {
        const r = await refreshMetrics(orm, opts.month);
        process.stdout.write(`${opts.month}: metrics refreshed, ${r.rows} rows (${r.ms} ms)\n`);
      }
      const result = await runAsSystem(`cli:report generate ${opts.month}`, async () => {
        const em = orm.em.fork();
        let unitIds: number[] | null = null;
        if (opts.unit) {
          const [row] = await em.execute<{ id: number }[]>('select id from unit where code = ?', [opts.unit]);
          if (!row) throw new Error(`--unit: no unit with code "${opts.unit}"`);
          unitIds = [Number(row.id)];
        }
        return generateMonthlyReports(em, { month: opts.month, unitIds, subtree: opts.subtree === true, pdf: opts.pdf, evidenceDir: config.evidenceDir, trigger: 'cli' });
      });
      process.stdout.write(`${result.month}: ${result.units} units, ${result.files} files (${result.pdfs} PDF) in ${result.ms} ms ${JSON.stringify(result.timings)}\n`);
    } finally {
      await orm.close();
    }
  });

program
  .command('schema')
  .description('print the GraphQL schema (SDL) to schema/schema.graphql or the given file')
  .argument('[file]', 'output file', path.resolve(__dirname, '..', __dirname.includes(`${path.sep}dist${path.sep}`) ? '..' : '', 'schema/schema.graphql'))
  .action(async (file: string) => {
    await buildHongdunSchema(file);
    process.stdout.write(`schema written to ${file}\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hongdun: ${message}\n`);
  if (process.env.LOG_LEVEL === 'debug' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
