/**
 * The read of a self-filing's proof of control: each shop page fetched once through the guarded spider
 * (allowed origins: exactly those of the pages; no redirect elsewhere; size cap, timeout), looking for its
 * token. No database: it runs in the core (CRAWL_MODE=inprocess) or on a crawler worker (queue mode).
 */
import { crawl } from './';
import type { Config } from '../../kernel/config';

/** Largest page a verification fetch reads. */
const VERIFY_MAX_BYTES = 2 * 1024 * 1024;

/** What one fetch found, per shop address. */
import type { TokenCheck } from '../../services/filing/verify-filing-shops.command';
export type { TokenCheck };

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

