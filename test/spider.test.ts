/**
 * The safe crawling core (crawlers/spider) against the demo marketplace on 127.0.0.1: the whole
 * marketplace is reached, hostile pages are refused with the right reason without stopping the crawl,
 * nothing is requested outside the allowed origin (every socket connect is observed), robots.txt is
 * obeyed, the request rate is honoured, and concurrent crawls do not share storage. No database.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileKind, type Marketplace, startMarketplace } from '../demo/marketplace';
import { crawl, type CrawlResult, type SkipReason, sniffBinary } from '../crawlers/spider';

const SEED = 'spider-test';
const ENTITIES = 60;

let m: Marketplace;
/** host:port of every TCP connection opened in this process while the tests run */
const connects: string[] = [];
const originalConnect = net.Socket.prototype.connect;

beforeAll(async () => {
  // observe every outgoing socket: got, fetch (undici) and node:http all end in Socket#connect
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number; path?: string } | number | string;
    if (typeof first === 'object' && first !== null) connects.push(first.path ? `ipc:${first.path}` : `${first.host ?? 'localhost'}:${first.port}`);
    else connects.push(`${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  m = await startMarketplace({ seed: SEED, entities: ENTITIES, slowMs: 3000 });
});

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  await m?.close();
});

const startUrls = () => [...m.platforms.map((p) => p.directoryUrl), m.siteDirectoryUrl];
const spiderDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('hongdun-spider-'));

function expectedPages(prefix?: string): { shops: string[]; listings: string[] } {
  const shops = m.shopIds.map((id) => m.expectedShop(m.day, id)!).filter((s) => !prefix || s.url.startsWith(prefix));
  return { shops: shops.map((s) => s.url), listings: shops.flatMap((s) => s.listingIds.map((id) => m.expectedListing(m.day, id)!.url)) };
}

describe('a whole-marketplace crawl', () => {
  let result: CrawlResult;
  const labels = new Map<string, string | undefined>();
  let pagesWithCartLinks = 0;
  let sigintBefore = 0;
  let sigintDuring = 0;
  const storageExisted = existsSync('storage');
  const dirsBefore = spiderDirs();

  beforeAll(async () => {
    m.resetStats();
    sigintBefore = process.listenerCount('SIGINT');
    result = await crawl({
      startUrls: startUrls(),
      allowedOrigins: [m.url],
      requestTimeoutSecs: 1,
      maxRetries: 1,
      retryBackoffMs: 50,
      label: (url) => (/\/(item|product)\/|goods\?/u.test(url.href) ? 'listing' : /\/shops?[/?]|malls|sites/u.test(url.href) && !/\/shop\//u.test(url.pathname) ? 'directory' : 'shop'),
      onPage: (page) => {
        labels.set(page.url, page.label);
        if (page.$('a[href$="/cart"]').length > 0) pagesWithCartLinks++;
        sigintDuring = Math.max(sigintDuring, process.listenerCount('SIGINT'));
      },
    });
  }, 40_000);

  it('reaches every shop page and every listing page', () => {
    const pages = new Set(result.pages);
    const { shops, listings } = expectedPages();
    expect(shops.length).toBeGreaterThan(100);
    expect(listings.length).toBeGreaterThan(500);
    expect(shops.filter((u) => !pages.has(u))).toEqual([]);
    expect(listings.filter((u) => !pages.has(u))).toEqual([]);
    expect(listings.every((u) => labels.get(u) === 'listing')).toBe(true);
    expect(result.pagesFailed).toBe(0);
    expect(result.pagesOk).toBe(result.pages.length);
  });

  it('refuses every hostile page with its reason and still completes', () => {
    const want: Record<HostileKind, SkipReason | 'page'> = {
      huge: 'too-large',
      slow: 'timeout',
      'redirect-loop': 'redirect-loop',
      'foreign-redirect': 'foreign-host',
      'wrong-content-type': 'wrong-content-type',
      'image-as-html': 'wrong-content-type',
      'malformed-html': 'page',
    };
    const hostile = m.groundTruth().hostile;
    expect(hostile).toHaveLength(7);
    for (const h of hostile) {
      if (want[h.kind] === 'page') expect(result.pages, h.kind).toContain(h.url);
      else expect(result.errors.filter((e) => e.url === h.url).map((e) => e.reason), h.kind).toEqual([want[h.kind]]);
    }
    expect(result.errors).toHaveLength(6);
    expect(result.skipped).toEqual({ 'foreign-host': result.skipped['foreign-host'], robots: result.skipped.robots, 'too-large': 1, 'wrong-content-type': 2, 'redirect-loop': 1, timeout: 1 });
    expect(result.errors.find((e) => e.reason === 'too-large')?.message).toMatch(/^Content-Length \d+ exceeds maxBodyBytes 5242880$/u);
    expect(result.errors.find((e) => e.url.includes('hx-banner'))?.message).toBe('PNG image served as text/html');
  });

  it('never requests anything outside 127.0.0.1', () => {
    const port = new URL(m.url).port;
    expect(m.stats().byKind.hostile).toBeGreaterThanOrEqual(6); // the redirect to evil.example was served …
    expect(result.skipped['foreign-host']).toBeGreaterThanOrEqual(1); // … and refused
    expect(result.errors.find((e) => e.reason === 'foreign-host')?.message).toBe('redirect to http://evil.example/collect refused (foreign-host)');
    expect(result.requested.filter((u) => !u.startsWith(`${m.url}/`))).toEqual([]);
    expect(Object.keys(result.requestsByHost)).toEqual([`127.0.0.1:${port}`]);
    expect(result.requested.length).toBe(m.stats().total);
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.filter((c) => !c.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('obeys robots.txt per site prefix', () => {
    const stats = m.stats();
    expect(pagesWithCartLinks).toBeGreaterThanOrEqual(m.sites.length); // every own-site shop page links its cart
    expect(stats.byKind.cart).toBe(0);
    expect(stats.byKind.robots).toBeGreaterThanOrEqual(4);
    const refused = result.refused.filter((r) => r.reason === 'robots');
    expect(refused.length).toBe(result.skipped.robots);
    expect(refused.length).toBeGreaterThan(3);
    expect(refused.every((r) => r.url.endsWith('/cart'))).toBe(true);
  });

  it('leaves no SIGINT handler and writes no storage', () => {
    expect(sigintDuring).toBe(sigintBefore + 1); // Crawlee's own, during the run
    expect(process.listenerCount('SIGINT')).toBe(sigintBefore);
    expect(existsSync('storage')).toBe(storageExisted);
    expect(spiderDirs()).toEqual(dirsBefore);
  });
});

describe('isolation and politeness', () => {
  it('runs two crawls at once with disjoint, complete results', async () => {
    const [tmall, jd] = m.platforms.filter((p) => p.id !== 'pdd-like');
    const onPlatform = (root: string) => crawl({ startUrls: [root.replace(/\/$/u, '/') + (root.includes('tmall') ? 'shops?page=1' : 'shops/1.html')], allowedOrigins: [new URL(m.url).host], enqueue: { patterns: [(u) => u.href.startsWith(root) && !u.pathname.includes('hx-')] }, requestTimeoutSecs: 5 });
    const [a, b] = await Promise.all([onPlatform(tmall.root), onPlatform(jd.root)]);
    for (const [r, p] of [[a, tmall], [b, jd]] as const) {
      const pages = new Set(r.pages);
      const { shops, listings } = expectedPages(p.root);
      expect([...shops, ...listings].filter((u) => !pages.has(u))).toEqual([]);
      expect(r.pages.every((u) => u.startsWith(p.root))).toBe(true);
      expect(r.errors).toEqual([]);
    }
    expect(a.pages.filter((u) => b.pages.includes(u))).toEqual([]);
  });

  it('honours maxRequestsPerMinute', async () => {
    const urls = expectedPages(m.platforms[2].root).listings.slice(0, 5);
    const r = await crawl({ startUrls: urls, allowedOrigins: [m.url], enqueue: false, respectRobotsTxt: false, maxRequestsPerMinute: 120 });
    expect(r.pagesOk).toBe(5);
    // 120/min = one request each 0.5 s: five requests need at least 2 s
    expect(r.durationMs).toBeGreaterThanOrEqual(1950);
    expect(r.durationMs).toBeLessThan(4000);
  });

  it('follows a same-origin redirect, retries a 503 with backoff, refuses a chunked body beyond maxBodyBytes while streaming and a start URL of another origin', async () => {
    let flaky = 0;
    const server: Server = createServer((req, res) => {
      if (req.url === '/flaky' && ++flaky <= 2) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      if (req.url === '/flaky' || req.url === '/ok') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<title>ok</title><a href="/big">big</a>');
      if (req.url === '/go') return void res.writeHead(301, { location: '/ok' }).end();
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let n = 0;
      const write = () => {
        while (n++ < 64) if (!res.write(chunk)) return void res.once('drain', write);
        res.end();
      };
      write();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const finals: string[] = [];
      const r = await crawl({
        startUrls: [`${origin}/go`, 'http://evil.example/start', `${origin}/flaky`],
        maxConcurrency: 1,
        retryBackoffMs: 100,
        allowedOrigins: [origin],
        respectRobotsTxt: false,
        maxBodyBytes: 1024 * 1024,
        onPage: (page) => void finals.push(`${page.url} -> ${page.finalUrl} ${page.$('title').text()}`),
      });
      // 503, 503, 200: retried after 100 ms, then 200 ms
      expect(finals).toEqual([`${origin}/go -> ${origin}/ok ok`, `${origin}/flaky -> ${origin}/flaky ok`]);
      expect(r.durationMs).toBeGreaterThanOrEqual(300);
      expect(r.errors).toEqual([{ url: `${origin}/big`, reason: 'too-large', message: 'body exceeds maxBodyBytes 1048576' }]);
      expect(r.refused).toEqual([{ url: 'http://evil.example/start', reason: 'foreign-host', from: '(start)' }]);
      expect(r.requested.sort()).toEqual([`${origin}/big`, `${origin}/flaky`, `${origin}/flaky`, `${origin}/flaky`, `${origin}/go`, `${origin}/ok`]);
      expect(r.pagesOk).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sniffs binary bodies', () => {
    expect(sniffBinary(Buffer.from('89504e470d0a1a0a0000', 'hex'))).toBe('PNG image');
    expect(sniffBinary(Buffer.from('<!doctype html><p>ok'))).toBeNull();
  });
});
