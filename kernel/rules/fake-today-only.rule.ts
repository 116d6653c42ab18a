/**
 * 虚假“仅限今日”: the promotion or title claims a one-day price (仅限今日, 明日涨价 …) but today's price
 * is not below yesterday's. "Yesterday" is the latest observation 12–36 h before; without one the claim is
 * not judged.
 */
import { HOUR_MS, fen, findTerms, listingRule, unique } from './text';

export const fakeTodayOnlyRule = listingRule(
  {
    id: 'fake-today-only',
    nameZh: '虚假限时促销',
    nameEn: 'Fake "today only" price',
    descriptionZh: '标示“仅限今日”“明日涨价”等限时价格，但当日价格不低于前一日价格，构成以误导性文字标示价格。',
    severity: 'medium',
    legalBasis: [
      { law: '规范促销行为暂行规定', article: '第十九条' },
      { law: '明码标价和禁止价格欺诈规定', article: '第十九条第四项' },
    ],
  },
  (f, ctx, hit) => {
    const phrases = ctx.lexicon.urgencyPhrases;
    const found = [...findTerms(f.promotion, phrases), ...findTerms(f.title, phrases)];
    if (found.length === 0) return [];
    const now = f.observedAt.getTime();
    let yesterday: (typeof f.history)[number] | null = null;
    for (const p of f.history) {
      const age = now - p.observedAt.getTime();
      if (age < 12 * HOUR_MS || age > 36 * HOUR_MS || !Number.isFinite(p.price)) continue;
      if (!yesterday || p.observedAt.getTime() > yesterday.observedAt.getTime()) yesterday = p;
    }
    if (!yesterday) return [];
    if (fen(f.price) < fen(yesterday.price)) return [];
    const phrase = unique(found.map((m) => m.term));
    return [
      hit(`标示“${phrase.join('”“')}”，但今日价 ${f.price} 元不低于前一日价 ${yesterday.price} 元，限时低价不实`, {
        phrases: phrase,
        promotion: f.promotion,
        price: f.price,
        yesterdayPrice: yesterday.price,
        yesterdayObservedAt: yesterday.observedAt.toISOString(),
      }),
    ];
  },
);
