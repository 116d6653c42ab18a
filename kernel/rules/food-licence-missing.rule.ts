/**
 * 未公示食品经营许可证: the shop lists food whose sale needs a 食品经营许可证 and shows none. Edible
 * agricultural products (食用农产品, e.g. 生鲜/水果) are exempt: a shop that sells only those is not hit.
 */
import { categorySegments, longestCategoryMatch, normalise, shopRule, unique } from './text';
import type { Lexicon } from './lexicon';

/** 'licensed' / 'exempt' / null (not food) for one category; the deeper matching pattern decides, exempt on a tie. */
export function foodCategoryKind(category: string | null | undefined, lexicon: Lexicon): 'licensed' | 'exempt' | null {
  const lic = longestCategoryMatch(category, lexicon.food.licensedCategories);
  const ex = longestCategoryMatch(category, lexicon.food.exemptCategories);
  if (!lic && !ex) return null;
  if (!lic) return 'exempt';
  if (!ex) return 'licensed';
  return categorySegments(ex).length >= categorySegments(lic).length ? 'exempt' : 'licensed';
}

/** True when one of `shown` names one of `needed` (substring after normalisation). */
export function hasPermit(shown: readonly string[] | undefined, needed: readonly string[]): boolean {
  return (shown ?? []).some((s) => needed.some((n) => normalise(s).includes(normalise(n))));
}

export const foodLicenceMissingRule = shopRule(
  {
    id: 'food-licence-missing',
    nameZh: '未公示食品经营许可证',
    nameEn: 'Food business licence not displayed',
    descriptionZh: '店铺销售需取得食品经营许可的食品，但未公示食品经营许可证（仅销售食用农产品的除外）。',
    severity: 'high',
    legalBasis: [
      { law: '中华人民共和国食品安全法', article: '第三十五条' },
      { law: '网络食品安全违法行为查处办法', article: '第十六条' },
    ],
  },
  (f, ctx, hit) => {
    if (f.foodLicence && f.foodLicence.trim()) return [];
    if (hasPermit(f.permits, ctx.lexicon.food.permits)) return [];
    const licensed = unique(f.listingCategories.filter((c) => foodCategoryKind(c, ctx.lexicon) === 'licensed'));
    if (licensed.length === 0) return [];
    return [
      hit(`店铺“${f.name}”在售商品类目 ${licensed.map((c) => `“${c}”`).join('、')} 属于需取得食品经营许可的食品，但未公示食品经营许可证`, {
        foodCategories: licensed,
        foodLicence: null,
        listingCount: f.listingCount,
      }),
    ];
  },
);
