/**
 * The annual assessment scheme (年度考核方案) as data: per unit level, scored items (indicator, weight,
 * scoring rule) and bonus items. A scheme is plain JSON, so it can be stored, diffed and shown; it is
 * validated once by `checkScheme`, and a scheme id + version never changes once used (`checkSchemeHistory`
 * refuses a changed copy) — a correction is a new version, which is how an old year keeps being re-scored
 * with the scheme it was assessed under (`schemeFor`).
 */
import { createHash } from 'node:crypto';
import type { UnitLevel } from '../../entities/unit.entity';
import { UserInputError } from '../../services/errors';

/** The levels of the bureau tree, each assessed with its own list of items (values of `UnitLevel`). */
export type AssessmentLevel = `${UnitLevel}`;
export const ASSESSMENT_LEVELS: readonly AssessmentLevel[] = ['province', 'city', 'county', 'station'];

/** The norm's categories of online-market supervision work (规范的考核类别). */
export const ASSESSMENT_CATEGORIES = {
  organisation: { nameZh: '组织机构与人员配备', nameEn: 'Organisation and staffing' },
  equipment: { nameZh: '设备配置', nameEn: 'Equipment' },
  work_plan: { nameZh: '年度工作部署', nameEn: 'Work plan' },
  training: { nameZh: '业务培训', nameEn: 'Training' },
  publicity: { nameZh: '宣传与消费教育', nameEn: 'Publicity and consumer education' },
  system_use: { nameZh: '系统应用与日常登录', nameEn: 'System use and daily login' },
  filing: { nameZh: '网店备案', nameEn: 'Filing' },
  patrol: { nameZh: '网络巡查', nameEn: 'Patrol' },
  cases: { nameZh: '案件查办', nameEn: 'Cases' },
  reporting: { nameZh: '信息报送', nameEn: 'Reporting' },
  complaints: { nameZh: '投诉举报处理', nameEn: 'Complaints' },
} as const;
export type AssessmentCategory = keyof typeof ASSESSMENT_CATEGORIES;

/**
 * What an indicator value is: a `rate` in [0, 1] (scored at 0.1 percentage point, see score.ts) — a
 * catalog rate's numerator / denominator, not × 100 — or a `count` (a non-negative integer, a catalog
 * sum's value).
 */
export type IndicatorKind = 'rate' | 'count';

export interface AssessmentIndicator {
  nameZh: string;
  nameEn: string;
  kind: IndicatorKind;
  /** Measure word for counts in explanations (次, 件 …). */
  unitZh?: string;
  unitEn?: string;
}

/**
 * The indicators a scheme may score, keyed as in the metrics catalog (analytics/metrics/): a scheme
 * naming any other key is refused. Names here are only for the explanations.
 */
export const ASSESSMENT_INDICATORS = {
  staffing_met: { nameZh: '人员配备达标率', nameEn: 'Staffing minimum met', kind: 'rate' },
  equipment_met: { nameZh: '设备配置达标率', nameEn: 'Equipment minimum met', kind: 'rate' },
  work_plan_on_time: { nameZh: '年度工作部署按时印发率', nameEn: 'Work plan issued on time', kind: 'rate' },
  training_sessions: { nameZh: '业务培训', nameEn: 'Training sessions', kind: 'count', unitZh: '次', unitEn: 'sessions' },
  publicity_activities: { nameZh: '宣传活动', nameEn: 'Publicity activities', kind: 'count', unitZh: '次', unitEn: 'activities' },
  consumer_warnings: { nameZh: '消费警示', nameEn: 'Consumer warnings', kind: 'count', unitZh: '期', unitEn: 'warnings' },
  login_compliance: { nameZh: '日常登录合规率', nameEn: 'Daily login compliance', kind: 'rate' },
  filing_coverage: { nameZh: '网店备案覆盖率', nameEn: 'Filing coverage', kind: 'rate' },
  patrol_coverage: { nameZh: '巡查覆盖率', nameEn: 'Patrol coverage', kind: 'rate' },
  patrol_tasks_overdue: { nameZh: '逾期巡查任务', nameEn: 'Overdue patrol tasks', kind: 'count', unitZh: '件', unitEn: 'tasks' },
  cases_filed: { nameZh: '立案', nameEn: 'Cases filed', kind: 'count', unitZh: '件', unitEn: 'cases' },
  clues_on_time: { nameZh: '线索按时处置率', nameEn: 'Clues handled on time', kind: 'rate' },
  reports_submitted: { nameZh: '信息报送', nameEn: 'Reports submitted', kind: 'count', unitZh: '篇', unitEn: 'reports' },
  reports_approved: { nameZh: '信息采用', nameEn: 'Reports approved', kind: 'count', unitZh: '篇', unitEn: 'reports' },
  complaints_on_time: { nameZh: '投诉按时受理率', nameEn: 'Complaints accepted on time', kind: 'rate' },
  complaints_resolved_rate: { nameZh: '投诉办结率', nameEn: 'Complaints resolved', kind: 'rate' },
} as const satisfies Record<string, AssessmentIndicator>;
export type IndicatorKey = keyof typeof ASSESSMENT_INDICATORS;

/** value / target × weight, capped at the weight. */
export interface LinearRule {
  kind: 'linear';
  /** > 0; for a rate at most 1 */
  target: number;
}

/** The points of the highest step reached (0 below the first); steps ascend by `atLeast`. */
export interface ThresholdsRule {
  kind: 'thresholds';
  steps: { atLeast: number; points: number }[];
}

/** weight − perUnit × value, never below 0 (e.g. overdue tasks). */
export interface DeductionRule {
  kind: 'deduction';
  /** > 0 */
  perUnit: number;
}

/** The weight when the value is ≥ 1 (a rate of 100 %, a count of at least one), else 0. */
export interface BooleanRule {
  kind: 'boolean';
}

export type ScoringRule = LinearRule | ThresholdsRule | DeductionRule | BooleanRule;
export const RULE_KINDS: readonly ScoringRule['kind'][] = ['linear', 'thresholds', 'deduction', 'boolean'];

/** One scored item of a level: at most `weight` points from one indicator. */
export interface AssessmentItem {
  /** unique within the level; lower-case snake case */
  key: string;
  nameZh: string;
  nameEn: string;
  category: AssessmentCategory;
  indicator: IndicatorKey;
  /** points, ≥ 0; a level's weights sum to 100 */
  weight: number;
  rule: ScoringRule;
}

/** Points on top of the 100 (加分项), `points` per occurrence, at most `max` in all. */
export interface BonusItem {
  /** unique within the level; lower-case snake case */
  key: string;
  nameZh: string;
  nameEn: string;
  /** > 0 */
  points: number;
  /** ≥ points */
  max: number;
}

export interface LevelScheme {
  items: AssessmentItem[];
  bonus: BonusItem[];
}

export interface AssessmentScheme {
  /** stable across versions, e.g. "hongdun-annual" */
  id: string;
  /** integer ≥ 1; id + version is immutable */
  version: number;
  /** Chinese name, e.g. "2026 年度网络市场监管工作考核方案" */
  name: string;
  /** first assessment year this version applies to */
  fromYear: number;
  levels: Record<AssessmentLevel, LevelScheme>;
}

/** The total of a level's weights. */
export const LEVEL_TOTAL = 100;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MIN_SCHEME_YEAR = 2000;
export const MAX_SCHEME_YEAR = 2100;

function refuse(path: string, problem: string): never {
  throw new UserInputError(`invalid assessment scheme: ${path} ${problem}`, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) refuse(path, 'must be an object');
  for (const k of Object.keys(v)) if (!allowed.includes(k)) refuse(`${path}.${k}`, `is not a known field (expected one of ${allowed.join(', ')})`);
  return v;
}

function text(v: unknown, path: string, max = 200): string {
  if (typeof v !== 'string' || v.trim() === '') refuse(path, 'must be a non-empty text');
  if (v.length > max) refuse(path, `must be at most ${max} characters`);
  return v;
}

function key(v: unknown, path: string): string {
  if (typeof v !== 'string' || !KEY_PATTERN.test(v)) refuse(path, 'must be a lower-case key (a-z, 0-9, _; starting with a letter)');
  return v;
}

function num(v: unknown, path: string, opts: { min?: number; minExclusive?: number; max?: number; integer?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) refuse(path, 'must be a finite number');
  if (opts.integer && !Number.isInteger(v)) refuse(path, 'must be an integer');
  if (opts.min !== undefined && v < opts.min) refuse(path, `must be at least ${opts.min} (got ${v})`);
  if (opts.minExclusive !== undefined && v <= opts.minExclusive) refuse(path, `must be greater than ${opts.minExclusive} (got ${v})`);
  if (opts.max !== undefined && v > opts.max) refuse(path, `must be at most ${opts.max} (got ${v})`);
  return v;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) refuse(path, 'must be a list');
  return v;
}

/** Sums in hundredths so that 33.33 + 33.33 + 33.34 is exactly 100. */
const cents = (x: number): number => Math.round(Number((x * 100).toPrecision(12)));

function checkRule(v: unknown, path: string, weight: number, indicator: AssessmentIndicator): void {
  if (!isObject(v)) refuse(path, 'must be an object');
  const kind = v.kind;
  if (typeof kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(kind)) {
    refuse(`${path}.kind`, `must be one of ${RULE_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  }
  const isRate = indicator.kind === 'rate';
  switch (kind as ScoringRule['kind']) {
    case 'linear':
      object(v, path, ['kind', 'target']);
      num(v.target, `${path}.target`, isRate ? { minExclusive: 0, max: 1 } : { minExclusive: 0 });
      return;
    case 'deduction':
      object(v, path, ['kind', 'perUnit']);
      num(v.perUnit, `${path}.perUnit`, { minExclusive: 0 });
      return;
    case 'boolean':
      object(v, path, ['kind']);
      return;
    case 'thresholds': {
      object(v, path, ['kind', 'steps']);
      const steps = array(v.steps, `${path}.steps`);
      if (steps.length === 0) refuse(`${path}.steps`, 'must have at least one step');
      let previous: { atLeast: number; points: number } | null = null;
      steps.forEach((s, i) => {
        const p = `${path}.steps[${i}]`;
        const step = object(s, p, ['atLeast', 'points']);
        const atLeast = num(step.atLeast, `${p}.atLeast`, isRate ? { min: 0, max: 1 } : { min: 0 });
        const points = num(step.points, `${p}.points`, { min: 0, max: weight });
        if (previous && atLeast <= previous.atLeast) refuse(`${p}.atLeast`, `must be greater than the previous step's ${previous.atLeast}`);
        if (previous && points < previous.points) refuse(`${p}.points`, `must not be less than the previous step's ${previous.points}`);
        previous = { atLeast, points };
      });
      return;
    }
  }
}

function checkItem(v: unknown, path: string): AssessmentItem {
  const item = object(v, path, ['key', 'nameZh', 'nameEn', 'category', 'indicator', 'weight', 'rule']);
  key(item.key, `${path}.key`);
  text(item.nameZh, `${path}.nameZh`);
  text(item.nameEn, `${path}.nameEn`);
  if (typeof item.category !== 'string' || !Object.hasOwn(ASSESSMENT_CATEGORIES, item.category)) {
    refuse(`${path}.category`, `must be one of ${Object.keys(ASSESSMENT_CATEGORIES).join(', ')} (got ${JSON.stringify(item.category)})`);
  }
  if (typeof item.indicator !== 'string' || !Object.hasOwn(ASSESSMENT_INDICATORS, item.indicator)) {
    refuse(`${path}.indicator`, `must be an indicator of the metrics catalog (got ${JSON.stringify(item.indicator)})`);
  }
  const weight = num(item.weight, `${path}.weight`, { min: 0, max: LEVEL_TOTAL });
  checkRule(item.rule, `${path}.rule`, weight, ASSESSMENT_INDICATORS[item.indicator as IndicatorKey]);
  return item as unknown as AssessmentItem;
}

function checkBonus(v: unknown, path: string): BonusItem {
  const b = object(v, path, ['key', 'nameZh', 'nameEn', 'points', 'max']);
  key(b.key, `${path}.key`);
  text(b.nameZh, `${path}.nameZh`);
  text(b.nameEn, `${path}.nameEn`);
  const points = num(b.points, `${path}.points`, { minExclusive: 0, max: LEVEL_TOTAL });
  num(b.max, `${path}.max`, { min: points, max: LEVEL_TOTAL });
  return b as unknown as BonusItem;
}

/**
 * Validates a scheme (typically parsed JSON) and returns it typed. Refuses — with a UserInputError whose
 * message and `field` name the path, e.g. `levels.county.items[3].weight` — a missing or unknown field,
 * an unknown level, category, indicator or rule kind, a negative weight, a threshold step out of order or
 * above its weight, a duplicate item or bonus key within a level, or a level whose weights do not sum to
 * exactly 100 (to the hundredth).
 */
export function checkScheme(scheme: unknown): AssessmentScheme {
  const s = object(scheme, 'scheme', ['id', 'version', 'name', 'fromYear', 'levels']);
  if (typeof s.id !== 'string' || !/^[a-z][a-z0-9_-]{0,62}$/.test(s.id)) refuse('id', 'must be a lower-case key (a-z, 0-9, _, -)');
  num(s.version, 'version', { min: 1, integer: true });
  text(s.name, 'name');
  num(s.fromYear, 'fromYear', { min: MIN_SCHEME_YEAR, max: MAX_SCHEME_YEAR, integer: true });
  const levels = object(s.levels, 'levels', ASSESSMENT_LEVELS);
  for (const level of ASSESSMENT_LEVELS) {
    const lp = `levels.${level}`;
    if (!(level in levels)) refuse(lp, 'is missing: every level needs its items');
    const l = object(levels[level], lp, ['items', 'bonus']);
    const items = array(l.items, `${lp}.items`);
    if (items.length === 0) refuse(`${lp}.items`, 'must have at least one item');
    const seen = new Map<string, number>();
    let total = 0;
    items.forEach((v, i) => {
      const item = checkItem(v, `${lp}.items[${i}]`);
      const first = seen.get(item.key);
      if (first !== undefined) refuse(`${lp}.items[${i}].key`, `duplicates ${lp}.items[${first}].key "${item.key}"`);
      seen.set(item.key, i);
      total += cents(item.weight);
    });
    if (total !== cents(LEVEL_TOTAL)) refuse(`${lp}.items`, `weights must sum to ${LEVEL_TOTAL} (got ${total / 100})`);
    const bonus = array(l.bonus, `${lp}.bonus`);
    const seenBonus = new Map<string, number>();
    bonus.forEach((v, i) => {
      const b = checkBonus(v, `${lp}.bonus[${i}]`);
      const first = seenBonus.get(b.key);
      if (first !== undefined) refuse(`${lp}.bonus[${i}].key`, `duplicates ${lp}.bonus[${first}].key "${b.key}"`);
      seenBonus.set(b.key, i);
    });
  }
  return scheme as AssessmentScheme;
}

/** JSON with object keys sorted, so that equal schemes serialise equally whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** SHA-256 of the scheme's canonical JSON: stored with a result, it proves which scheme scored it. */
export function schemeFingerprint(scheme: AssessmentScheme): string {
  return createHash('sha256').update(canonical(scheme)).digest('hex');
}

/** Freezes a scheme deeply, so that a scheme in use cannot be altered in place. Returns it. */
export function freezeScheme<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v as object)) freezeScheme(child);
  }
  return v;
}

/**
 * Checks a scheme's history: every version valid; one id; an id + version given twice only if identical
 * (a version is immutable: a change needs a new version); a later version never applies from an earlier
 * year than the version before it.
 */
export function checkSchemeHistory(schemes: readonly unknown[]): AssessmentScheme[] {
  const checked = schemes.map((s, i) => {
    try {
      return checkScheme(s);
    } catch (e) {
      if (e instanceof UserInputError) throw new UserInputError(`schemes[${i}]: ${e.message}`, `schemes[${i}].${e.field}`);
      throw e;
    }
  });
  const ids = new Set(checked.map((s) => s.id));
  if (ids.size > 1) throw new UserInputError(`schemes: one history holds one scheme id (got ${[...ids].join(', ')})`, 'schemes');
  const byVersion = new Map<number, AssessmentScheme>();
  for (const s of checked) {
    const other = byVersion.get(s.version);
    if (other && schemeFingerprint(other) !== schemeFingerprint(s)) {
      throw new UserInputError(`schemes: ${s.id} version ${s.version} is immutable; a changed scheme needs a new version`, 'schemes');
    }
    byVersion.set(s.version, s);
  }
  const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].fromYear < ordered[i - 1].fromYear) {
      throw new UserInputError(
        `schemes: ${ordered[i].id} version ${ordered[i].version} applies from ${ordered[i].fromYear}, before version ${ordered[i - 1].version} (${ordered[i - 1].fromYear})`,
        'schemes',
      );
    }
  }
  return ordered;
}

/**
 * The scheme an assessment year is scored with: the newest version whose `fromYear` ≤ year. Adding a
 * version for a later year therefore never changes how an earlier year is scored.
 */
export function schemeFor(year: number, schemes: readonly AssessmentScheme[]): AssessmentScheme {
  if (!Number.isInteger(year) || year < MIN_SCHEME_YEAR || year > MAX_SCHEME_YEAR) {
    throw new UserInputError(`year must be an integer from ${MIN_SCHEME_YEAR} to ${MAX_SCHEME_YEAR}`, 'year');
  }
  const ordered = checkSchemeHistory(schemes);
  const applicable = ordered.filter((s) => s.fromYear <= year);
  if (applicable.length === 0) throw new UserInputError(`no assessment scheme applies to ${year}`, 'year');
  return applicable[applicable.length - 1];
}
