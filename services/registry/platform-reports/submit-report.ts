import { Reference } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AccessDeniedError,
  currentActor,
  EcommercePlatform,
  OnlineEntity,
  PlatformReport,
  PlatformShop,
  type ReportRowError,
  Shop,
} from '../../../entities';
import { runCommand } from '../../command';
import { ConflictError, UserInputError } from '../../errors';
import { runAsSystem } from '../../system-actor';
import { ImportFileError } from '../import/read-register-file';
import { regionCatalog } from '../region-catalog';
import { reconcileRegister, type ReconcileSummary } from './reconcile';
import { type ReportedShop, ReportRowValidator } from './report-rows';

/** Most row errors stored with a rejected report (the count of all is kept beside them). */
export const STORED_REPORT_ERRORS = 10_000;
/** Rows written per flush. */
const CHUNK = 1000;
export const REPORT_OPERATION = 'reportPlatformShops';

export type ReportMode = 'full' | 'delta';

export interface PlatformReportOutcome {
  report: PlatformReport;
  /** true when the same report (id and content) had been received before: nothing was done again */
  replayed: boolean;
  reconciliation: ReconcileSummary | null;
}

export type ReportPhase = 'validating' | 'writing' | 'reconciling' | 'done';

export interface SubmitReportProps {
  reportId: string;
  mode: ReportMode;
  format: string;
  /** SHA-256 of the content as received */
  sha256: string;
  /** what the report describes; default now; not in the future, not before the stored rows' */
  asOf?: Date | null;
  /** feeds the rows into the validator (throws ImportFileError for an unusable file) */
  load: (validator: ReportRowValidator) => Promise<{ warnings?: string[] } | void>;
  maxRows: number;
  onProgress?: (phase: ReportPhase, done: number, total: number) => void;
}

/** The platform the current actor reports for; only a platform's reporting key may report. */
export async function reportingPlatform(em: EntityManager): Promise<EcommercePlatform> {
  const actor = currentActor();
  if (actor.platformId == null) throw new AccessDeniedError(`${actor.name} is not a platform's reporting key: platforms report with the key the bureau issued them`);
  const platform = await em.findOne(EcommercePlatform, { id: actor.platformId });
  if (!platform) throw new AccessDeniedError('the platform of this key no longer exists');
  return platform;
}

/** A report id as the platform chose it: 1–100 characters of letters, digits and . _ : - */
export function checkReportId(reportId: string): string {
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(reportId)) {
    throw new UserInputError('reportId must be 1–100 characters of letters, digits and . _ : - (your own id of this report, e.g. 2026-11-full)', 'reportId');
  }
  return reportId;
}

export function checkMode(mode: string): ReportMode {
  if (mode !== 'full' && mode !== 'delta') throw new UserInputError('mode must be full (every shop of the platform in Shandong) or delta (changes only)', 'mode');
  return mode;
}

/** The stored outcome of an earlier report with the same id: a replay when the content is the same, else a conflict. */
async function priorReport(em: EntityManager, platform: EcommercePlatform, props: SubmitReportProps): Promise<PlatformReport | null> {
  const prior = await em.findOne(PlatformReport, { platform, reportId: props.reportId });
  if (!prior) return null;
  if (prior.sha256 === props.sha256 && prior.mode === props.mode) return prior;
  if (prior.status === 'rejected') {
    // a rejected report wrote nothing: its id may be used again for the corrected report
    await em.nativeDelete(PlatformReport, { id: prior.id });
    return null;
  }
  throw new ConflictError(
    `report ${props.reportId} was received on ${prior.receivedAt.toISOString()} with other content (SHA-256 ${prior.sha256.slice(0, 12)}…): send changes under a new report id`,
    'reportId',
  );
}

/**
 * Takes in one platform report (平台报送): validates every row, and only when all are valid writes the
 * shops in one transaction — created, updated where a value differs, unchanged otherwise; in full mode the
 * platform's shops the report no longer names are marked absent. Rows older than what is stored (a late
 * report) do not overwrite newer ones. Any row error: nothing is written, the report is stored as
 * rejected with its row-level errors for the platform to fetch. The same report id and content again
 * answers the stored outcome. After a committed report the register is reconciled.
 */
export async function submitPlatformReport(em: EntityManager, props: SubmitReportProps): Promise<PlatformReportOutcome> {
  checkReportId(props.reportId);
  checkMode(props.mode);
  const platform = await reportingPlatform(em);
  const now = new Date();
  const asOf = props.asOf ?? now;
  if (Number.isNaN(asOf.getTime())) throw new UserInputError('asOf is not a valid time', 'asOf');
  if (asOf.getTime() > now.getTime() + 5 * 60_000) throw new UserInputError('asOf lies in the future', 'asOf');

  const prior = await priorReport(em.fork(), platform, props);
  if (prior) {
    prior.platform = Reference.create(platform);
    return { report: prior, replayed: true, reconciliation: null };
  }

  const validator = new ReportRowValidator(shanghaiDate(now), props.maxRows);
  props.onProgress?.('validating', 0, 0);
  const loaded = (await props.load(validator)) ?? {};
  const warnings = [...(loaded.warnings ?? [])];
  if (validator.count === 0) throw new ImportFileError('the report holds no rows');
  props.onProgress?.('validating', validator.count, validator.count);

  const base = {
    platform, reportId: props.reportId, mode: props.mode, format: props.format, sha256: props.sha256, asOf, totalRows: validator.count,
  };
  if (validator.errors.length > 0) {
    const errors = [...validator.errors].sort((a, b) => a.row - b.row);
    const report = await runCommand(em, REPORT_OPERATION, async (tem) => {
      const r = tem.create(PlatformReport, {
        ...base, platform: tem.getReference(EcommercePlatform, platform.id), status: 'rejected', rejected: validator.rejectedRows,
        errors: errors.slice(0, STORED_REPORT_ERRORS), errorCount: errors.length, warnings,
      });
      return r;
    });
    report.errors = errors;
    report.platform = Reference.create(platform);
    return { report, replayed: false, reconciliation: null };
  }

  const report = await runCommand(em, REPORT_OPERATION, async (tem) => {
    const counts = await writeShops(tem, platform, validator.shops, props.mode, asOf, props.reportId, warnings, props.onProgress);
    return tem.create(PlatformReport, { ...base, platform: tem.getReference(EcommercePlatform, platform.id), status: 'committed', ...counts, warnings });
  });
  report.platform = Reference.create(platform);
  props.onProgress?.('reconciling', 0, 0);
  const reconciliation = await runAsSystem(`reconcile after report ${platform.code}/${props.reportId}`, () => reconcileRegister(em.fork()));
  props.onProgress?.('done', validator.count, validator.count);
  return { report, replayed: false, reconciliation };
}

/** Today's date in China (the calendar of the reports' dates). */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The region of a reported shop: the registered entity's of its USCC, else the county of the USCC's
 * division code when Shandong has it, else the province (the province bureau then assigns it).
 */
function regionOf(shop: ReportedShop, entities: Map<string, { regionCode: string }>): string {
  if (!shop.uscc) return '37';
  const entity = entities.get(shop.uscc);
  if (entity) return entity.regionCode;
  const division = shop.uscc.slice(2, 8);
  const catalog = regionCatalog();
  if (division.startsWith('37') && catalog.get(division)) return division;
  if (division.startsWith('37') && catalog.get(division.slice(0, 4))) return division.slice(0, 4);
  return '37';
}

const FIELDS = ['url', 'name', 'operatorName', 'uscc', 'address', 'contact', 'status', 'openedOn', 'closedOn'] as const;

async function writeShops(
  em: EntityManager,
  platform: EcommercePlatform,
  shops: ReportedShop[],
  mode: ReportMode,
  asOf: Date,
  reportId: string,
  warnings: string[],
  onProgress?: SubmitReportProps['onProgress'],
): Promise<{ created: number; updated: number; unchanged: number; absent: number }> {
  const counts = { created: 0, updated: 0, unchanged: 0, absent: 0 };
  const platformRef = em.getReference(EcommercePlatform, platform.id);
  let stale = 0;
  for (let start = 0; start < shops.length; start += CHUNK) {
    const chunk = shops.slice(start, start + CHUNK);
    const ids = chunk.map((s) => s.platformShopId);
    const usccs = [...new Set(chunk.map((s) => s.uscc).filter((u): u is string => u != null))];
    const urls = chunk.map((s) => s.url);
    const [stored, entities, byUrl, byShopId] = await Promise.all([
      em.find(PlatformShop, { platform: platformRef, platformShopId: { $in: ids } }),
      usccs.length > 0 ? em.find(OnlineEntity, { uscc: { $in: usccs } }, { fields: ['id', 'uscc', 'regionCode'] }) : Promise.resolve([]),
      em.find(Shop, { $or: [{ url: { $in: urls } }, { watchUrl: { $in: urls } }] }, { fields: ['id', 'url', 'watchUrl'] }),
      em.find(Shop, { platform: platform.name, platformShopId: { $in: ids } }, { fields: ['id', 'platformShopId'] }),
    ]);
    const storedById = new Map(stored.map((p) => [p.platformShopId, p]));
    const entityByUscc = new Map(entities.map((e) => [e.uscc, e]));
    const shopByUrl = new Map<string, { id: number }>();
    for (const s of byUrl) {
      shopByUrl.set(s.url, s);
      if (s.watchUrl) shopByUrl.set(s.watchUrl, s);
    }
    const shopByPlatformId = new Map<string, { id: number }>(byShopId.map((s) => [s.platformShopId!, s]));
    for (const row of chunk) {
      const values = {
        url: row.url, name: row.name, operatorName: row.operatorName, uscc: row.uscc, address: row.address, contact: row.contact,
        status: row.status, openedOn: row.openedOn, closedOn: row.closedOn,
      };
      const regionCode = regionOf(row, entityByUscc);
      const match = shopByUrl.get(row.url) ?? shopByPlatformId.get(row.platformShopId) ?? null;
      const existing = storedById.get(row.platformShopId);
      if (!existing) {
        em.create(PlatformShop, {
          platform: platformRef, platformShopId: row.platformShopId, ...values, regionCode,
          shop: match ? em.getReference(Shop, match.id) : null, firstReportedAt: asOf, lastReportedAt: asOf, lastReportId: reportId, absentSince: null,
        });
        counts.created++;
        continue;
      }
      if (existing.lastReportedAt.getTime() > asOf.getTime()) {
        stale++;
        counts.unchanged++;
        continue;
      }
      const changed = FIELDS.some((f) => (existing[f] ?? null) !== (values[f] ?? null)) || existing.regionCode !== regionCode || existing.absentSince != null;
      Object.assign(existing, values, { regionCode, lastReportedAt: asOf, lastReportId: reportId, absentSince: null });
      if (match && existing.shop?.id !== match.id) existing.shop = em.getReference(Shop, match.id, { wrapped: true });
      if (changed) counts.updated++;
      else counts.unchanged++;
    }
    await em.flush();
    em.clear();
    onProgress?.('writing', Math.min(start + CHUNK, shops.length), shops.length);
  }
  if (stale > 0) warnings.push(`${stale} rows are older than what the platform reported later: the newer values were kept`);
  if (mode === 'full') {
    // every row this report named carries its id now (or a newer report's time): the others are absent
    counts.absent = await em.nativeUpdate(
      PlatformShop,
      { platform: platformRef, absentSince: null, lastReportedAt: { $lte: asOf }, lastReportId: { $ne: reportId } },
      { absentSince: asOf },
    );
  }
  return counts;
}

/** The row errors of a report, for the error file (the stored ones: at most STORED_REPORT_ERRORS). */
export function reportErrors(report: PlatformReport): ReportRowError[] {
  return report.errors;
}
