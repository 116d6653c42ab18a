/**
 * 虚构原价: the listing shows an original price (原价 / 划线价) that is above every price observed for it
 * in the 7 days before, or it was never observed before. A 原价 equal to the highest price actually
 * charged in that window is not a hit.
 *
 * The window is day-granular like the ground truth: an observation counts when it is earlier than
 * `observedAt` and at most 7 days + 12 h older (so a crawl on day d−7 at a later hour of the day still
 * counts, while day d−8 does not).
 */
import { DAY_MS, HOUR_MS, fen, listingRule } from './text';

export const ORIGINAL_PRICE_WINDOW_DAYS = 7;
const WINDOW_MS = ORIGINAL_PRICE_WINDOW_DAYS * DAY_MS + 12 * HOUR_MS;

export const fakeOriginalPriceRule = listingRule(
  {
    id: 'fake-original-price',
    nameZh: '虚构原价',
    nameEn: 'Fictitious original price',
    descriptionZh: '标示的原价（划线价）高于前七日内实际收取过的任何价格，或此前从未以该价格销售。',
    severity: 'high',
    legalBasis: [
      { law: '规范促销行为暂行规定', article: '第二十条' },
      { law: '明码标价和禁止价格欺诈规定', article: '第十九条第三项' },
    ],
  },
  (f, _ctx, hit) => {
    if (f.originalPrice === null || f.originalPrice === undefined || !Number.isFinite(f.originalPrice)) return [];
    const now = f.observedAt.getTime();
    const window = f.history.filter((p) => {
      const age = now - p.observedAt.getTime();
      return age > 0 && age <= WINDOW_MS && Number.isFinite(p.price);
    });
    const original = fen(f.originalPrice);
    if (window.length === 0) {
      return [
        hit(`标示原价 ${f.originalPrice} 元，但前 ${ORIGINAL_PRICE_WINDOW_DAYS} 日内无任何成交价记录，原价无从证实`, {
          originalPrice: f.originalPrice,
          price: f.price,
          maxPrice7d: null,
          observations7d: 0,
        }),
      ];
    }
    const max = Math.max(...window.map((p) => fen(p.price)));
    if (original <= max) return [];
    return [
      hit(`标示原价 ${f.originalPrice} 元，高于前 ${ORIGINAL_PRICE_WINDOW_DAYS} 日内观测到的最高价 ${max / 100} 元，原价虚构`, {
        originalPrice: f.originalPrice,
        price: f.price,
        maxPrice7d: max / 100,
        observations7d: window.length,
      }),
    ];
  },
);
