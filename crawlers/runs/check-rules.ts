/**
 * The rule engine over a crawl's moment: the snapshots and observations stamped `observedAt` are turned
 * into facts (what the pages showed, the register behind the shop, the listing's price history), every rule
 * switched on for the shop's region is evaluated (kernel/rules), and each hit is written as a `finding`
 * with its legal basis and the evidence captures behind it. Idempotent: one finding per rule, shop, listing
 * and moment (a re-run writes nothing twice). Runs as the system actor (a job after ingest).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { executorFromEntityManager, type SqlExecutor } from '../../store';
import { runAsSystem } from '../../services/system-actor';
import { ruleSwitches } from '../../services/findings/rule-switches';
import { type BadgeSeen, DEFAULT_LEXICON, evaluateListing, evaluateShop, type Lexicon, type ListingFacts, RULES, type RuleContext, type RuleHit, type ShopFacts } from '../../kernel/rules';
import { verifyBadge } from '../../services/filing/filing.queries';

const DAY = 86_400_000;
/** Days of price history a listing's facts carry (the original-price rule looks back 7). */
const HISTORY_DAYS = 8;

export interface RuleCheckMoment {
  observedAt: Date;
  /** only rows of this region (a run's region) */
  regionCode: string;
  runId: number | null;
}

export interface RuleCheckOutcome {
  shopsChecked: number;
  listingsChecked: number;
  /** hits per rule (including ones already recorded by an earlier check of the same moment) */
  hits: Record<string, number>;
  /** findings written now */
  written: number;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The lexicon in force: the newest version in `rule_lexicon`, else the built-in default. */
export async function lexiconInForce(db: SqlExecutor): Promise<Lexicon> {
  const rows = await db.query<{ lexicon: Lexicon | string }>(`select lexicon from rule_lexicon order by id desc limit 1`);
  if (rows.length === 0) return DEFAULT_LEXICON;
  const value = rows[0].lexicon;
  return typeof value === 'string' ? (JSON.parse(value) as Lexicon) : value;
}

/** Checks every rule over the rows of one moment and records the findings (with the lexicon in force unless `ctx` gives one). */
export function checkRules(orm: MikroORM, moment: RuleCheckMoment, ctx?: RuleContext): Promise<RuleCheckOutcome> {
  return runAsSystem('rule checks', async () => {
    const db = executorFromEntityManager(orm.em.fork());
    return check(db, moment, ctx ?? { lexicon: await lexiconInForce(db) }, (at, scope) => badgesSeen(orm, db, at, scope));
  });
}

/**
 * The self-filing badges (电子标识) the shop pages of the moment showed (badge_sighting, written by the
 * ingest), each checked against the filings; per shop. The badge key is BADGE_SECRET as the platform's
 * configuration reads it, else the database's.
 */
async function badgesSeen(orm: MikroORM, db: SqlExecutor, at: string, scope: string): Promise<Map<number, BadgeSeen[]>> {
  const rows = await db.query<{ shop_id: number; token: string; page_url: string }>(
    `select shop_id, token, page_url from badge_sighting where observed_at = ?::timestamptz and region_code like ? order by shop_id, id`,
    [at, scope],
  );
  const out = new Map<number, BadgeSeen[]>();
  const verdicts = new Map<string, Awaited<ReturnType<typeof verifyBadge>>>();
  for (const r of rows) {
    let v = verdicts.get(r.token);
    if (!v) {
      v = await verifyBadge(orm.em.fork(), r.token, { badgeSecret: process.env.BADGE_SECRET || undefined });
      verdicts.set(r.token, v);
    }
    const list = out.get(Number(r.shop_id)) ?? [];
    list.push({
      token: r.token,
      pageUrl: r.page_url,
      verdict: v.verdict,
      issuedFor: v.facts ? { url: v.facts.shopUrl, domain: v.facts.domain, number: v.facts.number, entityName: v.facts.entityName, uscc: v.facts.uscc, registerShopId: v.facts.registerShopId } : null,
    });
    out.set(Number(r.shop_id), list);
  }
  return out;
}

async function check(
  db: SqlExecutor,
  moment: RuleCheckMoment,
  ctx: RuleContext,
  badgesOf: (at: string, scope: string) => Promise<Map<number, BadgeSeen[]>> = async () => new Map(),
): Promise<RuleCheckOutcome> {
  const at = moment.observedAt.toISOString();
  const scope = `${moment.regionCode}%`;
  const enabledFor = await ruleSwitches(db);
  const hits: Array<RuleHit & { regionCode: string; evidence: string[] }> = [];

  // ---- shops: the snapshots of the moment, the register behind them, what they list
  const shops = await db.query<Record<string, unknown>>(
    `select s.shop_id, s.region_code, s.title, s.licence_name, s.licence_uscc, s.licence_address, s.food_licence, s.listing_count,
       coalesce(sh.watch_url, sh.url) as url, sh.name,
       e.id as e_id, e.uscc as e_uscc, e.name as e_name, e.registration_status::text as e_status,
       r.id as r_id, r.uscc as r_uscc, r.name as r_name, r.registration_status::text as r_status
     from shop_snapshot s
     join shop sh on sh.id = s.shop_id
     left join online_entity e on e.id = sh.entity_id
     left join online_entity r on r.uscc = s.licence_uscc
     where s.observed_at = ?::timestamptz and s.region_code like ?`,
    [at, scope],
  );
  const shopIds = shops.map((s) => Number(s.shop_id));
  const listed = shopIds.length
    ? await db.query<{ shop_id: number; categories: string[] | null; titles: string[] | null }>(
        `select shop_id, array_agg(category) filter (where category is not null) as categories, array_agg(title) filter (where title is not null) as titles
         from listing where shop_id in (select (jsonb_array_elements_text(?::jsonb))::int)
           and first_seen_at <= ?::timestamptz and (removed_at is null or removed_at > ?::timestamptz)
         group by shop_id`,
        [JSON.stringify(shopIds), at, at],
      )
    : [];
  const listedBy = new Map(listed.map((l) => [Number(l.shop_id), l]));
  const captures = await evidenceOf(db, at, scope);
  const badges = await badgesOf(at, scope);
  for (const s of shops) {
    const shopId = Number(s.shop_id);
    const regionCode = String(s.region_code);
    const l = listedBy.get(shopId);
    const register = (p: 'e' | 'r') =>
      s[`${p}_id`] == null ? null : { entityId: Number(s[`${p}_id`]), uscc: String(s[`${p}_uscc`]), name: String(s[`${p}_name`]), status: String(s[`${p}_status`]) };
    const facts: ShopFacts = {
      shopId,
      regionCode,
      observedAt: moment.observedAt,
      url: String(s.url),
      name: String(s.title ?? s.name ?? ''),
      licence: s.licence_name || s.licence_uscc ? { name: String(s.licence_name ?? ''), uscc: String(s.licence_uscc ?? ''), address: String(s.licence_address ?? '') } : null,
      licenceUrl: null,
      foodLicence: (s.food_licence as string | null) ?? null,
      register: register('e'),
      registerByShownUscc: register('r'),
      listingCategories: l?.categories ?? [],
      listingTitles: l?.titles ?? [],
      listingCount: num(s.listing_count) ?? 0,
      badges: badges.get(shopId),
    };
    const evidence = captures.byShop.get(shopId) ?? [];
    for (const hit of evaluateShop(facts, ctx, (ruleId) => enabledFor(ruleId, regionCode))) hits.push({ ...hit, regionCode, evidence });
  }

  // ---- listings: the observations of the moment, their pages, their price history
  const observations = await db.query<Record<string, unknown>>(
    `select o.listing_id, o.shop_id, o.region_code, o.price::float8 as price, o.original_price::float8 as original_price, o.promotion_text,
       l.url, l.title, l.description, l.category
     from listing_observation o join listing l on l.id = o.listing_id
     where o.observed_at = ?::timestamptz and o.region_code like ?`,
    [at, scope],
  );
  const listingIds = observations.map((o) => Number(o.listing_id));
  const history = new Map<number, Array<{ observedAt: Date; price: number }>>();
  if (listingIds.length) {
    const rows = await db.query<{ listing_id: number; observed_at: string | Date; price: number }>(
      `select listing_id, observed_at, price::float8 as price from listing_observation
       where listing_id in (select (jsonb_array_elements_text(?::jsonb))::int) and observed_at >= ?::timestamptz and observed_at < ?::timestamptz
       order by observed_at`,
      [JSON.stringify(listingIds), new Date(moment.observedAt.getTime() - HISTORY_DAYS * DAY).toISOString(), at],
    );
    for (const r of rows) {
      const list = history.get(Number(r.listing_id)) ?? [];
      list.push({ observedAt: new Date(r.observed_at), price: Number(r.price) });
      history.set(Number(r.listing_id), list);
    }
  }
  for (const o of observations) {
    const listingId = Number(o.listing_id);
    const regionCode = String(o.region_code);
    const facts: ListingFacts = {
      listingId,
      shopId: Number(o.shop_id),
      regionCode,
      observedAt: moment.observedAt,
      url: String(o.url),
      title: String(o.title ?? ''),
      description: (o.description as string | null) ?? null,
      category: (o.category as string | null) ?? null,
      price: Number(o.price),
      originalPrice: num(o.original_price),
      promotion: (o.promotion_text as string | null) ?? null,
      history: history.get(listingId) ?? [],
    };
    const page = captures.byUrl.get(facts.url);
    for (const hit of evaluateListing(facts, ctx, (ruleId) => enabledFor(ruleId, regionCode))) hits.push({ ...hit, regionCode, evidence: page ? [page] : [] });
  }

  // ---- findings
  const rules = new Map(RULES.map((r) => [r.id, r]));
  const counts: Record<string, number> = Object.fromEntries(RULES.map((r) => [r.id, 0]));
  for (const h of hits) counts[h.ruleId] = (counts[h.ruleId] ?? 0) + 1;
  let written = 0;
  for (let i = 0; i < hits.length; i += 1000) {
    const payload = hits.slice(i, i + 1000).map((h) => {
      const rule = rules.get(h.ruleId)!;
      return {
        rule_id: h.ruleId,
        severity: rule.severity,
        shop_id: h.shopId,
        listing_id: h.listingId,
        region_code: h.regionCode,
        run_id: moment.runId,
        detail: h.detail,
        trigger: h.trigger,
        legal_basis: rule.legalBasis,
        evidence: h.evidence,
      };
    });
    const rows = await db.query<{ n: number }>(
      `with ins as (insert into finding (rule_id, severity, shop_id, listing_id, region_code, observed_at, run_id, detail, trigger, legal_basis, evidence)
         select x.rule_id, x.severity::finding_severity, x.shop_id, x.listing_id, x.region_code, ?::timestamptz, x.run_id, x.detail, x.trigger, x.legal_basis, x.evidence
         from jsonb_to_recordset(?::jsonb) as x(rule_id text, severity text, shop_id int, listing_id int, region_code text, run_id int, detail text, trigger jsonb, legal_basis jsonb, evidence jsonb)
         on conflict do nothing returning 1)
       select count(*)::int as n from ins`,
      [at, JSON.stringify(payload)],
    );
    written += Number(rows[0]?.n ?? 0);
  }
  return { shopsChecked: shops.length, listingsChecked: observations.length, hits: counts, written };
}

/** The captures of the moment: per shop (its own pages) and per page URL. */
async function evidenceOf(db: SqlExecutor, at: string, scope: string): Promise<{ byShop: Map<number, string[]>; byUrl: Map<string, string> }> {
  const exists = await db.query(`select 1 from pg_class where oid = to_regclass('public.evidence_capture')`);
  const byShop = new Map<number, string[]>();
  const byUrl = new Map<string, string>();
  if (exists.length === 0) return { byShop, byUrl };
  const rows = await db.query<{ shop_id: number; url: string; sha256: string; kind: string }>(
    `select c.shop_id, c.url, c.sha256, c.kind from evidence_capture c join shop s on s.id = c.shop_id
     where c.observed_at = ?::timestamptz and c.region_code like ? and (c.url = coalesce(s.watch_url, s.url) or c.url like coalesce(s.watch_url, s.url) || '%licence%' or c.kind = 'screenshot')
     order by c.shop_id, c.seq`,
    [at, scope],
  );
  for (const r of rows) {
    const list = byShop.get(Number(r.shop_id)) ?? [];
    list.push(r.sha256);
    byShop.set(Number(r.shop_id), list);
  }
  const pages = await db.query<{ url: string; sha256: string }>(
    `select url, sha256 from evidence_capture where observed_at = ?::timestamptz and region_code like ? and kind = 'response'`,
    [at, scope],
  );
  for (const p of pages) byUrl.set(p.url, p.sha256);
  return { byShop, byUrl };
}
