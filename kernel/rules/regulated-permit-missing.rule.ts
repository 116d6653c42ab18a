/**
 * 未公示药品/医疗器械经营资质: the shop lists drugs or medical devices (categories from the lexicon's
 * `regulated` list) without showing the permit they need. Judged only when the facts carry the shop's
 * permits (`ShopFacts.permits`); without them the permit shown is unknown and the shop is skipped.
 */
import { categorySegments, longestCategoryMatch, shopRule, unique } from './text';
import { hasPermit } from './food-licence-missing.rule';

export const regulatedPermitMissingRule = shopRule(
  {
    id: 'regulated-permit-missing',
    nameZh: '未公示药品/医疗器械经营资质',
    nameEn: 'Drug or medical-device permit not displayed',
    descriptionZh: '店铺销售药品或第二、三类医疗器械，但未公示药品经营许可证、医疗器械经营许可证或备案凭证。',
    severity: 'high',
    legalBasis: [
      { law: '药品网络销售监督管理办法', article: '第八条' },
      { law: '医疗器械网络销售监督管理办法', article: '第七条' },
      { law: '网络交易监督管理办法', article: '第十二条' },
    ],
  },
  (f, ctx, hit) => {
    if (f.permits === undefined) return [];
    const hits = [];
    for (const group of ctx.lexicon.regulated) {
      const categories = unique(
        f.listingCategories.filter((c) => {
          const need = longestCategoryMatch(c, group.categories);
          if (!need) return false;
          const ex = longestCategoryMatch(c, group.exemptCategories);
          return !ex || categorySegments(ex).length < categorySegments(need).length;
        }),
      );
      if (categories.length === 0 || hasPermit(f.permits, group.permits)) continue;
      hits.push(
        hit(
          `店铺“${f.name}”在售${group.nameZh}（类目 ${categories.map((c) => `“${c}”`).join('、')}），但未公示${group.permits.join('或')}（${group.lawZh}）`,
          { group: group.key, categories, permitsShown: f.permits, permitsNeeded: group.permits },
        ),
      );
    }
    return hits;
  },
);
