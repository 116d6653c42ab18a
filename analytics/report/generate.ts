/**
 * Generation of the monthly reports: for each unit, the table (buildMonthlyTable), its XLSX and HTML
 * (and PDF where Chromium is present and the unit is the province or a city — PDF rendering takes about
 * a second a page, for ~650 units that is too long for a monthly job's budget and the HTML prints the same),
 * each stored content-addressed in the evidence blob folder and recorded in `monthly_report`. Runs as the
 * current actor: the units must lie in its jurisdiction (the job runs as the system actor).
 */
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { BlobStore } from '../../kernel/blob-store';
import { coversJurisdiction, currentActor, Unit, UnitLevel } from '../../entities';
import { visibleUnit } from '../../services/clues/clue.queries';
import { UserInputError } from '../../services/errors';
import { runAsSystem } from '../../services/system-actor';
import { currentAndPreviousMonth, refreshMetrics } from '../metrics/rollup';
import { buildMonthlyTables, checkReportMonth, type ReportTable } from './monthly-table';

/** units whose tables are read together (three rollup reads per batch) */
const BATCH = 200;
import { openPdfPrinter, pdfAvailable, type PdfPrinter } from '../../services/files/pdf';
import { REPORT_PDF_LAYOUT } from './render-html';
import { renderHtml } from './render-html';
import { renderXlsx } from './render-xlsx';
import { dropReportFormats, type ReportFormat, saveReportFile } from './report-store';

/** When PDFs are made: `auto` — province and city units where Chromium is present; `all`; `none`. */
export type PdfPolicy = 'auto' | 'all' | 'none';

export interface GenerateReportsOptions {
  /** YYYY-MM, not in the future */
  month: string;
  /** the units (default: every unit the actor may see); `subtree` adds every unit below each */
  unitIds?: readonly (number | string)[] | null;
  subtree?: boolean;
  pdf?: PdfPolicy;
  /** the evidence blob folder (config.evidenceDir) */
  evidenceDir: string;
  /** why: `schedule`, `cli`, `api` … */
  trigger: string;
}

export interface GenerateReportsResult {
  month: string;
  units: number;
  files: number;
  pdfs: number;
  ms: number;
  /** milliseconds: reading the tables, rendering, storing */
  timings: { tables: number; render: number; pdf: number; store: number };
}

/** The canonical JSON of a table: its SHA-256 is the report's data digest. */
export function tableJson(table: ReportTable): string {
  return JSON.stringify(table);
}

/** The units a generation covers, in path order, each in the actor's jurisdiction (else NOT_FOUND). */
async function unitsFor(em: EntityManager, unitIds: readonly (number | string)[] | null | undefined, subtree: boolean): Promise<Unit[]> {
  if (!unitIds || unitIds.length === 0) {
    const { prefixes } = currentActor();
    return (await em.find(Unit, {}, { orderBy: { path: 'asc' } })).filter((u) => coversJurisdiction(prefixes, u.jurisdiction));
  }
  const given: Unit[] = [];
  for (const id of unitIds) given.push(await visibleUnit(em, id, 'unitId'));
  if (!subtree) return given;
  const paths = given.map((u) => u.path);
  const below = await em.find(Unit, { $or: paths.map((p) => ({ path: { $like: `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } })) }, { orderBy: { path: 'asc' } });
  const seen = new Set<number>();
  return below.filter((u) => !seen.has(u.id) && seen.add(u.id));
}

/** Builds, renders and stores the reports of `month` for the units asked for. */
export async function generateMonthlyReports(em: EntityManager, options: GenerateReportsOptions): Promise<GenerateReportsResult> {
  const started = Date.now();
  const month = checkReportMonth(options.month);
  const policy = options.pdf ?? 'auto';
  if (!['auto', 'all', 'none'].includes(policy)) throw new UserInputError('pdf: auto, all or none', 'pdf');
  const units = await unitsFor(em, options.unitIds, options.subtree === true);
  const store = new BlobStore(options.evidenceDir);
  const timings = { tables: 0, render: 0, pdf: 0, store: 0 };
  const wantsPdf = (u: Unit) => policy === 'all' || (policy === 'auto' && (u.level === UnitLevel.PROVINCE || u.level === UnitLevel.CITY));
  let printer: PdfPrinter | null = null;
  let files = 0;
  let pdfs = 0;
  try {
    for (let b = 0; b < units.length; b += BATCH) {
      const batch = units.slice(b, b + BATCH);
      let t = Date.now();
      const tables = await buildMonthlyTables(em, batch.map((u) => u.id), month);
      timings.tables += Date.now() - t;
      for (const unit of batch) {
        const table = tables.get(unit.id)!;
        t = Date.now();
        const json = Buffer.from(tableJson(table), 'utf8');
        const html = renderHtml(table);
        const out: { format: ReportFormat; bytes: Buffer }[] = [
          { format: 'json', bytes: json },
          { format: 'xlsx', bytes: await renderXlsx(table) },
          { format: 'html', bytes: Buffer.from(html, 'utf8') },
        ];
        timings.render += Date.now() - t;
        if (wantsPdf(unit) && pdfAvailable()) {
          t = Date.now();
          printer ??= await openPdfPrinter(REPORT_PDF_LAYOUT);
          // not byte-identical (a PDF carries its creation date): regenerated from the identical HTML
          out.push({ format: 'pdf', bytes: await printer.print(html) });
          pdfs += 1;
          timings.pdf += Date.now() - t;
        }
        t = Date.now();
        const digest = (await store.put(json)).sha256;
        await em.transactional(async (tem) => {
          for (const f of out) {
            const blob = f.format === 'json' ? { sha256: digest } : await store.put(f.bytes);
            await saveReportFile(tem as EntityManager, { unit, month, format: f.format, sha256: blob.sha256, sizeBytes: f.bytes.length, dataDigest: digest, trigger: options.trigger });
          }
          await dropReportFormats(tem as EntityManager, unit.id, month, out.map((f) => f.format));
        });
        files += out.length;
        timings.store += Date.now() - t;
      }
    }
  } finally {
    await printer?.close();
  }
  return { month, units: units.length, files, pdfs, ms: Date.now() - started, timings };
}

/** The month the scheduled job reports on: the previous China month. */
export function previousMonth(at?: Date): string {
  return currentAndPreviousMonth(at)[1];
}

/** What the `monthly-report` job takes: nothing (the scheduled run), or a month, a unit and its subtree (a queued regeneration). */
export interface MonthlyReportJobData {
  month?: string;
  unitId?: number | null;
  subtree?: boolean;
  trigger?: string;
}

/**
 * The job's work, as the named system actor. The scheduled run (no unit): refreshes the metrics of the
 * month (default the previous month) and generates every unit's report. A queued regeneration (a unit,
 * from `generateMonthlyReport` over a large subtree): that unit and its subtree from the rollup as it stands.
 */
export async function runMonthlyReportJob(orm: MikroORM, options: MonthlyReportJobData & { evidenceDir: string; pdf?: PdfPolicy }) {
  const month = options.month || previousMonth();
  checkReportMonth(month);
  const unitIds = options.unitId != null ? [options.unitId] : null;
  const refresh = unitIds ? null : await refreshMetrics(orm, month);
  const reports = await runAsSystem(`monthly report ${month}`, () =>
    generateMonthlyReports(orm.em.fork(), { month, unitIds, subtree: options.subtree === true, evidenceDir: options.evidenceDir, pdf: options.pdf, trigger: options.trigger ?? 'schedule' }),
  );
  return { refresh: refresh && { month, rows: refresh.rows, ms: refresh.ms }, reports };
}
