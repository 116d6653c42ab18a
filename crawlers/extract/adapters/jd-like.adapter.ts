/**
 * jd-like (`/p/jd-like/`): schema.org Product/Offer as microdata gives title, description, category, price,
 * currency, seller and sku; this adapter adds what the microdata does not carry.
 *
 * Relies on: product page `del.p-origin` ("原价 ¥x"), `.p-promotions`, `em.sales`, `strong.stock`; shop page
 * `.jShopName`, listings in `#J_goodsList .p-name a`, the licence block (dt/dd labels) and food licence in
 * `.jShopFooter`. Listing URLs `/p/jd-like/item/<id>.html`.
 */
import { linkUrls, readFoodLicence, readLicence } from '../shop-parts';
import { parseCount, parsePrice, textOrNull } from '../text';
import type { SiteAdapter } from '../types';

export const jdLikeAdapter: SiteAdapter = {
  id: 'jd-like',
  matches: (url) => url.pathname.startsWith('/p/jd-like/'),
  listing: ($) => ({
    originalPrice: parsePrice($('.p-origin').first().text()),
    promotion: textOrNull($('.p-promotions').first().text()),
    sales: parseCount($('.comment-count .sales').first().text()),
    stock: parseCount($('.store-prompt .stock').first().text()),
    seller: textOrNull($('.shop-name a.seller').first().text()) ?? undefined,
  }),
  shop($, url) {
    const footer = $('.jShopFooter');
    return {
      name: textOrNull($('.jShopName').first().text()) ?? '',
      licence: readLicence($, footer),
      licenceUrl: null,
      foodLicence: readFoodLicence(footer),
      listingUrls: linkUrls($, $('#J_goodsList .p-name a'), url),
    };
  },
  shopIdentity(url) {
    const key = /^\/p\/jd-like\/shop\/([jd])([^/?#]+)\.html$/u.exec(url.pathname);
    return key ? { platform: key[1] === 'j' ? '京东' : '抖音电商', platformShopId: key[2], domain: null } : null;
  },
  listingId: (url) => /^\/p\/jd-like\/item\/([^/?#]+)\.html$/u.exec(url.pathname)?.[1] ?? null,
};
