/**
 * Complaints as the API reads them: in the caller's jurisdiction (the ORM filter and, for the counts,
 * the same rule as SQL), newest first, with deadlines read on China's calendar days.
 */
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Complaint, ComplaintChannel, ComplaintKind, ComplaintStatus, currentActor, jurisdictionSql, Unit, UnitLevel } from '../../entities';
import type { Connection } from '../../schema/connection';
import { checkDay, chinaDay, endOfChinaDay, startOfChinaDay } from '../calendar/working-days';
import { visibleUnit } from '../clues/clue.queries';
import { NotFoundError, UserInputError } from '../errors';
import { likeEscape, type Page, paginate } from '../pagination';

export interface ComplaintFilter {
  statuses?: ComplaintStatus[] | null;
  kinds?: ComplaintKind[] | null;
  channels?: ComplaintChannel[] | null;
  /** assigned to this unit or a unit under it */
  unitId?: string | number | null;
  shopId?: string | number | null;
  /** received on or after this China day (YYYY-MM-DD) */
  receivedFrom?: string | null;
  /** received on or before this China day (YYYY-MM-DD) */
  receivedTo?: string | null;
  /** true: still received (undecided) after the acceptance deadline; false: not so */
  acceptanceOverdue?: boolean | null;
}

/** The ORM condition of a filter (validated; the jurisdiction filter applies on top). */
export async function complaintWhere(em: EntityManager, filter: ComplaintFilter): Promise<FilterQuery<Complaint>> {
  const and: FilterQuery<Complaint>[] = [];
  if (filter.statuses?.length) and.push({ status: { $in: filter.statuses } });
  if (filter.kinds?.length) and.push({ kind: { $in: filter.kinds } });
  if (filter.channels?.length) and.push({ channel: { $in: filter.channels } });
  if (filter.unitId != null && filter.unitId !== '') {
    const unit = await visibleUnit(em, filter.unitId);
    and.push({ assignedUnit: { path: { $like: `${likeEscape(unit.path)}%` } } });
  }
  if (filter.shopId != null && filter.shopId !== '') {
    const id = Number(filter.shopId);
    if (!Number.isInteger(id) || id <= 0) throw new UserInputError('shopId: not an id', 'shopId');
    and.push({ shop: id });
  }
  const from = filter.receivedFrom ? checkDay(filter.receivedFrom, 'receivedFrom') : null;
  const to = filter.receivedTo ? checkDay(filter.receivedTo, 'receivedTo') : null;
  if (from && to && from > to) throw new UserInputError('receivedTo: lies before receivedFrom', 'receivedTo');
  if (from) and.push({ receivedAt: { $gte: startOfChinaDay(from) } });
  if (to) and.push({ receivedAt: { $lte: endOfChinaDay(to) } });
  const today = chinaDay();
  if (filter.acceptanceOverdue === true) and.push({ status: ComplaintStatus.RECEIVED, acceptanceDueOn: { $lt: today } });
  if (filter.acceptanceOverdue === false) and.push({ $or: [{ status: { $ne: ComplaintStatus.RECEIVED } }, { acceptanceDueOn: { $gte: today } }] });
  return and.length === 0 ? {} : and.length === 1 ? and[0] : { $and: and };
}

/** A page of complaints in the caller's jurisdiction, newest received first. */
export async function listComplaints(em: EntityManager, filter: ComplaintFilter, page: Page): Promise<Connection<Complaint>> {
  return paginate(em, Complaint, await complaintWhere(em, filter), { receivedAt: 'desc' }, page);
}

/** A complaint in the caller's jurisdiction, else NOT_FOUND (outside and absent look the same). */
export async function getComplaint(em: EntityManager, id: string | number): Promise<Complaint> {
  const n = Number(id);
  const complaint = Number.isInteger(n) && n > 0 ? await em.findOne(Complaint, { id: n }) : null;
  if (!complaint) throw new NotFoundError('complaint', id);
  return complaint;
}

/** Still undecided after the last day of the acceptance deadline. */
export function isAcceptanceOverdue(complaint: Complaint, now = new Date()): boolean {
  return complaint.status === ComplaintStatus.RECEIVED && complaint.acceptanceDueOn < chinaDay(now);
}

/** Whether the acceptance decision (accept or reject) came by the end of its last day; null while undecided. */
export function wasDecidedOnTime(complaint: Complaint): boolean | null {
  return complaint.decidedAt ? chinaDay(complaint.decidedAt) <= complaint.acceptanceDueOn : null;
}

export interface ComplaintUnitCount {
  unit: Unit;
  /** complaints received in the period */
  received: number;
  /** of those, accepted (whatever happened next) */
  accepted: number;
  /** of those, decided (accepted or rejected) by the end of the acceptance deadline */
  acceptedOnTime: number;
  rejected: number;
  /** with a result (resolved or closed) */
  resolved: number;
  closed: number;
  /** still undecided and past the acceptance deadline now */
  acceptanceOverdue: number;
  /** yuan recovered for consumers, a decimal string */
  amountRecovered: string;
}

/**
 * Complaint counts per child unit of `parentUnitId` (default: the caller's own unit; a unit without
 * children counts itself), each over the complaints received in [from, to] (China days) and assigned to
 * that unit or a unit under it, within the caller's jurisdiction.
 */
export async function complaintCountsByUnit(em: EntityManager, parentUnitId: string | number | null | undefined, from: string, to: string): Promise<ComplaintUnitCount[]> {
  checkDay(from, 'from');
  checkDay(to, 'to');
  if (from > to) throw new UserInputError('to: lies before from', 'to');
  const actor = currentActor();
  let parent: Unit | null;
  if (parentUnitId != null && parentUnitId !== '') parent = await visibleUnit(em, parentUnitId, 'parentUnitId');
  else if (actor.unitId != null) parent = await em.findOne(Unit, { id: actor.unitId });
  else parent = await em.findOne(Unit, { level: UnitLevel.PROVINCE }, { orderBy: { id: 'asc' } });
  if (!parent) throw new NotFoundError('unit', parentUnitId ?? 'of the caller');
  const children = await em.find(Unit, { parent: parent.id }, { orderBy: { code: 'asc' } });
  const units = children.length > 0 ? children : [parent];
  const scope = jurisdictionSql('c.region_code');
  // a China day of a timestamptz without relying on the server's time-zone database: UTC + 8 hours
  const decidedDay = `((c.decided_at at time zone 'UTC') + interval '8 hours')::date`;
  const rows = await em.execute<Record<string, string | number | null>[]>(
    `select u.id as unit_id,
       count(*) as received,
       count(*) filter (where c.decided_at is not null and c.status <> 'rejected') as accepted,
       count(*) filter (where c.decided_at is not null and ${decidedDay} <= c.acceptance_due_on) as accepted_on_time,
       count(*) filter (where c.status = 'rejected') as rejected,
       count(*) filter (where c.resolved_at is not null) as resolved,
       count(*) filter (where c.status = 'closed') as closed,
       count(*) filter (where c.status = 'received' and c.acceptance_due_on < ?::date) as acceptance_overdue,
       coalesce(sum(c.amount_recovered), 0)::text as amount_recovered
     from unit u
     join unit a on a.path like u.path || '%'
     join complaint c on c.assigned_unit_id = a.id
     where u.id in (${units.map(() => '?').join(', ')}) and c.received_at >= ? and c.received_at <= ? and ${scope.sql}
     group by u.id`,
    [chinaDay(), ...units.map((u) => u.id), startOfChinaDay(from), endOfChinaDay(to), ...scope.params],
  );
  const byUnit = new Map(rows.map((r) => [Number(r.unit_id), r]));
  return units.map((unit) => {
    const r = byUnit.get(unit.id);
    const n = (key: string) => Number(r?.[key] ?? 0);
    return {
      unit,
      received: n('received'),
      accepted: n('accepted'),
      acceptedOnTime: n('accepted_on_time'),
      rejected: n('rejected'),
      resolved: n('resolved'),
      closed: n('closed'),
      acceptanceOverdue: n('acceptance_overdue'),
      amountRecovered: Number(r?.amount_recovered ?? 0).toFixed(2),
    };
  });
}
