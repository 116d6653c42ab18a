/**
 * URL layout of the demo marketplace (path-based routing on one 127.0.0.1 server). Each platform lives
 * under its own prefix and is crawled as its own "site" (its own robots.txt, directory and search):
 *
 * | site | prefix | directory | search | shop | licence (亮照) | product |
 * |---|---|---|---|---|---|---|
 * | tmall-like (JSON-LD) | `/p/tmall-like/` | `shops?page=N` | `search?q=&page=N` | `shop/<id>` | `shop/<id>/licence` (link) | `item/<id>` |
 * | jd-like (microdata) | `/p/jd-like/` | `shops/<N>.html` | `search?keyword=&page=N` | `shop/<id>.html` | inline block | `item/<id>.html` |
 * | pdd-like (no markup) | `/p/pdd-like/` | `malls?page=N` | `search?q=&page=N` | `mall?mall_id=<id>` | inline block | `goods?id=<id>` |
 * | own sites (JSON-LD or OpenGraph) | `/site/<domain>/` | `/sites?page=N` (a site directory) | — | `/site/<domain>/` | footer block | `product/<id>` |
 *
 * Every site has `robots.txt` under its prefix (and `/robots.txt` at the root covers all of them):
 * `Disallow: <prefix>cart`. Pages are 1-based; a page past the end is 404.
 */
import type { PlatformId } from './world';

export const PLATFORM_IDS: readonly Exclude<PlatformId, 'own-site'>[] = ['tmall-like', 'jd-like', 'pdd-like'];

/** Shops per directory page and results per search page. */
export const PAGE_SIZE = 20;

export function siteRoot(platform: PlatformId, shopKey?: string): string {
  return platform === 'own-site' ? `/site/${shopKey}/` : `/p/${platform}/`;
}

export function directoryUrl(platform: PlatformId, page: number): string {
  switch (platform) {
    case 'tmall-like':
      return `/p/tmall-like/shops?page=${page}`;
    case 'jd-like':
      return `/p/jd-like/shops/${page}.html`;
    case 'pdd-like':
      return `/p/pdd-like/malls?page=${page}`;
    case 'own-site':
      return `/sites?page=${page}`;
  }
}

export function searchUrl(platform: Exclude<PlatformId, 'own-site'>, q: string, page: number): string {
  const query = encodeURIComponent(q);
  return platform === 'jd-like' ? `/p/jd-like/search?keyword=${query}&page=${page}` : `/p/${platform}/search?q=${query}&page=${page}`;
}

export function shopUrl(platform: PlatformId, key: string): string {
  switch (platform) {
    case 'tmall-like':
      return `/p/tmall-like/shop/${key}`;
    case 'jd-like':
      return `/p/jd-like/shop/${key}.html`;
    case 'pdd-like':
      return `/p/pdd-like/mall?mall_id=${key}`;
    case 'own-site':
      return `/site/${key}/`;
  }
}

export function licenceUrl(platform: PlatformId, key: string): string | null {
  return platform === 'tmall-like' ? `/p/tmall-like/shop/${key}/licence` : null;
}

export function listingUrl(platform: PlatformId, shopKey: string, id: string): string {
  switch (platform) {
    case 'tmall-like':
      return `/p/tmall-like/item/${id}`;
    case 'jd-like':
      return `/p/jd-like/item/${id}.html`;
    case 'pdd-like':
      return `/p/pdd-like/goods?id=${id}`;
    case 'own-site':
      return `/site/${shopKey}/product/${id}`;
  }
}
