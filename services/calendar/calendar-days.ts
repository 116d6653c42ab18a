/**
 * The province's hand-set working days (工作日调整): entered by a province-level administrator for a year
 * the holiday package does not hold yet (or to correct a day), read by everyone, in force at once in this
 * process and within minutes in the others (platform.ts reloads them periodically).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CalendarDay, currentActor } from '../../entities';
import { getDayDetail } from 'chinese-days';
import { runCommand } from '../command';
import { NotFoundError, UserInputError } from '../errors';
import { requireText } from '../input';
import { runAsSystem } from '../system-actor';
import { addDays, calendarCovers, checkDay, isWorkingDay, setCalendarAdjustments } from './working-days';

/** Loads the hand-set days into the calendar; returns how many there are. */
export async function loadCalendarAdjustments(em: EntityManager): Promise<number> {
  const days = await runAsSystem('calendar: hand-set days', () => em.find(CalendarDay, {}));
  setCalendarAdjustments(days.map((d) => ({ day: String(d.day).slice(0, 10), working: d.working })));
  return days.length;
}

export interface SetCalendarDayInput {
  day: string;
  working: boolean;
  /** e.g. 元旦, 春节, 春节调休 */
  name: string;
}

/** Sets a day's working status for the whole province (province-level administrators; audited). */
export async function setCalendarDay(em: EntityManager, input: SetCalendarDayInput): Promise<CalendarDay> {
  const day = checkDay(input.day, 'day');
  const name = requireText(input.name, 'name', 100);
  if (typeof input.working !== 'boolean') throw new UserInputError('working: true (a working day) or false (a day off)', 'working');
  const saved = await runCommand(em, 'setCalendarDay', async (tem) => {
    const existing = await tem.findOne(CalendarDay, { day });
    const by = currentActor().name.slice(0, 100);
    if (existing) {
      existing.working = input.working;
      existing.name = name;
      existing.updatedBy = by;
      return existing;
    }
    return tem.create(CalendarDay, { day, working: input.working, name, updatedBy: by });
  });
  await loadCalendarAdjustments(em.fork());
  return saved;
}

/** Removes a hand-set day: the holiday package (or Monday–Friday) decides it again. */
export async function clearCalendarDay(em: EntityManager, day: string): Promise<boolean> {
  const d = checkDay(day, 'day');
  await runCommand(em, 'clearCalendarDay', async (tem) => {
    const existing = await tem.findOne(CalendarDay, { day: d });
    if (!existing) throw new NotFoundError('calendar day', d);
    tem.remove(existing);
  });
  await loadCalendarAdjustments(em.fork());
  return true;
}

/** How a day of the calendar was decided. */
export type DaySource = 'province' | 'package' | 'weekday';

export interface CalendarEntry {
  day: string;
  working: boolean;
  /** the holiday or adjustment name, where there is one */
  name: string | null;
  source: DaySource;
}

/** The days from `from` to `to` (at most 366) with their working status and where it comes from. */
export async function calendarBetween(em: EntityManager, from: string, to: string): Promise<CalendarEntry[]> {
  const first = checkDay(from, 'from');
  const last = checkDay(to, 'to');
  if (last < first) throw new UserInputError('to: before from', 'to');
  if (addDays(first, 366) <= last) throw new UserInputError('to: at most 366 days after from', 'to');
  const set = new Map((await runAsSystem('calendar: hand-set days', () => em.find(CalendarDay, { day: { $gte: first, $lte: last } }))).map((d) => [String(d.day).slice(0, 10), d]));
  const out: CalendarEntry[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) {
    const hand = set.get(day);
    if (hand) {
      out.push({ day, working: hand.working, name: hand.name, source: 'province' });
      continue;
    }
    const covered = calendarCovers(Number(day.slice(0, 4)));
    const detail = covered ? getDayDetail(day) : null;
    const holidayName = detail && !/^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$/.test(detail.name) ? detail.name.split(',')[1] ?? detail.name : null;
    out.push({ day, working: isWorkingDay(day), name: holidayName, source: covered ? 'package' : 'weekday' });
  }
  return out;
}
