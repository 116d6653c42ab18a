/**
 * Extraction: HTML of a product or shop page in, normalised fields out (no network, no database).
 *
 * `extractListing` runs the generic extractor (schema.org JSON-LD, microdata, OpenGraph) and then the
 * site's adapter, whose fields override and complete the generic ones; a site without an adapter gets
 * the generic fields alone. `extractShop` needs an adapter for the listing links; without one it reads
 * what every shop page says the same way (licence labels, food licence).
 */
import * as cheerio from 'cheerio';
import { jdLikeAdapter } from './adapters/jd-like.adapter';
import { ownSiteAdapter } from './adapters/own-site.adapter';
import { pddLikeAdapter } from './adapters/pdd-like.adapter';
import { tmallLikeAdapter } from './adapters/tmall-like.adapter';
import { completeListing, defined, extractGeneric, readStructured } from './generic.extractor';
import { readFoodLicence, readLicence } from './shop-parts';
import { textOrNull } from './text';
import type { ExtractedLicence, ExtractedListing, ExtractedShop, SiteAdapter } from './types';

export type { ExtractedLicence, ExtractedListing, ExtractedShop, ListingSource, PartialListing, ShopIdentity, SiteAdapter } from './types';
export { extractGeneric } from './generic.extractor';
export { parseCount, parsePrice } from './text';

/** The adapters, one per site of the demo marketplace; the first whose `matches` accepts a URL handles it. */
export const ADAPTERS: readonly SiteAdapter[] = [tmallLikeAdapter, jdLikeAdapter, pddLikeAdapter, ownSiteAdapter];

/** The adapter for `url` (absolute), by path prefix; null for a site that has none (generic only). */
export function adapterFor(url: string | URL): SiteAdapter | null {
  const u = typeof url === 'string' ? new URL(url) : url;
  return ADAPTERS.find((a) => a.matches(u)) ?? null;
}

/**
 * The listing on a product page: generic fields, overridden and completed by the site's adapter.
 * `source` says where title and price came from (`adapter` when no structured markup gave both).
 * Null when neither found a title and a price (not a product page).
 */
export function extractListing(url: string, html: string): ExtractedListing | null {
  const u = new URL(url);
  const $ = cheerio.load(html);
  const adapter = adapterFor(u);
  if (!adapter) return extractGeneric($);
  const generic = readStructured($) ?? {};
  const own = defined(adapter.listing($, u));
  return completeListing({ ...defined(generic), ...own }, generic.source ?? 'adapter');
}

/**
 * The shop on a shop home page. When the licence is shown on a linked page (`licenceUrl`), pass that page
 * as `linked.licenceHtml` to have it read as the shop's licence (and food licence, if the home page has none).
 */
export function extractShop(url: string, html: string, linked: { licenceHtml?: string } = {}): ExtractedShop {
  const u = new URL(url);
  const $ = cheerio.load(html);
  const adapter = adapterFor(u);
  const parts = adapter
    ? adapter.shop($, u)
    : {
        name: textOrNull($('meta[property="og:site_name"]').attr('content')) ?? textOrNull($('h1').first().text()) ?? textOrNull($('title').text()) ?? '',
        licence: readLicence($, $('body')),
        licenceUrl: null,
        foodLicence: readFoodLicence($('body')),
        listingUrls: [],
      };
  const shop: ExtractedShop = {
    ...parts,
    listingIds: adapter ? parts.listingUrls.map((l) => adapter.listingId(new URL(l))).filter((x): x is string => x !== null) : [],
  };
  if (linked.licenceHtml !== undefined) {
    const page = extractLicencePage(linked.licenceHtml);
    shop.licence = shop.licence ?? page.licence;
    shop.foodLicence = shop.foodLicence ?? page.foodLicence;
  }
  return shop;
}

/** A separate licence page (资质信息): the licence block and food licence it shows, read by their labels. */
export function extractLicencePage(html: string): { licence: ExtractedLicence | null; foodLicence: string | null } {
  const $ = cheerio.load(html);
  return { licence: readLicence($, $('body')), foodLicence: readFoodLicence($('body')) };
}
