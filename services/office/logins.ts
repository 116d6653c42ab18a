/**
 * Daily login (定期登录): every successful login writes a LoginEvent (services/access/login.command.ts);
 * compliance per unit and month counts the working days on which at least one user of the unit itself
 * logged in, against the working-day calendar (holidays off, adjusted working weekends on).
 *
 * Also the helpers the office-records services share: the caller's own unit, the units a per-unit report
 * covers, and input checks.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessDeniedError, currentActor, jurisdictionSql, Unit, UnitLevel } from '../../entities';
import { chinaDay, monthOf, workingDaysIn } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape } from '../pagination';
import { dayOf } from '../patrols/patrol-plans';

export { dayOf };

export const given = (v: unknown): boolean => v != null && v !== '';

/** The caller's own unit: office records belong to a unit (API keys and unit-less callers record none). */
export async function callerUnit(em: EntityManager, what = 'office records'): Promise<Unit> {
  const actor = currentActor();
  if (actor.kind !== 'user' || actor.unitId == null) throw new AccessDeniedError(`${what} belong to a unit: only staff of a unit may record them`);
  const unit = await em.findOne(Unit, { id: actor.unitId });
  if (!unit) throw new AccessDeniedError('your unit no longer exists');
  return unit;
}

/** The unit a report starts from: `parentUnitId` (in the caller's jurisdiction), else the caller's unit, else the province. */
export async function reportParent(em: EntityManager, parentUnitId?: string | number | null): Promise<Unit> {
  const actor = currentActor();
  let parent: Unit | null;
  if (given(parentUnitId)) parent = await visibleUnit(em, parentUnitId!, 'parentUnitId');
  else if (actor.unitId != null) parent = await em.findOne(Unit, { id: actor.unitId });
  else parent = await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
  if (!parent) throw new NotFoundError('unit', parentUnitId ?? 'of the caller');
  return parent;
}

/** The child units of `parent` by code; a unit without children stands for itself. */
export async function childUnitsOf(em: EntityManager, parent: Unit): Promise<Unit[]> {
  const children = await em.find(Unit, { parent: parent.id }, { orderBy: { code: 'asc' } });
  return children.length > 0 ? children : [parent];
}

/** Every unit below `parent` (not `parent` itself), in tree order; `parent` alone when it has none. */
export async function subtreeUnitsOf(em: EntityManager, parent: Unit, includeParent = false): Promise<Unit[]> {
  const units = await em.find(Unit, { path: { $like: `${likeEscape(parent.path)}%` } }, { orderBy: { path: 'asc' } });
  const below = includeParent ? units : units.filter((u) => u.id !== parent.id);
  return below.length > 0 ? below : [parent];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface LoginComplianceRow {
  unit: Unit;
  month: string;
  /** working days of the month counted (up to today in the current month) */
  workingDays: number;
  /** of those, days on which at least one user of the unit itself logged in */
  daysWithLogin: number;
  /** daysWithLogin / workingDays (1 when no working day is counted yet) */
  compliance: number;
  /** the counted working days without a login, YYYY-MM-DD */
  missedDays: string[];
}

/** The working days of `month` (YYYY-MM) that count: all of a past month, up to today in the current one. */
export function countedWorkingDays(month: string, today = chinaDay()): string[] {
  if (!MONTH_RE.test(month ?? '')) throw new UserInputError(`month: "${month}" is not a month (YYYY-MM)`, 'month');
  const { first, last } = monthOf(`${month}-01`);
  if (first > today) throw new UserInputError(`month: ${month} has not begun yet`, 'month');
  return workingDaysIn(first, last < today ? last : today);
}

/**
 * Login compliance for `month` per child unit of `parentUnitId` (default the caller's unit; a unit without
 * children counts itself), or per unit of the whole subtree below it with `includeSubtree`. Each unit
 * counts its own users' logins only (a county's own operators, not its stations'); weekend and holiday
 * logins do not count, logins on an adjusted working weekend do. One SQL over the login events, within
 * the caller's jurisdiction.
 */
export async function loginCompliance(
  em: EntityManager,
  month: string,
  parentUnitId?: string | number | null,
  includeSubtree = false,
): Promise<LoginComplianceRow[]> {
  const days = countedWorkingDays(month);
  const parent = await reportParent(em, parentUnitId);
  const units = includeSubtree ? await subtreeUnitsOf(em, parent) : await childUnitsOf(em, parent);
  const logged = new Map<number, Set<string>>();
  if (days.length > 0) {
    const scope = jurisdictionSql('e.region_code');
    const rows = await em.execute<{ unit_id: number; day: string }[]>(
      `select distinct e.unit_id, to_char(e.day, 'YYYY-MM-DD') as day
       from login_event e
       where e.unit_id in (${units.map(() => '?').join(', ')}) and e.day in (${days.map(() => '?::date').join(', ')}) and ${scope.sql}`,
      [...units.map((u) => u.id), ...days, ...scope.params],
    );
    for (const r of rows) {
      const set = logged.get(Number(r.unit_id)) ?? new Set<string>();
      set.add(r.day);
      logged.set(Number(r.unit_id), set);
    }
  }
  return units.map((unit) => {
    const set = logged.get(unit.id) ?? new Set<string>();
    const missedDays = days.filter((d) => !set.has(d));
    const daysWithLogin = days.length - missedDays.length;
    return { unit, month, workingDays: days.length, daysWithLogin, compliance: days.length === 0 ? 1 : daysWithLogin / days.length, missedDays };
  });
}
