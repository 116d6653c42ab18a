/**
 * The safe crawling core shared by the discovery, shop and listing spiders: a `CheerioCrawler` with its
 * own in-memory storage per crawl, an allowed-origin list that no request leaves (links, start URLs and
 * redirects), robots.txt per site prefix, a body-size cap read as a stream, content-type checks with
 * magic-number sniffing, bounded redirects, timeouts, retries with backoff, per-host concurrency and a
 * request rate. Policy refusals are counted per reason in `CrawlResult.skipped`; the crawl never
 * throws for a hostile page.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { CheerioCrawler, type CheerioAPI, type CheerioCrawlingContext, Configuration, Log, LogLevel, type Request } from '@crawlee/cheerio';
import { MemoryStorage } from '@crawlee/memory-storage';
import { HostSlots } from './host-slots';
import { defaultRobotsScope, RobotsCache, type RobotsScope } from './robots';

/** Why a request was refused or given up by policy (not an ordinary failure). */
export type SkipReason = 'foreign-host' | 'robots' | 'too-large' | 'wrong-content-type' | 'redirect-loop' | 'timeout';
export const SKIP_REASONS: readonly SkipReason[] = ['foreign-host', 'robots', 'too-large', 'wrong-content-type', 'redirect-loop', 'timeout'];

/** One fetched HTML page, as handed to `onPage` and the label handlers. */
export interface SpiderPage {
  /** the URL that was requested */
  url: string;
  /** the URL after (same-origin) redirects */
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** media type without parameters, e.g. `text/html` */
  contentType: string;
  body: string;
  /** body size in bytes as received */
  bytes: number;
  label: string | undefined;
  $: CheerioAPI;
}

/** Which links of a page to follow. Links must still pass the origin and robots checks. */
export interface EnqueueRule {
  /** follow `<a rel="next">` / `<link rel="next">` (pagination) even when no pattern matches; default true */
  relNext?: boolean;
  /** follow links whose absolute URL matches one of these; omitted: every link */
  patterns?: Array<RegExp | ((url: URL) => boolean)>;
  /** elements whose `href` is a link; default `a[href]` */
  selector?: string;
}

export interface CrawlOptions {
  startUrls: Array<string | { url: string; label?: string }>;
  /** origins requests may go to: `http://127.0.0.1:8080` or `127.0.0.1:8080` (http assumed); nothing else is ever requested */
  allowedOrigins: string[];
  /** label of a URL (e.g. 'directory' | 'shop' | 'listing'), given to the page and used to pick a handler */
  label?: (url: URL) => string | undefined;
  /** handlers by label, run after `onPage` (a Crawlee Router's role) */
  handlers?: Record<string, (page: SpiderPage) => void | Promise<void>>;
  /** called for every HTML page fetched */
  onPage?: (page: SpiderPage) => void | Promise<void>;
  /** links to follow: a rule, a function returning URLs, or false (fetch only the start URLs); default `{}` (every link) */
  enqueue?: EnqueueRule | false | ((page: SpiderPage) => Iterable<string>);
  /** stop after this many requests handled (ok or failed); default unlimited */
  maxRequests?: number;
  /** default 20 (also the starting `desiredConcurrency`) */
  maxConcurrency?: number;
  /** requests in flight per host; default `maxConcurrency` */
  perHostConcurrency?: number;
  /**
   * requests per minute per host, spaced evenly (60/N s apart; Crawlee's own limit lets a minute's
   * quota out in one burst); default unlimited. Concurrency is lowered so that no request waits for
   * its turn longer than half of `requestTimeoutSecs`.
   */
  maxRequestsPerMinute?: number;
  /** navigation (headers and body) and handler timeout each; default 30 */
  requestTimeoutSecs?: number;
  /** larger bodies are refused (`too-large`): by Content-Length before reading, else while streaming; default 5 MiB */
  maxBodyBytes?: number;
  /** same-origin redirects followed per request; default 5 */
  maxRedirects?: number;
  /** retries of a failed request (network errors, timeouts, 5xx); default 2 */
  maxRetries?: number;
  /** first retry waits this long, doubling each retry; default 500 ms */
  retryBackoffMs?: number;
  /** fetch robots.txt per site prefix and obey it; default true */
  respectRobotsTxt?: boolean;
  /** prefix whose robots.txt governs a URL; default `/p/<x>/`, `/site/<x>/`, else `/` */
  robotsScope?: RobotsScope;
  /** User-Agent sent (and matched against robots.txt groups); default `HongdunSpider/0.1` */
  userAgent?: string;
  /** Crawlee's own log level; default OFF (outcomes are in the result) */
  logLevel?: LogLevel;
}

export interface CrawlError {
  url: string;
  reason: SkipReason | `http-${number}` | 'error';
  message: string;
}

export interface CrawlResult {
  pagesOk: number;
  /** requests that failed other than by policy (HTTP 4xx/5xx, network, handler errors) */
  pagesFailed: number;
  /** refusals by reason: links never requested (foreign-host, robots) and requests given up (too-large …) */
  skipped: Record<SkipReason, number>;
  /** every request that did not yield a page, with its reason */
  errors: CrawlError[];
  /** links refused before any request, with the reason (deduplicated) */
  refused: Array<{ url: string; reason: 'foreign-host' | 'robots'; from: string }>;
  durationMs: number;
  /** requests sent per host (pages, redirect hops, robots.txt) */
  requestsByHost: Record<string, number>;
  /** every URL a request was sent to, in order (pages, redirect hops, robots.txt) */
  requested: string[];
  /** URLs of the pages handed to onPage */
  pages: string[];
}

/** A refusal by policy: not retried, counted in `skipped`. */
export class SpiderRefusal extends Error {
  constructor(
    readonly reason: SkipReason,
    message: string,
  ) {
    super(message);
    this.name = 'SpiderRefusal';
  }
}

/** A final failure that retrying will not fix (e.g. HTTP 404). */
class SpiderFailure extends Error {
  constructor(
    readonly reason: CrawlError['reason'],
    message: string,
  ) {
    super(message);
    this.name = 'SpiderFailure';
  }
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const RESPONSE_PROPS = ['statusCode', 'statusMessage', 'headers', 'complete', 'httpVersion', 'rawHeaders', 'rawTrailers', 'trailers', 'url', 'request', 'redirectUrls', 'timings', 'ip', 'isFromCache'];

/** Normalises an allowed origin (`host:port` or a URL) to `URL.origin` form. */
export function normaliseOrigin(origin: string): string {
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//iu.test(origin) ? origin : `http://${origin}`).origin;
}

/** Names a binary format from its magic number, or returns null for bytes that may be text. */
export function sniffBinary(buf: Buffer): string | null {
  const starts = (hex: string) => buf.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));
  if (starts('89504e470d0a1a0a')) return 'PNG image';
  if (starts('ffd8ff')) return 'JPEG image';
  if (starts('474946383')) return 'GIF image';
  if (starts('25504446')) return 'PDF document';
  if (starts('504b0304')) return 'ZIP archive';
  if (starts('1f8b')) return 'gzip data';
  if (buf.subarray(0, 1024).includes(0)) return 'binary data';
  return null;
}

/** Reads a response stream up to `max` bytes; refuses (and destroys the stream) beyond that. */
async function readCapped(stream: Readable & { headers: Record<string, string | string[] | undefined> }, max: number): Promise<Buffer> {
  const declared = Number(stream.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    stream.destroy();
    throw new SpiderRefusal('too-large', `Content-Length ${declared} exceeds maxBodyBytes ${max}`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > max) {
      stream.destroy();
      throw new SpiderRefusal('too-large', `body exceeds maxBodyBytes ${max}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, n);
}

function classify(error: Error): { reason: CrawlError['reason']; skip: SkipReason | null } {
  if (error instanceof SpiderRefusal) return { reason: error.reason, skip: error.reason };
  if (error instanceof SpiderFailure) return { reason: error.reason, skip: null };
  if (error.name === 'MaxRedirectsError' || /Redirected \d+ times/u.test(error.message)) return { reason: 'redirect-loop', skip: 'redirect-loop' };
  if (error.name === 'TimeoutError' || /timed? ?out/iu.test(error.message)) return { reason: 'timeout', skip: 'timeout' };
  const status = /^(\d{3}) - /u.exec(error.message);
  return status ? { reason: `http-${Number(status[1])}`, skip: null } : { reason: 'error', skip: null };
}

interface RedirectState {
  /** the requested URL and every redirect target followed */
  hops: string[];
  decisions: Map<string, boolean>;
  refused?: { url: string; reason: SkipReason };
}

/**
 * Crawls from `startUrls` under the safety rules above and resolves with the counts once the queue is
 * empty (or `maxRequests` is reached). Each call has its own Configuration and MemoryStorage (a unique
 * `localDataDirectory` that is never created, nothing persisted), so crawls may run concurrently in one
 * process. Crawlee installs a SIGINT handler for the run and removes it when the run ends.
 */
export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  const started = performance.now();
  const allowed = new Set(options.allowedOrigins.map(normaliseOrigin));
  if (allowed.size === 0) throw new Error('allowedOrigins must name at least one origin');
  const isAllowed = (url: URL) => allowed.has(url.origin) && (url.protocol === 'http:' || url.protocol === 'https:');
  const timeoutSecs = options.requestTimeoutSecs ?? 30;
  const rate = options.maxRequestsPerMinute;
  if (rate !== undefined && !(rate > 0)) throw new Error(`maxRequestsPerMinute must be > 0, got ${rate}`);
  const spacingMs = rate === undefined ? 0 : 60_000 / rate;
  const maxConcurrency = Math.max(1, Math.min(options.maxConcurrency ?? 20, rate === undefined ? Infinity : Math.floor((timeoutSecs * 1000) / 2 / spacingMs)));
  const maxBodyBytes = options.maxBodyBytes ?? 5 * 1024 * 1024;
  const maxRedirects = options.maxRedirects ?? 5;
  const backoffMs = options.retryBackoffMs ?? 500;
  const userAgent = options.userAgent ?? 'HongdunSpider/0.1';
  const enqueue = options.enqueue ?? {};
  const slots = new HostSlots(Math.min(options.perHostConcurrency ?? maxConcurrency, maxConcurrency));
  /** per host: the earliest time the next request may start */
  const nextStart = new Map<string, number>();
  const awaitTurn = async (host: string) => {
    if (spacingMs === 0) return;
    const now = performance.now();
    const at = Math.max(now, nextStart.get(host) ?? now);
    nextStart.set(host, at + spacingMs);
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };

  const result: CrawlResult = {
    pagesOk: 0,
    pagesFailed: 0,
    skipped: Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>,
    errors: [],
    refused: [],
    durationMs: 0,
    requestsByHost: {},
    requested: [],
    pages: [],
  };
  const noteRequest = (url: string) => {
    result.requested.push(url);
    const host = new URL(url).host;
    result.requestsByHost[host] = (result.requestsByHost[host] ?? 0) + 1;
  };

  const robots =
    options.respectRobotsTxt === false
      ? null
      : new RobotsCache(
          async (url) => {
            // robots.txt URLs are built from an allowed URL's origin; checked again here all the same
            if (!isAllowed(new URL(url))) throw new SpiderRefusal('foreign-host', url);
            noteRequest(url);
            const res = await fetch(url, { redirect: 'manual', headers: { 'user-agent': userAgent }, signal: AbortSignal.timeout(timeoutSecs * 1000) });
            return { status: res.status, body: res.status >= 200 && res.status < 300 ? await res.text() : '' };
          },
          options.robotsScope ?? defaultRobotsScope,
          userAgent,
        );

  /** URLs already admitted or refused in this crawl (refusals are counted once per URL). */
  const seen = new Set<string>();
  /** Checks a candidate URL; returns it with its label when it may be requested. */
  const admit = async (href: string, from: string): Promise<{ url: string; label?: string } | null> => {
    let url: URL;
    try {
      url = new URL(href);
    } catch {
      return null;
    }
    url.hash = '';
    const key = url.href;
    if (seen.has(key)) return null;
    seen.add(key);
    if (!isAllowed(url)) {
      result.skipped['foreign-host']++;
      result.refused.push({ url: key, reason: 'foreign-host', from });
      return null;
    }
    if (robots && !(await robots.isAllowed(url))) {
      result.skipped.robots++;
      result.refused.push({ url: key, reason: 'robots', from });
      return null;
    }
    const label = options.label?.(url);
    return label === undefined ? { url: key } : { url: key, label };
  };

  const linksOf = (page: SpiderPage): string[] => {
    if (enqueue === false) return [];
    if (typeof enqueue === 'function') return [...enqueue(page)];
    const out: string[] = [];
    const base = page.finalUrl;
    const resolve = (href: string | undefined) => {
      if (!href) return null;
      try {
        const u = new URL(href.trim(), base);
        return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
      } catch {
        return null;
      }
    };
    if (enqueue.relNext !== false) {
      page.$('a[rel~="next"][href], link[rel~="next"][href]').each((_, el) => {
        const u = resolve(page.$(el).attr('href'));
        if (u) out.push(u.href);
      });
    }
    const patterns = enqueue.patterns;
    page.$(enqueue.selector ?? 'a[href]').each((_, el) => {
      const u = resolve(page.$(el).attr('href'));
      if (u && (!patterns || patterns.some((p) => (typeof p === 'function' ? p(u) : p.test(u.href))))) out.push(u.href);
    });
    return out;
  };

  /** Whether to follow a redirect: same allowed origin, not seen before in this chain, within `maxRedirects`. */
  const decideRedirect = (state: RedirectState, from: string, location: string | string[] | undefined): boolean => {
    if (typeof location !== 'string') return false;
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      return false;
    }
    next.hash = '';
    if (!isAllowed(next)) state.refused = { url: next.href, reason: 'foreign-host' };
    else if (state.hops.includes(next.href)) state.refused = { url: next.href, reason: 'redirect-loop' };
    else if (state.hops.length > maxRedirects) state.refused = { url: next.href, reason: 'redirect-loop' };
    else {
      state.hops.push(next.href);
      return true;
    }
    return false;
  };
  const redirects = new Map<string, RedirectState>();
  const releases = new Map<string, () => void>();
  const bodies = new WeakMap<Request, { bytes: number }>();
  const release = (request: Request) => {
    releases.get(request.id ?? request.uniqueKey)?.();
    releases.delete(request.id ?? request.uniqueKey);
  };
  const keyOf = (request: Request) => request.id ?? request.uniqueKey;

  const fail = (request: Request, error: Error) => {
    const { reason, skip } = classify(error);
    if (skip) result.skipped[skip]++;
    else result.pagesFailed++;
    result.errors.push({ url: request.url, reason, message: error.message.split('\n')[0] });
  };

  const storageDir = join(tmpdir(), `hongdun-spider-${process.pid}-${randomUUID()}`);
  const config = new Configuration({
    storageClient: new MemoryStorage({ localDataDirectory: storageDir, persistStorage: false, writeMetadata: false }),
    persistStorage: false,
    purgeOnStart: false,
  });

  const crawler = new CheerioCrawler(
    {
      log: new Log({ level: options.logLevel ?? LogLevel.OFF, prefix: 'Spider' }),
      maxConcurrency,
      autoscaledPoolOptions: { desiredConcurrency: maxConcurrency },
      maxRequestsPerMinute: rate === undefined ? undefined : Math.max(1, Math.ceil(rate)),
      maxRequestsPerCrawl: options.maxRequests,
      maxRequestRetries: options.maxRetries ?? 2,
      navigationTimeoutSecs: timeoutSecs,
      requestHandlerTimeoutSecs: timeoutSecs,
      useSessionPool: false,
      persistCookiesPerSession: false,
      // every type reaches the post-navigation hook, which decides (and sniffs) itself
      additionalMimeTypes: ['*/*'],
      statusMessageLoggingInterval: 3600,
      preNavigationHooks: [
        async ({ request }, gotOptions) => {
          const url = new URL(request.url);
          // last line of defence: requests added by any path are checked here too
          if (!isAllowed(url)) throw new SpiderRefusal('foreign-host', `${url.origin} is not an allowed origin`);
          releases.set(keyOf(request), await slots.acquire(url.host));
          await awaitTurn(url.host);
          const state: RedirectState = { hops: [request.url], decisions: new Map() };
          redirects.set(keyOf(request), state);
          noteRequest(request.url);
          gotOptions.headers = { ...gotOptions.headers, 'user-agent': userAgent };
          Object.assign(gotOptions, {
            useHeaderGenerator: false,
            // backstop only: decideRedirect refuses the hop after `maxRedirects` first
            maxRedirects: maxRedirects + 1,
            followRedirect: (response: { url: string; headers: Record<string, string | string[] | undefined> }) => {
              // got may ask more than once for the same response: decide once per hop
              const location = response.headers.location;
              const hop = `${response.url} -> ${String(location)}`;
              let decision = state.decisions.get(hop);
              if (decision === undefined) {
                decision = decideRedirect(state, response.url, location);
                state.decisions.set(hop, decision);
                if (decision) noteRequest(state.hops[state.hops.length - 1]);
              }
              return decision;
            },
          });
        },
      ],
      postNavigationHooks: [
        async (context) => {
          const { request } = context;
          const response = context.response as unknown as Readable & { statusCode: number; headers: Record<string, string | string[] | undefined>; url: string };
          try {
            const state = redirects.get(keyOf(request));
            redirects.delete(keyOf(request));
            if (response.statusCode >= 300 && response.statusCode < 400) {
              response.destroy();
              request.noRetry = true;
              if (state?.refused) throw new SpiderRefusal(state.refused.reason, `redirect to ${state.refused.url} refused (${state.refused.reason})`);
              throw new SpiderFailure(`http-${response.statusCode}`, `unfollowed redirect ${response.statusCode}`);
            }
            if (response.statusCode >= 400 && response.statusCode < 500) {
              response.destroy();
              request.noRetry = true;
              throw new SpiderFailure(`http-${response.statusCode}`, `${response.statusCode} - ${request.url}`);
            }
            const replay = (buf: Buffer) => {
              const stream = new PassThrough();
              for (const prop of RESPONSE_PROPS) if (prop in response) (stream as unknown as Record<string, unknown>)[prop] = (response as unknown as Record<string, unknown>)[prop];
              stream.end(buf);
              (context as unknown as { response: unknown }).response = stream;
            };
            // 5xx: Crawlee throws a retryable error quoting the body; the body is capped all the same
            if (response.statusCode >= 500) return replay(await readCapped(response, maxBodyBytes));
            const type = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
            if (!HTML_TYPES.has(type)) {
              response.destroy();
              request.noRetry = true;
              throw new SpiderRefusal('wrong-content-type', `Content-Type ${type || '(none)'} is not HTML`);
            }
            const buf = await readCapped(response, maxBodyBytes).catch((error: Error) => {
              if (error instanceof SpiderRefusal) request.noRetry = true;
              throw error;
            });
            const binary = sniffBinary(buf);
            if (binary) {
              request.noRetry = true;
              throw new SpiderRefusal('wrong-content-type', `${binary} served as ${type}`);
            }
            bodies.set(request, { bytes: buf.length });
            replay(buf);
          } finally {
            release(request);
          }
        },
      ],
      requestHandler: async (context: CheerioCrawlingContext) => {
        const { request, response, $, body } = context;
        const page: SpiderPage = {
          url: request.url,
          finalUrl: request.loadedUrl ?? response.url ?? request.url,
          status: response.statusCode ?? 0,
          headers: response.headers,
          contentType: context.contentType.type,
          body: typeof body === 'string' ? body : body.toString(),
          bytes: bodies.get(request)?.bytes ?? Buffer.byteLength(body),
          label: request.label,
          $,
        };
        await options.onPage?.(page);
        if (page.label !== undefined) await options.handlers?.[page.label]?.(page);
        const admitted: Array<{ url: string; label?: string }> = [];
        for (const href of linksOf(page)) {
          const a = await admit(href, page.url);
          if (a) admitted.push(a);
        }
        if (admitted.length) await crawler.addRequests(admitted);
        result.pagesOk++;
        result.pages.push(page.url);
      },
      errorHandler: async ({ request }, error) => {
        release(request);
        redirects.delete(keyOf(request));
        const { skip } = classify(error);
        if (skip && skip !== 'timeout') request.noRetry = true;
        else if (!request.noRetry) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** request.retryCount));
      },
      failedRequestHandler: async ({ request }, error) => {
        release(request);
        redirects.delete(keyOf(request));
        fail(request, error);
      },
    },
    config,
  );

  const starts: Array<{ url: string; label?: string }> = [];
  for (const s of options.startUrls) {
    const { url, label } = typeof s === 'string' ? { url: s, label: undefined } : s;
    const a = await admit(url, '(start)');
    if (a) starts.push(label === undefined ? a : { ...a, label });
  }
  try {
    if (starts.length) await crawler.run(starts);
  } finally {
    await crawler.requestQueue?.drop().catch(() => undefined);
  }
  result.durationMs = performance.now() - started;
  return result;
}
