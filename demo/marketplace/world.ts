/**
 * The world of the demo marketplace: shops (from the demo province plan), their listings, and the state
 * of every shop and listing on a simulated day. Everything is a pure function of (seed, entities, day):
 * each value is drawn from a `Random` seeded by the seed and the value's identity (listing id, epoch,
 * day), never from a running stream, so a day can be computed without replaying the days before it.
 *
 * Invariant (tested): the same (seed, entities, day) gives the same shops, listings, pages and ground
 * truth on every machine; no clock and no `Math.random` is read anywhere in this folder.
 */
import { ShopClassification } from '../../entities';
import { INDUSTRIES, surname, type Industry } from '../names';
import { type PlannedBadgeDisplay, planDemoFilings } from '../plan-demo-filings';
import { type DemoPlan, type PlannedEntity, planDemoProvince } from '../plan-demo-province';
import { Random } from '../random';
import { makeUscc, USCC_ALPHABET } from '../../services/registry/uscc';
import {
  ABSOLUTE_TITLE_TERMS,
  AGRI_INDUSTRIES,
  FOOD_INDUSTRIES,
  LOOKALIKES,
  PRODUCTS,
  PROMOTIONS,
  type ProductSpec,
  TODAY_ONLY,
} from './catalog';

/** The simulated platforms and the own-site group, each crawled as its own "site". */
export type PlatformId = 'tmall-like' | 'jd-like' | 'pdd-like' | 'own-site';

/** Which simulated platform hosts a register platform's shops. */
export const PLATFORM_OF: Readonly<Record<string, PlatformId>> = {
  淘宝: 'tmall-like',
  天猫: 'tmall-like',
  京东: 'jd-like',
  抖音电商: 'jd-like',
  拼多多: 'pdd-like',
  快手电商: 'pdd-like',
  微店: 'pdd-like',
  自建网站: 'own-site',
};

const KEY_PREFIX: Readonly<Record<string, string>> = {
  淘宝: 't',
  天猫: 'm',
  京东: 'j',
  抖音电商: 'd',
  拼多多: 'p',
  快手电商: 'k',
  微店: 'w',
};

/** Rule ids of the known violations (one rule file each, later, in kernel/rules/). */
export type RuleId =
  | 'absolute-terms'
  | 'fake-original-price'
  | 'fake-today-only'
  | 'food-licence-missing'
  | 'licence-missing'
  | 'licence-mismatch';

export const RULE_IDS: readonly RuleId[] = [
  'absolute-terms',
  'fake-original-price',
  'fake-today-only',
  'food-licence-missing',
  'licence-missing',
  'licence-mismatch',
];

/** How a listing is seeded to behave; the price rules of the ground truth are evaluated, not read from this. */
export type ListingMode =
  | 'plain'
  | 'absolute'
  | 'absolute-lookalike'
  | 'fake-original'
  | 'honest-original'
  | 'fake-today-only'
  | 'real-today-only';

/** How a shop's licence display (亮照) is seeded to behave. */
export type LicenceMode = 'ok' | 'missing' | 'name-mismatch' | 'uscc-mismatch' | 'address-only' | 'flapping';

export interface LicenceInfo {
  name: string;
  uscc: string;
  address: string;
}

export interface WorldListing {
  id: string;
  shopKey: string;
  slot: number;
  /** null: always listed; otherwise the listing exists in generation `gen` only while it is live */
  churn: { period: number; live: number; phase: number; gen: number } | null;
  mode: ListingMode;
  product: ProductSpec;
  title: string;
  description: string;
  category: string;
  baseFen: number;
  epochLen: number;
  epochOff: number;
  promoOff: number;
  flashOff: number;
  salesBase: number;
  salesRate: number;
  lookalike: (typeof LOOKALIKES)[number] | null;
  absoluteTerm: string | null;
}

export interface WorldShop {
  key: string;
  platform: PlatformId;
  /** platform name as in the register (淘宝, 京东, 自建网站 …) */
  registerPlatform: string;
  /** the shop's URL in the register (an `.example` address; the marketplace serves it under `url`) */
  registerUrl: string;
  /** index of the shop in the demo plan */
  planIndex: number;
  name: string;
  entity: PlannedEntity | null;
  industry: Industry;
  classification: ShopClassification;
  /** own sites: JSON-LD or OpenGraph meta tags on product pages */
  ownSiteMarkup: 'json-ld' | 'opengraph' | null;
  licenceMode: LicenceMode;
  flapPhase: number;
  /** the licence the shop shows when it shows one */
  shownLicence: LicenceInfo;
  /** 食品经营许可证 number shown, or null */
  foodLicence: string | null;
  sellsFood: boolean;
  exemptAgri: boolean;
  stableSlots: number;
  churnSlots: number;
}

/** Public shop state on a day: what a perfect extractor reads from the shop's pages. */
export interface ExpectedShop {
  id: string;
  platform: PlatformId;
  url: string;
  name: string;
  registerPlatform: string;
  registerUrl: string;
  /** USCC and name of the register entity behind the shop, or null for an unlinked shop */
  registerUscc: string | null;
  registerName: string | null;
  /** the licence block (亮照) shown today, or null when none is shown */
  licence: LicenceInfo | null;
  /** where the licence is shown: inline on the shop page, or on a linked page (tmall-like) */
  licenceUrl: string | null;
  /** 食品经营许可证 number shown, or null */
  foodLicence: string | null;
  /** ids of the listings live today, in page order (hostile links are not listings) */
  listingIds: string[];
}

/** Public listing state on a day: what a perfect extractor reads from the product page. */
export interface ExpectedListing {
  id: string;
  shopId: string;
  platform: PlatformId;
  url: string;
  title: string;
  description: string;
  /** price in yuan (two decimals at most) and in fen */
  price: number;
  priceFen: number;
  originalPrice: number | null;
  originalPriceFen: number | null;
  promotion: string | null;
  sales: number;
  stock: number;
  category: string;
  seller: string;
  currency: 'CNY';
}

export interface Violation {
  rule: RuleId;
  target: 'listing' | 'shop';
  id: string;
  url: string;
  platform: PlatformId;
  detail: string;
}

export interface LookAlike {
  rule: RuleId;
  target: 'listing' | 'shop';
  id: string;
  url: string;
  platform: PlatformId;
  /** why this looks like a violation but is not one */
  why: string;
}

export type HostileKind =
  | 'huge'
  | 'slow'
  | 'redirect-loop'
  | 'foreign-redirect'
  | 'wrong-content-type'
  | 'image-as-html'
  | 'malformed-html';

export interface HostilePage {
  kind: HostileKind;
  url: string;
  platform: PlatformId;
  /** the shop page that links to it */
  linkedFrom: string;
  behaviour: string;
}

export interface GroundTruth {
  day: number;
  violations: Violation[];
  negatives: LookAlike[];
  hostile: HostilePage[];
}

/** Days of price history the fake-original-price rule looks back over (价格违法行为行政处罚规定, 禁止价格欺诈规定 第六条). */
export const ORIGINAL_PRICE_WINDOW = 7;
/** Licence display of a `flapping` shop: shown on days where (day + phase) % FLAP_PERIOD < FLAP_SHOWN. */
export const FLAP_PERIOD = 6;
const FLAP_SHOWN = 3;
/** Churning listings: generation = floor((day + phase) / period); live in the first `live` days of it. */
const CHURN_PERIOD = 10;
const CHURN_LIVE = 7;
const FLASH_PERIOD = 5;

const INDUSTRY_LIST = INDUSTRIES.map(([i]) => i);

export interface WorldOptions {
  seed: string;
  /** entities of the demo plan the shops come from; default 200 (≈ 385 shops) */
  entities?: number;
}

/** The static world (shops, listing specs); its day functions and truth.ts give the state on a day. */
export class World {
  readonly seed: string;
  readonly plan: DemoPlan;
  readonly shops: WorldShop[];
  readonly shopByKey = new Map<string, WorldShop>();
  /** stable listings by id (churn listings are made on demand) */
  private readonly stable = new Map<string, WorldListing>();
  private readonly churnCache = new Map<string, WorldListing>();
  private readonly priceCache = new Map<string, number>();
  /**
   * Shop pages that show a self-filing badge (电子标识), by shop key: their own, a revoked one, or a copy of
   * another shop's (demo/plan-demo-filings.ts, the plan the demo loader files). The identifier
   * itself is signed by the platform and handed to the marketplace at run time (`setBadges`).
   */
  readonly badgeDisplays = new Map<string, PlannedBadgeDisplay>();

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.plan = planDemoProvince({ seed: options.seed, entities: options.entities ?? 200 });
    const shops: WorldShop[] = [];
    this.plan.shops.forEach((planned, planIndex) => {
      const platform = PLATFORM_OF[planned.platform];
      if (!platform) return;
      const r = this.rnd('shop', planIndex);
      const entity = planned.entityIndex === null ? null : this.plan.entities[planned.entityIndex];
      const industry = industryOf(entity, planned.name, r);
      const key = platform === 'own-site' ? planned.domain : `${KEY_PREFIX[planned.platform]}${planned.platformShopId}`;
      const sellsFood = FOOD_INDUSTRIES.has(industry.key);
      const x = r.next();
      let licenceMode: LicenceMode =
        x < 0.1 ? 'missing' : x < 0.15 ? 'name-mismatch' : x < 0.2 ? 'uscc-mismatch' : x < 0.24 ? 'address-only' : 'ok';
      if (!entity && (licenceMode === 'name-mismatch' || licenceMode === 'uscc-mismatch' || licenceMode === 'address-only')) licenceMode = 'ok';
      shops.push({
        key,
        platform,
        registerPlatform: planned.platform,
        registerUrl: planned.url,
        planIndex,
        name: planned.name,
        entity,
        industry,
        classification: planned.classification,
        ownSiteMarkup: platform === 'own-site' ? (r.chance(0.5) ? 'json-ld' : 'opengraph') : null,
        licenceMode,
        flapPhase: 0,
        shownLicence: { name: '', uscc: '', address: '' },
        foodLicence: sellsFood && r.chance(0.7) ? `JY1${planned.regionCode.slice(0, 6)}${r.digits(7)}` : null,
        sellsFood,
        exemptAgri: AGRI_INDUSTRIES.has(industry.key),
        stableSlots: planned.classification === ShopClassification.OWN_SITE_NON_TRADING ? 0 : r.range(3, 8),
        churnSlots: planned.classification === ShopClassification.OWN_SITE_NON_TRADING ? 0 : r.chance(0.35) ? r.range(1, 2) : 0,
      });
    });
    // Guarantees independent of the seed: six flapping licences (one per phase, so that every pair of
    // consecutive days differs in at least one licence block) and every listing mode at least once.
    const linked = shops.filter((s) => s.entity && s.licenceMode === 'ok');
    for (let k = 0; k < FLAP_PERIOD && k < linked.length; k++) {
      const shop = linked[Math.floor((k * linked.length) / FLAP_PERIOD)];
      shop.licenceMode = 'flapping';
      shop.flapPhase = k;
    }
    for (const shop of shops) shop.shownLicence = this.licenceOf(shop);
    shops.sort((a, b) => (a.platform === b.platform ? cmp(a.key, b.key) : cmp(a.platform, b.platform)));
    this.shops = shops;
    for (const shop of shops) this.shopByKey.set(shop.key, shop);
    const keyByRegisterUrl = new Map(shops.map((s) => [s.registerUrl, s.key]));
    for (const d of planDemoFilings(this.plan).displays) {
      const key = keyByRegisterUrl.get(d.shownOn);
      if (key !== undefined) this.badgeDisplays.set(key, d);
    }

    const forced: ListingMode[] = ['absolute', 'absolute-lookalike', 'fake-original', 'honest-original', 'fake-today-only', 'real-today-only'];
    const byPlatform = new Map<PlatformId, number>();
    for (const shop of shops) {
      for (let slot = 0; slot < shop.stableSlots; slot++) {
        const n = byPlatform.get(shop.platform) ?? 0;
        byPlatform.set(shop.platform, n + 1);
        const force = n < forced.length * 3 && n % 3 === 0 ? forced[n / 3] : null;
        const listing = this.makeListing(shop, slot, null, force);
        this.stable.set(listing.id, listing);
      }
    }
  }

  /** A fresh generator for one value's identity. */
  rnd(...parts: (string | number)[]): Random {
    return new Random(`${this.seed}|mk|${parts.join('|')}`);
  }

  private licenceOf(shop: WorldShop): LicenceInfo {
    const r = this.rnd('licence', shop.key);
    const e = shop.entity;
    if (!e) {
      // an unlinked shop shows the licence of an individual business that is not in the register
      const county = this.plan.shops[shop.planIndex].regionCode.slice(0, 6);
      const family = surname(r);
      return {
        name: `${family}记${shop.industry.shopWords[0]}（个体工商户）`,
        uscc: safeUscc(r, county, '2'),
        address: `山东省${r.pick(['人民路', '建设路', '解放路'])}${r.range(1, 300)}号`,
      };
    }
    switch (shop.licenceMode) {
      case 'name-mismatch': {
        const other = this.plan.entities[(this.plan.entities.indexOf(e) + 7) % this.plan.entities.length];
        return { name: other.name === e.name ? `${e.name}分公司` : other.name, uscc: e.uscc, address: e.address };
      }
      case 'uscc-mismatch': {
        let uscc = e.uscc;
        const type = (e.uscc[1] === '2' || e.uscc[1] === '3' ? e.uscc[1] : '1') as '1' | '2' | '3';
        while (uscc === e.uscc) uscc = safeUscc(r, e.uscc.slice(2, 8), type);
        return { name: e.name, uscc, address: e.address };
      }
      case 'address-only':
        return { name: e.name, uscc: e.uscc, address: `${e.address.replace(/\d+号.*$/u, '')}${r.range(1, 999)}号（经营场所）` };
      default:
        return { name: e.name, uscc: e.uscc, address: e.address };
    }
  }

  private makeListing(shop: WorldShop, slot: number, churn: WorldListing['churn'], force: ListingMode | null): WorldListing {
    const id = churn ? `${shop.key}-${slot}g${churn.gen}` : `${shop.key}-${slot}`;
    const r = this.rnd('listing', id);
    const products = PRODUCTS[shop.industry.key] ?? PRODUCTS.daily;
    const product = r.pick(products);
    let mode: ListingMode = 'plain';
    if (force) mode = force;
    else if (!churn) {
      const x = r.next();
      mode =
        x < 0.04 ? 'absolute'
        : x < 0.08 ? 'absolute-lookalike'
        : x < 0.12 ? 'fake-original'
        : x < 0.27 ? 'honest-original'
        : x < 0.3 ? 'fake-today-only'
        : x < 0.34 ? 'real-today-only'
        : 'plain';
    }
    const brand = shop.name.slice(0, 2);
    const spec = r.pick(product.spec);
    let title = `${brand} ${product.noun} ${spec}`;
    let description = `${product.noun}，${spec}，山东发货，支持七天无理由退货。`;
    let absoluteTerm: string | null = null;
    let lookalike: WorldListing['lookalike'] = null;
    if (mode === 'absolute') {
      absoluteTerm = r.pick(ABSOLUTE_TITLE_TERMS);
      title = r.chance(0.5) ? `${absoluteTerm} ${title}` : `${title} ${absoluteTerm}`;
    } else if (mode === 'absolute-lookalike') {
      lookalike = r.pick(LOOKALIKES);
      if (lookalike.where === 'title') title = lookalike.text === '一级' ? `${title} 一级` : `${lookalike.text} ${product.noun} ${spec}`;
      else description = `${description}${lookalike.text}。`;
    }
    // prices end in 9 jiao or 0 fen: 12.90, 39.80 …
    const baseFen = Math.round((product.minYuan + r.next() * (product.maxYuan - product.minYuan)) * 10) * 10 - 10;
    return {
      id,
      shopKey: shop.key,
      slot,
      churn,
      mode,
      product,
      title,
      description,
      category: product.category,
      baseFen: Math.max(90, baseFen),
      epochLen: r.range(3, 9),
      epochOff: r.int(9),
      promoOff: r.int(4),
      flashOff: r.int(FLASH_PERIOD),
      salesBase: r.range(0, 20000),
      salesRate: r.range(0, 60),
      lookalike,
      absoluteTerm,
    };
  }

  /** The listing with this id, or null when the id was never made (churn ids are parsed). */
  listing(id: string): WorldListing | null {
    const stable = this.stable.get(id);
    if (stable) return stable;
    const m = /^(.+)-(\d+)g(-?\d+)$/u.exec(id);
    if (!m) return null;
    const shop = this.shopByKey.get(m[1]);
    const slot = Number(m[2]);
    if (!shop || slot < shop.stableSlots || slot >= shop.stableSlots + shop.churnSlots) return null;
    const cached = this.churnCache.get(id);
    if (cached) return cached;
    const phase = this.churnPhase(shop, slot);
    const made = this.makeListing(shop, slot, { period: CHURN_PERIOD, live: CHURN_LIVE, phase, gen: Number(m[3]) }, null);
    if (this.churnCache.size > 50_000) this.churnCache.clear();
    this.churnCache.set(id, made);
    return made;
  }

  private churnPhase(shop: WorldShop, slot: number): number {
    return this.rnd('phase', shop.key, slot).int(CHURN_PERIOD);
  }

  /** Ids of a shop's listings that are live on `day`, in page order. */
  listingIdsOn(shop: WorldShop, day: number): string[] {
    const ids: string[] = [];
    for (let slot = 0; slot < shop.stableSlots; slot++) ids.push(`${shop.key}-${slot}`);
    for (let slot = shop.stableSlots; slot < shop.stableSlots + shop.churnSlots; slot++) {
      const t = day + this.churnPhase(shop, slot);
      const gen = Math.floor(t / CHURN_PERIOD);
      if (t - gen * CHURN_PERIOD < CHURN_LIVE) ids.push(`${shop.key}-${slot}g${gen}`);
    }
    return ids;
  }

  /** True when the listing is listed on `day`. */
  isLive(l: WorldListing, day: number): boolean {
    if (day < 0) return false;
    if (!l.churn) return true;
    const t = day + l.churn.phase;
    const gen = Math.floor(t / l.churn.period);
    return gen === l.churn.gen && t - gen * l.churn.period < l.churn.live;
  }

  private levelFen(l: WorldListing, day: number): number {
    const epoch = Math.floor((day + l.epochOff) / l.epochLen);
    const u = this.rnd('epoch', l.id, epoch).next();
    return Math.round((l.baseFen * (0.85 + 0.3 * u)) / 10) * 10;
  }

  private isFlashDay(l: WorldListing, day: number): boolean {
    return l.mode === 'real-today-only' && (((day + l.flashOff) % FLASH_PERIOD) + FLASH_PERIOD) % FLASH_PERIOD === 0;
  }

  /** Price charged on `day`, in fen. */
  priceFen(l: WorldListing, day: number): number {
    const key = `${l.id}@${day}`;
    const hit = this.priceCache.get(key);
    if (hit !== undefined) return hit;
    let fen: number;
    if (l.mode === 'fake-today-only') fen = l.baseFen;
    else if (this.isFlashDay(l, day)) fen = Math.round((this.levelFen(l, day) * 0.7) / 10) * 10;
    else fen = this.levelFen(l, day);
    if (this.priceCache.size > 200_000) this.priceCache.clear();
    this.priceCache.set(key, fen);
    return fen;
  }

  /**
   * Highest price charged over the `ORIGINAL_PRICE_WINDOW` days before `day` while the listing was live,
   * or null. The market opens on day 0: there is no history before it, so a crawler that starts on day 0
   * can observe everything the price rules of the ground truth look at.
   */
  maxPriceBefore(l: WorldListing, day: number): number | null {
    let max: number | null = null;
    for (let d = Math.max(0, day - ORIGINAL_PRICE_WINDOW); d < day; d++) {
      if (!this.isLive(l, d)) continue;
      const p = this.priceFen(l, d);
      if (max === null || p > max) max = p;
    }
    return max;
  }

  originalFen(l: WorldListing, day: number): number | null {
    if (l.mode === 'fake-original') {
      const top = Math.max(this.maxPriceBefore(l, day) ?? 0, this.priceFen(l, day));
      return Math.ceil((top * 1.5) / 100) * 100 + 900;
    }
    if (l.mode === 'honest-original') {
      const m = this.maxPriceBefore(l, day);
      return m !== null && m > this.priceFen(l, day) ? m : null;
    }
    return null;
  }

  promotion(l: WorldListing, day: number): string | null {
    if (l.mode === 'fake-today-only') return TODAY_ONLY;
    if (this.isFlashDay(l, day)) return TODAY_ONLY;
    const window = Math.floor((day + l.promoOff) / 4);
    const r = this.rnd('promo', l.id, window);
    return r.chance(0.3) ? r.pick(PROMOTIONS) : null;
  }

  licenceShown(shop: WorldShop, day: number): boolean {
    if (shop.licenceMode === 'missing') return false;
    if (shop.licenceMode === 'flapping') return (((day + shop.flapPhase) % FLAP_PERIOD) + FLAP_PERIOD) % FLAP_PERIOD < FLAP_SHOWN;
    return true;
  }

  sales(l: WorldListing, day: number): number {
    return l.salesBase + l.salesRate * Math.max(0, day);
  }

  stock(l: WorldListing, day: number): number {
    const r = this.rnd('stock', l.id, day);
    return r.chance(0.05) ? 0 : r.range(1, 999);
  }
}

/** A valid USCC with a random body (bodies whose check character falls outside the alphabet are redrawn). */
function safeUscc(r: Random, division6: string, type: '1' | '2' | '3'): string {
  for (;;) {
    try {
      return makeUscc(division6, `MA${r.chars(6, USCC_ALPHABET)}`, type);
    } catch {
      // redraw
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The industry of a shop: from the entity's business scope, else from the product words in its name. */
function industryOf(entity: PlannedEntity | null, shopName: string, r: Random): Industry {
  if (entity) {
    const byScope = INDUSTRY_LIST.find((i) => i.scope === entity.businessScope);
    if (byScope) return byScope;
  }
  const byName = INDUSTRY_LIST.find((i) => i.products.some((p) => shopName.includes(p)) || i.shopWords.some((w) => shopName.includes(w)));
  return byName ?? r.pick(INDUSTRY_LIST);
}
