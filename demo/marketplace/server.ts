/**
 * The demo marketplace server: one plain `node:http` server on 127.0.0.1 that serves three simulated
 * platforms and the own-site shops (URL layout in urls.ts) for the demo, the tests and the benchmarks.
 * Pages are a pure function of (seed, entities, day): same inputs → byte-identical bodies (no `Date`
 * header either). The simulated day is changed in-process with `setDay(n)`; there is no admin endpoint.
 * The one input from outside: the self-filing badges the demo's businesses place on their pages
 * (`setBadges`, identifiers signed by the platform); without it no page shows a badge.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cartPage,
  directoryPage,
  hugePage,
  indexPage,
  licencePage,
  listingPage,
  malformedPage,
  notFoundPage,
  ownSiteListingPage,
  pageCount,
  platformHome,
  robotsTxt,
  searchPage,
  type ShownBadge,
  shopPage,
} from './render';
import { expectedListing, expectedShop, groundTruth, hostilePages } from './truth';
import { directoryUrl, PAGE_SIZE, PLATFORM_IDS, searchUrl, shopUrl, siteRoot } from './urls';
import { type ExpectedListing, type ExpectedShop, type GroundTruth, type HostilePage, type PlatformId, World, type WorldShop } from './world';

export interface MarketplaceOptions {
  /** seed of the demo plan and of every simulated value */
  seed: string;
  /** entities of the demo plan whose shops are served (≈ 1.9 shops each); default 200 */
  entities?: number;
  /** simulated day to start on; default 0 */
  day?: number;
  /** port; default 0 (a free port) */
  port?: number;
  /** address to bind (and to name in its URLs); default 127.0.0.1 (test/network-segments.test.ts binds a namespace's own address) */
  host?: string;
  /** delay of the slow hostile page in ms; default 5000 */
  slowMs?: number;
  /** size of the huge hostile page in bytes; default 15 MiB */
  hugeBytes?: number;
}

/** Kinds of request counted by `stats()`. */
export type RequestKind =
  | 'index'
  | 'robots'
  | 'home'
  | 'directory'
  | 'search'
  | 'shop'
  | 'licence'
  | 'listing'
  | 'hostile'
  | 'cart'
  | 'not-found';

export interface MarketplaceStats {
  total: number;
  byKind: Record<RequestKind, number>;
  /** requests per site: a platform id, or `site:<domain>` for an own site, or `root` */
  bySite: Record<string, number>;
}

export interface PlatformInfo {
  id: Exclude<PlatformId, 'own-site'>;
  name: string;
  markup: 'json-ld' | 'microdata' | 'none';
  /** absolute URLs */
  root: string;
  robotsUrl: string;
  directoryUrl: string;
  searchUrl: string;
  shopCount: number;
}

export interface OwnSiteInfo {
  domain: string;
  name: string;
  markup: 'json-ld' | 'opengraph';
  root: string;
  robotsUrl: string;
}

export interface Marketplace {
  /** base URL, e.g. `http://127.0.0.1:41234` (no trailing slash) */
  url: string;
  /** the simulated day now served */
  readonly day: number;
  setDay(n: number): void;
  close(): Promise<void>;
  /** known violations, look-alikes and hostile pages on `day` (default: the current day) */
  groundTruth(day?: number): GroundTruth;
  /** what a perfect extractor reads from listing `id` on `day`; null when not listed that day */
  expectedListing(day: number, id: string): ExpectedListing | null;
  /** what a perfect extractor reads from shop `id` on `day`; null for an unknown id */
  expectedShop(day: number, id: string): ExpectedShop | null;
  /** ids of all shops (stable across days), in directory order */
  shopIds: readonly string[];
  platforms: readonly PlatformInfo[];
  /** the own-site shops, each its own site; `siteDirectoryUrl` lists them all */
  sites: readonly OwnSiteInfo[];
  siteDirectoryUrl: string;
  stats(): MarketplaceStats;
  resetStats(): void;
  /**
   * The self-filing badges the demo's businesses placed on their pages: the platform's base URL and the
   * identifier issued for each filed shop, by its register URL (demo/load-demo-filings.ts
   * `demoBadgeTokens`). Which page shows which badge is the world's (a shop's own, a revoked one, a copy);
   * a display whose identifier was not handed in shows nothing.
   */
  setBadges(badges: { baseUrl: string; tokens: Readonly<Record<string, string>> }): void;
  /** The shop pages showing a badge now (absolute URLs), what the badge was issued for, and whether it should verify there. */
  badgeDisplays(): BadgeDisplay[];
}

export interface BadgeDisplay {
  shopId: string;
  url: string;
  /** register URL of the filed shop the badge was issued for */
  issuedFor: string;
  kind: 'own' | 'revoked' | 'copied';
  token: string;
}

const MARKUP: Record<Exclude<PlatformId, 'own-site'>, PlatformInfo['markup']> = { 'tmall-like': 'json-ld', 'jd-like': 'microdata', 'pdd-like': 'none' };
const PLATFORM_NAME: Record<Exclude<PlatformId, 'own-site'>, string> = { 'tmall-like': '天猫样例商城', 'jd-like': '京东样例商城', 'pdd-like': '拼多多样例商城' };
const KINDS: readonly RequestKind[] = ['index', 'robots', 'home', 'directory', 'search', 'shop', 'licence', 'listing', 'hostile', 'cart', 'not-found'];
/** PNG signature and an IHDR start: the body of the image served as text/html. */
const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex');

/** Starts the marketplace on 127.0.0.1 and resolves once it listens. */
export async function startMarketplace(options: MarketplaceOptions): Promise<Marketplace> {
  const world = new World({ seed: options.seed, entities: options.entities });
  const slowMs = options.slowMs ?? 5000;
  const hugeBytes = options.hugeBytes ?? 15 * 1024 * 1024;
  let day = checkDay(options.day ?? 0);
  let huge: Buffer | null = null;
  const timers = new Set<NodeJS.Timeout>();
  const byKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  const bySite: Record<string, number> = {};
  let total = 0;

  const byPlatform = new Map<PlatformId, WorldShop[]>();
  for (const shop of world.shops) {
    const list = byPlatform.get(shop.platform) ?? [];
    list.push(shop);
    byPlatform.set(shop.platform, list);
  }
  const hostile = hostilePages(world);
  const hostileOf = (shop: WorldShop): HostilePage[] => {
    const first = byPlatform.get(shop.platform)?.[0];
    return first === shop ? hostile.filter((h) => h.platform === shop.platform) : [];
  };
  const searchCache = new Map<string, ExpectedListing[]>();
  const liveListings = (platform: PlatformId): ExpectedListing[] => {
    const key = `${platform}@${day}`;
    let list = searchCache.get(key);
    if (!list) {
      list = [];
      for (const shop of byPlatform.get(platform) ?? []) {
        for (const id of world.listingIdsOn(shop, day)) list.push(expectedListing(world, day, id) as ExpectedListing);
      }
      if (searchCache.size > 16) searchCache.clear();
      searchCache.set(key, list);
    }
    return list;
  };

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/html; charset=utf-8', headers: Record<string, string> = {}) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { 'content-type': type, 'content-length': String(buf.length), ...headers });
    res.end(buf);
  };
  const redirect = (res: ServerResponse, location: string) => send(res, 302, '', 'text/plain; charset=utf-8', { location });

  let badges: { baseUrl: string; tokens: Readonly<Record<string, string>> } = { baseUrl: '', tokens: {} };
  const badgeOf = (shop: WorldShop): ShownBadge | null => {
    const d = world.badgeDisplays.get(shop.key);
    const token = d ? badges.tokens[d.issuedFor] : undefined;
    return token ? { baseUrl: badges.baseUrl, token } : null;
  };
  const shopResponse = (res: ServerResponse, shop: WorldShop) => {
    const expected = expectedShop(world, day, shop.key) as ExpectedShop;
    const listings = expected.listingIds.map((id) => expectedListing(world, day, id) as ExpectedListing);
    send(res, 200, shopPage(expected, listings, hostileOf(shop), '', badgeOf(shop)));
  };
  const listingResponse = (res: ServerResponse, platform: PlatformId, id: string, shopKey?: string): boolean => {
    const l = expectedListing(world, day, id);
    if (!l || l.platform !== platform || (shopKey !== undefined && l.shopId !== shopKey)) return false;
    if (platform === 'own-site') {
      const shop = world.shopByKey.get(l.shopId) as WorldShop;
      send(res, 200, ownSiteListingPage(l, shop.ownSiteMarkup ?? 'json-ld'));
    } else send(res, 200, listingPage(l));
    return true;
  };
  const directoryResponse = (res: ServerResponse, platform: PlatformId, pageNo: number): boolean => {
    const shops = byPlatform.get(platform) ?? [];
    if (!(pageNo >= 1 && pageNo <= pageCount(shops.length))) return false;
    send(res, 200, directoryPage(platform, shops, pageNo));
    return true;
  };
  const searchResponse = (res: ServerResponse, platform: Exclude<PlatformId, 'own-site'>, q: string, pageNo: number): boolean => {
    const hits = liveListings(platform).filter((l) => q === '' || l.title.includes(q) || l.seller.includes(q));
    if (!(pageNo >= 1 && pageNo <= pageCount(hits.length))) return false;
    send(res, 200, searchPage(platform, q, hits.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE), hits.length, pageNo));
    return true;
  };

  /** Routes one request; returns its kind for the statistics (and its site). */
  const route = (req: IncomingMessage, res: ServerResponse): [RequestKind, string] => {
    const url = new URL(req.url ?? '/', 'http://marketplace.invalid');
    const path = url.pathname;
    const pageNo = Number(url.searchParams.get('page') ?? '1');
    if (path === '/') return send(res, 200, indexPage()), ['index', 'root'];
    if (path === '/robots.txt') return send(res, 200, robotsTxt([...PLATFORM_IDS.map((p) => siteRoot(p)), '/site/*/']), 'text/plain; charset=utf-8'), ['robots', 'root'];
    if (path === '/sites') return directoryResponse(res, 'own-site', pageNo) ? ['directory', 'root'] : notFound(res, 'root');

    let m = /^\/site\/([^/]+)\/(.*)$/u.exec(path);
    if (m) {
      const shop = world.shopByKey.get(decodeURIComponent(m[1]));
      if (!shop || shop.platform !== 'own-site') return notFound(res, 'root');
      const site = `site:${shop.key}`;
      const rest = m[2];
      if (rest === '') return shopResponse(res, shop), ['shop', site];
      if (rest === 'robots.txt') return send(res, 200, robotsTxt([siteRoot('own-site', shop.key)]), 'text/plain; charset=utf-8'), ['robots', site];
      if (rest === 'cart') return send(res, 200, cartPage()), ['cart', site];
      const pm = /^product\/([^/]+)$/u.exec(rest);
      if (pm && listingResponse(res, 'own-site', decodeURIComponent(pm[1]), shop.key)) return ['listing', site];
      return notFound(res, site);
    }

    m = /^\/p\/(tmall-like|jd-like|pdd-like)\/(.*)$/u.exec(path);
    if (!m) return notFound(res, 'root');
    const platform = m[1] as Exclude<PlatformId, 'own-site'>;
    const rest = m[2];
    const shopOf = (key: string | null) => {
      const shop = key === null ? undefined : world.shopByKey.get(key);
      return shop && shop.platform === platform ? shop : null;
    };
    if (rest === '') return send(res, 200, platformHome(platform)), ['home', platform];
    if (rest === 'robots.txt') return send(res, 200, robotsTxt([siteRoot(platform)]), 'text/plain; charset=utf-8'), ['robots', platform];
    if (rest === 'cart') return send(res, 200, cartPage()), ['cart', platform];
    if (rest === 'search') {
      const q = url.searchParams.get(platform === 'jd-like' ? 'keyword' : 'q') ?? '';
      return searchResponse(res, platform, q, pageNo) ? ['search', platform] : notFound(res, platform);
    }
    const hostileKind = hostileRoute(res, platform, rest, url);
    if (hostileKind) return ['hostile', platform];
    let hit = false;
    let kind: RequestKind = 'not-found';
    switch (platform) {
      case 'tmall-like': {
        let x: RegExpExecArray | null;
        if (rest === 'shops') [hit, kind] = [directoryResponse(res, platform, pageNo), 'directory'];
        else if ((x = /^shop\/([^/]+)\/licence$/u.exec(rest))) {
          const shop = shopOf(x[1]);
          const expected = shop && (expectedShop(world, day, shop.key) as ExpectedShop);
          if (expected?.licence) [hit, kind] = [(send(res, 200, licencePage(expected)), true), 'licence'];
        } else if ((x = /^shop\/([^/]+)$/u.exec(rest))) {
          const shop = shopOf(x[1]);
          if (shop) [hit, kind] = [(shopResponse(res, shop), true), 'shop'];
        } else if ((x = /^item\/([^/]+)$/u.exec(rest))) [hit, kind] = [listingResponse(res, platform, x[1]), 'listing'];
        break;
      }
      case 'jd-like': {
        let x: RegExpExecArray | null;
        if ((x = /^shops\/(\d+)\.html$/u.exec(rest))) [hit, kind] = [directoryResponse(res, platform, Number(x[1])), 'directory'];
        else if ((x = /^shop\/([^/]+)\.html$/u.exec(rest))) {
          const shop = shopOf(x[1]);
          if (shop) [hit, kind] = [(shopResponse(res, shop), true), 'shop'];
        } else if ((x = /^item\/([^/]+)\.html$/u.exec(rest))) [hit, kind] = [listingResponse(res, platform, x[1]), 'listing'];
        break;
      }
      case 'pdd-like': {
        if (rest === 'malls') [hit, kind] = [directoryResponse(res, platform, pageNo), 'directory'];
        else if (rest === 'mall') {
          const shop = shopOf(url.searchParams.get('mall_id'));
          if (shop) [hit, kind] = [(shopResponse(res, shop), true), 'shop'];
        } else if (rest === 'goods') [hit, kind] = [listingResponse(res, platform, url.searchParams.get('id') ?? ''), 'listing'];
        break;
      }
    }
    return hit ? [kind, platform] : notFound(res, platform);
  };

  const notFound = (res: ServerResponse, site: string): [RequestKind, string] => {
    send(res, 404, notFoundPage());
    return ['not-found', site];
  };

  /** Serves a hostile page when `rest` names one; returns its kind, else null. */
  const hostileRoute = (res: ServerResponse, platform: PlatformId, rest: string, url: URL): string | null => {
    if (platform === 'tmall-like' && rest === 'item/hx-huge') {
      huge ??= Buffer.from(hugePage(hugeBytes));
      send(res, 200, huge);
      return 'huge';
    }
    if (platform === 'tmall-like' && rest === 'item/hx-slow') {
      const body = malformedOrSample();
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, 200, body);
      }, slowMs);
      timers.add(timer);
      return 'slow';
    }
    if (platform === 'jd-like' && rest === 'item/hx-loop.html') return redirect(res, '/p/jd-like/go/loop-a'), 'redirect-loop';
    if (platform === 'jd-like' && rest === 'go/loop-a') return redirect(res, '/p/jd-like/go/loop-b'), 'redirect-loop';
    if (platform === 'jd-like' && rest === 'go/loop-b') return redirect(res, '/p/jd-like/go/loop-a'), 'redirect-loop';
    if (platform === 'jd-like' && rest === 'item/hx-away.html') return redirect(res, 'http://evil.example/collect'), 'foreign-redirect';
    if (platform === 'pdd-like' && rest === 'goods' && url.searchParams.get('id') === 'hx-octet') {
      send(res, 200, listingPage(sampleListing('pdd-like')), 'application/octet-stream');
      return 'wrong-content-type';
    }
    if (platform === 'pdd-like' && rest === 'goods' && url.searchParams.get('id') === 'hx-malformed') {
      send(res, 200, malformedPage(sampleListing('pdd-like')));
      return 'malformed-html';
    }
    if (platform === 'pdd-like' && rest === 'img/hx-banner.jpg') return send(res, 200, PNG_BYTES), 'image-as-html';
    return null;
  };
  /** A real listing of the platform, rendered as a hostile page's body (page content is not ground truth). */
  const sampleListing = (platform: PlatformId): ExpectedListing => liveListings(platform)[0];
  const malformedOrSample = () => listingPage(sampleListing('tmall-like'));

  const server = createServer((req, res) => {
    res.sendDate = false;
    let kind: RequestKind;
    let site: string;
    try {
      [kind, site] = route(req, res);
    } catch (error) {
      if (!res.headersSent) send(res, 500, `internal error: ${(error as Error).message}`, 'text/plain; charset=utf-8');
      [kind, site] = ['not-found', 'root'];
    }
    total++;
    byKind[kind]++;
    bySite[site] = (bySite[site] ?? 0) + 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const base = `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  const platforms: PlatformInfo[] = PLATFORM_IDS.map((id) => ({
    id,
    name: PLATFORM_NAME[id],
    markup: MARKUP[id],
    root: base + siteRoot(id),
    robotsUrl: `${base + siteRoot(id)}robots.txt`,
    directoryUrl: base + directoryUrl(id, 1),
    searchUrl: base + searchUrl(id, '', 1),
    shopCount: byPlatform.get(id)?.length ?? 0,
  }));
  const sites: OwnSiteInfo[] = (byPlatform.get('own-site') ?? []).map((s) => ({
    domain: s.key,
    name: s.name,
    markup: s.ownSiteMarkup ?? 'json-ld',
    root: base + shopUrl('own-site', s.key),
    robotsUrl: `${base + siteRoot('own-site', s.key)}robots.txt`,
  }));

  return {
    url: base,
    get day() {
      return day;
    },
    setDay(n: number) {
      day = checkDay(n);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    groundTruth: (d = day) => groundTruth(world, checkDay(d), base),
    expectedListing: (d, id) => expectedListing(world, checkDay(d), id, base),
    expectedShop: (d, id) => expectedShop(world, checkDay(d), id, base),
    shopIds: world.shops.map((s) => s.key),
    platforms,
    sites,
    siteDirectoryUrl: base + directoryUrl('own-site', 1),
    stats: () => ({ total, byKind: { ...byKind }, bySite: { ...bySite } }),
    resetStats: () => {
      total = 0;
      for (const k of KINDS) byKind[k] = 0;
      for (const k of Object.keys(bySite)) delete bySite[k];
    },
    setBadges(b) {
      badges = { baseUrl: b.baseUrl.replace(/\/+$/, ''), tokens: { ...b.tokens } };
    },
    badgeDisplays: () =>
      world.shops.flatMap((s) => {
        const d = world.badgeDisplays.get(s.key);
        const shown = badgeOf(s);
        return d && shown ? [{ shopId: s.key, url: base + shopUrl(s.platform, s.key), issuedFor: d.issuedFor, kind: d.kind, token: shown.token }] : [];
      }),
  };
}

function checkDay(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`day must be a non-negative integer, got ${n}`);
  return n;
}
