/** 未亮照: the shop shows no licence block (营业执照信息), neither inline nor on a linked page. */
import { shopRule } from './text';

export const licenceMissingRule = shopRule(
  {
    id: 'licence-missing',
    nameZh: '未公示营业执照信息',
    nameEn: 'Business licence not displayed',
    descriptionZh: '店铺首页（或其链接的资质页面）未持续公示营业执照信息。',
    severity: 'medium',
    legalBasis: [
      { law: '中华人民共和国电子商务法', article: '第十五条' },
      { law: '网络交易监督管理办法', article: '第十二条' },
    ],
  },
  (f, _ctx, hit) => {
    if (f.licence) return [];
    return [
      hit(
        f.licenceUrl
          ? `店铺“${f.name}”的资质链接 ${f.licenceUrl} 未展示营业执照信息，未依法持续公示`
          : `店铺“${f.name}”首页未展示营业执照信息（亮照），也无资质信息链接，未依法持续公示`,
        { licence: null, licenceUrl: f.licenceUrl, shopUrl: f.url },
      ),
    ];
  },
);
