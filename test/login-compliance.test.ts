/**
 * Daily login (定期登录) through GraphQL on a small demo province: a real login writes one LoginEvent of the
 * user's unit and China day; compliance per unit and month counts the working days with a login of the
 * unit's own users — holidays and weekends off, adjusted working Saturdays on — against days computed by
 * hand from the State Council's arrangements for 2026.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDay, workingDaysIn } from '../services/calendar/working-days';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const { sql } = workflowChecks(() => p, 'login compliance test', ['login_event', 'audit_entry']);

// By hand: October 2026 — National Day and Mid-Autumn 1–7 October off, Saturday 10 October a working day.
const OCTOBER_2026 = ['08', '09', '10', '12', '13', '14', '15', '16', '19', '20', '21', '22', '23', '26', '27', '28', '29', '30'].map((d) => `2026-10-${d}`);
// By hand: February 2026 — Spring Festival 15–23 February off, Saturdays 14 and 28 February working days.
const FEBRUARY_2026 = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13', '14', '24', '25', '26', '27', '28'].map((d) => `2026-02-${d}`);

interface U {
  id: number;
  code: string;
  region: string;
}
let city: U;
let county: U;
let stations: U[];
let otherCounty: U;

const COMPLIANCE = `query($m: String!, $p: ID, $s: Boolean) { loginCompliance(month: $m, parentUnitId: $p, includeSubtree: $s) { unit { id code } month workingDays daysWithLogin compliance missedDays } }`;
const compliance = async (month: string, parent: U | null, token: string, includeSubtree = false) =>
  ok(await p.gql(COMPLIANCE, { m: month, p: parent ? String(parent.id) : null, s: includeSubtree }, token)).loginCompliance as any[];

async function unit(code: string): Promise<U> {
  const [u] = await sql<{ id: number; code: string; region: string }>(`select id, code, jurisdiction[1] as region from unit where code = ?`, [code]);
  return { id: Number(u.id), code: u.code, region: u.region };
}

/** Writes login events straight into the (plain) table: one per (unit, day). */
async function logins(u: U, days: string[], userId = 1): Promise<void> {
  for (const day of days) await sql(`insert into login_event (user_id, unit_id, region_code, day, at) values (?, ?, ?, ?, ?)`, [userId, u.id, u.region, day, `${day}T09:00:00+08:00`]);
}

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 20 });
  city = await unit('3701');
  county = await unit('370102');
  otherCounty = await unit('370103');
  const rows = await sql<{ code: string }>(`select code from unit where parent_id = ? order by code`, [county.id]);
  stations = await Promise.all(rows.map((r) => unit(r.code)));
  expect(stations.length).toBeGreaterThanOrEqual(2);
}, 600_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('login events', () => {
  it('a real login through GraphQL writes one LoginEvent with the China day, the user and the unit', async () => {
    const [before] = await sql<{ n: number }>(`select count(*)::int as n from login_event`);
    const dayBefore = chinaDay();
    const token = await p.login('370102-s01-inspector');
    const dayAfter = chinaDay();
    expect(token).toBeTruthy();
    const rows = await sql<{ user_id: number; unit_id: number; region_code: string; day: string; username: string }>(
      `select e.user_id, e.unit_id, e.region_code, to_char(e.day, 'YYYY-MM-DD') as day, u.username from login_event e join app_user u on u.id = e.user_id order by e.id`,
    );
    expect(rows.length).toBe(before.n + 1);
    const last = rows[rows.length - 1];
    expect(last.username).toBe('370102-s01-inspector');
    expect(Number(last.unit_id)).toBe(stations[0].id);
    expect(last.region_code).toBe(stations[0].region);
    expect([dayBefore, dayAfter]).toContain(last.day);
    // a wrong password writes none
    const r = await p.gql(`mutation { login(username: "370102-s01-leader", password: "wrong") { token } }`);
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
    const [after] = await sql<{ n: number }>(`select count(*)::int as n from login_event`);
    expect(after.n).toBe(before.n + 1);
  });
});

describe('login compliance', () => {
  it('October 2026: holidays and Sundays do not count, the adjusted working Saturday does; one login a day is enough', async () => {
    const [s1, s2] = stations;
    await logins(s1, ['2026-10-01', '2026-10-05', '2026-10-08', '2026-10-10', '2026-10-11', '2026-10-12', '2026-10-31']);
    await logins(s1, ['2026-10-12'], 2); // a second user the same day
    await logins(s2, OCTOBER_2026);
    // the county's own operator on one day; a station's login never counts for the county
    await logins(county, ['2026-10-09']);
    const token = await p.login('x370102-leader');
    const rows = await compliance('2026-10', county, token);
    expect(rows.map((r) => Number(r.unit.id))).toEqual(stations.map((s) => s.id));
    const byCode = new Map(rows.map((r) => [r.unit.code, r]));
    expect(byCode.get(s1.code)).toEqual({
      unit: { id: String(s1.id), code: s1.code },
      month: '2026-10',
      workingDays: 18,
      daysWithLogin: 3,
      compliance: 3 / 18,
      missedDays: OCTOBER_2026.filter((d) => !['2026-10-08', '2026-10-10', '2026-10-12'].includes(d)),
    });
    expect(byCode.get(s2.code)).toMatchObject({ workingDays: 18, daysWithLogin: 18, compliance: 1, missedDays: [] });
    for (const s of stations.slice(2)) expect(byCode.get(s.code)).toMatchObject({ workingDays: 18, daysWithLogin: 0, compliance: 0, missedDays: OCTOBER_2026 });

    // the city's view: the county counts its own operators only (9 October), not its stations' days
    const cityRows = await compliance('2026-10', city, await p.login('c3701-leader'));
    expect(cityRows.find((r) => r.unit.code === county.code)).toMatchObject({ workingDays: 18, daysWithLogin: 1, missedDays: OCTOBER_2026.filter((d) => d !== '2026-10-09') });
    // the default parent is the caller's unit
    expect(await compliance('2026-10', null, token)).toEqual(rows);
  });

  it('February 2026: Spring Festival off, Saturdays 14 and 28 February on', async () => {
    const s1 = stations[0];
    await logins(s1, ['2026-02-14', '2026-02-16', '2026-02-21', '2026-02-22', '2026-02-28', '2026-02-24']);
    const [row] = (await compliance('2026-02', county, await p.login('x370102-leader'))).filter((r) => r.unit.code === s1.code);
    expect(row).toMatchObject({ workingDays: 16, daysWithLogin: 3 });
    expect(row.missedDays).toEqual(FEBRUARY_2026.filter((d) => !['2026-02-14', '2026-02-24', '2026-02-28'].includes(d)));
  });

  it('agrees with an independent count over the login events, and includeSubtree lists every unit below', async () => {
    const cityRows = await compliance('2026-10', city, await p.login('c3701-leader'), true);
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from unit where path like '/37/3701/%' and code <> '3701'`);
    expect(cityRows.length).toBe(n);
    const counted = await sql<{ unit_id: number; n: number }>(
      `select unit_id, count(distinct day)::int as n from login_event where day in (${OCTOBER_2026.map(() => '?::date').join(', ')}) group by unit_id`,
      OCTOBER_2026,
    );
    const expected = new Map(counted.map((r) => [Number(r.unit_id), Number(r.n)]));
    for (const r of cityRows) expect(r.daysWithLogin, r.unit.code).toBe(expected.get(Number(r.unit.id)) ?? 0);
    expect(cityRows.find((r) => r.unit.code === stations[0].code)).toMatchObject({ daysWithLogin: 3 });
  });

  it('the current month counts the working days up to today; a future month and a bad month are refused', async () => {
    const token = await p.login('x370102-leader');
    const today = chinaDay();
    const month = today.slice(0, 7);
    const [row] = await compliance(month, stations[0], token);
    expect(row.workingDays).toBe(workingDaysIn(`${month}-01`, today).length);
    const next = new Date(`${month}-01T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const future = await p.gql(COMPLIANCE, { m: next.toISOString().slice(0, 7) }, token);
    expect(codes(future)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await p.gql(COMPLIANCE, { m: '2026-13' }, token))).toEqual(['BAD_USER_INPUT']);
  });

  it('another county\'s units are NOT_FOUND; a station sees itself', async () => {
    const r = await p.gql(COMPLIANCE, { m: '2026-10', p: String(otherCounty.id) }, await p.login('x370102-leader'));
    expect(codes(r)).toEqual(['NOT_FOUND']);
    const own = await compliance('2026-10', null, await p.login('370102-s01-leader'));
    expect(own.map((x) => x.unit.code)).toEqual([stations[0].code]);
    expect(own[0].daysWithLogin).toBe(3);
  });
});
