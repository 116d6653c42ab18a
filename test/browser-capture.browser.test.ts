/**
 * Browser captures (crawlers/browser) on Debian's chromium against the demo marketplace and a tiny
 * hostile page server, both on 127.0.0.1: shop and product pages of every platform are captured (PNG
 * screenshot of the right size, rendered HTML with the expected shop name / listing title), a redirect
 * to a foreign host and foreign subresources are blocked and recorded, the slow page times out without
 * stopping the others, a foreign start URL is refused without a request, and no chromium process or
 * storage is left behind. Skips without chromium, except under CI=true.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserCaptureResult, captureWithBrowser, pngSize, proxyTarget } from '../crawlers/browser';
import { type Marketplace, startMarketplace } from '../demo/marketplace';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

const VIEWPORT = { width: 1024, height: 768 };

/** chromium processes alive now (zombies excluded), by pid → parent pid */
function chromiumProcesses(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (comm.startsWith('chromium') && state !== 'Z') out.set(Number(entry), Number(ppid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
/** chromium processes started since `before` that are ours (descend from this process) or orphaned */
function leakedChromium(before: Map<number, number>): number[] {
  const now = chromiumProcesses();
  return [...now.keys()].filter((pid) => {
    if (before.has(pid)) return false;
    // up the tree past chromium's own processes: ours if it reaches this process, orphaned if it reaches init
    let p = pid;
    for (let i = 0; i < 10 && now.has(p); i++) p = now.get(p)!;
    return p === process.pid || p <= 1 || parentOf(p) === process.pid;
  });
}

describe('browser capture helpers', () => {
  it('reads PNG sizes and proxy request lines', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000004000000030008060000001f15c489', 'hex');
    expect(pngSize(png)).toEqual({ width: 1024, height: 768 });
    expect(pngSize(Buffer.from('<html>'))).toBeNull();
    expect(proxyTarget('CONNECT accounts.example:443 HTTP/1.1')).toBe('https://accounts.example');
    expect(proxyTarget('GET http://evil.example/collect?a=1 HTTP/1.1')).toBe('http://evil.example/collect?a=1');
    expect(proxyTarget('garbage')).toBeNull();
  });

  it('fails clearly without chromium and never downloads one', async () => {
    await expect(captureWithBrowser({ urls: ['http://127.0.0.1:9/'], allowedOrigins: ['127.0.0.1:9'], executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      /chromium not found at \/nonexistent\/chromium.*browsers are never downloaded/u,
    );
  });
});

describe.skipIf(!hasChromium)('browser captures of the demo marketplace', () => {
  let m: Marketplace;
  let hostileServer: Server;
  let hostileUrl = '';
  const hostileRequests: string[] = [];
  let result: BrowserCaptureResult;
  let fullPage: BrowserCaptureResult;
  let chromiumBefore: Map<number, number>;
  const connects: string[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const storageExisted = existsSync('storage');
  const dirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('hongdun-browser-'));
  const dirsBefore = dirs();
  /** one shop and one product page per platform (and own site) */
  const pages: Array<{ url: string; kind: 'shop' | 'listing'; text: string; platform: string }> = [];

  beforeAll(async () => {
    m = await startMarketplace({ seed: 'browser-test', entities: 40, slowMs: 15_000 });
    hostileServer = createServer((req, res) => {
      hostileRequests.push(req.url ?? '');
      if (req.url === '/img-redirect') {
        res.writeHead(302, { location: 'http://evil.example/via-redirect.png' });
        return res.end();
      }
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(
          '<!doctype html><title>外链页面</title><h1>外链页面</h1>' +
            '<img src="http://evil.example/x.png"><img src="/img-redirect"><iframe src="http://evil.example/frame"></iframe>' +
            '<link rel="stylesheet" href="https://cdn.evil.example/s.css"><script>fetch("http://evil.example/beacon").catch(() => {});</script>',
        );
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => hostileServer.listen(0, '127.0.0.1', () => resolve()));
    hostileUrl = `http://127.0.0.1:${(hostileServer.address() as net.AddressInfo).port}`;

    const byPlatform = new Map<string, string>();
    for (const id of m.shopIds) {
      const shop = m.expectedShop(m.day, id)!;
      // the second shop of each platform (the first one links the hostile pages)
      const seen = byPlatform.get(shop.platform);
      if (seen === 'second' || shop.listingIds.length === 0) continue;
      if (seen === undefined) {
        byPlatform.set(shop.platform, 'first');
        continue;
      }
      byPlatform.set(shop.platform, 'second');
      pages.push({ url: shop.url, kind: 'shop', text: shop.name, platform: shop.platform });
      const listing = m.expectedListing(m.day, shop.listingIds[0])!;
      pages.push({ url: listing.url, kind: 'listing', text: listing.title, platform: shop.platform });
    }
    const hostile = m.groundTruth().hostile;
    const urls = [
      hostile.find((h) => h.kind === 'slow')!.url,
      ...pages.map((p) => p.url),
      hostile.find((h) => h.kind === 'foreign-redirect')!.url,
      `${hostileUrl}/`,
      'http://evil.example/start',
    ];

    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number; path?: string } | number | string;
      if (typeof first === 'object' && first !== null) connects.push(first.path ? `ipc:${first.path}` : `${first.host ?? 'localhost'}:${first.port}`);
      else connects.push(`${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`);
      return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
    chromiumBefore = chromiumProcesses();
    m.resetStats();
    result = await captureWithBrowser({ urls, allowedOrigins: [m.url, hostileUrl], viewport: VIEWPORT, navigationTimeoutSecs: 5, maxRetries: 0 });
    fullPage = await captureWithBrowser({ urls: [pages[0].url], allowedOrigins: [new URL(m.url).host], viewport: { width: 800, height: 300 }, fullPage: true });
    const ms = result.captures.map((c) => Math.round(c.durationMs));
    console.log(`browser captures: ${result.captures.length} pages in ${Math.round(result.durationMs)} ms (per capture ${ms.join(', ')} ms); full page: ${Math.round(fullPage.durationMs)} ms`);
  }, 120_000);

  afterAll(async () => {
    net.Socket.prototype.connect = originalConnect;
    await m?.close();
    await new Promise<void>((resolve) => (hostileServer ? hostileServer.close(() => resolve()) : resolve()));
  });

  it('captures shop and product pages of every platform with screenshot and HTML', () => {
    expect(new Set(pages.map((p) => p.platform))).toEqual(new Set(['tmall-like', 'jd-like', 'pdd-like', 'own-site']));
    const byUrl = new Map(result.captures.map((c) => [c.url, c]));
    for (const p of pages) {
      const c = byUrl.get(p.url);
      expect(c, p.url).toBeDefined();
      expect(c!.status).toBe(200);
      expect(c!.finalUrl).toBe(p.url);
      expect(c!.headers['content-type']).toMatch(/^text\/html/u);
      expect(c!.screenshot.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe(true);
      expect(pngSize(c!.screenshot)).toEqual(VIEWPORT);
      expect(c!.screenshot.length).toBeGreaterThan(2000); // not a blank image
      expect(load(c!.html).text(), `${p.kind} ${p.url}`).toContain(p.text);
      expect(c!.capturedAt).toBeInstanceOf(Date);
    }
    // captures come back in the order asked for
    expect(result.captures.map((c) => c.url).filter((u) => byUrl.has(u) && pages.some((p) => p.url === u))).toEqual(pages.map((p) => p.url));
  });

  it('takes full-page screenshots taller than the viewport', () => {
    expect(fullPage.errors).toEqual([]);
    const size = pngSize(fullPage.captures[0].screenshot)!;
    expect(size.width).toBe(800);
    expect(size.height).toBeGreaterThan(300);
    expect(size.height).toBeLessThan(20_000);
  });

  it('refuses the foreign redirect and the foreign start URL, times out the slow page, and captures the rest', () => {
    const hostile = m.groundTruth().hostile;
    const away = hostile.find((h) => h.kind === 'foreign-redirect')!.url;
    const slow = hostile.find((h) => h.kind === 'slow')!.url;
    const errors = Object.fromEntries(result.errors.map((e) => [e.url, e]));
    expect(result.errors).toHaveLength(3);
    expect(errors[away]).toEqual({ url: away, reason: 'foreign-host', message: 'redirect to http://evil.example/collect refused (foreign-host)' });
    expect(errors[slow]?.reason).toBe('timeout');
    expect(errors['http://evil.example/start']?.reason).toBe('foreign-host');
    expect(result.captures).toHaveLength(pages.length + 1);
    expect(m.stats().byKind.hostile).toBe(2); // slow and foreign-redirect were each asked for once
  });

  it('blocks every foreign request of a page: subresources, frames, scripts and redirect hops', () => {
    const page = result.captures.find((c) => c.url === `${hostileUrl}/`)!;
    expect(page.status).toBe(200);
    expect(load(page.html).text()).toContain('外链页面');
    for (const url of ['http://evil.example/collect', 'http://evil.example/x.png', 'http://evil.example/frame', 'http://evil.example/beacon', 'https://cdn.evil.example/s.css', 'http://evil.example/via-redirect.png']) {
      expect(result.blocked, url).toContain(url);
    }
    expect(result.blockedDetail.find((b) => b.url === 'http://evil.example/x.png')).toEqual({ url: 'http://evil.example/x.png', via: 'route', from: `${hostileUrl}/` });
    // the hop after an allowed redirect is not routed: recorded from the page, stopped by the black hole
    expect(result.blockedDetail.filter((b) => b.url === 'http://evil.example/via-redirect.png').map((b) => b.via)).toContain('redirect');
    expect(hostileRequests).toContain('/img-redirect');
    // nothing allowed was ever blocked, and the foreign start URL was never requested
    const allowed = new Set([m.url, hostileUrl]);
    expect(result.blocked.filter((u) => allowed.has(new URL(u).origin))).toEqual([]);
    expect(result.blocked.filter((u) => u.includes('/start'))).toEqual([]);
  });

  it('opens no connection outside 127.0.0.1 from this process', () => {
    expect(connects.length).toBeGreaterThan(0); // main documents are fetched here
    expect(connects.filter((c) => !c.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('leaves no chromium process and no storage behind', async () => {
    // a closed browser's processes may take a moment to be reaped
    await expect.poll(() => leakedChromium(chromiumBefore), { timeout: 5000 }).toEqual([]);
    expect(existsSync('storage')).toBe(storageExisted);
    expect(dirs()).toEqual(dirsBefore);
  });
});
