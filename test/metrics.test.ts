/**
 * Supervision metrics (issue 7) on a small demo province with a month of supervision work, a year of
 * office work and a few findings and cases written directly: after the refresh, a parent's figures are
 * exactly its children's plus its own (sums and numerator/denominator of rates), figures equal independent
 * counts over the raw tables, the access rule holds, bad input is refused, and the refresh is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, refreshMetrics, monthWindow } from '../analytics/metrics';
import { atTime } from '../kernel/clock';
import { RULES } from '../kernel/rules';
import { addWorkingDays, chinaDay, workingDaysIn } from '../services/calendar/working-days';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoWork } from '../demo/load-demo-work';
import { codes, ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const { sql } = workflowChecks(() => p, 'metrics test', ['unit_metric_month']);
const evidenceDir = `/tmp/hongdun-metrics-${process.pid}`;

const today = chinaDay();
const MONTH = today.slice(0, 7);
const PREVIOUS = (() => {
  const [y, m] = MONTH.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
})();
const ALL_KEYS = METRICS.map((m) => m.key);
const byKey = new Map(METRICS.map((m) => [m.key, m]));

const QUERY = `query($keys: [String!]!, $unitIds: [ID!], $children: Boolean, $from: String!, $to: String!, $granularity: MetricGranularity) {
  metrics(keys: $keys, unitIds: $unitIds, children: $children, from: $from, to: $to, granularity: $granularity) {
    unit { id code level } period key value numerator denominator
  }
}`;

interface Row {
  unit: { id: string; code: string; level: string };
  period: string;
  key: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
}

let admin: string;
const refreshTimes: unknown[] = [];

async function read(token: string, vars: Record<string, unknown>): Promise<Row[]> {
  return ok(await p.gql(QUERY, vars, token)).metrics as Row[];
}

/** A month's rollup rows as text (refreshed_at left out), to compare refreshes. */
async function rollupOf(month: string): Promise<{ n: number; digest: string }> {
  const [r] = await sql<{ n: string; digest: string }>(
    `select count(*) as n, md5(coalesce(string_agg(unit_id || '|' || key || '|' || region_code || '|' || numerator || '|' || coalesce(denominator::text, '-'), ',' order by unit_id, key), '')) as digest
     from unit_metric_month where month = ?::date`,
    [`${month}-01`],
  );
  return { n: Number(r.n), digest: r.digest };
}

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 150, config: { patrolSchedules: false, evidenceDir } });
  await loadDemoWork(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20, complaintsPerThousandShops: 40 });
  await loadDemoOffice(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 });
  // findings and cases of the month, written directly: a few shops, every rule and severity, one fine each
  const shops = await sql<{ id: number; region_code: string }>(`select id, region_code from shop order by id limit 40`);
  const at = new Date(Date.now() - 3600_000);
  for (const [i, s] of shops.entries()) {
    const rule = RULES[i % RULES.length];
    await sql(
      `insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis) values (?, ?, ?, ?, ?, 'test', '{}', '[]')`,
      [rule.id, rule.severity, s.id, s.region_code, at],
    );
    if (i % 4 === 0) {
      const [c] = await sql<{ id: number }>(
        `insert into legal_case (status, region_code, shop_id, title, facts, fine_amount, filed_at, created_by) values ('closed', ?, ?, 'test', 'test', ?, ?, 'test') returning id`,
        [s.region_code, s.id, `${1000 + i * 10}.50`, at],
      );
      for (const action of ['penalty_decided', 'closed']) {
        await sql(`insert into case_event (case_id, action, to_status, actor_name, actor_role, region_code, at) values (?, ?, 'closed', 'test', 'leader', ?, ?)`, [c.id, action, s.region_code, at]);
      }
    }
  }
  // a shop patrolled in two months is one shop of the two: half the month's records of shops filed before the
  // previous month, once more a month earlier (so a year's patrol coverage cannot be the sum of its months)
  await sql(
    `insert into patrol_record (task_id, shop_id, unit_id, region_code, mode, patrolled_at, checklist, evidence_sha256, photos, outcome, recorded_by, created_at)
     select null, r.shop_id, r.unit_id, r.region_code, r.mode, r.patrolled_at - interval '1 month', r.checklist, '{}', '[]', r.outcome, r.recorded_by, r.created_at - interval '1 month'
     from patrol_record r join shop s on s.id = r.shop_id where s.filed_at < ? and r.id % 2 = 0`,
    [monthWindow(PREVIOUS).start],
  );
  for (const month of [PREVIOUS, MONTH]) refreshTimes.push(await refreshMetrics(p.orm, month));
  admin = await p.login('sd-admin');
}, 900_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('metrics rollup', () => {
  it('has every indicator of the month somewhere, and the data behind it is not trivial', async () => {
    const rows = await sql<{ key: string }>(`select distinct key from unit_metric_month where month = ?::date`, [`${MONTH}-01`]);
    const present = new Set(rows.map((r) => r.key));
    for (const key of ['shops_filed', 'shops_unfiled', 'filing_coverage', 'patrol_tasks_due', 'patrol_tasks_done', 'patrol_coverage', 'findings', 'findings_high',
      'clues_received', 'cases_filed', 'cases_closed', 'case_fines', 'complaints_received', 'complaints_on_time', 'login_compliance', 'staffing_met', 'equipment_met']) {
      expect(present, key).toContain(key);
    }
    const previous = new Set((await sql<{ key: string }>(`select distinct key from unit_metric_month where month = ?::date`, [`${PREVIOUS}-01`])).map((r) => r.key));
    for (const key of ['notices_read_on_time', 'training_sessions', 'login_compliance']) expect(previous, key).toContain(key);
    // every row belongs to a unit and carries its region (the access rule's column)
    const [bad] = await sql<{ n: number }>(`select count(*)::int as n from unit_metric_month m join unit u on u.id = m.unit_id where m.region_code <> u.jurisdiction[1]`);
    expect(bad.n).toBe(0);
  });

  it('a city equals the sum of its counties plus its own rows, for every city and every indicator (sums and rates)', async () => {
    for (const month of [MONTH, PREVIOUS]) {
      const cities = await sql<{ id: number }>(`select id from unit where level = 'city' order by code`);
      const cityIds = cities.map((c) => String(c.id));
      const parents = await read(admin, { keys: ALL_KEYS, unitIds: cityIds, from: month, to: month });
      const children = await read(admin, { keys: ALL_KEYS, unitIds: cityIds, children: true, from: month, to: month });
      const own = await sql<{ unit_id: number; key: string; numerator: string; denominator: string | null }>(
        `select unit_id, key, numerator::text, denominator::text from unit_metric_month where month = ?::date and unit_id in (${cityIds.map(() => '?').join(', ')})`,
        [`${month}-01`, ...cityIds],
      );
      const parentOf = new Map(
        (await sql<{ id: number; parent_id: number }>(`select id, parent_id from unit where level = 'county'`)).map((r) => [String(r.id), String(r.parent_id)]),
      );
      expect(parents.length).toBe(cities.length * ALL_KEYS.length);
      let nonZero = 0;
      for (const row of parents) {
        const def = byKey.get(row.key)!;
        const kids = children.filter((c) => c.key === row.key && parentOf.get(c.unit.id) === row.unit.id);
        expect(kids.length, `${row.unit.code} has counties`).toBeGreaterThan(0);
        const mine = own.find((o) => String(o.unit_id) === row.unit.id && o.key === row.key);
        const num = kids.reduce((s, k) => s + k.numerator, 0) + Number(mine?.numerator ?? 0);
        expect(row.numerator, `${month} ${row.unit.code} ${row.key} numerator`).toBeCloseTo(num, 6);
        if (row.numerator !== 0) nonZero += 1;
        if (def.aggregation === 'rate') {
          const den = kids.reduce((s, k) => s + (k.denominator ?? 0), 0) + Number(mine?.denominator ?? 0);
          expect(row.denominator, `${month} ${row.unit.code} ${row.key} denominator`).toBeCloseTo(den, 6);
          expect(row.value).toEqual(den > 0 ? expect.closeTo((num / den) * def.scale, 6) : null);
        } else {
          expect(row.denominator).toBeNull();
          expect(row.value).toBe(row.numerator);
        }
      }
      expect(nonZero).toBeGreaterThan(cities.length * 5);
    }
  });

  it('the province equals the sum of its cities plus its own rows; a year sums flows, takes the last month of stocks, divides summed rates', async () => {
    const month = await read(admin, { keys: ALL_KEYS, from: PREVIOUS, to: MONTH });
    const year = await read(admin, { keys: ALL_KEYS, from: PREVIOUS, to: MONTH, granularity: 'YEAR' });
    expect(new Set(month.map((r) => r.unit.code))).toEqual(new Set(['37']));
    if (PREVIOUS.slice(0, 4) !== MONTH.slice(0, 4)) return; // January: the two months lie in two years
    expect(year.map((r) => r.period)).toEqual(ALL_KEYS.map(() => MONTH.slice(0, 4)));
    for (const y of year) {
      const def = byKey.get(y.key)!;
      if (def.distinct) continue; // distinct counts: below
      const ms = month.filter((r) => r.key === y.key);
      const parts = def.time === 'stock' ? ms.filter((r) => r.period === MONTH) : ms;
      expect(y.numerator, y.key).toBeCloseTo(parts.reduce((s, r) => s + r.numerator, 0), 6);
      if (def.aggregation === 'rate') {
        const den = parts.reduce((s, r) => s + (r.denominator ?? 0), 0);
        expect(y.denominator, y.key).toBeCloseTo(den, 6);
        if (den > 0) expect(y.value, y.key).toBeCloseTo((y.numerator / den) * def.scale, 6);
      }
    }
    const cities = await read(admin, { keys: ['shops_filed', 'complaints_received', 'patrol_coverage'], children: true, from: MONTH, to: MONTH });
    for (const key of ['shops_filed', 'complaints_received']) {
      const [own] = await sql<{ n: string }>(`select coalesce(sum(m.numerator), 0)::text as n from unit_metric_month m join unit u on u.id = m.unit_id where u.level = 'province' and m.key = ? and m.month = ?::date`, [key, `${MONTH}-01`]);
      const province = month.find((r) => r.key === key && r.period === MONTH)!;
      expect(province.numerator, key).toBe(cities.filter((c) => c.key === key).reduce((s, c) => s + c.numerator, 0) + Number(own.n));
    }
  });
});

describe('metrics against independent counts over the raw tables', () => {
  let county: { id: number; code: string };
  let city: { id: number; code: string };
  let station: { id: number; code: string; jurisdiction: string[] };

  beforeAll(async () => {
    [county] = await sql<{ id: number; code: string }>(
      `select u.id, u.code from unit u join shop s on s.region_code like u.code || '%' where u.level = 'county' and s.filing_status = 'filed'
       group by u.id, u.code order by count(*) desc, u.code limit 1`,
    );
    [city] = await sql<{ id: number; code: string }>(
      `select u.id, u.code from unit u join complaint c on c.region_code like u.code || '%' where u.level = 'city'
       group by u.id, u.code order by count(*) desc, u.code limit 1`,
    );
    [station] = await sql<{ id: number; code: string; jurisdiction: string[] }>(
      `select u.id, u.code, u.jurisdiction from unit u where u.level = 'station' and exists (
         select 1 from patrol_record r join shop s on s.id = r.shop_id where s.filing_status = 'filed' and exists (select 1 from unnest(u.jurisdiction) j where s.region_code like j || '%'))
       order by u.code limit 1`,
    );
    expect(county && city && station).toBeTruthy();
  });

  const one = async (key: string, unitId: number, month = MONTH) => {
    const rows = await read(admin, { keys: [key], unitIds: [String(unitId)], from: month, to: month });
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  it('shops filed and filing coverage of a county', async () => {
    const w = monthWindow(MONTH);
    const [c] = await sql<{ filed: number; unfiled: number }>(
      `select count(*) filter (where filing_status = 'filed' and filed_at < ?)::int as filed,
              count(*) filter (where discovered_at < ? and (filing_status = 'unfiled' or filed_at >= ?))::int as unfiled
       from shop where region_code like ? and maintenance_status <> 'not_in_jurisdiction'`,
      [w.end, w.end, w.end, `${county.code}%`],
    );
    expect(c.filed).toBeGreaterThan(0);
    expect((await one('shops_filed', county.id)).value).toBe(c.filed);
    expect((await one('shops_unfiled', county.id)).value).toBe(c.unfiled);
    const coverage = await one('filing_coverage', county.id);
    expect(coverage).toMatchObject({ numerator: c.filed, denominator: c.filed + c.unfiled });
    expect(coverage.value).toBeCloseTo((100 * c.filed) / (c.filed + c.unfiled), 6);
  });

  it('complaints received and decided on time in a city', async () => {
    const w = monthWindow(MONTH);
    const [c] = await sql<{ received: number; on_time: number }>(
      `select count(*)::int as received,
              count(*) filter (where decided_at is not null and (decided_at at time zone 'Asia/Shanghai')::date <= acceptance_due_on)::int as on_time
       from complaint where region_code like ? and received_at >= ? and received_at < ?`,
      [`${city.code}%`, w.start, w.end],
    );
    expect(c.received).toBeGreaterThan(0);
    expect((await one('complaints_received', city.id)).value).toBe(c.received);
    expect(await one('complaints_on_time', city.id)).toMatchObject({ numerator: c.on_time, denominator: c.received });
  });

  it('complaints resolved (rate) in the province: received in the month, not rejected, resolved by now', async () => {
    // last month and this one (early in a month none of its complaints is resolved yet: the demo spans 30 days)
    const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    let resolved = 0;
    let toResolve = 0;
    for (const month of [PREVIOUS, MONTH]) {
      const w = monthWindow(month);
      const [c] = await sql<{ to_resolve: number; resolved: number }>(
        `select count(*) filter (where status <> 'rejected')::int as to_resolve,
                count(*) filter (where status <> 'rejected' and resolved_at is not null)::int as resolved
         from complaint where received_at >= ? and received_at < ?`,
        [w.start, w.end],
      );
      expect(await one('complaints_resolved_rate', province.id, month), month).toMatchObject({ numerator: c.resolved, denominator: c.to_resolve });
      resolved += c.resolved;
      toResolve += c.to_resolve;
    }
    expect(resolved).toBeGreaterThan(0);
    expect(resolved).toBeLessThan(toResolve);
  });

  it('annual work plan issued on time, per unit level, for the province as a whole', async () => {
    const w = monthWindow(MONTH);
    const year = Number(MONTH.slice(0, 4));
    const units = await sql<{ level: string; published: string | null }>(
      `select u.level, to_char(p.published_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as published
       from unit u left join work_plan p on p.unit_id = u.id and p.year = ? and p.published_at < ?`,
      [year, w.end],
    );
    const due = (level: string) =>
      ({ province: `${year}-01-31`, city: `${year}-02-${year % 4 === 0 ? 29 : 28}`, county: `${year}-03-15`, station: `${year}-03-31` })[level]!;
    const counted = units.filter((u) => due(u.level) <= w.asOf || u.published != null);
    const onTime = counted.filter((u) => u.published != null && u.published <= due(u.level));
    expect(onTime.length).toBeGreaterThan(0);
    expect(onTime.length).toBeLessThan(counted.length);
    const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    expect(await one('work_plan_on_time', province.id)).toMatchObject({ numerator: onTime.length, denominator: counted.length });
  });

  it('patrol coverage and tasks of a station', async () => {
    const w = monthWindow(MONTH);
    const [c] = await sql<{ filed: number; patrolled: number }>(
      `select count(*)::int as filed,
              count(*) filter (where exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at < ?))::int as patrolled
       from shop s where s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ?
         and exists (select 1 from unnest(?::text[]) j where s.region_code like j || '%')`,
      [w.start, w.end, w.end, `{${station.jurisdiction.join(',')}}`],
    );
    expect(c.patrolled).toBeGreaterThan(0);
    const coverage = await one('patrol_coverage', station.id);
    expect(coverage).toMatchObject({ numerator: c.patrolled, denominator: c.filed });
    const [t] = await sql<{ due: number; done: number }>(
      `select count(*)::int as due, count(*) filter (where status = 'done')::int as done from patrol_task
       where status <> 'cancelled' and due_on between ?::date and ?::date and exists (select 1 from unnest(?::text[]) j where region_code like j || '%')`,
      [w.first, w.last, `{${station.jurisdiction.join(',')}}`],
    );
    expect((await one('patrol_tasks_due', station.id)).value).toBe(t.due);
    expect((await one('patrol_tasks_done', station.id)).value).toBe(t.done);
  });

  it('login compliance of a county: its own and its stations\' working days with a login, over working days × units', async () => {
    const w = monthWindow(PREVIOUS);
    const days = workingDaysIn(w.first, w.asOf);
    const [c] = await sql<{ units: number; logged: number }>(
      `select (select count(*)::int from unit where path like (select path from unit where id = ?) || '%') as units,
              (select count(*)::int from (select distinct e.unit_id, e.day from login_event e join unit u on u.id = e.unit_id
                 where u.path like (select path from unit where id = ?) || '%' and e.day = any(?::date[])) x) as logged`,
      [county.id, county.id, `{${days.join(',')}}`],
    );
    const row = await one('login_compliance', county.id, PREVIOUS);
    expect(c.logged).toBeGreaterThan(0);
    expect(row).toMatchObject({ numerator: c.logged, denominator: c.units * days.length });
  });

  it('notices read on time, staffing and equipment minimums, findings, cases and fines of the province', async () => {
    const w = monthWindow(PREVIOUS);
    const recipients = await sql<{ sent: string; read: string | null }>(
      `select to_char(n.sent_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as sent, to_char(r.first_read_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as read
       from notice n join notice_recipient r on r.notice_id = n.id where n.kind = 'notice' and n.sent_at >= ? and n.sent_at < ?`,
      [w.start, w.end],
    );
    expect(recipients.length).toBeGreaterThan(0);
    const onTime = recipients.filter((r) => r.read != null && r.read <= addWorkingDays(r.sent, 3)).length;
    const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
    expect(await one('notices_read_on_time', province.id, PREVIOUS)).toMatchObject({ numerator: onTime, denominator: recipients.length });

    const m = monthWindow(MONTH);
    const [s] = await sql<{ units: number; staffed: number; equipped: number }>(
      `select count(*)::int as units,
              count(*) filter (where exists (select 1 from designated_staff d where d.unit_id = u.id and d.since <= ?::date and (d.until is null or d.until > ?::date)))::int as staffed,
              count(*) filter (where exists (select 1 from unit_equipment e where e.unit_id = u.id and e.computers > 0))::int as equipped
       from unit u`,
      [m.asOf, m.asOf],
    );
    expect(s.staffed).toBeLessThan(s.units);
    expect(await one('staffing_met', province.id)).toMatchObject({ numerator: s.staffed, denominator: s.units });
    expect(await one('equipment_met', province.id)).toMatchObject({ numerator: s.equipped, denominator: s.units });

    const [f] = await sql<{ n: number; high: number; fines: string; cases: number }>(
      `select (select count(*)::int from finding where observed_at >= ? and observed_at < ?) as n,
              (select count(*)::int from finding where severity = 'high' and observed_at >= ? and observed_at < ?) as high,
              (select count(*)::int from legal_case where filed_at >= ? and filed_at < ?) as cases,
              (select sum(fine_amount)::text from legal_case c where exists (select 1 from case_event e where e.case_id = c.id and e.action = 'penalty_decided' and e.at >= ? and e.at < ?)) as fines`,
      [m.start, m.end, m.start, m.end, m.start, m.end, m.start, m.end],
    );
    expect((await one('findings', province.id)).value).toBe(f.n);
    expect((await one('findings_high', province.id)).value).toBe(f.high);
    expect((await one('cases_filed', province.id)).value).toBe(f.cases);
    expect((await one('cases_closed', province.id)).value).toBe(f.cases);
    expect((await one('case_fines', province.id)).value).toBeCloseTo(Number(f.fines), 2);
    const perRule = await read(admin, { keys: RULES.map((r) => `findings_rule:${r.id}`), from: MONTH, to: MONTH });
    expect(perRule.reduce((sum, r) => sum + r.numerator, 0)).toBe(f.n);
  });
});

describe('distinct counts and day ranges', () => {
  const DAYS_QUERY = `query($keys: [String!]!, $unitIds: [ID!], $regionCodes: [String!], $children: Boolean, $from: String!, $to: String!) {
    metricsOverDays(keys: $keys, unitIds: $unitIds, regionCodes: $regionCodes, children: $children, from: $from, to: $to) { unit { id code level } period key value numerator denominator }
  }`;
  const days = async (token: string, vars: Record<string, unknown>) => ok(await p.gql(DAYS_QUERY, vars, token)).metricsOverDays as Row[];

  /** Filed shops (at the end of `to`) of `prefix` with a patrol record in [from, to], each once: independent of the metrics SQL. */
  const patrolled = async (prefix: string, from: string, to: string) => {
    const start = monthWindow(from.slice(0, 7)).start;
    const end = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000);
    const [c] = await sql<{ filed: number; patrolled: number }>(
      `select count(*)::int as filed,
         count(*) filter (where exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= ? and r.patrolled_at < ?))::int as patrolled
       from shop s where s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ? and s.region_code like ?`,
      [new Date(`${from}T00:00:00+08:00`) < start ? start : new Date(`${from}T00:00:00+08:00`), end, end, `${prefix}%`],
    );
    return c;
  };

  it('a year\'s patrol coverage counts each filed shop once, however many months it was patrolled (not the sum of its months)', async () => {
    if (PREVIOUS.slice(0, 4) !== MONTH.slice(0, 4)) return; // January: the two months lie in two years
    const monthly = (await read(admin, { keys: ['patrol_coverage'], from: PREVIOUS, to: MONTH })).sort((a, b) => a.period.localeCompare(b.period));
    const [year] = await read(admin, { keys: ['patrol_coverage'], from: PREVIOUS, to: MONTH, granularity: 'YEAR' });
    const c = await patrolled('37', `${PREVIOUS}-01`, monthWindow(MONTH).last);
    // the data has shops patrolled in both months: summing the months would count them twice
    expect(monthly[0].numerator).toBeGreaterThan(0);
    expect(monthly.reduce((s, r) => s + r.numerator, 0)).toBeGreaterThan(c.patrolled);
    expect(year).toMatchObject({ period: MONTH.slice(0, 4), numerator: c.patrolled, denominator: c.filed });
    expect(year.value).toBeCloseTo((c.patrolled / c.filed) * 100, 6);
    // the year to date is never below any of its months
    for (const m of monthly) expect(year.value!, m.period).toBeGreaterThanOrEqual(m.value! - 1e-9);
    // per city too, and the monthly report's year to date says the same
    const cities = await read(admin, { keys: ['patrol_coverage'], children: true, from: PREVIOUS, to: MONTH, granularity: 'YEAR' });
    for (const city of cities) {
      const ci = await patrolled(city.unit.code.slice(0, 4), `${PREVIOUS}-01`, monthWindow(MONTH).last);
      expect(city, city.unit.code).toMatchObject({ numerator: ci.patrolled, denominator: ci.filed });
    }
  });

  it('metricsOverDays: a month to date equals the month\'s rollup for what has happened by today; a range over two months counts each shop once', async () => {
    const from = `${MONTH}-01`;
    const keys = ['shops_filed', 'findings', 'complaints_received', 'cases_filed', 'patrol_coverage', 'filing_coverage'];
    const mtd = await days(admin, { keys, from, to: today });
    const month = await read(admin, { keys, from: MONTH, to: MONTH });
    expect(mtd.map((r) => r.key)).toEqual(keys);
    for (const r of mtd) {
      expect(r.period).toBe(`${from}/${today}`);
      const m = month.find((x) => x.key === r.key)!;
      expect({ key: r.key, numerator: r.numerator, denominator: r.denominator }).toEqual({ key: m.key, numerator: m.numerator, denominator: m.denominator });
    }
    // the same days of the month before: a controlled count (the copied records lie there)
    const prevFrom = `${PREVIOUS}-01`;
    const prevTo = monthWindow(PREVIOUS).last < `${PREVIOUS}-${today.slice(8)}` ? monthWindow(PREVIOUS).last : `${PREVIOUS}-${today.slice(8)}`;
    const [prev] = await days(admin, { keys: ['patrol_coverage'], from: prevFrom, to: prevTo });
    const c = await patrolled('37', prevFrom, prevTo);
    expect(prev).toMatchObject({ period: `${prevFrom}/${prevTo}`, numerator: c.patrolled, denominator: c.filed });
    expect(c.patrolled).toBeGreaterThan(0);
    // over both months each shop once, by city
    const both = await days(admin, { keys: ['patrol_coverage'], children: true, from: prevFrom, to: today });
    expect(both.length).toBeGreaterThan(1);
    for (const city of both) {
      const ci = await patrolled(city.unit.code.slice(0, 4), prevFrom, today);
      expect(city, city.unit.code).toMatchObject({ numerator: ci.patrolled, denominator: ci.filed });
    }
  });

  it('metricsOverDays keeps the access rule and refuses bad days, a window begun after today and one of more than 366 days', async () => {
    const county = await p.login('x370102-leader');
    const own = await days(county, { keys: ['shops_filed', 'patrol_coverage'], from: `${MONTH}-01`, to: today });
    expect(own.map((r) => r.unit.code)).toEqual(['370102', '370102']);
    const [unit] = await sql<{ id: number }>(`select id from unit where code = '370102'`);
    const asAdmin = await days(admin, { keys: ['shops_filed', 'patrol_coverage'], unitIds: [String(unit.id)], from: `${MONTH}-01`, to: today });
    expect(own.map((r) => [r.numerator, r.denominator])).toEqual(asAdmin.map((r) => [r.numerator, r.denominator]));
    expect(own[0].numerator).toBeGreaterThan(0);
    const other = await p.gql(DAYS_QUERY, { keys: ['shops_filed'], from: `${MONTH}-01`, to: today, regionCodes: ['370103'] }, county);
    expect(codes(other)).toEqual(['NOT_FOUND']);
    const [neighbour] = await sql<{ id: number }>(`select id from unit where code = '370103'`);
    expect(codes(await p.gql(DAYS_QUERY, { keys: ['shops_filed'], from: `${MONTH}-01`, to: today, unitIds: [String(neighbour.id)] }, county))).toEqual(['NOT_FOUND']);
    const bad = async (vars: Record<string, unknown>, message: RegExp) => {
      const r = await p.gql(DAYS_QUERY, { keys: ['shops_filed'], from: `${MONTH}-01`, to: today, ...vars }, admin);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0].message).toMatch(message);
    };
    await bad({ from: '2026-02-30' }, /^from: "2026-02-30" is not a date/);
    await bad({ to: MONTH }, /^to: /);
    await bad({ from: today, to: `${MONTH}-01` === today ? '2000-01-01' : `${MONTH}-01` }, /^to: .* lies before/);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    await bad({ from: tomorrow, to: tomorrow }, /^from: .* has not begun yet/);
    await bad({ from: '2024-01-01', to: '2025-01-02' }, /^to: at most 366 days/);
    const anonymous = await p.gql(DAYS_QUERY, { keys: ['shops_filed'], from: `${MONTH}-01`, to: today });
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('the catalog says of every indicator whether a rise is good, and which count distinct shops or listings', async () => {
    const data = ok(await p.gql(`{ metricCatalog { key betterWhen distinct } }`, {}, admin));
    const of = new Map<string, { betterWhen: string; distinct: boolean }>(data.metricCatalog.map((m: { key: string; betterWhen: string; distinct: boolean }) => [m.key, m]));
    expect([...of.keys()]).toEqual(ALL_KEYS);
    for (const m of of.values()) expect(['HIGHER', 'LOWER', 'NEUTRAL']).toContain(m.betterWhen);
    expect(of.get('patrol_coverage')).toEqual({ key: 'patrol_coverage', betterWhen: 'HIGHER', distinct: true });
    expect(of.get('patrol_tasks_overdue')).toMatchObject({ betterWhen: 'LOWER', distinct: false });
    expect(of.get('clues_overdue')?.betterWhen).toBe('LOWER');
    expect(of.get('filing_coverage')?.betterWhen).toBe('HIGHER');
    expect(of.get('listings_observed')?.distinct).toBe(true);
    expect([...of.values()].filter((m) => m.distinct).map((m) => (m as unknown as { key: string }).key).sort()).toEqual(['listings_observed', 'patrol_coverage']);
  });
});

describe('metrics access and input', () => {
  it('a county user reads its county by default and drills down to its stations, but not another county (NOT_FOUND)', async () => {
    const token = await p.login('x370102-leader');
    const [own, other, city] = await sql<{ id: number; code: string }>(`select id, code from unit where code in ('370102', '370103', '3701') order by length(code) desc, code`);
    const mine = await read(token, { keys: ['shops_filed'], from: MONTH, to: MONTH });
    expect(mine.map((r) => r.unit.code)).toEqual(['370102']);
    const stations = await read(token, { keys: ['shops_filed'], children: true, from: MONTH, to: MONTH });
    expect(stations.length).toBeGreaterThan(1);
    expect(stations.every((r) => r.unit.code.startsWith('370102-'))).toBe(true);
    expect(stations.reduce((s, r) => s + r.numerator, 0)).toBeLessThanOrEqual(mine[0].numerator);
    const refused = await p.gql(QUERY, { keys: ['shops_filed'], unitIds: [String(other.id)], from: MONTH, to: MONTH }, token);
    expect(codes(refused)).toEqual(['NOT_FOUND']);
    const parent = await p.gql(QUERY, { keys: ['shops_filed'], unitIds: [String(own.id), String(city.id)], from: MONTH, to: MONTH }, token);
    expect(codes(parent)).toEqual(['NOT_FOUND']);
  });

  it('takes regions for units: a city code stands for the city bureau, refused outside the jurisdiction or when no unit holds it', async () => {
    const REGION_QUERY = `query($keys: [String!]!, $regionCodes: [String!], $children: Boolean, $from: String!, $to: String!) {
      metrics(keys: $keys, regionCodes: $regionCodes, children: $children, from: $from, to: $to) { unit { id code level } period key value numerator denominator }
    }`;
    const [city] = await sql<{ id: number }>(`select id from unit where code = '3701'`);
    const byRegion = ok(await p.gql(REGION_QUERY, { keys: ['shops_filed', 'filing_coverage'], regionCodes: ['3701'], children: true, from: MONTH, to: MONTH }, admin)).metrics as Row[];
    const byUnit = await read(admin, { keys: ['shops_filed', 'filing_coverage'], unitIds: [String(city.id)], children: true, from: MONTH, to: MONTH });
    expect(byRegion.length).toBeGreaterThan(2);
    expect(byRegion).toEqual(byUnit);
    const county = await p.login('x370102-leader');
    expect(codes(await p.gql(REGION_QUERY, { keys: ['shops_filed'], regionCodes: ['370103'], from: MONTH, to: MONTH }, county))).toEqual(['NOT_FOUND']);
    const own = ok(await p.gql(REGION_QUERY, { keys: ['shops_filed'], regionCodes: ['370102'], from: MONTH, to: MONTH }, county)).metrics as Row[];
    expect(own.map((r) => r.unit.code)).toEqual(['370102']);
    for (const bad of ['37x', '9999']) {
      const res = await p.gql(REGION_QUERY, { keys: ['shops_filed'], regionCodes: [bad], from: MONTH, to: MONTH }, admin);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(JSON.stringify(res)).toContain('regionCodes');
    }
  });

  it('refuses unknown keys, bad months, from after to, and callers without a login', async () => {
    const bad = async (vars: Record<string, unknown>, field: RegExp) => {
      const r = await p.gql(QUERY, { keys: ['shops_filed'], from: MONTH, to: MONTH, ...vars }, admin);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0].message).toMatch(field);
    };
    await bad({ keys: ['shops_filed', 'no_such_thing'] }, /^keys: unknown indicator "no_such_thing"/);
    await bad({ keys: [] }, /^keys:/);
    await bad({ from: '2026-13' }, /^from:/);
    await bad({ to: '2026-1' }, /^to:/);
    await bad({ from: MONTH, to: PREVIOUS }, /^to: .* lies before from/);
    const anonymous = await p.gql(QUERY, { keys: ['shops_filed'], from: MONTH, to: MONTH });
    expect(codes(anonymous)).toEqual(['UNAUTHENTICATED']);
  });

  it('lists the catalog with names, units, levels and aggregation', async () => {
    const token = await p.login('370102-s01-inspector');
    const data = ok(await p.gql(`{ metricCatalog { key nameZh nameEn unit levels aggregation time scale sources formula family } }`, {}, token));
    expect(data.metricCatalog.map((m: { key: string }) => m.key)).toEqual(ALL_KEYS);
    expect(data.metricCatalog.find((m: { key: string }) => m.key === 'patrol_coverage')).toMatchObject({
      nameZh: '巡查覆盖率', unit: '%', aggregation: 'RATE', time: 'FLOW', scale: 100, levels: ['PROVINCE', 'CITY', 'COUNTY', 'STATION'],
    });
  });
});

describe('metrics refresh', () => {
  it('is idempotent: a second refresh of a month at the same moment writes the same rows', async () => {
    // the same moment: a current month's figures move with the clock (a complaint's deadline passes)
    const at = new Date();
    for (const month of [MONTH, PREVIOUS]) {
      await atTime(at, () => refreshMetrics(p.orm, month));
      const before = await rollupOf(month);
      expect(before.n).toBeGreaterThan(100);
      await atTime(at, () => refreshMetrics(p.orm, month));
      expect(await rollupOf(month)).toEqual(before);
    }
  });

  it('refuses a month not begun and a malformed month, changing nothing', async () => {
    const before = await rollupOf(MONTH);
    await expect(refreshMetrics(p.orm, '2099-01')).rejects.toThrow(/month: 2099-01 has not begun yet/);
    await expect(refreshMetrics(p.orm, '2026-1')).rejects.toThrow(/is not a month/);
    expect(await rollupOf(MONTH)).toEqual(before);
    console.log(`metrics refresh on the small demo province: ${JSON.stringify(refreshTimes)}`);
  });
});
