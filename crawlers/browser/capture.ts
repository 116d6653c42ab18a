/**
 * Browser captures for the spiders: a Crawlee `PlaywrightCrawler` on Debian's chromium
 * (`/usr/bin/chromium`, driven by playwright-core; no browser is ever downloaded) that loads each
 * page and keeps its final URL, status, response headers, rendered HTML and a PNG screenshot.
 *
 * Safety, in layers, so that no request leaves the allowed origins:
 * 1. start URLs outside `allowedOrigins` are refused before any request;
 * 2. every request of every page is routed (`page.route('**\/*')`): a foreign origin is aborted and
 *    recorded in `blocked`; a main-frame navigation to an allowed origin is fetched by Playwright
 *    without following redirects, so a redirect to a foreign origin is refused before the browser
 *    sees it; WebSockets are routed the same way (`page.routeWebSocket`); service workers are blocked;
 * 3. the browser's proxy is a local black hole (black-hole.ts) that only the allowed origins bypass:
 *    whatever routing does not see (later redirect hops, the browser's own background traffic) ends
 *    there and is recorded in `blocked` too;
 * 4. Crawlee's own forwarding proxy is never started (no-open-proxy.ts).
 *
 * Each call has its own Configuration and MemoryStorage (nothing persisted) and its own browser pool,
 * destroyed before the call returns (no chromium process is left behind).
 */
import './no-open-proxy';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from '@crawlee/memory-storage';
import { Configuration, Log, LogLevel, PlaywrightCrawler, type PlaywrightCrawlingContext } from '@crawlee/playwright';
import { type APIRequestContext, chromium, type Page, request as playwrightRequest, type Request as PwRequest, type Response as PwResponse, type Route } from 'playwright-core';
import { normaliseOrigin } from '../spider/crawl';
import { startBlackHole } from './black-hole';
import { crawleeProxyDisabled } from './no-open-proxy';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // WebRTC may not open UDP outside the proxy
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
];

export interface BrowserCaptureOptions {
  /** pages to load (deduplicated); URLs outside `allowedOrigins` are refused without a request */
  urls: string[];
  /** origins requests may go to: `http://127.0.0.1:8080` or `127.0.0.1:8080` (http assumed) */
  allowedOrigins: string[];
  /** pages loaded at once (one browser); default 2 */
  maxConcurrency?: number;
  /** navigation timeout (until the `load` event); default 30 */
  navigationTimeoutSecs?: number;
  /** default 1280×800 */
  viewport?: { width: number; height: number };
  /** screenshot of the whole page rather than the viewport; default false */
  fullPage?: boolean;
  /** default: chromium's own */
  userAgent?: string;
  /** retries of a failed page (timeouts, network errors); never for refusals; default 1 */
  maxRetries?: number;
  /** default `process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'` */
  executablePath?: string;
  /** Crawlee's own log level; default OFF (outcomes are in the result) */
  logLevel?: LogLevel;
}

export interface BrowserCapture {
  /** the URL asked for */
  url: string;
  /** the page's URL after (allowed) redirects */
  finalUrl: string;
  /** status of the main document's response, null when the browser reports none */
  status: number | null;
  /** response headers of the main document (lower-case names) */
  headers: Record<string, string>;
  /** the rendered DOM, serialised (`page.content()`) */
  html: string;
  /** PNG */
  screenshot: Buffer;
  capturedAt: Date;
  /** from the start of the navigation to the end of the screenshot */
  durationMs: number;
}

export type BrowserCaptureReason = 'foreign-host' | 'timeout' | 'redirect-loop' | 'download' | 'network' | 'error';

export interface BrowserCaptureError {
  url: string;
  reason: BrowserCaptureReason;
  message: string;
}

export interface BlockedRequest {
  url: string;
  /** `route`: aborted by page routing; `redirect`: a redirect target refused or seen going to the proxy; `proxy`: reached the black hole (background traffic, later redirect hops) */
  via: 'route' | 'redirect' | 'proxy';
  /** the capture URL whose page made the request, when known */
  from?: string;
}

export interface BrowserCaptureResult {
  /** in the order of `urls` */
  captures: BrowserCapture[];
  errors: BrowserCaptureError[];
  /** requests aborted because their origin is not allowed (deduplicated, in order) */
  blocked: string[];
  /** the same with how and where each was stopped (one entry per stop) */
  blockedDetail: BlockedRequest[];
  durationMs: number;
}

/** Width and height from a PNG's IHDR chunk, or null when `buf` is not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

class CaptureRefusal extends Error {
  constructor(
    readonly reason: BrowserCaptureReason,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureRefusal';
  }
}

function classify(error: Error): BrowserCaptureReason {
  if (error instanceof CaptureRefusal) return error.reason;
  if (/net::ERR_BLOCKED_BY_CLIENT/u.test(error.message)) return 'foreign-host';
  if (error.name === 'TimeoutError' || /Timeout \d+ms exceeded|timed out/iu.test(error.message)) return 'timeout';
  if (/Download is starting/u.test(error.message)) return 'download';
  if (/net::ERR_TOO_MANY_REDIRECTS/u.test(error.message)) return 'redirect-loop';
  if (/net::ERR_/u.test(error.message)) return 'network';
  return 'error';
}

/**
 * Loads `urls` in Debian's chromium under the rules above and resolves once every page was captured or
 * given up. Throws only for bad options or a missing chromium; a hostile page is an entry in `errors`.
 */
export async function captureWithBrowser(options: BrowserCaptureOptions): Promise<BrowserCaptureResult> {
  const started = performance.now();
  const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  if (!existsSync(executablePath)) throw new Error(`chromium not found at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; browsers are never downloaded`);
  if (!crawleeProxyDisabled()) process.emitWarning('@crawlee/browser-pool was loaded before crawlers/browser: its forwarding proxy is running in this process (unused by these captures)', 'HongdunSafety');
  const allowed = new Set(options.allowedOrigins.map(normaliseOrigin));
  if (allowed.size === 0) throw new Error('allowedOrigins must name at least one origin');
  const isAllowed = (href: string) => {
    try {
      const u = new URL(href);
      return (u.protocol === 'http:' || u.protocol === 'https:') && allowed.has(u.origin);
    } catch {
      return false;
    }
  };
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? 2);
  const navigationTimeoutSecs = options.navigationTimeoutSecs ?? 30;
  const viewport = options.viewport ?? { width: 1280, height: 800 };

  const errors: BrowserCaptureError[] = [];
  const blockedDetail: BlockedRequest[] = [];
  const blockedSet = new Set<string>();
  const block = (url: string, via: BlockedRequest['via'], from?: string) => {
    blockedDetail.push(from === undefined ? { url, via } : { url, via, from });
    blockedSet.add(url);
  };
  const captured = new Map<string, BrowserCapture>();
  /** the capture URL a page is loading */
  const pageUrl = new WeakMap<Page, string>();
  /** capture URL → when its (last) navigation started */
  const navigationStart = new Map<string, number>();
  /** capture URL → the foreign URL its navigation was refused for */
  const refusedNavigation = new Map<string, string>();

  const starts: string[] = [];
  for (const raw of new Set(options.urls)) {
    if (isAllowed(raw)) starts.push(new URL(raw).href);
    else errors.push({ url: raw, reason: 'foreign-host', message: `${raw} is not in an allowed origin; not requested` });
  }

  const hole = await startBlackHole((url) => block(url, 'proxy'));
  /** fetches main documents for the routing (Node side, no proxy, redirects never followed) */
  const documents: APIRequestContext = await playwrightRequest.newContext({ maxRedirects: 0, ignoreHTTPSErrors: false });
  // only the allowed origins bypass the black hole (Playwright adds `<-loopback>`: other local ports do not)
  const bypass = [...allowed].map((o) => new URL(o).host).join(',');

  const guardPage = async (page: Page) => {
    const main = page.mainFrame();
    await page.route('**/*', async (route: Route, request: PwRequest) => {
      const url = request.url();
      const from = pageUrl.get(page);
      try {
        if (!isAllowed(url)) {
          block(url, 'route', from);
          if (request.isNavigationRequest() && request.frame() === main && from) refusedNavigation.set(from, url);
          return await route.abort('blockedbyclient');
        }
        if (!(request.isNavigationRequest() && request.frame() === main)) return await route.continue();
        // the main document: fetched here (not through the browser's proxy), its response looked at
        // before the browser could follow a redirect
        const response = await documents.fetch(url, { method: request.method(), headers: await request.allHeaders(), data: request.postDataBuffer() ?? undefined, maxRedirects: 0, timeout: navigationTimeoutSecs * 1000, failOnStatusCode: false });
        const location = response.status() >= 300 && response.status() < 400 ? response.headers().location : undefined;
        if (location !== undefined) {
          let target: string;
          try {
            target = new URL(location, url).href;
          } catch {
            return await route.abort('failed');
          }
          if (!isAllowed(target)) {
            block(target, 'redirect', from);
            if (from) refusedNavigation.set(from, target);
            return await route.abort('blockedbyclient');
          }
          // later hops are not routed; a foreign one ends in the black hole (and is recorded below)
          return await route.fulfill({ status: response.status(), headers: { location: target } });
        }
        return await route.fulfill({ response });
      } catch {
        // the page was closed or the navigation given up (timeout) while this request was pending
        await route.abort('failed').catch(() => undefined);
      }
    });
    await page.routeWebSocket(/.*/u, (ws) => {
      if (isAllowed(ws.url().replace(/^ws/u, 'http'))) ws.connectToServer();
      else {
        block(ws.url(), 'route', pageUrl.get(page));
        ws.close({ code: 1008, reason: 'origin not allowed' });
      }
    });
    // redirect hops the routing does not see: recorded here, stopped by the black hole
    page.on('request', (request: PwRequest) => {
      if (request.redirectedFrom() && !isAllowed(request.url())) {
        const from = pageUrl.get(page);
        block(request.url(), 'redirect', from);
        if (request.isNavigationRequest() && request.frame() === main && from) refusedNavigation.set(from, request.url());
      }
    });
  };

  const config = new Configuration({
    storageClient: new MemoryStorage({ localDataDirectory: join(tmpdir(), `hongdun-browser-${process.pid}-${randomUUID()}`), persistStorage: false, writeMetadata: false }),
    persistStorage: false,
    purgeOnStart: false,
  });

  const crawler = new PlaywrightCrawler(
    {
      log: new Log({ level: options.logLevel ?? LogLevel.OFF, prefix: 'BrowserCapture' }),
      maxConcurrency,
      autoscaledPoolOptions: { desiredConcurrency: maxConcurrency },
      maxRequestRetries: options.maxRetries ?? 1,
      navigationTimeoutSecs,
      requestHandlerTimeoutSecs: 60,
      useSessionPool: false,
      persistCookiesPerSession: false,
      statusMessageLoggingInterval: 3600,
      headless: true,
      launchContext: {
        launcher: chromium,
        useChrome: false,
        useIncognitoPages: true,
        launchOptions: {
          executablePath,
          headless: true,
          args: [...CHROMIUM_ARGS],
          proxy: { server: hole.url, bypass },
        },
      },
      browserPoolOptions: {
        useFingerprints: false,
        maxOpenPagesPerBrowser: maxConcurrency,
        retireBrowserAfterPageCount: 1_000_000,
        prePageCreateHooks: [
          (_pageId, _controller, pageOptions) => {
            Object.assign(pageOptions as Record<string, unknown>, { viewport, serviceWorkers: 'block', acceptDownloads: false, ...(options.userAgent ? { userAgent: options.userAgent } : {}) });
          },
        ],
        postPageCreateHooks: [async (page) => guardPage(page as unknown as Page)],
      },
      preNavigationHooks: [
        async ({ page, request }, gotoOptions) => {
          // last line of defence: requests added by any path are checked here too
          if (!isAllowed(request.url)) {
            request.noRetry = true;
            throw new CaptureRefusal('foreign-host', `${request.url} is not in an allowed origin`);
          }
          pageUrl.set(page as unknown as Page, request.url);
          refusedNavigation.delete(request.url);
          navigationStart.set(request.url, performance.now());
          if (gotoOptions) gotoOptions.waitUntil = 'load';
        },
      ],
      requestHandler: async (context: PlaywrightCrawlingContext) => {
        const page = context.page as unknown as Page;
        const response = context.response as unknown as PwResponse | undefined;
        const refused = refusedNavigation.get(context.request.url);
        if (refused) throw new CaptureRefusal('foreign-host', `redirect to ${refused} refused (foreign-host)`);
        const html = await page.content();
        const screenshot = await page.screenshot({ type: 'png', fullPage: options.fullPage ?? false, animations: 'disabled', timeout: 30_000 });
        captured.set(context.request.url, {
          url: context.request.url,
          finalUrl: page.url(),
          status: response?.status() ?? null,
          headers: response ? await response.allHeaders() : {},
          html,
          screenshot,
          capturedAt: new Date(),
          durationMs: performance.now() - (navigationStart.get(context.request.url) ?? performance.now()),
        });
      },
      errorHandler: async ({ request }, error) => {
        const reason = refusedNavigation.has(request.url) ? 'foreign-host' : classify(error);
        if (reason === 'foreign-host' || reason === 'download' || reason === 'redirect-loop') request.noRetry = true;
      },
      failedRequestHandler: async ({ request }, error) => {
        const refused = refusedNavigation.get(request.url);
        errors.push(
          refused
            ? { url: request.url, reason: 'foreign-host', message: `redirect to ${refused} refused (foreign-host)` }
            : { url: request.url, reason: classify(error), message: error.message.split('\n')[0] },
        );
      },
    },
    config,
  );

  try {
    if (starts.length) await crawler.run(starts);
  } finally {
    await crawler.browserPool.destroy().catch(() => undefined);
    await crawler.requestQueue?.drop().catch(() => undefined);
    await documents.dispose().catch(() => undefined);
    await hole.close();
  }
  const order = new Map(starts.map((u, i) => [u, i]));
  return {
    captures: [...captured.values()].sort((a, b) => (order.get(a.url) ?? 0) - (order.get(b.url) ?? 0)),
    errors,
    blocked: [...blockedSet],
    blockedDetail,
    durationMs: performance.now() - started,
  };
}
