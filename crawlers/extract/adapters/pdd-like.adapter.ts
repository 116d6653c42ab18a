/**
 * pdd-like (`/p/pdd-like/`): no structured data at all, so this adapter reads the whole listing from the
 * platform's own classes.
 *
 * Relies on: product page `.goods-title`, `.goods-price` ("¥x"), `.goods-origin` (原价, "¥x"), `.goods-promo`,
 * `.goods-sold` ("已拼N件"), `.goods-stock` ("剩余N件"), `.goods-cat`, `.goods-mall a.seller`, `.goods-desc`;
 * shop page `.mall-title`, the licence block (dt/dd labels) and food licence in `.mall-qualification` /
 * `.food-licence`, listings in `.goods-list .goods-card a`. Listing URLs `/p/pdd-like/goods?id=<id>`.
 */
import { linkUrls, readFoodLicence, readLicence } from '../shop-parts';
import { parseCount, parsePrice, textOrNull } from '../text';
import type { SiteAdapter } from '../types';

export const pddLikeAdapter: SiteAdapter = {
  id: 'pdd-like',
  matches: (url) => url.pathname.startsWith('/p/pdd-like/'),
  listing($) {
    const price = parsePrice($('.goods-price').first().text());
    return {
      title: textOrNull($('.goods-title').first().text()) ?? undefined,
      description: textOrNull($('.goods-desc').first().text()) ?? undefined,
      price: price ?? undefined,
      originalPrice: parsePrice($('.goods-origin').first().text()),
      currency: price === null ? undefined : 'CNY',
      promotion: textOrNull($('.goods-promo').first().text()),
      sales: parseCount($('.goods-sold').first().text()),
      stock: parseCount($('.goods-stock').first().text()),
      category: textOrNull($('.goods-cat').first().text()),
      seller: textOrNull($('.goods-mall a.seller').first().text()),
    };
  },
  shop($, url) {
    return {
      name: textOrNull($('.mall-title').first().text()) ?? '',
      licence: readLicence($, $('.mall-qualification')),
      licenceUrl: null,
      foodLicence: readFoodLicence($('.food-licence')),
      listingUrls: linkUrls($, $('.goods-list .goods-card a'), url),
    };
  },
  shopIdentity(url) {
    const id = url.pathname === '/p/pdd-like/mall' ? url.searchParams.get('mall_id') : null;
    const platform = id ? { p: '拼多多', k: '快手电商', w: '微店' }[id[0]] : undefined;
    return id && platform ? { platform, platformShopId: id.slice(1), domain: null } : null;
  },
  listingId: (url) => (url.pathname === '/p/pdd-like/goods' ? url.searchParams.get('id') : null),
};
