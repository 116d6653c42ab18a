/**
 * The discovery, shop and listing spiders as one labelled crawl over the safe spider core: directory pages
 * (discovery) lead to shop home pages, shop pages to their licence pages (亮照 on a linked page) and, unless
 * discovering, to their listings. Pages are extracted as they arrive and handed on in `WatchedShop` and
 * `WatchedListing` records (with the raw bytes for the evidence store); nothing here touches the database.
 */
import { createHash } from 'node:crypto';
import { adapterFor, type ExtractedListing, type ExtractedShop, extractListing, extractShop, type ShopIdentity } from '../extract';
import { crawl, type CrawlOptions, type CrawlResult, type SpiderPage } from '../spider';

/** A fetched response kept as evidence of what the page showed. */
export interface RawResponse {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  body: Buffer;
  fetchedAt: Date;
}

/** A shop home page read by the spider (and its linked licence page, when it has one). */
export interface WatchedShop {
  url: string;
  identity: ShopIdentity | null;
  shop: ExtractedShop;
  /** SHA-256 over the shop page and licence page bodies: equal hashes, equal content */
  contentHash: string;
  responses: RawResponse[];
}

/** A product page read by the spider. `listing` is null when the page held no product (title and price). */
export interface WatchedListing {
  url: string;
  /** the shop page that listed it, when the crawl came from one */
  shopUrl: string | null;
  platformListingId: string | null;
  listing: ExtractedListing | null;
  response: RawResponse;
}

export interface WatchCrawlOptions {
  /** directory or site-list pages (discovery) */
  directories?: string[];
  /** shop home pages to read */
  shops?: string[];
  /** listing pages to read directly (the listing spider) */
  listings?: Array<{ url: string; shopUrl: string | null }>;
  /** follow each shop's listings; default true */
  followListings?: boolean;
  allowedOrigins: string[];
  onShop: (shop: WatchedShop) => Promise<void>;
  onListing: (listing: WatchedListing) => Promise<void>;
  /** politeness and limits, passed to the spider core */
  spider?: Pick<CrawlOptions, 'maxConcurrency' | 'perHostConcurrency' | 'maxRequestsPerMinute' | 'requestTimeoutSecs' | 'maxBodyBytes' | 'maxRetries' | 'retryBackoffMs' | 'userAgent' | 'maxRequests'>;
}

export interface WatchCrawlResult extends CrawlResult {
  /** shop pages whose licence page could not be read: handed on with the home page's licence only */
  licenceMissed: number;
}

function raw(page: SpiderPage): RawResponse {
  return {
    url: page.url,
    finalUrl: page.finalUrl,
    status: page.status,
    headers: page.headers,
    contentType: page.contentType,
    body: Buffer.from(page.body, 'utf8'),
    fetchedAt: new Date(),
  };
}

function hashOf(...bodies: string[]): string {
  const h = createHash('sha256');
  for (const b of bodies) h.update(b).update('\0');
  return h.digest('hex');
}

/** Runs one crawl of directories, shops and listings; calls `onShop`/`onListing` as records complete. */
export async function watchCrawl(options: WatchCrawlOptions): Promise<WatchCrawlResult> {
  const followListings = options.followListings ?? true;
  const directories = new Set(options.directories ?? []);
  /** shop pages waiting for their licence page: licence URL → the shop page */
  const waiting = new Map<string, { page: SpiderPage; shop: ExtractedShop; response: RawResponse }>();
  /** listing URL → the shop page that listed it */
  const listedBy = new Map<string, string | null>();
  for (const l of options.listings ?? []) listedBy.set(l.url, l.shopUrl);

  const labelOf = (url: URL): string | undefined => {
    if (directories.has(url.href)) return 'directory';
    if (waiting.has(url.href)) return 'licence';
    const adapter = adapterFor(url);
    if (adapter?.shopIdentity(url)) return 'shop';
    if (adapter?.listingId(url) || listedBy.has(url.href)) return 'listing';
    return undefined;
  };

  const finishShop = async (page: SpiderPage, shop: ExtractedShop, responses: RawResponse[], licenceHtml?: string) => {
    const u = new URL(page.url);
    const full = licenceHtml === undefined ? shop : extractShop(page.url, page.body, { licenceHtml });
    await options.onShop({
      url: page.url,
      identity: adapterFor(u)?.shopIdentity(u) ?? null,
      shop: full,
      contentHash: hashOf(page.body, licenceHtml ?? ''),
      responses,
    });
  };

  /** each shop page's extraction, shared by its handler and its link selection */
  const extracted = new WeakMap<SpiderPage, ExtractedShop>();
  const result = await crawl({
    ...options.spider,
    startUrls: [
      ...[...directories].map((url) => ({ url, label: 'directory' })),
      ...(options.shops ?? []).map((url) => ({ url, label: 'shop' })),
      ...(options.listings ?? []).map((l) => ({ url: l.url, label: 'listing' })),
    ],
    allowedOrigins: options.allowedOrigins,
    label: labelOf,
    handlers: {
      shop: async (page) => {
        const shop = extractShop(page.url, page.body);
        extracted.set(page, shop);
        const response = raw(page);
        if (shop.licenceUrl && !shop.licence) {
          waiting.set(shop.licenceUrl, { page, shop, response });
        } else {
          await finishShop(page, shop, [response]);
        }
        if (followListings) for (const url of shop.listingUrls) if (!listedBy.has(url)) listedBy.set(url, page.url);
      },
      licence: async (page) => {
        const pending = waiting.get(page.url);
        if (!pending) return;
        waiting.delete(page.url);
        await finishShop(pending.page, pending.shop, [pending.response, raw(page)], page.body);
      },
      listing: async (page) => {
        const u = new URL(page.url);
        await options.onListing({
          url: page.url,
          shopUrl: listedBy.get(page.url) ?? null,
          platformListingId: adapterFor(u)?.listingId(u) ?? null,
          listing: extractListing(page.url, page.body),
          response: raw(page),
        });
      },
    },
    enqueue: (page) => {
      const out: string[] = [];
      if (page.label === 'directory') {
        const base = new URL(page.finalUrl);
        page.$('a[href]').each((_, el) => {
          const href = page.$(el).attr('href');
          if (!href) return;
          let u: URL;
          try {
            u = new URL(href, base);
          } catch {
            return;
          }
          const rel = (page.$(el).attr('rel') ?? '').split(/\s+/u);
          if (rel.includes('next')) {
            directories.add(u.href);
            out.push(u.href);
          } else if (adapterFor(u)?.shopIdentity(u)) out.push(u.href);
        });
        page.$('link[rel~="next"][href]').each((_, el) => {
          const u = new URL(page.$(el).attr('href') ?? '', base);
          directories.add(u.href);
          out.push(u.href);
        });
      } else if (page.label === 'shop') {
        for (const [licenceUrl, pending] of waiting) if (pending.page === page) out.push(licenceUrl);
        if (followListings) out.push(...(extracted.get(page)?.listingUrls ?? []));
      }
      return out;
    },
  });

  // shops whose licence page failed or was refused: hand them on with what their home page showed
  let licenceMissed = 0;
  for (const pending of waiting.values()) {
    licenceMissed++;
    await finishShop(pending.page, pending.shop, [pending.response]);
  }
  waiting.clear();
  return { ...result, licenceMissed };
}
