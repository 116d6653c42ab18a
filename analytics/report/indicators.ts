/**
 * The standard indicator set of the monthly statistical report (月度统计报表): which catalog indicators
 * (analytics/metrics/catalog.ts) make its columns, in the order of the form, grouped by section. Names,
 * units and aggregation come from the catalog, so the report never redefines an indicator.
 */
import { metricByKey, type MetricDefinition } from '../metrics/catalog';

export interface ReportSection {
  key: string;
  nameZh: string;
  nameEn: string;
  keys: readonly string[];
}

/** The sections of the form and their indicators (19 indicators, 57 value columns). */
export const REPORT_SECTIONS: readonly ReportSection[] = Object.freeze([
  { key: 'register', nameZh: '建档维护', nameEn: 'Register', keys: ['shops_filed', 'shops_filed_new', 'filing_coverage'] },
  { key: 'patrols', nameZh: '日常巡查', nameEn: 'Patrols', keys: ['patrol_tasks_due', 'patrol_tasks_done', 'patrol_tasks_overdue', 'patrol_coverage'] },
  { key: 'findings', nameZh: '监测发现', nameEn: 'Findings', keys: ['findings', 'findings_high'] },
  { key: 'clues', nameZh: '线索处置', nameEn: 'Clues', keys: ['clues_received', 'clues_on_time'] },
  { key: 'cases', nameZh: '案件查办', nameEn: 'Cases', keys: ['cases_filed', 'cases_closed', 'case_fines'] },
  { key: 'complaints', nameZh: '投诉举报', nameEn: 'Complaints', keys: ['complaints_received', 'complaints_on_time', 'complaints_resolved'] },
  { key: 'office', nameZh: '日常办公', nameEn: 'Office work', keys: ['reports_submitted', 'login_compliance'] },
]);

/** The indicators of the form, in column order. */
export const REPORT_INDICATORS: readonly MetricDefinition[] = Object.freeze(
  REPORT_SECTIONS.flatMap((s) =>
    s.keys.map((key) => {
      const def = metricByKey(key);
      if (!def) throw new Error(`monthly report: indicator ${key} is not in the catalog`);
      return def;
    }),
  ),
);

/** The section of an indicator key. */
export function sectionOf(key: string): ReportSection {
  const s = REPORT_SECTIONS.find((x) => x.keys.includes(key));
  if (!s) throw new Error(`monthly report: ${key} is in no section`);
  return s;
}
