/**
 * Shapes produced by the extractors: what a crawler stores about one product page (`ExtractedListing`)
 * and one shop home page (`ExtractedShop`). Pure data, no DOM: the extractors take HTML strings in and
 * give these out, so they run the same in a spider, a test or a re-parse of a stored capture.
 */
import type { CheerioAPI } from 'cheerio';

/** Which markup the listing's core fields (title, price) came from. */
export type ListingSource = 'json-ld' | 'microdata' | 'opengraph' | 'adapter';

/** A product page, normalised: prices in yuan as numbers, texts with whitespace collapsed and entities decoded. */
export interface ExtractedListing {
  title: string;
  description: string;
  /** the price charged now, in yuan (e.g. 1299 or 12.9) */
  price: number;
  /** the "original price" (原价 / 划线价) shown next to it, or null */
  originalPrice: number | null;
  /** ISO 4217 code; `CNY` when the page gives none (¥, 元 and RMB all mean CNY) */
  currency: string;
  promotion: string | null;
  /** sales count shown (销量 / 已拼 / 已售), or null */
  sales: number | null;
  /** stock shown (库存 / 剩余), or null */
  stock: number | null;
  category: string | null;
  /** seller (shop) name */
  seller: string | null;
  sku: string | null;
  brand: string | null;
  source: ListingSource;
}

/** The licence block (亮照) of a shop: the business licence fields it displays. */
export interface ExtractedLicence {
  name: string;
  uscc: string;
  address: string;
}

/** A shop home page, normalised; URLs are absolute. */
export interface ExtractedShop {
  name: string;
  /** the licence block shown (on the shop page, or on the linked licence page when that was given), or null */
  licence: ExtractedLicence | null;
  /** link to a separate licence page (亮照 link), or null */
  licenceUrl: string | null;
  /** 食品经营许可证 number shown, or null */
  foodLicence: string | null;
  /** the shop's listings in page order (not other links such as recommendations) */
  listingUrls: string[];
  /** ids of those listings as the platform names them (from their URLs) */
  listingIds: string[];
}

/** What the generic extractor yields before an adapter completes it: any field may be missing. */
export type PartialListing = Partial<ExtractedListing>;

/**
 * One site's knowledge beyond schema.org: the fields structured data does not carry (原价, promotion,
 * sales, stock …), the whole listing where there is no structured data, and shop pages.
 */
export interface SiteAdapter {
  /** platform id, e.g. `tmall-like` */
  id: string;
  /** whether this adapter reads pages under `url` (decided on the path prefix) */
  matches(url: URL): boolean;
  /** fields read from the page's own markup; they override the generic extractor's */
  listing($: CheerioAPI, url: URL): PartialListing;
  /** the shop page, apart from a licence on a linked page */
  /** the shop page; `listingIds` is derived from `listingUrls` by `listingId` in extractShop */
  shop($: CheerioAPI, url: URL): Omit<ExtractedShop, 'listingIds'>;
  /** the listing id a listing URL names, or null when `url` is not a listing of this site */
  listingId(url: URL): string | null;
  /** who a shop home page URL names, as the register knows shops (platform + shop id, or an own site's domain); null when `url` is not a shop home page */
  shopIdentity(url: URL): ShopIdentity | null;
}

/**
 * A shop as the register identifies it: a platform name (淘宝, 京东 … or 自建网站) with the platform's
 * own shop id, or an own site's domain. Discovery matches crawled shops to `Shop` rows by it.
 */
export interface ShopIdentity {
  platform: string;
  platformShopId: string | null;
  /** own sites: the site's domain */
  domain: string | null;
}
