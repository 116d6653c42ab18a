/**
 * verifyFilingShops: the proof that a business controls the shops it filed. For each shop not yet
 * verified, one fetch of its address through the project's guarded spider (crawlers/spider: allowed
 * origins = only the origins this filing's own shop addresses name — nothing else is ever requested, not
 * even a redirect elsewhere; a body-size cap, a timeout, HTML only), looking for the shop's verification
 * token anywhere in the page (its text, a meta tag, the shop's profile). When every shop is verified the
 * filing goes under review, due in REVIEW_WORKING_DAYS working days (China's calendar).
 *
 * A filing's fetches are spaced (VERIFY_INTERVAL_SECONDS); the public endpoint is rate-limited per address
 * besides. Runs as the system actor (the business has no login).
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SelfFiling, SelfFilingShop, SelfFilingStatus } from '../../entities';
import { now } from '../../entities/clock';
import { crawl } from '../../crawlers/spider';
import type { Config } from '../../server/config';
import { addWorkingDays, chinaDay } from '../calendar/working-days';
import { runCommand } from '../command';
import { runAsSystem } from '../system-actor';
import { FilingNotFoundError, FilingRateLimitedError } from './filing-errors';

/** Working days the station has to review a filing once its shops are verified. */
export const REVIEW_WORKING_DAYS = 5;
/** Seconds between two verification runs of one filing. */
export const VERIFY_INTERVAL_SECONDS = 20;
/** Largest page a verification fetch reads. */
const VERIFY_MAX_BYTES = 2 * 1024 * 1024;

/** What one fetch found, per shop address. */
export type TokenCheck = { found: true } | { found: false; reason: string };

/**
 * Fetches each address (allowed origins: exactly those of `urls`) and says whether its page holds its
 * token. Never throws for a hostile or absent page.
 */
export async function fetchForTokens(targets: Array<{ url: string; token: string }>, config: Pick<Config, 'crawlTimeoutSecs' | 'crawlMaxBodyBytes'>): Promise<Map<string, TokenCheck>> {
  const out = new Map<string, TokenCheck>();
  if (targets.length === 0) return out;
  const byUrl = new Map(targets.map((t) => [t.url, t.token]));
  const result = await crawl({
    startUrls: targets.map((t) => t.url),
    allowedOrigins: [...new Set(targets.map((t) => new URL(t.url).origin))],
    enqueue: false,
    maxRequests: targets.length,
    maxConcurrency: 2,
    requestTimeoutSecs: Math.min(config.crawlTimeoutSecs, 15),
    maxBodyBytes: Math.min(config.crawlMaxBodyBytes, VERIFY_MAX_BYTES),
    maxRetries: 1,
    retryBackoffMs: 200,
    // the owner of the site asked for this one fetch of its own page
    respectRobotsTxt: false,
    userAgent: 'HongdunVerifier/0.1 (+self-filing)',
    onPage: (page) => {
      const token = byUrl.get(page.url);
      if (token === undefined) return;
      out.set(page.url, page.body.includes(token) ? { found: true } : { found: false, reason: '页面上未找到验证码 (token not found on the page)' });
    },
  });
  for (const e of result.errors) if (!out.has(e.url)) out.set(e.url, { found: false, reason: `无法读取该页面 (could not read the page: ${e.reason})` });
  for (const t of targets) if (!out.has(t.url)) out.set(t.url, { found: false, reason: '无法读取该页面 (could not read the page)' });
  return out;
}

/**
 * Runs the verification of the filing `number` (the caller has checked the filing key). Returns the
 * filing and its shops as they are afterwards. Throws FilingNotFoundError, FilingRateLimitedError.
 */
export function verifyFilingShops(
  em: EntityManager,
  number: string,
  config: Pick<Config, 'crawlTimeoutSecs' | 'crawlMaxBodyBytes'>,
): Promise<{ filing: SelfFiling; shops: SelfFilingShop[] }> {
  return runAsSystem('public self-filing page: verification', async () => {
    const claimed = await runCommand(em, 'verifyFilingShops', async (tem) => {
      const filing = await tem.findOne(SelfFiling, { number }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!filing) throw new FilingNotFoundError();
      if (filing.status !== SelfFilingStatus.AWAITING_VERIFICATION) return null;
      const last = filing.lastVerifyAt?.getTime() ?? 0;
      const wait = Math.ceil((last + VERIFY_INTERVAL_SECONDS * 1000 - now().getTime()) / 1000);
      if (wait > 0) throw new FilingRateLimitedError(wait, '验证');
      filing.lastVerifyAt = now();
      return filing.id;
    });
    if (claimed !== null) {
      const pending = await em.fork().find(SelfFilingShop, { filing: claimed, verifiedAt: null }, { orderBy: { id: 'asc' } });
      const checks = await fetchForTokens(pending.map((s) => ({ url: s.url, token: s.verificationToken })), config);
      await runCommand(em, 'verifyFilingShops', async (tem) => {
        const filing = await tem.findOneOrFail(SelfFiling, { id: claimed });
        const shops = await tem.find(SelfFilingShop, { filing }, { orderBy: { id: 'asc' } });
        const at = now();
        for (const shop of shops) {
          const check = checks.get(shop.url);
          if (!check || shop.verifiedAt) continue;
          shop.lastCheckedAt = at;
          shop.lastCheckResult = check.found ? '已验证 (token found)' : check.reason;
          if (check.found) shop.verifiedAt = at;
        }
        if (filing.status === SelfFilingStatus.AWAITING_VERIFICATION && shops.every((s) => s.verifiedAt)) {
          filing.status = SelfFilingStatus.UNDER_REVIEW;
          filing.verifiedAt = at;
          filing.reviewDueOn = addWorkingDays(chinaDay(at), REVIEW_WORKING_DAYS);
        }
      });
    }
    const fresh = em.fork();
    const filing = await fresh.findOne(SelfFiling, { number });
    if (!filing) throw new FilingNotFoundError();
    return { filing, shops: await fresh.find(SelfFilingShop, { filing }, { orderBy: { id: 'asc' } }) };
  });
}
