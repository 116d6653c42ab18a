/**
 * The standard table of the monthly statistical report (月度统计报表) of one unit: one row per child unit
 * (plus the unit's own row, 本级, and the total, 合计), the standard indicators as column groups, each with
 * the month (本月), the year to date (本年累计) and the change against the same month last year (同比).
 *
 * Read from the metrics rollup through `metrics()` (analytics/metrics/query.ts) — three set-based reads
 * (month, same month last year, year to date) of the units and their children together, never a query per
 * row; `buildMonthlyTables` does the same for many units at once (the monthly job) — so the
 * numbers are the rollup's and the access rule applies. Pure data: no rendering here (the benchmark calls
 * it alone). Invariants: the total is the unit's subtree value; children + own = total (numerators and
 * denominators apart, rates divided at the end); the year to date of a flow sums its months, of a stock
 * (shops filed, filing coverage) it is the state at the end of the month.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Unit, UnitLevel } from '../../entities';
import { now as clockNow } from '../../kernel/clock';
import { visibleUnit } from '../../services/clues/clue.queries';
import { UserInputError } from '../../services/errors';
import { currentAndPreviousMonth } from '../metrics/rollup';
import { MetricGranularity, metrics, type MetricRow } from '../metrics/query';
import { REPORT_INDICATORS, sectionOf } from './indicators';

/** One figure: a count or amount (denominator null), or a rate's parts and value (× scale). */
export interface ReportValue {
  numerator: number;
  denominator: number | null;
  /** the count, or numerator / denominator × scale; null for a rate without a denominator */
  value: number | null;
}

/** One indicator of one row. */
export interface ReportCell {
  /** 本月 */
  month: ReportValue;
  /** 本年累计: January to the month */
  ytd: ReportValue;
  /** the same month last year */
  lastYear: ReportValue;
  /** 同比: counts month − last year; rates the difference in percentage points (null when either is null) */
  change: number | null;
  /** counts only: the change in percent of last year's figure; null when last year is 0 (shown "—") */
  changePct: number | null;
}

export type ReportRowKind = 'unit' | 'own' | 'total';

export interface ReportRow {
  /** unit: a child unit (or a station's only row); own: the unit's own rows (本级); total: 合计 */
  kind: ReportRowKind;
  unitId: number | null;
  code: string;
  nameZh: string;
  nameEn: string;
  /** one per column, in column order */
  cells: ReportCell[];
}

/** A column group: one indicator over its three sub-columns. */
export interface ReportColumn {
  key: string;
  nameZh: string;
  nameEn: string;
  /** 户, 件, 元, 次, % … */
  unit: string;
  aggregation: 'sum' | 'rate';
  time: 'flow' | 'stock';
  sectionKey: string;
  sectionZh: string;
  sectionEn: string;
}

/** The three sub-columns of each indicator. */
export const SUB_COLUMNS = Object.freeze([
  { key: 'month', nameZh: '本月', nameEn: 'Month' },
  { key: 'ytd', nameZh: '本年累计', nameEn: 'Year to date' },
  { key: 'change', nameZh: '同比', nameEn: 'vs. last year' },
] as const);

export interface ReportTable {
  unit: { id: number; code: string; nameZh: string; level: UnitLevel };
  /** YYYY-MM */
  month: string;
  /** the same month last year, YYYY-MM */
  lastYearMonth: string;
  /** the first month of the year to date, YYYY-01 */
  ytdFrom: string;
  columns: ReportColumn[];
  /** child units in code order, then the unit's own row (units with children); a station: one row */
  rows: ReportRow[];
  /** 合计: the unit's whole subtree */
  total: ReportRow;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** the oldest month a report may be asked for (the platform holds no earlier data) */
export const FIRST_REPORT_MONTH = '2020-01';

/** `month` checked: YYYY-MM, from FIRST_REPORT_MONTH to the current China month (else BAD_USER_INPUT on `field`). */
export function checkReportMonth(month: string, field = 'month', at: Date = clockNow()): string {
  if (!MONTH_RE.test(month ?? '')) throw new UserInputError(`${field}: "${month}" is not a month (YYYY-MM)`, field);
  const [current] = currentAndPreviousMonth(at);
  if (month > current) throw new UserInputError(`${field}: ${month} lies in the future (the current month is ${current})`, field);
  if (month < FIRST_REPORT_MONTH) throw new UserInputError(`${field}: ${month} lies before ${FIRST_REPORT_MONTH}, the first month with data`, field);
  return month;
}

/** The same month a year earlier. */
export function sameMonthLastYear(month: string): string {
  return `${Number(month.slice(0, 4)) - 1}${month.slice(4)}`;
}

/** cents at most: rollup numerators are counts or yuan amounts; strips float noise of the subtraction */
const round2 = (x: number) => Math.round(x * 100) / 100;
/** rates and percentages are kept to 10 decimals: deterministic text in the digest and the files */
const round10 = (x: number) => Math.round(x * 1e10) / 1e10;

function valueOf(def: ReportColumn & { scale: number }, numerator: number, denominator: number | null): ReportValue {
  const n = round2(numerator);
  if (def.aggregation === 'sum') return { numerator: n, denominator: null, value: n };
  const d = round2(denominator ?? 0);
  return { numerator: n, denominator: d, value: d > 0 ? round10((n / d) * def.scale) : null };
}

function cellOf(def: ReportColumn & { scale: number }, month: ReportValue, ytd: ReportValue, lastYear: ReportValue): ReportCell {
  if (def.aggregation === 'rate') {
    const change = month.value == null || lastYear.value == null ? null : round10(month.value - lastYear.value);
    return { month, ytd, lastYear, change, changePct: null };
  }
  const change = round2((month.value ?? 0) - (lastYear.value ?? 0));
  const changePct = lastYear.value ? round10((change / lastYear.value) * 100) : null;
  return { month, ytd, lastYear, change, changePct };
}

type Parts = { numerator: number; denominator: number | null };
type Which = 'month' | 'last' | 'ytd';

const COLUMNS = () =>
  REPORT_INDICATORS.map((d) => {
    const s = sectionOf(d.key);
    return { key: d.key, nameZh: d.nameZh, nameEn: d.nameEn, unit: d.unit, aggregation: d.aggregation, time: d.time, scale: d.scale, sectionKey: s.key, sectionZh: s.nameZh, sectionEn: s.nameEn };
  });

/** the most units one metrics read takes (analytics/metrics/query.ts allows 1000) */
const CHUNK = 900;

/**
 * The tables of several units for `month` at once: three reads of the rollup for all of them and their
 * children together (each unit's subtree value for the month, the same month last year and the year to
 * date), however many units — what the monthly job uses for the whole province. Every unit must lie in the
 * caller's jurisdiction (NOT_FOUND otherwise).
 */
export async function buildMonthlyTables(em: EntityManager, unitIds: readonly (number | string)[], month: string): Promise<Map<number, ReportTable>> {
  checkReportMonth(month);
  const lastYearMonth = sameMonthLastYear(month);
  const ytdFrom = `${month.slice(0, 4)}-01`;
  const keys = REPORT_INDICATORS.map((d) => d.key);
  const columns = COLUMNS();
  const units: Unit[] = [];
  for (const id of unitIds) units.push(await visibleUnit(em, id, 'unitId'));
  // the children of every unit (loaded once: metrics' own unit checks then hit the identity map)
  const below: Unit[] = [];
  for (let i = 0; i < units.length; i += CHUNK) {
    below.push(...(await em.find(Unit, { parent: { $in: units.slice(i, i + CHUNK).map((u) => u.id) } }, { orderBy: { code: 'asc' } })));
  }
  const all = new Map<number, Unit>();
  for (const u of [...units, ...below]) all.set(u.id, u);
  const ids = [...all.keys()];
  const read = async (from: string, to: string, granularity: MetricGranularity) => {
    const out = new Map<string, MetricRow>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const r of await metrics(em, { keys, unitIds: ids.slice(i, i + CHUNK), from, to, granularity })) out.set(`${r.unit.id}|${r.key}`, r);
    }
    return out;
  };
  const values: Record<Which, Map<string, MetricRow>> = {
    month: await read(month, month, MetricGranularity.MONTH),
    last: await read(lastYearMonth, lastYearMonth, MetricGranularity.MONTH),
    ytd: await read(ytdFrom, month, MetricGranularity.YEAR),
  };
  const partsOf = (id: number) => (which: Which, key: string): Parts => {
    const r = values[which].get(`${id}|${key}`);
    return { numerator: r?.numerator ?? 0, denominator: r?.denominator ?? null };
  };
  const rowOf = (kind: ReportRowKind, u: Unit | null, nameZh: string, nameEn: string, parts: (which: Which, key: string) => Parts): ReportRow => ({
    kind,
    unitId: u?.id ?? null,
    code: u?.code ?? '',
    nameZh,
    nameEn,
    cells: columns.map((c) => {
      const v = (which: Which) => {
        const p = parts(which, c.key);
        return valueOf(c, p.numerator, p.denominator);
      };
      return cellOf(c, v('month'), v('ytd'), v('last'));
    }),
  });

  const tables = new Map<number, ReportTable>();
  for (const unit of units) {
    const children = below.filter((c) => c.parent?.id === unit.id).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const total = partsOf(unit.id);
    const rows: ReportRow[] = [];
    if (children.length > 0) {
      for (const c of children) rows.push(rowOf('unit', c, c.name, c.name, partsOf(c.id)));
      // the unit's own rows (本级): the subtree less the children, numerators and denominators apart
      rows.push(
        rowOf('own', unit, `${unit.name}本级`, `${unit.name} (own)`, (which, key) => {
          const t = total(which, key);
          let num = t.numerator;
          let den = t.denominator;
          for (const c of children) {
            const k = partsOf(c.id)(which, key);
            num -= k.numerator;
            if (den != null) den -= k.denominator ?? 0;
          }
          return { numerator: num, denominator: den };
        }),
      );
    } else {
      rows.push(rowOf('unit', unit, unit.name, unit.name, total));
    }
    tables.set(unit.id, {
      unit: { id: unit.id, code: unit.code, nameZh: unit.name, level: unit.level },
      month,
      lastYearMonth,
      ytdFrom,
      columns: columns.map(({ scale: _scale, ...c }) => c),
      rows,
      total: rowOf('total', unit, '合计', 'Total', total),
    });
  }
  return tables;
}

/**
 * The table of `unitId` for `month` (YYYY-MM, not in the future). The unit must lie in the caller's
 * jurisdiction (NOT_FOUND otherwise). Three reads of the rollup (the unit and its children together),
 * whatever the number of rows.
 */
export async function buildMonthlyTable(em: EntityManager, unitId: number | string, month: string): Promise<ReportTable> {
  checkReportMonth(month);
  const unit = await visibleUnit(em, unitId, 'unitId');
  return (await buildMonthlyTables(em, [unit.id], month)).get(unit.id)!;
}
