import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AuditEntry,
  ConflictKind,
  ConflictStatus,
  currentActor,
  EcommercePlatform,
  jurisdictionSql,
  prefixRange,
  OnlineEntity,
  PlatformReport,
  PlatformShop,
  ReconciliationConflict,
  Shop,
} from '../../../entities';
import { NotFoundError, UserInputError } from '../../errors';
import { type Page, paginate } from '../../pagination';
import { FactSourceKind } from '../../../schema/platform-reports.types';
export { FactSourceKind };

export function listPlatforms(em: EntityManager): Promise<EcommercePlatform[]> {
  return em.find(EcommercePlatform, {}, { orderBy: { code: 'asc' } });
}

/** Reports visible to the caller, newest first: a platform's key sees its own platform's only. */
export function listPlatformReports(em: EntityManager, platformId: string | null | undefined, first: number): Promise<PlatformReport[]> {
  if (first < 0 || first > 100) throw new UserInputError('first must be between 0 and 100', 'first');
  const own = currentActor().platformId;
  const where: FilterQuery<PlatformReport> = own != null ? { platform: own } : platformId ? { platform: Number(platformId) || 0 } : {};
  return em.find(PlatformReport, where, { orderBy: { receivedAt: 'desc', id: 'desc' }, limit: first, populate: ['platform'] });
}

/** One report by the platform's own report id (a platform key: its own platform; staff: name the platform). */
export async function getPlatformReport(em: EntityManager, reportId: string, platformId?: string | null): Promise<PlatformReport> {
  const own = currentActor().platformId;
  const platform = own ?? (platformId ? Number(platformId) || 0 : null);
  if (platform == null) throw new UserInputError('name the platform (platformId)', 'platformId');
  const report = await em.findOne(PlatformReport, { platform, reportId }, { populate: ['platform'] });
  if (!report) throw new NotFoundError('platform report', reportId);
  return report;
}

export interface ConflictFilter {
  kind?: ConflictKind[] | null;
  status?: ConflictStatus[] | null;
  regionCode?: string | null;
  platformId?: string | null;
  shopId?: string | null;
}

/** The reviewable list of conflicts in the caller's jurisdiction (open ones by default), newest first. */
export function listConflicts(em: EntityManager, filter: ConflictFilter | null | undefined, page: Page) {
  const and: FilterQuery<ReconciliationConflict>[] = [];
  and.push({ status: { $in: filter?.status?.length ? filter.status : [ConflictStatus.OPEN] } });
  if (filter?.kind?.length) and.push({ kind: { $in: filter.kind } });
  if (filter?.regionCode) {
    if (!/^\d{2,12}$/.test(filter.regionCode)) throw new UserInputError('regionCode: a division code', 'regionCode');
    and.push({ regionCode: { $like: `${filter.regionCode}%` } });
  }
  if (filter?.platformId) and.push({ platform: Number(filter.platformId) || 0 });
  if (filter?.shopId) and.push({ shop: Number(filter.shopId) || 0 });
  return paginate(em, ReconciliationConflict, { $and: and }, { lastDetectedAt: 'desc' }, page);
}

export interface ConflictCount {
  kind: ConflictKind;
  open: number;
}

/** Open conflicts by kind in the caller's jurisdiction (or below a region). */
export async function conflictCounts(em: EntityManager, regionCode?: string | null): Promise<ConflictCount[]> {
  if (regionCode != null && !/^\d{2,12}$/.test(regionCode)) throw new UserInputError('regionCode: a division code', 'regionCode');
  const scope = jurisdictionSql('region_code');
  const below = regionCode ? jurisdictionSqlFor('region_code', regionCode) : { sql: 'true', params: [] as string[] };
  const rows = await em.getConnection().execute<{ kind: ConflictKind; n: number }[]>(
    `select kind, count(*)::int as n from reconciliation_conflict where status = 'open' and ${scope.sql} and ${below.sql} group by kind`,
    [...scope.params, ...below.params],
  );
  const by = new Map(rows.map((r) => [r.kind, Number(r.n)]));
  return Object.values(ConflictKind).map((kind) => ({ kind, open: by.get(kind) ?? 0 }));
}

/** A region prefix as the same leakproof byte range the access rule uses. */
function jurisdictionSqlFor(column: string, prefix: string): { sql: string; params: string[] } {
  return { sql: `(${column} ~>=~ ? and ${column} ~<~ ?)`, params: prefixRange(prefix) };
}


export interface FactSource {
  field: string;
  value: string | null;
  source: FactSourceKind;
  /** which report, run, operation or user */
  reference: string;
  at: Date;
}

const SHOP_FIELDS = new Set(['name', 'url', 'platform', 'platformShopId', 'regionCode', 'entity', 'classification', 'icpNumber', 'filingStatus', 'maintenanceStatus', 'watchUrl']);
const ENTITY_FIELDS = new Set(['name', 'legalRepresentative', 'address', 'regionCode', 'registrationStatus', 'businessScope', 'uscc']);

function auditSource(entry: AuditEntry): FactSourceKind {
  if (entry.actorName.startsWith('system:crawl') || entry.operation.startsWith('crawl')) return FactSourceKind.CRAWL;
  if (entry.operation === 'importEntities') return FactSourceKind.REGISTER_IMPORT;
  if (/^import(Registration|Penalt)/.test(entry.operation)) return FactSourceKind.REGISTRATION_DATA;
  if (entry.actorKind === 'apiKey') return FactSourceKind.OTHER_SYSTEM;
  if (entry.actorKind === 'system') return FactSourceKind.SYSTEM;
  return FactSourceKind.MANUAL;
}

const text = (v: unknown): string | null => (v == null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The latest value each source gave for each field, from the audit log (the register's own writes). */
async function auditFacts(em: EntityManager, entityType: string, id: number, fields: ReadonlySet<string>): Promise<FactSource[]> {
  const entries = await em.find(AuditEntry, { entityType, entityId: String(id) }, { orderBy: { at: 'asc', id: 'asc' }, limit: 500 });
  const facts = new Map<string, FactSource>();
  for (const entry of entries) {
    const source = auditSource(entry);
    for (const [field, value] of Object.entries(entry.after ?? {})) {
      if (!fields.has(field)) continue;
      facts.set(`${field}|${source}`, { field, value: text(value), source, reference: `${entry.operation} · ${entry.actorName}`, at: entry.at });
    }
  }
  return [...facts.values()];
}

function platformFacts(rows: PlatformShop[], fields: readonly (keyof PlatformShop)[]): FactSource[] {
  return rows.flatMap((p) =>
    fields.map((field) => ({
      field: String(field),
      value: text(p[field]),
      source: FactSourceKind.PLATFORM_REPORT,
      reference: `${p.platform.getEntity().name} · ${p.lastReportId}`,
      at: p.lastReportedAt,
    })),
  );
}

const bySourceTime = (a: FactSource, b: FactSource) => a.field.localeCompare(b.field) || b.at.getTime() - a.at.getTime();

/** The register's current values of fields no logged write explains (rows loaded in bulk, before their origin was logged). */
function registerFacts(row: object, fields: ReadonlySet<string>, logged: FactSource[], at: Date): FactSource[] {
  const explained = new Set(logged.map((f) => f.field));
  return [...fields]
    .filter((f) => !explained.has(f) && (row as Record<string, unknown>)[f] !== undefined)
    .map((field) => {
      const value = (row as Record<string, unknown>)[field];
      const plain = value != null && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value;
      return { field, value: text(plain), source: FactSourceKind.SYSTEM, reference: 'register (origin not logged)', at };
    });
}

/** Every fact of a shop with its source and time: the register's writes, the platforms' reports, the latest crawl. */
export async function shopFactSources(em: EntityManager, shop: Shop): Promise<FactSource[]> {
  const facts = await auditFacts(em, 'Shop', shop.id, SHOP_FIELDS);
  facts.push(...registerFacts(shop, SHOP_FIELDS, facts, shop.createdAt));
  const reported = await em.find(PlatformShop, { shop: shop.id }, { populate: ['platform'] });
  facts.push(...platformFacts(reported, ['name', 'url', 'operatorName', 'uscc', 'status', 'address']));
  // the shop was read through the jurisdiction filter; its snapshots are the caller's too (and scoped again)
  const conn = em.getConnection();
  const [present] = await conn.execute<{ present: boolean }[]>(`select to_regclass('shop_snapshot') is not null as present`);
  type SnapshotRow = { title: string | null; licence_name: string | null; licence_uscc: string | null; licence_address: string | null; observed_at: Date };
  let snapshot: SnapshotRow | null = null;
  if (present.present) {
    const scope = jurisdictionSql('region_code');
    const rows = await conn.execute<SnapshotRow[]>(
      `select title, licence_name, licence_uscc, licence_address, observed_at from shop_snapshot where shop_id = ? and ${scope.sql} order by observed_at desc limit 1`,
      [shop.id, ...scope.params],
    );
    snapshot = rows[0] ?? null;
  }
  if (snapshot) {
    const at = new Date(snapshot.observed_at);
    for (const [field, value] of [['name', snapshot.title], ['licenceName', snapshot.licence_name], ['uscc', snapshot.licence_uscc], ['address', snapshot.licence_address]] as const) {
      if (value != null) facts.push({ field, value, source: FactSourceKind.CRAWL, reference: 'latest shop snapshot', at });
    }
  }
  return facts.sort(bySourceTime);
}

/** Every fact of an entity with its source and time: the register's writes (imports, registration data, by hand) and the platforms' reports. */
export async function entityFactSources(em: EntityManager, entity: OnlineEntity): Promise<FactSource[]> {
  const facts = await auditFacts(em, 'OnlineEntity', entity.id, ENTITY_FIELDS);
  // the registration data shared by the registration authority (登记信息变更/注销/吊销)
  const changes = await em.getConnection().execute<{ kind: string; register_field: string | null; after_value: string | null; change_date: string; authority: string | null; created_at: Date }[]>(
    `select kind, register_field, after_value, to_char(change_date, 'YYYY-MM-DD') as change_date, authority, created_at
       from registration_change where entity_id = ? order by change_date, id limit 200`,
    [entity.id],
  );
  const STATUS: Record<string, string> = { established: 'active', deregistered: 'cancelled', revoked: 'revoked' };
  const shared = new Map<string, FactSource>();
  for (const c of changes) {
    const field = c.register_field ?? (STATUS[c.kind] ? 'registrationStatus' : null);
    if (!field) continue;
    const value = c.register_field ? c.after_value : STATUS[c.kind];
    shared.set(field, { field, value, source: FactSourceKind.REGISTRATION_DATA, reference: `${c.authority ?? 'registration authority'} · ${c.change_date}`, at: new Date(c.created_at) });
  }
  facts.push(...shared.values());
  facts.push(...registerFacts(entity, ENTITY_FIELDS, facts, entity.createdAt));
  const reported = await em.find(PlatformShop, { uscc: entity.uscc }, { populate: ['platform'], orderBy: { lastReportedAt: 'desc' }, limit: 20 });
  facts.push(...platformFacts(reported, ['operatorName', 'address']).map((f) => ({ ...f, field: f.field === 'operatorName' ? 'name' : f.field })));
  return facts.sort(bySourceTime);
}

export interface PlatformReportingStat {
  platform: EcommercePlatform;
  month: string;
  fullReportAt: Date | null;
  dueOn: string;
  onTime: boolean;
  reports: number;
  rejectedReports: number;
  reportedShops: number;
  crawledShops: number;
  crawledAndReported: number;
  completeness: number | null;
}

/**
 * Each platform's reporting of a month (平台报送及时率、完整率): whether a full report describing the
 * month (as of a moment in it, or before the due day of the next month) came by the due day, and how
 * many of the shops the spiders found on the platform in the caller's jurisdiction it reports.
 */
export async function platformReportingStats(em: EntityManager, month: string): Promise<PlatformReportingStat[]> {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new UserInputError('month: YYYY-MM', 'month');
  const [y, mo] = [Number(m[1]), Number(m[2])];
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  const start = new Date(`${month}-01T00:00:00+08:00`);
  const end = new Date(`${next}-01T00:00:00+08:00`);
  const platforms = await listPlatforms(em);
  const conn = em.getConnection();
  const out: PlatformReportingStat[] = [];
  for (const p of platforms) {
    const due = new Date(end.getTime() + p.reportDueDay * 86_400_000);
    const dueOn = `${next}-${String(p.reportDueDay).padStart(2, '0')}`;
    const ps = jurisdictionSql('ps.region_code');
    const s1 = jurisdictionSql('s.region_code');
    const [row] = await conn.execute<Record<string, string | Date | null>[]>(
      `select
         (select min(r.received_at) from platform_report r where r.platform_id = ? and r.mode = 'full' and r.status = 'committed' and r.as_of >= ? and r.as_of < ?) as full_at,
         (select count(*) from platform_report r where r.platform_id = ? and r.received_at >= ? and r.received_at < ?) as reports,
         (select count(*) from platform_report r where r.platform_id = ? and r.status = 'rejected' and r.received_at >= ? and r.received_at < ?) as rejected,
         (select count(*) from platform_shop ps where ps.platform_id = ? and ps.first_reported_at < ? and (ps.absent_since is null or ps.absent_since >= ?) and ${ps.sql}) as reported,
         (select count(*) from shop s where s.platform = ? and s.classification = 'platform_merchant'
            and s.maintenance_status not in ('link_dead', 'not_in_jurisdiction') and s.discovered_at < ? and ${s1.sql}) as crawled,
         (select count(*) from shop s where s.platform = ? and s.classification = 'platform_merchant'
            and s.maintenance_status not in ('link_dead', 'not_in_jurisdiction') and s.discovered_at < ? and ${s1.sql}
            and exists (select 1 from platform_shop x where x.shop_id = s.id and x.platform_id = ? and x.first_reported_at < ? and (x.absent_since is null or x.absent_since >= ?))) as both`,
      [p.id, start, due, p.id, start, end, p.id, start, end, p.id, end, end, ...ps.params, p.name, end, ...s1.params, p.name, end, ...s1.params, p.id, end, end],
    );
    const fullReportAt = row.full_at ? new Date(row.full_at as string) : null;
    const crawled = Number(row.crawled);
    const both = Number(row.both);
    out.push({
      platform: p,
      month,
      fullReportAt,
      dueOn,
      onTime: fullReportAt != null && fullReportAt.getTime() < due.getTime(),
      reports: Number(row.reports),
      rejectedReports: Number(row.rejected),
      reportedShops: Number(row.reported),
      crawledShops: crawled,
      crawledAndReported: both,
      completeness: crawled > 0 ? Math.round((both / crawled) * 1000) / 10 : null,
    });
  }
  return out;
}
