/**
 * Own sites (`/site/<domain>/`): JSON-LD or OpenGraph `product:*` tags give title, description, price,
 * currency and category (JSON-LD also seller); this adapter adds the rest from the sites' shared template.
 *
 * Relies on: product page `.product-original` ("原价 ¥x"), `.product-promo`, `.product-sales` ("已售 N"),
 * `.product-stock` ("库存 N"), `.product-category` ("分类：X"), `.product-seller a.seller`; shop page
 * `header h1`, listings in `section.products article.product a`, the licence block (dt/dd labels) and
 * food licence in `footer.site-footer`. Listing URLs `/site/<domain>/product/<id>`.
 */
import { linkUrls, readFoodLicence, readLicence } from '../shop-parts';
import { parseCount, parsePrice, textOrNull } from '../text';
import type { SiteAdapter } from '../types';

export const ownSiteAdapter: SiteAdapter = {
  id: 'own-site',
  matches: (url) => url.pathname.startsWith('/site/'),
  listing: ($) => ({
    originalPrice: parsePrice($('.product-original').first().text()) ?? undefined,
    promotion: textOrNull($('.product-promo').first().text()),
    sales: parseCount($('.product-sales').first().text()),
    stock: parseCount($('.product-stock').first().text()),
    category: textOrNull($('.product-category').first().text()?.replace(/^分类[:：]/u, '')) ?? undefined,
    seller: textOrNull($('.product-seller a.seller').first().text()) ?? undefined,
  }),
  shop($, url) {
    const footer = $('footer.site-footer');
    return {
      name: textOrNull($('header h1').first().text()) ?? '',
      licence: readLicence($, footer),
      licenceUrl: null,
      foodLicence: readFoodLicence(footer),
      listingUrls: linkUrls($, $('section.products article.product a'), url),
    };
  },
  shopIdentity(url) {
    const domain = /^\/site\/([^/]+)\/$/u.exec(url.pathname)?.[1];
    return domain ? { platform: '自建网站', platformShopId: null, domain } : null;
  },
  listingId: (url) => /^\/site\/[^/]+\/product\/([^/?#]+)$/u.exec(url.pathname)?.[1] ?? null,
};
