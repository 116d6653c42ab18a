/**
 * The browser side of the spiders: captures (final URL, status, headers, rendered HTML, PNG screenshot)
 * of pages that need a browser, with Crawlee's PlaywrightCrawler on Debian's chromium. See capture.ts.
 */
export {
  type BlockedRequest,
  type BrowserCapture,
  type BrowserCaptureError,
  type BrowserCaptureOptions,
  type BrowserCaptureReason,
  type BrowserCaptureResult,
  CHROMIUM_ARGS,
  captureWithBrowser,
  DEFAULT_CHROMIUM,
  pngSize,
} from './capture';
export { type BlackHole, proxyTarget, startBlackHole } from './black-hole';
