/**
 * The SQL building blocks of the demo history (load-demo-history.ts): md5-seeded pseudo-randomness, China
 * moments without the server's time-zone database, the working-day calendar precomputed from
 * services/calendar/working-days.ts into temporary tables, and the region → deepest unit map the metrics
 * attribute rows by. Everything a generator statement needs, so each stage stays one statement per table.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, isWorkingDay } from '../../services/calendar/working-days';

/** Runs a data-changing statement and returns its result with the affected row count (MikroORM's 'run'). */
export function runSql(em: EntityManager, sql: string, params: unknown[] = []): Promise<unknown> {
  return em.execute(sql, params, 'run');
}

/** A text literal for SQL (the seed: demo configuration, quoted, never a parameter position to keep in order). */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A deterministic integer in [0, 2³²) from the md5 of a text expression. */
export const hashInt = (expr: string) => `(('x' || substr(md5(${expr}), 1, 8))::bit(32)::bigint)`;

/** A deterministic number in [0, 1) from the md5 of a text expression. */
export const frac = (expr: string) => `(${hashInt(expr)}::float8 / 4294967296.0)`;

/** The instant of China day `day` plus `minutes` minutes (China is UTC+8 all year). */
export const chinaMoment = (day: string, minutes: string) => `((${day})::timestamp + (${minutes}) * interval '1 minute' - interval '8 hours') at time zone 'UTC'`;

/** The China day of a timestamptz. */
export const chinaDayOf = (column: string) => `((${column} at time zone 'UTC') + interval '8 hours')::date`;

/** The `n`-th working day after `day` (addWorkingDays), from the precomputed calendar. */
export const wdAdd = (day: string, n: string) => `(select hist_w.day from hist_wd hist_w where hist_w.idx = (select hist_c.idx from hist_cal hist_c where hist_c.day = (${day})::date) + (${n}))`;

/**
 * Creates the temporary tables of one transaction (dropped at commit):
 * - `hist_cal(day, idx)`: every day from `from` to `to`, idx = the working days up to and including it;
 * - `hist_wd(idx, day)`: the working days in order (so the n-th working day after d is wd[cal[d].idx + n]);
 * - `hist_region_unit(code, unit_id)`: each region code of a shop → the deepest unit holding it;
 * - `hist_actor(unit_id, inspector, leader, analyst)`: the usernames of a unit's staff.
 */
export async function prepareHistoryTables(em: EntityManager, from: string, to: string): Promise<void> {
  const days: string[] = [];
  const idx: number[] = [];
  let n = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (isWorkingDay(d)) n += 1;
    days.push(d);
    idx.push(n);
  }
  await em.execute(`create temp table if not exists hist_cal (day date primary key, idx int not null) on commit drop`);
  await em.execute(`insert into hist_cal (day, idx) select * from unnest(?::date[], ?::int[]) on conflict do nothing`, [`{${days.join(',')}}`, `{${idx.join(',')}}`]);
  await em.execute(`create temp table if not exists hist_wd (idx int primary key, day date not null) on commit drop`);
  await em.execute(`insert into hist_wd (idx, day) select idx, min(day) from hist_cal group by idx on conflict do nothing`);
  await em.execute('analyze hist_cal, hist_wd');
  // the working day itself carries its index: the first day of each idx group is the working day (or the
  // window's first day when it is a rest day — idx 0, never used as a result)
  await em.execute(`create temp table if not exists hist_region_unit (code varchar(12) primary key, unit_id int not null) on commit drop`);
  // as the metrics attribute rows (analytics/metrics/compute.ts): materialized CTEs, so the prefixes are hash-joined
  await em.execute(
    `insert into hist_region_unit (code, unit_id)
     with unit_prefix as materialized (
       select u.id as unit_id, j.prefix, length(u.path) as depth from unit u cross join lateral unnest(u.jurisdiction) as j(prefix)
     ), codes as materialized (select distinct region_code as code from shop)
     select distinct on (r.code) r.code, up.unit_id
     from codes r cross join lateral generate_series(1, length(r.code)) as n(len)
     join unit_prefix up on up.prefix = left(r.code, n.len)
     order by r.code, length(up.prefix) desc, up.depth desc, up.unit_id
     on conflict do nothing`,
  );
  await em.execute('analyze hist_region_unit');
  await em.execute(`create temp table if not exists hist_actor (unit_id int primary key, inspector varchar(100), leader varchar(100), analyst varchar(100)) on commit drop`);
  await em.execute(
    `insert into hist_actor (unit_id, inspector, leader, analyst)
     select unit_id, min(username) filter (where role = 'inspector'), min(username) filter (where role = 'leader'), min(username) filter (where role = 'analyst')
     from app_user where active group by unit_id
     on conflict do nothing`,
  );
}
