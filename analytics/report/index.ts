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

