/**
 * Hand-set working days (工作日调整): a province administrator enters a holiday or an adjusted working day
 * of a year the holiday package does not hold yet; deadlines count it at once; nobody below the province
 * (nor a leader) may; removing it gives the day back to the package (or Monday–Friday).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, isWorkingDay } from '../services/calendar/working-days';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const { refused } = workflowChecks(() => p, 'calendar test', ['calendar_day', 'audit_entry']);
const SET = `mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { day working name updatedBy } }`;
const CLEAR = `mutation($d: String!) { clearCalendarDay(day: $d) }`;
const CALENDAR = `query($f: String!, $t: String!) { workingCalendar(from: $f, to: $t) { day working name source } }`;

beforeAll(async () => {
  p = await startTestPlatform({ entities: 100 });
}, 120_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('hand-set working days', () => {
  it('a province administrator sets a day off and an adjusted working day; deadlines count them at once', async () => {
    const admin = await p.login('sd-admin');
    // a year the package does not hold: Monday–Friday until the province enters its arrangement
    expect(addWorkingDays('2030-12-30', 2)).toBe('2031-01-01');
    expect(ok(await p.gql(SET, { i: { day: '2031-01-01', working: false, name: '元旦' } }, admin)).setCalendarDay).toEqual({ day: '2031-01-01', working: false, name: '元旦', updatedBy: 'sd-admin' });
    expect(ok(await p.gql(SET, { i: { day: '2031-01-04', working: true, name: '元旦调休' } }, admin)).setCalendarDay.working).toBe(true);
    expect(isWorkingDay('2031-01-01')).toBe(false);
    expect(isWorkingDay('2031-01-04')).toBe(true); // a Saturday, worked
    // 12-31 (Wed), 01-01 off, 01-02 (Thu)
    expect(addWorkingDays('2030-12-30', 2)).toBe('2031-01-02');
    const days = ok(await p.gql(CALENDAR, { f: '2030-12-31', t: '2031-01-05' }, await p.login('x370102-inspector'))).workingCalendar;
    expect(days).toEqual([
      { day: '2030-12-31', working: true, name: null, source: 'weekday' },
      { day: '2031-01-01', working: false, name: '元旦', source: 'province' },
      { day: '2031-01-02', working: true, name: null, source: 'package' },
      { day: '2031-01-03', working: true, name: null, source: 'package' },
      { day: '2031-01-04', working: true, name: '元旦调休', source: 'province' },
      { day: '2031-01-05', working: false, name: null, source: 'package' },
    ]);
    const [audit] = await p.db.orm.em.fork().getConnection().execute(`select count(*)::int as n from audit_entry where operation = 'setCalendarDay'`);
    expect(audit.n).toBe(2);
  });

  it('the package still decides the years it holds, and a cleared day goes back to it', async () => {
    expect(isWorkingDay('2026-10-01')).toBe(false);
    const admin = await p.login('sd-admin');
    expect(ok(await p.gql(CLEAR, { d: '2031-01-01' }, admin)).clearCalendarDay).toBe(true);
    expect(isWorkingDay('2031-01-01')).toBe(true);
    expect(codes(await p.gql(CLEAR, { d: '2031-01-01' }, admin))).toEqual(['NOT_FOUND']);
  });

  it('refuses a county administrator, a leader, bad days and anonymous callers, writing nothing', async () => {
    const [county, leader, admin] = [await p.login('x370102-admin'), await p.login('sd-leader'), await p.login('sd-admin')];
    await refused('FORBIDDEN', () => p.gql(SET, { i: { day: '2031-05-01', working: false, name: '劳动节' } }, county));
    await refused('FORBIDDEN', () => p.gql(SET, { i: { day: '2031-05-01', working: false, name: '劳动节' } }, leader));
    await refused('BAD_USER_INPUT', () => p.gql(SET, { i: { day: '2031-02-30', working: false, name: 'x' } }, admin), /not a date/);
    await refused('BAD_USER_INPUT', () => p.gql(SET, { i: { day: '2031-05-01', working: false, name: ' ' } }, admin), /name/);
    expect(codes(await p.gql(CALENDAR, { f: '2031-01-01', t: '2031-01-02' }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await p.gql(CALENDAR, { f: '2031-01-01', t: '2032-06-01' }, await p.login('sd-admin')))).toEqual(['BAD_USER_INPUT']);
    expect(isWorkingDay('2031-05-01')).toBe(true);
  });
});
