/**
 * Patrol plans (巡查计划): routine plans (日常巡查: how often each shop is patrolled, by class, listing
 * category and risk) and special campaigns (专项: a theme, a period, a target set of shops, a checklist).
 * A plan belongs to the caller's unit and covers a scope of region prefixes inside its jurisdiction.
 * Plans are not row-filtered: a caller sees a plan whose scope overlaps their jurisdiction (a station
 * sees the province's campaign it works on); only the owner unit or a unit above it may close one.
 */
import { LockMode, ref } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_LEXICON } from '../../kernel/rules/lexicon';
import {
  AccessDeniedError,
  type CampaignTarget,
  type ChecklistItem,
  coversJurisdiction,
  currentActor,
  jurisdictionSql,
  PatrolPlan,
  PatrolPlanKind,
  PatrolPlanStatus,
  type RoutineRule,
  ShopClassification,
  Unit,
} from '../../entities';
import { chinaDay, checkDay } from '../calendar/working-days';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { requireRegion } from '../registry/registry-rules';
import { now } from '../../kernel/clock';
import { optionalText, requireText } from '../input';

/**
 * A `date` value as `YYYY-MM-DD`: both back ends return `date` columns as text (server/database.ts sets
 * PGlite's parser), but a day may also come as a Date (UTC midnight) from code; both read the same here.
 */
export function dayOf(value: string | Date): string;
export function dayOf(value: string | Date | null | undefined): string | null;
export function dayOf(value: string | Date | null | undefined): string | null {
  if (value == null) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
}

/** The intervals (months) a routine rule may use: they divide a year, so a shop's months repeat yearly. */
export const PATROL_INTERVALS: readonly number[] = [1, 2, 3, 4, 6, 12];

/** Top-level food categories of the rule lexicon (licensed and exempt), each once (食品 covers 食品/生鲜). */
function foodCategories(): string[] {
  const all = [...DEFAULT_LEXICON.food.licensedCategories, ...DEFAULT_LEXICON.food.exemptCategories];
  return [...new Set(all)].filter((c, _, list) => !list.some((other) => other !== c && c.startsWith(`${other}/`)));
}

/**
 * The default frequencies of a routine plan, first match wins: shops selling food (a listing in a food
 * category of the rule lexicon: 食品, 酒类, 生鲜 …) and high-risk shops (an unarchived clue, or a
 * finding of the last 90 days) monthly; platforms and trading own sites every 2 months; platform
 * merchants and non-trading own sites quarterly (as the issue's example says).
 */
export const DEFAULT_ROUTINE_RULES: readonly RoutineRule[] = Object.freeze([
  ...foodCategories().map((category) => ({ category, intervalMonths: 1 })),
  { risk: 'high' as const, intervalMonths: 1 },
  { classification: ShopClassification.PLATFORM, intervalMonths: 2 },
  { classification: ShopClassification.OWN_SITE_TRADING, intervalMonths: 2 },
  { classification: ShopClassification.PLATFORM_MERCHANT, intervalMonths: 3 },
  { classification: ShopClassification.OWN_SITE_NON_TRADING, intervalMonths: 3 },
]);

/** The checklist of routine patrols and ad hoc records (网上巡查 common items). */
export const DEFAULT_CHECKLIST: readonly ChecklistItem[] = Object.freeze([
  { key: 'licence-shown', textZh: '亮照亮证：首页显著位置公示营业执照信息', textEn: 'business licence shown on the home page' },
  { key: 'subject-consistent', textZh: '主体信息一致：公示信息与登记信息一致', textEn: 'shown details match the register' },
  { key: 'prohibited-goods', textZh: '禁售商品：未销售禁止或限制交易的商品', textEn: 'no prohibited or restricted goods' },
  { key: 'advertising-terms', textZh: '广告用语：无绝对化用语、虚假或引人误解的宣传', textEn: 'no absolute terms or misleading claims' },
  { key: 'price-marking', textZh: '价格标示：明码标价，无虚构原价', textEn: 'prices marked, no fictitious original price' },
  { key: 'food-licence', textZh: '食品经营许可：销售食品的公示食品经营许可证', textEn: 'food business licence shown where food is sold' },
]);

export interface CreatePatrolPlanInput {
  kind: PatrolPlanKind;
  name: string;
  theme?: string | null;
  /** region prefixes; default the caller's unit jurisdiction */
  scope?: string[] | null;
  /** default today (routine); required for a campaign */
  startsOn?: string | null;
  endsOn?: string | null;
  rules?: RoutineRule[] | null;
  target?: CampaignTarget | null;
  checklist?: ChecklistItem[] | null;
}

/** Prefixes without those another one covers, sorted. */
function minimalPrefixes(prefixes: string[]): string[] {
  const unique = [...new Set(prefixes)];
  return unique.filter((p) => !unique.some((q) => q !== p && p.startsWith(q))).sort();
}

function checkScope(scope: string[] | null | undefined, unit: Unit): string[] {
  if (scope == null) return minimalPrefixes(unit.jurisdiction);
  if (scope.length === 0) throw new UserInputError('scope: give at least one region code, or leave it out for your whole jurisdiction', 'scope');
  if (scope.length > 500) throw new UserInputError('scope: at most 500 region codes', 'scope');
  return minimalPrefixes(scope.map((code) => requireRegion(String(code ?? ''), 'scope')));
}

function checkRules(rules: RoutineRule[] | null | undefined): RoutineRule[] {
  if (rules == null) return DEFAULT_ROUTINE_RULES.map((r) => ({ ...r }));
  if (rules.length === 0) throw new UserInputError('rules: give at least one rule, or leave them out for the defaults', 'rules');
  if (rules.length > 100) throw new UserInputError('rules: at most 100 rules', 'rules');
  const classifications = Object.values(ShopClassification) as string[];
  return rules.map((rule, i) => {
    const field = `rules[${i}]`;
    if (!PATROL_INTERVALS.includes(rule.intervalMonths)) {
      throw new UserInputError(`${field}.intervalMonths: ${rule.intervalMonths} is not one of ${PATROL_INTERVALS.join(', ')}`, 'rules');
    }
    const out: RoutineRule = { intervalMonths: rule.intervalMonths };
    if (rule.classification != null) {
      if (!classifications.includes(rule.classification)) throw new UserInputError(`${field}.classification: unknown classification ${rule.classification}`, 'rules');
      out.classification = rule.classification;
    }
    if (rule.category != null) out.category = requireText(rule.category, `${field}.category`, 200);
    if (rule.risk != null) {
      if (rule.risk !== 'high' && rule.risk !== 'normal') throw new UserInputError(`${field}.risk: high or normal`, 'rules');
      out.risk = rule.risk;
    }
    return out;
  });
}

const KEY_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function checkChecklist(checklist: ChecklistItem[] | null | undefined, required: boolean): ChecklistItem[] {
  if (checklist == null) {
    if (required) throw new UserInputError('checklist: a campaign needs its checklist', 'checklist');
    return DEFAULT_CHECKLIST.map((c) => ({ ...c }));
  }
  if (checklist.length === 0) throw new UserInputError('checklist: give at least one item', 'checklist');
  if (checklist.length > 100) throw new UserInputError('checklist: at most 100 items', 'checklist');
  const seen = new Set<string>();
  return checklist.map((item, i) => {
    const key = (item.key ?? '').trim();
    if (!KEY_RE.test(key)) throw new UserInputError(`checklist[${i}].key: "${key}" is not a key (lower-case letters, digits, - and _, at most 64)`, 'checklist');
    if (seen.has(key)) throw new UserInputError(`checklist[${i}].key: "${key}" appears twice; keys must be unique`, 'checklist');
    seen.add(key);
    return {
      key,
      textZh: requireText(item.textZh, `checklist[${i}].textZh`, 300),
      textEn: optionalText(item.textEn, `checklist[${i}].textEn`, 300),
    };
  });
}

function checkTarget(target: CampaignTarget | null | undefined, scope: string[]): CampaignTarget {
  const t = target ?? {};
  const classifications = Object.values(ShopClassification) as string[];
  for (const c of t.classifications ?? []) {
    if (!classifications.includes(c)) throw new UserInputError(`target.classifications: unknown classification ${c}`, 'target');
  }
  const categories = (t.categories ?? []).map((c, i) => requireText(c, `target.categories[${i}]`, 200));
  const regionPrefixes = (t.regionPrefixes ?? []).map((code) => {
    const region = requireRegion(String(code ?? ''), 'target.regionPrefixes');
    if (!scope.some((p) => region.startsWith(p))) throw new UserInputError(`target.regionPrefixes: ${region} lies outside the plan's scope (${scope.join(', ')})`, 'target');
    return region;
  });
  return {
    classifications: t.classifications?.length ? [...new Set(t.classifications)] : null,
    categories: categories.length ? [...new Set(categories)] : null,
    regionPrefixes: regionPrefixes.length ? minimalPrefixes(regionPrefixes) : null,
    includeUnfiled: Boolean(t.includeUnfiled),
  };
}

/** The caller's own unit: plans belong to a unit (API keys and unit-less callers may not plan). */
async function callerUnit(em: EntityManager): Promise<Unit> {
  const actor = currentActor();
  if (actor.kind !== 'user' || actor.unitId == null) throw new AccessDeniedError('patrol plans belong to a unit: only staff of a unit may plan');
  const unit = await em.findOne(Unit, { id: actor.unitId });
  if (!unit) throw new AccessDeniedError('your unit no longer exists');
  return unit;
}

/**
 * Creates a routine plan or a special campaign of the caller's unit. Routine: rules (default
 * DEFAULT_ROUTINE_RULES) and checklist (default DEFAULT_CHECKLIST), open-ended unless endsOn is given.
 * Campaign: startsOn, endsOn (≥ startsOn, not past), a target and its own checklist are required.
 */
export function createPatrolPlan(em: EntityManager, input: CreatePatrolPlanInput): Promise<PatrolPlan> {
  return runCommand(em, 'createPatrolPlan', async (tem) => {
    const unit = await callerUnit(tem);
    const kind = input.kind;
    if (kind !== PatrolPlanKind.ROUTINE && kind !== PatrolPlanKind.CAMPAIGN) throw new UserInputError('kind: routine or campaign', 'kind');
    const campaign = kind === PatrolPlanKind.CAMPAIGN;
    const name = requireText(input.name, 'name', 200);
    const theme = campaign ? requireText(input.theme, 'theme', 2000) : optionalText(input.theme, 'theme', 2000);
    const scope = checkScope(input.scope, unit);
    const today = chinaDay();
    if (campaign && !input.startsOn) throw new UserInputError('startsOn: a campaign needs its first day', 'startsOn');
    if (campaign && !input.endsOn) throw new UserInputError('endsOn: a campaign needs its last day', 'endsOn');
    const startsOn = input.startsOn ? checkDay(input.startsOn, 'startsOn') : today;
    const endsOn = input.endsOn ? checkDay(input.endsOn, 'endsOn') : null;
    if (endsOn && endsOn < startsOn) throw new UserInputError(`endsOn: ${endsOn} lies before startsOn ${startsOn}`, 'endsOn');
    if (endsOn && endsOn < today) throw new UserInputError(`endsOn: ${endsOn} has already passed`, 'endsOn');
    if (campaign && input.rules != null) throw new UserInputError('rules: a campaign patrols its target once; rules are for routine plans', 'rules');
    if (!campaign && input.target != null) throw new UserInputError('target: a routine plan patrols by its rules; a target is for campaigns', 'target');
    const plan = tem.create(PatrolPlan, {
      kind,
      name,
      theme,
      ownerUnit: ref(unit),
      // a unit's own region is its first jurisdiction prefix (a station's seat is its county, outside it)
      regionCode: unit.jurisdiction[0] ?? unit.regionCode,
      scope,
      startsOn,
      endsOn,
      rules: campaign ? null : checkRules(input.rules),
      target: campaign ? checkTarget(input.target, scope) : null,
      checklist: checkChecklist(input.checklist, campaign),
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    return plan;
  });
}

/** Whether a plan's scope overlaps a jurisdiction (one covers a part of the other). */
export function scopeOverlaps(scope: readonly string[], prefixes: readonly string[]): boolean {
  return scope.some((s) => prefixes.some((p) => s.startsWith(p) || p.startsWith(s)));
}

/** SQL for "the plan's scope overlaps the caller's jurisdiction", on the plan alias `alias`. */
export function planVisibleSql(alias: string): { sql: string; params: string[] } {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`invalid alias ${alias}`);
  const { prefixes } = currentActor();
  if (prefixes.includes('')) return { sql: 'true', params: [] };
  if (prefixes.length === 0) return { sql: 'false', params: [] };
  return {
    sql: `exists (select 1 from unnest(${alias}.scope) sc where ${prefixes.map(() => `(sc like ? or ? like sc || '%')`).join(' or ')})`,
    params: prefixes.flatMap((p) => [`${p}%`, p]),
  };
}

/** A plan whose scope overlaps the caller's jurisdiction, else NOT_FOUND. */
export async function getPatrolPlan(em: EntityManager, id: string | number, lock = false): Promise<PatrolPlan> {
  const n = Number(id);
  const plan = Number.isInteger(n) && n > 0 ? await em.findOne(PatrolPlan, { id: n }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) : null;
  if (!plan || !scopeOverlaps(plan.scope, currentActor().prefixes)) throw new NotFoundError('patrol plan', id);
  return plan;
}

/**
 * Closes a plan: no further tasks; its open tasks are cancelled. Only the owner unit or a unit above it
 * may (a unit that merely sees the plan may not). Returns the plan and how many tasks were cancelled.
 */
export function closePatrolPlan(em: EntityManager, id: string | number, reason: string): Promise<{ plan: PatrolPlan; cancelledTasks: number }> {
  return runCommand(em, 'closePatrolPlan', async (tem) => {
    const closeReason = requireText(reason, 'reason', 2000);
    const plan = await getPatrolPlan(tem, id, true);
    const owner = await tem.findOneOrFail(Unit, { id: plan.ownerUnit.id });
    if (!coversJurisdiction(currentActor().prefixes, owner.jurisdiction)) {
      throw new AccessDeniedError(`patrol plan ${plan.id} belongs to ${owner.name}: only that unit or a unit above it may close it`);
    }
    if (plan.status === PatrolPlanStatus.CLOSED) throw new UserInputError(`patrol plan ${plan.id} is already closed`, 'id');
    plan.status = PatrolPlanStatus.CLOSED;
    plan.closedAt = now();
    plan.closeReason = closeReason;
    await tem.flush();
    // every task of the plan lies in the owner's scope, hence in the caller's jurisdiction; the rule stays explicit
    const scope = jurisdictionSql('region_code');
    const rows = await tem.execute<{ id: number }[]>(
      `update patrol_task set status = 'cancelled' where plan_id = ? and status = 'open' and ${scope.sql} returning id`,
      [plan.id, ...scope.params],
    );
    return { plan, cancelledTasks: rows.length };
  });
}
