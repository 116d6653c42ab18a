/**
 * Patrol task generation (巡查任务生成): for a month, every active plan gives each shop it covers at most
 * one task per period, for the unit responsible for the shop, due on a working day spread evenly over
 * the period. Set-based: a handful of SQL statements per plan, whatever the number of shops.
 *
 * - Routine plans: filed shops in scope (not flagged 不属于本辖区); the first rule a shop matches gives
 *   its interval k; the shop is due in the month iff (year·12 + month − 1 − shop.id) mod k = 0, which
 *   spreads the shops of a rule evenly over the months and never moves a shop's months. Period: the
 *   month (periodStart its first day).
 * - Campaigns: the target shops once per campaign (periodStart = startsOn), over the campaign's days;
 *   generated in every month the campaign overlaps (a shop that joined the target later gets its task).
 * - Unit: the shop's responsible unit while its jurisdiction still holds the shop's region, else the
 *   deepest unit that holds it.
 * - Due day: per plan and unit, the new tasks ordered by shop id, the i-th of N gets the working day
 *   floor(i·W/N) of the period's W working days (those still ahead when the period has begun).
 * - Idempotent: insert … on conflict (plan_id, shop_id, period_start) do nothing.
 *
 * Runs under the current actor: the system actor in the job sees every shop; a caller (the mutation)
 * generates only for shops in their jurisdiction and plans they can see.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { jurisdictionSql, PatrolPlan, PatrolPlanKind, PatrolPlanStatus, type RoutineRule } from '../../entities';
import { addDays, chinaDay, monthOf, workingDaysIn } from '../calendar/working-days';
import { runCommand } from '../command';
import { UserInputError } from '../errors';
import { likeEscape } from '../pagination';
import { logger } from '../../kernel/logger';
import { createPatrolPlan, type CreatePatrolPlanInput, dayOf, getPatrolPlan, planVisibleSql } from './patrol-plans';
import { now } from '../../kernel/clock';

/** The job that generates a month's tasks (data: { month?: 'YYYY-MM', planId? }; default the current China month). */
export const PATROL_GENERATE_JOB = 'patrol-generate';

export interface GeneratePatrolTasksInput {
  /** YYYY-MM */
  month: string;
  /** only this plan */
  planId?: string | number | null;
}

export interface GenerationResult {
  /** tasks written by this run */
  created: number;
  /** tasks that were due and existed already (a rerun) */
  existing: number;
  /** plans looked at */
  plans: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `month` if it is `YYYY-MM`, else a UserInputError. */
export function checkMonth(month: string): string {
  if (!MONTH_RE.test(month ?? '')) throw new UserInputError(`month: "${month}" is not a month (YYYY-MM)`, 'month');
  return month;
}

/** The current month in China (YYYY-MM). */
export function currentMonth(at = now()): string {
  return chinaDay(at).slice(0, 7);
}

/**
 * The days tasks of a period are spread over: its working days still ahead when the period has begun
 * (all of them for a past or future period); its calendar days if it has no working day.
 */
export function dueDays(from: string, to: string, today = chinaDay()): string[] {
  const start = today > from && today <= to ? today : from;
  const working = workingDaysIn(start, to);
  if (working.length > 0) return working;
  const days: string[] = [];
  for (let d = start; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

interface Sql {
  sql: string;
  params: unknown[];
}

/** The condition of one routine rule on shop alias `s` (all of its criteria hold). */
function ruleCondition(rule: RoutineRule): Sql {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (rule.classification) {
    parts.push('s.classification = ?');
    params.push(rule.classification);
  }
  if (rule.category) {
    parts.push(`exists (select 1 from listing l where l.shop_id = s.id and l.removed_at is null and l.category like ?)`);
    params.push(`${likeEscape(rule.category)}%`);
  }
  if (rule.risk) parts.push(rule.risk === 'high' ? HIGH_RISK : `not ${HIGH_RISK}`);
  return { sql: parts.length ? parts.join(' and ') : 'true', params };
}

/** A shop is high-risk while it has an unarchived clue or a (not dismissed) finding of the last 90 days. */
const HIGH_RISK = `(exists (select 1 from clue c where c.shop_id = s.id and c.status <> 'archived')
  or exists (select 1 from finding f where f.shop_id = s.id and f.status <> 'dismissed' and f.observed_at >= now() - interval '90 days'))`;

function anyPrefix(column: string, prefixes: readonly string[]): Sql {
  if (prefixes.length === 0) return { sql: 'false', params: [] };
  return { sql: `(${prefixes.map(() => `${column} like ?`).join(' or ')})`, params: prefixes.map((p) => `${likeEscape(p)}%`) };
}

/** The shops a plan selects and, for routine plans, whether they are due in the month: one condition on `s`. */
function shopSelection(plan: PatrolPlan, monthIndex: number): Sql {
  const scope = anyPrefix('s.region_code', plan.scope);
  const parts = [scope.sql, `s.maintenance_status <> 'not_in_jurisdiction'`];
  const params: unknown[] = [...scope.params];
  if (plan.kind === PatrolPlanKind.ROUTINE) {
    parts.push(`s.filing_status = 'filed'`);
    const rules = plan.rules ?? [];
    if (rules.length === 0) return { sql: 'false', params: [] };
    const whens = rules.map((r) => ruleCondition(r));
    const interval = `(case ${whens.map((w) => `when ${w.sql} then ?::int`).join(' ')} end)`;
    const intervalParams = whens.flatMap((w, i) => [...w.params, rules[i].intervalMonths]);
    // (monthIndex − id) mod k = 0, with a non-negative remainder
    parts.push(`coalesce(((?::int - s.id) % ${interval} + ${interval}) % ${interval} = 0, false)`);
    params.push(monthIndex, ...intervalParams, ...intervalParams, ...intervalParams);
  } else {
    const target = plan.target ?? {};
    if (!target.includeUnfiled) parts.push(`s.filing_status = 'filed'`);
    if (target.classifications?.length) {
      parts.push(`s.classification in (${target.classifications.map(() => '?').join(', ')})`);
      params.push(...target.classifications);
    }
    if (target.regionPrefixes?.length) {
      const r = anyPrefix('s.region_code', target.regionPrefixes);
      parts.push(r.sql);
      params.push(...r.params);
    }
    if (target.categories?.length) {
      parts.push(`exists (select 1 from listing l where l.shop_id = s.id and l.removed_at is null and (${target.categories.map(() => 'l.category like ?').join(' or ')}))`);
      params.push(...target.categories.map((c) => `${likeEscape(c)}%`));
    }
  }
  return { sql: parts.join(' and '), params };
}

/** Generates one plan's tasks for a period: returns the due shops and the tasks created. */
async function generateForPlan(em: EntityManager, plan: PatrolPlan, periodStart: string, days: string[], monthIndex: number): Promise<{ due: number; created: number }> {
  const selection = shopSelection(plan, monthIndex);
  const scope = jurisdictionSql('s.region_code');
  const [row] = await em.execute<{ due: string | number; created: string | number }[]>(
    `with due as (
       select s.id, s.region_code, s.responsible_unit_id from shop s where ${selection.sql} and ${scope.sql}
     ),
     deepest as (
       select r.region_code,
         (select u.id from unit u where exists (select 1 from unnest(u.jurisdiction) j where r.region_code like j || '%')
          order by length(u.path) desc, u.id limit 1) as unit_id
       from (select distinct region_code from due) r
     ),
     assigned as (
       select d.id as shop_id, d.region_code,
         coalesce(
           (select ru.id from unit ru where ru.id = d.responsible_unit_id
              and exists (select 1 from unnest(ru.jurisdiction) j where d.region_code like j || '%')),
           dp.unit_id) as unit_id
       from due d join deepest dp on dp.region_code = d.region_code
     ),
     fresh as (
       select a.* from assigned a
       where a.unit_id is not null
         and not exists (select 1 from patrol_task t where t.plan_id = ? and t.shop_id = a.shop_id and t.period_start = ?::date)
     ),
     ins as (
       insert into patrol_task (plan_id, shop_id, unit_id, region_code, period_start, due_on, status, created_at)
       select ?, f.shop_id, f.unit_id, f.region_code, ?::date,
         (?::jsonb ->> ((row_number() over (partition by f.unit_id order by f.shop_id) - 1) * ? / count(*) over (partition by f.unit_id))::int)::date,
         'open', now()
       from fresh f
       on conflict (plan_id, shop_id, period_start) do nothing
       returning 1
     )
     select (select count(*) from assigned where unit_id is not null) as due, (select count(*) from ins) as created`,
    [...selection.params, ...scope.params, plan.id, periodStart, plan.id, periodStart, JSON.stringify(days), days.length],
  );
  return { due: Number(row?.due ?? 0), created: Number(row?.created ?? 0) };
}

/**
 * Generates the tasks of `month` for every active plan overlapping it (or only `planId`), in one
 * transaction. Rerunning creates nothing new (`created` 0, the rest `existing`).
 */
export function generatePatrolTasks(em: EntityManager, input: GeneratePatrolTasksInput): Promise<GenerationResult> {
  return runCommand(em, 'generatePatrolTasks', async (tem) => {
    const month = checkMonth(input.month);
    const { first, last } = monthOf(`${month}-01`);
    const monthIndex = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
    let plans: PatrolPlan[];
    if (input.planId != null && input.planId !== '') {
      const plan = await getPatrolPlan(tem, input.planId);
      if (plan.status !== PatrolPlanStatus.ACTIVE) throw new UserInputError(`planId: patrol plan ${plan.id} is closed`, 'planId');
      const [startsOn, endsOn] = [dayOf(plan.startsOn), dayOf(plan.endsOn)];
      if (startsOn > last || (endsOn != null && endsOn < first)) {
        throw new UserInputError(`month: patrol plan ${plan.id} runs ${startsOn} – ${endsOn ?? 'open-ended'}, not in ${month}`, 'month');
      }
      plans = [plan];
    } else {
      const visible = planVisibleSql('p');
      const rows = await tem.execute<{ id: number }[]>(
        `select p.id from patrol_plan p where p.status = 'active' and p.starts_on <= ?::date and (p.ends_on is null or p.ends_on >= ?::date) and ${visible.sql} order by p.id`,
        [last, first, ...visible.params],
      );
      plans = rows.length ? await tem.find(PatrolPlan, { id: { $in: rows.map((r) => Number(r.id)) } }, { orderBy: { id: 'asc' } }) : [];
    }
    const result: GenerationResult = { created: 0, existing: 0, plans: plans.length };
    for (const plan of plans) {
      const startsOn = dayOf(plan.startsOn);
      const endsOn = dayOf(plan.endsOn);
      let periodStart: string;
      let from: string;
      let to: string;
      if (plan.kind === PatrolPlanKind.ROUTINE) {
        periodStart = first;
        from = startsOn > first ? startsOn : first;
        to = endsOn != null && endsOn < last ? endsOn : last;
      } else {
        periodStart = startsOn;
        from = startsOn;
        to = endsOn ?? last;
      }
      const { due, created } = await generateForPlan(tem, plan, periodStart, dueDays(from, to), monthIndex);
      // fresh statistics: without them the next plan's (or the next run's) check for existing tasks is
      // planned as if the table were empty — a nested loop over tens of thousands of rows (minutes, not ms)
      if (created > 500) await tem.execute('analyze patrol_task');
      result.created += created;
      result.existing += due - created;
    }
    return result;
  });
}

/** Queues a job (the resolver passes the platform's job runner). */
export type EnqueueJob = (job: string, data: Record<string, unknown>) => Promise<unknown>;

/**
 * Creates a plan and, for a campaign, queues the generation of its tasks (one per target shop, spread
 * over the campaign's working days still ahead). A plan whose generation could not be queued stands;
 * the monthly job (or `generatePatrolTasks`) generates its tasks later.
 */
export async function createPatrolPlanAndQueue(em: EntityManager, input: CreatePatrolPlanInput, enqueue: EnqueueJob): Promise<PatrolPlan> {
  const plan = await createPatrolPlan(em, input);
  if (plan.kind === PatrolPlanKind.CAMPAIGN) {
    const today = chinaDay();
    const startsOn = dayOf(plan.startsOn);
    const month = (startsOn > today ? startsOn : today).slice(0, 7);
    await enqueue(PATROL_GENERATE_JOB, { month, planId: plan.id }).catch((err) => logger.error({ err, planId: plan.id }, 'campaign generation not queued'));
  }
  return plan;
}
