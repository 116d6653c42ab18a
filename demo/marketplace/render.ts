/**
 * HTML of the demo marketplace. Each platform has its own markup so that adapters have something to
 * adapt to: tmall-like carries schema.org JSON-LD, jd-like schema.org microdata, pdd-like nothing but
 * its own classes; own sites JSON-LD or OpenGraph `product:price:amount` meta tags. Pure functions of
 * the expected values (truth.ts), so a page shows exactly what the ground truth says it shows.
 */
import { directoryUrl, licenceUrl, listingUrl, PAGE_SIZE, searchUrl, shopUrl, siteRoot } from './urls';
import type { ExpectedListing, ExpectedShop, HostilePage, PlatformId, WorldShop } from './world';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const PLATFORM_TITLE: Record<PlatformId, string> = {
  'tmall-like': '天猫样例商城',
  'jd-like': '京东样例商城',
  'pdd-like': '拼多多样例商城',
  'own-site': '企业网站导航',
};

/** Prices as shown: 12.9 → "12.90". */
export function yuan(n: number): string {
  return n.toFixed(2);
}

function page(title: string, body: string, head = ''): string {
  return `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>${esc(title)}</title>\n${head}</head>\n<body>\n${body}\n</body>\n</html>\n`;
}

export function indexPage(): string {
  const links = (['tmall-like', 'jd-like', 'pdd-like'] as const)
    .map((p) => `<li><a href="/p/${p}/">${PLATFORM_TITLE[p]}</a></li>`)
    .join('\n');
  return page('红盾演示网络交易市场', `<h1>红盾演示网络交易市场</h1>\n<ul>\n${links}\n<li><a href="${directoryUrl('own-site', 1)}">${PLATFORM_TITLE['own-site']}</a></li>\n</ul>`);
}

export function platformHome(platform: Exclude<PlatformId, 'own-site'>): string {
  return page(
    PLATFORM_TITLE[platform],
    `<h1>${PLATFORM_TITLE[platform]}</h1>\n<nav><a href="${directoryUrl(platform, 1)}">全部店铺</a> <a href="${searchUrl(platform, '', 1)}">全部商品</a> <a href="${siteRoot(platform)}cart">购物车</a></nav>\n<form action="${searchUrl(platform, '', 1).split('?')[0]}"><input name="${platform === 'jd-like' ? 'keyword' : 'q'}"></form>`,
  );
}

function pager(current: number, total: number, href: (n: number) => string, cls: string): string {
  const parts: string[] = [];
  if (current > 1) parts.push(`<a class="${cls}-prev" rel="prev" href="${esc(href(current - 1))}">上一页</a>`);
  parts.push(`<span class="${cls}-cur">第 ${current} / ${total} 页</span>`);
  if (current < total) parts.push(`<a class="${cls}-next" rel="next" href="${esc(href(current + 1))}">下一页</a>`);
  return `<div class="${cls}">${parts.join(' ')}</div>`;
}

export function pageCount(n: number): number {
  return Math.max(1, Math.ceil(n / PAGE_SIZE));
}

/** A directory page: the shops of one platform (or the own sites), PAGE_SIZE a page. */
export function directoryPage(platform: PlatformId, shops: readonly WorldShop[], pageNo: number): string {
  const total = pageCount(shops.length);
  const slice = shops.slice((pageNo - 1) * PAGE_SIZE, pageNo * PAGE_SIZE);
  const href = (n: number) => directoryUrl(platform, n);
  switch (platform) {
    case 'tmall-like':
      return page(
        `店铺街 - ${PLATFORM_TITLE[platform]}`,
        `<h1>店铺街</h1>\n<ul class="shop-list">\n${slice.map((s) => `<li class="shop-item"><a class="shop-link" href="${esc(shopUrl(platform, s.key))}">${esc(s.name)}</a></li>`).join('\n')}\n</ul>\n${pager(pageNo, total, href, 'pagination')}`,
      );
    case 'jd-like':
      return page(
        `店铺列表 第${pageNo}页 - ${PLATFORM_TITLE[platform]}`,
        `<div id="J_shopList">\n${slice.map((s) => `<div class="j-shop"><h3><a href="${esc(shopUrl(platform, s.key))}">${esc(s.name)}</a></h3></div>`).join('\n')}\n</div>\n${pager(pageNo, total, href, 'p-num')}`,
      );
    case 'pdd-like':
      return page(
        `品牌馆 - ${PLATFORM_TITLE[platform]}`,
        `<section class="mall-grid">\n${slice.map((s) => `<a class="mall-card" href="${esc(shopUrl(platform, s.key))}"><span class="mall-name">${esc(s.name)}</span></a>`).join('\n')}\n</section>\n${pager(pageNo, total, href, 'pager')}`,
      );
    case 'own-site':
      return page(
        `企业网站导航 第${pageNo}页`,
        `<h1>山东企业网站导航</h1>\n<ol class="sites">\n${slice.map((s) => `<li><a href="${esc(shopUrl(platform, s.key))}">${esc(s.name)}</a> <small>${esc(s.key)}</small></li>`).join('\n')}\n</ol>\n${pager(pageNo, total, href, 'pages')}`,
      );
  }
}

/** A search result page (listings whose title or seller contains the query; empty query: all). */
export function searchPage(platform: Exclude<PlatformId, 'own-site'>, q: string, hits: readonly ExpectedListing[], totalHits: number, pageNo: number): string {
  const total = pageCount(totalHits);
  const items = hits
    .map((l) => `<li class="result"><a class="result-title" href="${esc(listingUrl(platform, l.shopId, l.id))}">${esc(l.title)}</a> <a class="result-shop" href="${esc(shopUrl(platform, l.shopId))}">${esc(l.seller)}</a></li>`)
    .join('\n');
  return page(`“${q}”搜索结果 - ${PLATFORM_TITLE[platform]}`, `<h1>搜索：${esc(q)}</h1>\n<p>共 ${totalHits} 件商品</p>\n<ul class="results">\n${items}\n</ul>\n${pager(pageNo, total, (n) => searchUrl(platform, q, n), 'pagination')}`);
}

function licenceBlock(shop: ExpectedShop, cls: string): string {
  const parts: string[] = [];
  if (shop.licence) {
    parts.push(
      `<div class="${cls}">\n<h4>营业执照信息</h4>\n<dl>\n<dt>企业名称</dt><dd class="lic-name">${esc(shop.licence.name)}</dd>\n<dt>统一社会信用代码</dt><dd class="lic-uscc">${esc(shop.licence.uscc)}</dd>\n<dt>住所</dt><dd class="lic-address">${esc(shop.licence.address)}</dd>\n</dl>\n</div>`,
    );
  }
  if (shop.foodLicence) parts.push(`<div class="food-licence">食品经营许可证：<span class="food-licence-no">${esc(shop.foodLicence)}</span></div>`);
  return parts.join('\n');
}

function hostileLinks(hostile: readonly HostilePage[], base: string): string {
  if (hostile.length === 0) return '';
  const rel = (u: string) => u.slice(base.length);
  return `<ul class="more-goods">\n${hostile.map((h) => `<li><a href="${esc(rel(h.url))}">精选好物 ${esc(h.kind)}</a>${h.kind === 'image-as-html' ? ` <img src="${esc(rel(h.url))}" alt="">` : ''}</li>`).join('\n')}\n</ul>`;
}

/** A self-filing badge as a seller embeds it (the platform's snippet: image linking to the verification page). */
export interface ShownBadge {
  /** the platform's base URL the badge links to */
  baseUrl: string;
  /** `<badgeId>.<signature>` */
  token: string;
}

function badgeBlock(b: ShownBadge | null): string {
  if (!b) return '';
  const link = `${b.baseUrl}/badge/${b.token}`;
  return `\n<div class="hongdun-badge"><a href="${esc(link)}" target="_blank" rel="noopener" data-hongdun-badge="${esc(b.token)}" title="山东省市场监督管理局 网店主体备案电子标识"><img src="${esc(link)}.svg" alt="网店主体备案电子标识 · 点击验证" width="200" height="64"></a></div>`;
}

/** A shop's home page: name, licence display (inline, or a link on tmall-like), its live listings, the filing badge it shows. */
export function shopPage(shop: ExpectedShop, listings: readonly ExpectedListing[], hostile: readonly HostilePage[], base: string, badge: ShownBadge | null = null): string {
  const p = shop.platform;
  const bb = badgeBlock(badge);
  const li = (l: ExpectedListing) => `<a href="${esc(listingUrl(p, shop.id, l.id))}">${esc(l.title)}</a>`;
  switch (p) {
    case 'tmall-like': {
      const lic = licenceUrl(p, shop.id) as string;
      return page(
        `${shop.name} - ${PLATFORM_TITLE[p]}`,
        `<header class="shop-header"><h1 class="shop-name">${esc(shop.name)}</h1>${shop.licence ? `<a class="shop-licence-link" href="${esc(lic)}">资质信息（亮照）</a>` : ''}</header>\n${shop.foodLicence ? licenceBlock({ ...shop, licence: null }, 'x') : ''}\n<ul class="item-list">\n${listings.map((l) => `<li class="item">${li(l)} <span class="item-price">¥${yuan(l.price)}</span></li>`).join('\n')}\n</ul>\n${hostileLinks(hostile, base)}${bb}`,
      );
    }
    case 'jd-like':
      return page(
        `${shop.name} - ${PLATFORM_TITLE[p]}`,
        `<div class="jShopHeader"><span class="jShopName">${esc(shop.name)}</span></div>\n<div id="J_goodsList">\n${listings.map((l) => `<div class="gl-item"><div class="p-name">${li(l)}</div><div class="p-price"><i>${yuan(l.price)}</i></div></div>`).join('\n')}\n</div>\n${hostileLinks(hostile, base)}\n<div class="jShopFooter">${licenceBlock(shop, 'jLicence')}${bb}</div>`,
      );
    case 'pdd-like':
      return page(
        shop.name,
        `<div class="mall-head"><div class="mall-title">${esc(shop.name)}</div></div>\n${licenceBlock(shop, 'mall-qualification')}\n<div class="goods-list">\n${listings.map((l) => `<div class="goods-card">${li(l)}<span class="goods-card-price">¥${yuan(l.price)}</span><span class="goods-card-sold">已拼${l.sales}件</span></div>`).join('\n')}\n</div>\n${hostileLinks(hostile, base)}${bb}`,
      );
    case 'own-site':
      return page(
        shop.name,
        `<header><h1>${esc(shop.name)}</h1><nav><a href="${esc(siteRoot(p, shop.id))}">首页</a> <a href="${esc(siteRoot(p, shop.id))}cart">购物车</a></nav></header>\n${listings.length ? `<section class="products">\n${listings.map((l) => `<article class="product">${li(l)} <span class="price">￥${yuan(l.price)}</span></article>`).join('\n')}\n</section>` : '<section class="about"><p>欢迎访问我们的官方网站。</p></section>'}\n<footer class="site-footer">\n${licenceBlock(shop, 'footer-licence')}${bb}\n<p>© 版权所有</p>\n</footer>`,
      );
  }
}

/** tmall-like: the separate licence page (资质信息) the shop page links to. */
export function licencePage(shop: ExpectedShop): string {
  return page(`${shop.name} 资质信息`, `<h1>${esc(shop.name)} 资质信息</h1>\n${licenceBlock(shop, 'shop-licence')}\n<p><a href="${esc(shopUrl(shop.platform, shop.id))}">返回店铺</a></p>`);
}

function jsonLd(l: ExpectedListing): string {
  const data = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    sku: l.id,
    name: l.title,
    description: l.description,
    category: l.category,
    offers: {
      '@type': 'Offer',
      price: yuan(l.price),
      priceCurrency: l.currency,
      availability: l.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
      seller: { '@type': 'Organization', name: l.seller },
    },
  };
  return `<script type="application/ld+json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>\n`;
}

/** A product page in the platform's own markup. */
export function listingPage(l: ExpectedListing): string {
  const p = l.platform;
  const shop = `<a class="seller" href="${esc(shopUrl(p, l.shopId))}">${esc(l.seller)}</a>`;
  const orig = (cls: string) => (l.originalPrice === null ? '' : `<del class="${cls}">原价 ¥${yuan(l.originalPrice)}</del>`);
  const promo = (cls: string) => (l.promotion === null ? '' : `<div class="${cls}">${esc(l.promotion)}</div>`);
  switch (p) {
    case 'tmall-like':
      return page(
        `${l.title}-${PLATFORM_TITLE[p]}`,
        `<div class="tb-detail">\n<h1 class="tb-main-title">${esc(l.title)}</h1>\n<div class="tb-price"><em class="tm-price">${yuan(l.price)}</em>${orig('tm-original')}</div>\n${promo('tm-promo')}\n<ul class="tb-meta"><li class="tm-sales">月销量 <span>${l.sales}</span></li><li class="tm-stock">库存 <span>${l.stock}</span> 件</li><li class="tm-cat">类目 <span>${esc(l.category)}</span></li><li>店铺 ${shop}</li></ul>\n<div class="tb-desc">${esc(l.description)}</div>\n</div>`,
        jsonLd({ ...l }),
      );
    case 'jd-like':
      return page(
        `${l.title}【行情 报价 价格 评测】-${PLATFORM_TITLE[p]}`,
        `<div class="product-intro" itemscope itemtype="https://schema.org/Product">\n<meta itemprop="sku" content="${esc(l.id)}">\n<div class="sku-name" itemprop="name">${esc(l.title)}</div>\n<div class="item" itemprop="category">${esc(l.category)}</div>\n<div class="p-price" itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span class="price">¥<span itemprop="price" content="${yuan(l.price)}">${yuan(l.price)}</span></span><meta itemprop="priceCurrency" content="CNY"><link itemprop="availability" href="${l.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock'}"><span itemprop="seller" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">${esc(l.seller)}</span></span>${orig('p-origin')}</div>\n${promo('p-promotions')}\n<div class="comment-count">累计销量 <em class="sales">${l.sales}</em></div>\n<div class="store-prompt">库存 <strong class="stock">${l.stock}</strong></div>\n<div class="detail" itemprop="description">${esc(l.description)}</div>\n<div class="shop-name">${shop}</div>\n</div>`,
      );
    case 'pdd-like':
      return page(
        l.title,
        `<div class="goods-detail">\n<div class="goods-title">${esc(l.title)}</div>\n<div class="goods-price-row"><span class="goods-price">¥${yuan(l.price)}</span>${l.originalPrice === null ? '' : `<span class="goods-origin">¥${yuan(l.originalPrice)}</span>`}</div>\n${promo('goods-promo')}\n<div class="goods-sold">已拼${l.sales}件</div>\n<div class="goods-stock">剩余${l.stock}件</div>\n<div class="goods-cat">${esc(l.category)}</div>\n<div class="goods-mall">${shop}</div>\n<div class="goods-desc">${esc(l.description)}</div>\n</div>`,
      );
    case 'own-site':
      return page(`${l.title} - ${l.seller}`, ownSiteBody(l, shop, orig, promo), '');
  }
}

function ownSiteBody(l: ExpectedListing, shop: string, orig: (c: string) => string, promo: (c: string) => string): string {
  return `<main class="product-detail">\n<h1 class="product-title">${esc(l.title)}</h1>\n<p class="product-price">￥${yuan(l.price)} ${orig('product-original')}</p>\n${promo('product-promo')}\n<p class="product-sales">已售 ${l.sales}</p>\n<p class="product-stock">库存 ${l.stock}</p>\n<p class="product-category">分类：${esc(l.category)}</p>\n<p class="product-seller">${shop}</p>\n<div class="product-desc">${esc(l.description)}</div>\n</main>`;
}

/** Own-site product page: JSON-LD or OpenGraph price tags in the head. */
export function ownSiteListingPage(l: ExpectedListing, markup: 'json-ld' | 'opengraph'): string {
  const html = listingPage(l);
  const head =
    markup === 'json-ld'
      ? jsonLd(l)
      : [
          `<meta property="og:type" content="product">`,
          `<meta property="og:title" content="${esc(l.title)}">`,
          `<meta property="og:description" content="${esc(l.description)}">`,
          `<meta property="og:url" content="${esc(l.url)}">`,
          `<meta property="product:price:amount" content="${yuan(l.price)}">`,
          `<meta property="product:price:currency" content="CNY">`,
          ...(l.originalPrice === null ? [] : [`<meta property="product:original_price:amount" content="${yuan(l.originalPrice)}">`, `<meta property="product:original_price:currency" content="CNY">`]),
          `<meta property="product:availability" content="${l.stock > 0 ? 'in stock' : 'out of stock'}">`,
          `<meta property="product:category" content="${esc(l.category)}">`,
          '',
        ].join('\n');
  return html.replace('</head>', `${head}</head>`);
}

export function robotsTxt(prefixes: readonly string[]): string {
  return `User-agent: *\n${prefixes.map((p) => `Disallow: ${p}cart`).join('\n')}\n`;
}

export function cartPage(): string {
  return page('购物车', '<h1>购物车</h1><p>请先登录。</p>');
}

export function notFoundPage(): string {
  return page('页面不存在', '<h1>404</h1><p>您访问的页面不存在。</p>');
}

/** The malformed product page: unclosed tags, stray end tags, a charset that lies, a truncated end. */
export function malformedPage(l: ExpectedListing | null): string {
  const title = l ? esc(l.title) : '特价商品';
  return `<html><head><meta charset="gb2312"><title>${title}<body>\n<div class="goods-detail"><div class="goods-title">${title}\n<span class="goods-price">¥${l ? yuan(l.price) : '9.90'}</div></div></div></span>\n<p>描述<p>售后<table><tr><td>参数\n<div class="goods-desc">`;
}

/** A product page of about `bytes` bytes: the normal page padded with description paragraphs. */
export function hugePage(bytes: number): string {
  const filler = '<p class="desc-para">本店商品均为正品，支持七天无理由退货，山东地区次日达。详情参数见下方图片说明。</p>\n';
  const head = `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>超长详情页商品</title>\n</head>\n<body>\n<h1 class="tb-main-title">超长详情页商品</h1>\n<div class="tb-desc">\n`;
  const tail = '</div>\n</body>\n</html>\n';
  const unit = Buffer.byteLength(filler);
  const n = Math.max(0, Math.ceil((bytes - Buffer.byteLength(head) - Buffer.byteLength(tail)) / unit));
  return head + filler.repeat(n) + tail;
}
