/**
 * The stored monthly reports (`monthly_report`): writes of the generator and the reads of the API, all
 * SQL of the report in one place. Reads apply the access rule on `region_code` (the unit's region): a
 * report is visible to its unit and the units above it, NOT_FOUND-as-absent to everyone else.
 */
import { UserInputError } from '../../services/errors';
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor, jurisdictionSql, unitRegion, type Unit } from '../../entities';

export type ReportFormat = 'xlsx' | 'html' | 'pdf' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['xlsx', 'html', 'pdf', 'json'];

export const MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json',
};

/** One stored file of a report. */
export interface ReportFileRow {
  id: number;
  unitId: number;
  unitCode: string;
  unitName: string;
  /** YYYY-MM */
  month: string;
  format: ReportFormat;
  sha256: string;
  sizeBytes: number;
  dataDigest: string;
  generatedAt: Date;
  generatedBy: string;
  trigger: string;
}

interface RawRow {
  id: number;
  unit_id: number;
  unit_code: string;
  unit_name: string;
  month: string;
  format: ReportFormat;
  sha256: string;
  size_bytes: number;
  data_digest: string;
  generated_at: Date | string;
  generated_by: string;
  trigger: string;
}

const SELECT = `select r.id, r.unit_id, u.code as unit_code, u.name as unit_name, to_char(r.month, 'YYYY-MM') as month, r.format, r.sha256,
  r.size_bytes, r.data_digest, r.generated_at, r.generated_by, r.trigger from monthly_report r join unit u on u.id = r.unit_id`;

function toRow(r: RawRow): ReportFileRow {
  return {
    id: Number(r.id),
    unitId: Number(r.unit_id),
    unitCode: r.unit_code,
    unitName: r.unit_name,
    month: r.month,
    format: r.format,
    sha256: r.sha256,
    sizeBytes: Number(r.size_bytes),
    dataDigest: r.data_digest,
    generatedAt: new Date(r.generated_at),
    generatedBy: r.generated_by,
    trigger: r.trigger,
  };
}

/** Records (or replaces) the file of `unit`, `month` and `format`. */
export async function saveReportFile(
  em: EntityManager,
  file: { unit: Unit; month: string; format: ReportFormat; sha256: string; sizeBytes: number; dataDigest: string; trigger: string },
): Promise<void> {
  await em.execute(
    `insert into monthly_report (unit_id, region_code, month, format, sha256, size_bytes, data_digest, generated_at, generated_by, trigger)
     values (?, ?, ?::date, ?, ?, ?, ?, now(), ?, ?)
     on conflict (unit_id, month, format) do update set region_code = excluded.region_code, sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
       data_digest = excluded.data_digest, generated_at = excluded.generated_at, generated_by = excluded.generated_by, trigger = excluded.trigger`,
    [file.unit.id, unitRegion(file.unit), `${file.month}-01`, file.format, file.sha256, file.sizeBytes, file.dataDigest, currentActor().name.slice(0, 100), file.trigger.slice(0, 40)],
    'run',
  );
}

/** Removes a format the last generation did not write (e.g. a PDF where Chromium is gone), so no stale file stays listed. */
export async function dropReportFormats(em: EntityManager, unitId: number, month: string, keep: readonly ReportFormat[]): Promise<void> {
  await em.execute(`delete from monthly_report where unit_id = ? and month = ?::date and format <> all(?::text[])`, [unitId, `${month}-01`, `{${keep.join(',')}}`], 'run');
}

/** The most report files one listing returns (a month of the whole province is 655 units × 4 formats). */
export const MAX_REPORT_FILES = 20_000;

/** The visible report files of `month` for the units of the subtree at `path` (all visible ones without), by unit path. */
export async function listReportFiles(em: EntityManager, filter: { month?: string | null; path?: string | null; unitId?: number | null }): Promise<ReportFileRow[]> {
  const scope = jurisdictionSql('r.region_code');
  const where: string[] = [scope.sql];
  const params: unknown[] = [...scope.params];
  if (filter.month) {
    where.push('r.month = ?::date');
    params.push(`${filter.month}-01`);
  }
  if (filter.path) {
    where.push(`u.path like ? || '%'`);
    params.push(filter.path.replace(/[\\%_]/g, (c) => `\\${c}`));
  }
  if (filter.unitId != null) {
    where.push('r.unit_id = ?');
    params.push(filter.unitId);
  }
  const rows = await em.execute<RawRow[]>(`${SELECT} where ${where.join(' and ')} order by r.month desc, u.path, r.format limit ${MAX_REPORT_FILES + 1}`, params);
  if (rows.length > MAX_REPORT_FILES) {
    throw new UserInputError(`month: more than ${MAX_REPORT_FILES} report files match; name a month, or a unit lower in the tree`, 'month');
  }
  return rows.map(toRow);
}

/** One visible report file by id, or null (absent and outside the jurisdiction look the same). */
export async function reportFileById(em: EntityManager, id: number): Promise<ReportFileRow | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const scope = jurisdictionSql('r.region_code');
  const [row] = await em.execute<RawRow[]>(`${SELECT} where r.id = ? and ${scope.sql}`, [id, ...scope.params]);
  return row ? toRow(row) : null;
}
