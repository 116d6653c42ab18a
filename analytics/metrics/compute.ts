/**
 * The SQL of every indicator of the catalog: for one month, each computation yields the OWN values of
 * every unit at once — rows `(unit_id, key, numerator, denominator)`, set-based, one statement for a group
 * of indicators read from the same table. rollup.ts stores them; query.ts sums subtrees.
 *
 * Attribution, stated once here:
 * - shop-like rows (shops, shop events, tasks, findings, clues, cases, complaints, price rollups) count for
 *   the DEEPEST unit whose jurisdiction holds the row's region code (longest matching jurisdiction prefix;
 *   a station before its county, a county before its city). Rows no unit holds count nowhere.
 * - unit-owned office rows (reports, notice recipients, logins, training, publicity, warnings, staffing,
 *   equipment) count for the unit that owns them (author, recipient, unit_id).
 * Each row thus counts for exactly one unit, which is what makes a parent the exact sum of its subtree.
 */
import { addWorkingDays, addDays, checkDay, chinaDay, monthOf, startOfChinaDay, workingDaysIn } from '../../services/calendar/working-days';
import { UnitLevel } from '../../entities/unit.entity';
import { UserInputError } from '../../services/errors';
import { workPlanDueOn } from '../../services/office/work-plans';
import { METRICS } from './catalog';

/** The month being computed and the moments its SQL needs. */
export interface MonthWindow {
  /** YYYY-MM */
  month: string;
  first: string;
  last: string;
  /** the first instant of the month and of the next one, China time */
  start: Date;
  end: Date;
  /** the same in UTC days (the crawl store's daily buckets) */
  utcStart: Date;
  utcEnd: Date;
  /** today (China), and the state day: the last day of the month, or today in the current month */
  today: string;
  asOf: string;
  /** the moment of the refresh */
  now: Date;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The window of `month` (YYYY-MM); a month not begun yet is refused. */
export function monthWindow(month: string, now: Date = new Date()): MonthWindow {
  if (!MONTH_RE.test(month ?? '')) throw new UserInputError(`month: "${month}" is not a month (YYYY-MM)`, 'month');
  const { first, last } = monthOf(`${month}-01`);
  const today = chinaDay(now);
  if (first > today) throw new UserInputError(`month: ${month} has not begun yet`, 'month');
  return windowOf(month, first, last, today, now);
}

/** the longest day window computed live (a year and a day: a leap year's whole year fits) */
export const MAX_WINDOW_DAYS = 366;

/**
 * The window of the days [first, last] (YYYY-MM-DD, China days, both included), for computing a period
 * that is not one month (a month to date, the same days a month or a year earlier, a year of distinct
 * counts): flows over its days, stocks at its end (or today, in a window running past today). `month` is
 * the month of its last day (a work plan is due in that year). A window beginning after today is refused.
 */
export function dayWindow(first: string, last: string, now: Date = new Date(), field = 'from'): MonthWindow {
  checkDay(first, field);
  checkDay(last, 'to');
  if (last < first) throw new UserInputError(`to: ${last} lies before ${first}`, 'to');
  if (addDays(first, MAX_WINDOW_DAYS - 1) < last) throw new UserInputError(`to: at most ${MAX_WINDOW_DAYS} days at once`, 'to');
  const today = chinaDay(now);
  if (first > today) throw new UserInputError(`${field}: ${first} has not begun yet`, field);
  return windowOf(last.slice(0, 7), first, last, today, now);
}

/** The window of the days [first, last] as both the month and the day windows give it. */
function windowOf(month: string, first: string, last: string, today: string, now: Date): MonthWindow {
  const next = addDays(last, 1);
  return {
    month,
    first,
    last,
    start: startOfChinaDay(first),
    end: startOfChinaDay(next),
    utcStart: new Date(`${first}T00:00:00Z`),
    utcEnd: new Date(`${next}T00:00:00Z`),
    today,
    asOf: last < today ? last : today,
    now,
  };
}

/** A computation: SQL yielding `(unit_id, key, numerator, denominator)` rows of one or more indicators. */
export interface MetricComputation {
  name: string;
  keys: readonly string[];
  /** optional: a table the computation needs (skipped when absent, e.g. the crawl store's rollup) */
  requires?: string;
  build(w: MonthWindow): { sql: string; params: unknown[] };
}

/** `{name}` placeholders → `?` with the parameters in order (SQL text itself holds no braces). */
function bind(text: string, values: Record<string, unknown>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`metrics SQL: no value for {${name}}`);
    params.push(values[name]);
    return '?';
  });
  return { sql, params };
}

/** A China day of a timestamptz without the server's time-zone database: UTC + 8 hours. */
const chinaDayOf = (column: string) => `((${column} at time zone 'UTC') + interval '8 hours')::date`;

/**
 * CTEs mapping each region code the source holds to the deepest unit whose jurisdiction holds it: every
 * prefix of the code is matched by equality against the units' jurisdiction prefixes (a hash join, not a
 * LIKE per row and unit), the longest match wins.
 */
function regionUnitCte(distinctCodes: string): string {
  return `unit_prefix as materialized (
      select u.id as unit_id, j.prefix, length(u.path) as depth from unit u cross join lateral unnest(u.jurisdiction) as j(prefix)
    ), region_unit as materialized (
      select distinct on (r.code) r.code, up.unit_id
      from (${distinctCodes}) as r(code)
      cross join lateral generate_series(1, length(r.code)) as n(len)
      join unit_prefix up on up.prefix = left(r.code, n.len)
      order by r.code, length(up.prefix) desc, up.depth desc, up.unit_id
    )`;
}

/** `(key, numerator, denominator)` columns unpivoted from a row of counts, zero rows dropped. */
function unpivot(from: string, columns: readonly [key: string, numerator: string, denominator: string | null][]): string {
  const values = columns.map(([key, num, den]) => `('${key}', (${num})::numeric, ${den == null ? 'null::numeric' : `(${den})::numeric`})`).join(', ');
  return `select a.unit_id, k.key, k.numerator, k.denominator from (${from}) a
    cross join lateral (values ${values}) as k(key, numerator, denominator)
    where k.numerator <> 0 or coalesce(k.denominator, 0) <> 0`;
}

const inMonth = (column: string) => `(${column} >= {start} and ${column} < {end})`;

/** Every computation; together they yield every key of the catalog. */
export const COMPUTATIONS: readonly MetricComputation[] = [
  {
    name: 'register',
    keys: ['shops_filed', 'shops_unfiled', 'filing_coverage', 'shops_filed_new', 'patrol_coverage'],
    build: (w) =>
      bind(
        `with ${regionUnitCte('select distinct region_code from shop')}
        ${unpivot(
          `select ru.unit_id,
             count(*) filter (where s.maintenance_status <> 'not_in_jurisdiction' and s.filing_status = 'filed' and s.filed_at < {end}) as filed,
             count(*) filter (where s.maintenance_status <> 'not_in_jurisdiction' and s.discovered_at < {end} and (s.filing_status <> 'filed' or s.filed_at >= {end})) as unfiled,
             count(*) filter (where ${inMonth('s.filed_at')}) as filed_new,
             count(*) filter (where s.maintenance_status <> 'not_in_jurisdiction' and s.filing_status = 'filed' and s.filed_at < {end}
               and exists (select 1 from patrol_record r where r.shop_id = s.id and r.patrolled_at >= {start} and r.patrolled_at < {end})) as patrolled
           from shop s join region_unit ru on ru.code = s.region_code
           group by ru.unit_id`,
          [
            ['shops_filed', 'a.filed', null],
            ['shops_unfiled', 'a.unfiled', null],
            ['filing_coverage', 'a.filed', 'a.filed + a.unfiled'],
            ['shops_filed_new', 'a.filed_new', null],
            ['patrol_coverage', 'a.patrolled', 'a.filed'],
          ],
        )}`,
        { start: w.start, end: w.end },
      ),
  },
  {
    name: 'platform reports',
    keys: ['platform_shops_reported', 'platform_report_coverage', 'reconciliation_conflicts_open'],
    build: (w) =>
      bind(
        `with reporting as (select distinct p.id, p.name from ecommerce_platform p
             where exists (select 1 from platform_report r where r.platform_id = p.id and r.status = 'committed' and r.received_at < {end})),
           ${regionUnitCte('select region_code from platform_shop union select region_code from shop union select region_code from reconciliation_conflict')},
           counts as (
             select ru.unit_id, 'reported' as what, count(*) as n from platform_shop ps join region_unit ru on ru.code = ps.region_code
              where ps.first_reported_at < {end} and (ps.absent_since is null or ps.absent_since >= {end}) group by ru.unit_id
             union all
             select ru.unit_id, case when exists (select 1 from platform_shop x where x.shop_id = s.id and x.platform_id = rp.id
                 and x.first_reported_at < {end} and (x.absent_since is null or x.absent_since >= {end})) then 'covered' else 'uncovered' end, count(*)
               from shop s join reporting rp on rp.name = s.platform join region_unit ru on ru.code = s.region_code
              where s.classification = 'platform_merchant' and s.maintenance_status not in ('link_dead', 'not_in_jurisdiction') and s.discovered_at < {end}
              group by 1, 2
             union all
             select ru.unit_id, 'conflicts', count(*) from reconciliation_conflict c join region_unit ru on ru.code = c.region_code
              where c.first_detected_at < {end} and (c.closed_at is null or c.closed_at >= {end}) group by ru.unit_id)
        ${unpivot(
          `select unit_id, sum(n) filter (where what = 'reported') as reported, sum(n) filter (where what = 'covered') as covered,
             sum(n) filter (where what = 'uncovered') as uncovered, sum(n) filter (where what = 'conflicts') as conflicts
           from counts group by unit_id`,
          [
            ['platform_shops_reported', 'coalesce(a.reported, 0)', null],
            ['platform_report_coverage', 'coalesce(a.covered, 0)', 'coalesce(a.covered, 0) + coalesce(a.uncovered, 0)'],
            ['reconciliation_conflicts_open', 'coalesce(a.conflicts, 0)', null],
          ],
        )}`,
        { end: w.end },
      ),
  },
  {
    name: 'maintenance',
    keys: ['maintenance_marks'],
    build: (w) =>
      bind(
        `with ${regionUnitCte(`select distinct region_code from shop_event where at >= {start} and at < {end}`)}
        select ru.unit_id, 'maintenance_marks' as key, count(*)::numeric as numerator, null::numeric as denominator
        from shop_event e join region_unit ru on ru.code = e.region_code
        where e.kind in ('marked_link_dead', 'marked_info_mismatch', 'marked_not_in_jurisdiction') and ${inMonth('e.at')}
        group by ru.unit_id`,
        { start: w.start, end: w.end },
      ),
  },
  {
    name: 'patrol tasks',
    keys: ['patrol_tasks_due', 'patrol_tasks_done', 'patrol_tasks_overdue'],
    build: (w) =>
      bind(
        `with ${regionUnitCte(`select distinct region_code from patrol_task where due_on >= {first}::date and due_on <= {last}::date`)}
        ${unpivot(
          `select ru.unit_id, count(*) as due,
             count(*) filter (where t.status = 'done') as done,
             count(*) filter (where t.due_on < {today}::date and (t.status = 'open' or (t.status = 'done' and ${chinaDayOf('t.done_at')} > t.due_on))) as overdue
           from patrol_task t join region_unit ru on ru.code = t.region_code
           where t.status <> 'cancelled' and t.due_on >= {first}::date and t.due_on <= {last}::date
           group by ru.unit_id`,
          [
            ['patrol_tasks_due', 'a.due', null],
            ['patrol_tasks_done', 'a.done', null],
            ['patrol_tasks_overdue', 'a.overdue', null],
          ],
        )}`,
        { first: w.first, last: w.last, today: w.today },
      ),
  },
  {
    name: 'findings',
    keys: METRICS.filter((m) => m.key === 'findings' || m.key.startsWith('findings_')).map((m) => m.key),
    build: (w) =>
      bind(
        `with ${regionUnitCte(`select distinct region_code from finding where observed_at >= {start} and observed_at < {end}`)}
        select ru.unit_id, k.key, count(*)::numeric as numerator, null::numeric as denominator
        from finding f join region_unit ru on ru.code = f.region_code
        cross join lateral (values ('findings'), ('findings_' || f.severity::text), ('findings_rule:' || f.rule_id)) as k(key)
        where ${inMonth('f.observed_at')}
        group by ru.unit_id, k.key`,
        { start: w.start, end: w.end },
      ),
  },
  {
    name: 'clues',
    keys: ['clues_received', 'clues_assigned', 'clues_on_time', 'clues_overdue'],
    build: (w) =>
      bind(
        `with ${regionUnitCte('select distinct region_code from clue')}
        ${unpivot(
          `select ru.unit_id,
             count(*) filter (where ${inMonth('c.created_at')}) as received,
             count(*) filter (where ${inMonth('c.assigned_at')}) as assigned,
             count(*) filter (where ${inMonth('c.deadline')}) as due,
             count(*) filter (where ${inMonth('c.deadline')} and c.handled_at <= c.deadline) as on_time,
             count(*) filter (where ${inMonth('c.deadline')} and c.deadline < {now} and (c.handled_at is null or c.handled_at > c.deadline)) as overdue
           from clue c join region_unit ru on ru.code = c.region_code
           where ${inMonth('c.created_at')} or ${inMonth('c.assigned_at')} or ${inMonth('c.deadline')}
           group by ru.unit_id`,
          [
            ['clues_received', 'a.received', null],
            ['clues_assigned', 'a.assigned', null],
            ['clues_on_time', 'a.on_time', 'a.due'],
            ['clues_overdue', 'a.overdue', null],
          ],
        )}`,
        // every {start}/{end} occurrence is bound in order; the helper repeats them
        { start: w.start, end: w.end, now: w.now },
      ),
  },
  {
    name: 'cases',
    keys: ['cases_filed', 'cases_closed', 'case_fines'],
    build: (w) =>
      bind(
        `with ${regionUnitCte('select distinct region_code from legal_case')}, stepped as (
          select e.case_id, bool_or(e.action = 'closed') as closed, bool_or(e.action = 'penalty_decided') as decided
          from case_event e where e.action in ('closed', 'penalty_decided') and ${inMonth('e.at')} group by e.case_id
        )
        ${unpivot(
          `select ru.unit_id,
             count(*) filter (where ${inMonth('c.filed_at')}) as filed,
             count(*) filter (where s.closed) as closed,
             coalesce(sum(c.fine_amount) filter (where s.decided), 0) as fines
           from legal_case c join region_unit ru on ru.code = c.region_code
           left join stepped s on s.case_id = c.id
           where ${inMonth('c.filed_at')} or s.case_id is not null
           group by ru.unit_id`,
          [
            ['cases_filed', 'a.filed', null],
            ['cases_closed', 'a.closed', null],
            ['case_fines', 'a.fines', null],
          ],
        )}`,
        { start: w.start, end: w.end },
      ),
  },
  {
    name: 'complaints',
    keys: ['complaints_received', 'complaints_on_time', 'complaints_resolved', 'complaints_resolved_rate'],
    build: (w) =>
      bind(
        `with ${regionUnitCte('select distinct region_code from complaint')}
        ${unpivot(
          `select ru.unit_id,
             count(*) filter (where ${inMonth('c.received_at')}) as received,
             count(*) filter (where ${inMonth('c.received_at')} and c.decided_at is not null and ${chinaDayOf('c.decided_at')} <= c.acceptance_due_on) as on_time,
             count(*) filter (where ${inMonth('c.resolved_at')}) as resolved,
             count(*) filter (where ${inMonth('c.received_at')} and c.status <> 'rejected') as to_resolve,
             count(*) filter (where ${inMonth('c.received_at')} and c.status <> 'rejected' and c.resolved_at <= {now}) as resolved_since
           from complaint c join region_unit ru on ru.code = c.region_code
           where ${inMonth('c.received_at')} or ${inMonth('c.resolved_at')}
           group by ru.unit_id`,
          [
            ['complaints_received', 'a.received', null],
            ['complaints_on_time', 'a.on_time', 'a.received'],
            ['complaints_resolved', 'a.resolved', null],
            ['complaints_resolved_rate', 'a.resolved_since', 'a.to_resolve'],
          ],
        )}`,
        { start: w.start, end: w.end, now: w.now },
      ),
  },
  {
    name: 'reports',
    keys: ['reports_submitted', 'reports_approved'],
    build: (w) =>
      bind(
        `${unpivot(
          `select r.author_unit_id as unit_id,
             count(*) filter (where exists (select 1 from info_report_event e where e.report_id = r.id and e.action = 'submitted' and ${inMonth('e.at')})) as submitted,
             count(*) filter (where ${inMonth('r.approved_at')}) as approved
           from info_report r group by r.author_unit_id`,
          [
            ['reports_submitted', 'a.submitted', null],
            ['reports_approved', 'a.approved', null],
          ],
        )}`,
        { start: w.start, end: w.end },
      ),
  },
  {
    name: 'notices',
    keys: ['notices_read_on_time'],
    build: (w) => {
      // the day each notice of the month was sent → the last China day it is read on time (3 working days)
      const days: string[] = [];
      for (let d = w.first; d <= w.last; d = addDays(d, 1)) days.push(d);
      return bind(
        `select r.unit_id, 'notices_read_on_time' as key,
           count(*) filter (where r.first_read_at is not null and ${chinaDayOf('r.first_read_at')} <= d.due)::numeric as numerator,
           count(*)::numeric as denominator
         from notice n join notice_recipient r on r.notice_id = n.id
         join unnest({days}::date[], {dues}::date[]) as d(day, due) on d.day = ${chinaDayOf('n.sent_at')}
         where n.kind = 'notice' and ${inMonth('n.sent_at')}
         group by r.unit_id`,
        { days: pgArray(days), dues: pgArray(days.map((d) => addWorkingDays(d, 3))), start: w.start, end: w.end },
      );
    },
  },
  {
    name: 'logins',
    keys: ['login_compliance'],
    build: (w) => {
      const counted = workingDaysIn(w.first, w.asOf);
      return bind(
        `select u.id as unit_id, 'login_compliance' as key,
           (select count(distinct e.day) from login_event e where e.unit_id = u.id and e.day = any({counted}::date[]))::numeric as numerator,
           {n}::numeric as denominator
         from unit u where {n}::int > 0`,
        { counted: pgArray(counted), n: counted.length },
      );
    },
  },
  {
    name: 'office records',
    keys: ['training_sessions', 'publicity_activities', 'consumer_warnings'],
    build: (w) =>
      bind(
        `select t.unit_id, 'training_sessions' as key, count(*)::numeric as numerator, null::numeric as denominator
           from training_session t where t.held_on >= {first}::date and t.held_on <= {last}::date group by t.unit_id
         union all
         select p.unit_id, 'publicity_activities', count(*)::numeric, null::numeric
           from publicity_activity p where p.held_on >= {first}::date and p.held_on <= {last}::date group by p.unit_id
         union all
         select c.unit_id, 'consumer_warnings', count(*)::numeric, null::numeric
           from consumer_warning c where c.status in ('published', 'withdrawn') and c.published_on >= {first}::date and c.published_on <= {last}::date group by c.unit_id`,
        { first: w.first, last: w.last },
      ),
  },
  {
    name: 'work plans',
    keys: ['work_plan_on_time'],
    build: (w) => {
      // each level's due day in the month's year; a unit counts once its plan is due or published
      const year = Number(w.month.slice(0, 4));
      const levels = Object.values(UnitLevel);
      return bind(
        `select u.id as unit_id, 'work_plan_on_time' as key,
           (case when p.published_at is not null and p.published_at < {end} and ${chinaDayOf('p.published_at')} <= d.due then 1 else 0 end)::numeric as numerator,
           1::numeric as denominator
         from unit u
         join unnest({levels}::text[], {dues}::date[]) as d(level, due) on d.level = u.level::text
         left join work_plan p on p.unit_id = u.id and p.year = {year}
         where d.due <= {asOf}::date or (p.published_at is not null and p.published_at < {end})`,
        { levels: pgArray(levels), dues: pgArray(levels.map((l) => workPlanDueOn(l, year))), year, asOf: w.asOf, end: w.end },
      );
    },
  },
  {
    name: 'resources',
    keys: ['staffing_met', 'equipment_met'],
    build: (w) =>
      bind(
        `${unpivot(
          `select u.id as unit_id,
             case when exists (select 1 from designated_staff s where s.unit_id = u.id and s.since <= {asOf}::date and (s.until is null or s.until > {asOf}::date)) then 1 else 0 end as staffed,
             case when coalesce((select e.computers from unit_equipment e where e.unit_id = u.id), 0) >= 1 then 1 else 0 end as equipped
           from unit u`,
          [
            ['staffing_met', 'a.staffed', '1'],
            ['equipment_met', 'a.equipped', '1'],
          ],
        )}`,
        { asOf: w.asOf },
      ),
  },
  {
    name: 'market',
    keys: ['listings_observed', 'price_observations', 'average_price'],
    requires: 'listing_price_daily',
    build: (w) =>
      bind(
        `with ${regionUnitCte(`select distinct region_code from listing_price_daily where day >= {utcStart} and day < {utcEnd}`)}
        ${unpivot(
          `select ru.unit_id, count(distinct l.listing_id) as listings, sum(l.observations) as observations, sum(l.sum_price) as sum_price
           from listing_price_daily l join region_unit ru on ru.code = l.region_code
           where l.day >= {utcStart} and l.day < {utcEnd}
           group by ru.unit_id`,
          [
            ['listings_observed', 'a.listings', null],
            ['price_observations', 'a.observations', null],
            ['average_price', 'a.sum_price', 'a.observations'],
          ],
        )}`,
        { utcStart: w.utcStart, utcEnd: w.utcEnd },
      ),
  },
];

/** A PostgreSQL array literal of plain values (days, keys: no quotes or commas inside). */
export function pgArray(values: readonly string[]): string {
  for (const v of values) if (!/^[\w:.\-]+$/.test(v)) throw new Error(`not a plain array value: ${v}`);
  return `{${values.join(',')}}`;
}
