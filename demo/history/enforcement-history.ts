/**
 * Findings, clues and cases of the demo history, month by month and region by region: findings of the
 * rules in kernel/rules (with their severity and legal basis), clues raised from some of them and carried
 * through register → assign (交办, 15 days) → handle (most on time, some late, a few never) → feedback →
 * archive, and cases opened from the clues handled with the outcome 立案, carried through filing (case
 * number), investigation, prior notice, penalty (a fine), execution and closing — each step only when its
 * moment has come, with the events the commands record (clue.commands.ts, case.commands.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { RULES } from '../../kernel/rules';
import { dayCount, type HistoryMonth } from './supervision-history';
import { chinaDayOf, chinaMoment, frac, hashInt, runSql, wdAdd } from './history-sql';

const affected = (res: unknown) => Number((res as { affectedRows?: number; rowCount?: number })?.affectedRows ?? (res as { rowCount?: number })?.rowCount ?? 0);
const key = (m: HistoryMonth, tag: string, expr: string) => `${m.seed} || ':${tag}:${m.month}:' || ${expr}`;

function rulesJson(target: 'shop' | 'listing'): string {
  return JSON.stringify(
    RULES.filter((r) => r.target === target).map((r) => ({ id: r.id, severity: r.severity, nameZh: r.nameZh, description: r.descriptionZh, legalBasis: r.legalBasis })),
  );
}

export interface EnforcementCounts {
  findings: number;
  clues: number;
  cases: number;
}

/**
 * The month's findings (for every unit holding shops: two to four, plus `perThousand` per 1,000 shops),
 * the clues and the cases that follow from them. One unit in three of each month — and at least one unit
 * of every city — has a finding early in the month that becomes a case filed within the month.
 */
export async function enforcementHistory(em: EntityManager, m: HistoryMonth, perThousand: number): Promise<EnforcementCounts> {
  const now = m.now.toISOString();
  const days = dayCount(m);
  await em.execute(`create temp table hist_finding on commit drop as
    with shops as (
      select ru.unit_id, s.id as shop_id, s.region_code, s.name, l.listing_id, l.title as listing_title,
        row_number() over (partition by ru.unit_id order by md5(${key(m, 'fs', 's.id::text')})) as rk,
        count(*) over (partition by ru.unit_id) as n
      from shop s join hist_region_unit ru on ru.code = s.region_code
      left join (select distinct on (shop_id) shop_id, id as listing_id, title from listing where url like '%/hd-history/%' order by shop_id, id) l on l.shop_id = s.id
      where s.discovered_at < ${chinaMoment('?::date', '0')}
    ), picked as (
      select p.*, ${hashInt(key(m, 'f', 'p.shop_id::text'))} as h, ${frac(key(m, 'fl', 'p.shop_id::text'))} as use_listing,
        case when p.rk = 1 then row_number() over (partition by left(p.region_code, 4), p.rk = 1 order by md5(${key(m, 'city', 'p.unit_id::text')})) end as city_rank
      from shops p
      where p.rk <= 2 + ${hashInt(key(m, 'fn', 'p.unit_id::text'))} % 3 + floor(p.n * ?::numeric / 1000)
    ), ruled as (
      select p.*, (p.rk = 1 and (p.city_rank = 1 or ${frac(key(m, 'cc', 'p.unit_id::text'))} < 0.3)) as case_candidate,
        -- a rule of the target, in a pseudo-random order per shop, preferring one without an open clue on the shop
        (select r.rule from jsonb_array_elements(case when p.listing_id is not null and p.use_listing < 0.5 then ?::jsonb else ?::jsonb end) as r(rule)
         order by exists (select 1 from clue x where x.shop_id = p.shop_id and x.rule_id = r.rule ->> 'id' and x.status <> 'archived'),
           md5(${key(m, 'fr', "p.shop_id::text || (r.rule ->> 'id')")})
         limit 1) as rule,
        p.listing_id is not null and p.use_listing < 0.5 as on_listing
      from picked p
    )
    select nextval(pg_get_serial_sequence('finding', 'id')) as id, r.*,
      ${chinaMoment(`?::date + (case when r.case_candidate then (r.h / 3) % ${Math.min(8, days)} else (r.h / 3) % ${days} end)::int`, '120 + (r.h / 5) % 240')} as observed_at,
      case when not r.case_candidate and r.rk > 1 and (r.h / 7) % 100 < 8 then 'dismissed' else 'open' end as status
    from ruled r`, [m.first, perThousand, rulesJson('listing'), rulesJson('shop'), m.first]);
  await em.execute(`delete from hist_finding where observed_at >= ?::timestamptz`, [now]);
  const findings = await runSql(em, `insert into finding (id, rule_id, severity, shop_id, listing_id, region_code, observed_at, run_id, detail, trigger, legal_basis, evidence, status, created_at)
    select f.id, f.rule ->> 'id', (f.rule ->> 'severity')::finding_severity, f.shop_id, case when f.on_listing then f.listing_id end, f.region_code, f.observed_at, null,
      case when f.on_listing then '商品“' || f.listing_title || '”：' else '店铺“' || f.name || '”：' end || (f.rule ->> 'description'),
      case when f.on_listing then jsonb_build_object('listingTitle', f.listing_title) else jsonb_build_object('shopName', f.name) end,
      f.rule -> 'legalBasis', '[]'::jsonb, f.status::finding_status, f.observed_at
    from hist_finding f`);

  // clues: the case candidates and two in five of the other open findings, while no clue of the shop and rule is open
  await em.execute(`create temp table hist_clue on commit drop as
    with c as (
      select f.id as finding_id, f.shop_id, f.region_code, f.unit_id, f.rule, f.name, f.case_candidate, f.observed_at,
        ${hashInt(key(m, 'cl', 'f.id::text'))} as h, u.parent_id, u.name as unit_name, u.code as unit_code
      from hist_finding f join unit u on u.id = f.unit_id
      where f.status = 'open' and (f.rk = 1 or ${frac(key(m, 'clp', 'f.id::text'))} < 0.4)
        and not exists (select 1 from clue x where x.shop_id = f.shop_id and x.rule_id = f.rule ->> 'id' and x.status <> 'archived')
    ), d as (
      select c.*, ${wdAdd(chinaDayOf('c.observed_at'), '1')} as created_day from c
    ), e as (
      select d.*, ${chinaMoment('d.created_day', '540 + d.h % 120')} as created_at, ${wdAdd('d.created_day', '1')} as assigned_day,
        case when d.case_candidate then 'case' when (d.h / 3) % 100 < 80 then 'on_time' when (d.h / 3) % 100 < 93 then 'late' else 'never' end as fate
      from d
    ), f as (
      select e.*, ${chinaMoment('e.assigned_day', '540 + (e.h / 7) % 420')} as assigned_at from e
    ), g as (
      select f.*, f.assigned_at + interval '15 days' as deadline,
        case f.fate
          when 'case' then ${chinaMoment(wdAdd('f.assigned_day', '1 + (f.h / 11) % 3'), '540 + (f.h / 13) % 420')}
          when 'on_time' then least(${chinaMoment(wdAdd('f.assigned_day', '2 + (f.h / 11) % 8'), '540 + (f.h / 13) % 420')}, f.assigned_at + interval '15 days' - interval '2 hours')
          when 'late' then f.assigned_at + interval '15 days' + (1 + (f.h / 11) % 10) * interval '1 day' + interval '1 hour'
        end as handled_at
      from f
    ), h as (
      select g.*, ${chinaMoment(wdAdd(chinaDayOf('g.handled_at'), '1 + (g.h / 17) % 3'), '540 + (g.h / 19) % 420')} as fed_back_at from g
    )
    select nextval(pg_get_serial_sequence('clue', 'id')) as id, h.*,
      h.created_at + (30 + (h.h / 23) % 180) * interval '1 minute' as registered_at,
      ${chinaMoment(wdAdd(chinaDayOf('h.fed_back_at'), '1 + (h.h / 29) % 5'), '540 + (h.h / 31) % 420')} as archived_at,
      case when h.case_candidate then 'case_filed' when (h.h / 37) % 100 < 55 then 'verified' else 'not_verified' end as outcome,
      coalesce(pa.analyst, pa.leader, a.inspector) as raiser, coalesce(pa.leader, a.leader) as assigner, a.inspector
    from h join hist_actor a on a.unit_id = h.unit_id left join hist_actor pa on pa.unit_id = h.parent_id
    where a.inspector is not null`);
  for (const [column, later] of [
    ['created_at', 'registered_at = null, assigned_at = null, handled_at = null, fed_back_at = null, archived_at = null'],
    ['registered_at', 'assigned_at = null, handled_at = null, fed_back_at = null, archived_at = null'],
    ['assigned_at', 'handled_at = null, fed_back_at = null, archived_at = null'],
    ['handled_at', 'fed_back_at = null, archived_at = null'],
    ['fed_back_at', 'archived_at = null'],
  ]) {
    await em.execute(`update hist_clue set ${column} = null, ${later} where ${column} >= ?::timestamptz`, [now]);
  }
  await em.execute(`delete from hist_clue where created_at is null`);
  await em.execute(`update hist_clue set deadline = null where assigned_at is null`);
  const clues = await runSql(em, `insert into clue (id, source, status, shop_id, rule_id, region_code, title, description, assigned_unit_id, deadline, assigned_at, outcome, handled_at, created_by, created_at, updated_at)
    select c.id, 'finding', (case when c.archived_at is not null then 'archived' when c.fed_back_at is not null then 'fed_back' when c.handled_at is not null then 'handled'
        when c.assigned_at is not null then 'assigned' when c.registered_at is not null then 'registered' else 'received' end)::clue_status,
      c.shop_id, c.rule ->> 'id', c.region_code, left((c.rule ->> 'nameZh') || '：' || c.name, 200), f.detail,
      case when c.assigned_at is not null then c.unit_id end, c.deadline, c.assigned_at,
      case when c.handled_at is not null then c.outcome::clue_outcome end, c.handled_at, c.raiser, c.created_at,
      greatest(c.created_at, c.registered_at, c.assigned_at, c.handled_at, c.fed_back_at, c.archived_at)
    from hist_clue c join finding f on f.id = c.finding_id`);
  await em.execute(`insert into clue_finding (clue_id, finding_id, region_code, at) select id, finding_id, region_code, created_at from hist_clue`);
  await em.execute(`insert into clue_event (clue_id, action, from_status, to_status, note, details, actor_name, actor_unit_id, region_code, at)
    select id, 'raised'::clue_action, null::clue_status, 'received'::clue_status, 'from finding ' || finding_id, jsonb_build_object('findingId', finding_id, 'ruleId', rule ->> 'id'), raiser, coalesce(parent_id, unit_id), region_code, created_at from hist_clue
    union all
    select id, 'registered', 'received', 'registered', null, null, raiser, coalesce(parent_id, unit_id), region_code, registered_at from hist_clue where registered_at is not null
    union all
    select id, 'assigned', 'registered', 'assigned', '请按期核查处置', jsonb_build_object('unitId', unit_id, 'unitCode', unit_code, 'unitName', unit_name,
        'deadline', to_char(deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), assigner, coalesce(parent_id, unit_id), region_code, assigned_at from hist_clue where assigned_at is not null
    union all
    select id, 'handled', 'assigned', 'handled',
      case outcome when 'case_filed' then '核查属实，拟立案查处' when 'verified' then '核查属实，已责令整改' else '经核查，未发现违法行为' end,
      jsonb_build_object('outcome', outcome), inspector, unit_id, region_code, handled_at from hist_clue where handled_at is not null
    union all
    select id, 'fed_back', 'handled', 'fed_back', '已将核查处置情况反馈交办单位', null, inspector, unit_id, region_code, fed_back_at from hist_clue where fed_back_at is not null
    union all
    select id, 'archived', 'fed_back', 'archived', '处置完毕，归档', null, assigner, coalesce(parent_id, unit_id), region_code, archived_at from hist_clue where archived_at is not null`);

  // cases from the clues handled with the outcome 立案
  await em.execute(`create temp table hist_case on commit drop as
    with c as (
      select c.id as clue_id, c.shop_id, c.region_code, c.unit_id, c.rule, c.h, left((c.rule ->> 'nameZh') || '：' || c.name, 200) as title, a.inspector, a.leader,
        ${chinaMoment(wdAdd(chinaDayOf('c.handled_at'), '1'), '540 + (c.h / 41) % 420')} as opened_at
      from hist_clue c join hist_actor a on a.unit_id = c.unit_id
      where c.outcome = 'case_filed' and c.handled_at is not null and a.leader is not null
    ), d as (select c.*, ${chinaMoment(wdAdd(chinaDayOf('c.opened_at'), '1'), '540 + (c.h / 43) % 420')} as filed_at from c),
    e as (select d.*, ${chinaMoment(wdAdd(chinaDayOf('d.filed_at'), '1 + (d.h / 47) % 2'), '540 + (d.h / 53) % 420')} as investigated_at from d),
    f as (select e.*, ${chinaMoment(wdAdd(chinaDayOf('e.investigated_at'), '8 + (e.h / 59) % 15'), '540 + (e.h / 61) % 420')} as notified_at from e),
    g as (select f.*, ${chinaMoment(wdAdd(chinaDayOf('f.notified_at'), '6 + (f.h / 67) % 4'), '540 + (f.h / 71) % 420')} as decided_at from f),
    h as (select g.*, ${chinaMoment(wdAdd(chinaDayOf('g.decided_at'), '3 + (g.h / 73) % 8'), '540 + (g.h / 79) % 420')} as executed_at from g)
    select nextval(pg_get_serial_sequence('legal_case', 'id')) as id, h.*,
      ${chinaMoment(wdAdd(chinaDayOf('h.executed_at'), '1 + (h.h / 83) % 4'), '540 + (h.h / 89) % 420')} as closed_at,
      ((1 + (h.h / 97) % 50) * 1000 + ((h.h / 101) % 10) * 100)::numeric(14, 2) as fine
    from h`);
  const steps = ['opened_at', 'filed_at', 'investigated_at', 'notified_at', 'decided_at', 'executed_at', 'closed_at'];
  for (const [i, column] of steps.entries()) {
    await em.execute(`update hist_case set ${steps.slice(i).map((s) => `${s} = null`).join(', ')} where ${column} >= ?::timestamptz`, [now]);
  }
  await em.execute(`delete from hist_case where opened_at is null`);
  const cases = await runSql(em, `insert into legal_case (id, case_number, status, region_code, shop_id, handling_unit_id, title, facts, legal_basis, fine_amount,
      confiscation, decision, stage_deadline, filed_at, created_by, created_at, updated_at)
    select c.id,
      case when c.filed_at is not null then '鲁市监网案〔' || y.year || '〕' || (coalesce((select max(substring(x.case_number from '〔[0-9]+〕([0-9]+)号')::int)
          from legal_case x where x.case_number like '鲁市监网案〔' || y.year || '〕%'), 0)
        + row_number() over (partition by y.year order by c.filed_at, c.id)) || '号' end,
      (case when c.closed_at is not null then 'closed' when c.executed_at is not null then 'executed' when c.decided_at is not null then 'decided'
        when c.notified_at is not null then 'notified' when c.investigated_at is not null then 'investigating' when c.filed_at is not null then 'filed' else 'proposed' end)::case_status,
      c.region_code, c.shop_id, c.unit_id, c.title, f.detail,
      case when c.decided_at is not null then c.rule -> 'legalBasis' else '[]'::jsonb end,
      case when c.decided_at is not null then c.fine end, null,
      case when c.decided_at is not null then '责令改正违法行为，处罚款' || c.fine::text || '元。' end,
      case when c.executed_at is not null then null
        when c.decided_at is not null then c.decided_at + interval '15 days'
        when c.notified_at is not null then ${chinaMoment(`${wdAdd(chinaDayOf('c.notified_at'), '5')} + 1`, '0')} - interval '1 millisecond'
        when c.filed_at is not null then c.filed_at + interval '90 days' end,
      c.filed_at, c.inspector, c.opened_at,
      greatest(c.opened_at, c.filed_at, c.investigated_at, c.notified_at, c.decided_at, c.executed_at, c.closed_at)
    from hist_case c join clue_finding cf on cf.clue_id = c.clue_id join finding f on f.id = cf.finding_id
    cross join lateral (select extract(year from ${chinaDayOf('c.filed_at')})::int as year) y`);
  await em.execute(`insert into case_clue (case_id, clue_id, region_code, at) select id, clue_id, region_code, opened_at from hist_case`);
  await em.execute(`insert into case_event (case_id, action, from_status, to_status, note, details, actor_name, actor_role, actor_unit_id, region_code, at)
    select id, 'opened'::case_action, null::case_status, 'proposed'::case_status, null::text, jsonb_build_object('clueIds', jsonb_build_array(clue_id)), inspector, 'inspector', unit_id, region_code, opened_at from hist_case
    union all
    select h.id, 'filing_approved', 'proposed', 'filed', null, jsonb_build_object('caseNumber', l.case_number), h.leader, 'leader', h.unit_id, h.region_code, h.filed_at
      from hist_case h join legal_case l on l.id = h.id where h.filed_at is not null
    union all
    select id, 'investigation_started', 'filed', 'investigating', '指定办案人员开展调查', null, inspector, 'inspector', unit_id, region_code, investigated_at from hist_case where investigated_at is not null
    union all
    select id, 'prior_notice_issued', 'investigating', 'notified', '送达行政处罚告知书', null, inspector, 'inspector', unit_id, region_code, notified_at from hist_case where notified_at is not null
    union all
    select h.id, 'penalty_decided', 'notified', 'decided', l.decision, jsonb_build_object('fineAmount', l.fine_amount::text, 'legalBasis', l.legal_basis, 'confiscation', null),
      h.leader, 'leader', h.unit_id, h.region_code, h.decided_at from hist_case h join legal_case l on l.id = h.id where h.decided_at is not null
    union all
    select id, 'execution_recorded', 'decided', 'executed', '当事人已按期缴纳罚款', null, inspector, 'inspector', unit_id, region_code, executed_at from hist_case where executed_at is not null
    union all
    select id, 'closed', 'executed', 'closed', '执行完毕，结案', null, leader, 'leader', unit_id, region_code, closed_at from hist_case where closed_at is not null`);
  return { findings: affected(findings), clues: affected(clues), cases: affected(cases) };
}
