/**
 * 禁限售商品: title, description or category matches the lexicon's prohibited goods (管制刀具, 仿真枪,
 * 野生动物制品 …) or restricted goods (处方药) sold without the permit they need. Lawful look-alikes in
 * the lexicon (象牙白, 仿真花, 非处方药 …) are not flagged.
 */
import { categoryStartsWith, findTerms, listingRule, unique } from './text';
import { hasPermit } from './food-licence-missing.rule';

export const prohibitedGoodsRule = listingRule(
  {
    id: 'prohibited-goods',
    nameZh: '销售禁限售商品',
    nameEn: 'Prohibited or restricted goods',
    descriptionZh: '商品属于法律、行政法规禁止交易的商品，或属于限制销售而经营者未公示相应许可的商品。',
    severity: 'high',
    legalBasis: [
      { law: '中华人民共和国电子商务法', article: '第十三条' },
      { law: '网络交易监督管理办法', article: '第十一条' },
    ],
  },
  (f, ctx, hit) => {
    const lx = ctx.lexicon.prohibited;
    const exceptions = lx.exceptions.map((e) => e.text);
    const text = [f.title, f.description ?? '', f.category ?? ''].join('|');
    const byKeyword = new Map(lx.goods.map((g) => [g.keyword, g]));
    const matches = findTerms(text, lx.goods.map((g) => g.keyword), exceptions)
      .map((m) => ({ m, g: byKeyword.get(m.term)! }))
      .filter(({ g }) => g.kind === 'prohibited' || !hasPermit(f.shopPermits, g.permits ?? []));
    const categories = lx.categories.filter((c) => categoryStartsWith(f.category, c.category));
    if (matches.length === 0 && categories.length === 0) return [];
    const prohibited = unique([...matches.filter(({ g }) => g.kind === 'prohibited').map(({ g }) => g.groupZh), ...categories.map((c) => c.groupZh)]);
    const restricted = unique(matches.filter(({ g }) => g.kind === 'restricted').map(({ g }) => g.groupZh));
    const parts: string[] = [];
    if (prohibited.length) parts.push(`属于禁售商品（${prohibited.join('、')}）`);
    if (restricted.length) parts.push(`属于限售商品（${restricted.join('、')}），未见经营者公示相应许可`);
    const keywords = unique(matches.map(({ m }) => m.term));
    return [
      hit(`商品${keywords.length ? `含“${keywords.join('”“')}”` : `类目“${f.category}”`}，${parts.join('；')}`, {
        keywords,
        categories: categories.map((c) => c.category),
        contexts: matches.map(({ m }) => m.context),
        kind: prohibited.length ? 'prohibited' : 'restricted',
      }),
    ];
  },
);
