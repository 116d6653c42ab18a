/**
 * 绝对化用语: absolute terms (最佳, 国家级, 顶级, 第一 …) in a listing's title or description. Text that
 * only contains a term inside a lawful exception of the lexicon (brand 第一坊, usage 第一次, grade 一级,
 * technical parameters 最高温度 …) is not flagged.
 */
import { findTerms, listingRule, unique } from './text';

export const absoluteTermsRule = listingRule(
  {
    id: 'absolute-terms',
    nameZh: '使用绝对化用语',
    nameEn: 'Absolute terms in advertising',
    descriptionZh: '商品标题或描述中使用“国家级”“最高级”“最佳”等绝对化用语（品牌名、使用说明、标准等级名称等合法用法除外）。',
    severity: 'medium',
    legalBasis: [
      { law: '中华人民共和国广告法', article: '第九条第三项' },
      { law: '中华人民共和国广告法', article: '第五十七条' },
    ],
  },
  (f, ctx, hit) => {
    const terms = ctx.lexicon.absoluteTerms;
    const exceptions = ctx.lexicon.absoluteExceptions.map((e) => e.text);
    const inTitle = findTerms(f.title, terms, exceptions);
    const inDescription = findTerms(f.description, terms, exceptions);
    if (inTitle.length === 0 && inDescription.length === 0) return [];
    const parts: string[] = [];
    if (inTitle.length) parts.push(`标题含${unique(inTitle.map((m) => `“${m.term}”`)).join('、')}`);
    if (inDescription.length) parts.push(`描述含${unique(inDescription.map((m) => `“${m.term}”`)).join('、')}`);
    return [
      hit(`${parts.join('，')}，属于广告法禁止的绝对化用语`, {
        terms: unique([...inTitle, ...inDescription].map((m) => m.term)),
        title: inTitle.map((m) => ({ term: m.term, context: m.context })),
        description: inDescription.map((m) => ({ term: m.term, context: m.context })),
      }),
    ];
  },
);
