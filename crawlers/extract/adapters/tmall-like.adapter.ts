/**
 * tmall-like (`/p/tmall-like/`): schema.org Product/Offer as JSON-LD gives title, description, price,
 * currency, category, seller and sku; this adapter adds what JSON-LD does not carry.
 *
 * Relies on: product page `del.tm-original` ("原价 ¥x"), `.tm-promo`, `.tm-sales span`, `.tm-stock span`,
 * `h1.tb-main-title` (title fallback); shop page `h1.shop-name`, `a.shop-licence-link` (the licence is on a
 * separate page, read with `extractShop(…, { licenceHtml })`), the food licence text, listings in
 * `ul.item-list li.item a`. Listing URLs `/p/tmall-like/item/<id>`.
 */
import { linkUrl, linkUrls, readFoodLicence, readLicence } from '../shop-parts';
import { parseCount, parsePrice, textOrNull } from '../text';
import type { SiteAdapter } from '../types';

const PREFIX = '/p/tmall-like/';

export const tmallLikeAdapter: SiteAdapter = {
  id: 'tmall-like',
  matches: (url) => url.pathname.startsWith(PREFIX),
  listing: ($) => ({
    title: textOrNull($('h1.tb-main-title').first().text()) ?? undefined,
    originalPrice: parsePrice($('.tm-original').first().text()),
    promotion: textOrNull($('.tm-promo').first().text()),
    sales: parseCount($('.tm-sales span').first().text()),
    stock: parseCount($('.tm-stock span').first().text()),
    category: textOrNull($('.tm-cat span').first().text()) ?? undefined,
    seller: textOrNull($('.tb-meta a.seller').first().text()) ?? undefined,
  }),
  shop($, url) {
    return {
      name: textOrNull($('h1.shop-name').first().text()) ?? '',
      licence: readLicence($, $('body')),
      licenceUrl: linkUrl($, $('a.shop-licence-link'), url),
      foodLicence: readFoodLicence($('body')),
      listingUrls: linkUrls($, $('ul.item-list li.item a'), url),
    };
  },
  shopIdentity(url) {
    const key = /^\/p\/tmall-like\/shop\/([tm])([^/?#]+)$/u.exec(url.pathname);
    return key ? { platform: key[1] === 't' ? '淘宝' : '天猫', platformShopId: key[2], domain: null } : null;
  },
  listingId: (url) => /^\/p\/tmall-like\/item\/([^/?#]+)$/u.exec(url.pathname)?.[1] ?? null,
};
