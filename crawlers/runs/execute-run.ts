/**
 * Executes one crawl run (a `CrawlRun` row): picks its targets, crawls them with `watchCrawl`, ingests as
 * pages arrive, marks removed listings, detects the changes of the run's moment and refreshes the daily
 * rollups; progress and outcome are written on the run row.
 *
 * A shops run started with `screenshots` then photographs the shop home pages it ingested in Debian's
 * chromium (crawlers/browser, same allowed origins; at most `screenshotsMax`) and keeps each PNG as
 * evidence; a page the browser could not photograph, or a missing chromium, is noted on the run and
 * does not fail it.
 *
 * Idempotent: every row a run writes is stamped with the run's `observedAt` and keyed naturally (shop or
 * listing + time; listing URL; shop identity), so running it again after a killed worker writes nothing
 * twice and loses nothing (the retry crawls everything again; shops it already photographed are not
 * photographed again).
 */
// first: keeps Crawlee's browser pool from starting its forwarding proxy, whatever loads it later
import '../browser/no-open-proxy';
import { existsSync } from 'node:fs';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { executorFromEntityManager, type ChangeCounts, type SqlExecutor, type TimeSeriesStore } from '../../store';
import { CrawlKind, CrawlRun, type CrawlRunError, CrawlRunStatus } from '../../entities';
import { runAsSystem } from '../../services/system-actor';
import { captureWithBrowser, DEFAULT_CHROMIUM } from '../browser';
import { normaliseOrigin } from '../spider';
import { type EvidenceSink, RunIngest, type ScreenshotItem } from './run-ingest';
import { type WatchCrawlOptions, type WatchCrawlResult, type WatchedListing, type WatchedShop, watchCrawl } from './watch-crawl';

/** How the spiders behave (from the configuration). */
export interface CrawlSettings {
  allowedOrigins: string[];
  seeds: string[];
  maxConcurrency: number;
  perHostConcurrency: number;
  maxRequestsPerMinute: number;
  requestTimeoutSecs: number;
  maxBodyBytes: number;
  userAgent?: string;
  /** shops runs with screenshots: most shop pages photographed per run (CRAWL_SCREENSHOTS_MAX); default 200 */
  screenshotsMax?: number;
  /** pages buffered before a write (RunIngest's batch); default 5000 */
  ingestBatch?: number;
}

/**
 * What one run fetches, decided by the core from the database: plain data, so that it can travel to a
 * crawler worker on the external segment as job data (CRAWL_MODE=queue) or be fetched in this process.
 */
export interface CrawlPlan {
  runId: number;
  kind: CrawlKind;
  directories: string[];
  shops: string[];
  listings: Array<{ url: string; shopUrl: string | null }>;
  followListings: boolean;
  allowedOrigins: string[];
}

/** The spider limits a plan is fetched under (from the core's configuration; a worker may lower them). */
export type SpiderLimits = NonNullable<WatchCrawlOptions['spider']>;

/** What a fetch reports besides its records (the parts of `WatchCrawlResult` a run keeps). */
export type FetchSummary = Pick<WatchCrawlResult, 'pagesOk' | 'pagesFailed' | 'skipped' | 'errors' | 'licenceMissed'>;

/**
 * Fetches a plan somewhere else (a crawler worker through the queue: server/jobs/crawl-queue.ts) and hands
 * back its records, evidence bodies already checked against their SHA-256; `refused` notes records whose
 * evidence did not match (nothing of them is recorded).
 */
export type RemoteFetch = (
  plan: CrawlPlan,
  limits: SpiderLimits,
  sink: { onShop: (shop: WatchedShop) => Promise<void>; onListing: (listing: WatchedListing) => Promise<void> },
) => Promise<FetchSummary & { refused: string[] }>;

/** Fetches and extracts a plan with the spiders in this process (in-process mode, and the crawler worker role). */
export function fetchPlan(
  plan: CrawlPlan,
  limits: SpiderLimits,
  sink: { onShop: (shop: WatchedShop) => Promise<void>; onListing: (listing: WatchedListing) => Promise<void> },
): Promise<WatchCrawlResult> {
  return watchCrawl({
    directories: plan.directories,
    shops: plan.shops,
    listings: plan.listings,
    followListings: plan.followListings,
    allowedOrigins: plan.allowedOrigins,
    spider: limits,
    onShop: sink.onShop,
    onListing: sink.onListing,
  });
}

export interface CrawlDeps {
  /**
   * null/undefined: fetch in this process (CRAWL_MODE=inprocess); set: hand the plan to crawler workers
   * through the queue (CRAWL_MODE=queue) — the core then opens no connection to a crawl target.
   */
  remote?: RemoteFetch | null;
  orm: MikroORM;
  storeFor: (db: SqlExecutor) => TimeSeriesStore;
  /** evidence store for a run (crawler identity in its records); null: keep no raw responses (nor screenshots) */
  evidenceFor: ((run: CrawlRun) => EvidenceSink) | null;
  settings: CrawlSettings;
}

export interface CrawlRunOutcome {
  runId: number;
  status: CrawlRunStatus;
  pagesOk: number;
  pagesFailed: number;
  shopsSeen: number;
  shopsCreated: number;
  listingsSeen: number;
  listingsRemoved: number;
  observationsWritten: number;
  snapshotsWritten: number;
  captures: number;
  changes: ChangeCounts;
}

const MAX_ERRORS_KEPT = 100;
const DEFAULT_SCREENSHOTS_MAX = 200;
/** pages chromium loads at once for the screenshots */
const SCREENSHOT_CONCURRENCY = 4;

function allowed(url: string, origins: Set<string>): boolean {
  try {
    return origins.has(new URL(url).origin);
  } catch {
    return false;
  }
}

async function update(orm: MikroORM, runId: number, fields: Partial<CrawlRun>): Promise<void> {
  await orm.em.fork().nativeUpdate(CrawlRun, { id: runId }, fields);
}

/** Marks a run failed when its job was given up for good (its workers died, or every attempt failed). */
export function markRunGivenUp(orm: MikroORM, runId: number, error: Error): Promise<void> {
  return runAsSystem(`crawl run ${runId} given up`, () =>
    update(orm, runId, { status: CrawlRunStatus.FAILED, finishedAt: new Date(), message: `given up: ${error.message}`.slice(0, 2000) }),
  );
}

/** Runs crawl run `runId` to its end (as the system actor); throws when it fails, after recording why. */
export function executeCrawlRun(deps: CrawlDeps, runId: number): Promise<CrawlRunOutcome> {
  return runAsSystem(`crawl run ${runId}`, () => execute(deps, runId));
}

async function execute(deps: CrawlDeps, runId: number): Promise<CrawlRunOutcome> {
  const { orm, settings } = deps;
  const em = orm.em.fork() as EntityManager;
  // one statement, so that two executions overlapping (a worker presumed dead, still running) both count
  await em.getConnection().execute(
    `update crawl_run set status = 'running', attempts = attempts + 1, started_at = now(), finished_at = null, message = null where id = ?`,
    [runId],
  );
  const run = await em.findOneOrFail(CrawlRun, { id: runId });
  try {
    const outcome = await crawlAndIngest(deps, run, em);
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // the database may be what failed (restarting): the job is retried all the same, with this error as its reason
    await update(orm, runId, { status: CrawlRunStatus.FAILED, finishedAt: new Date(), message: message.slice(0, 2000) }).catch(() => undefined);
    throw error;
  }
}

async function crawlAndIngest(deps: CrawlDeps, run: CrawlRun, em: EntityManager): Promise<CrawlRunOutcome> {
  const { orm, settings } = deps;
  const origins = new Set(settings.allowedOrigins.map((o) => normaliseOrigin(o)));
  for (const seed of settings.seeds) origins.add(new URL(seed).origin);
  const db = executorFromEntityManager(em);
  const scope = `${run.regionCode}%`;

  let directories: string[] = [];
  let shops: string[] = [];
  let listings: Array<{ url: string; shopUrl: string | null }> = [];
  const knownListings = new Map<string, { shopId: number; regionCode: string }>();
  const notes: string[] = [];

  if (run.kind === CrawlKind.DISCOVERY) {
    directories = run.seeds.length > 0 ? run.seeds : settings.seeds;
    const foreign = directories.filter((d) => !allowed(d, origins));
    if (foreign.length > 0) throw new Error(`seeds outside the allowed origins (CRAWL_ALLOWED_ORIGINS): ${foreign.join(', ')}`);
    if (directories.length === 0) throw new Error('discovery needs seeds: set CRAWL_SEEDS or give seeds when starting the crawl');
  } else {
    const ids = run.shopIds;
    const classes = run.classifications;
    const rows = await db.query<{ id: number; url: string; region_code: string }>(
      `select id, coalesce(watch_url, url) as url, region_code from shop
       where region_code like ?
         ${ids ? 'and id in (select (jsonb_array_elements_text(?::jsonb))::int)' : ''}
         ${classes ? 'and classification::text in (select jsonb_array_elements_text(?::jsonb))' : ''}
       order by id`,
      [scope, ...(ids ? [JSON.stringify(ids)] : []), ...(classes ? [JSON.stringify(classes)] : [])],
    );
    const crawlable = rows.filter((r) => allowed(r.url, origins));
    if (rows.length > crawlable.length) notes.push(`${rows.length - crawlable.length} shops in scope have no address on an allowed origin and were not crawled`);
    if (run.kind === CrawlKind.SHOPS) shops = crawlable.map((r) => r.url);
    else {
      const shopIds = crawlable.map((r) => Number(r.id));
      const listed = shopIds.length
        ? await db.query<{ url: string; shop_id: number; region_code: string }>(
            `select url, shop_id, region_code from listing where removed_at is null and shop_id in (select (jsonb_array_elements_text(?::jsonb))::int) order by id`,
            [JSON.stringify(shopIds)],
          )
        : [];
      for (const l of listed) if (allowed(l.url, origins)) knownListings.set(l.url, { shopId: Number(l.shop_id), regionCode: l.region_code });
      listings = [...knownListings.keys()].map((url) => ({ url, shopUrl: null }));
    }
  }

  const evidence = deps.evidenceFor?.(run) ?? null;
  const ingest = new RunIngest({
    orm,
    storeFor: deps.storeFor,
    evidence,
    runId: run.id,
    regionCode: run.regionCode,
    observedAt: run.observedAt,
    createShops: run.kind === CrawlKind.DISCOVERY,
    knownListings,
    batchSize: settings.ingestBatch,
  });
  let lastProgress = 0;
  const progress = async (result: Partial<WatchCrawlResult> | null) => {
    const now = Date.now();
    if (result === null && now - lastProgress < 2000) return;
    lastProgress = now;
    const c = ingest.counts;
    await update(orm, run.id, {
      shopsSeen: c.shopsSeen,
      shopsCreated: c.shopsCreated,
      listingsSeen: c.listingsSeen,
      snapshotsWritten: c.snapshotsWritten,
      observationsWritten: c.observationsWritten,
      captures: c.captures,
      ...(result ? { pagesOk: result.pagesOk, pagesFailed: result.pagesFailed } : {}),
    });
  };

  const plan: CrawlPlan = { runId: run.id, kind: run.kind, directories, shops, listings, followListings: run.kind === CrawlKind.SHOPS, allowedOrigins: [...origins] };
  const limits: SpiderLimits = {
    maxConcurrency: settings.maxConcurrency,
    perHostConcurrency: settings.perHostConcurrency,
    maxRequestsPerMinute: settings.maxRequestsPerMinute || undefined,
    requestTimeoutSecs: settings.requestTimeoutSecs,
    maxBodyBytes: settings.maxBodyBytes,
    userAgent: settings.userAgent,
  };
  const sink = {
    onShop: async (shop: WatchedShop) => {
      await ingest.addShop(shop);
      await progress(null);
    },
    onListing: async (listing: WatchedListing) => {
      await ingest.addListing(listing);
      await progress(null);
    },
  };
  let result: FetchSummary;
  if (deps.remote) {
    const fetched = await deps.remote(plan, limits, sink);
    if (fetched.refused.length > 0) notes.push(`${fetched.refused.length} records refused: their evidence did not match its SHA-256 (${fetched.refused.slice(0, 5).join(', ')})`);
    result = fetched;
  } else {
    result = await fetchPlan(plan, limits, sink);
  }
  await ingest.finish();

  // queue mode: the core opens no connection to a crawl target, so no browser either
  if (deps.remote && run.kind === CrawlKind.SHOPS && run.screenshots) notes.push('screenshots skipped: not taken in CRAWL_MODE=queue (the core opens no connection to crawl targets)');
  const shots = !deps.remote && run.kind === CrawlKind.SHOPS && run.screenshots ? await takeScreenshots(deps, run, ingest, evidence, [...origins], db) : null;
  if (shots) {
    notes.push(...shots.notes);
    await update(orm, run.id, { captures: ingest.counts.captures + shots.captures });
  }

  // listing pages that are gone (404/410) on a listings run: removed as well
  const gone = result.errors.filter((e) => e.reason === 'http-404' || e.reason === 'http-410').map((e) => e.url);
  if (gone.length > 0 && run.kind === CrawlKind.LISTINGS) {
    await db.query(`update listing set removed_at = ?::timestamptz where removed_at is null and url in (select jsonb_array_elements_text(?::jsonb))`, [
      run.observedAt.toISOString(),
      JSON.stringify(gone),
    ]);
  }

  const store = deps.storeFor(db);
  const moment = { from: run.observedAt, to: new Date(run.observedAt.getTime() + 1) };
  await store.detectChanges(moment);
  const day = new Date(Date.UTC(run.observedAt.getUTCFullYear(), run.observedAt.getUTCMonth(), run.observedAt.getUTCDate()));
  await store.refreshRollups({ from: day, to: new Date(day.getTime() + 86_400_000) });
  // the changes of this run's moment (also those a crashed attempt already wrote)
  const changes: ChangeCounts = { price_up: 0, price_down: 0, listing_new: 0, listing_removed: 0, licence_changed: 0 };
  for (const change of await store.changes(moment)) if (run.regionCode === '' || change.regionCode.startsWith(run.regionCode)) changes[change.kind]++;

  const c = ingest.counts;
  if (c.listingsWithoutShop > 0) notes.push(`${c.listingsWithoutShop} listing pages whose shop was not written`);
  if (c.shopsOutOfScope > 0) notes.push(`${c.shopsOutOfScope} shops outside the run's region were not written`);
  if (result.licenceMissed > 0) notes.push(`${result.licenceMissed} licence pages could not be read`);
  const errors = [...result.errors, ...(shots?.errors ?? [])].slice(0, MAX_ERRORS_KEPT).map((e) => ({ url: e.url, reason: e.reason, message: e.message.slice(0, 300) }));
  const captures = c.captures + (shots?.captures ?? 0);
  await update(orm, run.id, {
    status: CrawlRunStatus.SUCCEEDED,
    finishedAt: new Date(),
    pagesOk: result.pagesOk,
    pagesFailed: result.pagesFailed,
    skipped: { ...result.skipped },
    errors,
    shopsSeen: c.shopsSeen,
    shopsCreated: c.shopsCreated,
    listingsSeen: c.listingsSeen,
    snapshotsWritten: c.snapshotsWritten,
    observationsWritten: c.observationsWritten,
    captures,
    changes: { ...changes },
    message: notes.length ? notes.join('; ') : null,
  });
  return {
    runId: run.id,
    status: CrawlRunStatus.SUCCEEDED,
    pagesOk: result.pagesOk,
    pagesFailed: result.pagesFailed,
    shopsSeen: c.shopsSeen,
    shopsCreated: c.shopsCreated,
    listingsSeen: c.listingsSeen,
    listingsRemoved: c.listingsRemoved,
    observationsWritten: c.observationsWritten,
    snapshotsWritten: c.snapshotsWritten,
    captures,
    changes,
  };
}

/** What the screenshots of a shops run added: captures kept, pages not photographed, notes for the run. */
interface ScreenshotOutcome {
  captures: number;
  errors: CrawlRunError[];
  notes: string[];
}

/**
 * Photographs the shop home pages the run ingested (at most `screenshotsMax`, lowest shop ids first) in
 * chromium under the run's allowed origins and keeps each PNG as a `screenshot` capture in the shop's
 * evidence chain, at the run's moment. Shops this run already photographed (a retried run) are counted,
 * not photographed again. Browser failures and a missing chromium are returned as errors and notes.
 */
async function takeScreenshots(deps: CrawlDeps, run: CrawlRun, ingest: RunIngest, evidence: EvidenceSink | null, origins: string[], db: SqlExecutor): Promise<ScreenshotOutcome> {
  const out: ScreenshotOutcome = { captures: 0, errors: [], notes: [] };
  const byShop = new Map<number, { url: string; regionCode: string }>();
  for (const [url, shop] of ingest.shopPages) if (!byShop.has(shop.shopId)) byShop.set(shop.shopId, { url: new URL(url).href, regionCode: shop.regionCode });
  if (byShop.size === 0) return out;
  if (!evidence) {
    out.notes.push('screenshots skipped: no evidence store to keep them in');
    return out;
  }
  const max = deps.settings.screenshotsMax ?? DEFAULT_SCREENSHOTS_MAX;
  const ids = [...byShop.keys()].sort((a, b) => a - b);
  if (ids.length > max) out.notes.push(`${ids.length - max} shop pages not photographed (CRAWL_SCREENSHOTS_MAX=${max})`);
  const chosen = ids.slice(0, max);
  if (chosen.length === 0) return out;
  const taken = await db.query<{ shop_id: number }>(
    `select distinct shop_id from evidence_capture
     where kind = 'screenshot' and run_id = ? and observed_at = ?::timestamptz and shop_id in (select (jsonb_array_elements_text(?::jsonb))::int)`,
    [run.id, run.observedAt.toISOString(), JSON.stringify(chosen)],
  );
  const done = new Set(taken.map((t) => Number(t.shop_id)));
  out.captures += done.size;
  const todo = chosen.filter((id) => !done.has(id));
  if (todo.length === 0) return out;

  const chromium = process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
  if (!existsSync(chromium)) {
    out.notes.push(`screenshots skipped: chromium not found at ${chromium} (install Debian's chromium or set CHROMIUM_PATH); the HTML evidence is kept`);
    return out;
  }
  const shopOfUrl = new Map(todo.map((id) => [byShop.get(id)!.url, id]));
  const { settings } = deps;
  let result: Awaited<ReturnType<typeof captureWithBrowser>>;
  try {
    result = await captureWithBrowser({
      urls: [...shopOfUrl.keys()],
      allowedOrigins: origins,
      executablePath: chromium,
      maxConcurrency: Math.min(settings.maxConcurrency, SCREENSHOT_CONCURRENCY),
      navigationTimeoutSecs: settings.requestTimeoutSecs,
      userAgent: settings.userAgent,
    });
  } catch (error) {
    out.notes.push(`screenshots failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 500)}`);
    return out;
  }
  const items: ScreenshotItem[] = [];
  for (const capture of result.captures) {
    const shopId = shopOfUrl.get(capture.url);
    if (shopId === undefined) continue;
    items.push({ shopId, regionCode: byShop.get(shopId)!.regionCode, observedAt: run.observedAt, url: capture.finalUrl || capture.url, png: capture.screenshot });
  }
  if (items.length > 0) out.captures += (await evidence.screenshots(items)).length;
  for (const e of result.errors) out.errors.push({ url: e.url, reason: `screenshot-${e.reason}`, message: e.message });
  if (result.errors.length > 0) out.notes.push(`${result.errors.length} shop pages could not be photographed`);
  // what the pages asked for outside the allowed origins (chromium's own background traffic, stopped by
  // the black hole, is not the pages')
  const refused = new Set(result.blockedDetail.filter((b) => b.via !== 'proxy').map((b) => b.url));
  if (refused.size > 0) out.notes.push(`${refused.size} requests of photographed pages outside the allowed origins were blocked`);
  return out;
}
