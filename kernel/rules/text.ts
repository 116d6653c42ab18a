/**
 * Text helpers shared by the rules: normalisation (full-width → half-width, whitespace removed) and term
 * matching with lawful exceptions (an occurrence of a term inside an occurrence of an exception, e.g.
 * 第一 inside 第一坊 or 第一次, is not a match).
 */
import type { ListingFacts, Rule, RuleContext, RuleHit, ShopFacts } from './types';

/** NFKC (full-width letters, digits and brackets （） → half-width) and all whitespace removed. */
export function normalise(text: string | null | undefined): string {
  return (text ?? '').normalize('NFKC').replace(/[\s\u3000\u200b]+/gu, '');
}

/** A name for comparison: normalised, brackets unified to ASCII (). */
export function normaliseName(name: string | null | undefined): string {
  return normalise(name).replace(/[（【\[〔]/gu, '(').replace(/[）】\]〕]/gu, ')');
}

/** A USCC for comparison: normalised and upper-case. */
export function normaliseUscc(uscc: string | null | undefined): string {
  return normalise(uscc).toUpperCase();
}

export interface TermMatch {
  /** the lexicon term that matched */
  term: string;
  /** offset in the normalised text */
  index: number;
  /** a few characters around the match (normalised text) */
  context: string;
}

/**
 * Occurrences of `terms` in `text` (normalised) that no occurrence of an `exceptions` entry covers. When
 * terms overlap (最低价 inside 全网最低价) only the longest occurrence is kept.
 */
export function findTerms(text: string | null | undefined, terms: readonly string[], exceptions: readonly string[] = []): TermMatch[] {
  const t = normalise(text);
  if (!t) return [];
  const covered: [number, number][] = [];
  for (const e of exceptions) {
    const en = normalise(e);
    if (!en) continue;
    for (let i = t.indexOf(en); i >= 0; i = t.indexOf(en, i + 1)) covered.push([i, i + en.length]);
  }
  const found: { term: string; start: number; end: number }[] = [];
  for (const term of terms) {
    const tn = normalise(term);
    if (!tn) continue;
    for (let i = t.indexOf(tn); i >= 0; i = t.indexOf(tn, i + 1)) {
      const end = i + tn.length;
      if (covered.some(([s, e]) => s <= i && end <= e)) continue;
      found.push({ term, start: i, end });
    }
  }
  // keep the longest of overlapping occurrences
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: typeof found = [];
  for (const f of found) if (!kept.some((k) => f.start < k.end && k.start < f.end)) kept.push(f);
  kept.sort((a, b) => a.start - b.start);
  return kept.map((k) => ({ term: k.term, index: k.start, context: t.slice(Math.max(0, k.start - 6), k.end + 6) }));
}

/** Unique values in first-seen order. */
export function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Yuan to integer fen, so that prices compare exactly (12.9 vs 12.90000001). */
export function fen(yuan: number): number {
  return Math.round(yuan * 100);
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Category path segments: `食品/酒类`, `食品 > 酒类`, `食品»酒类` → ['食品', '酒类']. */
export function categorySegments(category: string | null | undefined): string[] {
  return normalise(category)
    .split(/[/>»|｜\\]+/u)
    .filter(Boolean);
}

/** True when the category path starts with the pattern path (`医疗器械` matches `医疗器械/家用器械`). */
export function categoryStartsWith(category: string | null | undefined, pattern: string): boolean {
  const c = categorySegments(category);
  const p = categorySegments(pattern);
  return p.length > 0 && p.length <= c.length && p.every((s, i) => s === c[i]);
}

/** The longest pattern (by path depth) the category starts with, or null. */
export function longestCategoryMatch(category: string | null | undefined, patterns: readonly string[]): string | null {
  let best: string | null = null;
  let depth = 0;
  for (const p of patterns) {
    if (!categoryStartsWith(category, p)) continue;
    const d = categorySegments(p).length;
    if (d > depth) {
      best = p;
      depth = d;
    }
  }
  return best;
}

type RuleMeta = Omit<Rule, 'check' | 'target'>;

/** A shop rule: `check` gets ShopFacts. */
export function shopRule(meta: RuleMeta, check: (f: ShopFacts, ctx: RuleContext, hit: (detail: string, trigger: Record<string, unknown>) => RuleHit) => RuleHit[]): Rule {
  return {
    ...meta,
    target: 'shop',
    check: (facts, ctx) => {
      const f = facts as ShopFacts;
      return check(f, ctx, (detail, trigger) => ({ ruleId: meta.id, shopId: f.shopId, listingId: null, detail, trigger }));
    },
  };
}

/** A listing rule: `check` gets ListingFacts. */
export function listingRule(
  meta: RuleMeta,
  check: (f: ListingFacts, ctx: RuleContext, hit: (detail: string, trigger: Record<string, unknown>) => RuleHit) => RuleHit[],
): Rule {
  return {
    ...meta,
    target: 'listing',
    check: (facts, ctx) => {
      const f = facts as ListingFacts;
      return check(f, ctx, (detail, trigger) => ({ ruleId: meta.id, shopId: f.shopId, listingId: f.listingId, detail, trigger }));
    },
  };
}
