// @ts-check
/**
 * The monthly report view (月报): the reports of the unit and the units below with their files (downloaded with the
 * token), a preview of one report's table (its stored JSON), and the form to generate a month's reports for those
 * holding `reports:generate`. One GraphQL request.
 */
import { fetchFile, gql } from '../api.js';
import { formatValue, shortName } from '../charts.js';
import { downloadBlob } from '../export.js';
import { currentLang, t } from '../i18n.js';
import { addMonths, chinaMonth, isMonth } from '../metrics.js';
import { REPORT_LEVELS, UNIT_CHAIN, go, hrefOf, state } from '../state.js';
import { $, card, crumbs, esc, locale, main, monthPicker, mount, showBanner, when } from '../ui.js';

/** @typedef {import('../state.js').Route} Route */

/** The level of a unit by its code (the report list has codes only): 37 province, 3701 city, 370102 county, else a station (370102-S01). @param {string} code */
export function levelOfCode(code) {
  return /^\d{2}$/.test(code) ? 'PROVINCE' : /^\d{4}$/.test(code) ? 'CITY' : /^\d{6}$/.test(code) ? 'COUNTY' : 'STATION';
}

/** A search text as compared: width-folded, without spaces, lower case. @param {string} s */
export const searchKey = (s) => s.normalize('NFKC').replace(/[\s\u3000]+/gu, '').toLowerCase();

/** the months the month filter offers: the last three years, newest first (and the month shown, if older) @param {string | null} shown */
export function reportMonths(shown) {
  const months = Array.from({ length: 36 }, (_, i) => addMonths(chinaMonth(), -i));
  if (shown && !months.includes(shown)) months.push(shown);
  return months;
}

/** The filter bar of the report view: the month (the API's; empty: every month), the search and the level (in the page). @param {Route} r */
export function reportFilters(r) {
  const canGenerate = !!state.session?.me.permissions.includes('reports:generate');
  const months = reportMonths(r.month)
    .map((m) => `<option value="${esc(m)}"${m === r.month ? ' selected' : ''}>${esc(m)}</option>`)
    .join('');
  const levels = REPORT_LEVELS.map((l) => `<option value="${l}"${r.rlevel === l ? ' selected' : ''}>${esc(t(/** @type {any} */ (`reportLevel${l}`)))}</option>`).join('');
  return `<form class="filters" id="filters" role="search">
      <label>${esc(t('reportMonth'))}<select name="month" id="report-month"><option value=""${r.month ? '' : ' selected'}>${esc(t('allMonths'))}</option>${months}</select></label>
      <label>${esc(t('reportSearch'))}<input type="search" name="q" id="report-search" value="${esc(r.q ?? '')}" placeholder="${esc(t('reportSearchPlaceholder'))}" autocomplete="off" size="18"></label>
      <label>${esc(t('reportLevel'))}<select name="rlevel" id="report-level"><option value="">${esc(t('reportLevelAll'))}</option>${levels}</select></label>
      <button type="button" id="report-clear">${esc(t('reportClear'))}</button>
    </form>${
      canGenerate
        ? `<form class="filters" id="generate-form">
      <label>${esc(t('generateMonth'))}${monthPicker('month', r.month ?? addMonths(chinaMonth(), -1), { id: 'generate-month', max: chinaMonth() })}</label>
      <label class="check"><input type="checkbox" name="subtree" id="generate-subtree">${esc(t('generateSubtree'))}</label>
      <button type="submit" id="generate-report">${esc(t('generateReport'))}</button>
    </form>`
        : ''
    }<nav class="crumbs" id="crumbs"></nav>`;
}

export const GENERATE_REPORT = `mutation DashboardGenerateReport($month: String!, $unitId: ID!, $subtree: Boolean) {
  generateMonthlyReport(month: $month, unitId: $unitId, subtree: $subtree) { month units files ms queued }
}`;

/**
 * The month asks the API again; the search and the level filter the list in the page at once (`onFilter`, given
 * once the list is drawn), kept in the URL without a new request. @param {Route} r
 * @param {(q: string | null, rlevel: string | null) => void} [onFilter]
 */
export function bindReportFilters(r, onFilter) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  const current = () => {
    const d = new FormData(form);
    const q = String(d.get('q') ?? '').trim().slice(0, 100) || null;
    const level = String(d.get('rlevel') ?? '');
    return { q, rlevel: REPORT_LEVELS.includes(level) ? level : null };
  };
  const filter = () => {
    const { q, rlevel } = current();
    if (onFilter) onFilter(q, rlevel);
    else go({ ...r, q, rlevel });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    filter();
  });
  $('#report-search').addEventListener('input', filter);
  $('#report-level').addEventListener('change', filter);
  $('#report-month').addEventListener('change', () => {
    const month = /** @type {HTMLSelectElement} */ ($('#report-month')).value;
    go({ ...r, ...current(), month: isMonth(month) ? month : null, rep: null });
  });
  $('#report-clear').addEventListener('click', () => {
    /** @type {HTMLInputElement} */ ($('#report-search')).value = '';
    /** @type {HTMLSelectElement} */ ($('#report-level')).value = '';
    filter();
  });
  const generate = /** @type {HTMLFormElement | null} */ (document.querySelector('#generate-form'));
  generate?.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const d = new FormData(generate);
    const month = String(d.get('month') ?? '');
    const button = /** @type {HTMLButtonElement} */ ($('#generate-report'));
    button.disabled = true;
    button.textContent = t('generating');
    try {
      const res = (await gql(GENERATE_REPORT, { month, unitId: r.unit, subtree: d.get('subtree') === 'on' })).generateMonthlyReport;
      state.noticeNext = t(res.queued ? 'generatedQueued' : 'generated')
        .replace('{month}', res.month)
        .replace('{units}', String(res.units))
        .replace('{files}', String(res.files))
        .replace('{ms}', String(res.ms));
      go({ ...r, ...current(), month: res.month, rep: null });
    } catch (e) {
      button.disabled = false;
      button.textContent = t('generateReport');
      showBanner(e, 'error', t('error'));
    }
  });
}

export const REPORT_CELL = 'month { value } ytd { value } lastYear { value } change';
export const REPORT_ROW = `kind unitId code nameZh nameEn cells { ${REPORT_CELL} }`;
export const REPORTS = `query DashboardReports($id: ID!, $month: String, $repUnit: ID!, $repMonth: String!, $withRep: Boolean!) {
  ${UNIT_CHAIN}
  monthlyReports(unitId: $id, month: $month) { id unitId unitCode unitName month dataDigest generatedAt files { id format sha256 sizeBytes url generatedAt generatedBy trigger } }
  preview: monthlyReport(unitId: $repUnit, month: $repMonth) @include(if: $withRep) {
    id unitId unitCode unitName month
    table { month lastYearMonth ytdFrom columns { key nameZh nameEn unit aggregation sectionZh sectionEn } rows { ${REPORT_ROW} } total { ${REPORT_ROW} } }
  }
}`;
export const FORMAT_ORDER = ['xlsx', 'html', 'pdf', 'json'];

/**
 * The monthly reports of the unit and the units below it: the list with each stored file's download (fetched
 * with the token: the files are served to those who may see the report only), and a preview of one report's
 * table as stored (its JSON, rendered here). One request. @param {Route} r @param {number} seq
 */
export async function renderReports(r, seq) {
  if (!state.session || !r.unit) return;
  const [repUnit, repMonth] = r.rep ? r.rep.split(':') : [r.unit, chinaMonth()];
  const data = await gql(REPORTS, { id: r.unit, month: r.month, repUnit, repMonth, withRep: !!r.rep });
  if (seq !== state.renderSeq) return;
  const zh = currentLang() === 'zh';
  /** @type {any[]} */
  const reports = data.monthlyReports;
  // the search and the level filter, applied here (the API filters by month only); `cur` is the route as shown
  let cur = r;
  const matches = (/** @type {any} */ x, /** @type {Route} */ at) => (!at.rlevel || levelOfCode(x.unitCode) === at.rlevel) && (!at.q || searchKey(`${x.unitCode} ${x.unitName}`).includes(searchKey(at.q)));
  const shows = (/** @type {any} */ x) => matches(x, cur);
  const countText = (/** @type {number} */ n) => t('reportShown').replace('{n}', formatValue(n, '', locale())).replace('{total}', formatValue(reports.length, '', locale()));
  const size = (/** @type {number} */ n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  const rows = reports
    .map((x) => {
      const files = [...x.files].map((f) => ({ ...f, ext: String(f.format).toLowerCase() })).sort((a, b) => FORMAT_ORDER.indexOf(a.ext) - FORMAT_ORDER.indexOf(b.ext));
      const level = levelOfCode(x.unitCode);
      return `<tr data-report="${esc(x.id)}" data-unit="${esc(x.unitId)}" data-month="${esc(x.month)}" data-level="${level}" data-search="${esc(searchKey(`${x.unitCode} ${x.unitName}`))}"${shows(x) ? '' : ' hidden'}><td>${esc(x.month)}</td><td>${esc(x.unitCode)}</td><td>${esc(x.unitName)}</td><td>${esc(when(x.generatedAt))}</td>
        <td class="files">${files
          .map(
            (f) => `<button type="button" class="file" data-url="${esc(f.url)}" data-format="${esc(f.ext)}" data-name="${esc(`月度统计报表-${x.unitCode}-${x.month}.${f.ext}`)}" title="${esc(f.sha256)}">${esc(f.ext.toUpperCase())} · ${esc(size(f.sizeBytes))}</button>`,
          )
          .join(' ')}</td>
        <td><a class="preview" data-rep="${esc(`${x.unitId}:${x.month}`)}" href="${esc(hrefOf({ ...r, rep: `${x.unitId}:${x.month}` }))}">${esc(t('preview'))}</a></td><td data-level="${level}">${esc(t(/** @type {any} */ (`reportLevel${level}`)))}</td></tr>`;
    })
    .join('');
  const shownCount = reports.filter(shows).length;
  const list = reports.length
    ? `<p class="note" id="reports-count" data-shown="${shownCount}" data-total="${reports.length}">${esc(countText(shownCount))}</p>
      <p class="state" data-state="no-match" id="reports-no-match"${shownCount ? ' hidden' : ''}>${esc(t('reportNoMatch'))}</p>
      <div class="table-wrap"><table id="reports-table"><thead><tr><th>${esc(t('reportMonth'))}</th><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th><th>${esc(t('generatedAt'))}</th><th>${esc(t('download'))}</th><th></th><th>${esc(t('reportLevel'))}</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : `<p class="state" data-state="empty">${esc(t('noReports'))}</p>`;

  const preview = data.preview ?? null;
  const table = preview?.table ?? null;
  /** @type {any[]} */
  const columns = table?.columns ?? [];
  /** @type {any[]} */
  const tableRows = table ? [...table.rows, table.total] : [];
  const cellText = (/** @type {any} */ v, /** @type {any} */ c) => formatValue(v, c.unit === '%' ? '%' : c.unit, locale());
  const previewBody = !r.rep
    ? ''
    : !table
      ? `<p class="state" data-state="empty">${esc(t('noReports'))}</p>`
      : `<p class="note">${esc(preview.unitName)} · ${esc(table.month)} · ${esc(t('ytdValue'))} ${esc(table.ytdFrom)}–${esc(table.month)} · ${esc(t('lastYearValue'))} ${esc(table.lastYearMonth)}</p>
        <div class="table-wrap"><table id="report-preview"><thead><tr><th rowspan="2">${esc(t('code'))}</th><th rowspan="2">${esc(t('unit'))}</th>${columns
          .map((c) => `<th colspan="2" data-key="${esc(c.key)}">${esc(zh ? c.nameZh : c.nameEn)}${c.unit ? ` (${esc(c.unit)})` : ''}</th>`)
          .join('')}</tr><tr>${columns.map(() => `<th class="num">${esc(t('monthValue'))}</th><th class="num">${esc(t('ytdValue'))}</th>`).join('')}</tr></thead>
        <tbody>${tableRows
          .map(
            (row) => `<tr data-kind="${esc(row.kind)}" data-code="${esc(row.code)}"><td>${esc(row.code)}</td><td>${esc(zh ? shortName(row.nameZh) : row.nameEn)}</td>${row.cells
              .map(
                (/** @type {any} */ cell, /** @type {number} */ i) =>
                  `<td class="num" data-key="${esc(columns[i]?.key)}" data-value="${esc(cell.month.value)}">${esc(cellText(cell.month.value, columns[i]))}</td><td class="num" data-ytd="${esc(cell.ytd.value)}">${esc(cellText(cell.ytd.value, columns[i]))}</td>`,
              )
              .join('')}</tr>`,
          )
          .join('')}</tbody></table></div>`;

  main().innerHTML = `${reportFilters(r)}
    ${card('reports', `${t('reportList')} · ${r.month ?? t('allMonths')}`, list, { csv: true })}<p></p>
    ${r.rep ? card('report-preview', `${t('reportPreview')}${preview ? ` · ${preview.unitName} · ${preview.month}` : ''}`, previewBody, { csv: !!table }) : ''}`;
  bindReportFilters(r, (q, rlevel) => {
    cur = { ...cur, q, rlevel };
    history.replaceState(null, '', hrefOf(cur));
    let n = 0;
    for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#reports-table tbody tr[data-report]'))) {
      const show = (!rlevel || tr.dataset.level === rlevel) && (!q || String(tr.dataset.search).includes(searchKey(q)));
      tr.hidden = !show;
      if (show) n++;
    }
    for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#reports-table a.preview'))) a.href = hrefOf({ ...cur, rep: String(a.dataset.rep) });
    const count = document.querySelector('#reports-count');
    if (count) {
      count.textContent = countText(n);
      count.setAttribute('data-shown', String(n));
    }
    const none = /** @type {HTMLElement | null} */ (document.querySelector('#reports-no-match'));
    if (none) none.hidden = n > 0;
  });
  crumbs(data.unit, r);
  mount(
    'reports',
    null,
    () => ({
      header: ['month', 'unit_code', 'unit_name', 'generated_at', 'format', 'url', 'sha256', 'size_bytes'],
      rows: reports.filter(shows).flatMap((x) => x.files.map((/** @type {any} */ f) => [x.month, x.unitCode, x.unitName, x.generatedAt, f.format, f.url, f.sha256, f.sizeBytes])),
    }),
    r,
    `hongdun-reports-${data.unit.code}-${r.month ?? 'all'}`,
  );
  if (table) {
    mount(
      'report-preview',
      null,
      () => ({
        header: ['kind', 'unit_code', 'unit_name', 'indicator', 'month', 'value', 'ytd', 'last_year', 'change'],
        rows: tableRows.flatMap((row) => row.cells.map((/** @type {any} */ c, /** @type {number} */ i) => [row.kind, row.code, row.nameZh, columns[i]?.key, table.month, c.month.value ?? '', c.ytd.value ?? '', c.lastYear.value ?? '', c.change ?? ''])),
      }),
      r,
      `hongdun-report-${preview.unitCode}-${preview.month}`,
    );
  }
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#reports-table button.file'))) {
    b.addEventListener('click', async () => {
      try {
        downloadBlob(String(b.dataset.name), await fetchFile(String(b.dataset.url)));
      } catch (e) {
        showBanner(e, 'error', t('error'));
      }
    });
  }
}
