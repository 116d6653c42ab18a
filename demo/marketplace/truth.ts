/**
 * What a perfect crawler should see: the expected field values of every shop and listing on a day, the
 * known violations (and their lawful look-alikes) and the hostile pages. Price rules are evaluated from
 * the simulated price history, exactly as a rule check over observations would, so the ground truth and
 * the served pages cannot drift apart.
 */
import { licenceUrl, listingUrl, shopUrl } from './urls';
import {
  type ExpectedListing,
  type ExpectedShop,
  type GroundTruth,
  type HostileKind,
  type HostilePage,
  type LookAlike,
  ORIGINAL_PRICE_WINDOW,
  type PlatformId,
  type Violation,
  type World,
  type WorldShop,
} from './world';

const fenToYuan = (fen: number) => Math.round(fen) / 100;

/** The shop state on `day`; `base` is prefixed to every URL (e.g. `http://127.0.0.1:1234`). */
export function expectedShop(world: World, day: number, id: string, base = ''): ExpectedShop | null {
  const shop = world.shopByKey.get(id);
  if (!shop) return null;
  const shown = world.licenceShown(shop, day);
  const lic = licenceUrl(shop.platform, shop.key);
  return {
    id: shop.key,
    platform: shop.platform,
    url: base + shopUrl(shop.platform, shop.key),
    name: shop.name,
    registerPlatform: shop.registerPlatform,
    registerUrl: shop.registerUrl,
    registerUscc: shop.entity?.uscc ?? null,
    registerName: shop.entity?.name ?? null,
    licence: shown ? { ...shop.shownLicence } : null,
    licenceUrl: shown && lic ? base + lic : null,
    foodLicence: shop.foodLicence,
    listingIds: world.listingIdsOn(shop, day),
  };
}

/** The listing state on `day`, or null when the listing is not listed that day (or never existed). */
export function expectedListing(world: World, day: number, id: string, base = ''): ExpectedListing | null {
  const l = world.listing(id);
  if (!l || !world.isLive(l, day)) return null;
  const shop = world.shopByKey.get(l.shopKey) as WorldShop;
  const priceFen = world.priceFen(l, day);
  const originalFen = world.originalFen(l, day);
  return {
    id: l.id,
    shopId: shop.key,
    platform: shop.platform,
    url: base + listingUrl(shop.platform, shop.key, l.id),
    title: l.title,
    description: l.description,
    price: fenToYuan(priceFen),
    priceFen,
    originalPrice: originalFen === null ? null : fenToYuan(originalFen),
    originalPriceFen: originalFen,
    promotion: world.promotion(l, day),
    sales: world.sales(l, day),
    stock: world.stock(l, day),
    category: l.category,
    seller: shop.name,
    currency: 'CNY',
  };
}

/** The hostile pages, each linked from the first shop (in directory order) of its platform. */
export function hostilePages(world: World, base = ''): HostilePage[] {
  const first = (p: PlatformId) => world.shops.find((s) => s.platform === p);
  const out: HostilePage[] = [];
  const add = (platform: PlatformId, kind: HostileKind, url: string, behaviour: string) => {
    const shop = first(platform);
    if (shop) out.push({ kind, url: base + url, platform, linkedFrom: base + shopUrl(platform, shop.key), behaviour });
  };
  add('tmall-like', 'huge', '/p/tmall-like/item/hx-huge', 'a product page of `hugeBytes` bytes (default 15 MiB), text/html');
  add('tmall-like', 'slow', '/p/tmall-like/item/hx-slow', 'a normal-sized product page sent after `slowMs` (default 5000 ms)');
  add('jd-like', 'redirect-loop', '/p/jd-like/item/hx-loop.html', '302 → /p/jd-like/go/loop-a → 302 /p/jd-like/go/loop-b → 302 /p/jd-like/go/loop-a … forever');
  add('jd-like', 'foreign-redirect', '/p/jd-like/item/hx-away.html', '302 to http://evil.example/collect (a host that is not the marketplace)');
  add('pdd-like', 'wrong-content-type', '/p/pdd-like/goods?id=hx-octet', 'a product page (HTML) served as application/octet-stream');
  add('pdd-like', 'image-as-html', '/p/pdd-like/img/hx-banner.jpg', 'PNG bytes served as text/html; charset=utf-8 (linked as <a> and <img>)');
  add('pdd-like', 'malformed-html', '/p/pdd-like/goods?id=hx-malformed', 'unclosed tags, stray end tags, <meta charset="gb2312"> over a UTF-8 body, a truncated document');
  return out;
}

/** Every known violation on `day`, the look-alikes that a rule must not flag, and the hostile pages. */
export function groundTruth(world: World, day: number, base = ''): GroundTruth {
  const violations: Violation[] = [];
  const negatives: LookAlike[] = [];
  for (const shop of world.shops) {
    const shopHref = base + shopUrl(shop.platform, shop.key);
    const v = (rule: Violation['rule'], detail: string) =>
      violations.push({ rule, target: 'shop', id: shop.key, url: shopHref, platform: shop.platform, detail });
    const n = (rule: LookAlike['rule'], why: string) =>
      negatives.push({ rule, target: 'shop', id: shop.key, url: shopHref, platform: shop.platform, why });
    const shown = world.licenceShown(shop, day);
    if (!shown) v('licence-missing', shop.licenceMode === 'flapping' ? '亮照信息今日未展示（间歇性撤下）' : '店铺未展示营业执照信息');
    else if (shop.platform === 'tmall-like') n('licence-missing', '营业执照信息在单独的“资质信息”页面展示（店铺首页有链接），属于已亮照');
    const e = shop.entity;
    if (shown && e) {
      const lic = shop.shownLicence;
      if (lic.name !== e.name) v('licence-mismatch', `亮照名称“${lic.name}”与登记名称“${e.name}”不一致`);
      else if (lic.uscc !== e.uscc) v('licence-mismatch', `亮照统一社会信用代码 ${lic.uscc} 与登记代码 ${e.uscc} 不一致`);
      else if (lic.address !== e.address) n('licence-mismatch', '名称与统一社会信用代码一致，仅经营场所地址不同（不属于主体信息不符）');
    }
    const hasListings = shop.stableSlots + shop.churnSlots > 0;
    if (hasListings && shop.sellsFood && !shop.foodLicence) v('food-licence-missing', `经营${shop.industry.zh}（预包装食品）但未展示食品经营许可证`);
    else if (hasListings && shop.exemptAgri) n('food-licence-missing', '仅销售食用农产品，依法无需取得食品经营许可证');
    else if (hasListings && shop.sellsFood) n('food-licence-missing', '销售食品并已展示食品经营许可证');

    for (const id of world.listingIdsOn(shop, day)) {
      const l = world.listing(id);
      if (!l) continue;
      const url = base + listingUrl(shop.platform, shop.key, id);
      const lv = (rule: Violation['rule'], detail: string) => violations.push({ rule, target: 'listing', id, url, platform: shop.platform, detail });
      const ln = (rule: LookAlike['rule'], why: string) => negatives.push({ rule, target: 'listing', id, url, platform: shop.platform, why });
      if (l.absoluteTerm) lv('absolute-terms', `标题含绝对化用语“${l.absoluteTerm}”`);
      if (l.lookalike) ln('absolute-terms', `含“${l.lookalike.text}”：${l.lookalike.why}`);
      const price = world.priceFen(l, day);
      const original = world.originalFen(l, day);
      if (original !== null) {
        const before = world.maxPriceBefore(l, day);
        if (before === null || original > before) {
          lv('fake-original-price', `标示原价 ${original / 100} 元，前 ${ORIGINAL_PRICE_WINDOW} 日最高成交价 ${before === null ? '无' : before / 100} 元`);
        } else {
          ln('fake-original-price', `标示原价 ${original / 100} 元为前 ${ORIGINAL_PRICE_WINDOW} 日内实际收取过的价格`);
        }
      }
      const promo = world.promotion(l, day);
      if (promo?.includes('仅限今日')) {
        const yesterday = world.isLive(l, day - 1) ? world.priceFen(l, day - 1) : null;
        // without yesterday's price (day 0, or listed today) the claim cannot be judged: neither list
        if (yesterday !== null && price >= yesterday) lv('fake-today-only', `标示“仅限今日”，但今日价 ${price / 100} 元不低于昨日价 ${yesterday / 100} 元`);
        else if (yesterday !== null) ln('fake-today-only', `“仅限今日”价 ${price / 100} 元确实低于昨日价 ${yesterday / 100} 元，次日恢复`);
      }
    }
  }
  return { day, violations, negatives, hostile: hostilePages(world, base) };
}

