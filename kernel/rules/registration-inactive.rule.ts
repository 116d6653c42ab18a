/**
 * 登记主体已吊销、注销仍在经营: the register entity linked to the shop, or the one whose USCC its licence
 * block shows, is revoked (吊销) or cancelled (注销) while the shop is online. Moved out (迁出) is not a hit.
 */
import type { RegisterFacts } from './types';
import { shopRule } from './text';

const DEAD: Readonly<Record<string, string>> = { revoked: '吊销', cancelled: '注销' };

export const registrationInactiveRule = shopRule(
  {
    id: 'registration-inactive',
    nameZh: '登记主体已吊销或注销仍在经营',
    nameEn: 'Registered business revoked or cancelled, shop still online',
    descriptionZh: '店铺关联的登记主体，或店铺亮照代码对应的登记主体，登记状态为吊销或注销，店铺仍在经营。',
    severity: 'high',
    legalBasis: [
      { law: '中华人民共和国电子商务法', article: '第十二条、第十五条' },
      { law: '中华人民共和国市场主体登记管理条例', article: '第四十三条' },
    ],
  },
  (f, _ctx, hit) => {
    const reasons: string[] = [];
    const trigger: Record<string, unknown> = {};
    const seen = new Set<number>();
    const dead = (e: RegisterFacts | null, role: string) => {
      if (!e || seen.has(e.entityId)) return;
      seen.add(e.entityId);
      const zh = DEAD[e.status];
      if (!zh) return;
      reasons.push(`${role}“${e.name}”（${e.uscc}）登记状态为已${zh}，仍在经营`);
      trigger.registerStatus = e.status;
      trigger.registerEntityId = e.entityId;
      trigger.registerUscc = e.uscc;
    };
    dead(f.register, '店铺关联的登记主体');
    if (f.licence) dead(f.registerByShownUscc, '亮照代码对应的登记主体');
    if (reasons.length === 0) return [];
    return [hit(`店铺“${f.name}”：${reasons.join('；')}`, { ...trigger, licence: f.licence })];
  },
);
