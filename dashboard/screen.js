// @ts-check
/**
 * The wall screen (大屏, /dashboard/screen.html, issue 18): a 1920×1080 dark canvas scaled to the viewport
 * (3840×2160 looks the same, twice as large), with the user's headline figures (同比/环比), the map of the
 * units below with a value on each, TOP-5 carousels, the annual assessment ranking, a rolling list of
 * alerts, a clock and the time of the data. It rotates through the cities (`?rotate=` seconds, default 10)
 * and refetches every `?refresh=` seconds (default 60) without reloading. Language: `?lang=en|zh`, else
 * the dashboard's setting. The session is the dashboard's (api.js); without one it shows a login form.
 */
import { ApiError, gql, login, token } from './api.js';
import { adcodeOf, keyByAdcode, screenMapOption, screenTrendOption } from './charts.js';
import { currentLang } from './i18n.js';
import { addMonths, chinaMonth } from './metrics.js';
import { MAP_KEYS, RANK_KEYS, SESSION, TREND_KEYS, childItems, kpis, loadAlerts, loadAssessment, loadMetrics, top5, valueAt } from './screen-data.js';
import { asOf, chinaTime, esc, locale, renderAlertCounts, renderAlerts, renderFocus, renderKpis, renderRank, tr, weekday } from './screen-panels.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {import('./screen-data.js').Alert} Alert */

const W = 1920;
const H = 1080;
const ALERT_ROWS = 12;
const params = new URLSearchParams(location.search);
/** @param {string} name @param {number} fallback @param {number} min */
const seconds = (name, fallback, min) => {
  const v = Number(params.get(name));
  return Number.isFinite(v) && v >= min ? v : fallback;
};
const ROTATE_S = seconds('rotate', 10, 1);
const REFRESH_S = seconds('refresh', 60, 1);
/** @type {'zh' | 'en'} */
const lang = params.get('lang') === 'en' ? 'en' : params.get('lang') === 'zh' ? 'zh' : currentLang();
const loc = locale(lang);
/** @type {any} */
const echarts = /** @type {any} */ (window).echarts;

const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel));
const stage = $('#stage');

/** @type {{ me: any, catalog: Map<string, MetricDef> } | null} */
let session = null;
/** the last answers */
const state = {
  /** @type {Awaited<ReturnType<typeof loadMetrics>> | null} */ metrics: null,
  /** @type {Awaited<ReturnType<typeof loadAlerts>> | null} */ alerts: null,
  month: chinaMonth(),
  /** the map's registered name, null without a map */
  /** @type {string | null} */ mapName: null,
  city: 0,
  mapKey: 0,
  rankKey: 0,
  alertOffset: 0,
  refreshes: 0,
};
/** @type {Record<string, any>} charts by element id, with the option last set */
const charts = {};
/** @type {Record<string, any>} */
const options = {};
let scale = 1;

/** Fits the design canvas into the viewport (letterboxed at other aspect ratios). */
function fit() {
  scale = Math.min(window.innerWidth / W, window.innerHeight / H);
  stage.style.transform = `translate(${(window.innerWidth - W * scale) / 2}px, ${(window.innerHeight - H * scale) / 2}px) scale(${scale})`;
  stage.dataset.scale = String(scale);
  // the canvases draw at the scaled resolution, so a 4K wall is sharp, not an enlarged 1080p picture
  for (const id of Object.keys(charts)) {
    charts[id].dispose();
    delete charts[id];
    if (options[id]) draw(id, options[id]);
  }
}

/** Draws an option into `#<id>` (created at the screen's pixel ratio once). @param {string} id @param {any} option */
function draw(id, option) {
  options[id] = option;
  charts[id] ??= echarts.init(document.getElementById(id), null, { renderer: 'canvas', devicePixelRatio: (window.devicePixelRatio || 1) * scale });
  charts[id].setOption(option, { notMerge: true });
}

const metricName = (/** @type {string} */ key) => {
  const d = session?.catalog.get(key);
  return d ? (lang === 'zh' ? d.nameZh : d.nameEn) : key;
};
const unitOf = (/** @type {string} */ key) => session?.catalog.get(key)?.unit ?? '';

function tick() {
  const now = new Date();
  const clock = $('#clock');
  clock.textContent = `${chinaTime(now)} ${weekday(now, lang)}`;
  clock.dataset.time = String(now.getTime());
}

function showError(/** @type {string} */ message) {
  const el = $('#scr-error');
  el.hidden = !message;
  el.textContent = message;
}

/** The login form (the dashboard's session: the token stays for the tab, the dashboard shares it). @param {string} [message] */
function showLogin(message = '') {
  stage.dataset.state = 'login';
  $('#scr-login')?.remove();
  const box = document.createElement('form');
  box.id = 'scr-login';
  box.className = 'scr-login';
  box.innerHTML = `<h2>${esc(tr(lang, 'login'))}</h2>
    <label>${esc(tr(lang, 'username'))}<input name="username" autocomplete="username" required></label>
    <label>${esc(tr(lang, 'password'))}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" role="alert">${esc(message)}</p>
    <button type="submit">${esc(tr(lang, 'login'))}</button>`;
  stage.append(box);
  box.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const d = new FormData(box);
    try {
      await login(String(d.get('username')), String(d.get('password')));
      box.remove();
      void start();
    } catch (e) {
      /** @type {HTMLElement} */ (box.querySelector('.error')).textContent = `${tr(lang, 'loginFailed')}: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
}

/** The static texts of the panels. */
function chrome() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = tr(lang, 'scrTitle');
  $('#scr-title').textContent = tr(lang, 'scrTitle');
  $('#kpi-note').textContent = tr(lang, 'scrKpiNote');
  $('#trend-title').textContent = tr(lang, 'scrTrend');
  $('#alerts-title').textContent = tr(lang, 'scrAlerts');
  $('#assess-title').textContent = tr(lang, 'scrAssessment');
}

/** The city in focus and the map indicator: the map highlights it, the focus strip shows its figures. */
function showFocus() {
  const m = state.metrics;
  const mapKey = MAP_KEYS[state.mapKey % MAP_KEYS.length];
  const items = m ? childItems(m.children, mapKey) : [];
  const city = items.length ? items[state.city % items.length] : null;
  renderFocus(
    $('#focus'),
    city && m
      ? { code: city.code, name: city.name, figures: [...new Set([mapKey, ...RANK_KEYS])].map((key) => ({ key, name: metricName(key), unit: unitOf(key), value: valueAt(m.children.filter((r) => r.unit.id === city.unitId), key, state.month) })) }
      : null,
    lang,
  );
  const chart = charts['chart-map'];
  if (chart && city) {
    chart.dispatchAction({ type: 'downplay', seriesIndex: 0 });
    chart.dispatchAction({ type: 'highlight', seriesIndex: 0, name: adcodeOf(city.code) });
  }
}

/** The map of the current map indicator. */
function showMap() {
  const m = state.metrics;
  if (!m) return;
  const key = MAP_KEYS[state.mapKey % MAP_KEYS.length];
  $('#map-title').textContent = `${tr(lang, 'mapTitle')} · ${metricName(key)}`;
  $('#map-meta').textContent = `${state.month} ${tr(lang, 'scrMonthToDate')} · ${asOf(lang, m.at)}`;
  const el = $('#chart-map');
  if (!state.mapName) {
    el.innerHTML = `<p class="empty label">${esc(tr(lang, 'scrNoMap'))}</p>`;
    return;
  }
  draw('chart-map', screenMapOption({ mapName: state.mapName, items: childItems(m.children, key), title: metricName(key), unit: unitOf(key), locale: loc, high: key === 'cases_filed' ? 'neutral' : 'bad', fontSize: 15 }));
  el.dataset.key = key;
}

function showRank() {
  const m = state.metrics;
  if (!m) return;
  const key = RANK_KEYS[state.rankKey % RANK_KEYS.length];
  $('#top-title').textContent = `${tr(lang, 'scrTopN')} · ${metricName(key)}`;
  $('#top-meta').textContent = `${state.month} · ${asOf(lang, m.at)}`;
  renderRank($('#top-list'), top5(m.children, key), unitOf(key), lang, key);
}

function showAlerts() {
  const a = state.alerts;
  if (!a) return;
  const units = state.metrics?.children ?? [];
  renderAlerts($('#alert-list'), a.items, state.alertOffset, ALERT_ROWS, lang, (x) =>
    x.kind === 'findingHigh' ? (units.find((r) => x.unit.startsWith(r.unit.code))?.unit.name ?? x.unit) : x.unit,
  );
}

/** Fetches everything (three requests) and redraws; a failing panel says so, the others still show. */
async function refresh() {
  if (!session) return;
  state.month = chinaMonth();
  const own = session.me.unit;
  const [metrics, assessment, alerts] = await Promise.allSettled([loadMetrics(own.id, state.month), loadAssessment(own.id, Number(state.month.slice(0, 4))), loadAlerts(lang)]);
  const failed = [metrics, assessment, alerts].find((r) => r.status === 'rejected');
  if (failed && failed.status === 'rejected' && failed.reason instanceof ApiError && failed.reason.code === 'UNAUTHENTICATED') {
    session = null;
    showLogin(tr(lang, 'sessionExpired'));
    return;
  }
  showError(failed && failed.status === 'rejected' ? `${tr(lang, 'error')}: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}` : '');
  const at = new Date();
  if (metrics.status === 'fulfilled') {
    state.metrics = metrics.value;
    const m = metrics.value;
    $('#kpi-title').textContent = tr(lang, 'scrKpis');
    $('#kpi-meta').textContent = `${state.month} ${tr(lang, 'scrMonthToDate')} · ${asOf(lang, m.at)}`;
    renderKpis($('#kpi-grid'), kpis(m.own, state.month, session.catalog).map((k) => ({ ...k, name: metricName(k.key) })), lang);
    const months = Array.from({ length: 13 }, (_, i) => addMonths(state.month, i - 12));
    $('#trend-meta').textContent = `${months[0]}–${months[12]} · ${asOf(lang, m.at)}`;
    draw('chart-trend', screenTrendOption({ months, series: TREND_KEYS.map((k) => ({ name: metricName(k), values: months.map((p) => valueAt(m.own, k, p)) })), locale: loc }));
    showMap();
    showRank();
    showFocus();
  }
  if (assessment.status === 'fulfilled') {
    const { year, rows } = assessment.value;
    const first = rows[0];
    $('#assess-title').textContent = `${tr(lang, 'scrAssessment')} · ${year}`;
    $('#assess-meta').textContent = first
      ? `${first.provisional ? `${tr(lang, 'scrProvisional')} · ` : ''}${asOf(lang, new Date(first.computedAt))}`
      : asOf(lang, at);
    const pts = tr(lang, 'scrPoints');
    renderRank($('#assess-list'), rows.slice(0, 5).map((r) => ({ unitId: r.unit.id, code: r.unit.code, name: r.unit.name, value: r.total, text: `${r.total.toFixed(2)} ${pts}` })), pts, lang, 'assessment');
  }
  if (alerts.status === 'fulfilled') {
    state.alerts = alerts.value;
    $('#alerts-meta').textContent = `${tr(lang, 'scrSeverityNote')} · ${asOf(lang, alerts.value.at)}`;
    renderAlertCounts($('#alert-counts'), alerts.value.counts, lang);
    showAlerts();
  }
  state.refreshes += 1;
  const dataTime = $('#data-time');
  dataTime.textContent = `${tr(lang, 'scrAsOf')} ${chinaTime(at)}`;
  dataTime.dataset.time = String(at.getTime());
  stage.dataset.refreshes = String(state.refreshes);
  stage.dataset.state = 'ready';
}

/** One rotation step: the next city (the next map indicator after a round), the next TOP-5 indicator. */
function rotate() {
  const n = state.metrics ? childItems(state.metrics.children, MAP_KEYS[state.mapKey % MAP_KEYS.length]).length : 0;
  state.city += 1;
  if (n && state.city % n === 0) {
    state.mapKey += 1;
    showMap();
  }
  state.rankKey += 1;
  showRank();
  showFocus();
}

let started = false;
async function start() {
  try {
    stage.dataset.state = 'loading';
    const data = await gql(SESSION);
    session = { me: data.me, catalog: new Map(data.metricCatalog.map((/** @type {MetricDef} */ d) => [d.key, d])) };
    const own = data.me.unit;
    $('#scr-unit').textContent = own.name;
    state.mapName = own.level === 'PROVINCE' ? '370000' : own.level === 'CITY' ? adcodeOf(own.code) : null;
    if (state.mapName) {
      const res = await fetch(`/dashboard/geo/${state.mapName}.json`);
      if (res.ok) echarts.registerMap(state.mapName, keyByAdcode(await res.json()));
      else state.mapName = null;
    }
    await refresh();
  } catch (e) {
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') {
      showLogin(tr(lang, 'sessionExpired'));
      return;
    }
    stage.dataset.state = 'error';
    showError(`${tr(lang, 'error')}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (started) return;
  started = true;
  setInterval(() => void refresh(), REFRESH_S * 1000);
  setInterval(rotate, ROTATE_S * 1000);
  // the alert list rolls three times as often as the cities turn
  setInterval(() => {
    state.alertOffset += 1;
    showAlerts();
  }, Math.max(1000, (ROTATE_S * 1000) / 3));
}

chrome();
fit();
tick();
setInterval(tick, 1000);
window.addEventListener('resize', fit);
if (token()) void start();
else showLogin();
