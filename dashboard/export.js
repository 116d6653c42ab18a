// @ts-check
/** Export of a chart as PNG (ECharts getDataURL) and of its data as CSV (UTF-8 with BOM, for Excel). */

/** RFC 4180 quoting. @param {unknown} v */
function cell(v) {
  const s = v == null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @param {string[]} header @param {unknown[][]} rows */
export function toCsv(header, rows) {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** @param {string} href @param {string} fileName */
function download(href, fileName) {
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

/** @param {string} fileName @param {string} csv */
export function downloadCsv(fileName, csv) {
  const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
  download(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** @param {string} fileName @param {any} chart an ECharts instance */
export function downloadPng(fileName, chart) {
  download(chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }), fileName);
}

/** Saves bytes fetched from the API under a file name. @param {string} fileName @param {Blob} blob */
export function downloadBlob(fileName, blob) {
  const url = URL.createObjectURL(blob);
  download(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
