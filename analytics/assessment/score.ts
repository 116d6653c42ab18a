/**
 * Scores one unit for one year under a scheme, explaining every point, and ranks peers.
 *
 * Arithmetic, defined once so that every explanation adds up:
 * - a rate is taken to 0.1 percentage point (0.86047 → 0.860, as statistical tables publish it) before
 *   scoring, and the explanation shows exactly that value; counts are non-negative integers;
 * - each item's and each bonus's points are rounded half up to 2 decimals;
 * - the total is the sum of those rounded points (computed in hundredths, so no floating drift).
 * A missing value (null or absent) scores 0 and is listed in `missing` — never full marks, not even for
 * a deduction item, since "no overdue tasks" and "no data" are different things.
 */
import { UserInputError } from '../../services/errors';
import {
  ASSESSMENT_INDICATORS,
  ASSESSMENT_LEVELS,
  type AssessmentCategory,
  type AssessmentLevel,
  type AssessmentScheme,
  type IndicatorKey,
  type ScoringRule,
} from './scheme';

/** Indicator values of one unit and year; null or absent = no data. */
export type IndicatorValues = Partial<Record<IndicatorKey, number | null>> & Record<string, number | null | undefined>;
/** Occurrences of each bonus item (e.g. typical experience promoted twice → 2). */
export type BonusCounts = Record<string, number>;

export interface ItemScore {
  key: string;
  nameZh: string;
  nameEn: string;
  category: AssessmentCategory;
  indicator: IndicatorKey;
  /** the value as scored (a rate at 0.1 percentage point); null when missing */
  value: number | null;
  /** the value as given */
  rawValue: number | null;
  rule: ScoringRule;
  /** the linear rule's target, else null */
  target: number | null;
  ruleZh: string;
  ruleEn: string;
  points: number;
  /** the item's weight */
  max: number;
  missing: boolean;
  /** e.g. "巡查覆盖率 86.0%，目标 90%，线性计分：86.0/90×15 = 14.33 分" */
  explanation: string;
  explanationEn: string;
}

export interface BonusScore {
  key: string;
  nameZh: string;
  nameEn: string;
  count: number;
  pointsEach: number;
  points: number;
  max: number;
  explanation: string;
  explanationEn: string;
}

export interface AssessmentResult {
  schemeId: string;
  schemeVersion: number;
  level: AssessmentLevel;
  /** sum of rounded item points (≤ 100) */
  itemsTotal: number;
  /** sum of rounded bonus points */
  bonusTotal: number;
  /** itemsTotal + bonusTotal */
  total: number;
  /** 100 + every bonus at its maximum */
  maxTotal: number;
  items: ItemScore[];
  bonus: BonusScore[];
  /** indicators the scheme scores at this level that had no value (scored 0), in item order */
  missing: IndicatorKey[];
  /** e.g. "基础得分 85.33 分 + 加分 2.00 分 = 87.33 分" */
  explanation: string;
  explanationEn: string;
}

/** Hundredths, rounded half up; toPrecision(12) first absorbs binary noise (1.005 × 100 = 100.4999…). */
export const toCents = (x: number): number => Math.round(Number((x * 100).toPrecision(12)));
/** Rounds half up to 2 decimals, the precision of every point. */
export const roundPoints = (x: number): number => toCents(x) / 100;
/** A rate at 0.1 percentage point: 0.86047 → 0.86. */
export const roundRate = (x: number): number => Math.round(Number((x * 1000).toPrecision(12))) / 1000;

/** A number without trailing zeros: 15 → "15", 7.5 → "7.5", 0.125 → "0.125". */
const plain = (x: number): string => String(Number(x.toPrecision(12)));
const pts = (x: number): string => roundPoints(x).toFixed(2);
/** A rate value as a percentage to 0.1 point: 0.86 → "86.0". */
const pct1 = (rate: number): string => (Math.round(Number((rate * 1000).toPrecision(12))) / 10).toFixed(1);
/** A rate threshold or target as a plain percentage: 0.9 → "90", 0.925 → "92.5". */
const pctPlain = (rate: number): string => plain(rate * 100);

interface Shown {
  /** the value in formulas: percentage number for rates, the count otherwise */
  formula: (x: number) => string;
  /** a target in formulas: 0.9 → "90" for rates */
  formulaLimit: (x: number) => string;
  /** the value with its unit: "86.0%", "3 次" */
  zh: (x: number) => string;
  en: (x: number) => string;
  /** thresholds and targets */
  limitZh: (x: number) => string;
  limitEn: (x: number) => string;
}

function shown(indicator: IndicatorKey): Shown {
  const def: { kind: string; unitZh?: string; unitEn?: string } = ASSESSMENT_INDICATORS[indicator];
  if (def.kind === 'rate') {
    return { formula: pct1, formulaLimit: pctPlain, zh: (x) => `${pct1(x)}%`, en: (x) => `${pct1(x)}%`, limitZh: (x) => `${pctPlain(x)}%`, limitEn: (x) => `${pctPlain(x)}%` };
  }
  const zh = (x: number) => `${plain(x)} ${def.unitZh ?? ''}`.trimEnd();
  const en = (x: number) => `${plain(x)} ${def.unitEn ?? ''}`.trimEnd();
  return { formula: plain, formulaLimit: plain, zh, en, limitZh: zh, limitEn: en };
}

/** The rule in words (zh, en), for the result table. */
function describeRule(rule: ScoringRule, weight: number, s: Shown): { zh: string; en: string } {
  switch (rule.kind) {
    case 'linear':
      return { zh: `线性计分：目标 ${s.limitZh(rule.target)}，按完成比例得分，满分 ${plain(weight)} 分`, en: `linear to target ${s.limitEn(rule.target)}, at most ${plain(weight)} points` };
    case 'thresholds':
      return {
        zh: `阶梯计分：${rule.steps.map((t) => `≥${s.limitZh(t.atLeast)} 得 ${plain(t.points)} 分`).join('，')}`,
        en: `thresholds: ${rule.steps.map((t) => `≥${s.limitEn(t.atLeast)} → ${plain(t.points)}`).join(', ')}`,
      };
    case 'deduction':
      return { zh: `扣分计分：满分 ${plain(weight)} 分，每 1 扣 ${plain(rule.perUnit)} 分，扣完为止`, en: `deduction: ${plain(weight)} minus ${plain(rule.perUnit)} each, not below 0` };
    case 'boolean':
      return { zh: `达标计分：达标得 ${plain(weight)} 分，否则 0 分`, en: `pass/fail: ${plain(weight)} points if met, else 0` };
  }
}

/** Checks one value against its indicator's kind; returns the value as scored (null when missing). */
function valueOf(values: IndicatorValues, indicator: IndicatorKey): { raw: number | null; scored: number | null } {
  const v = values[indicator];
  if (v === null || v === undefined) return { raw: null, scored: null };
  const path = `values.${indicator}`;
  const kind = ASSESSMENT_INDICATORS[indicator].kind;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserInputError(`${path} must be a finite number or null`, path);
  if (kind === 'rate') {
    if (v < 0 || v > 1) throw new UserInputError(`${path} is a rate and must lie in [0, 1] (got ${v})`, path);
    return { raw: v, scored: roundRate(v) };
  }
  if (!Number.isInteger(v) || v < 0) throw new UserInputError(`${path} is a count and must be a non-negative integer (got ${v})`, path);
  return { raw: v, scored: v };
}

/** Points (rounded) and the explanation's tail after "name value，" for one item with a value. */
function apply(rule: ScoringRule, weight: number, value: number, s: Shown): { points: number; zh: string; en: string } {
  switch (rule.kind) {
    case 'linear': {
      const exact = (value / rule.target) * weight;
      const points = roundPoints(Math.min(exact, weight));
      const f = `${s.formula(value)}/${s.formulaLimit(rule.target)}×${plain(weight)}`;
      const capped = exact > weight;
      return {
        points,
        zh: `目标 ${s.limitZh(rule.target)}，线性计分：${f}${capped ? ` = ${pts(exact)}，超过目标按满分计` : ''} = ${pts(points)} 分`,
        en: `target ${s.limitEn(rule.target)}, linear: ${f}${capped ? ` = ${pts(exact)}, capped at the weight` : ''} = ${pts(points)} points`,
      };
    }
    case 'thresholds': {
      const reached = [...rule.steps].reverse().find((t) => value >= t.atLeast);
      const points = roundPoints(reached ? reached.points : 0);
      const stepsZh = rule.steps.map((t) => `≥${s.limitZh(t.atLeast)} 得 ${plain(t.points)} 分`).join('，');
      const stepsEn = rule.steps.map((t) => `≥${s.limitEn(t.atLeast)} → ${plain(t.points)}`).join(', ');
      return reached
        ? { points, zh: `阶梯计分（${stepsZh}）：达到 ≥${s.limitZh(reached.atLeast)} 档 = ${pts(points)} 分`, en: `thresholds (${stepsEn}): reached ≥${s.limitEn(reached.atLeast)} = ${pts(points)} points` }
        : { points, zh: `阶梯计分（${stepsZh}）：未达最低档 ≥${s.limitZh(rule.steps[0].atLeast)} = ${pts(0)} 分`, en: `thresholds (${stepsEn}): below the lowest step ≥${s.limitEn(rule.steps[0].atLeast)} = ${pts(0)} points` };
    }
    case 'deduction': {
      const exact = weight - rule.perUnit * value;
      const points = roundPoints(Math.max(0, exact));
      const f = `${plain(weight)}−${s.formula(value)}×${plain(rule.perUnit)}`;
      const floored = exact < 0;
      return {
        points,
        zh: `扣分计分：每 1 扣 ${plain(rule.perUnit)} 分，${f}${floored ? ` = ${pts(exact)}，扣完为止` : ''} = ${pts(points)} 分`,
        en: `deduction: ${plain(rule.perUnit)} each, ${f}${floored ? ` = ${pts(exact)}, not below 0` : ''} = ${pts(points)} points`,
      };
    }
    case 'boolean': {
      const met = value >= 1;
      const points = roundPoints(met ? weight : 0);
      return {
        points,
        zh: met ? `达标计分：达标得 ${plain(weight)} 分 = ${pts(points)} 分` : `达标计分：未达标 = ${pts(points)} 分`,
        en: met ? `pass/fail: met, ${plain(weight)} points = ${pts(points)} points` : `pass/fail: not met = ${pts(points)} points`,
      };
    }
  }
}

/**
 * Scores a unit of `level` under `scheme` (checked beforehand with `checkScheme`). `values` holds the
 * unit's indicator values for the year (extra keys are ignored); `bonuses` the occurrences of bonus items
 * (a key the level does not know is refused). Pure: the same inputs always give the same result.
 */
export function score(scheme: AssessmentScheme, level: AssessmentLevel, values: IndicatorValues, bonuses: BonusCounts = {}): AssessmentResult {
  if (!ASSESSMENT_LEVELS.includes(level)) throw new UserInputError(`level must be one of ${ASSESSMENT_LEVELS.join(', ')} (got ${JSON.stringify(level)})`, 'level');
  if (typeof values !== 'object' || values === null) throw new UserInputError('values must be an object of indicator values', 'values');
  const ls = scheme.levels[level];

  const items: ItemScore[] = ls.items.map((item) => {
    const s = shown(item.indicator);
    const { raw, scored } = valueOf(values, item.indicator);
    const rule = describeRule(item.rule, item.weight, s);
    const base = {
      key: item.key,
      nameZh: item.nameZh,
      nameEn: item.nameEn,
      category: item.category,
      indicator: item.indicator,
      value: scored,
      rawValue: raw,
      rule: item.rule,
      target: item.rule.kind === 'linear' ? item.rule.target : null,
      ruleZh: rule.zh,
      ruleEn: rule.en,
      max: item.weight,
    };
    if (scored === null) {
      return {
        ...base,
        points: 0,
        missing: true,
        explanation: `${item.nameZh} 无数据，按 0 分计 = ${pts(0)} 分`,
        explanationEn: `${item.nameEn}: no value, scored 0 = ${pts(0)} points`,
      };
    }
    const r = apply(item.rule, item.weight, scored, s);
    return {
      ...base,
      points: r.points,
      missing: false,
      explanation: `${item.nameZh} ${s.zh(scored)}，${r.zh}`,
      explanationEn: `${item.nameEn} ${s.en(scored)}, ${r.en}`,
    };
  });

  if (typeof bonuses !== 'object' || bonuses === null) throw new UserInputError('bonuses must be an object of counts', 'bonuses');
  for (const k of Object.keys(bonuses)) {
    if (!ls.bonus.some((b) => b.key === k)) {
      throw new UserInputError(`bonuses.${k} is not a bonus item of ${scheme.id} v${scheme.version} for level ${level}`, `bonuses.${k}`);
    }
    const c = bonuses[k];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) throw new UserInputError(`bonuses.${k} must be a non-negative integer (got ${String(c)})`, `bonuses.${k}`);
  }
  const bonus: BonusScore[] = ls.bonus.map((b) => {
    const count = bonuses[b.key] ?? 0;
    const exact = count * b.points;
    const points = roundPoints(Math.min(exact, b.max));
    const capped = exact > b.max;
    const f = `${count}×${plain(b.points)}`;
    return {
      key: b.key,
      nameZh: b.nameZh,
      nameEn: b.nameEn,
      count,
      pointsEach: b.points,
      points,
      max: b.max,
      explanation: `${b.nameZh} ${count} 次，每次加 ${plain(b.points)} 分，最多加 ${plain(b.max)} 分：${f}${capped ? ` = ${pts(exact)}，按上限计` : ''} = ${pts(points)} 分`,
      explanationEn: `${b.nameEn} ×${count}, +${plain(b.points)} each, at most +${plain(b.max)}: ${f}${capped ? ` = ${pts(exact)}, capped` : ''} = ${pts(points)} points`,
    };
  });

  const itemsCents = items.reduce((sum, i) => sum + toCents(i.points), 0);
  const bonusCents = bonus.reduce((sum, b) => sum + toCents(b.points), 0);
  const itemsTotal = itemsCents / 100;
  const bonusTotal = bonusCents / 100;
  const total = (itemsCents + bonusCents) / 100;
  const missing = [...new Set(items.filter((i) => i.missing).map((i) => i.indicator))];
  return {
    schemeId: scheme.id,
    schemeVersion: scheme.version,
    level,
    itemsTotal,
    bonusTotal,
    total,
    maxTotal: (toCents(100) + ls.bonus.reduce((sum, b) => sum + toCents(b.max), 0)) / 100,
    items,
    bonus,
    missing,
    explanation: `基础得分 ${pts(itemsTotal)} 分 + 加分 ${pts(bonusTotal)} 分 = ${pts(total)} 分`,
    explanationEn: `items ${pts(itemsTotal)} + bonus ${pts(bonusTotal)} = ${pts(total)} points`,
  };
}

export interface RankInput<Id extends string | number = string | number> {
  unitId: Id;
  total: number;
}
export interface Ranked<Id extends string | number = string | number> {
  unitId: Id;
  total: number;
  /** competition ranking: 1, 2, 2, 4 */
  rank: number;
}

function compareIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  // numeric ids given as strings ("9" before "10") compare as numbers
  if (/^\d+$/.test(sa) && /^\d+$/.test(sb) && sa.length !== sb.length) return sa.length - sb.length;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Ranks one group of peers (units of one level, e.g. the counties of the province) by total, highest
 * first. Equal totals (to the hundredth) share a rank and the next rank skips (1, 2, 2, 4); within a
 * tie, and so in the output, units are ordered by id. Refuses a duplicate unit or a non-finite total.
 */
export function rank<Id extends string | number>(results: readonly RankInput<Id>[]): Ranked<Id>[] {
  const seen = new Set<string>();
  results.forEach((r, i) => {
    if (typeof r.total !== 'number' || !Number.isFinite(r.total)) throw new UserInputError(`results[${i}].total must be a finite number`, `results[${i}].total`);
    const id = `${typeof r.unitId}:${String(r.unitId)}`;
    if (seen.has(id)) throw new UserInputError(`results[${i}].unitId ${String(r.unitId)} appears twice`, `results[${i}].unitId`);
    seen.add(id);
  });
  const sorted = results
    .map((r) => ({ unitId: r.unitId, total: r.total, c: toCents(r.total) }))
    .sort((a, b) => b.c - a.c || compareIds(a.unitId, b.unitId));
  let previous: { c: number; rank: number } | null = null;
  return sorted.map((r, i) => {
    const rankOf: number = previous && previous.c === r.c ? previous.rank : i + 1;
    previous = { c: r.c, rank: rankOf };
    return { unitId: r.unitId, total: r.total, rank: rankOf };
  });
}
