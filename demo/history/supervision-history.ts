/**
 * The patrol, complaint and register-maintenance part of the demo history: one set-based statement per
 * table and month (see load-demo-history.ts for the stages). Rows carry the columns, statuses and events
 * the commands would have written at those moments (patrol-records.ts, complaint.commands.ts,
 * shop.commands.ts), with the working-day deadlines of services/calendar/working-days.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { COMPLAINT_TEMPLATES } from '../complaint-texts';
import { chinaDayOf, chinaMoment, frac, hashInt, runSql, wdAdd } from './history-sql';

/** One month (or the part of the current month) being generated. */
export interface HistoryMonth {
  /** YYYY-MM */
  month: string;
  first: string;
  /** the last day generated (the month's last, or yesterday in the current month) */
  last: string;
  /** the seed as an SQL literal */
  seed: string;
  /** nothing happens at or after this moment */
  now: Date;
}

const affected = (res: unknown) => Number((res as { affectedRows?: number; rowCount?: number })?.affectedRows ?? (res as { rowCount?: number })?.rowCount ?? 0);

/** `seed:tag:…` as an SQL text expression for hashing. */
const key = (m: HistoryMonth, tag: string, ...parts: string[]) => `${m.seed} || ':${tag}:${m.month}:' || ${parts.join(` || ':' || `)}`;

/**
 * Records for the month's patrol tasks: each station has a pace (one in eight lags: 55–80 % of its tasks,
 * the rest 90–100 %), most tasks are done on or a few working days before their due day, some late (up to
 * five working days after), the rest never. A done task gets its record (online, or on-site one time in
 * seven; compliant, or rectification ordered with a failing checklist item) filed by the station's
 * inspector; the task's created_at is set to the month's generation (its first day, 08:00).
 */
export async function patrolHistory(em: EntityManager, m: HistoryMonth): Promise<number> {
  await em.execute(`create temp table hist_patrol on commit drop as
    with t as (
      select t.id, t.plan_id, t.shop_id, t.unit_id, t.region_code, t.due_on, t.period_start,
        case when ${hashInt(`${m.seed} || ':lag:' || t.unit_id`)} % 8 = 0
          then 0.55 + 0.25 * ${frac(`${m.seed} || ':pace:' || t.unit_id`)} else 0.9 + 0.1 * ${frac(`${m.seed} || ':pace:' || t.unit_id`)} end as pace,
        ${frac(key(m, 'done', 't.id::text'))} as r, ${frac(key(m, 'late', 't.id::text'))} as late, ${hashInt(key(m, 'k', 't.id::text'))} as k
      from patrol_task t
      where t.status = 'open' and t.due_on >= ?::date and t.due_on <= ?::date
    ), d as (
      select t.*, case
          when t.late < (case when t.pace < 0.85 then 0.3 else 0.06 end) then ${wdAdd('t.due_on', '1 + t.k % 5')}
          else greatest(t.period_start, ${wdAdd('t.due_on', '- ((t.k / 7) % 3)::int')})
        end as day
      from t where t.r < t.pace
    )
    select d.id as task_id, d.plan_id, d.shop_id, d.unit_id, d.region_code, d.due_on, d.day, a.inspector,
      ${chinaMoment('d.day', '540 + (d.k / 11) % 480')} as at,
      (d.k / 13) % 7 = 0 as on_site,
      case when (d.k / 17) % 100 < 8 then 'rectification_ordered' else 'compliant' end as outcome,
      (d.k / 19) as pick
    from d join hist_actor a on a.unit_id = d.unit_id
    where a.inspector is not null and d.day is not null`, [m.first, m.last]);
  await em.execute(`delete from hist_patrol where at >= ?::timestamptz`, [m.now.toISOString()]);
  const res = await runSql(em, 
    // the checklist results of a record, built once per plan, failing item (0: none) and food-licence N/A
    `with variant as materialized (
       select p.id as plan_id, f.fail, na.na,
         (select jsonb_agg(jsonb_build_object(
              'key', c.item ->> 'key',
              'result', case when c.ord = f.fail then 'fail' when na.na and c.item ->> 'key' = 'food-licence' then 'not_applicable' else 'pass' end,
              'note', case when c.ord = f.fail then '现场/页面核查发现问题，已告知经营者' end)
            order by c.ord)
          from jsonb_array_elements(p.checklist) with ordinality as c(item, ord)) as checklist
       from patrol_plan p cross join lateral generate_series(0, jsonb_array_length(p.checklist)) as f(fail) cross join (values (true), (false)) as na(na)
       where p.id in (select distinct plan_id from hist_patrol)
     )
     insert into patrol_record (task_id, shop_id, unit_id, region_code, mode, patrolled_at, checklist, snapshot_at, evidence_sha256,
       site_address, people_met, photos, outcome, rectify_by, clue_id, note, recorded_by, created_at)
     select h.task_id, h.shop_id, h.unit_id, s.region_code, (case when h.on_site then 'on_site' else 'online' end)::patrol_mode, h.at,
       v.checklist, null, '{}'::text[],
       case when h.on_site then coalesce(e.address, '经营场所') end,
       case when h.on_site then coalesce(e.legal_representative, '经营者') || '（负责人）' end,
       '[]'::jsonb, h.outcome::patrol_outcome,
       case when h.outcome = 'rectification_ordered' then ${wdAdd('h.due_on', '10')} end,
       null, case when h.outcome = 'rectification_ordered' then '已责令限期整改' end, h.inspector, h.at
     from hist_patrol h join patrol_plan p on p.id = h.plan_id join shop s on s.id = h.shop_id left join online_entity e on e.id = s.entity_id
     join variant v on v.plan_id = h.plan_id
       and v.fail = case when h.outcome = 'rectification_ordered' then 1 + h.pick % jsonb_array_length(p.checklist) else 0 end
       and v.na = ((h.pick / 101) % 10 < 7)`,
  );
  // one pass over the month's tasks: done ones marked, and the tasks written by the generation just now get
  // the moment the monthly job would have run (the period's first day, 08:00)
  await em.execute(
    `update patrol_task t set status = case when x.at is null then t.status else 'done'::patrol_task_status end, done_at = coalesce(x.at, t.done_at),
       created_at = case when t.created_at > ?::timestamptz then ${chinaMoment('t.period_start', '480')} else t.created_at end
     from (select y.id, h.at from patrol_task y left join hist_patrol h on h.task_id = y.id where y.due_on >= ?::date and y.due_on <= ?::date) x
     where t.id = x.id and (x.at is not null or t.created_at > ?::timestamptz)`,
    [m.now.toISOString(), m.first, m.last, m.now.toISOString()],
  );
  return affected(res);
}

/**
 * Complaints and reports of the month, for every unit holding filed shops (about `perThousand` per 1,000
 * of its filed shops, at least one), a third through the public form: numbered as the intake numbers them,
 * decided within the 7 working days (one in twenty late, a few never), rejected (12 %) or accepted;
 * complaints mediated, resolved with a result, closed with the consumer's feedback — each step only when
 * its moment has come. The events say the same steps, as the command records them.
 */
export async function complaintHistory(em: EntityManager, m: HistoryMonth, names: readonly string[], perThousand: number): Promise<number> {
  const templates = JSON.stringify(COMPLAINT_TEMPLATES);
  const days = dayCount(m);
  await em.execute(`create temp table hist_complaint on commit drop as
    with shops as (
      select ru.unit_id as region_unit, s.id as shop_id, s.region_code, s.name, s.url, s.responsible_unit_id,
        row_number() over (partition by ru.unit_id order by md5(${key(m, 'cs', 's.id::text')})) as rk,
        count(*) over (partition by ru.unit_id) as n
      from shop s join hist_region_unit ru on ru.code = s.region_code
      where s.filing_status = 'filed' and s.maintenance_status <> 'not_in_jurisdiction' and s.filed_at < ${chinaMoment('?::date', '0')}
    ), picked as (
      select p.*, ${hashInt(key(m, 'c', 'p.shop_id::text'))} as h, ${hashInt(key(m, 'c2', 'p.shop_id::text'))} as h2,
        coalesce((select r.id from unit r where r.id = p.responsible_unit_id and exists (select 1 from unnest(r.jurisdiction) j where p.region_code like j || '%')), p.region_unit) as unit_id
      from shops p
      where p.rk <= greatest(1, round(p.n * ?::numeric / 1000)) + ${hashInt(key(m, 'cn', 'p.region_unit::text'))} % 2
    ), filled as (
      select p.*, t.tpl, (t.tpl ->> 'products')::jsonb ->> (p.h2 % jsonb_array_length(t.tpl -> 'products'))::int as product,
        round((19 + p.h % 2981) + ((p.h2 / 7) % 100) / 100.0, 2) as amount,
        (?::date + (p.h % ?)::int) as received_day
      from picked p cross join lateral (select (?::jsonb) -> (p.h % jsonb_array_length(?::jsonb))::int as tpl) t
    )
    select f.*, u.name as unit_name, u.code as unit_code, a.inspector,
      ${chinaMoment('f.received_day', '480 + (f.h / 3) % 720')} as received_at,
      (f.h2 / 11) % 3 = 0 as via_public,
      ?::jsonb ->> ((f.h2 / 13) % jsonb_array_length(?::jsonb))::int as complainant,
      '1' || substr('35789', 1 + ((f.h / 17) % 5)::int, 1) || lpad(((f.h * 7 + f.h2) % 1000000000)::text, 9, '0') as phone,
      ${wdAdd('f.received_day', '7')} as acceptance_due_on
    from filled f join unit u on u.id = f.unit_id join hist_actor a on a.unit_id = f.unit_id
    where a.inspector is not null`, [
    m.first, perThousand, m.first, days, templates, templates, JSON.stringify(names), JSON.stringify(names),
  ]);
  // the steps, each at its moment (null: not taken, or not yet)
  await em.execute(`create temp table hist_complaint_steps on commit drop as
    with c as (
      select h.*, ${frac(key(m, 'und', 'h.shop_id::text'))} as und, ${frac(key(m, 'rej', 'h.shop_id::text'))} as rej,
        ${hashInt(key(m, 'dn', 'h.shop_id::text'))} as dn, ${hashInt(key(m, 'rs', 'h.shop_id::text'))} as rs
      from hist_complaint h
    ), d as (
      select c.*, case when c.und < 0.02 then null
          else ${wdAdd('c.received_day', `case when c.dn % 20 = 0 then 8 + (c.dn / 20) % 3 else 1 + (c.dn / 20) % 5 end`)} end as decided_day
      from c
    ), e as (
      select d.*, ${chinaMoment('d.decided_day', '540 + (d.dn / 100) % 420')} as decided_at,
        d.decided_day is not null and d.rej < 0.12 as rejected,
        ${wdAdd('d.decided_day', '45')} as resolution_due_on,
        ${wdAdd('d.decided_day', '1')} as mediation_day,
        ${wdAdd('d.decided_day', `case when d.tpl ->> 'kind' = 'report' then 3 + d.rs % 10 else 3 + d.rs % 23 end`)} as resolved_day
      from d
    )
    select e.*,
      case when not e.rejected and e.tpl ->> 'kind' = 'complaint' then ${chinaMoment('e.mediation_day', '540 + (e.rs / 50) % 420')} end as mediation_at,
      case when not e.rejected then ${chinaMoment('e.resolved_day', '540 + (e.rs / 70) % 420')} end as resolved_at,
      case when not e.rejected then ${chinaMoment(wdAdd('e.resolved_day', '1 + (e.rs / 90) % 5'), '540 + (e.rs / 110) % 420')} end as closed_at,
      case when e.tpl ->> 'kind' = 'report' then 'report_handled'
           when (e.rs / 130) % 100 < 70 then 'agreement' when (e.rs / 130) % 100 < 85 then 'no_agreement'
           when (e.rs / 130) % 100 < 95 then 'withdrawn' else 'terminated' end as result,
      case (e.rs / 170) % 10 when 0 then 'unsatisfied' when 1 then 'unreachable' when 2 then 'basically_satisfied' when 3 then 'basically_satisfied'
           else 'satisfied' end as feedback,
      (array['不属于市场监管部门职责范围', '已通过司法途径解决', '投诉人未提供具体商品和经营者信息'])[1 + ((e.rs / 190) % 3)::int] as reject_reason
    from e`);
  // steps whose moment has not come are not taken (nor any after them)
  const now = m.now.toISOString();
  await em.execute(`update hist_complaint_steps set decided_day = null, decided_at = null where decided_at >= ?::timestamptz`, [now]);
  await em.execute(`update hist_complaint_steps set mediation_at = null, resolved_at = null, closed_at = null where decided_at is null or rejected or mediation_at >= ?::timestamptz`, [now]);
  await em.execute(`update hist_complaint_steps set resolved_at = null, closed_at = null where resolved_at >= ?::timestamptz or (tpl ->> 'kind' = 'complaint' and mediation_at is null)`, [now]);
  await em.execute(`update hist_complaint_steps set closed_at = null where closed_at >= ?::timestamptz or resolved_at is null`, [now]);
  await em.execute(`delete from hist_complaint_steps where received_at >= ?::timestamptz`, [now]);
  const res = await runSql(em, `insert into complaint (number, kind, channel, status, shop_id, region_code, assigned_unit_id, complainant_name, complainant_phone,
      complainant_email, shop_url, shop_name, order_number, order_date, product_name, amount_paid, title, description, attachments, received_at,
      acceptance_due_on, decided_at, resolution_due_on, result, amount_recovered, resolved_at, feedback, closed_at, clue_id, submitter_key,
      created_by, created_at, updated_at)
    select n.number, (s.tpl ->> 'kind')::complaint_kind, (case when s.via_public then 'public' else 'staff' end)::complaint_channel,
      (case when s.closed_at is not null then 'closed' when s.resolved_at is not null then 'resolved' when s.mediation_at is not null then 'mediating'
            when s.decided_at is null then 'received' when s.rejected then 'rejected' else 'accepted' end)::complaint_status,
      s.shop_id, s.region_code, s.unit_id, s.complainant, s.phone, null,
      case when s.via_public then s.url end, case when s.via_public then s.name end,
      case when s.tpl ->> 'kind' = 'complaint' then lpad((s.h % 10000000000)::text, 10, '0') || lpad((s.h2 % 100000000)::text, 8, '0') end,
      case when s.tpl ->> 'kind' = 'complaint' then s.received_day - (1 + (s.h2 / 3) % 20)::int end,
      case when s.tpl ->> 'kind' = 'complaint' then s.product end,
      case when s.tpl ->> 'kind' = 'complaint' then s.amount end,
      left(replace(replace(replace(s.tpl ->> 'title', '{product}', s.product), '{amount}', s.amount::text), '{days}', (5 + s.h2 % 16)::text), 200),
      replace(replace(replace(s.tpl ->> 'description', '{product}', s.product), '{amount}', s.amount::text), '{days}', (5 + s.h2 % 16)::text),
      '[]'::jsonb, s.received_at, s.acceptance_due_on, s.decided_at,
      case when s.decided_at is not null and not s.rejected then s.resolution_due_on end,
      case when s.resolved_at is not null then s.result::complaint_result end,
      case when s.resolved_at is not null and s.result = 'agreement' then round(s.amount * case when (s.rs / 210) % 10 < 6 then 1 else 0.3 + ((s.rs / 230) % 60) / 100.0 end, 2) end,
      s.resolved_at,
      case when s.closed_at is not null then s.feedback::complaint_feedback end, s.closed_at, null,
      case when s.via_public then encode(sha256(convert_to('hongdun-public:demo-history-' || n.number, 'UTF8')), 'hex') end,
      case when s.via_public then 'public-form' else s.inspector end, s.received_at,
      greatest(s.received_at, s.decided_at, s.mediation_at, s.resolved_at, s.closed_at)
    from hist_complaint_steps s
    join (
      select x.shop_id, 'TS' || to_char(x.received_day, 'YYYYMMDD') || lpad((coalesce(
          (select max(substr(c.number, 11)::int) from complaint c where c.number like 'TS' || to_char(x.received_day, 'YYYYMMDD') || '%'), 0)
          + row_number() over (partition by x.received_day order by x.received_at, x.shop_id))::text, 6, '0') as number
      from hist_complaint_steps x
    ) n on n.shop_id = s.shop_id`);
  const stepsJoin = `from hist_complaint_steps s join complaint c on c.shop_id = s.shop_id and c.received_at = s.received_at and c.created_at = s.received_at`;
  await em.execute(`insert into complaint_event (complaint_id, action, from_status, to_status, note, details, actor_name, actor_unit_id, region_code, at)
    select c.id, 'received'::complaint_action, null::complaint_status, 'received'::complaint_status, 'received through ' || c.channel || '; assigned to ' || s.unit_name,
      jsonb_build_object('channel', c.channel, 'shopId', c.shop_id, 'shopCreated', false, 'unitId', s.unit_id, 'unitCode', s.unit_code,
        'acceptanceDueOn', c.acceptance_due_on::text, 'attachments', 0),
      c.created_by, case when s.via_public then null else s.unit_id end, c.region_code, c.received_at ${stepsJoin}
    union all
    select c.id, (case when s.rejected then 'rejected' else 'accepted' end)::complaint_action, 'received', (case when s.rejected then 'rejected' else 'accepted' end)::complaint_status,
      case when s.rejected then s.reject_reason else '符合受理条件' end,
      case when s.rejected then jsonb_build_object('onTime', ${chinaDayOf('s.decided_at')} <= c.acceptance_due_on)
           else jsonb_build_object('resolutionDueOn', s.resolution_due_on::text, 'onTime', ${chinaDayOf('s.decided_at')} <= c.acceptance_due_on) end,
      s.inspector, s.unit_id, c.region_code, s.decided_at ${stepsJoin} where s.decided_at is not null
    union all
    select c.id, 'mediation_started', 'accepted', 'mediating', '电话联系双方，组织调解', null, s.inspector, s.unit_id, c.region_code, s.mediation_at ${stepsJoin} where s.mediation_at is not null
    union all
    select c.id, 'resolved', (case when s.mediation_at is not null then 'mediating' else 'accepted' end)::complaint_status, 'resolved',
      case when c.result = 'agreement' then '双方达成调解协议' end,
      jsonb_build_object('result', c.result, 'amountRecovered', c.amount_recovered::text), s.inspector, s.unit_id, c.region_code, s.resolved_at ${stepsJoin} where s.resolved_at is not null
    union all
    select c.id, 'closed', 'resolved', 'closed', '电话回访', jsonb_build_object('feedback', c.feedback), s.inspector, s.unit_id, c.region_code, s.closed_at ${stepsJoin} where s.closed_at is not null`);
  return affected(res);
}

/**
 * Register maintenance of the month: the marks behind the shops' current maintenance status (link dead,
 * info mismatch, outside the jurisdiction) at their last maintenance, when it falls in the month; and for
 * every unit holding filed shops one check that found a problem later put right (a mark, then `restored`
 * a few working days on, the shop's last maintenance moved to it) — the status stays what it is. The mark
 * falls in the month's first days but twelve, so that its restoration lies in the past even for last month
 * seen from the first days of this one (a pair not yet complete would be dropped, leaving the unit none).
 */
export async function maintenanceHistory(em: EntityManager, m: HistoryMonth): Promise<number> {
  const now = m.now.toISOString();
  const end = chinaMoment('?::date + 1', '0');
  const marks = await runSql(em, 
    `insert into shop_event (shop_id, kind, note, region_code, actor_name, actor_unit_id, details, at)
     select s.id, ('marked_' || s.maintenance_status::text)::shop_event_kind,
       case s.maintenance_status when 'link_dead' then '店铺链接无法访问' when 'info_mismatch' then '公示信息与登记信息不一致' else '经营地址不在本辖区' end,
       s.region_code, a.inspector, ru.unit_id, jsonb_build_object('before', 'normal', 'after', s.maintenance_status), s.last_maintained_at
     from shop s join hist_region_unit ru on ru.code = s.region_code join hist_actor a on a.unit_id = ru.unit_id
     where s.maintenance_status <> 'normal' and s.last_maintained_at >= ${chinaMoment('?::date', '0')} and s.last_maintained_at < ${end}
       and s.last_maintained_at < ?::timestamptz and a.inspector is not null
       and not exists (select 1 from shop_event x where x.shop_id = s.id and x.at = s.last_maintained_at)`,
    [m.first, m.last, now],
  );
  await em.execute(`create temp table hist_mark on commit drop as
    with shops as (
      select ru.unit_id, s.id as shop_id, s.region_code, ${hashInt(key(m, 'mk', 's.id::text'))} as h,
        row_number() over (partition by ru.unit_id order by md5(${key(m, 'mr', 's.id::text')})) as rk
      from shop s join hist_region_unit ru on ru.code = s.region_code
      where s.filing_status = 'filed' and s.maintenance_status = 'normal' and s.filed_at < ${chinaMoment('?::date', '0')}
    ), p as (
      select shops.*, ?::date + (h % ?)::int as day from shops where rk = 1
    )
    select p.*, a.inspector, case when (p.h / 7) % 2 = 0 then 'link_dead' else 'info_mismatch' end as status,
      ${chinaMoment('p.day', '540 + (p.h / 11) % 420')} as marked_at,
      ${chinaMoment(wdAdd('p.day', '2 + (p.h / 13) % 6'), '540 + (p.h / 17) % 420')} as restored_at
    from p join hist_actor a on a.unit_id = p.unit_id where a.inspector is not null`, [m.first, m.first, Math.max(1, dayCount(m) - 12)]);
  await em.execute(`delete from hist_mark where restored_at >= ?::timestamptz`, [now]);
  const pairs = await runSql(em, 
    `insert into shop_event (shop_id, kind, note, region_code, actor_name, actor_unit_id, details, at)
     select shop_id, ('marked_' || status)::shop_event_kind, case status when 'link_dead' then '店铺链接无法访问' else '公示信息与登记信息不一致' end,
       region_code, inspector, unit_id, jsonb_build_object('before', 'normal', 'after', status), marked_at from hist_mark
     union all
     select shop_id, 'restored', '复核：经营者已整改，信息恢复正常', region_code, inspector, unit_id, jsonb_build_object('before', status, 'after', 'normal'), restored_at from hist_mark`,
  );
  await em.execute(`update shop s set last_maintained_at = h.restored_at from hist_mark h where s.id = h.shop_id and (s.last_maintained_at is null or s.last_maintained_at < h.restored_at)`);
  return affected(marks) + affected(pairs);
}

/** Days of the month generated (first … last). */
export function dayCount(m: HistoryMonth): number {
  return Math.round((Date.parse(`${m.last}T00:00:00Z`) - Date.parse(`${m.first}T00:00:00Z`)) / 86_400_000) + 1;
}
