import type { EntityManager } from '@mikro-orm/postgresql';
import { AccessDeniedError, ConflictKind, currentActor } from '../../../entities';

/**
 * Reconciliation of the register's sources (对账): what the platforms report (platform_shop), what the
 * spiders see (shop, its latest shop_snapshot, its maintenance status) and what the registration data
 * says (online_entity.registration_status). Each disagreement is one {@link ConflictKind} about one
 * subject; the statement below finds them all at once, and the conflict table keeps one row per (kind,
 * subject): found again → `last_detected_at` moves (a resolved one reopens; a dismissed one stays
 * dismissed while its facts are the same); no longer found → resolved. Runs after every committed platform
 * report and on demand (`reconcileRegister` mutation), as a system actor: it is the whole register's
 * business, and each unit sees the conflicts of its jurisdiction through the access rule.
 */

export interface ReconcileSummary {
  /** conflicts found in this run, by kind */
  found: Record<ConflictKind, number>;
  opened: number;
  resolved: number;
}

/** Links reported shops to the register's shop of the same URL, or platform and platform shop id (found by a later crawl). */
const LINK_SQL = `update platform_shop ps set shop_id = m.shop_id from (
    select x.id, coalesce(
      (select s.id from shop s where s.url = x.url limit 1),
      (select s.id from shop s where s.watch_url = x.url limit 1),
      (select s.id from shop s where s.platform_shop_id = x.platform_shop_id and s.platform = p.name order by s.id limit 1)) as shop_id
    from platform_shop x join ecommerce_platform p on p.id = x.platform_id where x.shop_id is null) m
  where ps.id = m.id and m.shop_id is not null`;

/** The candidates of every kind: kind, subject, platform, platform shop, shop, entity, region, details. */
function findingsSql(withSnapshots: boolean): string {
  const latest = withSnapshots
    ? `left join lateral (select q.licence_uscc, q.observed_at from shop_snapshot q where q.shop_id = s.id order by q.observed_at desc limit 1) snap on true`
    : `left join lateral (select null::varchar as licence_uscc, null::timestamptz as observed_at) snap on true`;
  const reported = `ps.absent_since is null`;
  return `
  -- the platform reports an open shop the spiders never found
  select 'unknown_to_crawl'::conflict_kind as kind, 'platform_shop:' || ps.id as subject, ps.platform_id, ps.id as platform_shop_id,
         null::int as shop_id, e.id as entity_id, ps.region_code,
         jsonb_build_object('platform', p.name, 'platformShopId', ps.platform_shop_id, 'url', ps.url, 'name', ps.name, 'reportedUscc', ps.uscc) as details
    from platform_shop ps join ecommerce_platform p on p.id = ps.platform_id left join online_entity e on e.uscc = ps.uscc
   where ${reported} and ps.status = 'open' and ps.shop_id is null
  union all
  -- the platform says open, the spiders find the link dead
  select 'open_but_gone', 'platform_shop:' || ps.id, ps.platform_id, ps.id, s.id, s.entity_id, s.region_code,
         jsonb_build_object('platform', p.name, 'platformShopId', ps.platform_shop_id, 'url', s.url, 'reportedStatus', 'open', 'crawl', 'link_dead')
    from platform_shop ps join ecommerce_platform p on p.id = ps.platform_id join shop s on s.id = ps.shop_id
   where ${reported} and ps.status = 'open' and s.maintenance_status = 'link_dead'
  union all
  -- the platform says closed, the spiders saw the shop after its closing day
  select 'closed_but_online', 'platform_shop:' || ps.id, ps.platform_id, ps.id, s.id, s.entity_id, s.region_code,
         jsonb_build_object('platform', p.name, 'platformShopId', ps.platform_shop_id, 'url', s.url, 'closedOn', ps.closed_on,
                            'lastSeenAt', to_char(snap.observed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD'))
    from platform_shop ps join ecommerce_platform p on p.id = ps.platform_id join shop s on s.id = ps.shop_id ${latest}
   where ${reported} and ps.status = 'closed' and s.maintenance_status <> 'link_dead'
     and snap.observed_at >= (ps.closed_on + 1)::timestamp at time zone 'Asia/Shanghai'
  union all
  -- the USCC the platform reports differs from the page's licence block or the register's entity
  select 'uscc_mismatch', 'platform_shop:' || ps.id, ps.platform_id, ps.id, s.id, coalesce(s.entity_id, pe.id), s.region_code,
         jsonb_build_object('platform', p.name, 'platformShopId', ps.platform_shop_id, 'url', s.url, 'reportedUscc', ps.uscc,
                            'pageUscc', snap.licence_uscc, 'registerUscc', se.uscc)
    from platform_shop ps join ecommerce_platform p on p.id = ps.platform_id join shop s on s.id = ps.shop_id
         left join online_entity se on se.id = s.entity_id left join online_entity pe on pe.uscc = ps.uscc ${latest}
   where ${reported} and ps.uscc is not null
     and ((snap.licence_uscc is not null and upper(snap.licence_uscc) <> ps.uscc) or (se.uscc is not null and se.uscc <> ps.uscc))
  union all
  -- the spiders found a shop on a platform that reports, and its latest full report does not name it
  select 'unreported', 'shop:' || s.id, p.id, null::int, s.id, s.entity_id, s.region_code,
         jsonb_build_object('platform', p.name, 'platformShopId', s.platform_shop_id, 'url', s.url, 'name', s.name, 'lastFullReport', fr.report_id)
    from shop s join ecommerce_platform p on p.name = s.platform
         join lateral (select r.report_id, r.as_of from platform_report r where r.platform_id = p.id and r.mode = 'full' and r.status = 'committed'
                       order by r.as_of desc limit 1) fr on true
   where s.classification = 'platform_merchant' and s.maintenance_status not in ('link_dead', 'not_in_jurisdiction')
     and s.discovered_at <= fr.as_of
     and not exists (select 1 from platform_shop ps where ps.shop_id = s.id and ps.platform_id = p.id and ${reported})
  union all
  -- the entity is deregistered or revoked, its shop still open (the spiders see it, or its platform reports it open)
  select 'deregistered_still_open', 'shop:' || s.id, ps.platform_id, ps.id, s.id, e.id, s.region_code,
         jsonb_build_object('uscc', e.uscc, 'entity', e.name, 'registrationStatus', e.registration_status::text, 'url', s.url,
                            'reportedOpen', ps.id is not null, 'crawl', s.maintenance_status::text)
    from shop s join online_entity e on e.id = s.entity_id
         left join lateral (select x.id, x.platform_id from platform_shop x where x.shop_id = s.id and x.status = 'open' and x.absent_since is null limit 1) ps on true
   where e.registration_status in ('revoked', 'cancelled') and (s.maintenance_status <> 'link_dead' or ps.id is not null)
  union all
  select 'deregistered_still_open', 'platform_shop:' || ps.id, ps.platform_id, ps.id, null, e.id, ps.region_code,
         jsonb_build_object('uscc', e.uscc, 'entity', e.name, 'registrationStatus', e.registration_status::text, 'url', ps.url,
                            'reportedOpen', true, 'crawl', null)
    from platform_shop ps join online_entity e on e.uscc = ps.uscc
   where ${reported} and ps.status = 'open' and ps.shop_id is null and e.registration_status in ('revoked', 'cancelled')`;
}

/** Runs the reconciliation over the whole register (system actors only). */
export async function reconcileRegister(em: EntityManager): Promise<ReconcileSummary> {
  if (!currentActor().prefixes.includes('')) throw new AccessDeniedError('the reconciliation runs over the whole register: as a system actor only');
  return em.transactional(async (tem) => {
    // through the transaction's own connection (one connection on PGlite)
    const conn = tem as EntityManager;
    const [{ present }] = await conn.execute<{ present: boolean }[]>(`select to_regclass('shop_snapshot') is not null as present`);
    await conn.execute(LINK_SQL);
    const now = new Date();
    const rows = await conn.execute<{ kind: ConflictKind; inserted: boolean }[]>(
      `with found as (${findingsSql(present)})
       insert into reconciliation_conflict as c (kind, subject, platform_id, platform_shop_id, shop_id, entity_id, region_code, details, status, first_detected_at, last_detected_at)
       select kind, subject, platform_id, platform_shop_id, shop_id, entity_id, region_code, details, 'open', ?, ? from found
       on conflict (kind, subject) do update set
         last_detected_at = excluded.last_detected_at, platform_id = excluded.platform_id, platform_shop_id = excluded.platform_shop_id,
         shop_id = excluded.shop_id, entity_id = excluded.entity_id, region_code = excluded.region_code, details = excluded.details,
         status = case when c.status = 'resolved' or (c.status = 'dismissed' and c.details is distinct from excluded.details) then 'open'::conflict_status else c.status end,
         closed_at = case when c.status = 'resolved' or (c.status = 'dismissed' and c.details is distinct from excluded.details) then null else c.closed_at end
       returning kind, (xmax = 0) as inserted`,
      [now, now],
    );
    const resolved = await conn.execute<{ n: number }[]>(
      `with r as (update reconciliation_conflict set status = 'resolved', closed_at = ? where status = 'open' and last_detected_at < ? returning 1)
       select count(*)::int as n from r`,
      [now, now],
    );
    const found = Object.fromEntries(Object.values(ConflictKind).map((k) => [k, 0])) as Record<ConflictKind, number>;
    for (const r of rows) found[r.kind]++;
    return { found, opened: rows.filter((r) => r.inserted).length, resolved: resolved[0].n };
  });
}
