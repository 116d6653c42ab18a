/**
 * The monthly report as one self-contained HTML page (no script, no external resource): the standard
 * table with its merged header and three charts rendered on the server by ECharts to inline SVG (SSR,
 * animation off). Chinese by default (`lang="zh-CN"`), English labels with `lang: 'en'`.
 *
 * Deterministic: ECharts numbers the SVG classes and clip paths of each chart from a process-wide counter
 * (`zr<n>-cls-<k>`); they are renumbered per chart in order of appearance, so equal tables give equal bytes.
 */
import * as echarts from 'echarts';
import type { ReportColumn, ReportRow, ReportTable } from './monthly-table';
import { reportLabels, type ReportLang } from './labels';

const CHART_WIDTH = 960;
const CHART_HEIGHT = 360;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** 12,345 / 1,234.50 / 85.3 — the same text in every locale */
function formatNumber(x: number, digits: number): string {
  const [int, frac] = Math.abs(x).toFixed(digits).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

function formatValue(c: ReportColumn, v: number | null): string {
  if (v == null) return '—';
  if (c.aggregation === 'rate') return formatNumber(v, 1);
  return formatNumber(v, c.unit === '元' ? 2 : 0);
}

/** ECharts' per-process ids renumbered per chart: `zr7-cls-12` → `hd<chart>-<n>` in order of appearance. */
export function stableSvg(svg: string, chart: number): string {
  const seen = new Map<string, string>();
  return svg.replace(/zr\d+-(?:cls-\d+|[a-z]+\d+)/g, (token) => {
    let name = seen.get(token);
    if (!name) {
      name = `hd${chart}-${seen.size}`;
      seen.set(token, name);
    }
    return name;
  });
}

function renderChart(option: echarts.EChartsCoreOption, index: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return stableSvg(chart.renderToSVGString(), index);
  } finally {
    chart.dispose();
  }
}

/** The three charts of the report as SVG strings. */
export function reportCharts(table: ReportTable, lang: ReportLang = 'zh'): string[] {
  const L = reportLabels(lang);
  const rows = table.rows.filter((r) => r.kind === 'unit');
  const names = rows.map((r) => L.rowName(r));
  const col = (key: string) => table.columns.findIndex((c) => c.key === key);
  const grid = { left: 60, right: 30, top: 76, bottom: 90 };
  const xAxis = { type: 'category', data: names, axisLabel: { rotate: names.length > 6 ? 40 : 0, interval: 0, fontSize: 11 } };

  // 1. the month's workload by unit: patrol tasks due and done, complaints received
  const workKeys = ['patrol_tasks_due', 'patrol_tasks_done', 'complaints_received'];
  const work = renderChart(
    {
      title: { text: L.charts.work(table.month), left: 'center', textStyle: { fontSize: 15 } },
      legend: { top: 40, data: workKeys.map((k) => L.indicator(table.columns[col(k)])) },
      grid,
      xAxis,
      yAxis: { type: 'value' },
      series: workKeys.map((k) => ({ type: 'bar', name: L.indicator(table.columns[col(k)]), data: rows.map((r) => r.cells[col(k)].month.value ?? 0) })),
    },
    0,
  );
  // 2. the main rates by unit
  const rateKeys = ['filing_coverage', 'patrol_coverage', 'complaints_on_time'];
  const rates = renderChart(
    {
      title: { text: L.charts.rates(table.month), left: 'center', textStyle: { fontSize: 15 } },
      legend: { top: 40, data: rateKeys.map((k) => L.indicator(table.columns[col(k)])) },
      grid,
      xAxis,
      yAxis: { type: 'value', max: 100 },
      series: rateKeys.map((k) => ({
        type: 'bar',
        name: L.indicator(table.columns[col(k)]),
        data: rows.map((r) => (r.cells[col(k)].month.value == null ? 0 : Math.round(r.cells[col(k)].month.value! * 10) / 10)),
      })),
    },
    1,
  );
  // 3. the total's counts this month against the same month last year
  const counts = table.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.aggregation === 'sum' && c.time === 'flow' && c.unit !== '元');
  const yoy = renderChart(
    {
      title: { text: L.charts.yoy(table.month), left: 'center', textStyle: { fontSize: 15 } },
      legend: { top: 40, data: [L.charts.thisYear, L.charts.lastYear] },
      grid: { ...grid, bottom: 110 },
      xAxis: { type: 'category', data: counts.map(({ c }) => L.indicator(c)), axisLabel: { rotate: 35, interval: 0, fontSize: 11 } },
      yAxis: { type: 'value' },
      series: [
        { type: 'bar', name: L.charts.thisYear, data: counts.map(({ i }) => table.total.cells[i].month.value ?? 0) },
        { type: 'bar', name: L.charts.lastYear, data: counts.map(({ i }) => table.total.cells[i].lastYear.value ?? 0) },
      ],
    },
    2,
  );
  return [work, rates, yoy];
}

function rowHtml(table: ReportTable, row: ReportRow, lang: ReportLang): string {
  const L = reportLabels(lang);
  const cells = table.columns
    .map((c, i) => {
      const cell = row.cells[i];
      const last = `${lang === 'en' ? 'same month last year' : '上年同月'} ${formatValue(c, cell.lastYear.value)}`;
      const parts = c.aggregation === 'rate' ? ` data-numerator="${cell.month.numerator}" data-denominator="${cell.month.denominator ?? 0}"` : '';
      return `<td${parts}>${formatValue(c, cell.month.value)}</td><td>${formatValue(c, cell.ytd.value)}</td><td title="${esc(last)}">${esc(L.changeText(c, cell.change, cell.changePct))}</td>`;
    })
    .join('');
  const name = row.kind === 'total' ? L.total : L.rowName(row);
  return `<tr class="${row.kind}"><th scope="row">${esc(name)}</th>${cells}</tr>`;
}

const STYLE = `body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{text-align:center;font-size:22px;margin:0 0 8px}p.meta{margin:4px 0 16px}
table{border-collapse:collapse;font-size:12px}th,td{border:1px solid #999;padding:3px 6px}
thead th{background:#f2f2f2;text-align:center}thead th[scope=col]{white-space:nowrap}td{text-align:right;white-space:nowrap}tbody th{text-align:left;white-space:nowrap}
tr.total{font-weight:bold;background:#fafafa}tr.own th{font-style:italic}
.scroll{overflow-x:auto}.charts svg{display:block;margin:16px auto;max-width:100%;height:auto}
footer{font-size:11px;color:#555;margin-top:16px}footer p{margin:4px 0}
@media print{.scroll{overflow:visible}}`;

/** The page layout the HTML is printed to PDF in (services/files/pdf.ts): A3 landscape, as the wide table needs. */
export const REPORT_PDF_LAYOUT = { format: 'A3', landscape: true, printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } } as const;

/** The page of `table` (zh-CN by default). */
export function renderHtml(table: ReportTable, options: { lang?: ReportLang } = {}): string {
  const lang = options.lang ?? 'zh';
  const L = reportLabels(lang);
  const sections: { name: string; span: number }[] = [];
  for (const c of table.columns) {
    const last = sections.at(-1);
    if (last && last.name === L.section(c)) last.span += 3;
    else sections.push({ name: L.section(c), span: 3 });
  }
  const head = [
    `<tr><th rowspan="3" scope="col">${esc(L.unitColumn)}</th>${sections.map((s) => `<th colspan="${s.span}" scope="colgroup">${esc(s.name)}</th>`).join('')}</tr>`,
    `<tr>${table.columns.map((c) => `<th colspan="3" scope="colgroup" data-key="${esc(c.key)}">${esc(L.indicator(c))}（${esc(c.unit)}）</th>`).join('')}</tr>`,
    `<tr>${table.columns.map((c) => L.subColumns(c).map((s) => `<th scope="col">${esc(s)}</th>`).join('')).join('')}</tr>`,
  ].join('\n');
  const body = (table.rows.some((r) => r.kind === 'own') ? [...table.rows, table.total] : table.rows).map((r) => rowHtml(table, r, lang)).join('\n');
  const charts = reportCharts(table, lang);
  const title = `${L.title} — ${table.unit.nameZh} ${L.period(table.month)}`;
  return `<!DOCTYPE html>
<html lang="${L.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(L.titleQuoted)}</h1>
<p class="meta">${esc(L.unitLabel)}${esc(table.unit.nameZh)}　　${esc(L.periodLabel)}${esc(L.period(table.month))}　　${esc(L.ytdLabel)}${esc(L.range(table.ytdFrom, table.month))}</p>
<div class="scroll">
<table>
<thead>
${head}
</thead>
<tbody>
${body}
</tbody>
</table>
</div>
<section class="charts">
${charts.join('\n')}
</section>
<footer>
${L.footer(table).map((line) => `<p>${esc(line)}</p>`).join('\n')}
</footer>
</body>
</html>
`;
}
