// @ts-check
/**
 * The dashboard's page helpers shared by the views: DOM and escaping, the header (chrome) and the banner, a chart
 * card, the filter bar, the breadcrumb with the unit picker, GeoJSON maps, mounting an ECharts chart with its
 * PNG and CSV exports, and the metric CSV cells.
 */
import { ApiError, token } from './api.js';
import { keyByAdcode } from './charts.js';
import { downloadCsv, downloadPng, toCsv } from './export.js';
import { currentLang, metricName, t } from './i18n.js';
import { categoryPath, ensureEcharts, go, hrefOf, route, state } from './state.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {import('./metrics.js').Figure} Figure */
/** @typedef {import('./state.js').Route} Route */
/** @typedef {import('./state.js').View} View */

export const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel));
export const main = () => $('#main');
export const esc = (/** @type {unknown} */ s) => String(s ?? '').replace(/[&<>"']/g, (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
export const locale = () => (currentLang() === 'zh' ? 'zh-CN' : 'en');

export function disposeCharts() {
  for (const c of state.charts) c.dispose();
  state.charts = [];
}

/** The header: title, navigation, user, language and logout in the current language. */
export function applyChrome() {
  document.title = t('title');
  document.documentElement.lang = currentLang() === 'zh' ? 'zh-CN' : 'en';
  $('#title').textContent = t('title');
  $('#nav-overview').textContent = t('overview');
  $('#nav-work').textContent = t('work');
  $('#nav-sources').textContent = t('sources');
  $('#nav-market').textContent = t('market');
  $('#nav-assessment').textContent = t('assessment');
  $('#nav-reports').textContent = t('reports');
  $('#lang').textContent = t('language');
  $('#logout').textContent = t('logout');
  const signedIn = !!(token() && state.session);
  $('#nav').hidden = !signedIn;
  $('#logout').hidden = !signedIn;
  $('#viewer').textContent = signedIn ? `${t('viewer')}: ${state.session?.me.displayName ?? state.session?.me.name} · ${state.session?.me.unit?.name ?? ''}` : '';
  const r = route();
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    a.classList.toggle('active', a.dataset.view === r.view);
    a.href = hrefOf({ ...r, view: /** @type {View} */ (a.dataset.view) });
  }
}

/** @param {string} message @param {'error' | 'info'} [kind] */
export function showBanner(message, kind = 'error') {
  const b = $('#banner');
  b.textContent = message;
  b.hidden = !message;
  b.className = kind;
  b.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}


/** A chart card: title, PNG and CSV buttons, the chart's element. */
export function card(/** @type {string} */ id, /** @type {string} */ title, /** @type {string} */ body, /** @type {{png?: boolean, csv?: boolean}} */ tools = { png: true, csv: true }) {
  return `<section class="card" id="card-${id}">
    <header><h2>${esc(title)}</h2>
      ${tools.png ? `<button type="button" data-png="${id}">${esc(t('exportPng'))}</button>` : ''}
      ${tools.csv ? `<button type="button" data-csv="${id}">${esc(t('exportCsv'))}</button>` : ''}
    </header>${body}</section>`;
}

/** The filter bar of a view (with `extra` controls before the button). @param {Route} r @param {string} [extra] */
export function filters(r, extra = '') {
  const options =
    r.view === 'overview' && state.session
      ? state.session.list
          .map((d) => `<option value="${esc(d.key)}"${d.key === r.metric ? ' selected' : ''}>${esc(metricName(d))}${d.unit === '%' ? ' (%)' : ` (${esc(d.unit)})`}</option>`)
          .join('')
      : '';
  return `<form class="filters" id="filters">
    <label>${esc(t('from'))}<input type="month" name="from" value="${esc(r.from)}" required></label>
    <label>${esc(t('to'))}<input type="month" name="to" value="${esc(r.to)}" required></label>
    ${r.view === 'overview' ? `<label>${esc(t('indicator'))}<select name="metric" id="metric">${options}</select></label>` : ''}
    ${r.view === 'market' ? `<label>${esc(t('shopId'))}<input name="shop" id="shop-input" inputmode="numeric" pattern="[1-9][0-9]*" size="8" value="${esc(r.shop ?? '')}"></label>` : ''}
    ${extra}
    <button type="submit">${esc(t('apply'))}</button>
  </form><nav class="crumbs" id="crumbs"></nav>`;
}

export function bindFilters(/** @type {Route} */ r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  const submit = () => {
    const d = new FormData(form);
    const shop = d.has('shop') ? String(d.get('shop') ?? '').trim() || null : r.shop;
    const cat = d.has('cat') ? categoryPath(String(d.get('cat') ?? '')) : r.cat;
    go({ ...r, from: String(d.get('from')), to: String(d.get('to')), metric: d.get('metric') ? String(d.get('metric')) : r.metric, shop, listing: shop === r.shop ? r.listing : null, cat });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  $('#metric')?.addEventListener('change', submit);
  $('#category-select')?.addEventListener('change', submit);
}

/** The way from the user's own unit down to the unit shown. @param {any} unit @param {Route} r */
export function crumbs(unit, r) {
  const chain = [];
  for (let u = unit; u; u = u.parent) chain.unshift(u);
  const home = state.session?.me.unit;
  const visible = chain.filter((u) => !home || u.path.startsWith(home.path));
  $('#crumbs').innerHTML = visible
    .map((u, i) =>
      i === visible.length - 1
        ? `<strong data-unit="${esc(u.id)}" id="current-unit">${esc(u.name)}</strong>`
        : `<a href="${esc(hrefOf({ ...r, unit: u.id }))}">${esc(u.name)}</a><span class="sep">›</span>`,
    )
    .join('') + unitPicker(unit);
  $('#unit-picker')?.addEventListener('change', (ev) => {
    const id = /** @type {HTMLSelectElement} */ (ev.target).value;
    if (id) go({ ...r, unit: id });
  });
}

/** The picker of the units below the one shown (its children as the API gives them: within the caller's jurisdiction). @param {any} unit */
export function unitPicker(unit) {
  /** @type {any[]} */
  const children = unit.children ?? [];
  if (!children.length) return '';
  return `<label class="picker">${esc(t('unitPicker'))}<select id="unit-picker"><option value="">${esc(t('unitPickerNone'))}</option>${children
    .map((c) => `<option value="${esc(c.id)}" data-code="${esc(c.code)}">${esc(c.code)} ${esc(c.name)}</option>`)
    .join('')}</select></label>`;
}


/** @type {Map<string, Promise<void>>} */
const maps = new Map();

/** Registers a GeoJSON map once (the province's cities, or one city's counties). @param {string} adcode */
export function loadMap(adcode) {
  let p = maps.get(adcode);
  if (!p) {
    p = fetch(`/dashboard/geo/${adcode}.json`).then(async (res) => {
      if (!res.ok) throw new ApiError(`map ${adcode}: HTTP ${res.status}`, 'MAP', res.status);
      const geo = keyByAdcode(await res.json());
      await ensureEcharts();
      state.echarts.registerMap(adcode, geo);
    });
    p.catch(() => maps.delete(adcode));
    maps.set(adcode, p);
  }
  return p;
}

/** Starts an ECharts chart in `#chart-<id>`, with its PNG and CSV exports. */
export function mount(/** @type {string} */ id, /** @type {any} */ option, /** @type {() => {header: string[], rows: unknown[][]}} */ csv, /** @type {Route} */ r, stem = `hongdun-${id}-${r.from}_${r.to}`) {
  const el = document.getElementById(`chart-${id}`);
  const chart = el ? state.echarts.init(el, null, { renderer: 'canvas' }) : null;
  if (chart) {
    // drawn and ready for clicks: a mark for benchmarks and tests (ms since navigation) and an attribute to wait for
    chart.on('finished', () => {
      if (!el || el.dataset.rendered) return;
      el.dataset.rendered = 'true';
      performance.mark(`hongdun:chart-rendered:${id}`);
    });
    chart.setOption(option);
    state.charts.push(chart);
  }
  document.querySelector(`[data-png="${id}"]`)?.addEventListener('click', () => chart && downloadPng(`${stem}.png`, chart));
  document.querySelector(`[data-csv="${id}"]`)?.addEventListener('click', () => {
    const { header, rows } = csv();
    downloadCsv(`${stem}.csv`, toCsv(header, rows));
  });
  return chart;
}

export const CSV_HEADER = ['unit_code', 'unit_name', 'indicator', 'from', 'to', 'value', 'numerator', 'denominator'];

/** @param {Figure | undefined} f @param {MetricDef} def */
export function figureCells(f, def) {
  return [f?.value ?? '', f?.numerator ?? '', def.aggregation === 'RATE' ? (f?.denominator ?? '') : ''];
}

/** @param {string} iso */
export const when = (iso) => new Date(iso).toLocaleString(locale(), { timeZone: 'Asia/Shanghai', hour12: false });
