/**
 * The demo marketplace: a deterministic local web server simulating three platforms and own-site shops,
 * with known violations, hostile pages and simulated days. See server.ts (API) and urls.ts (URL layout).
 */
export { type BadgeDisplay, type Marketplace, type MarketplaceOptions, type MarketplaceStats, type OwnSiteInfo, type PlatformInfo, type RequestKind, startMarketplace } from './server';
export { PAGE_SIZE, PLATFORM_IDS } from './urls';
export {
  type ExpectedListing,
  type ExpectedShop,
  FLAP_PERIOD,
  type GroundTruth,
  type HostileKind,
  type HostilePage,
  type LookAlike,
  ORIGINAL_PRICE_WINDOW,
  type PlatformId,
  RULE_IDS,
  type RuleId,
  type Violation,
} from './world';
