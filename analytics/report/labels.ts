/**
 * The words of the monthly report in Chinese (the form as filed) and English (`lang: 'en'`), in one
 * place for the XLSX and HTML renderers, and the fixed moment the files are dated with.
 */
import type { ReportColumn, ReportRow, ReportTable } from './monthly-table';

export type ReportLang = 'zh' | 'en';

/** The end of `month` (YYYY-MM): the first instant of the next month, China time — the files' date. */
export function reportEndOf(month: string): Date {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return new Date(`${next}-01T00:00:00+08:00`);
}

const ZH = {
  lang: 'zh-CN',
  title: '网络市场监管月度统计报表',
  titleQuoted: '《网络市场监管月度统计报表》',
  sheet: '月度统计报表',
  unitLabel: '填报单位：',
  periodLabel: '报告期：',
  ytdLabel: '累计期：',
  unitColumn: '单位',
  total: '合计',
  period: (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`,
  range: (from: string, to: string) => `${from.slice(0, 4)}年${Number(from.slice(5, 7))}月至${Number(to.slice(5, 7))}月`,
  indicator: (c: ReportColumn) => c.nameZh,
  section: (c: ReportColumn) => c.sectionZh,
  subColumns: (c: ReportColumn) => ['本月', '本年累计', c.aggregation === 'rate' ? '同比（百分点）' : '同比（%）'],
  rowName: (r: ReportRow) => r.nameZh,
  footer: (t: ReportTable) => [
    `填报单位：${t.unit.nameZh}（${t.unit.code}）　　报告期：${ZH.period(t.month)}　　上年同期：${ZH.period(t.lastYearMonth)}`,
    '统计口径：本月为报告期当月数；本年累计为当年1月至报告期（存量指标“已建档网店数”“建档率”为报告期末数）；比率类指标的累计与合计按分子、分母分别加总后相除；' +
      '同比：数量指标为与上年同月相比的增减百分比（上年同月为0时记“—”），比率指标为增减的百分点；合计为本单位及所属单位全部数据，等于各下级单位与本级之和。',
    '数据来源：平台指标月度汇总（各指标口径见指标目录）。本表依据汇总数据自动生成，数据未变时重新生成的文件内容相同。',
  ],
  charts: {
    work: (month: string) => `巡查与投诉工作量（${ZH.period(month)}，按单位）`,
    rates: (month: string) => `主要比率指标（${ZH.period(month)}，%）`,
    yoy: (month: string) => `本月与上年同月对比（${ZH.period(month)}）`,
    thisYear: '本月',
    lastYear: '上年同月',
  },
  changeText: (c: ReportColumn, change: number | null, pct: number | null) =>
    c.aggregation === 'rate'
      ? change == null ? '—' : `${signed(change, 1)}个百分点`
      : pct == null ? (change ? `${signed(change, c.unit === '元' ? 2 : 0)}（—）` : '—') : `${signed(change ?? 0, c.unit === '元' ? 2 : 0)}（${signed(pct, 1)}%）`,
};

const EN: typeof ZH = {
  lang: 'en',
  title: 'Monthly statistical report of online market supervision',
  titleQuoted: 'Monthly statistical report of online market supervision',
  sheet: 'Monthly report',
  unitLabel: 'Reporting unit: ',
  periodLabel: 'Period: ',
  ytdLabel: 'Year to date: ',
  unitColumn: 'Unit',
  total: 'Total',
  period: (month: string) => month,
  range: (from: string, to: string) => `${from} to ${to}`,
  indicator: (c: ReportColumn) => c.nameEn,
  section: (c: ReportColumn) => c.sectionEn,
  subColumns: (c: ReportColumn) => ['Month', 'Year to date', c.aggregation === 'rate' ? 'vs. last year (pp)' : 'vs. last year (%)'],
  rowName: (r: ReportRow) => r.nameEn,
  footer: (t: ReportTable) => [
    `Reporting unit: ${t.unit.nameZh} (${t.unit.code}). Period: ${t.month}; same month last year: ${t.lastYearMonth}.`,
    'Month: the figures of the month; year to date: January to the month (stocks — shops filed, filing coverage — at the end of the month); rates in totals and ' +
      'years divide the summed numerators by the summed denominators; vs. last year: percent change for counts ("—" when last year is 0), percentage points for rates; ' +
      'the total is the whole subtree: the child units plus the unit\'s own row.',
    'Source: the platform\'s monthly metrics rollup (see the indicator catalog for each formula). Generated from the data: regenerating over unchanged data gives identical files.',
  ],
  charts: {
    work: (month: string) => `Patrols and complaints (${month}, by unit)`,
    rates: (month: string) => `Main rates (${month}, %)`,
    yoy: (month: string) => `This month against the same month last year (${month})`,
    thisYear: 'This month',
    lastYear: 'Same month last year',
  },
  changeText: (c: ReportColumn, change: number | null, pct: number | null) =>
    c.aggregation === 'rate'
      ? change == null ? '—' : `${signed(change, 1)} pp`
      : pct == null ? (change ? `${signed(change, c.unit === '元' ? 2 : 0)} (—)` : '—') : `${signed(change ?? 0, c.unit === '元' ? 2 : 0)} (${signed(pct, 1)}%)`,
};

function signed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return x > 0 ? `+${s}` : s;
}

/** The words in `lang`. */
export function reportLabels(lang: ReportLang) {
  return lang === 'en' ? EN : ZH;
}
