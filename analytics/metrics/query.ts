/**
 * Reads of the supervision metrics: per unit, drill-down to the children, per month or year. A unit's
 * value is its subtree's: the stored own values of the unit and of every unit below it (by `unit.path`
 * prefix), numerators and denominators summed apart and divided at the end. The units asked for must lie
 * in the caller's jurisdiction (else NOT_FOUND, as if absent), and the rollup rows read are scoped by the
 * same access rule (`jurisdictionSql` on their region).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor, jurisdictionSql, Unit, UnitLevel } from '../../entities';
import { visibleUnit } from '../../services/clues/clue.queries';
import { NotFoundError, UserInputError } from '../../services/errors';
import { now as clockNow } from '../../kernel/clock';
import { chinaDay, monthOf } from '../../services/calendar/working-days';
import { METRICS, metricByKey, type MetricDefinition } from './catalog';
import { dayWindow } from './compute';
import { subtreeValuesOverDays } from './window';
import { MetricGranularity } from '../../schema/metrics.types';
export { MetricGranularity };


export interface MetricsQuery {
  keys: readonly string[];
  /** default: the caller's unit */
  unitIds?: readonly (string | number)[] | null;
  /** regions instead of (or beside) units: each stands for the unit supervising it (e.g. `3701` → the city bureau) */
  regionCodes?: readonly string[] | null;
  /** drill-down: the children of each given unit instead (a unit without children stands for itself) */
  children?: boolean | null;
  /** YYYY-MM, both included */
  from: string;
  to: string;
  granularity?: MetricGranularity | null;
}

export interface MetricRow {
  unit: Unit;
  /** `2026-03` or `2026` */
  period: string;
  key: string;
  /** sum: the count or amount; rate: numerator / denominator × scale, null without a denominator */
  value: number | null;
  numerator: number;
  /** rates only */
  denominator: number | null;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** the largest answer (units × periods × keys) one query may ask for */
export const MAX_METRIC_ROWS = 50_000;
const MAX_KEYS = 100;
const MAX_UNITS = 1000;

function checkMonth(value: string, field: string): string {
  if (!MONTH_RE.test(value ?? '')) throw new UserInputError(`${field}: "${value}" is not a month (YYYY-MM)`, field);
  return value;
}

/** The months from `from` to `to` (YYYY-MM), both included. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) return out;
    out.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}

/** The indicators asked for: known, once each, in the order given. */
export function checkMetricKeys(keys: readonly string[] | null | undefined): MetricDefinition[] {
  if (!keys || keys.length === 0) throw new UserInputError('keys: name at least one indicator (see metricCatalog)', 'keys');
  if (keys.length > MAX_KEYS) throw new UserInputError(`keys: at most ${MAX_KEYS} indicators at once`, 'keys');
  const seen = new Set<string>();
  const out: MetricDefinition[] = [];
  for (const key of keys) {
    const def = metricByKey(key);
    if (!def) throw new UserInputError(`keys: unknown indicator "${key}" (see metricCatalog)`, 'keys');
    if (!seen.has(key)) out.push(def);
    seen.add(key);
  }
  return out;
}

/** The units a query reports on, each in the caller's jurisdiction (else NOT_FOUND). */
async function unitsOf(
  em: EntityManager,
  unitIds: readonly (string | number)[] | null | undefined,
  regionCodes: readonly string[] | null | undefined,
  children: boolean,
): Promise<Unit[]> {
  const given: Unit[] = [];
  if ((unitIds?.length ?? 0) + (regionCodes?.length ?? 0) > MAX_UNITS) throw new UserInputError(`unitIds: at most ${MAX_UNITS} units and regions at once`, 'unitIds');
  for (const id of unitIds ?? []) given.push(await visibleUnit(em, id, 'unitIds'));
  for (const code of regionCodes ?? []) given.push(await visibleUnit(em, await unitOfRegion(em, code), 'regionCodes'));
  if (given.length === 0) {
    const actor = currentActor();
    const own = actor.unitId != null ? await em.findOne(Unit, { id: actor.unitId }) : await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
    if (!own) throw new NotFoundError('unit', actor.unitId ?? 'of the caller');
    given.push(await visibleUnit(em, own.id, 'unitIds'));
  }
  let units = given;
  if (children) {
    const below = await em.find(Unit, { parent: { $in: given.map((u) => u.id) } }, { orderBy: { code: 'asc' } });
    units = given.flatMap((p) => {
      const kids = below.filter((c) => c.parent?.id === p.id);
      return kids.length > 0 ? kids : [p];
    });
  }
  const seen = new Set<number>();
  return units.filter((u) => !seen.has(u.id) && seen.add(u.id));
}

/**
 * The unit supervising region `code` (`37`, `3701`, `370102`): the highest unit holding exactly that code
 * among its jurisdiction prefixes — the city bureau for a city, the county bureau for a county. A region
 * no unit supervises as a whole is refused, naming it.
 */
async function unitOfRegion(em: EntityManager, code: string): Promise<number> {
  if (typeof code !== 'string' || !/^\d{2,12}$/.test(code)) throw new UserInputError(`regionCodes: "${code}" is not a region code (digits, e.g. 3701)`, 'regionCodes');
  const [row] = await em.execute<{ id: number }[]>(`select id from unit where ? = any(jurisdiction) order by length(path), id limit 1`, [code]);
  if (!row) throw new UserInputError(`regionCodes: no unit supervises region ${code} as a whole; name a city or county code, or a unit`, 'regionCodes');
  return Number(row.id);
}

/**
 * The values of `keys` for the units asked for (each its whole subtree), per month or year over
 * [from, to]: one row per unit, period and key the indicator applies to (a period without data gives 0,
 * or a null rate). A year's flow indicator sums its months in the range; a stock indicator takes the last
 * month of the range in that year; a rate divides the summed numerators by the summed denominators; a
 * distinct count (patrol coverage, listings observed) is counted over the year's months in the range from
 * the source tables (window.ts), each shop or listing once.
 */
export async function metrics(em: EntityManager, q: MetricsQuery): Promise<MetricRow[]> {
  const defs = checkMetricKeys(q.keys);
  const from = checkMonth(q.from, 'from');
  const to = checkMonth(q.to, 'to');
  if (from > to) throw new UserInputError(`to: ${to} lies before from ${from}`, 'to');
  const granularity = q.granularity ?? MetricGranularity.MONTH;
  if (!Object.values(MetricGranularity).includes(granularity)) throw new UserInputError('granularity: MONTH or YEAR', 'granularity');
  const months = monthsBetween(from, to);
  const units = await unitsOf(em, q.unitIds, q.regionCodes, q.children === true);
  const periods = granularity === MetricGranularity.YEAR ? [...new Set(months.map((m) => m.slice(0, 4)))] : months;
  if (units.length * periods.length * defs.length > MAX_METRIC_ROWS) {
    throw new UserInputError(`to: ${units.length} units × ${periods.length} periods × ${defs.length} indicators is more than ${MAX_METRIC_ROWS} values; narrow the query`, 'to');
  }

  // stock indicators over a year: the last month of the range in that year
  const stockKeys = defs.filter((d) => d.time === 'stock').map((d) => d.key);
  const lastMonths = granularity === MetricGranularity.YEAR ? periods.map((y) => months.filter((m) => m.startsWith(y)).at(-1)!) : [];
  const stockClause =
    granularity === MetricGranularity.YEAR && stockKeys.length > 0
      ? `and (m.key not in (${stockKeys.map(() => '?').join(', ')}) or m.month in (${lastMonths.map(() => '?::date').join(', ')}))`
      : '';
  const scope = jurisdictionSql('m.region_code');
  const format = granularity === MetricGranularity.YEAR ? 'YYYY' : 'YYYY-MM';
  const rows = await em.execute<{ unit_id: number; period: string; key: string; numerator: string; denominator: string | null }[]>(
    `select p.id as unit_id, to_char(m.month, '${format}') as period, m.key, sum(m.numerator)::text as numerator, sum(m.denominator)::text as denominator
     from unit p
     join unit u on u.path like p.path || '%'
     join unit_metric_month m on m.unit_id = u.id
     where p.id in (${units.map(() => '?').join(', ')}) and m.key in (${defs.map(() => '?').join(', ')})
       and m.month >= ?::date and m.month <= ?::date and ${scope.sql} ${stockClause}
     group by p.id, 2, m.key`,
    [
      ...units.map((u) => u.id),
      ...defs.map((d) => d.key),
      `${from}-01`,
      `${to}-01`,
      ...scope.params,
      ...(stockClause ? [...stockKeys, ...lastMonths.map((m) => `${m}-01`)] : []),
    ],
  );
  const found = new Map<string, { numerator: string | number; denominator: string | number | null }>(rows.map((r) => [`${Number(r.unit_id)}|${r.period}|${r.key}`, r]));
  // distinct counts over a year are not the sum of its months: counted live over the year's months in the range
  const distinct = defs.filter((d) => d.distinct);
  if (granularity === MetricGranularity.YEAR && distinct.length > 0) {
    for (const year of periods) {
      const inYear = months.filter((m) => m.startsWith(year));
      for (const d of distinct) for (const u of units) found.delete(`${u.id}|${year}|${d.key}`);
      if (`${inYear[0]}-01` > chinaDay(clockNow())) continue;
      const live = await subtreeValuesOverDays(em, distinct, `${inYear[0]}-01`, monthOf(`${inYear.at(-1)}-01`).last, { unitIds: units.map((u) => u.id), scoped: true, now: clockNow() });
      for (const v of live) found.set(`${v.unitId}|${year}|${v.key}`, v);
    }
  }
  const out: MetricRow[] = [];
  for (const unit of units) {
    for (const period of periods) {
      for (const def of defs) {
        if (!def.levels.includes(unit.level)) continue;
        out.push(rowOf(unit, period, def, found.get(`${unit.id}|${period}|${def.key}`)));
      }
    }
  }
  return out;
}

/** A unit's value of `def` from its summed numerator and denominator (absent: 0, a null rate). */
function rowOf(unit: Unit, period: string, def: MetricDefinition, r: { numerator: string | number; denominator: string | number | null } | undefined): MetricRow {
  const numerator = Number(r?.numerator ?? 0);
  if (def.aggregation === 'sum') return { unit, period, key: def.key, value: numerator, numerator, denominator: null };
  const denominator = Number(r?.denominator ?? 0);
  return { unit, period, key: def.key, value: denominator > 0 ? (numerator / denominator) * def.scale : null, numerator, denominator };
}

export interface DayMetricsQuery extends Omit<MetricsQuery, 'from' | 'to' | 'granularity'> {
  /** YYYY-MM-DD (China days), both included, at most MAX_WINDOW_DAYS days */
  from: string;
  to: string;
}

/**
 * The values of `keys` for the units asked for (each its whole subtree) over the days [from, to] as one
 * period (`2026-12-01/2026-12-07`), computed live from the source tables by the rollup's own SQL: a flow
 * counts what happened on those days (a distinct count each subject once), a stock is the state at the end
 * of `to` (or now, when `to` is today or later), a rate divides the summed parts. What a month to date
 * against the same days of the month before or of last year needs; the same access rule as `metrics`.
 */
export async function metricsOverDays(em: EntityManager, q: DayMetricsQuery): Promise<MetricRow[]> {
  const defs = checkMetricKeys(q.keys);
  const now = clockNow();
  // validates the days first: nothing read for a bad window
  dayWindow(q.from, q.to, now);
  const units = await unitsOf(em, q.unitIds, q.regionCodes, q.children === true);
  if (units.length * defs.length > MAX_METRIC_ROWS) {
    throw new UserInputError(`keys: ${units.length} units × ${defs.length} indicators is more than ${MAX_METRIC_ROWS} values; narrow the query`, 'keys');
  }
  const period = `${q.from}/${q.to}`;
  const live = await subtreeValuesOverDays(em, defs, q.from, q.to, { unitIds: units.map((u) => u.id), scoped: true, now });
  const found = new Map(live.map((v) => [`${v.unitId}|${v.key}`, v]));
  const out: MetricRow[] = [];
  for (const unit of units) {
    for (const def of defs) {
      if (def.levels.includes(unit.level)) out.push(rowOf(unit, period, def, found.get(`${unit.id}|${def.key}`)));
    }
  }
  return out;
}

/** The catalog, for `metricCatalog`. */
export function metricCatalog(): readonly MetricDefinition[] {
  return METRICS;
}
