/**
 * China's working-day calendar for legal deadlines (工作日): weekends and public holidays are off,
 * adjusted weekend working days (调休上班) are on. The holidays and adjustments come from the maintained
 * `chinese-days` package (the State Council's yearly arrangements); a year it does not yet hold (the next
 * year's arrangement is published each November) counts Monday–Friday, and `calendarCovers` says so —
 * unless the province has entered the days by hand (table calendar_day, `setCalendarAdjustments`), which
 * override the package day by day.
 *
 * Days are calendar dates in China's time (UTC+8, no daylight saving), written `YYYY-MM-DD`.
 */
import { getDayDetail, getHolidaysInRange } from 'chinese-days';
import { UserInputError } from '../errors';
import { now } from '../../kernel/clock';

const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar date in China (UTC+8) of an instant. */
export function chinaDay(at: Date = now()): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant of a China calendar day. */
export function startOfChinaDay(day: string): Date {
  return new Date(`${checkDay(day)}T00:00:00.000+08:00`);
}

/** The last instant of a China calendar day (a deadline "by day X" ends here). */
export function endOfChinaDay(day: string): Date {
  return new Date(startOfChinaDay(day).getTime() + DAY_MS - 1);
}

/** `day` if it is a real calendar date `YYYY-MM-DD`, else a UserInputError naming `field`. */
export function checkDay(day: string, field = 'date'): string {
  const m = DAY_RE.exec(day ?? '');
  const d = m ? new Date(`${day}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) {
    throw new UserInputError(`${field}: "${day}" is not a date (YYYY-MM-DD)`, field);
  }
  return day;
}

/** The day `n` calendar days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(new Date(`${checkDay(day)}T00:00:00Z`).getTime() + n * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

const coveredYears = new Map<number, boolean>();

/** Days the province set by hand: day → working or not (loaded from calendar_day). */
let adjustments: ReadonlyMap<string, boolean> = new Map();
/** The years with at least one hand-set day. */
let adjustedYears: ReadonlySet<number> = new Set();

/** Puts the province's hand-set days in force (replacing the previous set). */
export function setCalendarAdjustments(days: Iterable<{ day: string; working: boolean }>): void {
  adjustments = new Map([...days].map((d) => [d.day, d.working]));
  adjustedYears = new Set([...adjustments.keys()].map((day) => Number(day.slice(0, 4))));
}

/** How many hand-set days are in force. */
export function calendarAdjustmentCount(): number {
  return adjustments.size;
}

/** Whether the package holds the State Council's holiday arrangement for `year` (or the province entered days of it). */
export function calendarCovers(year: number): boolean {
  if (adjustedYears.has(year)) return true;
  let covered = coveredYears.get(year);
  if (covered === undefined) {
    covered = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
    coveredYears.set(year, covered);
  }
  return covered;
}

/** Whether `day` is a working day: a holiday is off, an adjusted weekend working day is on. */
export function isWorkingDay(day: string): boolean {
  checkDay(day);
  const set = adjustments.get(day);
  if (set !== undefined) return set;
  if (!calendarCovers(Number(day.slice(0, 4)))) {
    const w = weekday(day);
    return w !== 0 && w !== 6;
  }
  return getDayDetail(day).work;
}

/**
 * The `n`-th working day after `day` (the day itself not counted, as "within n working days of receipt"
 * reads); n = 0 gives `day` itself.
 */
export function addWorkingDays(day: string, n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let d = checkDay(day);
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left -= 1;
  }
  return d;
}

/** The working days from `from` to `to`, both included, in order. */
export function workingDaysIn(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = checkDay(from, 'from'); d <= checkDay(to, 'to'); d = addDays(d, 1)) if (isWorkingDay(d)) days.push(d);
  return days;
}

/** The first and last day of the month holding `day`. */
export function monthOf(day: string): { first: string; last: string } {
  const first = `${checkDay(day).slice(0, 7)}-01`;
  const next = new Date(`${first}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  return { first, last: addDays(next.toISOString().slice(0, 10), -1) };
}
