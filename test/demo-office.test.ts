/**
 * The demo's year of office work on a small demo province, up to a fixed day (2026-04-20): work plans,
 * staffing, logins, reports, notices, training, publicity and warnings written through the real commands at
 * plausible past moments, with some units lagging — what the demo needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endOfChinaDay, isWorkingDay } from '../services/calendar/working-days';
import { loadDemoProvince } from '../demo/load-demo-province';
import { type DemoOfficeSummary, loadDemoOffice } from '../demo/load-demo-office';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase, type TestDatabase } from './support/database';

const TODAY = '2026-04-20';
const END = endOfChinaDay(TODAY);
let db: TestDatabase;
let summary: DemoOfficeSummary;

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('demo office test', () => db.orm.em.fork().getConnection().execute<T[]>(text, params));
}

beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities: 150 });
  summary = await loadDemoOffice(db.orm, { seed: 'hongdun', evidenceDir: `/tmp/hongdun-demo-office-${process.pid}`, maxFileBytes: 1 << 20, today: TODAY });
}, 600_000);

afterAll(async () => {
  await db?.close();
});

describe('demo office year (to 2026-04-20)', () => {
  it('writes every kind of office work, nothing after the day', async () => {
    expect(summary.skipped).toBe(false);
    for (const key of ['workPlans', 'staff', 'logins', 'reports', 'notices', 'training', 'publicity', 'warnings'] as const) expect(summary[key], key).toBeGreaterThan(0);
    const [late] = await sql<{ n: number }>(
      `select (select count(*) from info_report_event where at > ?) + (select count(*) from notice where sent_at > ?) + (select count(*) from notice_read where read_at > ?)
            + (select count(*) from work_plan where published_at > ?) + (select count(*) from login_event where day >= ?::date) + (select count(*) from training_session where held_on > ?::date) as n`,
      [END, END, END, END, TODAY, TODAY],
    );
    expect(Number(late.n)).toBe(0);
  });

  it('work plans: most units on time, some late, some not issued', async () => {
    const [p] = await sql<{ units: number; published: number; on_time: number; late: number }>(
      `select (select count(*)::int from unit) as units, count(*)::int as published,
              count(*) filter (where (published_at at time zone 'Asia/Shanghai')::date <= due_on)::int as on_time,
              count(*) filter (where (published_at at time zone 'Asia/Shanghai')::date > due_on)::int as late
       from work_plan where published_at is not null`,
    );
    expect(p.on_time / p.units).toBeGreaterThan(0.6);
    expect(p.late).toBeGreaterThan(0);
    expect(p.published).toBeLessThan(p.units);
  });

  it("logins: by each unit's own operator, mostly on working days, some units lagging", async () => {
    const days = await sql<{ day: string; n: number }>(`select day::text, count(*)::int as n from login_event group by day order by day`);
    const working = days.filter((d) => isWorkingDay(d.day)).reduce((a, d) => a + d.n, 0);
    const rest = days.filter((d) => !isWorkingDay(d.day)).reduce((a, d) => a + d.n, 0);
    expect(working).toBeGreaterThan(rest * 10);
    const rates = await sql<{ unit_id: number; rate: number }>(
      `select unit_id, count(distinct day)::float / ? as rate from login_event where day >= '2026-03-01' and day < '2026-04-01' group by unit_id`,
      [days.filter((d) => d.day.startsWith('2026-03') && isWorkingDay(d.day)).length],
    );
    expect(rates.filter((r) => r.rate < 0.85).length).toBeGreaterThan(0);
    expect(rates.filter((r) => r.rate >= 0.9).length / rates.length).toBeGreaterThan(0.7);
  });

  it('reports of the first quarter went up for review; returned ones were revised into a second version', async () => {
    const rows = await sql<{ status: string; n: number }>(`select status, count(*)::int as n from info_report group by status`);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by.approved).toBeGreaterThan(0);
    const [v] = await sql<{ returned: number; with_two: number; two_unreturned: number }>(
      `select (select count(distinct report_id)::int from info_report_event where action = 'returned') as returned,
              (select count(distinct report_id)::int from info_report_version where version = 2) as with_two,
              (select count(*)::int from info_report_version v where v.version = 2
                 and not exists (select 1 from info_report_event e where e.report_id = v.report_id and e.action = 'returned')) as two_unreturned`,
    );
    // a second version only after a return; a report returned in the last days may not be revised yet
    expect(v.with_two).toBeGreaterThan(0);
    expect(v.with_two).toBeLessThanOrEqual(v.returned);
    expect(v.two_unreturned).toBe(0);
    // every approval was by a unit above the author
    const [bad] = await sql<{ n: number }>(
      `select count(*)::int as n from info_report r join unit a on a.id = r.author_unit_id join unit b on b.id = r.approved_by_unit_id
       where r.status = 'approved' and not (a.path like b.path || '%' and a.id <> b.id)`,
    );
    expect(bad.n).toBe(0);
  });

  it('notices reached the units below the sender; most were read, not all; replies came from recipients', async () => {
    const [n] = await sql<{ recipients: number; read: number; stray_replies: number; wrong_recipients: number }>(
      `select (select count(*)::int from notice_recipient) as recipients,
              (select count(*)::int from notice_recipient where first_read_at is not null) as read,
              (select count(*)::int from notice_reply y where not exists (select 1 from notice_recipient r where r.notice_id = y.notice_id and r.unit_id = y.unit_id)) as stray_replies,
              (select count(*)::int from notice_recipient r join notice x on x.id = r.notice_id join unit s on s.id = x.sender_unit_id join unit u on u.id = r.unit_id
                where x.kind = 'notice' and not (u.path like s.path || '%' and u.id <> s.id)) as wrong_recipients`,
    );
    expect(n.read / n.recipients).toBeGreaterThan(0.7);
    expect(n.read).toBeLessThan(n.recipients);
    expect(n.stray_replies).toBe(0);
    expect(n.wrong_recipients).toBe(0);
  });

  it('some stations are below the staffing and equipment minimum', async () => {
    const [m] = await sql<{ below: number }>(
      `select count(*)::int as below from unit u
       where not exists (select 1 from designated_staff s where s.unit_id = u.id and s.since <= ?::date and (s.until is null or s.until > ?::date))
          or not exists (select 1 from unit_equipment e where e.unit_id = u.id and e.computers >= 1)`,
      [TODAY, TODAY],
    );
    expect(m.below).toBeGreaterThan(0);
    expect(m.below).toBeLessThan(120);
  });

  it('does nothing a second time', async () => {
    const count = () => sql(`select (select count(*) from work_plan) a, (select count(*) from info_report) b, (select count(*) from notice) c, (select count(*) from login_event) d, (select count(*) from consumer_warning) e`);
    const before = await count();
    const again = await loadDemoOffice(db.orm, { seed: 'hongdun', evidenceDir: '/tmp/unused', maxFileBytes: 1, today: TODAY });
    expect(again).toMatchObject({ workPlans: 0, reports: 0, notices: 0, logins: 0, warnings: 0 });
    expect(await count()).toEqual(before);
  });
});
