/**
 * The monthly report as an XLSX workbook (exceljs), laid out as statistical forms are: the title
 * 《网络市场监管月度统计报表》, the reporting unit and period, a three-row header (section, indicator
 * merged over its three sub-columns, then 本月 / 本年累计 / 同比), number formats per unit, frozen panes,
 * and a footer (填报单位, 统计口径, the data note).
 *
 * Byte-identical when regenerated from the same table: the workbook's created/modified dates are the end
 * of the reported month, and exceljs's zip (JSZip, which stamps every entry with the current time) is
 * rewritten with that same fixed date on every entry, in the same order and compression.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { ReportCell, ReportColumn, ReportRow, ReportTable } from './monthly-table';
import { reportEndOf, reportLabels, type ReportLang } from './labels';

const COUNT_FORMAT = '#,##0';
const AMOUNT_FORMAT = '#,##0.00';
const RATE_FORMAT = '0.0';
const PCT_CHANGE_FORMAT = '+0.0"%";-0.0"%";0.0"%"';
const PP_CHANGE_FORMAT = '+0.0;-0.0;0.0';
const DASH = '—';

function valueFormat(c: ReportColumn): string {
  if (c.aggregation === 'rate') return RATE_FORMAT;
  return c.unit === '元' ? AMOUNT_FORMAT : COUNT_FORMAT;
}

const thin = { style: 'thin' as const, color: { argb: 'FF808080' } };
const BORDER = { top: thin, left: thin, bottom: thin, right: thin };

/** The workbook of `table` as bytes (zh-CN by default). */
export async function renderXlsx(table: ReportTable, options: { lang?: ReportLang } = {}): Promise<Buffer> {
  const L = reportLabels(options.lang ?? 'zh');
  const fixed = reportEndOf(table.month);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Hongdun 红盾';
  wb.lastModifiedBy = 'Hongdun 红盾';
  wb.created = fixed;
  wb.modified = fixed;
  wb.lastPrinted = fixed;
  wb.title = `${L.title} ${table.unit.nameZh} ${table.month}`;
  const ws = wb.addWorksheet(L.sheet, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 5, activeCell: 'B6' }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const nCols = 1 + table.columns.length * 3;
  ws.getColumn(1).width = 30;
  for (let i = 2; i <= nCols; i++) ws.getColumn(i).width = 11;

  // title and reporting unit / period
  ws.mergeCells(1, 1, 1, nCols);
  const title = ws.getCell(1, 1);
  title.value = L.titleQuoted;
  title.font = { name: 'SimSun', size: 16, bold: true };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 28;
  ws.mergeCells(2, 1, 2, nCols);
  const sub = ws.getCell(2, 1);
  sub.value = `${L.unitLabel}${table.unit.nameZh}　　${L.periodLabel}${L.period(table.month)}　　${L.ytdLabel}${L.range(table.ytdFrom, table.month)}`;
  sub.alignment = { horizontal: 'left', vertical: 'middle' };

  // header: section (row 3), indicator merged over its three sub-columns (row 4), sub-columns (row 5)
  ws.mergeCells(3, 1, 5, 1);
  ws.getCell(3, 1).value = L.unitColumn;
  let col = 2;
  let sectionStart = 2;
  table.columns.forEach((c, i) => {
    ws.mergeCells(4, col, 4, col + 2);
    ws.getCell(4, col).value = `${L.indicator(c)}（${c.unit}）`;
    L.subColumns(c).forEach((name, k) => (ws.getCell(5, col + k).value = name));
    const next = table.columns[i + 1];
    if (!next || next.sectionKey !== c.sectionKey) {
      ws.mergeCells(3, sectionStart, 3, col + 2);
      ws.getCell(3, sectionStart).value = L.section(c);
      sectionStart = col + 3;
    }
    col += 3;
  });
  for (let r = 3; r <= 5; r++) {
    const row = ws.getRow(r);
    row.height = r === 4 ? 42 : 20;
    for (let c = 1; c <= nCols; c++) {
      const cell = row.getCell(c);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    }
  }

  // body: the rows, then 合计 (units with children)
  const body: ReportRow[] = table.rows.some((r) => r.kind === 'own') ? [...table.rows, table.total] : table.rows;
  let r = 6;
  for (const row of body) {
    const out = ws.getRow(r);
    out.getCell(1).value = row.kind === 'total' ? L.total : L.rowName(row);
    table.columns.forEach((c, i) => {
      const cell: ReportCell = row.cells[i];
      const base = 2 + i * 3;
      const v = out.getCell(base);
      v.value = cell.month.value ?? DASH;
      v.numFmt = valueFormat(c);
      const y = out.getCell(base + 1);
      y.value = cell.ytd.value ?? DASH;
      y.numFmt = valueFormat(c);
      const ch = out.getCell(base + 2);
      const change = c.aggregation === 'rate' ? cell.change : cell.changePct;
      ch.value = change ?? DASH;
      ch.numFmt = c.aggregation === 'rate' ? PP_CHANGE_FORMAT : PCT_CHANGE_FORMAT;
    });
    for (let k = 1; k <= nCols; k++) {
      const cell = out.getCell(k);
      cell.border = BORDER;
      if (k > 1) cell.alignment = { horizontal: typeof cell.value === 'string' ? 'center' : 'right' };
      if (row.kind === 'total') cell.font = { bold: true };
    }
    r += 1;
  }

  // footer
  r += 1;
  for (const line of L.footer(table)) {
    ws.mergeCells(r, 1, r, nCols);
    const cell = ws.getCell(r, 1);
    cell.value = line;
    cell.alignment = { horizontal: 'left', vertical: 'top', wrapText: true };
    cell.font = { size: 9 };
    r += 1;
  }
  // stored uncompressed by exceljs: fixZipDates compresses once
  const bytes = Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } } as unknown as ExcelJS.XlsxWriteOptions));
  return fixZipDates(bytes, fixed);
}

/**
 * The same zip with every entry dated `date` (JSZip writes DOS dates in UTC): entries in their order,
 * folders as folders, DEFLATE at JSZip's default level, so equal content gives equal bytes.
 */
export async function fixZipDates(bytes: Buffer, date: Date): Promise<Buffer> {
  const source = await JSZip.loadAsync(bytes);
  const out = new JSZip();
  for (const entry of Object.values(source.files)) {
    if (entry.dir) out.file(entry.name, null, { dir: true, date, createFolders: false });
    else out.file(entry.name, await entry.async('uint8array'), { date, createFolders: false });
  }
  return out.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'DOS' });
}
