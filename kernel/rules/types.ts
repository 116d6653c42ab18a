/**
 * Rule checks of issue 4 (规则检查): pure functions over "facts" that the rule engine assembles from the
 * crawl store. No database and no network here: a rule gets one shop's or one listing's facts plus the
 * lexicon (`RuleContext`) and returns its hits.
 */
import type { Lexicon } from './lexicon';

export type { Lexicon } from './lexicon';

export type Severity = 'low' | 'medium' | 'high';

/** e.g. `{ law: '中华人民共和国广告法', article: '第九条第三项' }` */
export interface LegalBasis {
  law: string;
  article: string;
}

/** A register entity (经济户口); `status` holds `OnlineEntity.registrationStatus` values (active, revoked, cancelled, moved_out). */
export interface RegisterFacts {
  entityId: number;
  uscc: string;
  name: string;
  status: string;
}

export interface ShopFacts {
  shopId: number;
  regionCode: string;
  observedAt: Date;
  url: string;
  name: string;
  /** the licence block shown (亮照), after following a linked licence page; null when none is shown */
  licence: { name: string; uscc: string; address: string } | null;
  licenceUrl: string | null;
  /** 食品经营许可证 number shown */
  foodLicence: string | null;
  /** the register entity linked to the shop (null: unlinked) */
  register: RegisterFacts | null;
  /** the register entity whose USCC the licence shows (null: none) */
  registerByShownUscc: RegisterFacts | null;
  /** categories of the listings the shop lists now */
  listingCategories: string[];
  listingTitles: string[];
  listingCount: number;
  /**
   * Optional: names of the permits / filings the shop shows besides the food licence (药品经营许可证,
   * 医疗器械经营许可证, 第二类医疗器械经营备案凭证, 仅销售预包装食品备案 …). `undefined` means "not known":
   * the `regulated-permit-missing` rule then does not judge the shop.
   */
  permits?: string[];
  /**
   * Optional: the electronic badges (电子标识) of self-filing the shop's page shows, each checked against
   * the filings by the rule engine. `undefined` means "not known": `badge-unverified` then does not judge.
   */
  badges?: BadgeSeen[];
}

/** A badge identifier seen on a shop page, with what the filings say about it. */
export interface BadgeSeen {
  token: string;
  pageUrl: string;
  /** bad-signature: forged or altered (or no filing has it); the others name a filing */
  verdict: 'valid' | 'revoked' | 'entity-inactive' | 'not-accepted' | 'bad-signature';
  /** the filing's shop: address and domain the badge was issued for (null for a bad signature) */
  issuedFor: { url: string; domain: string; number: string; entityName: string; uscc: string; registerShopId?: number | null } | null;
}

export interface PricePoint {
  observedAt: Date;
  price: number;
}

export interface ListingFacts {
  listingId: number;
  shopId: number;
  regionCode: string;
  observedAt: Date;
  url: string;
  title: string;
  description: string | null;
  category: string | null;
  price: number;
  originalPrice: number | null;
  promotion: string | null;
  /** this listing's observations BEFORE observedAt within the last 8 days, oldest first */
  history: PricePoint[];
  /**
   * Optional: the permits the listing's shop shows (as `ShopFacts.permits`). A restricted item (限售, e.g.
   * 处方药) is not flagged by `prohibited-goods` when the shop shows the permit it needs; `undefined` = not known.
   */
  shopPermits?: string[];
}

export interface RuleHit {
  ruleId: string;
  shopId: number;
  listingId: number | null;
  /** zh-CN, says what triggered and why */
  detail: string;
  /** the text or numbers that triggered it */
  trigger: Record<string, unknown>;
}

export interface RuleContext {
  lexicon: Lexicon;
}

export interface Rule {
  id: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  severity: Severity;
  legalBasis: LegalBasis[];
  target: 'shop' | 'listing';
  /** shop rules get ShopFacts, listing rules ListingFacts */
  check(facts: ShopFacts | ListingFacts, ctx: RuleContext): RuleHit[];
}
