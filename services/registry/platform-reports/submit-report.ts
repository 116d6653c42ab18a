import { Reference } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AccessDeniedError,
  currentActor,
  EcommercePlatform,
  PlatformReport,
  PlatformShop,
} from '../../../entities';
import { runCommand } from '../../command';
import { ConflictError, UserInputError } from '../../errors';
import { runAsSystem } from '../../system-actor';
import { ImportFileError } from '../import/read-register-file';
import { reconcileRegister, type ReconcileSummary } from './reconcile';
import { type ReportedShop, ReportRowValidator } from './report-rows';

/** Most row errors stored with a rejected report (the count of all is kept beside them). */
export const STORED_REPORT_ERRORS = 10_000;
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

/** Rows written per statement. */
const WRITE_CHUNK = 5000;

/**
 * Upserts one chunk of reported shops in one statement and counts what it did. In SQL, so a report of
 * 100,000 shops is a few statements, not a unit of work of 100,000 entities:
 * - the region: the registered entity's of the USCC, else the county (or city) of the USCC's division code
 *   when Shandong has it, else the province (the province bureau then assigns it);
 * - the register's shop it is: same URL (or watched URL), else same platform and platform shop id;
 * - a row older than the stored one (a late report) is not written (the newer values are kept);
 * - created / updated (a value differs) / unchanged, from the stored values before the statement.
 * Every region it writes lies in the province, the reporting key's jurisdiction.
 */
const UPSERT_SQL = `with input as (
    select * from jsonb_to_recordset(?::jsonb) as t(platform_shop_id text, url text, name text, operator_name text, uscc text,
      address text, contact text, status text, opened_on text, closed_on text)
  ), resolved as (
    select i.*, coalesce(e.region_code, r6.code, r4.code, '37') as region_code,
      coalesce((select s.id from shop s where s.url = i.url limit 1), (select s.id from shop s where s.watch_url = i.url limit 1),
               (select s.id from shop s where s.platform_shop_id = i.platform_shop_id and s.platform = ? order by s.id limit 1)) as shop_id
    from input i
    left join online_entity e on e.uscc = i.uscc
    left join region r6 on i.uscc like '__37%' and r6.code = substr(i.uscc, 3, 6)
    left join region r4 on i.uscc like '__37%' and r4.code = substr(i.uscc, 3, 4)
  ), old as (
    select p.platform_shop_id, jsonb_build_array(p.url, p.name, p.operator_name, p.uscc, p.address, p.contact, p.status::text,
      p.opened_on::text, p.closed_on::text, p.region_code, p.absent_since is null) as v
    from platform_shop p where p.platform_id = ? and p.platform_shop_id in (select platform_shop_id from input)
  ), up as (
    insert into platform_shop as p (platform_id, platform_shop_id, url, name, operator_name, uscc, address, contact, status, opened_on, closed_on,
      region_code, shop_id, first_reported_at, last_reported_at, last_report_id, absent_since)
    select ?, platform_shop_id, url, name, operator_name, uscc, address, contact, status::platform_shop_status, opened_on::date, closed_on::date,
      region_code, shop_id, ?, ?, ?, null from resolved
    on conflict (platform_id, platform_shop_id) do update set url = excluded.url, name = excluded.name, operator_name = excluded.operator_name,
      uscc = excluded.uscc, address = excluded.address, contact = excluded.contact, status = excluded.status, opened_on = excluded.opened_on,
      closed_on = excluded.closed_on, region_code = excluded.region_code, shop_id = coalesce(excluded.shop_id, p.shop_id),
      last_reported_at = excluded.last_reported_at, last_report_id = excluded.last_report_id, absent_since = null
    where p.last_reported_at <= excluded.last_reported_at
    returning p.platform_shop_id, (xmax = 0) as inserted, jsonb_build_array(p.url, p.name, p.operator_name, p.uscc, p.address, p.contact,
      p.status::text, p.opened_on::text, p.closed_on::text, p.region_code, true) as v
  )
  select count(*) filter (where up.inserted)::int as created,
         count(*) filter (where not up.inserted and old.v is distinct from up.v)::int as updated,
         count(*) filter (where not up.inserted and old.v is not distinct from up.v)::int as unchanged,
         count(*)::int as written
  from up left join old using (platform_shop_id)`;

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
  let stale = 0;
  for (let start = 0; start < shops.length; start += WRITE_CHUNK) {
    const chunk = shops.slice(start, start + WRITE_CHUNK);
    const input = chunk.map((r) => ({
      platform_shop_id: r.platformShopId, url: r.url, name: r.name, operator_name: r.operatorName, uscc: r.uscc, address: r.address,
      contact: r.contact, status: r.status, opened_on: r.openedOn, closed_on: r.closedOn,
    }));
    const [done] = await em.execute<{ created: number; updated: number; unchanged: number; written: number }[]>(UPSERT_SQL, [
      JSON.stringify(input), platform.name, platform.id, platform.id, asOf, asOf, reportId,
    ]);
    counts.created += done.created;
    counts.updated += done.updated;
    counts.unchanged += done.unchanged;
    stale += chunk.length - done.written;
    onProgress?.('writing', Math.min(start + WRITE_CHUNK, shops.length), shops.length);
  }
  counts.unchanged += stale;
  if (stale > 0) warnings.push(`${stale} rows are older than what the platform reported later: the newer values were kept`);
  if (mode === 'full') {
    // every row this report named carries its id now (or a newer report's time): the others are absent
    counts.absent = await em.nativeUpdate(
      PlatformShop,
      { platform: platform.id, absentSince: null, lastReportedAt: { $lte: asOf }, lastReportId: { $ne: reportId } },
      { absentSince: asOf },
    );
  }
  return counts;
}
