/**
 * The demo marketplace over real HTTP on 127.0.0.1: determinism, day-to-day changes, each platform's
 * markup against the expected values, directory pagination, ground truth, hostile pages, robots.txt.
 * No database: the marketplace is a pure function of (seed, day).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABSOLUTE_TITLE_TERMS } from '../demo/marketplace/catalog';
import {
  type ExpectedListing,
  type Marketplace,
  ORIGINAL_PRICE_WINDOW,
  type PlatformId,
  RULE_IDS,
  startMarketplace,
} from '../demo/marketplace';

const SEED = 'marketplace-test';
const SLOW_MS = 300;
const DAY = 3;

let m: Marketplace;
let twin: Marketplace;

beforeAll(async () => {
  [m, twin] = await Promise.all([
    startMarketplace({ seed: SEED, day: DAY, slowMs: SLOW_MS }),
    startMarketplace({ seed: SEED, day: DAY, slowMs: SLOW_MS }),
  ]);
});

afterAll(async () => {
  await Promise.all([m?.close(), twin?.close()]);
});

async function get(url: string, init?: RequestInit): Promise<{ status: number; type: string | null; body: Buffer; headers: Headers }> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function html(url: string): Promise<string> {
  const res = await get(url);
  expect(res.status, url).toBe(200);
  return res.body.toString('utf8');
}

/** A path relative to the server, so that pages of two servers on different ports can be compared. */
const path = (url: string) => url.replace(/^http:\/\/127\.0\.0\.1:\d+/u, '');

function shopsOf(market: Marketplace, platform: PlatformId, day = market.day) {
  return market.shopIds.map((id) => market.expectedShop(day, id)!).filter((s) => s.platform === platform);
}

function listingsOf(market: Marketplace, platform: PlatformId, day = market.day): ExpectedListing[] {
  return shopsOf(market, platform, day).flatMap((s) => s.listingIds.map((id) => market.expectedListing(day, id)!));
}

function samplePaths(market: Marketplace): string[] {
  const paths = ['/', '/robots.txt', path(market.siteDirectoryUrl)];
  for (const p of market.platforms) {
    paths.push(path(p.directoryUrl), path(p.searchUrl), path(p.robotsUrl));
    const shops = shopsOf(market, p.id);
    for (const shop of [shops[0], shops[shops.length - 1]]) {
      paths.push(path(shop.url));
      if (shop.licenceUrl) paths.push(path(shop.licenceUrl));
      paths.push(...shop.listingIds.slice(0, 2).map((id) => path(market.expectedListing(market.day, id)!.url)));
    }
  }
  for (const site of market.sites.slice(0, 3)) {
    paths.push(path(site.root));
    const shop = market.expectedShop(market.day, site.domain)!;
    paths.push(...shop.listingIds.slice(0, 2).map((id) => path(market.expectedListing(market.day, id)!.url)));
  }
  return paths;
}

describe('determinism', () => {
  it('serves byte-identical pages for the same seed and day, from two servers', async () => {
    const paths = samplePaths(m);
    expect(paths.length).toBeGreaterThan(25);
    for (const p of paths) {
      const [a, b] = await Promise.all([get(m.url + p), get(twin.url + p)]);
      expect(a.status, p).toBe(200);
      expect(a.headers.get('date'), 'no Date header').toBeNull();
      expect(a.body.equals(b.body), p).toBe(true);
    }
    expect(JSON.stringify(m.groundTruth()).replaceAll(m.url, '')).toBe(JSON.stringify(twin.groundTruth()).replaceAll(twin.url, ''));
  });

  it('changes between day N and N+1 as documented: prices, new and removed listings, licence blocks', async () => {
    // the model guarantees these for every pair of consecutive days
    for (let d = 0; d < 12; d++) {
      const before = new Map(m.shopIds.map((id) => [id, m.expectedShop(d, id)!]));
      const after = new Map(m.shopIds.map((id) => [id, m.expectedShop(d + 1, id)!]));
      const idsBefore = new Set([...before.values()].flatMap((s) => s.listingIds));
      const idsAfter = new Set([...after.values()].flatMap((s) => s.listingIds));
      expect([...idsAfter].some((id) => !idsBefore.has(id)), `new listing on day ${d + 1}`).toBe(true);
      expect([...idsBefore].some((id) => !idsAfter.has(id)), `removed listing on day ${d + 1}`).toBe(true);
      expect([...idsBefore].some((id) => idsAfter.has(id) && m.expectedListing(d, id)!.price !== m.expectedListing(d + 1, id)!.price)).toBe(true);
      expect(m.shopIds.some((id) => JSON.stringify(before.get(id)!.licence) !== JSON.stringify(after.get(id)!.licence))).toBe(true);
    }

    // and the served pages show them
    const n = DAY;
    const shops = m.shopIds.map((id) => [m.expectedShop(n, id)!, m.expectedShop(n + 1, id)!] as const);
    const idsN = new Set(shops.flatMap(([a]) => a.listingIds));
    const idsN1 = new Set(shops.flatMap(([, b]) => b.listingIds));
    const added = [...idsN1].find((id) => !idsN.has(id))!;
    const removed = [...idsN].find((id) => !idsN1.has(id))!;
    const moved = [...idsN].find((id) => idsN1.has(id) && m.expectedListing(n, id)!.price !== m.expectedListing(n + 1, id)!.price)!;
    const [licShopN, licShopN1] = shops.find(([a, b]) => (a.licence === null) !== (b.licence === null))!;
    const addedUrl = m.expectedListing(n + 1, added)!.url;
    const removedUrl = m.expectedListing(n, removed)!.url;
    const movedN = m.expectedListing(n, moved)!;
    const movedN1 = m.expectedListing(n + 1, moved)!;

    expect(m.day).toBe(n);
    expect((await get(addedUrl)).status).toBe(404);
    expect((await get(removedUrl)).status).toBe(200);
    expect(await html(movedN.url)).toContain(movedN.price.toFixed(2));
    const shopPageN = await html(licShopN.url);
    m.setDay(n + 1);
    try {
      expect(m.day).toBe(n + 1);
      expect((await get(addedUrl)).status).toBe(200);
      expect((await get(removedUrl)).status).toBe(404);
      const page = await html(movedN1.url);
      expect(page).toContain(movedN1.price.toFixed(2));
      expect(page).not.toContain(`>${movedN.price.toFixed(2)}<`);
      const shopPageN1 = await html(licShopN1.url);
      expect(shopPageN1).not.toBe(shopPageN);
      const shownBefore = licShopN.licence !== null;
      const marker = licShopN.platform === 'tmall-like' ? 'shop-licence-link' : 'lic-uscc';
      expect(shopPageN.includes(marker)).toBe(shownBefore);
      expect(shopPageN1.includes(marker)).toBe(!shownBefore);
    } finally {
      m.setDay(n);
    }
  });

  it('rejects a day that is not a non-negative integer', () => {
    expect(() => m.setDay(-1)).toThrow('day must be a non-negative integer, got -1');
    expect(() => m.setDay(1.5)).toThrow('day must be a non-negative integer, got 1.5');
    expect(m.day).toBe(DAY);
  });
});

/** Every listing in the sample: a few plain ones plus ones that show an original price and a promotion. */
function sample(list: ExpectedListing[]): ExpectedListing[] {
  const picks = [
    ...list.slice(0, 4),
    list.find((l) => l.originalPrice !== null),
    list.find((l) => l.promotion !== null),
    list.find((l) => l.stock === 0),
  ];
  return [...new Set(picks.filter((l): l is ExpectedListing => l !== undefined))];
}

function jsonLdOf(page: string): Record<string, any> {
  const match = /<script type="application\/ld\+json">([^]*?)<\/script>/u.exec(page);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]);
}

function expectJsonLdMatches(data: Record<string, any>, l: ExpectedListing): void {
  expect(data['@type']).toBe('Product');
  expect({
    sku: data.sku,
    title: data.name,
    description: data.description,
    category: data.category,
    price: Number(data.offers.price),
    currency: data.offers.priceCurrency,
    seller: data.offers.seller.name,
    inStock: data.offers.availability === 'https://schema.org/InStock',
  }).toEqual({
    sku: l.id,
    title: l.title,
    description: l.description,
    category: l.category,
    price: l.price,
    currency: 'CNY',
    seller: l.seller,
    inStock: l.stock > 0,
  });
}

/** Visible fields every platform shows in its own classes. */
function expectVisibleFields(page: string, l: ExpectedListing): void {
  expect(page).toContain(l.price.toFixed(2));
  if (l.originalPrice !== null) expect(page).toContain(l.originalPrice.toFixed(2));
  if (l.promotion !== null) expect(page).toContain(l.promotion);
  expect(page).toMatch(new RegExp(`(销量|已拼|已售)\\D{0,40}${l.sales}\\D`, 'u'));
  expect(page).toMatch(new RegExp(`(库存|剩余)\\D{0,40}${l.stock}\\D`, 'u'));
  expect(page).toContain(l.category);
  expect(page).toContain(l.seller);
}

describe('markup per platform', () => {
  it('tmall-like: schema.org Product/Offer JSON-LD equal to the expected listing', async () => {
    for (const l of sample(listingsOf(m, 'tmall-like'))) {
      const page = await html(l.url);
      expectJsonLdMatches(jsonLdOf(page), l);
      expectVisibleFields(page, l);
      expect(page).not.toContain('itemprop');
    }
  });

  it('jd-like: schema.org microdata with the expected values', async () => {
    for (const l of sample(listingsOf(m, 'jd-like'))) {
      const page = await html(l.url);
      expect(page).toContain('itemtype="https://schema.org/Product"');
      expect(page).toContain('itemtype="https://schema.org/Offer"');
      const prop = (name: string) => new RegExp(`itemprop="${name}"[^>]*>([^<]*)<`, 'u').exec(page)?.[1];
      expect(prop('name')).toBe(l.title);
      expect(prop('category')).toBe(l.category);
      expect(prop('description')).toBe(l.description);
      expect(/itemprop="price" content="([^"]+)"/u.exec(page)?.[1]).toBe(l.price.toFixed(2));
      expect(/itemprop="sku" content="([^"]+)"/u.exec(page)?.[1]).toBe(l.id);
      expect(page).toContain('itemprop="priceCurrency" content="CNY"');
      expect(page).not.toContain('application/ld+json');
      expectVisibleFields(page, l);
    }
  });

  it('pdd-like: no structured data at all, only its own classes', async () => {
    for (const l of sample(listingsOf(m, 'pdd-like'))) {
      const page = await html(l.url);
      for (const marker of ['application/ld+json', 'itemprop', 'itemscope', 'og:', 'product:price']) expect(page).not.toContain(marker);
      expect(page).toContain(`<div class="goods-title">${l.title}</div>`);
      expect(page).toContain(`<span class="goods-price">¥${l.price.toFixed(2)}</span>`);
      expectVisibleFields(page, l);
    }
  });

  it('own sites: JSON-LD or OpenGraph product:price:amount, as each site declares', async () => {
    const seen = new Set<string>();
    for (const site of m.sites) {
      const shop = m.expectedShop(m.day, site.domain)!;
      for (const id of shop.listingIds.slice(0, 2)) {
        const l = m.expectedListing(m.day, id)!;
        const page = await html(l.url);
        seen.add(site.markup);
        if (site.markup === 'json-ld') expectJsonLdMatches(jsonLdOf(page), l);
        else {
          const meta = (p: string) => new RegExp(`<meta property="${p}" content="([^"]*)">`, 'u').exec(page)?.[1];
          expect(meta('og:type')).toBe('product');
          expect(meta('og:title')).toBe(l.title);
          expect(meta('product:price:amount')).toBe(l.price.toFixed(2));
          expect(meta('product:price:currency')).toBe('CNY');
          expect(meta('product:original_price:amount')).toBe(l.originalPrice === null ? undefined : l.originalPrice.toFixed(2));
        }
        expectVisibleFields(page, l);
      }
    }
    expect(seen).toEqual(new Set(['json-ld', 'opengraph']));
  });

  it('shop pages show the expected licence block (inline, or on the linked page for tmall-like)', async () => {
    for (const platform of ['tmall-like', 'jd-like', 'pdd-like', 'own-site'] as const) {
      const shops = shopsOf(m, platform);
      for (const shop of [shops.find((s) => s.licence !== null)!, shops.find((s) => s.licence === null)!, shops.find((s) => s.foodLicence)].filter(Boolean)) {
        const page = await html(shop!.url);
        expect(page).toContain(shop!.name);
        let licencePage = page;
        if (platform === 'tmall-like' && shop!.licence) licencePage = await html(shop!.licenceUrl!);
        if (shop!.licence) {
          expect(licencePage).toContain(`<dd class="lic-name">${shop!.licence.name}</dd>`);
          expect(licencePage).toContain(`<dd class="lic-uscc">${shop!.licence.uscc}</dd>`);
          expect(licencePage).toContain(`<dd class="lic-address">${shop!.licence.address}</dd>`);
        } else {
          expect(page).not.toContain('lic-uscc');
          expect(page).not.toContain('shop-licence-link');
        }
        if (shop!.foodLicence) expect(page).toContain(shop!.foodLicence);
        for (const id of shop!.listingIds) expect(page).toContain(path(m.expectedListing(m.day, id)!.url).replaceAll('&', '&amp;'));
      }
    }
  });
});

/** Follows rel="next" from page 1 and collects every shop link. */
async function crawlDirectory(first: string, shopHref: RegExp): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let url: string | null = first;
  let pages = 0;
  while (url) {
    const page = await html(url);
    pages++;
    for (const match of page.matchAll(shopHref)) ids.push(match[1]);
    const next = /rel="next" href="([^"]+)"/u.exec(page)?.[1];
    url = next ? m.url + next.replaceAll('&amp;', '&') : null;
    expect(pages).toBeLessThan(100);
  }
  return { ids, pages };
}

describe('discovery', () => {
  it('directory pagination reaches every shop of each site exactly once', async () => {
    const patterns: Record<PlatformId, RegExp> = {
      'tmall-like': /href="\/p\/tmall-like\/shop\/([^"/]+)"/gu,
      'jd-like': /href="\/p\/jd-like\/shop\/([^"/]+)\.html"/gu,
      'pdd-like': /href="\/p\/pdd-like\/mall\?mall_id=([^"]+)"/gu,
      'own-site': /href="\/site\/([^"/]+)\/"/gu,
    };
    for (const platform of ['tmall-like', 'jd-like', 'pdd-like', 'own-site'] as const) {
      const start = platform === 'own-site' ? m.siteDirectoryUrl : m.platforms.find((p) => p.id === platform)!.directoryUrl;
      const { ids, pages } = await crawlDirectory(start, patterns[platform]);
      const expected = shopsOf(m, platform).map((s) => s.id);
      expect(ids.length, platform).toBe(new Set(ids).size);
      expect(new Set(ids), platform).toEqual(new Set(expected));
      if (platform !== 'own-site') expect(pages).toBeGreaterThan(1);
    }
    expect((await get(`${m.url}/p/tmall-like/shops?page=999`)).status).toBe(404);
  });

  it('search pages list every live listing of a platform across their pages', async () => {
    const platform = m.platforms.find((p) => p.id === 'pdd-like')!;
    const { ids } = await crawlDirectory(platform.searchUrl, /href="\/p\/pdd-like\/goods\?id=([^"]+)"/gu);
    expect(new Set(ids)).toEqual(new Set(listingsOf(m, 'pdd-like').map((l) => l.id)));
    const q = listingsOf(m, 'jd-like')[0].title.split(' ')[1];
    const page = await html(`${m.url}/p/jd-like/search?keyword=${encodeURIComponent(q)}&page=1`);
    expect(page).toContain(q);
  });

  it('serves robots.txt per site and at the root, disallowing the cart', async () => {
    for (const p of m.platforms) {
      const res = await get(p.robotsUrl);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/plain; charset=utf-8');
      expect(res.body.toString()).toBe(`User-agent: *\nDisallow: /p/${p.id}/cart\n`);
    }
    const site = m.sites[0];
    expect((await get(site.robotsUrl)).body.toString()).toBe(`User-agent: *\nDisallow: /site/${site.domain}/cart\n`);
    const root = (await get(`${m.url}/robots.txt`)).body.toString();
    for (const p of m.platforms) expect(root).toContain(`Disallow: /p/${p.id}/cart`);
  });
});

describe('ground truth', () => {
  it('contains every rule with positives and look-alike negatives, consistent with the pages', async () => {
    const truth = m.groundTruth();
    expect(truth.day).toBe(DAY);
    for (const rule of RULE_IDS) {
      expect(truth.violations.filter((v) => v.rule === rule).length, `${rule} positives`).toBeGreaterThan(0);
      expect(truth.negatives.filter((v) => v.rule === rule).length, `${rule} negatives`).toBeGreaterThan(0);
    }
    const listingsOnly = truth.violations.filter((v) => v.target === 'listing');
    const allListings = m.shopIds.flatMap((id) => m.expectedShop(DAY, id)!.listingIds);
    // a small share, not most of the market
    expect(listingsOnly.length / allListings.length).toBeLessThan(0.2);

    const hasTerm = (l: ExpectedListing) => ABSOLUTE_TITLE_TERMS.some((t) => l.title.includes(t) || l.description.includes(t));
    for (const v of truth.violations.filter((x) => x.rule === 'absolute-terms')) expect(hasTerm(m.expectedListing(DAY, v.id)!)).toBe(true);
    for (const v of truth.negatives.filter((x) => x.rule === 'absolute-terms')) {
      const l = m.expectedListing(DAY, v.id)!;
      expect(hasTerm(l)).toBe(false);
      expect(`${l.title}${l.description}`).toMatch(/一级|第一|最/u);
    }

    // the market opens on day 0: the window is the (up to) 7 days before, from day 0 on
    const windowMax = (day: number, id: string) => {
      const prices: number[] = [];
      for (let d = Math.max(0, day - ORIGINAL_PRICE_WINDOW); d < day; d++) {
        const l = m.expectedListing(d, id);
        if (l) prices.push(l.priceFen);
      }
      return prices.length ? Math.max(...prices) : null;
    };
    for (const day of [0, DAY, 10]) {
      const t = day === DAY ? truth : m.groundTruth(day);
      const positives = t.violations.filter((x) => x.rule === 'fake-original-price');
      expect(positives.length, `fake original prices on day ${day}`).toBeGreaterThan(0);
      for (const v of positives) {
        const l = m.expectedListing(day, v.id)!;
        const max = windowMax(day, v.id);
        if (max !== null) expect(l.originalPriceFen!).toBeGreaterThan(max);
      }
      for (const v of t.negatives.filter((x) => x.rule === 'fake-original-price')) {
        const l = m.expectedListing(day, v.id)!;
        expect(l.originalPriceFen).toBe(windowMax(day, v.id));
        expect(l.originalPriceFen!).toBeGreaterThan(l.priceFen);
      }
      // every listing that shows an original price is judged one way or the other
      const shown = m.shopIds.flatMap((id) => m.expectedShop(day, id)!.listingIds).filter((id) => m.expectedListing(day, id)!.originalPrice !== null);
      const judged = [...positives, ...t.negatives.filter((x) => x.rule === 'fake-original-price')].map((x) => x.id);
      expect(new Set(judged)).toEqual(new Set(shown));
    }

    for (const v of truth.violations.filter((x) => x.rule === 'fake-today-only')) {
      const [today, yesterday] = [m.expectedListing(DAY, v.id)!, m.expectedListing(DAY - 1, v.id)!];
      expect(today.promotion).toContain('仅限今日');
      expect(today.priceFen).toBeGreaterThanOrEqual(yesterday.priceFen);
    }
    for (const v of truth.negatives.filter((x) => x.rule === 'fake-today-only')) {
      const [today, yesterday] = [m.expectedListing(DAY, v.id)!, m.expectedListing(DAY - 1, v.id)!];
      expect(today.promotion).toContain('仅限今日');
      expect(today.priceFen).toBeLessThan(yesterday.priceFen);
    }

    for (const v of truth.violations.filter((x) => x.rule === 'licence-missing')) expect(m.expectedShop(DAY, v.id)!.licence).toBeNull();
    for (const v of truth.violations.filter((x) => x.rule === 'licence-mismatch')) {
      const s = m.expectedShop(DAY, v.id)!;
      expect(s.licence!.name !== s.registerName || s.licence!.uscc !== s.registerUscc).toBe(true);
    }
    for (const v of truth.negatives.filter((x) => x.rule === 'licence-mismatch')) {
      const s = m.expectedShop(DAY, v.id)!;
      expect([s.licence!.name, s.licence!.uscc]).toEqual([s.registerName, s.registerUscc]);
    }
    for (const v of truth.violations.filter((x) => x.rule === 'food-licence-missing')) {
      const s = m.expectedShop(DAY, v.id)!;
      expect(s.foodLicence).toBeNull();
      expect(s.listingIds.some((id) => m.expectedListing(DAY, id)!.category.startsWith('食品'))).toBe(true);
    }
    // a licence mismatch really is on the page
    const mismatch = truth.violations.find((x) => x.rule === 'licence-mismatch' && x.platform !== 'tmall-like')!;
    const shop = m.expectedShop(DAY, mismatch.id)!;
    expect(await html(mismatch.url)).toContain(shop.licence!.uscc);
    // the violations show on every platform
    expect(new Set(truth.violations.map((v) => v.platform))).toEqual(new Set(['tmall-like', 'jd-like', 'pdd-like', 'own-site']));
  });
});

describe('hostile pages', () => {
  const byKind = () => new Map(m.groundTruth().hostile.map((h) => [h.kind, h]));

  it('are listed in the ground truth and linked from shops on the first directory page', async () => {
    const hostile = m.groundTruth().hostile;
    expect(new Set(hostile.map((h) => h.kind))).toEqual(
      new Set(['huge', 'slow', 'redirect-loop', 'foreign-redirect', 'wrong-content-type', 'image-as-html', 'malformed-html']),
    );
    for (const h of hostile) {
      const shopPage = await html(h.linkedFrom);
      expect(shopPage).toContain(`href="${path(h.url).replaceAll('&', '&amp;')}"`);
      const platform = m.platforms.find((p) => p.id === h.platform)!;
      expect(await html(platform.directoryUrl)).toContain(path(h.linkedFrom).replaceAll('&', '&amp;'));
    }
  });

  it('redirect loop: a bounded follower sees the cycle; fetch gives up', async () => {
    const seen: string[] = [];
    let url = byKind().get('redirect-loop')!.url;
    for (let hop = 0; hop < 5 && !seen.includes(url); hop++) {
      seen.push(url);
      const res = await get(url, { redirect: 'manual' });
      expect(res.status).toBe(302);
      url = new URL(res.headers.get('location')!, url).href;
    }
    expect(seen).toContain(url);
    expect(seen.length).toBe(3);
    await expect(fetch(byKind().get('redirect-loop')!.url)).rejects.toThrow();
  });

  it('foreign redirect points at a host that is not the marketplace (not followed)', async () => {
    const res = await get(byKind().get('foreign-redirect')!.url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://evil.example/collect');
  });

  it('wrong content types: HTML as octet-stream, PNG bytes as text/html', async () => {
    const octet = await get(byKind().get('wrong-content-type')!.url);
    expect(octet.type).toBe('application/octet-stream');
    expect(octet.body.toString()).toContain('<div class="goods-title">');
    const image = await get(byKind().get('image-as-html')!.url);
    expect(image.type).toBe('text/html; charset=utf-8');
    expect(image.body.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  });

  it('malformed HTML: lying charset, unclosed and stray tags, no end', async () => {
    const page = await html(byKind().get('malformed-html')!.url);
    expect(page).toContain('<meta charset="gb2312">');
    expect(page).not.toContain('</html>');
    expect(page).not.toContain('</title>');
  });

  it('huge page is at least 15 MiB of HTML', async () => {
    const res = await get(byKind().get('huge')!.url);
    expect(res.type).toBe('text/html; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(res.body.length);
    expect(res.body.length).toBeGreaterThanOrEqual(15 * 1024 * 1024);
    expect(res.body.length).toBeLessThan(15 * 1024 * 1024 + 1024);
  });

  it('slow page answers after slowMs', async () => {
    const started = performance.now();
    const res = await get(byKind().get('slow')!.url);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(elapsed).toBeLessThan(SLOW_MS + 2000);
  });
});

describe('purity', () => {
  it('reads no clock and no Math.random anywhere in the marketplace', () => {
    const dir = join(__dirname, '../demo/marketplace');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'serve.ts')) {
      const source = readFileSync(join(dir, file), 'utf8').replace(/\/\*[^]*?\*\//gu, '').replace(/\/\/.*$/gmu, '');
      expect(source, file).not.toMatch(/Math\.random|Date\.now|new Date\(|performance\.now|hrtime/u);
    }
  });
});

describe('stats', () => {
  it('counts requests per kind and per site', async () => {
    m.resetStats();
    await html(m.platforms[0].directoryUrl);
    await html(m.platforms[0].robotsUrl);
    await get(`${m.url}/p/jd-like/item/nope.html`);
    await html(`${m.url}/p/pdd-like/cart`);
    const stats = m.stats();
    expect(stats.total).toBe(4);
    expect(stats.byKind).toMatchObject({ directory: 1, robots: 1, 'not-found': 1, cart: 1, listing: 0 });
    expect(stats.bySite).toEqual({ 'tmall-like': 2, 'jd-like': 1, 'pdd-like': 1 });
  });
});
