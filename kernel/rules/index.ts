/**
 * The rule checks of issue 4: pure functions over shop and listing facts (see types.ts), the lexicon they
 * read (lexicon.ts), and `evaluateShop` / `evaluateListing`, which run the enabled rules of a target.
 */
import { absoluteTermsRule } from './absolute-terms.rule';
import { badgeUnverifiedRule } from './badge-unverified.rule';
import { fakeOriginalPriceRule } from './fake-original-price.rule';
import { fakeTodayOnlyRule } from './fake-today-only.rule';
import { foodLicenceMissingRule } from './food-licence-missing.rule';
import { licenceMismatchRule } from './licence-mismatch.rule';
import { licenceMissingRule } from './licence-missing.rule';
import { prohibitedGoodsRule } from './prohibited-goods.rule';
import { registrationInactiveRule } from './registration-inactive.rule';
import { regulatedPermitMissingRule } from './regulated-permit-missing.rule';
import type { ListingFacts, Rule, RuleContext, RuleHit, ShopFacts } from './types';

export * from './types';
export { DEFAULT_LEXICON, type GoodsEntry, type Lexicon, type RegulatedCategory, type TermException } from './lexicon';
export { findTerms, normalise, normaliseName, normaliseUscc, type TermMatch } from './text';
export { ORIGINAL_PRICE_WINDOW_DAYS } from './fake-original-price.rule';
export { foodCategoryKind } from './food-licence-missing.rule';
export {
  absoluteTermsRule,
  badgeUnverifiedRule,
  fakeOriginalPriceRule,
  fakeTodayOnlyRule,
  foodLicenceMissingRule,
  licenceMismatchRule,
  licenceMissingRule,
  prohibitedGoodsRule,
  registrationInactiveRule,
  regulatedPermitMissingRule,
};

/** Every rule, shop rules first. */
export const RULES: readonly Rule[] = Object.freeze([
  licenceMissingRule,
  licenceMismatchRule,
  registrationInactiveRule,
  foodLicenceMissingRule,
  regulatedPermitMissingRule,
  badgeUnverifiedRule,
  absoluteTermsRule,
  fakeOriginalPriceRule,
  fakeTodayOnlyRule,
  prohibitedGoodsRule,
]);

/** The rule with this id, or undefined. */
export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

function run(target: Rule['target'], facts: ShopFacts | ListingFacts, ctx: RuleContext, enabled?: (ruleId: string) => boolean): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const rule of RULES) {
    if (rule.target !== target || (enabled && !enabled(rule.id))) continue;
    try {
      hits.push(...rule.check(facts, ctx));
    } catch (err) {
      throw new Error(`rule ${rule.id} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return hits;
}

/** Hits of the enabled shop rules (all when `enabled` is omitted) on one shop. */
export function evaluateShop(f: ShopFacts, ctx: RuleContext, enabled?: (ruleId: string) => boolean): RuleHit[] {
  return run('shop', f, ctx, enabled);
}

/** Hits of the enabled listing rules (all when `enabled` is omitted) on one listing. */
export function evaluateListing(f: ListingFacts, ctx: RuleContext, enabled?: (ruleId: string) => boolean): RuleHit[] {
  return run('listing', f, ctx, enabled);
}
