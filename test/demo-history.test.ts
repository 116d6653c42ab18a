/**
 * The demo history (issue 7) on a small demo province: twelve past months (and the current one so far) of
 * patrols, complaints, maintenance, findings, clues, cases and prices for every city; states and events that
 * agree with each other and with the working-day calendar; a rerun that adds nothing; and metrics for every
 * month that are non-zero for every unit and equal independent counts over the raw tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, MetricGranularity } from '../analytics/metrics';
import { executorFromEntityManager } from '../store';
import { timeSeriesOf } from '../server/database';
import { addDays, addWorkingDays, chinaDay, endOfChinaDay } from '../services/calendar/working-days';
import { priceMoves } from '../services/crawl/market.queries';
import { loadDemoProvince } from '../demo/load-demo-province';
import { type DemoHistorySummary, historyWindow, loadDemoHistory } from '../demo/load-demo-history';
import { runAsSystem } from '../services/system-actor';
import { BACKEND, openTestDatabase, type TestDatabase } from './support/database';

let db: TestDatabase;
let first: DemoHistorySummary;
let second: DemoHistorySummary;
const now = new Date();
const today = chinaDay(now);
const window = historyWindow(today, 12);
const past = window.filter((w) => !w.partial);

const TABLES = [
  'patrol_plan', 'patrol_task', 'patrol_record', 'complaint', 'complaint_event', 'shop_event', 'finding', 'clue', 'clue_event', 'clue_finding',
  'legal_case', 'case_clue', 'case_event', 'listing', 'listing_observation', 'listing_change', 'listing_price_daily', 'unit_metric_month',
];

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('demo history test', () => db.orm.em.fork().getConnection().execute<T[]>(text, params));
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t] = Number((await sql<{ n: string }>(`select count(*) as n from ${t}`))[0].n);
  return out;
}

/** The China-time bounds of a month, as timestamps. */
const bounds = (w: { first: string; last: string }) => [new Date(`${w.first}T00:00:00+08:00`), new Date(`${addDays(w.last, 1)}T00:00:00+08:00`)];

let before: Record<string, number>;
let cities: { id: number; path: string; prefix: string }[];

beforeAll(async () => {
  db = await openTestDatabase();
  await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities: 200 });
  first = await loadDemoHistory(db.orm, { seed: 'hongdun', now });
  before = await counts();
  second = await loadDemoHistory(db.orm, { seed: 'hongdun', now });
  cities = (await sql<{ id: number; path: string; prefix: string }>(`select id, path, jurisdiction[1] as prefix from unit where level = 'city' order by code`)).map((c) => ({ ...c, id: Number(c.id) }));
}, 600_000);

afterAll(async () => {
  await db?.close();
});

describe(`demo history (${BACKEND})`, () => {
  it('covers the twelve months before the current one, then the current month up to yesterday', () => {
    expect(past).toHaveLength(12);
    expect(first.months).toEqual(window.map((w) => w.month));
    expect(first.skipped).toBe(false);
    expect(first.stages).toContain(`supervision ${past[0].month}`);
    console.info(`demo history on ${BACKEND}: ${first.millis} ms`, first.rows, first.timings);
  });

  it('gives every city patrol tasks and records, complaints, findings, clues, cases and price observations in every past month', async () => {
    const sources: [string, string, string][] = [
      ['patrol tasks', 'patrol_task', `due_on >= ?::date and due_on < ?::date`],
      ['patrol records', 'patrol_record', `patrolled_at >= ? and patrolled_at < ?`],
      ['complaints', 'complaint', `received_at >= ? and received_at < ?`],
      ['maintenance marks', 'shop_event', `kind::text like 'marked_%' and at >= ? and at < ?`],
      ['findings', 'finding', `observed_at >= ? and observed_at < ?`],
      ['clues', 'clue', `created_at >= ? and created_at < ?`],
      ['cases filed', 'legal_case', `filed_at >= ? and filed_at < ?`],
      ['price observations', 'listing_observation', `observed_at >= ? and observed_at < ?`],
    ];
    // routine patrols come every one to three months a shop: a city of a handful of filed shops (this small
    // province) has months without; every month is asked of the cities with 25 filed shops or more, the year of all
    const filed = new Map((await sql<{ city: string; n: string }>(`select left(region_code, 4) as city, count(*) as n from shop where filing_status = 'filed' group by 1`)).map((r) => [r.city, Number(r.n)]));
    const missing: string[] = [];
    for (const [label, table, where] of sources) {
      const yearly = new Map<string, number>();
      for (const w of past) {
        const [from, to] = table === 'patrol_task' ? [w.first, addDays(w.last, 1)] : bounds(w);
        const rows = await sql<{ city: string; n: string }>(`select left(region_code, 4) as city, count(*) as n from ${table} where ${where} group by 1`, [from, to]);
        const byCity = new Map(rows.map((r) => [r.city, Number(r.n)]));
        for (const c of cities) {
          yearly.set(c.prefix, (yearly.get(c.prefix) ?? 0) + (byCity.get(c.prefix) ?? 0));
          const monthly = !table.startsWith('patrol_') || (filed.get(c.prefix) ?? 0) >= 25;
          if (monthly && !(byCity.get(c.prefix) ?? 0)) missing.push(`${label} ${w.month} ${c.prefix}`);
        }
      }
      for (const c of cities) if (!yearly.get(c.prefix)) missing.push(`${label} in the year ${c.prefix}`);
    }
    expect(missing).toEqual([]);
    expect([...filed.values()].filter((n) => n >= 25).length).toBeGreaterThanOrEqual(4);
  });

  it('files a record for every done task and none for the others; records are filed by the task\'s unit', async () => {
    const bad = await sql(
      `select t.id, t.status, count(r.id) as records from patrol_task t left join patrol_record r on r.task_id = t.id
       where t.due_on < ?::date group by t.id, t.status
       having (t.status = 'done') <> (count(r.id) = 1)`,
      [window.at(-1)!.first],
    );
    expect(bad).toEqual([]);
    const mismatched = await sql(
      `select r.id from patrol_record r join patrol_task t on t.id = r.task_id
       where r.unit_id <> t.unit_id or r.shop_id <> t.shop_id or t.done_at <> r.patrolled_at or r.region_code <> t.region_code
         or (r.outcome = 'rectification_ordered') <> (r.rectify_by is not null)
         or (r.outcome = 'rectification_ordered') <> exists (select 1 from jsonb_array_elements(r.checklist) c where c ->> 'result' = 'fail')`,
    );
    expect(mismatched).toEqual([]);
    // stations differ: some late, some never
    const [{ late, open }] = await sql<{ late: string; open: string }>(
      `select count(*) filter (where status = 'done' and ((done_at at time zone 'UTC') + interval '8 hours')::date > due_on) as late,
              count(*) filter (where status = 'open') as open
       from patrol_task where due_on < ?::date`,
      [past.at(-1)!.first],
    );
    expect(Number(late)).toBeGreaterThan(0);
    expect(Number(open)).toBeGreaterThan(0);
  });

  it('keeps complaints, their events and their working-day deadlines consistent', async () => {
    const complaints = await sql<{ id: number; status: string; received_at: Date; acceptance_due_on: string; decided_at: Date | null; resolution_due_on: string | null; resolved_at: Date | null; closed_at: Date | null; kind: string; result: string | null; number: string; region_code: string; jurisdiction: string[] }>(
      `select c.id, c.status, c.received_at, c.acceptance_due_on::text, c.decided_at, c.resolution_due_on::text, c.resolved_at, c.closed_at, c.kind, c.result, c.number,
         c.region_code, u.jurisdiction
       from complaint c join unit u on u.id = c.assigned_unit_id`,
    );
    expect(complaints.length).toBeGreaterThan(100);
    const events = await sql<{ complaint_id: number; action: string; to_status: string; at: Date }>(`select complaint_id, action, to_status, at from complaint_event order by complaint_id, at, id`);
    const byComplaint = new Map<number, typeof events>();
    for (const e of events) byComplaint.set(Number(e.complaint_id), [...(byComplaint.get(Number(e.complaint_id)) ?? []), e]);
    const problems: string[] = [];
    for (const c of complaints) {
      const ev = byComplaint.get(Number(c.id)) ?? [];
      const received = chinaDay(new Date(c.received_at));
      if (c.acceptance_due_on !== addWorkingDays(received, 7)) problems.push(`${c.number}: acceptance due ${c.acceptance_due_on}`);
      if (c.number.slice(2, 10) !== received.replace(/-/g, '')) problems.push(`${c.number}: number of another day`);
      if (!c.jurisdiction.some((p) => c.region_code.startsWith(p))) problems.push(`${c.number}: assigned outside the shop's region`);
      if (ev[0]?.action !== 'received') problems.push(`${c.number}: first event ${ev[0]?.action}`);
      if (ev.at(-1)?.to_status !== c.status) problems.push(`${c.number}: status ${c.status}, last event ${ev.at(-1)?.to_status}`);
      if (c.status === 'accepted' || c.status === 'mediating' || c.status === 'resolved' || c.status === 'closed') {
        if (c.resolution_due_on !== addWorkingDays(chinaDay(new Date(c.decided_at!)), 45)) problems.push(`${c.number}: resolution due ${c.resolution_due_on}`);
      }
      if ((c.resolved_at != null) !== ev.some((e) => e.action === 'resolved' && new Date(e.at).getTime() === new Date(c.resolved_at!).getTime())) problems.push(`${c.number}: resolved event`);
      if (c.resolved_at != null && (c.kind === 'report') !== (c.result === 'report_handled')) problems.push(`${c.number}: result ${c.result} of a ${c.kind}`);
      for (let i = 1; i < ev.length; i++) if (new Date(ev[i].at) < new Date(ev[i - 1].at)) problems.push(`${c.number}: events out of order`);
      if (new Date(ev.at(-1)!.at) > now) problems.push(`${c.number}: an event in the future`);
    }
    expect(problems.slice(0, 10)).toEqual([]);
    const byStatus = new Map((await sql<{ status: string; n: string }>(`select status, count(*) as n from complaint group by 1`)).map((r) => [r.status, Number(r.n)]));
    for (const s of ['rejected', 'closed']) expect(byStatus.get(s) ?? 0).toBeGreaterThan(0);
    // some decided late, most on time
    const [{ late, total }] = await sql<{ late: string; total: string }>(
      `select count(*) filter (where ((decided_at at time zone 'UTC') + interval '8 hours')::date > acceptance_due_on) as late, count(*) as total from complaint where decided_at is not null`,
    );
    expect(Number(late)).toBeGreaterThan(0);
    expect(Number(late) / Number(total)).toBeLessThan(0.2);
  });

  it('carries clues and cases through their flows, with their events and deadlines', async () => {
    const clueProblems = await sql(
      `select c.id, c.status, e.to_status from clue c
       join lateral (select to_status from clue_event x where x.clue_id = c.id order by x.at desc, x.id desc limit 1) e on true
       where e.to_status <> c.status
          or (c.assigned_at is not null) <> (c.deadline is not null)
          or c.deadline <> c.assigned_at + interval '15 days'
          or (c.handled_at is not null) <> (c.outcome is not null)
          or (c.status in ('handled', 'fed_back', 'archived')) <> (c.handled_at is not null)
          or (select count(*) from clue_finding f where f.clue_id = c.id) <> 1`,
    );
    expect(clueProblems).toEqual([]);
    const [{ on_time, late, never }] = await sql<{ on_time: string; late: string; never: string }>(
      `select count(*) filter (where handled_at <= deadline) as on_time, count(*) filter (where handled_at > deadline) as late,
         count(*) filter (where handled_at is null and deadline < now()) as never from clue`,
    );
    expect(Number(on_time)).toBeGreaterThan(Number(late));
    expect(Number(late)).toBeGreaterThan(0);
    expect(Number(never)).toBeGreaterThan(0);

    const cases = await sql<{ id: number; status: string; case_number: string | null; filed_at: Date | null; fine_amount: string | null; stage_deadline: Date | null; last: string; outcome: string; notified: Date | null; filed_event: Date | null }>(
      `select k.id, k.status, k.case_number, k.filed_at, k.fine_amount, k.stage_deadline, e.to_status as last, cl.outcome,
         (select at from case_event x where x.case_id = k.id and x.action = 'prior_notice_issued') as notified,
         (select at from case_event x where x.case_id = k.id and x.action = 'filing_approved') as filed_event
       from legal_case k join case_clue cc on cc.case_id = k.id join clue cl on cl.id = cc.clue_id
       join lateral (select to_status from case_event x where x.case_id = k.id order by x.at desc, x.id desc limit 1) e on true`,
    );
    expect(cases.length).toBeGreaterThan(12);
    const problems: string[] = [];
    for (const k of cases) {
      if (k.last !== k.status) problems.push(`${k.id}: status ${k.status}, last event ${k.last}`);
      if (k.outcome !== 'case_filed') problems.push(`${k.id}: from a clue handled as ${k.outcome}`);
      if ((k.case_number != null) !== (k.filed_at != null)) problems.push(`${k.id}: number without filing`);
      if (k.filed_at && new Date(k.filed_event!).getTime() !== new Date(k.filed_at).getTime()) problems.push(`${k.id}: filing event`);
      if (['decided', 'executed', 'closed'].includes(k.status) !== (k.fine_amount != null)) problems.push(`${k.id}: fine ${k.fine_amount} when ${k.status}`);
      if (k.status === 'notified' && new Date(k.stage_deadline!).getTime() !== endOfChinaDay(addWorkingDays(chinaDay(new Date(k.notified!)), 5)).getTime()) problems.push(`${k.id}: notice deadline`);
      if (k.status === 'filed' && new Date(k.stage_deadline!).getTime() !== new Date(k.filed_at!).getTime() + 90 * 86_400_000) problems.push(`${k.id}: filing deadline`);
    }
    expect(problems).toEqual([]);
    const numbers = cases.filter((k) => k.case_number).map((k) => k.case_number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(cases.some((k) => k.status === 'closed')).toBe(true);
  });

  it('writes nothing on a rerun', async () => {
    expect(second.stages).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('refuses bad volume options naming them, writing nothing', async () => {
    await expect(loadDemoHistory(db.orm, { seed: 'hongdun', now, observationsPerDay: 0 })).rejects.toThrow(/observationsPerDay: a whole number from 1 to 96/);
    await expect(loadDemoHistory(db.orm, { seed: 'hongdun', now, months: 2.5 })).rejects.toThrow(/months: a whole number/);
    expect(await counts()).toEqual(before);
  });

  it('gives metrics for every past month: non-zero for every city and unit, equal to independent counts', async () => {
    // a unit's figure: the sum of the own values of its subtree (what query.ts reads), per key, for a month
    const monthly = new Map<string, Map<string, Map<number, number>>>();
    const rollup = async (key: string, month: string): Promise<Map<number, number>> => {
      if (!monthly.has(month)) {
        const rows = await sql<{ unit_id: number; key: string; n: string }>(
          `select u.id as unit_id, m.key, sum(m.numerator) as n
           from unit_metric_month m join unit d on d.id = m.unit_id join unit u on d.path like u.path || '%'
           where m.month = ?::date group by u.id, m.key`,
          [`${month}-01`],
        );
        const byKey = new Map<string, Map<number, number>>();
        for (const r of rows) {
          if (!byKey.has(r.key)) byKey.set(r.key, new Map());
          byKey.get(r.key)!.set(Number(r.unit_id), Number(r.n));
        }
        monthly.set(month, byKey);
      }
      return monthly.get(month)!.get(key) ?? new Map();
    };
    // the units whose subtree holds shops of a kind before the month: every one of them has the figure
    const holding = async (condition: string, start: Date) =>
      (await sql<{ id: number; level: string }>(
        `select u.id, u.level from unit u where exists (select 1 from shop s where ${condition} and exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%'))`,
        [start],
      )).map((u) => ({ id: Number(u.id), level: u.level }));
    const FILED = `s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ?`;
    const perUnit: [key: string, condition: string][] = [
      ['complaints_received', FILED],
      ['findings', 's.discovered_at < ?'],
      ['maintenance_marks', `s.filing_status = 'filed' and s.maintenance_status = 'normal' and s.filed_at < ?`],
      ['price_observations', `s.filing_status = 'filed' and s.maintenance_status = 'normal' and ?::timestamptz is not null`],
    ];
    const zero: string[] = [];
    let checked = 0;
    const bigCities = new Set((await sql<{ city: string }>(`select left(region_code, 4) as city from shop where filing_status = 'filed' group by 1 having count(*) >= 25`)).map((r) => r.city));
    const [{ id: provinceId }] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    const province = Number(provinceId);
    for (const w of past) {
      for (const [key, condition] of perUnit) {
        const values = await rollup(key, w.month);
        for (const u of await holding(condition, bounds(w)[0])) {
          checked += 1;
          if (!(values.get(u.id) ?? 0)) zero.push(`${key} ${w.month} unit ${u.id} (${u.level})`);
        }
      }
      for (const key of ['patrol_tasks_due', 'patrol_tasks_done', 'clues_received', 'cases_filed', 'shops_filed']) {
        const values = await rollup(key, w.month);
        // routine patrols: every month for the cities of 25 filed shops or more (see above)
        for (const c of cities) if (!(values.get(c.id) ?? 0) && (!key.startsWith('patrol_') || bigCities.has(c.prefix))) zero.push(`${key} ${w.month} city ${c.prefix}`);
      }
      // penalties are decided a month or two after filing: the province every month after the first
      if (w !== past[0] && !((await rollup('case_fines', w.month)).get(province) ?? 0)) zero.push(`case_fines ${w.month} province`);
    }
    for (const c of cities) {
      let fines = 0;
      for (const w of past) fines += (await rollup('case_fines', w.month)).get(c.id) ?? 0;
      if (!fines) zero.push(`case_fines in the year city ${c.prefix}`);
    }
    expect(zero).toEqual([]);
    expect(checked).toBeGreaterThan(12 * 4 * 50);

    const w = past[5];
    const [from, to] = bounds(w);
    const complaints = await rollup('complaints_received', w.month);
    const done = await rollup('patrol_tasks_done', w.month);
    const filed = await rollup('cases_filed', w.month);
    for (const c of cities) {
      const [{ complaints: nc, done: nd, filed: nf }] = await sql<{ complaints: string; done: string; filed: string }>(
        `select (select count(*) from complaint where region_code like ? and received_at >= ? and received_at < ?) as complaints,
                (select count(*) from patrol_task where region_code like ? and status = 'done' and due_on >= ?::date and due_on <= ?::date) as done,
                (select count(*) from legal_case where region_code like ? and filed_at >= ? and filed_at < ?) as filed`,
        [`${c.prefix}%`, from, to, `${c.prefix}%`, w.first, w.last, `${c.prefix}%`, from, to],
      );
      expect({ city: c.prefix, complaints: complaints.get(c.id) ?? 0, done: done.get(c.id) ?? 0, filed: filed.get(c.id) ?? 0 }).toEqual({
        city: c.prefix,
        complaints: Number(nc),
        done: Number(nd),
        filed: Number(nf),
      });
    }
  });
  it('patrol coverage: the campaign months lift every city alike (no city singled out), and a year to date is never below one of its months', async () => {
    const big = cities.filter((c) => c.prefix && c.id);
    const bigCities = new Set((await sql<{ city: string }>(`select left(region_code, 4) as city from shop where filing_status = 'filed' group by 1 having count(*) >= 25`)).map((r) => r.city));
    const ids = big.filter((c) => bigCities.has(c.prefix)).map((c) => c.id);
    expect(ids.length).toBeGreaterThan(3);
    const read = (from: string, to: string, granularity: MetricGranularity) =>
      runAsSystem('demo history test: metrics', () => metrics(db.orm.em.fork(), { keys: ['patrol_coverage'], unitIds: ids, from, to, granularity }));
    const monthly = await read(past[0].month, past.at(-1)!.month, MetricGranularity.MONTH);
    const coverage = (id: number, month: string) => monthly.find((r) => r.unit.id === id && r.period === month)!.value!;
    const campaignMonths = past.filter((w) => ['06', '11'].includes(w.month.slice(5))).map((w) => w.month);
    expect(campaignMonths).toHaveLength(2);
    for (const month of campaignMonths) {
      const values = ids.map((id) => coverage(id, month));
      // every city's bureaus take part: the spread between cities stays small, and each city is above its ordinary months
      expect(Math.max(...values) - Math.min(...values), `${month}: ${values.map((v) => v.toFixed(1)).join(', ')}`).toBeLessThan(20);
      for (const id of ids) {
        const ordinary = past.filter((w) => !campaignMonths.includes(w.month)).map((w) => coverage(id, w.month)).sort((a, b) => a - b);
        expect(coverage(id, month), `city ${id} ${month}`).toBeGreaterThan(ordinary[Math.floor(ordinary.length / 2)] + 10);
      }
    }
    // the year to date counts each shop once: at least every month of it, and equal to an independent count
    for (const w of past) {
      const ytd = await read(`${w.month.slice(0, 4)}-01` < past[0].month ? past[0].month : `${w.month.slice(0, 4)}-01`, w.month, MetricGranularity.YEAR);
      for (const id of ids) {
        const y = ytd.find((r) => r.unit.id === id)!;
        expect(y.value!, `city ${id} year to date through ${w.month}`).toBeGreaterThanOrEqual(coverage(id, w.month) - 1e-9);
      }
      if (w !== past.at(-1)) continue;
      const city = cities.find((c) => c.id === ids[0])!;
      const start = `${w.month.slice(0, 4)}-01` < past[0].month ? past[0].first : `${w.month.slice(0, 4)}-01-01`;
      const [c] = await sql<{ filed: string; patrolled: string }>(
        `select count(*) as filed, count(*) filter (where exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at < ?)) as patrolled
         from shop s where s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ? and s.region_code like ?`,
        [new Date(`${start}T00:00:00+08:00`), bounds(w)[1], bounds(w)[1], `${city.prefix}%`],
      );
      expect(ytd.find((r) => r.unit.id === city.id)).toMatchObject({ numerator: Number(c.patrolled), denominator: Number(c.filed) });
    }
  });

  it('the listings observed per city vary from month to month (listed over the year, taken down, seasonal goods), as the raw observations say', async () => {
    const rows = await sql<{ city: number; month: string; n: string }>(
      `select u.id as city, to_char(m.month, 'YYYY-MM') as month, sum(m.numerator) as n
       from unit_metric_month m join unit d on d.id = m.unit_id join unit u on d.path like u.path || '%'
       where m.key = 'listings_observed' and u.level in ('city', 'province') group by u.id, m.month`,
    );
    const series = (id: number) => past.map((w) => Number(rows.find((r) => Number(r.city) === id && r.month === w.month)?.n ?? 0));
    const [{ id: provinceId }] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    const province = series(Number(provinceId));
    expect(Math.min(...province)).toBeGreaterThan(0);
    let changes = 0;
    for (let i = 1; i < province.length; i++) if (province[i] !== province[i - 1]) changes += 1;
    expect(changes, province.join(', ')).toBeGreaterThanOrEqual(province.length - 2);
    expect(Math.max(...province) / Math.min(...province), province.join(', ')).toBeGreaterThan(1.1);
    // every city's stack changes too: no flat line
    for (const c of cities) {
      const s = series(c.id);
      if (s.every((v) => v === 0)) continue;
      expect(new Set(s).size, `city ${c.prefix}: ${s.join(', ')}`).toBeGreaterThan(1);
    }
    // the figure is the distinct listings with an observation in the month (UTC days), per city
    const w = past[4];
    for (const c of cities.slice(0, 4)) {
      const [{ n }] = await sql<{ n: string }>(
        `select count(distinct listing_id) as n from listing_observation where region_code like ? and observed_at >= ? and observed_at < ?`,
        [`${c.prefix}%`, new Date(`${w.first}T00:00:00Z`), new Date(`${addDays(w.last, 1)}T00:00:00Z`)],
      );
      expect(series(c.id)[4], `city ${c.prefix} ${w.month}`).toBe(Number(n));
    }
  });

  it('detects the history\'s price moves, so the biggest moves of a twelve-month range are there, the biggest first', async () => {
    const perMonth = await sql<{ month: string; n: string }>(
      `select to_char(observed_at at time zone 'UTC', 'YYYY-MM') as month, count(*) as n from listing_change where kind in ('price_up', 'price_down') group by 1`,
    );
    for (const w of past) expect(Number(perMonth.find((r) => r.month === w.month)?.n ?? 0), w.month).toBeGreaterThan(0);
    const range = { from: new Date(bounds(past[0])[0]), to: now };
    const moves = await runAsSystem('demo history test: price moves', () =>
      priceMoves(timeSeriesOf(db.orm)(executorFromEntityManager(db.orm.em.fork())), { range, first: 20 }),
    );
    expect(moves).toHaveLength(20);
    const sizes = moves.map((m) => Math.abs(m.percent!));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    // the promotions' cuts (10–30 %) and their end are the biggest moves, and they lie before the current month
    expect(sizes[0]).toBeGreaterThanOrEqual(10);
    expect(moves.some((m) => m.observedAt < bounds(past.at(-1)!)[1])).toBe(true);
    for (const m of moves) {
      const before = Number((m.before as { price: number }).price);
      const after = Number((m.after as { price: number }).price);
      expect(m.percent!).toBeCloseTo(((after - before) * 100) / before, 1);
      expect(m.kind).toBe(after > before ? 'price_up' : 'price_down');
    }
    // a listing's price holds for a spell: far fewer moves than observations
    const [{ obs, moved }] = await sql<{ obs: string; moved: string }>(
      `select (select count(*) from listing_observation) as obs, (select count(*) from listing_change where kind in ('price_up', 'price_down')) as moved`,
    );
    expect(Number(moved)).toBeLessThan(Number(obs) / 5);
  });
});
