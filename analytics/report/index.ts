/** Monthly statistical reports (月度统计报表, issue 7): the table, its renderers, storage and generation. */
export { REPORT_INDICATORS, REPORT_SECTIONS } from './indicators';
export { buildMonthlyTable, buildMonthlyTables, checkReportMonth, sameMonthLastYear, SUB_COLUMNS, type ReportCell, type ReportColumn, type ReportRow, type ReportRowKind, type ReportTable, type ReportValue } from './monthly-table';
export { reportEndOf, reportLabels, type ReportLang } from './labels';
export { renderXlsx, fixZipDates } from './render-xlsx';
export { renderHtml, reportCharts, stableSvg } from './render-html';
export { generateMonthlyReports, previousMonth, runMonthlyReportJob, tableJson, type MonthlyReportJobData, type GenerateReportsOptions, type GenerateReportsResult, type PdfPolicy } from './generate';
export { listReportFiles, MEDIA_TYPES, REPORT_FORMATS, reportFileById, type ReportFileRow, type ReportFormat } from './report-store';

/** The job name of the monthly report. */
export const MONTHLY_REPORT_JOB = 'monthly-report';

/**
 * A cron pattern, in this process's time zone, for 04:00 China time (UTC+8) on the first day of each month
 * (after the nightly metrics refresh at 02:30): `0 4 1 * *` in China time, `0 20 L * *` in UTC.
 */
export function chinaMonthStartCronAt(hour: number, now = new Date()): string {
  const offsetMin = -now.getTimezoneOffset();
  // minutes after local midnight of the 1st at which it is `hour`:00 on the 1st in China
  const at = hour * 60 - 8 * 60 + offsetMin;
  if (at >= 0 && at < 24 * 60) return `${at % 60} ${Math.floor(at / 60)} 1 * *`;
  if (at < 0) return `${(at + 24 * 60) % 60} ${Math.floor((at + 24 * 60) / 60)} L * *`;
  return `${(at - 24 * 60) % 60} ${Math.floor((at - 24 * 60) / 60)} 2 * *`;
}
