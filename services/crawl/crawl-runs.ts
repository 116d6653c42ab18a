/**
 * Crawl runs as the API and the jobs see them: starting one (a row, then a queued job) within the
 * caller's jurisdiction, and listing them. The crawling itself is crawlers/runs/execute-run.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessDeniedError, CrawlKind, CrawlRun, CrawlRunStatus, currentActor, inJurisdiction, ShopClassification } from '../../entities';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { type Page, paginate } from '../pagination';
import type { Connection } from '../../schema/connection';
import { requireRegion } from '../registry/registry-rules';

export interface StartCrawlRequest {
  kind: CrawlKind;
  /** region whose shops are crawled; default the caller's jurisdiction (its first region) */
  regionCode?: string | null;
  /** shops/listings runs: only these shops */
  shopIds?: number[] | null;
  /** shops/listings runs: only shops of these classifications */
  classifications?: ShopClassification[] | null;
  /** shops runs: also photograph the shop home pages read (chromium; kept as screenshot evidence); default false */
  screenshots?: boolean | null;
  /** discovery: directory or site-list URLs (each on an allowed origin); default the configured seeds */
  seeds?: string[] | null;
  /** the moment the run's rows are stamped with; default now (the demo sets simulated days) */
  observedAt?: Date;
  /** what started it, e.g. `api`, `schedule:crawl-shops-daily`, `demo` */
  trigger: string;
}

/** The allowed origins and seeds a run may use (from the configuration). */
export interface CrawlPolicy {
  allowedOrigins: string[];
  seeds: string[];
}

const MAX_SHOP_IDS = 10_000;
const MAX_SEEDS = 100;

function defaultRegion(): string {
  const prefixes = currentActor().prefixes;
  if (prefixes.length === 0) throw new AccessDeniedError('your login has no jurisdiction');
  return prefixes[0] === '' ? '37' : prefixes[0];
}

/** Creates a queued crawl run in the caller's jurisdiction (validated; nothing is crawled yet). */
export function createCrawlRun(em: EntityManager, request: StartCrawlRequest, policy: CrawlPolicy): Promise<CrawlRun> {
  return runCommand(em, 'startCrawl', async (tem) => {
    const regionCode = request.regionCode ? requireRegion(request.regionCode) : defaultRegion();
    if (!inJurisdiction(regionCode)) throw new AccessDeniedError(`regionCode: ${regionCode} is outside your jurisdiction`);
    const seeds = (request.seeds ?? []).map((s) => s.trim()).filter(Boolean);
    if (seeds.length > 0 && request.kind !== CrawlKind.DISCOVERY) throw new UserInputError('seeds: only a discovery crawl starts from seeds', 'seeds');
    if (seeds.length > MAX_SEEDS) throw new UserInputError(`seeds: at most ${MAX_SEEDS}`, 'seeds');
    const origins = new Set([...policy.allowedOrigins.map((o) => new URL(o).origin), ...policy.seeds.map((s) => new URL(s).origin)]);
    for (const seed of seeds) {
      let url: URL;
      try {
        url = new URL(seed);
      } catch {
        throw new UserInputError(`seeds: "${seed}" is not a URL`, 'seeds');
      }
      if (!origins.has(url.origin)) throw new UserInputError(`seeds: ${url.origin} is not an allowed crawl origin (CRAWL_ALLOWED_ORIGINS)`, 'seeds');
    }
    if (request.kind === CrawlKind.DISCOVERY && seeds.length === 0 && policy.seeds.length === 0) {
      throw new UserInputError('seeds: no discovery seeds are configured (CRAWL_SEEDS); give the directory URLs to start from', 'seeds');
    }
    const shopIds = request.shopIds ?? null;
    if (shopIds && request.kind === CrawlKind.DISCOVERY) throw new UserInputError('shopIds: a discovery crawl finds shops, it is not given them', 'shopIds');
    if (shopIds && (shopIds.length === 0 || shopIds.length > MAX_SHOP_IDS)) throw new UserInputError(`shopIds: give 1 to ${MAX_SHOP_IDS} shops, or none for every shop of the region`, 'shopIds');
    const classifications = request.classifications?.length ? [...new Set(request.classifications)] : null;
    const screenshots = request.screenshots === true;
    if (screenshots && request.kind !== CrawlKind.SHOPS) {
      throw new UserInputError(`screenshots: only a shops crawl takes screenshots (of the shop home pages it reads), not a ${request.kind} crawl`, 'screenshots');
    }
    const actor = currentActor();
    return tem.create(CrawlRun, {
      kind: request.kind,
      regionCode,
      observedAt: request.observedAt ?? new Date(),
      seeds,
      shopIds: shopIds ? [...new Set(shopIds.map(Number))] : null,
      classifications,
      screenshots,
      requestedBy: actor.name.slice(0, 100),
      trigger: request.trigger.slice(0, 100),
      status: CrawlRunStatus.QUEUED,
    });
  });
}

/** Records the job that will execute a run. */
export async function attachJob(em: EntityManager, run: CrawlRun, jobId: string): Promise<void> {
  run.jobId = jobId;
  await em.nativeUpdate(CrawlRun, { id: run.id }, { jobId });
}

export interface CrawlRunFilter {
  status?: CrawlRunStatus | null;
  kind?: CrawlKind | null;
}

/** Crawl runs visible to the caller, newest first. */
export function listCrawlRuns(em: EntityManager, filter: CrawlRunFilter, page: Page): Promise<Connection<CrawlRun>> {
  const where: Record<string, unknown> = {};
  if (filter.status) where.status = filter.status;
  if (filter.kind) where.kind = filter.kind;
  return paginate(em, CrawlRun, where, { id: 'desc' }, page);
}

export async function getCrawlRun(em: EntityManager, id: number): Promise<CrawlRun | null> {
  return em.findOne(CrawlRun, { id });
}
