/**
 * The electronic badge's identifier and the crawler's rule over it, without a database: signatures bind a
 * random id to the shop address (altered → refused), the identifiers a page names are found in links and
 * attributes, and `badge-unverified` reports forged, copied (another shop, another or the same platform
 * domain), revoked and deregistered badges with its legal basis — and stays silent on a genuine one.
 */
import { describe, expect, it } from 'vitest';
import { badgeUnverifiedRule, DEFAULT_LEXICON, evaluateShop, RULES, type BadgeSeen, type ShopFacts } from '../kernel/rules';
import { badgeToken, badgeTokensIn, filingKey, filingKeyMatches, newBadgeId, parseBadgeToken, signatureMatches } from '../services/filing/badge-token';
import { embedSnippet } from '../services/filing/badge-render';

const key = Buffer.from('k'.repeat(32));
const shopUrl = 'https://shop.example.cn/p/a1';

describe('badge identifiers', () => {
  it('sign a random id for one shop address; another address or key, or an altered signature, does not match', () => {
    const id = newBadgeId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(newBadgeId()).not.toBe(id);
    const token = badgeToken(key, id, shopUrl);
    const parsed = parseBadgeToken(token)!;
    expect(parsed.badgeId).toBe(id);
    expect(signatureMatches(key, id, shopUrl, parsed.signature)).toBe(true);
    expect(signatureMatches(key, id, 'https://shop.example.cn/p/a2', parsed.signature)).toBe(false);
    expect(signatureMatches(Buffer.from('x'.repeat(32)), id, shopUrl, parsed.signature)).toBe(false);
    const altered = `${parsed.signature[0] === 'A' ? 'B' : 'A'}${parsed.signature.slice(1)}`;
    expect(signatureMatches(key, id, shopUrl, altered)).toBe(false);
    expect(parseBadgeToken('1.2')).toBeNull();
    expect(parseBadgeToken(`${token}x`)).toBeNull();
  });

  it('filing keys are per number and checked in constant time', () => {
    const k = filingKey(key, 'BA2026121612345678');
    expect(filingKeyMatches(key, 'BA2026121612345678', k)).toBe(true);
    expect(filingKeyMatches(key, 'BA2026121612345679', k)).toBe(false);
    expect(filingKeyMatches(key, 'BA2026121612345678', undefined)).toBe(false);
  });

  it('are found on a page in the embed snippet and in data attributes', () => {
    const token = badgeToken(key, newBadgeId(), shopUrl);
    const html = `<html><body><footer>${embedSnippet('https://hongdun.example.gov.cn', token)}</footer><span data-hongdun-badge="forged.identifier123"></span></body></html>`;
    expect(badgeTokensIn(html).sort()).toEqual([token, 'forged.identifier123'].sort());
    expect(badgeTokensIn('<html><body>no badge</body></html>')).toEqual([]);
  });
});

function facts(badges: BadgeSeen[] | undefined, url = shopUrl): ShopFacts {
  return {
    shopId: 7, regionCode: '370102001', observedAt: new Date('2026-12-10T02:00:00Z'), url, name: '某网店',
    licence: null, licenceUrl: null, foodLicence: null, register: null, registerByShownUscc: null,
    listingCategories: [], listingTitles: [], listingCount: 0, badges,
  };
}
const issued = (url = shopUrl) => ({ url, domain: new URL(url).hostname, number: 'BA2026121612345678', entityName: '济南某商贸有限公司', uscc: '91370102MA3C5XKJ1E' });
const seen = (verdict: BadgeSeen['verdict'], issuedFor: BadgeSeen['issuedFor'], pageUrl = shopUrl): BadgeSeen => ({ token: 'AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB', pageUrl, verdict, issuedFor });
const run = (f: ShopFacts) => badgeUnverifiedRule.check(f, { lexicon: DEFAULT_LEXICON });

describe('rule badge-unverified', () => {
  it('is registered among the shop rules with its legal basis', () => {
    expect(RULES).toContain(badgeUnverifiedRule);
    expect(badgeUnverifiedRule.target).toBe('shop');
    expect(badgeUnverifiedRule.legalBasis.map((b) => b.law)).toContain('中华人民共和国电子商务法');
  });

  it('is silent on a genuine badge on its own shop (any scheme, trailing slash), and when badges are not known', () => {
    expect(run(facts([seen('valid', issued())]))).toEqual([]);
    expect(run(facts([seen('valid', issued('http://shop.example.cn/p/a1/'))]))).toEqual([]);
    expect(run(facts(undefined))).toEqual([]);
    expect(run(facts([]))).toEqual([]);
  });

  it('reports a forged badge, a copied one (another domain; another shop of the same platform), a revoked one and a deregistered business', () => {
    const cases: Array<[BadgeSeen, RegExp]> = [
      [seen('bad-signature', null), /签名无效/],
      [seen('valid', issued('https://other-site.cn/')), /其他网店 https:\/\/other-site\.cn\/.*冒用/],
      [seen('valid', issued('https://shop.example.cn/p/b9')), /同一平台的另一网店/],
      [seen('revoked', issued()), /已撤销/],
      [seen('entity-inactive', issued()), /登记状态已非存续/],
    ];
    for (const [badge, why] of cases) {
      const hits = run(facts([badge]));
      expect(hits, why.source).toHaveLength(1);
      expect(hits[0]).toMatchObject({ ruleId: 'badge-unverified', shopId: 7, listingId: null });
      expect(hits[0].detail).toMatch(why);
      expect(hits[0].trigger.badges).toEqual([expect.objectContaining({ verdict: badge.verdict, issuedFor: badge.issuedFor?.url ?? null })]);
    }
    // issued for this register shop (linked on acceptance) but crawled at another address (its watched page): genuine;
    // issued for another register shop at that same address: still a copy
    expect(run(facts([seen('valid', { ...issued('https://m.shop.example.cn/a1'), registerShopId: 7 })]))).toEqual([]);
    expect(run(facts([seen('valid', { ...issued('https://other-site.cn/'), registerShopId: 8 })]))[0].detail).toMatch(/冒用/);
    // through the engine, with the rule switched off for the region: nothing
    expect(evaluateShop(facts([seen('revoked', issued())]), { lexicon: DEFAULT_LEXICON }, (id) => id !== 'badge-unverified').filter((h) => h.ruleId === 'badge-unverified')).toEqual([]);
  });
});
