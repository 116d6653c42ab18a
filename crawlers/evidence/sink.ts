import type { EvidenceStore } from './evidence.store';

/**
 * What crawlers/runs hands over per raw response (structurally its `EvidenceItem`; not imported, so the
 * evidence store does not depend on the run code).
 */
export interface RawResponseItem {
  shopId: number;
  observedAt: Date;
  response: {
    url: string;
    finalUrl: string;
    status: number;
    headers: Record<string, string | string[] | undefined>;
    contentType: string;
    body: Uint8Array;
    fetchedAt: Date;
  };
}

/** What crawlers/runs hands over per screenshot (structurally its `ScreenshotItem`). */
export interface ScreenshotItem {
  shopId: number;
  observedAt: Date;
  /** the page the browser showed */
  url: string;
  /** PNG bytes */
  png: Uint8Array;
}

/** The crawler identity a screenshot is recorded with: the run's, taken by chromium. */
const SCREENSHOT_CRAWLER_SUFFIX = ' (chromium screenshot)';

/**
 * The evidence store as the crawl ingest's sink: `capture(items)` stores each response and returns the
 * SHA-256 of each body, in order. The capture's URL is the final URL (the page whose headers and body
 * these are) and its time the run's moment (`observedAt`, the time of the snapshot it backs), so a retried
 * run that fetches the same bytes again appends nothing, while a changed page is a new capture. Runs as the caller's actor (crawls: system).
 * `screenshots(items)` does the same for PNG screenshots (kind `screenshot`, `image/png`, no status or
 * headers; crawler identity with `SCREENSHOT_CRAWLER_SUFFIX`).
 */
export function evidenceSink(
  store: EvidenceStore,
  identity: { crawler: string; runId?: number | null },
): { capture(items: RawResponseItem[]): Promise<string[]>; screenshots(items: ScreenshotItem[]): Promise<string[]> } {
  return {
    async capture(items) {
      const results = await store.captureMany(
        items.map(({ shopId, observedAt, response: r }) => ({
          shopId, kind: 'response' as const, url: r.finalUrl || r.url, observedAt, status: r.status,
          contentType: r.contentType, headers: r.headers, body: r.body, crawler: identity.crawler, runId: identity.runId ?? null,
        })),
      );
      return results.map((c) => c.sha256);
    },
    async screenshots(items) {
      const results = await store.captureMany(
        items.map(({ shopId, observedAt, url, png }) => ({
          shopId, kind: 'screenshot' as const, url, observedAt, status: null, contentType: 'image/png', headers: null, body: png,
          crawler: `${identity.crawler}${SCREENSHOT_CRAWLER_SUFFIX}`, runId: identity.runId ?? null,
        })),
      );
      return results.map((c) => c.sha256);
    },
  };
}
