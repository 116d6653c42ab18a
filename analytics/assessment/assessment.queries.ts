/**
 * Reads of the annual assessment and the bonus command: results visible to the caller (the access rule
 * on the result's region — a unit and the units above it), one unit's result with every item explained,
 * and the bonus counts (加分项) the province records.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssessmentResult } from './';
import { currentActor, Unit, UnitLevel, unitRegion } from '../../entities';
import { visibleUnit } from '../../services/clues/clue.queries';
import { runCommand } from '../../services/command';
import { NotFoundError, UserInputError } from '../../services/errors';
import { requireText } from '../../services/input';
import { checkYear, requireProvinceActor, schemeForYear } from './assessment-schemes';
import { type BonusRow, insertAudit, type ResultRow, selectBonus, selectResult, selectResults, selectResultYears, upsertBonus } from './assessment.store';
import type { IndicatorValueUsed } from './run-assessment';

/** A stored result with its unit, as the API shows it. */
export interface UnitAssessment extends Omit<ResultRow, 'result' | 'values'> {
  unit: Unit;
  result: AssessmentResult;
  values: Record<string, IndicatorValueUsed>;
}

async function withUnits(em: EntityManager, rows: ResultRow[]): Promise<UnitAssessment[]> {
  const units = new Map((await em.find(Unit, { id: { $in: rows.map((r) => r.unitId) } })).map((u) => [u.id, u]));
  return rows.map((r) => ({ ...r, unit: units.get(r.unitId)!, result: r.result as AssessmentResult, values: r.values as Record<string, IndicatorValueUsed> }));
}

function checkLevel(level: string | null | undefined): UnitLevel | null {
  if (level == null) return null;
  if (!(Object.values(UnitLevel) as string[]).includes(level)) throw new UserInputError(`level: one of ${Object.values(UnitLevel).join(', ')}`, 'level');
  return level as UnitLevel;
}

/**
 * The results of `year` the caller may see, ordered by rank: of one `level` (ranked province-wide among
 * that level), and/or of the children of `parentUnitId` (by their rank among siblings; the unit must be in
 * the caller's jurisdiction, else NOT_FOUND). Without either: every visible result, level by level.
 */
export async function assessmentResults(em: EntityManager, q: { year: number; level?: string | null; parentUnitId?: string | number | null }): Promise<UnitAssessment[]> {
  const year = checkYear(q.year);
  const level = checkLevel(q.level);
  const parent = q.parentUnitId != null && q.parentUnitId !== '' ? await visibleUnit(em, q.parentUnitId, 'parentUnitId') : null;
  return withUnits(em, await selectResults(em, { year, level, parentId: parent?.id ?? null }));
}

/** The years that have an assessment run with results the caller may see, newest first (a year not listed shows nothing). */
export function assessmentYears(em: EntityManager): Promise<number[]> {
  return selectResultYears(em);
}

/** One unit's result of `year` with its items, bonuses and explanations; NOT_FOUND outside the caller's jurisdiction or before a run. */
export async function assessmentResult(em: EntityManager, unitId: string | number, year: number): Promise<UnitAssessment> {
  const y = checkYear(year);
  const unit = await visibleUnit(em, unitId, 'unitId');
  const row = await selectResult(em, y, unit.id);
  if (!row) throw new NotFoundError('assessment result', `of unit ${unit.id} for ${y}`);
  return (await withUnits(em, [row]))[0];
}

export interface RecordBonusInput {
  unitId: string | number;
  year: number;
  bonusKey: string;
  /** occurrences in the year (0 clears) */
  count: number;
  /** what happened, e.g. which experience was promoted by whom */
  note: string;
}

export interface BonusRecord extends BonusRow {
  unit: Unit;
}

/** The most occurrences of one bonus item a unit may be given in a year. */
export const MAX_BONUS_COUNT = 100;

/**
 * Records how often a unit earned a bonus item in a year (province level; audited), replacing the
 * previous count. The item must be a bonus item of the unit's level in the year's scheme. It counts from
 * the next run of the year's assessment.
 */
export async function recordAssessmentBonus(em: EntityManager, input: RecordBonusInput): Promise<BonusRecord> {
  await requireProvinceActor(em, 'an assessment bonus');
  const year = checkYear(input.year);
  const unit = await visibleUnit(em, input.unitId, 'unitId');
  const scheme = await schemeForYear(em, year);
  const known = scheme.levels[unit.level as keyof typeof scheme.levels].bonus.map((b) => b.key);
  if (typeof input.bonusKey !== 'string' || !known.includes(input.bonusKey)) {
    throw new UserInputError(
      `bonusKey: "${String(input.bonusKey)}" is not a bonus item of a ${unit.level} in ${scheme.id} version ${scheme.version} (one of ${known.join(', ') || 'none'})`,
      'bonusKey',
    );
  }
  if (!Number.isInteger(input.count) || input.count < 0 || input.count > MAX_BONUS_COUNT) {
    throw new UserInputError(`count: a whole number from 0 to ${MAX_BONUS_COUNT}`, 'count');
  }
  const note = requireText(input.note, 'note', 500);
  const actor = currentActor();
  const row = await runCommand(em, 'recordAssessmentBonus', async (tem) => {
    const before = await selectBonus(tem, year, unit.id, input.bonusKey);
    const saved = await upsertBonus(tem, { year, unitId: unit.id, bonusKey: input.bonusKey, count: input.count, note, regionCode: unitRegion(unit), recordedBy: actor.name.slice(0, 100) });
    await insertAudit(tem, actor, {
      operation: 'recordAssessmentBonus',
      entityType: 'AssessmentBonus',
      entityId: `${year}/${unit.id}/${input.bonusKey}`,
      action: before ? 'update' : 'create',
      before: before ? { count: before.count, note: before.note } : undefined,
      after: { count: saved.count, note: saved.note },
      regionCode: unitRegion(unit),
    });
    return saved;
  });
  return { ...row, unit };
}
