/**
 * Deadline arithmetic on China's working-day calendar (services/calendar/working-days.ts, on the
 * chinese-days package): holidays off, adjusted weekend working days on, years the package does not
 * cover counted Monday–Friday, bad dates refused.
 */
import { describe, expect, it } from 'vitest';
import { ACCEPTANCE_WORKING_DAYS, RESOLUTION_WORKING_DAYS } from '../services/complaints/complaint.commands';
import { addWorkingDays, calendarCovers, checkDay, chinaDay, endOfChinaDay, isWorkingDay, workingDaysIn } from '../services/calendar/working-days';

describe('working days', () => {
  it('2026 National Day: received 2026-09-30 → acceptance due 2026-10-15 (Oct 1–7 off, Saturday Oct 10 worked)', () => {
    for (const d of ['2026-10-01', '2026-10-04', '2026-10-07']) expect(isWorkingDay(d), d).toBe(false);
    expect(isWorkingDay('2026-10-10')).toBe(true); // Saturday, adjusted working day
    expect(isWorkingDay('2026-10-11')).toBe(false); // Sunday
    expect(isWorkingDay('2026-09-20')).toBe(true); // Sunday, adjusted working day
    expect(addWorkingDays('2026-09-30', ACCEPTANCE_WORKING_DAYS)).toBe('2026-10-15');
    expect(workingDaysIn('2026-10-01', '2026-10-15')).toEqual(['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15']);
  });

  it('2026 Spring Festival: Feb 15–23 off, Saturdays Feb 14 and Feb 28 worked', () => {
    expect(isWorkingDay('2026-02-14')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    for (const d of ['2026-02-15', '2026-02-17', '2026-02-23']) expect(isWorkingDay(d), d).toBe(false);
    // Fri 13 → Sat 14 (1), Tue 24 … Fri 27 (2–5), Sat 28 (6), Mon Mar 2 (7)
    expect(addWorkingDays('2026-02-13', ACCEPTANCE_WORKING_DAYS)).toBe('2026-03-02');
    // received on the Saturday worked: counting starts the next working day, Tue 24
    expect(addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
  });

  it('45 working days of mediation span Mid-Autumn and the National Day week', () => {
    // accepted 2026-09-01: Sep 2–30 hold 21 working days (Sun 20th worked, Fri 25th Mid-Autumn off), Oct 8–30 19, Nov 2–9 5
    const due = addWorkingDays('2026-09-01', RESOLUTION_WORKING_DAYS);
    expect(workingDaysIn('2026-09-02', due)).toHaveLength(45);
    expect(isWorkingDay('2026-09-25')).toBe(false);
    expect(due).toBe('2026-11-09');
  });

  it('a year the package does not cover counts Monday–Friday, and says so', () => {
    expect(calendarCovers(2026)).toBe(true);
    expect(calendarCovers(2031)).toBe(false);
    expect(isWorkingDay('2031-01-01')).toBe(true); // a Wednesday; New Year unknown for 2031
    expect(isWorkingDay('2031-01-04')).toBe(false); // Saturday
    expect(addWorkingDays('2031-01-01', 7)).toBe('2031-01-10');
  });

  it('n = 0 is the day itself; China days end at 24:00 UTC+8', () => {
    expect(addWorkingDays('2026-10-03', 0)).toBe('2026-10-03');
    expect(chinaDay(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
    expect(endOfChinaDay('2026-10-15').toISOString()).toBe('2026-10-15T15:59:59.999Z');
  });

  it('bad dates and counts are refused', () => {
    expect(() => checkDay('2026-02-30')).toThrow(/not a date/);
    expect(() => addWorkingDays('2026-13-01', 1)).toThrow(/not a date/);
    expect(() => addWorkingDays('20260930', 1)).toThrow(/not a date/);
    expect(() => isWorkingDay('yesterday')).toThrow(/not a date/);
    expect(() => addWorkingDays('2026-09-30', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-09-30', 1.5)).toThrow(RangeError);
  });
});
