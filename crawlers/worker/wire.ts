/**
 * The wire format between a crawler worker (external segment) and the core (internal segment): what a
 * worker hands back through Redis. Records are JSON; every fetched body travels as base64 with the
 * SHA-256 the worker computed, and the core accepts a record only when every body of it hashes to what
 * the record claims (`decodeShop` / `decodeListing` return null otherwise). Nothing here touches a
 * database or the network.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { sha256Hex } from '../../kernel/blob-store';
import type { RawResponse, WatchedListing, WatchedShop } from '../runs/watch-crawl';

export interface WireResponse {
  url: string;
  finalUrl: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  fetchedAt: string;
  /** the body, base64 */
  body: string;
  /** SHA-256 (hex) of the body bytes, as the worker computed it */
  sha256: string;
}

export type WireShop = Omit<WatchedShop, 'responses'> & { responses: WireResponse[] };
export type WireListing = Omit<WatchedListing, 'response'> & { response: WireResponse };

/** One chunk of a fetch's results, kept in a Redis key until the core has ingested it. */
export interface ResultChunk {
  shops: WireShop[];
  listings: WireListing[];
}

export function encodeResponse(r: RawResponse): WireResponse {
  return { url: r.url, finalUrl: r.finalUrl, status: r.status, headers: r.headers, contentType: r.contentType, fetchedAt: r.fetchedAt.toISOString(), body: r.body.toString('base64'), sha256: sha256Hex(r.body) };
}

export function encodeShop(s: WatchedShop): WireShop {
  return { ...s, responses: s.responses.map(encodeResponse) };
}

export function encodeListing(l: WatchedListing): WireListing {
  return { ...l, response: encodeResponse(l.response) };
}

/** The response with its bytes, or null when they do not hash to the SHA-256 it carries. */
export function decodeResponse(w: WireResponse): RawResponse | null {
  if (typeof w?.body !== 'string' || typeof w.sha256 !== 'string') return null;
  const body = Buffer.from(w.body, 'base64');
  if (sha256Hex(body) !== w.sha256.toLowerCase()) return null;
  return { url: w.url, finalUrl: w.finalUrl, status: w.status, headers: w.headers, contentType: w.contentType, fetchedAt: new Date(w.fetchedAt), body };
}

export function decodeShop(w: WireShop): WatchedShop | null {
  const responses = (w.responses ?? []).map(decodeResponse);
  if (responses.length === 0 || responses.some((r) => r === null)) return null;
  return { url: w.url, identity: w.identity, shop: w.shop, contentHash: w.contentHash, responses: responses as RawResponse[] };
}

export function decodeListing(w: WireListing): WatchedListing | null {
  const response = decodeResponse(w.response);
  if (!response) return null;
  return { url: w.url, shopUrl: w.shopUrl, platformListingId: w.platformListingId, listing: w.listing, response };
}

export function packChunk(chunk: ResultChunk): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(chunk), 'utf8'));
}

export function unpackChunk(bytes: Buffer): ResultChunk {
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as ResultChunk;
}

/** The BullMQ queue (under the platform's prefix) the core puts fetch work on and crawler workers take it from. */
export const CRAWL_FETCH_QUEUE = 'crawl-fetch';

/** Job data of a fetch: what to crawl and under which limits (everything the worker needs). */
export interface FetchJobData {
  plan: import('../runs/execute-run').CrawlPlan;
  limits: import('../runs/execute-run').SpiderLimits;
}

/** Return value of a fetch job: the summary, and the Redis keys (gzip JSON `ResultChunk`s) the core pulls and deletes. */
export interface FetchJobResult {
  summary: import('../runs/execute-run').FetchSummary;
  chunks: string[];
  shops: number;
  listings: number;
}

/**
 * A self-filing's proof of control (services/filing/verify-filing-shops.command.ts): the pages to read and
 * the token each must hold. Job name {@link TOKEN_CHECK_JOB} on the same queue, so in CRAWL_MODE=queue the
 * core never fetches a business's page itself either.
 */
export const TOKEN_CHECK_JOB = 'verify-tokens';

export interface TokenCheckJobData {
  targets: Array<{ url: string; token: string }>;
  limits: { crawlTimeoutSecs: number; crawlMaxBodyBytes: number };
}

export interface TokenCheckJobResult {
  checks: Array<[string, { found: true } | { found: false; reason: string }]>;
}

/** Records per result chunk. */
export const CHUNK_RECORDS = 200;
/** How long result chunks stay in Redis when the core never collects them (a core that died meanwhile). */
export const CHUNK_TTL_SECS = 24 * 3600;
