/**
 * The API's reads of the stored monthly reports: files grouped into reports (unit × month), the stored
 * table of one report, under the access rule (a unit outside the caller's jurisdiction is NOT_FOUND; rows
 * are scoped on their region).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { BlobStore } from '../../kernel/blob-store';
import { visibleUnit } from '../../services/clues/clue.queries';
import { UserInputError } from '../../services/errors';
import { checkReportMonth, type ReportTable } from './monthly-table';
import { listReportFiles, type ReportFileRow, type ReportFormat } from './report-store';

export interface ReportFileView {
  id: number;
  format: ReportFormat;
  sha256: string;
  sizeBytes: number;
  url: string;
  generatedAt: Date;
  generatedBy: string;
  trigger: string;
}

export interface MonthlyReportView {
  id: string;
  unitId: number;
  unitCode: string;
  unitName: string;
  month: string;
  dataDigest: string;
  generatedAt: Date;
  files: ReportFileView[];
  table?: ReportTable | null;
}

/** The download path of a stored file. */
export const reportFileUrl = (f: { id: number; format: string }) => `/reports/${f.id}.${f.format}`;

function group(rows: ReportFileRow[]): MonthlyReportView[] {
  const out = new Map<string, MonthlyReportView>();
  for (const r of rows) {
    const id = `${r.unitId}:${r.month}`;
    let report = out.get(id);
    if (!report) {
      report = { id, unitId: r.unitId, unitCode: r.unitCode, unitName: r.unitName, month: r.month, dataDigest: r.dataDigest, generatedAt: r.generatedAt, files: [] };
      out.set(id, report);
    }
    if (r.generatedAt > report.generatedAt) report.generatedAt = r.generatedAt;
    report.files.push({ id: r.id, format: r.format, sha256: r.sha256, sizeBytes: r.sizeBytes, url: reportFileUrl(r), generatedAt: r.generatedAt, generatedBy: r.generatedBy, trigger: r.trigger });
  }
  return [...out.values()];
}

/**
 * The reports of `month` (optional: every month, newest first) of the unit `unitId` and the units below it
 * (default: the caller's own unit and below; everything visible for a system caller), as the caller may see them.
 */
export async function listMonthlyReports(em: EntityManager, filter: { month?: string | null; unitId?: string | number | null; ownUnitId?: number | null }): Promise<MonthlyReportView[]> {
  const month = filter.month == null || filter.month === '' ? null : checkReportMonth(filter.month);
  const unitId = filter.unitId ?? filter.ownUnitId ?? null;
  const unit = unitId == null || unitId === '' ? null : await visibleUnit(em, unitId, 'unitId');
  return group(await listReportFiles(em, { month, path: unit?.path ?? null }));
}

/** The report of `unitId` and `month` with its stored table, or null when none was generated. */
export async function getMonthlyReport(em: EntityManager, unitId: string | number, month: string, evidenceDir: string): Promise<MonthlyReportView | null> {
  checkReportMonth(month);
  const unit = await visibleUnit(em, unitId, 'unitId');
  const [report] = group(await listReportFiles(em, { month, unitId: unit.id }));
  if (!report) return null;
  const json = report.files.find((f) => f.format === 'json');
  if (!json) throw new UserInputError(`the report of ${unit.code} for ${month} has no table: regenerate it`, 'unitId');
  const bytes = await new BlobStore(evidenceDir).read(json.sha256, { verify: true });
  return { ...report, table: JSON.parse(Buffer.from(bytes).toString('utf8')) as ReportTable };
}
