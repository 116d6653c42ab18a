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
import { now } from '../../kernel/clock';
import type { Config } from '../../kernel/config';
import { addWorkingDays, chinaDay } from '../calendar/working-days';
import { runCommand } from '../command';
import { runAsSystem } from '../system-actor';
import { FilingNotFoundError, FilingRateLimitedError } from './filing-errors';

/** What reading one shop page for its token found. */
export type TokenCheck = { found: true } | { found: false; reason: string };

/** Working days the station has to review a filing once its shops are verified. */
export const REVIEW_WORKING_DAYS = 5;
/** Seconds between two verification runs of one filing. */
export const VERIFY_INTERVAL_SECONDS = 20;
/**
 * Runs the verification of the filing `number` (the caller has checked the filing key). Returns the
 * filing and its shops as they are afterwards. Throws FilingNotFoundError, FilingRateLimitedError.
 */
export function verifyFilingShops(
  em: EntityManager,
  number: string,
  config: Pick<Config, 'crawlTimeoutSecs' | 'crawlMaxBodyBytes'>,
  /** who reads the pages (given by the composition root): the spider in this process, or a crawler worker through the queue in CRAWL_MODE=queue */
  fetchTokens: (targets: Array<{ url: string; token: string }>) => Promise<Map<string, TokenCheck>>,
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
      const checks = await fetchTokens(pending.map((s) => ({ url: s.url, token: s.verificationToken })));
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
