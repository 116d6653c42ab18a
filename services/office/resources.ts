/**
 * Staffing and equipment (人员配备, 设备配置): the staff a unit designates for online-market supervision
 * (full-time or part-time, from a day until a day), and its equipment (one declaration per unit, replaced
 * by the next). The norm's minimum for every bureau and station: at least one designated person and one
 * computer; `resourceMinimums` lists the units below it. A unit records for itself or a unit below it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ref } from '@mikro-orm/core';
import { currentActor, DesignatedStaff, jurisdictionSql, StaffAssignment, Unit, UnitEquipment, unitRegion } from '../../entities';
import { chinaDay, checkDay } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape } from '../pagination';
import { requireText } from '../input';
import { dayOf, reportParent } from './logins';
import { ResourceShortfall } from '../../schema/office-records.types';
export { ResourceShortfall };

/** What the norm asks of every bureau and station. */
export const MINIMUM_STAFF = 1;
export const MINIMUM_COMPUTERS = 1;


export interface DesignateStaffInput {
  unitId: string | number;
  name: string;
  assignment: StaffAssignment;
  /** YYYY-MM-DD, not in the future */
  since: string;
}

/** Designates a member of staff of the caller's unit or a unit below it (another unit: NOT_FOUND). */
export function designateStaff(em: EntityManager, input: DesignateStaffInput): Promise<DesignatedStaff> {
  return runCommand(em, 'designateStaff', async (tem) => {
    const unit = await visibleUnit(tem, input.unitId);
    const name = requireText(input.name, 'name', 100);
    if (!(Object.values(StaffAssignment) as string[]).includes(input.assignment)) throw new UserInputError('assignment: full_time or part_time', 'assignment');
    const since = checkDay(String(input.since ?? ''), 'since');
    if (since > chinaDay()) throw new UserInputError(`since: ${since} lies in the future`, 'since');
    const staff = tem.create(DesignatedStaff, {
      unit: ref(unit),
      regionCode: unitRegion(unit),
      name,
      assignment: input.assignment,
      since,
      createdBy: currentActor().name.slice(0, 100),
    });
    await tem.flush();
    return staff;
  });
}

/** Ends a designation from `until` (after its first day; once). Outside the caller's jurisdiction: NOT_FOUND. */
export function endStaffDesignation(em: EntityManager, id: string | number, until: string): Promise<DesignatedStaff> {
  return runCommand(em, 'endStaffDesignation', async (tem) => {
    const n = Number(id);
    const staff = Number.isInteger(n) && n > 0 ? await tem.findOne(DesignatedStaff, { id: n }) : null;
    if (!staff) throw new NotFoundError('designated staff', id);
    const day = checkDay(String(until ?? ''), 'until');
    if (staff.until != null) throw new UserInputError(`id: this designation already ended on ${dayOf(staff.until)}`, 'id');
    if (day <= dayOf(staff.since)) throw new UserInputError(`until: ${day} must lie after the first day ${dayOf(staff.since)}`, 'until');
    staff.until = day;
    await tem.flush();
    return staff;
  });
}

export interface DeclareEquipmentInput {
  unitId: string | number;
  computers: number;
  printers: number;
  cameras: number;
  evidenceDevices: number;
}

const EQUIPMENT_FIELDS = ['computers', 'printers', 'cameras', 'evidenceDevices'] as const;

/** Declares the equipment of the caller's unit or a unit below it: replaces the unit's declaration (counts 0–999). */
export function declareEquipment(em: EntityManager, input: DeclareEquipmentInput): Promise<UnitEquipment> {
  return runCommand(em, 'declareEquipment', async (tem) => {
    const unit = await visibleUnit(tem, input.unitId);
    for (const field of EQUIPMENT_FIELDS) {
      const v = input[field];
      if (!Number.isInteger(v) || v < 0 || v > 999) throw new UserInputError(`${field}: a whole number from 0 to 999`, field);
    }
    const updatedBy = currentActor().name.slice(0, 100);
    let row = await tem.findOne(UnitEquipment, { unit: unit.id });
    if (!row) row = tem.create(UnitEquipment, { unit: ref(unit), regionCode: unitRegion(unit), updatedBy });
    for (const field of EQUIPMENT_FIELDS) row[field] = input[field];
    row.updatedBy = updatedBy;
    await tem.flush();
    return row;
  });
}

/** Whether a designation is active on `day`: since ≤ day and (no end or the end after day). */
export function isActiveDesignation(staff: DesignatedStaff, day = chinaDay()): boolean {
  const until = dayOf(staff.until);
  return dayOf(staff.since) <= day && (until == null || until > day);
}

export interface UnitResources {
  unit: Unit;
  /** designated now */
  staff: DesignatedStaff[];
  equipment: UnitEquipment | null;
}

/** A unit's designated staff now and its equipment (a unit in the caller's jurisdiction, else NOT_FOUND). */
export async function unitResources(em: EntityManager, unitId: string | number): Promise<UnitResources> {
  const unit = await visibleUnit(em, unitId);
  const today = chinaDay();
  const staff = await em.find(
    DesignatedStaff,
    { unit: unit.id, since: { $lte: today }, $or: [{ until: null }, { until: { $gt: today } }] },
    { orderBy: { since: 'asc', id: 'asc' } },
  );
  const equipment = await em.findOne(UnitEquipment, { unit: unit.id });
  return { unit, staff, equipment };
}

export interface ResourceMinimumRow {
  unit: Unit;
  activeStaff: number;
  computers: number;
  missing: ResourceShortfall[];
}

export interface ResourceMinimums {
  /** units checked: the parent and every unit below it */
  checked: number;
  below: number;
  /** the units below the minimum, in tree order */
  units: ResourceMinimumRow[];
}

/**
 * The norm's minimum checked for `parentUnitId` (default the caller's unit) and every unit below it —
 * bureaus and stations: at least one person designated today and one computer. One SQL, within the
 * caller's jurisdiction.
 */
export async function resourceMinimums(em: EntityManager, parentUnitId?: string | number | null): Promise<ResourceMinimums> {
  const parent = await reportParent(em, parentUnitId);
  const today = chinaDay();
  const staffScope = jurisdictionSql('s.region_code');
  const equipmentScope = jurisdictionSql('e.region_code');
  const rows = await em.execute<{ id: number; staff: string | number; computers: string | number }[]>(
    `select u.id,
       (select count(*) from designated_staff s where s.unit_id = u.id and s.since <= ?::date and (s.until is null or s.until > ?::date) and ${staffScope.sql}) as staff,
       coalesce((select e.computers from unit_equipment e where e.unit_id = u.id and ${equipmentScope.sql}), 0) as computers
     from unit u where u.path like ? order by u.path`,
    [today, today, ...staffScope.params, ...equipmentScope.params, `${likeEscape(parent.path)}%`],
  );
  const below = rows
    .map((r) => {
      const activeStaff = Number(r.staff);
      const computers = Number(r.computers);
      const missing: ResourceShortfall[] = [];
      if (activeStaff < MINIMUM_STAFF) missing.push(ResourceShortfall.STAFF);
      if (computers < MINIMUM_COMPUTERS) missing.push(ResourceShortfall.COMPUTER);
      return { id: Number(r.id), activeStaff, computers, missing };
    })
    .filter((r) => r.missing.length > 0);
  const units = below.length ? await em.find(Unit, { id: { $in: below.map((r) => r.id) } }) : [];
  const byId = new Map(units.map((u) => [u.id, u]));
  return {
    checked: rows.length,
    below: below.length,
    units: below.map((r) => ({ unit: byId.get(r.id)!, activeStaff: r.activeStaff, computers: r.computers, missing: r.missing })),
  };
}
