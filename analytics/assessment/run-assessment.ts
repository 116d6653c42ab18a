/**
 * The assessment run of a year (年度考核): every unit of the province scored under the year's scheme
 * from its subtree's indicator values, ranked among its peers (same level, province-wide) and among its
 * siblings (same parent), written in one transaction that replaces the year's results. Runs as the named
 * system actor (the whole province is read and written); set-based reads, scoring in JS (`score`).
 *
 * Indicator values for a year, as `metrics(em, { granularity: YEAR })` gives them: flow indicators summed
 * from January to the last month assessed, stock indicators from that last month, distinct counts (patrol
 * coverage: each filed shop once however many months it was patrolled) over those days from the source
 * tables (analytics/metrics/window.ts); a rate is numerator /
 * denominator in [0, 1] (null without a denominator), a count is the numerator. The last month is
 * December for a past year and the current month for the current year (a provisional result).
 * Idempotent: over unchanged data a rerun writes identical rows (but for `computed_at`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ASSESSMENT_INDICATORS,
  type AssessmentLevel,
  type AssessmentScheme,
  type BonusCounts,
  type IndicatorKey,
  type IndicatorValues,
  rank,
  schemeFingerprint,
  score,
} from './';
import { metricByKey } from '../metrics/catalog';
import { subtreeValuesOverDays } from '../metrics/window';
import { currentActor, unitRegion } from '../../entities';
import { chinaDay, monthOf } from '../../services/calendar/working-days';
import { UserInputError } from '../../services/errors';
import { runAsSystem } from '../../services/system-actor';
import { checkYear, currentYear, requireProvinceActor, schemeForYear } from './assessment-schemes';
import {
  countMetricRows,
  insertAudit,
  replaceResults,
  type ResultRow,
  selectAssessedUnits,
  selectBonuses,
  selectSubtreeValues,
} from './assessment.store';

export interface AssessmentRunResult {
  year: number;
  schemeId: string;
  schemeVersion: number;
  /** YYYY-MM: the last month whose metrics count */
  throughMonth: string;
  /** the current year: the result will change as the year goes on */
  provisional: boolean;
  /** results written (one per unit) */
  units: number;
  /** results of the year replaced */
  replaced: number;
  /** units per level */
  byLevel: Record<string, number>;
  /** item values missing (no denominator) over all units */
  missingValues: number;
  ms: number;
  /** milliseconds per phase: read (values, bonuses), score (and rank), write */
  timings: { read: number; score: number; write: number };
}

/** The value of one indicator for the assessment, with the figures behind it. */
export interface IndicatorValueUsed {
  value: number | null;
  numerator: number;
  denominator: number | null;
}

/** The months a year's assessment reads: January to December, or to the current month. */
export function assessedMonths(year: number): { first: string; last: string; provisional: boolean } {
  const provisional = year === currentYear();
  return { first: `${year}-01`, last: provisional ? chinaDay().slice(0, 7) : `${year}-12`, provisional };
}

/** The scheme's indicators at every level, and which of them are stock indicators in the catalog. */
function indicatorsOf(scheme: AssessmentScheme): { keys: IndicatorKey[]; stockKeys: IndicatorKey[] } {
  const keys = [...new Set(Object.values(scheme.levels).flatMap((l) => l.items.map((i) => i.indicator)))].sort();
  for (const k of keys) if (!metricByKey(k)) throw new Error(`assessment indicator ${k} is not in the metrics catalog`);
  return { keys, stockKeys: keys.filter((k) => metricByKey(k)!.time === 'stock') };
}

/** A unit's value of an indicator from its subtree sums: a rate in [0, 1] or a count. */
export function indicatorValue(key: IndicatorKey, numerator: number, denominator: number | null): IndicatorValueUsed {
  if (ASSESSMENT_INDICATORS[key].kind === 'rate') {
    const d = denominator ?? 0;
    return { value: d > 0 ? numerator / d : null, numerator, denominator: d };
  }
  return { value: numerator, numerator, denominator: null };
}

/**
 * Runs the assessment of `year` for every unit (as the system actor). With `audit` (a run asked for by a
 * user), the caller must act at province level and the run is written to the audit log under the caller.
 */
export async function runAssessment(em: EntityManager, year: number, options: { audit?: boolean } = {}): Promise<AssessmentRunResult> {
  const started = Date.now();
  checkYear(year);
  const requester = options.audit ? currentActor() : null;
  const province = options.audit ? await requireProvinceActor(em, 'the assessment run') : null;
  return runAsSystem(`assessment run ${year}`, () =>
    em.fork().transactional(async (tem) => {
      const scheme = await schemeForYear(tem, year);
      const fingerprint = schemeFingerprint(scheme);
      const months = assessedMonths(year);
      if ((await countMetricRows(tem, months.first, months.last)) === 0) {
        throw new UserInputError(`year: no metrics for ${months.first}…${months.last}; refresh the metrics of those months first`, 'year');
      }
      const { keys, stockKeys } = indicatorsOf(scheme);
      const t0 = Date.now();
      const units = await selectAssessedUnits(tem);
      const sums = await selectSubtreeValues(tem, { keys, stockKeys, firstMonth: months.first, lastMonth: months.last });
      // distinct counts (patrol coverage: each shop once in the year) are counted over the year's days, not summed from its months
      const distinct = keys.map((k) => metricByKey(k)!).filter((d) => d.distinct);
      if (distinct.length > 0) {
        const live = await subtreeValuesOverDays(tem, distinct, `${months.first}-01`, monthOf(`${months.last}-01`).last, { unitIds: null, scoped: false });
        sums.splice(0, sums.length, ...sums.filter((s) => !distinct.some((d) => d.key === s.key)), ...live);
      }
      const byUnit = new Map<number, Map<string, { numerator: number; denominator: number | null }>>();
      for (const s of sums) {
        if (!byUnit.has(s.unitId)) byUnit.set(s.unitId, new Map());
        byUnit.get(s.unitId)!.set(s.key, s);
      }
      const bonusRows = await selectBonuses(tem, year);

      const t1 = Date.now();
      let missingValues = 0;
      const scored = units.map((u) => {
        const level = u.level as AssessmentLevel;
        const ls = scheme.levels[level];
        const used: Record<string, IndicatorValueUsed> = {};
        const values: IndicatorValues = {};
        for (const key of [...new Set(ls.items.map((i) => i.indicator))]) {
          const s = byUnit.get(u.id)?.get(key);
          used[key] = indicatorValue(key, s?.numerator ?? 0, s?.denominator ?? null);
          values[key] = used[key].value;
        }
        const known = new Set(ls.bonus.map((b) => b.key));
        // counts recorded for bonus items the year's scheme does not have at this level are not scored
        const bonuses: BonusCounts = Object.fromEntries(bonusRows.filter((b) => b.unitId === u.id && known.has(b.bonusKey)).map((b) => [b.bonusKey, b.count]));
        const result = score(scheme, level, values, bonuses);
        missingValues += result.missing.length;
        return { unit: u, result, used };
      });

      const peerRank = new Map<number, { rank: number; count: number }>();
      const siblingRank = new Map<number, { rank: number; count: number }>();
      const groups = (key: (s: (typeof scored)[number]) => string, into: Map<number, { rank: number; count: number }>) => {
        const by = new Map<string, (typeof scored)[number][]>();
        for (const s of scored) {
          const k = key(s);
          const members = by.get(k);
          if (members) members.push(s);
          else by.set(k, [s]);
        }
        for (const members of by.values()) {
          for (const r of rank(members.map((m) => ({ unitId: m.unit.id, total: m.result.total })))) into.set(r.unitId, { rank: r.rank, count: members.length });
        }
      };
      groups((s) => s.unit.level, peerRank);
      groups((s) => `${s.unit.parentId ?? 'root'}`, siblingRank);

      const rows: Omit<ResultRow, 'computedAt'>[] = scored.map(({ unit, result, used }) => ({
        year,
        unitId: unit.id,
        regionCode: unit.regionCode,
        level: unit.level,
        parentId: unit.parentId,
        schemeId: scheme.id,
        schemeVersion: scheme.version,
        schemeFingerprint: fingerprint,
        total: result.total,
        itemsTotal: result.itemsTotal,
        bonusTotal: result.bonusTotal,
        rank: peerRank.get(unit.id)!.rank,
        peerCount: peerRank.get(unit.id)!.count,
        siblingRank: siblingRank.get(unit.id)!.rank,
        siblingCount: siblingRank.get(unit.id)!.count,
        result,
        values: used,
        throughMonth: months.last,
        provisional: months.provisional,
      }));
      const t2 = Date.now();
      const written = await replaceResults(tem, year, rows);
      if (requester && province) {
        await insertAudit(tem, requester, {
          operation: 'runAssessment',
          entityType: 'AssessmentRun',
          entityId: String(year),
          action: 'update',
          after: { year, schemeId: scheme.id, schemeVersion: scheme.version, throughMonth: months.last, units: written.inserted },
          regionCode: unitRegion(province),
        });
      }
      const byLevel: Record<string, number> = {};
      for (const u of units) byLevel[u.level] = (byLevel[u.level] ?? 0) + 1;
      return {
        year,
        schemeId: scheme.id,
        schemeVersion: scheme.version,
        throughMonth: months.last,
        provisional: months.provisional,
        units: written.inserted,
        replaced: written.deleted,
        byLevel,
        missingValues,
        ms: Date.now() - started,
        timings: { read: t1 - t0, score: t2 - t1, write: Date.now() - t2 },
      };
    }),
  );
}
