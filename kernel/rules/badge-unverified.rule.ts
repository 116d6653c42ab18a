/**
 * 冒用或使用失效的电子标识: the shop's page shows a self-filing badge (电子标识) that does not verify — its
 * signature is bad (forged, altered), it was issued for another shop (a valid signature, another address
 * and domain: copied), its filing was revoked or never accepted, or the filed business is no longer
 * active (registration_status not active). The badge facts come from the rule engine, which checks every
 * identifier the page names against the filings (services/filing).
 */
import { shopRule } from './text';
import type { BadgeSeen } from './types';

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
};
const pathKey = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.host.toLowerCase().replace(/^www\./, '')}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
};

/**
 * Why a badge seen on `shopUrl` (the register's shop `shopId`) does not verify, or null when it does. The
 * badge belongs here when it was issued for this register shop (linked on acceptance; the crawled address
 * may differ from the filed one, e.g. a mobile page) or for this address.
 */
export function badgeProblem(b: BadgeSeen, shopUrl: string, shopId?: number): string | null {
  if (b.verdict === 'bad-signature' || !b.issuedFor) return `电子标识 ${b.token.slice(0, 12)}… 签名无效（伪造或被篡改）`;
  const f = b.issuedFor;
  const here = [shopUrl, b.pageUrl].map(pathKey);
  const sameShop = shopId !== undefined && f.registerShopId != null && f.registerShopId === shopId;
  if (!sameShop && !here.includes(pathKey(f.url))) {
    const where = hostOf(f.url) === hostOf(shopUrl) ? '同一平台的另一网店' : '其他网店';
    return `电子标识签发给“${f.entityName}”（${f.uscc}）${where} ${f.url}（备案号 ${f.number}），被用于本店（冒用）`;
  }
  if (b.verdict === 'revoked') return `电子标识对应的备案 ${f.number} 已撤销，网店仍在展示`;
  if (b.verdict === 'entity-inactive') return `电子标识对应的主体“${f.entityName}”（${f.uscc}）登记状态已非存续，网店仍在展示`;
  if (b.verdict === 'not-accepted') return `电子标识对应的备案 ${f.number} 未生效`;
  return null;
}

export const badgeUnverifiedRule = shopRule(
  {
    id: 'badge-unverified',
    nameZh: '展示无法验证的主体备案电子标识',
    nameEn: 'Self-filing badge shown that does not verify (copied, forged or revoked)',
    descriptionZh: '网店页面展示的主体备案电子标识签名无效、签发给其他网店，或对应备案已撤销、主体已吊销或注销。',
    severity: 'medium',
    legalBasis: [
      { law: '中华人民共和国电子商务法', article: '第十五条、第十七条' },
      { law: '网络交易监督管理办法', article: '第十二条、第十四条' },
      { law: '中华人民共和国反不正当竞争法', article: '第八条' },
    ],
  },
  (f, _ctx, hit) => {
    if (!f.badges || f.badges.length === 0) return [];
    const problems = f.badges.map((b) => ({ b, why: badgeProblem(b, f.url, f.shopId) })).filter((x) => x.why !== null);
    if (problems.length === 0) return [];
    return [
      hit(`店铺“${f.name}”：${problems.map((x) => x.why).join('；')}`, {
        badges: problems.map((x) => ({ token: x.b.token, verdict: x.b.verdict, issuedFor: x.b.issuedFor?.url ?? null, filing: x.b.issuedFor?.number ?? null, pageUrl: x.b.pageUrl })),
      }),
    ];
  },
);
