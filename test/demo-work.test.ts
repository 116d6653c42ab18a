/**
 * The demo's supervision work on a small demo province: plans, this month's tasks, records filed on
 * their due days, complaints carried through their flow at plausible past moments — all through the
 * real commands, so every row obeys the same rules as one written through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '../kernel/clock';
import { addWorkingDays, chinaDay, isWorkingDay, monthOf } from '../services/calendar/working-days';
import { loadDemoProvince } from '../demo/load-demo-province';
import { type DemoWorkSummary, demoCampaign, loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { openTestDatabase, type TestDatabase } from './support/database';

let db: TestDatabase;
let summary: DemoWorkSummary;
const today = chinaDay();
const month = monthOf(today);

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('demo work test', () => db.orm.em.fork().getConnection().execute<T[]>(text, params));
}

beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities: 300 });
  summary = await loadDemoWork(db.orm, { seed: 'hongdun', evidenceDir: `/tmp/hongdun-demo-work-${process.pid}`, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20, complaintsPerThousandShops: 40 });
}, 300_000);

afterAll(async () => {
  await db?.close();
});

describe('demo supervision work', () => {
  it('creates a routine plan and the month\'s campaign, and this month\'s tasks for the responsible stations', async () => {
    expect(summary).toMatchObject({ skipped: false, plans: 2 });
    const plans = await sql<{ kind: string; starts_on: string; ends_on: string | null; owner: string }>(
      `select p.kind, p.starts_on::text, p.ends_on::text, u.code as owner from patrol_plan p join unit u on u.id = p.owner_unit_id order by p.id`,
    );
    expect(plans).toEqual([
      { kind: 'routine', starts_on: `${today.slice(0, 4)}-01-01`, ends_on: null, owner: '37' },
      { kind: 'campaign', starts_on: month.first, ends_on: month.last, owner: '37' },
    ]);
    const [t] = await sql<{ n: number; outside: number; not_station: number; wrong_unit: number }>(
      `select count(*)::int as n,
         count(*) filter (where t.due_on < ?::date or t.due_on > ?::date)::int as outside,
         count(*) filter (where u.level <> 'station')::int as not_station,
         count(*) filter (where not exists (select 1 from unnest(u.jurisdiction) j where t.region_code like j || '%'))::int as wrong_unit
       from patrol_task t join unit u on u.id = t.unit_id`,
      [month.first, month.last],
    );
    expect(t.n).toBe(summary.tasks);
    expect(t.n).toBeGreaterThan(50);
    expect(t.outside).toBe(0);
    expect(t.wrong_unit).toBe(0);
    expect(t.not_station).toBe(0);
    const dues = await sql<{ due_on: string }>('select distinct due_on::text from patrol_task');
    for (const { due_on } of dues) expect(isWorkingDay(due_on), due_on).toBe(true);
    // the campaign's tasks are for its target only (trading own sites, and platform merchants in June and
    // November), province-wide: every city with such shops has its share, not only 济南 and 青岛
    const target = demoCampaign(month.first.slice(0, 7)).target.classifications;
    const [c] = await sql<{ off_target: number; n: number; cities: number }>(
      `select count(*)::int as n, count(*) filter (where s.classification::text <> all(?::text[]))::int as off_target, count(distinct left(s.region_code, 4))::int as cities
       from patrol_task t join patrol_plan p on p.id = t.plan_id join shop s on s.id = t.shop_id where p.kind = 'campaign'`,
      [`{${target.join(',')}}`],
    );
    const [{ cities }] = await sql<{ cities: number }>(
      `select count(distinct left(region_code, 4))::int as cities from shop where filing_status = 'filed' and maintenance_status <> 'not_in_jurisdiction' and classification::text = any(?::text[])`,
      [`{${target.join(',')}}`],
    );
    expect(c.n).toBeGreaterThan(0);
    expect(c.off_target).toBe(0);
    expect(c.cities).toBe(cities);
  });

  it('files records only for tasks due before today, on their due day, by the station, one each', async () => {
    const [r] = await sql<{ n: number; off_day: number; not_station: number; done_without: number; future: number }>(
      `select count(*)::int as n,
         count(*) filter (where (r.patrolled_at at time zone 'Asia/Shanghai')::date <> t.due_on)::int as off_day,
         count(*) filter (where r.unit_id <> t.unit_id)::int as not_station,
         (select count(*)::int from patrol_task x where x.status = 'done' and not exists (select 1 from patrol_record y where y.task_id = x.id)) as done_without,
         count(*) filter (where r.patrolled_at > now() or t.due_on >= ?::date)::int as future
       from patrol_record r join patrol_task t on t.id = r.task_id`,
      [today],
    );
    expect(r.n).toBe(summary.records);
    expect(r).toMatchObject({ off_day: 0, not_station: 0, done_without: 0, future: 0 });
    const dueBefore = await sql<{ n: number }>(`select count(*)::int as n from patrol_task where due_on < ?::date`, [today]);
    if (dueBefore[0].n > 20) {
      // most past-due tasks are done; some stations lag, so some are overdue
      expect(r.n / dueBefore[0].n).toBeGreaterThan(0.6);
      expect(r.n).toBeLessThan(dueBefore[0].n);
    }
    const outcomes = await sql<{ outcome: string; n: number }>(`select outcome, count(*)::int as n from patrol_record group by 1`);
    expect(outcomes.find((o) => o.outcome === 'compliant')?.n ?? 0).toBeGreaterThan(0);
    // a raised clue went through the clue flow: one patrol clue per record that raised one
    const [clues] = await sql<{ records: number; clues: number }>(
      `select (select count(*)::int from patrol_record where outcome = 'clue_raised') as records, (select count(*)::int from clue where source = 'patrol') as clues`,
    );
    expect(clues.clues).toBe(clues.records);
  });

  it('takes complaints in and carries them as far as their age allows, each step at a plausible past moment', async () => {
    expect(summary.complaints).toBeGreaterThan(10);
    const complaints = await sql<{ id: number; status: string; channel: string; received: string; due: string; decided_at: Date | null; received_at: Date }>(
      `select id, status, channel, (received_at at time zone 'Asia/Shanghai')::date::text as received, acceptance_due_on::text as due, decided_at, received_at from complaint`,
    );
    expect(new Set(complaints.map((c) => c.channel))).toEqual(new Set(['staff', 'public']));
    expect(complaints.some((c) => c.status === 'closed')).toBe(true);
    for (const c of complaints) {
      expect(c.due).toBe(addWorkingDays(c.received, 7));
      expect(new Date(c.received_at).getTime()).toBeLessThanOrEqual(now().getTime());
      if (c.decided_at) expect(new Date(c.decided_at).getTime()).toBeGreaterThan(new Date(c.received_at).getTime());
    }
    // every complaint's events are in time order, none in the future, and start with its receipt
    const events = await sql<{ complaint_id: number; action: string; at: Date }>(`select complaint_id, action, at from complaint_event order by complaint_id, id`);
    const byComplaint = new Map<number, { action: string; at: Date }[]>();
    for (const e of events) byComplaint.set(e.complaint_id, [...(byComplaint.get(e.complaint_id) ?? []), e]);
    for (const c of complaints) {
      const list = byComplaint.get(c.id)!;
      expect(list[0].action).toBe('received');
      for (let i = 1; i < list.length; i++) expect(new Date(list[i].at).getTime()).toBeGreaterThanOrEqual(new Date(list[i - 1].at).getTime());
      expect(new Date(list.at(-1)!.at).getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it('does nothing a second time', async () => {
    const before = await sql(`select (select count(*) from patrol_plan) p, (select count(*) from patrol_task) t, (select count(*) from patrol_record) r, (select count(*) from complaint) c`);
    const again = await loadDemoWork(db.orm, { seed: 'hongdun', evidenceDir: '/tmp/unused', maxFileBytes: 1, publicFileMaxBytes: 1 });
    expect(again.skipped).toBe(true);
    expect(await sql(`select (select count(*) from patrol_plan) p, (select count(*) from patrol_task) t, (select count(*) from patrol_record) r, (select count(*) from complaint) c`)).toEqual(before);
  });
});
