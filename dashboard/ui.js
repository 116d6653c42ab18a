// @ts-check
/**
 * The dashboard's page helpers shared by the views: DOM and escaping, the header (chrome) and the banner, a chart
 * card, the filter bar, the breadcrumb with the unit picker, GeoJSON maps, mounting an ECharts chart with its
 * PNG and CSV exports, and the metric CSV cells.
 */
import { ApiError, token } from './api.js';
import { keyByAdcode } from './charts.js';
import { downloadCsv, downloadPng, toCsv } from './export.js';
import { DICTIONARY, currentLang, metricName, t } from './i18n.js';
import { addMonths, chinaMonth, isMonth } from './metrics.js';
import { PRESETS, presetOf, presetRange } from './periods.js';
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

/**
 * The permissions each view needs (its queries' @Authorized permissions beside registry:read for the unit): a
 * tab the viewer's role lacks one of is hidden, and its URL shows a message instead of the API's refusal.
 * @type {Record<Exclude<View, 'login'>, string[]>}
 */
export const VIEW_PERMISSIONS = {
  overview: ['metrics:read'],
  work: ['metrics:read', 'office:read'],
  market: ['market:read', 'metrics:read'],
  sources: ['registry:read', 'metrics:read'],
  assessment: ['assessment:read'],
  reports: ['reports:read'],
};

/** The permissions of `view` the signed-in viewer lacks (none: they may open it). @param {View} view @returns {string[]} */
export function missingPermissions(view) {
  /** @type {string[]} */
  const held = state.session?.me.permissions ?? [];
  if (view === 'login' || held.includes('*')) return [];
  return VIEW_PERMISSIONS[view].filter((p) => !held.includes(p));
}

/** The header: title, navigation (the tabs the viewer may open), user, language and logout in the current language. */
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
  const screen = $('#nav-screen');
  if (screen) screen.textContent = t('navScreen');
  const signedIn = !!(token() && state.session);
  $('#nav').hidden = !signedIn;
  $('#logout').hidden = !signedIn;
  if (screen) screen.hidden = !signedIn || missingPermissions('overview').length > 0;
  const who = signedIn ? `${state.session?.me.displayName ?? state.session?.me.name} · ${state.session?.me.unit?.name ?? ''}` : '';
  $('#viewer').textContent = who;
  $('#viewer').title = signedIn ? `${t('viewer')}: ${who}` : '';
  const r = route();
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    const view = /** @type {View} */ (a.dataset.view);
    a.classList.toggle('active', view === r.view);
    a.hidden = signedIn && missingPermissions(view).length > 0;
    a.href = hrefOf({ ...r, view });
  }
}

/**
 * An error in the user's language, from its code (api.js ApiError): the server's own (English) words never reach
 * the page, except where they say what is wrong in a way the code does not (kept as `detail`, for the banner's
 * data-detail and English users). @param {unknown} e @returns {{ text: string, code: string, detail: string }}
 */
export function errorText(e) {
  const err = e instanceof ApiError ? e : new ApiError(e instanceof Error ? e.message : String(e), 'ERROR', 0);
  const detail = err.message ?? '';
  /** @type {string} */
  let code = err.code;
  if (err.status === 429 || /RATE_LIMIT|TOO_MANY/.test(code)) code = 'RATE_LIMITED';
  else if (code === 'INTERNAL_SERVER_ERROR' || (code === 'HTTP' && err.status >= 500)) code = 'SERVER';
  else if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') code = 'ERROR';
  const key = /** @type {import('./i18n.js').Label} */ (`err_${code}`);
  let text = key in DICTIONARY.zh ? t(key) : t('err_ERROR');
  if (code === 'BAD_USER_INPUT' && /in the future/.test(detail)) text = t('err_future');
  return { text, code, detail };
}

/**
 * The banner: a message, or an error in the user's language (`prefix` says what failed, e.g. 证据下载失败).
 * @param {string | unknown} message @param {'error' | 'info'} [kind] @param {string} [prefix]
 */
export function showBanner(message, kind = 'error', prefix = '') {
  const b = $('#banner');
  if (typeof message === 'string') {
    b.textContent = prefix && message ? `${prefix}: ${message}` : message;
    b.removeAttribute('data-code');
    b.removeAttribute('data-detail');
  } else {
    const { text, code, detail } = errorText(message);
    b.textContent = prefix ? `${prefix}: ${text}` : text;
    b.dataset.code = code;
    b.dataset.detail = detail;
  }
  b.hidden = !b.textContent;
  b.className = kind;
  b.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

/** A month in the UI language: 2026年12月, or December 2026. @param {string} month YYYY-MM */
export function monthLabel(month) {
  const [y, m] = month.split('-').map(Number);
  if (currentLang() === 'zh') return `${y}年${m}月`;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * A month picker in the UI language (instead of `<input type=month>`, which speaks the browser's language): one
 * select of the months from `min` to `max` (default the current month and the January five years before), newest
 * first, labelled 2026年12月 / December 2026, its value YYYY-MM as the form sends it.
 * @param {string} name the form field @param {string} value YYYY-MM @param {{ id?: string, min?: string, max?: string }} [opts]
 */
export function monthPicker(name, value, opts = {}) {
  const max = isMonth(opts.max) ? opts.max : chinaMonth();
  const min = isMonth(opts.min) ? opts.min : `${Number(max.slice(0, 4)) - 5}-01`;
  const months = [];
  for (let m = max; m >= min; m = addMonths(m, -1)) months.push(m);
  if (isMonth(value) && !months.includes(value)) {
    months.push(value);
    months.sort().reverse();
  }
  return `<select name="${esc(name)}"${opts.id ? ` id="${esc(opts.id)}"` : ''} class="month-picker" data-month-picker required>${months
    .map((m) => `<option value="${m}"${m === value ? ' selected' : ''}>${esc(monthLabel(m))}</option>`)
    .join('')}</select>`;
}



/** A chart card: title, PNG and CSV buttons, the chart's element. */
export function card(/** @type {string} */ id, /** @type {string} */ title, /** @type {string} */ body, /** @type {{png?: boolean, csv?: boolean}} */ tools = { png: true, csv: true }) {
  return `<section class="card" id="card-${id}">
    <header><h2>${esc(title)}</h2>
      ${tools.png ? `<button type="button" data-png="${id}">${esc(t('exportPng'))}</button>` : ''}
      ${tools.csv ? `<button type="button" data-csv="${id}">${esc(t('exportCsv'))}</button>` : ''}
    </header>${body}</section>`;
}

/** the preset the user chose last (its months may be another preset's too) @type {import('./periods.js').Preset | null} */
let chosenPreset = null;

/** The filter bar of a view (with `extra` controls before the button). @param {Route} r @param {string} [extra] */
export function filters(r, extra = '') {
  const options =
    r.view === 'overview' && state.session
      ? state.session.list
          .map((d) => `<option value="${esc(d.key)}"${d.key === r.metric ? ' selected' : ''}>${esc(metricName(d))}${d.unit === '%' ? ' (%)' : ` (${esc(d.unit)})`}</option>`)
          .join('')
      : '';
  // the preset chosen last, while the months are still its (本年 and 近12月 are the same months in December)
  const chosen = chosenPreset && presetRange(chosenPreset).from === r.from && presetRange(chosenPreset).to === r.to ? chosenPreset : null;
  const preset = chosen ?? presetOf(r.from, r.to);
  const ranged = r.view === 'overview' || r.view === 'work';
  return `<form class="filters" id="filters">
    ${ranged ? `<label>${esc(t('preset'))}<select name="preset" id="preset"><option value=""${preset ? '' : ' selected'}>${esc(t('presetCustom'))}</option>${PRESETS.map(
      (p) => `<option value="${p}"${p === preset ? ' selected' : ''}>${esc(t(/** @type {import('./i18n.js').Label} */ (`preset_${p}`)))}</option>`,
    ).join('')}</select></label>` : ''}
    <label>${esc(t('from'))}${monthPicker('from', r.from, { id: 'from-month' })}</label>
    <label>${esc(t('to'))}${monthPicker('to', r.to, { id: 'to-month' })}</label>
    ${r.view === 'overview' ? `<label>${esc(t('cmp'))}<select name="cmp" id="cmp"><option value="mom"${r.cmp === 'mom' ? ' selected' : ''}>${esc(t('cmpMom'))}</option><option value="yoy"${r.cmp === 'yoy' ? ' selected' : ''}>${esc(t('cmpYoy'))}</option></select></label>` : ''}
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
    const from = String(d.get('from'));
    const to = String(d.get('to'));
    if (from > to) {
      showBanner(t('rangeInvalid'));
      return;
    }
    const cmp = d.get('cmp') === 'yoy' ? 'yoy' : d.get('cmp') === 'mom' ? 'mom' : r.cmp;
    go({ ...r, from, to, cmp, metric: d.get('metric') ? String(d.get('metric')) : r.metric, shop, listing: shop === r.shop ? r.listing : null, cat });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  // a preset sets the months at once; changing a month by hand makes the range custom
  $('#preset')?.addEventListener('change', () => {
    const p = /** @type {HTMLSelectElement} */ ($('#preset')).value;
    if (!p) return;
    chosenPreset = /** @type {import('./periods.js').Preset} */ (p);
    const range = presetRange(chosenPreset);
    go({ ...r, ...range });
  });
  $('#cmp')?.addEventListener('change', submit);
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
