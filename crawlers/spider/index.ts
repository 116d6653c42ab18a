/**
 * The safe crawling core under the discovery, shop and listing spiders. See crawl.ts.
 */
export { type CrawlError, type CrawlOptions, type CrawlResult, crawl, type EnqueueRule, normaliseOrigin, SKIP_REASONS, type SkipReason, sniffBinary, SpiderRefusal, type SpiderPage } from './crawl';
export { defaultRobotsScope, RobotsCache, type RobotsFetch, type RobotsScope } from './robots';
