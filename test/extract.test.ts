/**
 * Extraction against the demo marketplace's ground truth: every live listing and every shop of two
 * simulated days, on every platform and own site, fetched over HTTP from 127.0.0.1 and compared field by
 * field with what a perfect extractor reads (`expectedListing` / `expectedShop`); the generic extractor
 * alone on the structured-markup pages; unit cases for broken and unusual markup. No database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExpectedListing, type ExpectedShop, type Marketplace, startMarketplace } from '../demo/marketplace';
import { adapterFor, extractGeneric, extractLicencePage, extractListing, extractShop, parseCount, parsePrice } from '../crawlers/extract';

const SEED = 'extract-test';
const DAYS = [0, 3];
const CONCURRENCY = 8;
const LISTING_FIELDS = ['title', 'description', 'price', 'originalPrice', 'currency', 'promotion', 'sales', 'stock', 'category', 'seller'] as const;

let m: Marketplace;

beforeAll(async () => {
  m = await startMarketplace({ seed: SEED, entities: 120, slowMs: 50, hugeBytes: 64 * 1024 });
});

afterAll(async () => {
  await m?.close();
});

async function fetchHtml(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** Maps `fn` over `items`, at most `n` at a time, keeping order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function markupOf(l: ExpectedListing): string {
  if (l.platform === 'tmall-like') return 'json-ld';
  if (l.platform === 'jd-like') return 'microdata';
  if (l.platform === 'pdd-like') return 'adapter';
  return m.sites.find((s) => s.domain === l.shopId)!.markup;
}

describe('extraction against the demo marketplace ground truth', () => {
  it('reads every live listing and every shop of days 0 and 3 exactly', async () => {
    const started = Date.now();
    const mismatches: string[] = [];
    // how many expected values were non-trivial, so that "0 mismatches" means something
    const seen = { originalPrice: 0, promotion: 0, licence: 0, noLicence: 0, licenceLink: 0, foodLicence: 0 };
    const stats = { listings: 0, listingFields: 0, shops: 0, shopFields: 0, byPlatform: {} as Record<string, number>, bySource: {} as Record<string, number> };
    const check = (what: string, field: string, got: unknown, want: unknown) => {
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${what} ${field}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    };

    for (const day of DAYS) {
      m.setDay(day);
      const shops = m.shopIds.map((id) => m.expectedShop(day, id) as ExpectedShop);
      await pool(shops, CONCURRENCY, async (want) => {
        const html = await fetchHtml(want.url);
        let got = extractShop(want.url, html);
        if (got.licenceUrl) got = extractShop(want.url, html, { licenceHtml: await fetchHtml(got.licenceUrl) });
        const what = `day ${day} shop ${want.id}`;
        stats.shops++;
        if (want.licence) seen.licence++;
        else seen.noLicence++;
        if (want.licenceUrl) seen.licenceLink++;
        if (want.foodLicence) seen.foodLicence++;
        const urls = want.listingIds.map((id) => (m.expectedListing(day, id) as ExpectedListing).url);
        const pairs: [string, unknown, unknown][] = [
          ['name', got.name, want.name],
          ['licence', got.licence, want.licence],
          ['licenceUrl', got.licenceUrl, want.licenceUrl],
          ['foodLicence', got.foodLicence, want.foodLicence],
          ['listingIds', got.listingIds, want.listingIds],
          ['listingUrls', got.listingUrls, urls],
        ];
        for (const [field, g, w] of pairs) {
          stats.shopFields++;
          check(what, field, g, w);
        }
      });

      const listings = shops.flatMap((s) => s.listingIds.map((id) => m.expectedListing(day, id) as ExpectedListing));
      await pool(listings, CONCURRENCY, async (want) => {
        const got = extractListing(want.url, await fetchHtml(want.url));
        const what = `day ${day} listing ${want.id} (${want.platform})`;
        stats.listings++;
        if (want.originalPrice !== null) seen.originalPrice++;
        if (want.promotion !== null) seen.promotion++;
        stats.byPlatform[want.platform] = (stats.byPlatform[want.platform] ?? 0) + 1;
        if (!got) {
          mismatches.push(`${what}: nothing extracted`);
          return;
        }
        stats.bySource[got.source] = (stats.bySource[got.source] ?? 0) + 1;
        for (const f of LISTING_FIELDS) {
          stats.listingFields++;
          check(what, f, got[f], want[f]);
        }
        stats.listingFields++;
        check(what, 'source', got.source, markupOf(want));
      });
    }

    console.log(
      `[extract] days ${DAYS.join(',')}: ${stats.listings} listings (${JSON.stringify(stats.byPlatform)}; sources ${JSON.stringify(stats.bySource)}), ` +
        `${stats.listingFields} listing fields; ${stats.shops} shops, ${stats.shopFields} shop fields; ${mismatches.length} mismatches; ${Date.now() - started} ms; non-null expected ${JSON.stringify(seen)}`,
    );
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(stats.listings).toBeGreaterThan(500);
    for (const p of ['tmall-like', 'jd-like', 'pdd-like', 'own-site']) expect(stats.byPlatform[p], p).toBeGreaterThan(0);
    expect(Object.keys(stats.bySource).sort()).toEqual(['adapter', 'json-ld', 'microdata', 'opengraph']);
  });

  it('the generic extractor alone reads title, price and currency from JSON-LD, microdata and OpenGraph pages', async () => {
    m.setDay(3);
    const listings = m.shopIds
      .map((id) => m.expectedShop(3, id) as ExpectedShop)
      .flatMap((s) => s.listingIds.map((id) => m.expectedListing(3, id) as ExpectedListing));
    const checked: Record<string, number> = {};
    const bad: string[] = [];
    await pool(listings, CONCURRENCY, async (want) => {
      const got = extractGeneric(await fetchHtml(want.url));
      const markup = markupOf(want);
      checked[markup] = (checked[markup] ?? 0) + 1;
      if (markup === 'adapter') {
        if (got !== null) bad.push(`${want.id}: generic found something on a page without structured data`);
        return;
      }
      const fields = { title: got?.title, price: got?.price, currency: got?.currency, source: got?.source };
      const expected = { title: want.title, price: want.price, currency: want.currency, source: markup };
      if (JSON.stringify(fields) !== JSON.stringify(expected)) bad.push(`${want.id}: ${JSON.stringify(fields)} ≠ ${JSON.stringify(expected)}`);
      if (markup !== 'opengraph' && got?.seller !== want.seller) bad.push(`${want.id}: seller ${got?.seller}`);
      if (got?.category !== want.category) bad.push(`${want.id}: category ${got?.category}`);
    });
    console.log(`[extract] generic only, day 3: ${JSON.stringify(checked)} pages, ${bad.length} mismatches`);
    expect(bad.slice(0, 20)).toEqual([]);
    for (const k of ['json-ld', 'microdata', 'opengraph']) expect(checked[k], k).toBeGreaterThan(0);
  });

  it('returns null, without throwing, on the malformed hostile page', async () => {
    // its <title> is never closed, so (as in a browser) the whole rest of the page is title text: no product
    const page = m.groundTruth(3).hostile.find((h) => h.kind === 'malformed-html')!;
    const html = await fetchHtml(page.url);
    expect(extractListing(page.url, html)).toBeNull();
    expect(extractGeneric(html)).toBeNull();
    expect(extractListing(page.url, html.replace('<body>', '</title><body>'))).toMatchObject({ source: 'adapter', currency: 'CNY' });
  });

  it('chooses adapters by URL prefix', () => {
    const base = 'http://127.0.0.1:1';
    expect(adapterFor(`${base}/p/tmall-like/item/x`)?.id).toBe('tmall-like');
    expect(adapterFor(`${base}/p/jd-like/item/x.html`)?.id).toBe('jd-like');
    expect(adapterFor(`${base}/p/pdd-like/goods?id=x`)?.id).toBe('pdd-like');
    expect(adapterFor(`${base}/site/shop.example/product/x`)?.id).toBe('own-site');
    expect(adapterFor('https://shop.example.org/item/1')).toBeNull();
  });
});

const doc = (head: string, body = '') => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>${head}</head><body>${body}</body></html>`;
const ld = (data: unknown) => `<script type="application/ld+json">${typeof data === 'string' ? data : JSON.stringify(data)}</script>`;

describe('generic extractor: unusual and broken markup', () => {
  it('skips a malformed JSON-LD block and reads the next one', () => {
    const html = doc(ld('{"@context": "https://schema.org", "@type": "Product", "name": "坏的') + ld({ '@type': 'Product', name: '好的', offers: { '@type': 'Offer', price: '9.90', priceCurrency: 'CNY' } }));
    expect(extractGeneric(html)).toMatchObject({ title: '好的', price: 9.9, currency: 'CNY', source: 'json-ld' });
  });

  it('tolerates trailing commas and raw newlines in a JSON-LD block', () => {
    const html = doc(ld('{"@type": "Product", "name": "两行\n标题", "offers": {"@type": "Offer", "price": 5,},}'));
    expect(extractGeneric(html)).toMatchObject({ title: '两行 标题', price: 5 });
  });

  it('finds the Product in an @graph, with a prefixed @type among other nodes', () => {
    const html = doc(
      ld({
        '@context': 'https://schema.org',
        '@graph': [
          { '@type': 'WebPage', name: '页面' },
          { '@type': 'BreadcrumbList', itemListElement: [] },
          { '@type': ['schema:Product'], name: '图谱商品', category: ['食品', '茶叶'], brand: { '@type': 'Brand', name: '泰山' }, offers: [{ '@type': 'Offer', price: 128, priceCurrency: 'cny' }] },
        ],
      }),
    );
    expect(extractGeneric(html)).toMatchObject({ title: '图谱商品', price: 128, currency: 'CNY', category: '食品 > 茶叶', brand: '泰山' });
  });

  it('reads AggregateOffer lowPrice, and the first priced offer of an array', () => {
    const agg = doc(ld({ '@type': 'Product', name: '多规格', offers: { '@type': 'AggregateOffer', lowPrice: '1,299.00', highPrice: '1599', priceCurrency: 'CNY', offerCount: 3 } }));
    expect(extractGeneric(agg)).toMatchObject({ price: 1299 });
    const arr = doc(ld({ '@type': 'Product', name: '数组', offers: [{ '@type': 'Offer' }, { '@type': 'Offer', price: '¥12.5' }, { '@type': 'Offer', price: 99 }] }));
    expect(extractGeneric(arr)).toMatchObject({ price: 12.5, currency: 'CNY' });
  });

  it('decodes HTML entities and collapses whitespace in JSON-LD strings', () => {
    const html = doc(ld({ '@type': 'Product', name: '  鲁花&amp;花生油\t 5L &#x4E00;级 ', offers: { price: '59' } }));
    expect(extractGeneric(html)?.title).toBe('鲁花&花生油 5L 一级');
  });

  it('reads microdata: content attributes over text, nested Offer and seller items, scoped names', () => {
    const html = doc(
      '',
      `<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name"> 微数据&amp;商品 </h1>
       <span itemprop="description">描述</span><span itemprop="category">家电</span><meta itemprop="sku" content="A-1">
       <div itemprop="offers" itemscope itemtype="http://schema.org/Offer">
         <span itemprop="price" content="1299.00">¥1,299</span><meta itemprop="priceCurrency" content="CNY">
         <div itemprop="seller" itemscope itemtype="http://schema.org/Organization"><span itemprop="name">某某旗舰店</span></div>
       </div></div>`,
    );
    expect(extractGeneric(html)).toMatchObject({ title: '微数据&商品', description: '描述', category: '家电', sku: 'A-1', price: 1299, currency: 'CNY', seller: '某某旗舰店', source: 'microdata' });
  });

  it('reads OpenGraph product tags, and ignores og:title without a price', () => {
    const html = doc('<meta property="og:title" content="OG 商品"><meta property="og:description" content="说明"><meta property="product:price:amount" content="１２.９"><meta property="product:price:currency" content="CNY"><meta property="product:original_price:amount" content="19.90">');
    expect(extractGeneric(html)).toMatchObject({ title: 'OG 商品', description: '说明', price: 12.9, originalPrice: 19.9, currency: 'CNY', source: 'opengraph' });
    expect(extractGeneric(doc('<meta property="og:title" content="首页">'))).toBeNull();
    expect(extractGeneric(doc('', '<p>没有商品</p>'))).toBeNull();
  });

  it('parses prices and counts as Chinese shops write them', () => {
    expect(parsePrice('¥1,299.00')).toBe(1299);
    expect(parsePrice('1299元')).toBe(1299);
    expect(parsePrice('￥１，２９９．５０')).toBe(1299.5);
    expect(parsePrice('RMB 12.9')).toBe(12.9);
    expect(parsePrice('原价 ¥ 39.90')).toBe(39.9);
    expect(parsePrice(12.345)).toBe(12.35);
    expect(parsePrice('面议')).toBeNull();
    expect(parseCount('已拼3.2万件')).toBe(32000);
    expect(parseCount('月销量 1,234')).toBe(1234);
    expect(parseCount('剩余１２件')).toBe(12);
  });

  it('reads a licence block by its labels, and a food licence from text', () => {
    const html = doc('', '<div class="lic"><dl><dt>企业名称</dt><dd> 济南某某食品有限公司 </dd><dt>统一社会信用代码</dt><dd>91370102MA3C00000X</dd><dt>住所</dt><dd>济南市历下区解放路1号</dd></dl><p>食品经营许可证：JY13701020000001</p></div>');
    expect(extractLicencePage(html)).toEqual({
      licence: { name: '济南某某食品有限公司', uscc: '91370102MA3C00000X', address: '济南市历下区解放路1号' },
      foodLicence: 'JY13701020000001',
    });
    const plain = extractShop('https://unknown.example/', doc('', '<h1>某店</h1><footer>企业名称：某某商贸有限公司 统一社会信用代码：91370102MA3C00000X 地址：济南</footer>'));
    expect(plain).toMatchObject({ name: '某店', licence: { name: '某某商贸有限公司', uscc: '91370102MA3C00000X', address: '济南' }, foodLicence: null, listingUrls: [] });
  });
});
