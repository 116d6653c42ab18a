/**
 * 亮照信息与登记不符: the licence block shows a name or USCC other than the register entity's. A different
 * address alone is not a hit (a shop may show its place of business). Names compare after whitespace and
 * full-/half-width brackets are unified. A revoked or cancelled business is `registration-inactive`.
 */
import { normaliseName, normaliseUscc, shopRule } from './text';

const DEAD: Readonly<Record<string, string>> = { revoked: '吊销', cancelled: '注销' };

export const licenceMismatchRule = shopRule(
  {
    id: 'licence-mismatch',
    nameZh: '亮照信息与登记信息不符',
    nameEn: 'Displayed licence does not match the register',
    descriptionZh: '店铺公示的营业执照名称或统一社会信用代码与登记主体不一致。仅地址不同不视为不符。',
    severity: 'medium',
    legalBasis: [
      { law: '中华人民共和国电子商务法', article: '第十五条' },
      { law: '网络交易监督管理办法', article: '第十二条' },
    ],
  },
  (f, _ctx, hit) => {
    const reasons: string[] = [];
    const trigger: Record<string, unknown> = {};
    const lic = f.licence;
    const reg = f.register;
    if (lic && reg) {
      if (normaliseName(lic.name) !== normaliseName(reg.name)) {
        reasons.push(`亮照名称“${lic.name}”与登记名称“${reg.name}”不一致`);
        trigger.shownName = lic.name;
        trigger.registerName = reg.name;
      }
      if (normaliseUscc(lic.uscc) !== normaliseUscc(reg.uscc)) {
        reasons.push(`亮照统一社会信用代码 ${lic.uscc} 与登记代码 ${reg.uscc} 不一致`);
        trigger.shownUscc = lic.uscc;
        trigger.registerUscc = reg.uscc;
      }
    } else if (lic && f.registerByShownUscc) {
      const other = f.registerByShownUscc;
      if (normaliseName(lic.name) !== normaliseName(other.name)) {
        reasons.push(`亮照统一社会信用代码 ${lic.uscc} 属于登记主体“${other.name}”，与亮照名称“${lic.name}”不一致`);
        trigger.shownName = lic.name;
        trigger.shownUscc = lic.uscc;
        trigger.registerName = other.name;
      }
    }
    if (reasons.length === 0) return [];
    return [hit(`店铺“${f.name}”：${reasons.join('；')}`, { ...trigger, licence: lic })];
  },
);
