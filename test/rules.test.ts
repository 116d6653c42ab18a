/**
 * Rule checks (kernel/rules): hand-written positives and look-alike negatives per rule, the lexicon read
 * from the context, and scoring against the demo marketplace's ground truth for days 0–3, with facts built
 * straight from `expectedShop` / `expectedListing` (no crawl, no database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExpectedListing, type ExpectedShop, type Marketplace, RULE_IDS, startMarketplace } from '../demo/marketplace';
import {
  DEFAULT_LEXICON,
  evaluateListing,
  evaluateShop,
  type Lexicon,
  type ListingFacts,
  type PricePoint,
  type RegisterFacts,
  RULES,
  type RuleContext,
  type RuleHit,
  type ShopFacts,
} from '../kernel/rules';

const ctx: RuleContext = { lexicon: DEFAULT_LEXICON };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** day 0, 10:00 Beijing time */
const T0 = Date.UTC(2025, 0, 6, 2, 0, 0);
const at = (day: number, minutes = 0) => new Date(T0 + day * DAY + minutes * 60_000);

const REG: RegisterFacts = { entityId: 7, uscc: '91370100MA3C5XXXXL', name: '济南红盾食品有限公司', status: 'active' };

function shop(over: Partial<ShopFacts> = {}): ShopFacts {
  return {
    shopId: 1,
    regionCode: '370102',
    observedAt: at(5),
    url: 'http://127.0.0.1/p/jd-like/shop/j1.html',
    name: '红盾食品旗舰店',
    licence: { name: REG.name, uscc: REG.uscc, address: '山东省济南市历下区解放路1号' },
    licenceUrl: null,
    foodLicence: null,
    register: REG,
    registerByShownUscc: REG,
    listingCategories: [],
    listingTitles: [],
    listingCount: 0,
    ...over,
  };
}

function listing(over: Partial<ListingFacts> = {}): ListingFacts {
  return {
    listingId: 11,
    shopId: 1,
    regionCode: '370102',
    observedAt: at(5),
    url: 'http://127.0.0.1/p/jd-like/item/j1-0.html',
    title: '红盾 纯棉短袖T恤 L',
    description: '纯棉短袖T恤，L，山东发货，支持七天无理由退货。',
    category: '服饰/男装',
    price: 59.9,
    originalPrice: null,
    promotion: null,
    history: [],
    ...over,
  };
}

const fired = (hits: RuleHit[], rule: string) => hits.filter((h) => h.ruleId === rule);
const shopHits = (f: ShopFacts, rule: string, c: RuleContext = ctx) => fired(evaluateShop(f, c), rule);
const listingHits = (f: ListingFacts, rule: string, c: RuleContext = ctx) => fired(evaluateListing(f, c), rule);
const daily = (prices: [daysAgo: number, price: number, minutes?: number][]): PricePoint[] =>
  prices.map(([d, price, minutes]) => ({ observedAt: at(5 - d, minutes ?? 0), price })).sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());

describe('rule catalogue', () => {
  it('has unique ids, covers every marketplace rule id, and carries metadata', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of RULE_IDS) expect(ids).toContain(id);
    expect(ids).toEqual(expect.arrayContaining(['prohibited-goods', 'regulated-permit-missing']));
    for (const r of RULES) {
      expect(r.nameZh && r.nameEn && r.descriptionZh).toBeTruthy();
      expect(r.legalBasis.length).toBeGreaterThan(0);
      expect(['low', 'medium', 'high']).toContain(r.severity);
    }
    expect(RULES.find((r) => r.id === 'fake-original-price')!.severity).toBe('high');
  });

  it('evaluates only the target and the enabled rules', () => {
    const s = shop({ licence: null, listingCategories: ['食品/酒类'] });
    expect(evaluateShop(s, ctx).map((h) => h.ruleId).sort()).toEqual(['food-licence-missing', 'licence-missing']);
    expect(evaluateShop(s, ctx, (id) => id !== 'licence-missing').map((h) => h.ruleId)).toEqual(['food-licence-missing']);
    const l = listing({ title: '顶级 纯棉T恤', originalPrice: 199 });
    const hits = evaluateListing(l, ctx);
    expect(hits.map((h) => h.ruleId).sort()).toEqual(['absolute-terms', 'fake-original-price']);
    expect(hits.every((h) => h.listingId === 11 && h.shopId === 1 && h.detail.length > 0)).toBe(true);
    expect(evaluateListing(l, ctx, (id) => id === 'absolute-terms').map((h) => h.ruleId)).toEqual(['absolute-terms']);
  });
});

describe('licence-missing', () => {
  it('hits a shop without a licence block', () => {
    const h = shopHits(shop({ licence: null }), 'licence-missing');
    expect(h).toHaveLength(1);
    expect(h[0].detail).toContain('未展示营业执照');
  });
  it('does not hit a licence shown inline or on a linked page', () => {
    expect(shopHits(shop(), 'licence-missing')).toEqual([]);
    expect(shopHits(shop({ licenceUrl: 'http://127.0.0.1/p/tmall-like/shop/m1/licence' }), 'licence-missing')).toEqual([]);
  });
});

describe('licence-mismatch', () => {
  const lic = (over: Partial<NonNullable<ShopFacts['licence']>>) => ({ name: REG.name, uscc: REG.uscc, address: '山东省济南市历下区解放路1号', ...over });
  it('hits a different name or USCC than the linked register entity', () => {
    const byName = shopHits(shop({ licence: lic({ name: '济南蓝盾商贸有限公司' }) }), 'licence-mismatch');
    expect(byName).toHaveLength(1);
    expect(byName[0].trigger).toMatchObject({ shownName: '济南蓝盾商贸有限公司', registerName: REG.name });
    const byUscc = shopHits(shop({ licence: lic({ uscc: '91370100MA3C5YYYYM' }) }), 'licence-mismatch');
    expect(byUscc).toHaveLength(1);
    expect(byUscc[0].detail).toContain('统一社会信用代码');
  });
  it('hits an unlinked shop whose shown USCC belongs to a register entity of another name', () => {
    const other: RegisterFacts = { entityId: 9, uscc: '92370102MA3C5ZZZZ1', name: '王记烧饼店（个体工商户）', status: 'active' };
    expect(shopHits(shop({ register: null, registerByShownUscc: other, licence: lic({ uscc: other.uscc, name: '李记烧饼店（个体工商户）' }) }), 'licence-mismatch')).toHaveLength(1);
  });
  it('leaves a revoked or cancelled register entity to registration-inactive', () => {
    expect(shopHits(shop({ register: { ...REG, status: 'revoked' }, registerByShownUscc: { ...REG, status: 'revoked' } }), 'licence-mismatch')).toEqual([]);
  });
  it('does not hit an address-only difference, bracket/whitespace/width variants, or what it cannot judge', () => {
    expect(shopHits(shop({ licence: lic({ address: '山东省济南市历下区解放路99号（经营场所）' }) }), 'licence-mismatch')).toEqual([]);
    const ind: RegisterFacts = { entityId: 3, uscc: '92370102MA3C5ZZZZ1', name: '王记烧饼店（个体工商户）', status: 'active' };
    const variants = ['王记烧饼店(个体工商户)', ' 王记 烧饼店（个体工商户） ', '王记烧饼店\u3000(个体工商户)'];
    for (const name of variants) expect(shopHits(shop({ register: ind, registerByShownUscc: ind, licence: { name, uscc: ind.uscc, address: 'x' } }), 'licence-mismatch')).toEqual([]);
    // full-width / lower-case USCC
    expect(shopHits(shop({ licence: lic({ uscc: '９１３７０１００ma3c5xxxxl' }) }), 'licence-mismatch')).toEqual([]);
    // unlinked, shown USCC not in the register; unlinked with a matching name; moved out is not revoked
    expect(shopHits(shop({ register: null, registerByShownUscc: null, licence: lic({ name: '某某', uscc: '92370102MA3C5QQQQ2' }) }), 'licence-mismatch')).toEqual([]);
    expect(shopHits(shop({ register: null, registerByShownUscc: REG }), 'licence-mismatch')).toEqual([]);
    expect(shopHits(shop({ register: { ...REG, status: 'moved_out' } }), 'licence-mismatch')).toEqual([]);
    // no licence shown: licence-missing's business
    expect(shopHits(shop({ licence: null }), 'licence-mismatch')).toEqual([]);
  });
});

describe('absolute-terms', () => {
  it('hits the marketplace terms and others, in title or description, also spaced out', () => {
    for (const term of ['全网最低价', '国家级', '顶级', '销量第一', '最佳口感', '第一品牌', '史上最强', '世界级', '最高级', '唯一', '首选', '极品', '万能', '独一无二'])
      expect(listingHits(listing({ title: `红盾 ${term} 纯棉T恤` }), 'absolute-terms'), term).toHaveLength(1);
    expect(listingHits(listing({ description: '口感最好的花生油。' }), 'absolute-terms')[0].trigger.terms).toEqual(['最好']);
    expect(listingHits(listing({ title: '红盾 顶 级 纯棉T恤' }), 'absolute-terms')).toHaveLength(1);
    // a brand does not launder a claim next to it
    expect(listingHits(listing({ title: '第一坊 周村烧饼 销量第一' }), 'absolute-terms')[0].trigger.terms).toEqual(['销量第一']);
    // overlapping terms are reported once, by the longest
    expect(listingHits(listing({ title: '全网最低价 抽纸' }), 'absolute-terms')[0].trigger.terms).toEqual(['全网最低价']);
  });
  it('does not hit lawful look-alikes', () => {
    const ok: Partial<ListingFacts>[] = [
      { title: '红盾 花生油 5L 一级' },
      { title: '第一坊 周村烧饼 300g×2盒' },
      { description: '补水面膜，10片，山东发货。附第一次使用说明。' },
      { description: '抽纸，24包，最近三天发货。' },
      { title: '特级初榨橄榄油 1L' },
      { title: '第一件原价 第二件半价 收纳箱' },
      { description: '下单最高可减20元。' },
      { description: '最高温度 100℃，最大功率 1800W。' },
      { description: '开封后最好在阴凉处保存，最佳赏味期 30 天。' },
      { title: '周村烧饼（国家级非物质文化遗产）' },
      { title: '一级能效 电热水壶' },
    ];
    for (const over of ok) expect(listingHits(listing(over), 'absolute-terms'), JSON.stringify(over)).toEqual([]);
  });
  it('reads terms and exceptions from the context lexicon', () => {
    const l = listing({ title: '顶级厨 电热水壶' });
    expect(listingHits(l, 'absolute-terms')).toHaveLength(1);
    const withBrand: Lexicon = { ...DEFAULT_LEXICON, absoluteExceptions: [...DEFAULT_LEXICON.absoluteExceptions, { text: '顶级厨', kind: 'brand', why: '注册商标' }] };
    expect(listingHits(l, 'absolute-terms', { lexicon: withBrand })).toEqual([]);
    const noTerms: Lexicon = { ...DEFAULT_LEXICON, absoluteTerms: ['独一无二'] };
    expect(listingHits(listing({ title: '顶级 T恤' }), 'absolute-terms', { lexicon: noTerms })).toEqual([]);
  });
});

describe('fake-original-price', () => {
  it('hits an original price above every price of the previous 7 days', () => {
    const h = listingHits(listing({ price: 99, originalPrice: 199, history: daily([[6, 129], [3, 159], [1, 99]]) }), 'fake-original-price');
    expect(h).toHaveLength(1);
    expect(h[0].trigger).toMatchObject({ originalPrice: 199, maxPrice7d: 159, observations7d: 3 });
  });
  it('hits an original price never observed (no history, or only older than 7 days)', () => {
    expect(listingHits(listing({ originalPrice: 199 }), 'fake-original-price')[0].trigger.maxPrice7d).toBeNull();
    expect(listingHits(listing({ originalPrice: 199, history: daily([[8, 199]]) }), 'fake-original-price')).toHaveLength(1);
  });
  it('does not hit an original price actually charged in the window (day d−7 at a later hour included), or no original price', () => {
    expect(listingHits(listing({ price: 99, originalPrice: 159, history: daily([[7, 159, 90], [2, 99]]) }), 'fake-original-price')).toEqual([]);
    expect(listingHits(listing({ price: 9.9, originalPrice: 12.9, history: daily([[1, 12.9]]) }), 'fake-original-price')).toEqual([]);
    expect(listingHits(listing({ originalPrice: null, history: [] }), 'fake-original-price')).toEqual([]);
  });
});

describe('fake-today-only', () => {
  it("hits an urgency claim when today's price is not below yesterday's", () => {
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 100, history: daily([[1, 100]]) }), 'fake-today-only')).toHaveLength(1);
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 110, history: daily([[1, 100]]) }), 'fake-today-only')).toHaveLength(1);
    expect(listingHits(listing({ title: '抽纸 24包 明日涨价', price: 30, history: daily([[1, 29]]) }), 'fake-today-only')).toHaveLength(1);
    // "yesterday" is the latest point 12–36 h before
    const h = listingHits(listing({ promotion: '今日特价', price: 100, history: [{ observedAt: new Date(at(5).getTime() - 30 * HOUR), price: 70 }, { observedAt: new Date(at(5).getTime() - 20 * HOUR), price: 100 }] }), 'fake-today-only');
    expect(h[0].trigger).toMatchObject({ yesterdayPrice: 100 });
  });
  it('does not hit a real one-day drop, an unjudgeable claim, or a non-urgent promotion', () => {
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 70, history: daily([[1, 100]]) }), 'fake-today-only')).toEqual([]);
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 100, history: daily([[2, 100]]) }), 'fake-today-only')).toEqual([]);
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 100, history: [{ observedAt: new Date(at(5).getTime() - 6 * HOUR), price: 100 }] }), 'fake-today-only')).toEqual([]);
    expect(listingHits(listing({ promotion: '仅限今日 特价', price: 100, history: [] }), 'fake-today-only')).toEqual([]);
    expect(listingHits(listing({ promotion: '限时包邮', price: 100, history: daily([[1, 100]]) }), 'fake-today-only')).toEqual([]);
    expect(listingHits(listing({ promotion: '第二件半价', price: 100, history: daily([[1, 100]]) }), 'fake-today-only')).toEqual([]);
  });
});

describe('food-licence-missing', () => {
  it('hits a shop selling licensed food without a 食品经营许可证', () => {
    expect(shopHits(shop({ listingCategories: ['食品/酒类'] }), 'food-licence-missing')).toHaveLength(1);
    const mixed = shopHits(shop({ listingCategories: ['生鲜/水果', '食品/糕点', '食品/糕点'] }), 'food-licence-missing');
    expect(mixed[0].trigger.foodCategories).toEqual(['食品/糕点']);
  });
  it('does not hit a licensed shop, an edible-agricultural-products-only shop, or a non-food shop', () => {
    expect(shopHits(shop({ listingCategories: ['食品/酒类'], foodLicence: 'JY13701020000001' }), 'food-licence-missing')).toEqual([]);
    expect(shopHits(shop({ listingCategories: ['生鲜/水果', '生鲜/蔬菜', '生鲜/杂粮'] }), 'food-licence-missing')).toEqual([]);
    expect(shopHits(shop({ listingCategories: ['食品/生鲜/水果'] }), 'food-licence-missing')).toEqual([]);
    expect(shopHits(shop({ listingCategories: ['服饰/男装', '宠物/主粮'] }), 'food-licence-missing')).toEqual([]);
    expect(shopHits(shop({ listingCategories: ['食品/休闲零食'], permits: ['仅销售预包装食品备案 YB13701020000001'] }), 'food-licence-missing')).toEqual([]);
  });
});

describe('regulated-permit-missing', () => {
  it('hits drugs or medical devices without their permit, when the permits are known', () => {
    const h = shopHits(shop({ permits: [], listingCategories: ['医疗器械/家用器械', '药品/中西药品'] }), 'regulated-permit-missing');
    expect(h.map((x) => x.trigger.group).sort()).toEqual(['drug', 'medical-device']);
  });
  it('does not hit a shown permit, a class I device category, or unknown permits', () => {
    expect(shopHits(shop({ permits: ['医疗器械经营许可证 鲁济食药监械经营许20250001号'], listingCategories: ['医疗器械/家用器械'] }), 'regulated-permit-missing')).toEqual([]);
    expect(shopHits(shop({ permits: [], listingCategories: ['医疗器械/第一类/医用棉签'] }), 'regulated-permit-missing')).toEqual([]);
    expect(shopHits(shop({ listingCategories: ['医疗器械/家用器械'] }), 'regulated-permit-missing')).toEqual([]);
  });
});

describe('prohibited-goods', () => {
  it('hits prohibited keywords and categories, and restricted goods without a permit', () => {
    const cases: Partial<ListingFacts>[] = [
      { title: '户外三棱刮刀 管制刀具 包邮' },
      { title: '金属仿真枪 可发射' },
      { description: '正品象牙制品，手工雕刻。' },
      { title: '手工摆件', category: '野生动物制品/工艺品' },
      { title: '处方药 阿莫西林胶囊 24粒', category: '药品/抗生素' },
      { title: '迷你针孔摄像头 无线' },
    ];
    for (const over of cases) expect(listingHits(listing(over), 'prohibited-goods'), JSON.stringify(over)).toHaveLength(1);
    expect(listingHits(listing(cases[0]), 'prohibited-goods')[0].trigger.kind).toBe('prohibited');
    expect(listingHits(listing(cases[4]), 'prohibited-goods')[0].trigger.kind).toBe('restricted');
  });
  it('does not hit look-alikes or restricted goods of a permitted shop', () => {
    const ok: Partial<ListingFacts>[] = [
      { title: '象牙白 针织开衫 均码' },
      { title: '仿真花 客厅摆件' },
      { title: '非处方药 维生素C泡腾片', category: '药品/非处方药' },
      { title: '儿童夏日水枪 玩具' },
      { title: '不锈钢厨房刀具套装', category: '家居/厨具' },
      { title: '子弹头造型充电宝 10000mAh' },
      { title: '处方药 阿莫西林胶囊', shopPermits: ['药品经营许可证 鲁AA5310001'] },
      {},
    ];
    for (const over of ok) expect(listingHits(listing(over), 'prohibited-goods'), JSON.stringify(over)).toEqual([]);
  });
});

describe('scoring against the demo marketplace ground truth (days 0–3, no database)', () => {
  const SEED = 'rules-test';
  const DAYS = [0, 1, 2, 3];
  const HISTORY_DAYS = 8;
  let m: Marketplace;

  beforeAll(async () => {
    m = await startMarketplace({ seed: SEED, entities: 200, slowMs: 10, hugeBytes: 1024 });
  });
  afterAll(async () => {
    await m?.close();
  });

  /** a deterministic crawl time on `day`: 10:00 ± 2 h, per page */
  const crawlTime = (id: string, day: number) => {
    let h = 0;
    for (const c of `${id}@${day}`) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return at(day, (h % 241) - 120);
  };

  it('scores precision = recall = 1 for every marketplace rule on every day', () => {
    const shopNum = new Map(m.shopIds.map((id, i) => [id, i + 1] as const));
    const shopKey = new Map(m.shopIds.map((id, i) => [i + 1, id] as const));
    const listingNum = new Map<string, number>();
    const listingKey = new Map<number, string>();
    const lid = (id: string) => {
      let n = listingNum.get(id);
      if (n === undefined) {
        n = listingNum.size + 1;
        listingNum.set(id, n);
        listingKey.set(n, id);
      }
      return n;
    };
    // the register, as the engine would look it up: by USCC
    const register = new Map<string, RegisterFacts>();
    for (const id of m.shopIds) {
      const s = m.expectedShop(0, id) as ExpectedShop;
      if (s.registerUscc && !register.has(s.registerUscc))
        register.set(s.registerUscc, { entityId: register.size + 1, uscc: s.registerUscc, name: s.registerName as string, status: 'active' });
    }

    const rows: Record<string, string | number>[] = [];
    const failures: string[] = [];
    const totals = new Map<string, { positives: number; negatives: number }>();
    for (const day of DAYS) {
      const predicted = new Map<string, Set<string>>();
      const add = (hits: RuleHit[]) => {
        for (const h of hits) {
          const key = h.listingId === null ? (shopKey.get(h.shopId) as string) : (listingKey.get(h.listingId) as string);
          const set = predicted.get(h.ruleId) ?? new Set<string>();
          set.add(key);
          predicted.set(h.ruleId, set);
        }
      };
      for (const id of m.shopIds) {
        const s = m.expectedShop(day, id) as ExpectedShop;
        const listings = s.listingIds.map((l) => m.expectedListing(day, l) as ExpectedListing);
        const facts: ShopFacts = {
          shopId: shopNum.get(id) as number,
          regionCode: '370000',
          observedAt: crawlTime(id, day),
          url: s.url,
          name: s.name,
          licence: s.licence,
          licenceUrl: s.licenceUrl,
          foodLicence: s.foodLicence,
          register: s.registerUscc ? (register.get(s.registerUscc) as RegisterFacts) : null,
          registerByShownUscc: s.licence ? (register.get(s.licence.uscc) ?? null) : null,
          listingCategories: listings.map((l) => l.category),
          listingTitles: listings.map((l) => l.title),
          listingCount: listings.length,
        };
        add(evaluateShop(facts, ctx));
        for (const l of listings) {
          const history: PricePoint[] = [];
          for (let d = Math.max(0, day - HISTORY_DAYS); d < day; d++) {
            const past = m.expectedListing(d, l.id);
            if (past) history.push({ observedAt: crawlTime(l.id, d), price: past.price });
          }
          add(
            evaluateListing(
              {
                listingId: lid(l.id),
                shopId: shopNum.get(id) as number,
                regionCode: '370000',
                observedAt: crawlTime(l.id, day),
                url: l.url,
                title: l.title,
                description: l.description,
                category: l.category,
                price: l.price,
                originalPrice: l.originalPrice,
                promotion: l.promotion,
                history,
              },
              ctx,
            ),
          );
        }
      }

      const truth = m.groundTruth(day);
      for (const rule of RULE_IDS) {
        const positives = new Set(truth.violations.filter((v) => v.rule === rule).map((v) => v.id));
        const negatives = new Set(truth.negatives.filter((v) => v.rule === rule).map((v) => v.id));
        const got = predicted.get(rule) ?? new Set<string>();
        const tp = [...got].filter((x) => positives.has(x)).length;
        const fp = [...got].filter((x) => !positives.has(x));
        const fn = [...positives].filter((x) => !got.has(x));
        const negHit = [...negatives].filter((x) => got.has(x)).length;
        const precision = got.size === 0 ? 1 : tp / got.size;
        const recall = positives.size === 0 ? 1 : tp / positives.size;
        const t = totals.get(rule) ?? { positives: 0, negatives: 0 };
        t.positives += positives.size;
        t.negatives += negatives.size;
        totals.set(rule, t);
        rows.push({ day, rule, positives: positives.size, negatives: negatives.size, hits: got.size, tp, fp: fp.length, fn: fn.length, negHit, precision: precision.toFixed(3), recall: recall.toFixed(3) });
        if (fp.length || fn.length) failures.push(`day ${day} ${rule}: false positives ${fp.slice(0, 5).join(', ')}; missed ${fn.slice(0, 5).join(', ')}`);
      }
      for (const rule of ['prohibited-goods', 'regulated-permit-missing']) {
        const got = predicted.get(rule);
        if (got?.size) failures.push(`day ${day} ${rule}: ${got.size} hits on a marketplace without any (${[...got].slice(0, 5).join(', ')})`);
      }
    }
    console.table(rows);
    expect(failures).toEqual([]);
    // the scores mean something: every rule has positives and look-alike negatives over the days
    for (const rule of RULE_IDS) {
      expect(totals.get(rule)!.positives, rule).toBeGreaterThan(0);
      expect(totals.get(rule)!.negatives, rule).toBeGreaterThan(0);
    }
  });
});

describe('registration-inactive', () => {
  const lic = (over: Partial<NonNullable<ShopFacts['licence']>>) => ({ name: REG.name, uscc: REG.uscc, address: '山东省济南市历下区解放路1号', ...over });
  it('hits a revoked or cancelled register entity, linked or named by the shown USCC', () => {
    expect(shopHits(shop({ register: { ...REG, status: 'revoked' }, registerByShownUscc: { ...REG, status: 'revoked' } }), 'registration-inactive')[0].detail).toContain('吊销');
    const gone: RegisterFacts = { entityId: 9, uscc: '92370102MA3C5ZZZZ1', name: '王记烧饼店（个体工商户）', status: 'cancelled' };
    expect(shopHits(shop({ register: null, registerByShownUscc: gone, licence: lic({ uscc: gone.uscc, name: gone.name }) }), 'registration-inactive')[0].detail).toContain('注销');
    expect(shopHits(shop({ register: { ...REG, status: 'cancelled' }, licence: null }), 'registration-inactive')).toHaveLength(1);
  });
  it('does not hit an active or moved-out business, or a shown USCC when no licence is shown', () => {
    expect(shopHits(shop({}), 'registration-inactive')).toEqual([]);
    expect(shopHits(shop({ register: { ...REG, status: 'moved_out' } }), 'registration-inactive')).toEqual([]);
    expect(shopHits(shop({ register: null, registerByShownUscc: { ...REG, status: 'revoked' }, licence: null }), 'registration-inactive')).toEqual([]);
  });
});
