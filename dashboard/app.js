// @ts-check
/**
 * The leadership dashboard (领导驾驶舱): login, overview (map of the units below, drill-down, headline
 * tiles against the previous period), market view (price index, regions, price moves, findings by rule, a
 * shop's price history; two requests, see renderMarket) and work view. Every figure comes from one GraphQL request per view
 * (`metrics` with granularity YEAR over the chosen months; see metrics.js); the state that makes a view —
 * view, unit, months, indicator — lives in the URL hash, so a link shows the same view to a colleague who
 * may see that unit. The API decides what a user may see: a unit outside the caller's jurisdiction is
 * refused (NOT_FOUND), shown as a plain error, and the user lands on their own unit.
 */
import { ApiError, fetchFile, gql, login, logout, token } from './api.js';
import { adcodeOf, barOption, stackedPointsOption, basePriceLine, categoryBarsOption, completenessOption, conflictKindsOption, formatValue, groupedBarOption, keyByAdcode, mapOption, monthlySeriesOption, movesOption, priceHistoryOption, priceIndexOption, shortName } from './charts.js';
import { downloadBlob, downloadCsv, downloadPng, toCsv } from './export.js';
import { currentLang, metricName, setLang, t } from './i18n.js';
import { addMonths, chinaMonth, figuresByUnit, isMonth, monthCount, previousWindow } from './metrics.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {import('./metrics.js').MetricRow} MetricRow */
/** @typedef {import('./metrics.js').UnitRef} UnitRef */
/** @typedef {import('./metrics.js').Figure} Figure */
/** @typedef {'overview' | 'work' | 'sources' | 'market' | 'assessment' | 'reports' | 'login'} View */
/**
 * @typedef {{ view: View, unit: string | null, from: string, to: string, metric: string, shop: string | null, listing: string | null,
 *   year: number, vs: number | null, level: string | null, sel: string | null, month: string | null, rep: string | null, cat: string | null, kind: string | null }} Route
 */

/** ECharts (the page loads it `async`, beside the app, so the first GraphQL requests need not wait for it to compile). @type {any} */
let echarts = /** @type {any} */ (window).echarts;
/** @type {Promise<void> | null} */
let echartsLoading = null;

/** Resolves once ECharts is there (every view awaits it before drawing). */
function ensureEcharts() {
  if (echarts) return Promise.resolve();
  echartsLoading ??= new Promise((resolve, reject) => {
    const el = document.getElementById('echarts-js');
    const done = () => {
      echarts = /** @type {any} */ (window).echarts;
      if (echarts) resolve();
      else reject(new ApiError('ECharts did not load', 'SCRIPT', 0));
    };
    if (!el || /** @type {any} */ (window).echarts) done();
    else {
      el.addEventListener('load', done, { once: true });
      el.addEventListener('error', () => reject(new ApiError('ECharts did not load', 'SCRIPT', 0)), { once: true });
    }
  });
  return echartsLoading;
}

/** The headline tiles: indicator and label (the open-clue stock has no indicator; overdue clues stand in). */
const TILES = /** @type {const} */ ([
  ['shops_filed', 'tileShops'],
  ['findings', 'tileFindings'],
  ['clues_overdue', 'tileClues'],
  ['cases_filed', 'tileCases'],
  ['complaints_received', 'tileComplaints'],
  ['patrol_coverage', 'tilePatrol'],
]);
const WORK_RATES = ['patrol_coverage', 'complaints_on_time', 'notices_read_on_time'];
const WORK_COUNTS = ['patrol_tasks_overdue', 'clues_overdue'];
/** indicators where more is worse (coloured red on the map) */
const HIGH_IS_BAD = /^(findings|clues_overdue|patrol_tasks_overdue|shops_unfiled|complaints_received)/;
const LEVEL_ORDER = ['PROVINCE', 'CITY', 'COUNTY', 'STATION'];
/** the levels a ranking may show province-wide (besides the units below the one shown) */
const ASSESSED_LEVELS = ['CITY', 'COUNTY', 'STATION'];

const UNIT = 'id code name level path';
const VALUE = `unit { ${UNIT} } period key value numerator denominator`;
const UNIT_CHAIN = `unit(id: $id) { ${UNIT} children { ${UNIT} } parent { ${UNIT} parent { ${UNIT} parent { ${UNIT} } } } }`;
const OVERVIEW = `query DashboardOverview($id: ID!, $ids: [ID!], $tiles: [String!]!, $metric: [String!]!, $from: String!, $to: String!, $pfrom: String!, $pto: String!) {
  ${UNIT_CHAIN}
  current: metrics(keys: $tiles, unitIds: $ids, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
  previous: metrics(keys: $tiles, unitIds: $ids, from: $pfrom, to: $pto, granularity: YEAR) { ${VALUE} }
  children: metrics(keys: $metric, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
}`;
const WORK = `query DashboardWork($id: ID!, $ids: [ID!], $keys: [String!]!, $from: String!, $to: String!, $dayFrom: String!, $dayTo: String!) {
  ${UNIT_CHAIN}
  children: metrics(keys: $keys, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
  reviews: infoReportCountsByUnit(parentUnitId: $id, from: $dayFrom, to: $dayTo) { unit { ${UNIT} } drafted submitted approved returned pending overdue approvedOnTime }
}`;
/** the report review counts of the work view (fields of infoReportCountsByUnit) with their labels */
const REVIEW_FIELDS = /** @type {const} */ ([
  ['drafted', 'reviewDrafted'],
  ['submitted', 'reviewSubmitted'],
  ['approved', 'reviewApproved'],
  ['returned', 'reviewReturned'],
  ['pending', 'reviewPending'],
  ['overdue', 'reviewOverdue'],
  ['approvedOnTime', 'reviewApprovedOnTime'],
]);
/** the counts drawn as bars (all seven stay in the table and the CSV) */
const REVIEW_CHARTED = ['submitted', 'approved', 'pending', 'overdue'];
const SESSION = `query DashboardSession {
  me { name displayName role permissions unit { ${UNIT} } }
  metricCatalog { key nameZh nameEn unit aggregation time scale levels family formula }
}`;

/** @type {{ me: any, catalog: Map<string, MetricDef>, list: MetricDef[] } | null} */
let session = null;
/** @type {any[]} */
let charts = [];
let renderSeq = 0;
/** a message for the next render's banner (e.g. why the user landed on their own unit) */
let bannerNext = '';
/** a confirmation for the next render's banner (e.g. reports generated) */
let noticeNext = '';
/** the link asked for before logging in */
let afterLogin = '';
/** @type {Map<string, Promise<void>>} */
const maps = new Map();

const $ = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel));
const main = () => $('#main');
const esc = (/** @type {unknown} */ s) => String(s ?? '').replace(/[&<>"']/g, (c) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const locale = () => (currentLang() === 'zh' ? 'zh-CN' : 'en');

/** The view asked for by the URL hash, with defaults (the current month, findings). @returns {Route} */
function route() {
  const raw = location.hash.replace(/^#/, '') || '/overview';
  const [path, qs] = raw.split('?');
  const q = new URLSearchParams(qs ?? '');
  /** @type {Record<string, View>} */
  const views = { '/work': 'work', '/sources': 'sources', '/market': 'market', '/assessment': 'assessment', '/reports': 'reports', '/login': 'login' };
  const view = views[path] ?? 'overview';
  const toQ = q.get('to');
  const fromQ = q.get('from');
  const to = isMonth(toQ) ? toQ : chinaMonth();
  const from = isMonth(fromQ) ? fromQ : to;
  const id = (/** @type {string} */ name) => {
    const v = q.get(name);
    return v && /^[1-9][0-9]*$/.test(v) ? v : null;
  };
  const yearOf = (/** @type {string} */ name) => {
    const v = q.get(name);
    return v && /^(19|20)[0-9]{2}$/.test(v) ? Number(v) : null;
  };
  const level = q.get('level');
  const month = q.get('month');
  const rep = q.get('rep');
  const kind = q.get('kind');
  return {
    kind: kind && CONFLICT_KINDS.includes(kind) ? kind : null,
    cat: categoryPath(q.get('cat')),
    view,
    unit: id('unit'),
    from,
    to,
    metric: q.get('metric') || 'findings',
    shop: id('shop'),
    listing: id('listing'),
    year: yearOf('year') ?? Number(chinaMonth().slice(0, 4)),
    vs: yearOf('vs'),
    level: level && ASSESSED_LEVELS.includes(level) ? level : null,
    sel: id('sel'),
    // the report list: one month (default the last one the monthly job reports), or every month with month=all
    month: isMonth(month) ? month : month === 'all' ? null : addMonths(chinaMonth(), -1),
    rep: rep && /^[1-9][0-9]*:\d{4}-(0[1-9]|1[0-2])$/.test(rep) ? rep : null,
  };
}

/**
 * A category path as the API reads it (segments joined by '/': `食品 > 酒类` → `食品/酒类`), or null when blank
 * or not a path (over 200 characters, control characters). @param {string | null} raw
 */
function categoryPath(raw) {
  if (!raw || raw.length > 200 || /[\u0000-\u001f]/.test(raw)) return null;
  const segments = raw.normalize('NFKC').replace(/[\s\u3000\u200b]+/gu, '').split(/[/>»|｜\\]+/u).filter(Boolean);
  return segments.length ? segments.join('/') : null;
}

/** @param {Route} r */
function hrefOf(r) {
  const q = new URLSearchParams();
  if (r.unit) q.set('unit', r.unit);
  q.set('from', r.from);
  q.set('to', r.to);
  if (r.view === 'overview') q.set('metric', r.metric);
  if (r.view === 'market' && r.shop) q.set('shop', r.shop);
  if (r.view === 'market' && r.shop && r.listing) q.set('listing', r.listing);
  if (r.view === 'market' && r.cat) q.set('cat', r.cat);
  if (r.view === 'assessment') {
    q.set('year', String(r.year));
    if (r.vs) q.set('vs', String(r.vs));
    if (r.level) q.set('level', r.level);
    if (r.sel) q.set('sel', r.sel);
  }
  if (r.view === 'sources' && r.kind) q.set('kind', r.kind);
  if (r.view === 'reports') {
    q.set('month', r.month ?? 'all');
    if (r.rep) q.set('rep', r.rep);
  }
  return `#/${r.view}?${q}`;
}

/** Navigates (a new history entry, or replacing the current one). @param {Route} r @param {boolean} [replace] */
function go(r, replace = false) {
  const href = hrefOf(r);
  if (replace) {
    history.replaceState(null, '', href);
    void render();
  } else if (location.hash === href) void render();
  else location.hash = href;
}

function disposeCharts() {
  for (const c of charts) c.dispose();
  charts = [];
}

/** The header: title, navigation, user, language and logout in the current language. */
function applyChrome() {
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
  const signedIn = !!(token() && session);
  $('#nav').hidden = !signedIn;
  $('#logout').hidden = !signedIn;
  $('#viewer').textContent = signedIn ? `${t('viewer')}: ${session?.me.displayName ?? session?.me.name} · ${session?.me.unit?.name ?? ''}` : '';
  const r = route();
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    a.classList.toggle('active', a.dataset.view === r.view);
    a.href = hrefOf({ ...r, view: /** @type {View} */ (a.dataset.view) });
  }
}

/** @param {string} message @param {'error' | 'info'} [kind] */
function showBanner(message, kind = 'error') {
  const b = $('#banner');
  b.textContent = message;
  b.hidden = !message;
  b.className = kind;
  b.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

/** @param {string} [message] */
function showLogin(message = '') {
  session = null;
  applyChrome();
  const m = main();
  m.dataset.state = 'login';
  m.innerHTML = `<form class="login" id="login-form">
    <h2>${esc(t('login'))}</h2>
    <label>${esc(t('username'))}<input name="username" autocomplete="username" required></label>
    <label>${esc(t('password'))}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" id="login-error" role="alert">${esc(message)}</p>
    <button type="submit">${esc(t('login'))}</button>
  </form>`;
  const form = /** @type {HTMLFormElement} */ ($('#login-form'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    try {
      await login(String(data.get('username')), String(data.get('password')));
      const next = afterLogin && !afterLogin.startsWith('#/login') ? afterLogin : '#/overview';
      afterLogin = '';
      if (location.hash === next) void render();
      else location.hash = next;
    } catch (e) {
      $('#login-error').textContent = `${t('loginFailed')}: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
}

/** The user, their unit and the indicator catalog, once per login. */
async function ensureSession() {
  if (session) return;
  const data = await gql(SESSION);
  /** @type {MetricDef[]} */
  const list = data.metricCatalog;
  session = { me: data.me, list, catalog: new Map(list.map((d) => [d.key, d])) };
}

/** A chart card: title, PNG and CSV buttons, the chart's element. */
function card(/** @type {string} */ id, /** @type {string} */ title, /** @type {string} */ body, /** @type {{png?: boolean, csv?: boolean}} */ tools = { png: true, csv: true }) {
  return `<section class="card" id="card-${id}">
    <header><h2>${esc(title)}</h2>
      ${tools.png ? `<button type="button" data-png="${id}">${esc(t('exportPng'))}</button>` : ''}
      ${tools.csv ? `<button type="button" data-csv="${id}">${esc(t('exportCsv'))}</button>` : ''}
    </header>${body}</section>`;
}

/** The filter bar of a view (with `extra` controls before the button). @param {Route} r @param {string} [extra] */
function filters(r, extra = '') {
  const options =
    r.view === 'overview' && session
      ? session.list
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

function bindFilters(/** @type {Route} */ r) {
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
function crumbs(unit, r) {
  const chain = [];
  for (let u = unit; u; u = u.parent) chain.unshift(u);
  const home = session?.me.unit;
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
function unitPicker(unit) {
  /** @type {any[]} */
  const children = unit.children ?? [];
  if (!children.length) return '';
  return `<label class="picker">${esc(t('unitPicker'))}<select id="unit-picker"><option value="">${esc(t('unitPickerNone'))}</option>${children
    .map((c) => `<option value="${esc(c.id)}" data-code="${esc(c.code)}">${esc(c.code)} ${esc(c.name)}</option>`)
    .join('')}</select></label>`;
}

/** The days of a month range (YYYY-MM … YYYY-MM → first and last day). @param {string} from @param {string} to */
function dayRange(from, to) {
  const [y, m] = to.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { dayFrom: `${from}-01`, dayTo: `${to}-${String(last).padStart(2, '0')}` };
}

/** Registers a GeoJSON map once (the province's cities, or one city's counties). @param {string} adcode */
function loadMap(adcode) {
  let p = maps.get(adcode);
  if (!p) {
    p = fetch(`/dashboard/geo/${adcode}.json`).then(async (res) => {
      if (!res.ok) throw new ApiError(`map ${adcode}: HTTP ${res.status}`, 'MAP', res.status);
      const geo = keyByAdcode(await res.json());
      await ensureEcharts();
      echarts.registerMap(adcode, geo);
    });
    p.catch(() => maps.delete(adcode));
    maps.set(adcode, p);
  }
  return p;
}

/** Starts an ECharts chart in `#chart-<id>`, with its PNG and CSV exports. */
function mount(/** @type {string} */ id, /** @type {any} */ option, /** @type {() => {header: string[], rows: unknown[][]}} */ csv, /** @type {Route} */ r, stem = `hongdun-${id}-${r.from}_${r.to}`) {
  const el = document.getElementById(`chart-${id}`);
  const chart = el ? echarts.init(el, null, { renderer: 'canvas' }) : null;
  if (chart) {
    // drawn and ready for clicks: a mark for benchmarks and tests (ms since navigation) and an attribute to wait for
    chart.on('finished', () => {
      if (!el || el.dataset.rendered) return;
      el.dataset.rendered = 'true';
      performance.mark(`hongdun:chart-rendered:${id}`);
    });
    chart.setOption(option);
    charts.push(chart);
  }
  document.querySelector(`[data-png="${id}"]`)?.addEventListener('click', () => chart && downloadPng(`${stem}.png`, chart));
  document.querySelector(`[data-csv="${id}"]`)?.addEventListener('click', () => {
    const { header, rows } = csv();
    downloadCsv(`${stem}.csv`, toCsv(header, rows));
  });
  return chart;
}

const CSV_HEADER = ['unit_code', 'unit_name', 'indicator', 'from', 'to', 'value', 'numerator', 'denominator'];

/** @param {Figure | undefined} f @param {MetricDef} def */
function figureCells(f, def) {
  return [f?.value ?? '', f?.numerator ?? '', def.aggregation === 'RATE' ? (f?.denominator ?? '') : ''];
}

/** @param {Figure | null | undefined} cur @param {Figure | null | undefined} prev @param {MetricDef} def */
function delta(cur, prev, def) {
  if (cur?.value == null || prev?.value == null) return { text: t('noPrevious'), cls: '' };
  const diff = cur.value - prev.value;
  const arrow = diff > 0 ? '↑' : diff < 0 ? '↓' : '→';
  const cls = diff > 0 ? 'up' : diff < 0 ? 'down' : '';
  if (def.unit === '%') {
    const pp = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(Math.abs(diff));
    return { text: `${t('previous')} ${arrow} ${pp} ${currentLang() === 'zh' ? '个百分点' : 'pp'}`, cls };
  }
  const abs = formatValue(Math.abs(diff), def.unit, locale());
  const rel = prev.value !== 0 ? ` (${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format((Math.abs(diff) / Math.abs(prev.value)) * 100)}%)` : '';
  return { text: `${t('previous')} ${arrow} ${abs}${rel}`, cls };
}

/** The overview: tiles, the map (or the stations' bars) and the table of the units below. @param {Route} r @param {number} seq */
async function renderOverview(r, seq) {
  if (!session || !r.unit) return;
  const prev = previousWindow(r.from, r.to);
  const own = session.me.unit;
  // the user's own province or city: its map is known before the answer, so fetch it beside the query
  if (r.unit === String(own.id) && (own.level === 'PROVINCE' || own.level === 'CITY')) loadMap(own.level === 'PROVINCE' ? '370000' : adcodeOf(own.code)).catch(() => undefined);
  const data = await gql(OVERVIEW, {
    id: r.unit,
    ids: [r.unit],
    tiles: TILES.map(([k]) => k),
    metric: [r.metric],
    from: r.from,
    to: r.to,
    pfrom: prev.from,
    pto: prev.to,
  });
  await ensureEcharts();
  if (seq !== renderSeq) return;
  const { catalog } = session;
  const unit = data.unit;
  const def = catalog.get(r.metric);
  if (!def) throw new ApiError(`unknown indicator ${r.metric}`, 'BAD_USER_INPUT', 400);
  const cur = figuresByUnit(data.current, catalog).get(unit.id)?.figures;
  const before = figuresByUnit(data.previous, catalog).get(unit.id)?.figures;
  const children = [...figuresByUnit(data.children, catalog).values()];
  const hasChildren = children.length > 0 && !(children.length === 1 && children[0].unit.id === unit.id);

  const tiles = TILES.map(([key, label]) => {
    const d = catalog.get(key);
    const f = cur?.get(key);
    if (!d || !f) return '';
    const dl = delta(f, before?.get(key), d);
    return `<div class="tile" data-testid="tile-${key}" data-key="${key}" data-value="${esc(f.value)}" title="${esc(metricName(d))}: ${esc(d.formula)}">
      <div class="name">${esc(t(label))}</div>
      <div class="value">${esc(formatValue(f.value, d.unit, locale()))}</div>
      <div class="delta ${dl.cls}">${esc(dl.text)}</div></div>`;
  }).join('');

  const childLevel = LEVEL_ORDER[LEVEL_ORDER.indexOf(unit.level) + 1];
  const useMap = hasChildren && (unit.level === 'PROVINCE' || unit.level === 'CITY');
  const items = children.map((c) => ({ unitId: c.unit.id, code: c.unit.code, name: c.unit.name, value: c.figures.get(r.metric)?.value ?? null }));
  const empty = items.every((i) => i.value == null || i.value === 0);
  const title = `${metricName(def)} · ${useMap ? t('mapTitle') : childLevel === 'STATION' ? t('stationsTitle') : t('childrenTitle')}`;
  const mapCode = unit.level === 'PROVINCE' ? '370000' : adcodeOf(unit.code);
  /** adcode → region name of the map's features */
  /** @type {Map<string, string>} */
  let regions = new Map();
  if (useMap) {
    await loadMap(mapCode);
    if (seq !== renderSeq) return;
    regions = new Map(echarts.getMap(mapCode).geoJSON.features.map((/** @type {any} */ f) => [f.properties.name, f.properties.label]));
  }
  const onMap = { has: (/** @type {string} */ code) => regions.has(code) };
  const chartBody = !hasChildren
    ? `<p class="state" data-state="no-children">${esc(t('noChildren'))}</p>`
    : empty
      ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>`
      : `<div class="chart" id="chart-${useMap ? 'map' : 'bars'}"></div>`;
  const offMap = useMap ? items.filter((i) => !onMap.has(adcodeOf(i.code))) : [];
  const rows = items
    .map(
      (i) => `<tr class="clickable" data-unit="${esc(i.unitId)}" data-code="${esc(i.code)}"><td>${esc(i.code)}</td><td>${esc(i.name)}${offMap.includes(i) ? ' *' : ''}</td>
      <td class="num" data-value="${esc(i.value)}">${esc(formatValue(i.value, def.unit, locale()))}</td></tr>`,
    )
    .join('');
  const table = hasChildren
    ? `<div class="table-wrap"><table id="children-table"><thead><tr><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th><th class="num">${esc(metricName(def))}</th></tr></thead><tbody>${rows}</tbody></table></div>
       ${offMap.length ? `<p class="note">* ${esc(t('noMap'))}</p>` : ''}`
    : `<p class="state">${esc(t('noChildren'))}</p>`;

  const m = main();
  m.innerHTML = `${filters(r)}<div class="tiles" id="tiles">${tiles}</div>
    <div class="grid">${card(useMap ? 'map' : 'bars', title, chartBody, { png: hasChildren && !empty, csv: hasChildren })}${card('table', `${t('table')} · ${metricName(def)}`, table, { csv: hasChildren })}</div>`;
  bindFilters(r);
  crumbs(unit, r);
  const csv = () => ({ header: CSV_HEADER, rows: children.map((c) => [c.unit.code, c.unit.name, def.key, r.from, r.to, ...figureCells(c.figures.get(def.key), def)]) });
  if (hasChildren && !empty) {
    const option = useMap
      ? mapOption({ mapName: mapCode, items: items.filter((i) => onMap.has(adcodeOf(i.code))).map((i) => ({ ...i, region: regions.get(adcodeOf(i.code)) })), title: metricName(def), unit: def.unit, locale: locale(), high: HIGH_IS_BAD.test(def.key) ? 'bad' : 'neutral' })
      : barOption({ items, title: metricName(def), unit: def.unit, locale: locale() });
    const chart = mount(useMap ? 'map' : 'bars', option, csv, r);
    chart?.on('click', (/** @type {any} */ p) => {
      if (p.data?.unitId) go({ ...r, unit: String(p.data.unitId) });
    });
  } else mount(useMap ? 'map' : 'bars', null, csv, r);
  mount('table', null, csv, r);
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#children-table tr[data-unit]'))) {
    tr.addEventListener('click', () => go({ ...r, unit: String(tr.dataset.unit) }));
  }
}

/** The work view: per unit below, patrol coverage, overdue tasks and clues, complaints and notices on time. @param {Route} r @param {number} seq */
async function renderWork(r, seq) {
  if (!session || !r.unit) return;
  const keys = [...WORK_RATES, ...WORK_COUNTS];
  const data = await gql(WORK, { id: r.unit, ids: [r.unit], keys, from: r.from, to: r.to, ...dayRange(r.from, r.to) });
  await ensureEcharts();
  if (seq !== renderSeq) return;
  const { catalog } = session;
  const children = [...figuresByUnit(data.children, catalog).values()];
  const defs = keys.map((k) => catalog.get(k)).filter((d) => !!d);
  const units = children.map((c) => ({ unitId: c.unit.id, name: c.unit.name }));
  const series = (/** @type {string[]} */ ks) =>
    ks.map((k) => ({ title: metricName(/** @type {MetricDef} */ (catalog.get(k))), values: children.map((c) => c.figures.get(k)?.value ?? null) }));
  const empty = children.every((c) => keys.every((k) => c.figures.get(k)?.value == null || c.figures.get(k)?.value === 0));
  /** @type {any[]} */
  const reviews = data.reviews;
  const reviewOf = new Map(reviews.map((x) => [String(x.unit.id), x]));
  const reviewEmpty = reviews.every((x) => x.drafted === 0);
  const head = `<tr><th rowspan="2">${esc(t('code'))}</th><th rowspan="2">${esc(t('unit'))}</th>${defs
    .map((d) => `<th class="num" rowspan="2">${esc(metricName(d))}${d.unit === '%' ? ' (%)' : ''}</th>`)
    .join('')}<th colspan="${REVIEW_FIELDS.length}" class="group" id="review-group">${esc(t('reviewTitle'))}</th></tr>
    <tr>${REVIEW_FIELDS.map(([, label]) => `<th class="num">${esc(t(label))}</th>`).join('')}</tr>`;
  const reviewCells = (/** @type {string} */ unitId) => {
    const x = reviewOf.get(unitId);
    return REVIEW_FIELDS.map(([f]) => `<td class="num" data-review="${f}" data-value="${esc(x?.[f])}">${esc(x ? formatValue(x[f], '件', locale()) : '—')}</td>`).join('');
  };
  const rows = children
    .map(
      (c) => `<tr class="clickable" data-unit="${esc(c.unit.id)}"><td>${esc(c.unit.code)}</td><td>${esc(c.unit.name)}</td>${defs
        .map((d) => {
          const v = c.figures.get(d.key)?.value;
          return `<td class="num" data-key="${esc(d.key)}" data-value="${esc(v)}">${esc(formatValue(v, d.unit, locale()))}</td>`;
        })
        .join('')}${reviewCells(String(c.unit.id))}</tr>`,
    )
    .join('');
  const body = (/** @type {string} */ id) => (empty ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>` : `<div class="chart small" id="chart-${id}"></div>`);
  main().innerHTML = `${filters(r)}
    <div class="grid">${card('work-rates', `${t('workTitle')} · %`, body('work-rates'), { png: !empty, csv: true })}${card('work-counts', `${t('workTitle')} · ${currentLang() === 'zh' ? '件' : 'items'}`, body('work-counts'), { png: !empty, csv: true })}</div>
    <p></p>${card('work-reviews', `${t('reviewTitle')} · ${currentLang() === 'zh' ? '件' : 'items'}`, `${reviewEmpty ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>` : `<div class="chart small" id="chart-work-reviews"></div>`}<p class="note">${esc(t('reviewNote'))}</p>`, { png: !reviewEmpty, csv: true })}
    <p></p>${card('work-table', t('table'), `<div class="table-wrap"><table id="work-table"><thead>${head}</thead><tbody>${rows}</tbody></table></div>`, { csv: true })}`;
  bindFilters(r);
  crumbs(data.unit, r);
  const csv = () => ({
    header: CSV_HEADER,
    rows: children.flatMap((c) => defs.map((d) => [c.unit.code, c.unit.name, d.key, r.from, r.to, ...figureCells(c.figures.get(d.key), d)])),
  });
  for (const [id, ks, unit] of /** @type {const} */ ([['work-rates', WORK_RATES, '%'], ['work-counts', WORK_COUNTS, '件']])) {
    const chart = mount(id, empty ? null : groupedBarOption({ units, series: series([...ks]), unit, locale: locale() }), csv, r);
    chart?.on('click', (/** @type {any} */ p) => {
      const u = units[p.dataIndex];
      if (u) go({ ...r, unit: u.unitId });
    });
  }
  const reviewCsv = () => ({
    header: ['unit_code', 'unit_name', 'from', 'to', ...REVIEW_FIELDS.map(([f]) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))],
    rows: reviews.map((x) => [x.unit.code, x.unit.name, r.from, r.to, ...REVIEW_FIELDS.map(([f]) => x[f])]),
  });
  const reviewUnits = reviews.map((x) => ({ unitId: String(x.unit.id), name: x.unit.name }));
  const reviewChart = mount(
    'work-reviews',
    reviewEmpty
      ? null
      : groupedBarOption({
          units: reviewUnits,
          series: REVIEW_FIELDS.filter(([f]) => REVIEW_CHARTED.includes(f)).map(([f, label]) => ({ title: t(label), values: reviews.map((x) => x[f]) })),
          unit: '件',
          locale: locale(),
        }),
    reviewCsv,
    r,
  );
  reviewChart?.on('click', (/** @type {any} */ p) => {
    const u = reviewUnits[p.dataIndex];
    if (u && u.unitId !== r.unit) go({ ...r, unit: u.unitId });
  });
  mount('work-table', null, csv, r);
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#work-table tr[data-unit]'))) {
    tr.addEventListener('click', () => go({ ...r, unit: String(tr.dataset.unit) }));
  }
}

// ---- the market view (市场) ----

const MARKET = `query DashboardMarket($id: ID!, $ids: [ID!], $rules: [String!]!, $regional: [String!]!, $from: String!, $to: String!, $withCat: Boolean!) {
  ${UNIT_CHAIN}
  scope: unit(id: $id) { jurisdiction children @include(if: $withCat) { id code name jurisdiction } }
  rules { id nameZh nameEn }
  byRule: metrics(keys: $rules, unitIds: $ids, from: $from, to: $to, granularity: MONTH) { ${VALUE} }
  regions: metrics(keys: $regional, unitIds: $ids, children: true, from: $from, to: $to, granularity: MONTH) { ${VALUE} }
}`;
/** the regional indicators of the market view, monthly per unit below */
const MARKET_REGIONAL = ['average_price', 'listings_observed', 'price_observations'];
/** the biggest price moves shown: the API orders them by size, so the top of each region's list merged is the top overall */
const MOVES_SHOWN = 10;
const MOVE = 'kind amount percent observedAt regionCode shopId listingId before after shop { id name } listing { id title category }';

/**
 * The second request of the market view: per region prefix of the unit's jurisdiction, for the category chosen
 * (or all), its daily price index, its biggest price moves and the categories one level down; with a shop, its
 * listings' daily prices, snapshots and findings with the evidence captured.
 * @param {number} prefixes @param {boolean} withShop
 */
function marketDataQuery(prefixes, withShop) {
  const vars = ['$range: TimeRangeInput!', '$cat: String', '$withCat: Boolean!', ...Array.from({ length: prefixes }, (_, i) => `$r${i}: String!`)];
  if (withShop) vars.push('$shop: ID!', '$fromAt: DateTimeISO!', '$toAt: DateTimeISO!');
  const parts = Array.from(
    { length: prefixes },
    (_, i) => `
  i${i}: priceIndex(range: $range, regionCode: $r${i}, category: $cat) { day avgPrice listings observations }
  m${i}: priceMoves(range: $range, regionCode: $r${i}, category: $cat, first: ${MOVES_SHOWN}) { ${MOVE} }
  c${i}: marketCategories(regionCode: $r${i}, parent: $cat) { name path listings shops }
  n${i}: listingCounts(range: $range, regionCode: $r${i}, category: $cat) @include(if: $withCat) { day regionCode listings }`,
  );
  const shop = withShop
    ? `
  shop(id: $shop) { id name platform url regionCode
    listings(first: 50, includeRemoved: true) { totalCount nodes { id title category url removedAt priceHistory(range: $range, bucket: "1 day") { bucket avgPrice minPrice maxPrice observations } } }
    snapshots(range: $range, limit: 50) { observedAt title licenceName licenceUscc evidenceSha256 contentHash } }
  findings(filter: { shopId: $shop, from: $fromAt, to: $toAt }, first: 100) { totalCount nodes { id ruleId severity status observedAt detail trigger evidence listing { id title } captures { id kind url observedAt contentType sha256 bytes } } }`
    : '';
  return `query DashboardMarketData(${vars.join(', ')}) {${parts.join('')}${shop}\n}`;
}

/** YYYY-MM-DD of an ISO time (UTC: the store buckets days in UTC). @param {string} iso */
const utcDay = (iso) => new Date(iso).toISOString().slice(0, 10);
/** @param {string} iso */
const when = (iso) => new Date(iso).toLocaleString(locale(), { timeZone: 'Asia/Shanghai', hour12: false });

/**
 * The daily price index over several region prefixes: observations summed, the mean weighted by them (the
 * exact mean of every price), listings summed (a listing lies in one region).
 * @param {{day: string, avgPrice: number, listings: number, observations: number}[][]} parts
 */
function combineIndex(parts) {
  /** @type {Map<string, {sum: number, observations: number, listings: number}>} */
  const byDay = new Map();
  for (const part of parts) {
    for (const p of part) {
      const d = utcDay(p.day);
      const g = byDay.get(d) ?? { sum: 0, observations: 0, listings: 0 };
      g.sum += p.avgPrice * p.observations;
      g.observations += p.observations;
      g.listings += p.listings;
      byDay.set(d, g);
    }
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, g]) => ({ day, avgPrice: parts.length === 1 ? /** @type {number} */ (parts[0].find((p) => utcDay(p.day) === day)?.avgPrice) : g.sum / g.observations, listings: g.listings, observations: g.observations }));
}

/** The market: price index and listings, the regions below by month, the biggest price moves, findings by rule, a shop's prices. @param {Route} r @param {number} seq */
async function renderMarket(r, seq) {
  if (!session || !r.unit) return;
  if (monthCount(r.from, r.to) < 1) throw new ApiError(t('rangeInvalid'), 'BAD_USER_INPUT', 400);
  const { catalog, list } = session;
  const ruleKeys = list.filter((d) => d.family === 'findings_rule').map((d) => d.key);
  const meta = await gql(MARKET, { id: r.unit, ids: [r.unit], rules: ruleKeys, regional: MARKET_REGIONAL, from: r.from, to: r.to, withCat: !!r.cat });
  if (seq !== renderSeq) return;
  /** @type {string[]} */
  const prefixes = meta.scope.jurisdiction;
  const range = { from: `${r.from}-01T00:00:00.000Z`, to: `${addMonths(r.to, 1)}-01T00:00:00.000Z` };
  /** @type {Record<string, unknown>} */
  const vars = { range, cat: r.cat, withCat: !!r.cat };
  prefixes.forEach((p, i) => (vars[`r${i}`] = p));
  if (r.shop) Object.assign(vars, { shop: r.shop, fromAt: range.from, toAt: range.to });
  const data = await gql(marketDataQuery(prefixes.length, !!r.shop), vars);
  await ensureEcharts();
  if (seq !== renderSeq) return;

  const unit = meta.unit;
  const months = Array.from({ length: monthCount(r.from, r.to) }, (_, i) => addMonths(r.from, i));
  /** @type {Map<string, {nameZh: string, nameEn: string}>} */
  const ruleNames = new Map(meta.rules.map((/** @type {any} */ x) => [x.id, x]));
  const ruleName = (/** @type {string} */ id) => {
    const x = ruleNames.get(id);
    return x ? (currentLang() === 'zh' ? x.nameZh : x.nameEn) : id;
  };

  // the daily index
  const index = combineIndex(prefixes.map((_, i) => data[`i${i}`]));
  // the regions below by month
  /** @type {Map<string, {unit: UnitRef, byKey: Map<string, Map<string, MetricRow>>}>} */
  const regions = new Map();
  for (const row of /** @type {MetricRow[]} */ (meta.regions)) {
    const g = regions.get(row.unit.id) ?? { unit: row.unit, byKey: new Map() };
    const m = g.byKey.get(row.key) ?? new Map();
    m.set(row.period, row);
    g.byKey.set(row.key, m);
    regions.set(row.unit.id, g);
  }
  const regionSeries = (/** @type {string} */ key) => [...regions.values()].map((g) => ({ name: g.unit.name, unitId: g.unit.id, values: months.map((m) => g.byKey.get(key)?.get(m)?.value ?? null) }));
  const priceSeries = regionSeries('average_price');
  // with a category: the listings of it observed per day in each unit below (the counties' rows of each unit's jurisdiction summed)
  /** @type {{day: string, regionCode: string, listings: number}[]} */
  const catCounts = r.cat ? prefixes.flatMap((_, i) => /** @type {any[]} */ (data[`n${i}`]).map((x) => ({ day: utcDay(x.day), regionCode: x.regionCode, listings: x.listings }))) : [];
  const catDays = [...new Set(catCounts.map((x) => x.day))].sort();
  /** @type {{name: string, unitId: string, code: string, values: (number | null)[]}[]} */
  const catSeries = r.cat
    ? /** @type {any[]} */ (meta.scope.children ?? []).map((c) => {
        const byDay = new Map();
        for (const x of catCounts) if (c.jurisdiction.some((/** @type {string} */ j) => x.regionCode.startsWith(j))) byDay.set(x.day, (byDay.get(x.day) ?? 0) + x.listings);
        return { name: c.name, unitId: c.id, code: c.code, values: catDays.map((d) => byDay.get(d) ?? null) };
      })
    : [];
  const listingSeries = r.cat ? catSeries : regionSeries('listings_observed');
  // findings by rule by month (the unit's subtree)
  /** @type {Map<string, Map<string, number | null>>} */
  const byRule = new Map();
  for (const row of /** @type {MetricRow[]} */ (meta.byRule)) {
    const m = byRule.get(row.key) ?? new Map();
    m.set(row.period, row.value);
    byRule.set(row.key, m);
  }
  const ruleSeries = ruleKeys
    .map((k) => ({ key: k, name: ruleName(k.replace(/^findings_rule:/, '')), values: months.map((m) => byRule.get(k)?.get(m) ?? null) }))
    .filter((x) => x.values.some((v) => (v ?? 0) > 0));
  // the biggest price moves: each region's biggest, merged
  /** @type {any[]} */
  const moves = prefixes.flatMap((_, i) => data[`m${i}`]);
  const top = [...moves].sort((a, b) => Math.abs(b.percent) - Math.abs(a.percent) || b.observedAt.localeCompare(a.observedAt)).slice(0, MOVES_SHOWN);
  // the categories one level below the one chosen (all regions of the jurisdiction summed: a listing lies in one)
  /** @type {Map<string, {name: string, path: string, listings: number, shops: number}>} */
  const categoryMap = new Map();
  for (const c of prefixes.flatMap((_, i) => /** @type {any[]} */ (data[`c${i}`]))) {
    const g = categoryMap.get(c.path) ?? { name: c.name, path: c.path, listings: 0, shops: 0 };
    g.listings += c.listings;
    g.shops += c.shops;
    categoryMap.set(c.path, g);
  }
  const categories = [...categoryMap.values()].sort((a, b) => b.listings - a.listings || a.path.localeCompare(b.path));
  const catSegments = r.cat ? r.cat.split('/') : [];
  const catOptions = [
    `<option value="">${esc(t('allCategories'))}</option>`,
    ...catSegments.map((_, i) => {
      const path = catSegments.slice(0, i + 1).join('/');
      return `<option value="${esc(path)}"${path === r.cat ? ' selected' : ''}>${esc(path.replaceAll('/', ' › '))}</option>`;
    }),
    ...categories.map((c) => `<option value="${esc(c.path)}">${esc(c.path.replaceAll('/', ' › '))} (${esc(formatValue(c.listings, '', locale()))})</option>`),
  ].join('');
  const categorySelect = `<label>${esc(t('category'))}<select name="cat" id="category-select">${catOptions}</select></label>`;
  const catTitle = r.cat ? ` · ${r.cat.replaceAll('/', ' › ')}` : '';
  const moveLabel = (/** @type {any} */ m) => `${m.shop?.name ?? `#${m.shopId}`} · ${m.listing?.title ?? `#${m.listingId}`}`;

  const body = (/** @type {string} */ id, /** @type {boolean} */ empty, small = true) => (empty ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>` : `<div class="chart${small ? ' small' : ''}" id="chart-${id}"></div>`);
  const money = (/** @type {number | null | undefined} */ v) => formatValue(v, '元', locale());
  const movesRows = top
    .map(
      (m) => `<tr class="clickable" data-shop="${esc(m.shopId)}" data-listing="${esc(m.listingId ?? '')}" data-percent="${esc(m.percent)}">
        <td>${esc(when(m.observedAt))}</td><td>${esc(m.shop?.name ?? `#${m.shopId}`)}</td><td>${esc(m.listing?.title ?? '')}</td><td>${esc(m.listing?.category ?? '')}</td>
        <td class="num">${esc(money(/** @type {any} */ (m.before)?.price))}</td><td class="num">${esc(money(/** @type {any} */ (m.after)?.price))}</td>
        <td class="num ${m.percent > 0 ? 'up' : 'down'}">${m.percent > 0 ? '+' : ''}${esc(formatValue(m.percent, '', locale()))}%</td></tr>`,
    )
    .join('');
  const movesNote = t('movesNote').replace('{k}', String(top.length));
  const movesTable = top.length
    ? `<p class="note" id="moves-note">${esc(movesNote)}</p><div class="table-wrap"><table id="moves-table"><thead><tr><th>${esc(t('observedAt'))}</th><th>${esc(t('shop'))}</th><th>${esc(t('listing'))}</th><th></th>
        <th class="num">${esc(t('before'))}</th><th class="num">${esc(t('after'))}</th><th class="num">${esc(t('change'))}</th></tr></thead><tbody>${movesRows}</tbody></table></div>`
    : '';

  // the shop
  const shop = data.shop ?? null;
  /** @type {any[]} */
  const listings = shop?.listings.nodes ?? [];
  const listing = listings.find((l) => l.id === r.listing) ?? listings.find((l) => l.priceHistory.length > 0) ?? listings[0] ?? null;
  /** @type {any[]} */
  const findings = data.findings?.nodes ?? [];
  /** @type {any[]} */
  const points = listing?.priceHistory ?? [];
  const days = points.map((p) => utcDay(p.bucket));
  const maxes = points.map((p) => p.maxPrice);
  const base = basePriceLine(days, maxes);
  const onListing = findings.filter((f) => listing && f.listing?.id === listing.id && days.includes(utcDay(f.observedAt)));
  const shopSection = !r.shop
    ? `<p class="state" data-state="no-shop">${esc(t('noShop'))}</p>`
    : `${
        listings.length
          ? `<form class="filters" id="listing-form"><label>${esc(t('listing'))}<select id="listing-select">${listings
              .map((l) => `<option value="${esc(l.id)}"${l === listing ? ' selected' : ''}>${esc(l.title ?? `#${l.id}`)}${l.category ? ` · ${esc(l.category)}` : ''}</option>`)
              .join('')}</select></label></form>`
          : `<p class="state">${esc(t('noListings'))}</p>`
      }
      ${listing ? body('market-shop', points.length === 0, false) : ''}
      <p class="note">${esc(t('basePriceNote'))}</p>`;
  const findingRows = findings
    .map(
      (f) => `<tr data-finding="${esc(f.id)}" data-listing="${esc(f.listing?.id ?? '')}" data-evidence="${esc(f.evidence.join(' '))}">
        <td>${esc(when(f.observedAt))}</td><td>${esc(ruleName(f.ruleId))}</td><td data-severity="${esc(f.severity)}">${esc(t(/** @type {any} */ (`sev${f.severity}`)))}</td><td data-status="${esc(f.status)}">${esc(t(/** @type {any} */ (`st${f.status}`)))}</td>
        <td>${esc(f.listing?.title ?? '')}</td><td>${esc(f.detail)}</td>
        <td class="hash">${f.evidence.map((/** @type {string} */ h) => evidenceButton(h, f.captures.find((/** @type {any} */ c) => c.sha256 === h))).join(' ')}</td></tr>`,
    )
    .join('');
  const snapshotRows = (shop?.snapshots ?? [])
    .map(
      (/** @type {any} */ x) => `<tr data-evidence="${esc(x.evidenceSha256 ?? '')}"><td>${esc(when(x.observedAt))}</td><td>${esc(x.title ?? '')}</td><td>${esc(x.licenceName ?? '')}</td>
        <td class="hash">${x.evidenceSha256 ? evidenceButton(x.evidenceSha256, { kind: 'response', observedAt: x.observedAt }) : ''}</td></tr>`,
    )
    .join('');
  const shopCards = r.shop
    ? `<div class="grid">${card('shop-findings', `${t('findingsOf')} · ${shop?.name ?? ''} (${data.findings?.totalCount ?? 0})`, findings.length ? `<div class="table-wrap"><table id="findings-table"><thead><tr><th>${esc(t('observedAt'))}</th><th>${esc(t('rule'))}</th><th>${esc(t('severity'))}</th><th>${esc(t('status'))}</th><th>${esc(t('listing'))}</th><th>${esc(t('detail'))}</th><th>${esc(t('evidence'))}</th></tr></thead><tbody>${findingRows}</tbody></table></div>` : `<p class="state" data-state="empty">${esc(t('empty'))}</p>`, { csv: true })}
       ${card('shop-snapshots', t('snapshots'), snapshotRows ? `<div class="table-wrap"><table id="snapshots-table"><thead><tr><th>${esc(t('observedAt'))}</th><th>${esc(t('pageTitle'))}</th><th>${esc(t('licence'))}</th><th>${esc(t('evidence'))}</th></tr></thead><tbody>${snapshotRows}</tbody></table></div>` : `<p class="state" data-state="empty">${esc(t('empty'))}</p>`, {})}</div>`
    : '';

  main().innerHTML = `${filters(r, categorySelect)}
    <div class="grid">${card('market-index', `${t('marketIndex')}${catTitle}`, body('market-index', index.length === 0), { png: index.length > 0, csv: true })}
      ${card('market-categories', `${r.cat ? t('marketSubcategories') : t('marketCategories')}${catTitle}`, body('market-categories', categories.length === 0), { png: categories.length > 0, csv: true })}</div><p></p>
    <div class="grid">
      ${card('market-rules', `${t('marketRules')}${r.cat ? ` · ${t('allCategories')}` : ''}`, body('market-rules', ruleSeries.length === 0), { png: ruleSeries.length > 0, csv: true })}</div><p></p>
    <div class="grid">${card('market-regions', `${t('marketRegions')}${r.cat ? ` · ${t('allCategories')}` : ''}`, body('market-regions', priceSeries.every((x) => x.values.every((v) => v == null))), { png: true, csv: true })}
      ${card('market-region-listings', r.cat ? `${t('marketRegionListingsDaily')}${catTitle}` : t('marketRegionListings'), body('market-region-listings', listingSeries.every((x) => x.values.every((v) => !v))), { png: true, csv: true })}</div><p></p>
    <div class="grid">${card('market-moves', `${t('marketMoves')}${catTitle}`, `${body('market-moves', top.length === 0)}${movesTable}`, { png: top.length > 0, csv: true })}
      ${card('market-shop', `${t('priceHistory')}${shop ? ` · ${shop.name}` : ''}${listing ? ` · ${listing.title ?? ''}` : ''}`, shopSection, { png: points.length > 0, csv: points.length > 0 })}</div><p></p>
    ${shopCards}`;
  bindFilters(r);
  crumbs(unit, r);

  mount(
    'market-index',
    index.length ? priceIndexOption({ days: index.map((x) => x.day), avgPrice: index.map((x) => x.avgPrice), listings: index.map((x) => x.listings), priceName: t('avgPrice'), listingsName: t('listingsObserved'), locale: locale() }) : null,
    () => ({ header: ['unit_code', 'category', 'day', 'avg_price', 'listings', 'observations'], rows: index.map((x) => [unit.code, r.cat ?? '', x.day, x.avgPrice, x.listings, x.observations]) }),
    r,
  );
  const categoriesChart = mount(
    'market-categories',
    categories.length ? categoryBarsOption({ names: categories.map((c) => c.name), paths: categories.map((c) => c.path), listings: categories.map((c) => c.listings), shops: categories.map((c) => c.shops), listingsName: t('listingsNow'), shopsName: t('shopsNow'), locale: locale() }) : null,
    () => ({ header: ['unit_code', 'category', 'listings', 'shops'], rows: categories.map((c) => [unit.code, c.path, c.listings, c.shops]) }),
    r,
  );
  categoriesChart?.on('click', (/** @type {any} */ p) => {
    const path = p.data?.path;
    if (path) go({ ...r, cat: path });
  });
  mount(
    'market-rules',
    ruleSeries.length ? monthlySeriesOption({ months, series: ruleSeries, unit: '件', locale: locale(), kind: 'stack' }) : null,
    () => ({ header: ['unit_code', 'month', 'indicator', 'value'], rows: ruleKeys.flatMap((k) => months.map((m) => [unit.code, m, k, byRule.get(k)?.get(m) ?? ''])) }),
    r,
  );
  const regionCsv = () => ({
    header: ['unit_code', 'unit_name', 'month', 'indicator', 'value', 'numerator', 'denominator'],
    rows: [...regions.values()].flatMap((g) =>
      MARKET_REGIONAL.flatMap((k) =>
        months.map((m) => {
          const row = g.byKey.get(k)?.get(m);
          return [g.unit.code, g.unit.name, m, k, row?.value ?? '', row?.numerator ?? '', catalog.get(k)?.aggregation === 'RATE' ? (row?.denominator ?? '') : ''];
        }),
      ),
    ),
  });
  const catCsv = () => ({
    header: ['unit_code', 'unit_name', 'category', 'day', 'listings'],
    rows: catSeries.flatMap((x) => catDays.map((d, k) => [x.code, x.name, r.cat ?? '', d, x.values[k] ?? ''])),
  });
  for (const [id, series, unitName, kind, counts, labels, csv] of /** @type {const} */ ([
    ['market-regions', priceSeries, '元', 'line', false, months, regionCsv],
    ['market-region-listings', listingSeries, '个', r.cat ? 'line' : 'stack', true, r.cat ? catDays : months, r.cat ? catCsv : regionCsv],
  ])) {
    const chart = mount(id, monthlySeriesOption({ months: [...labels], series, unit: unitName, locale: locale(), kind, counts }), csv, r);
    chart?.on('click', (/** @type {any} */ p) => {
      const s = series.find((x) => shortName(x.name) === p.seriesName);
      if (s) go({ ...r, unit: s.unitId, shop: null, listing: null });
    });
  }
  const movesChart = mount(
    'market-moves',
    top.length ? movesOption({ moves: top.map((m) => ({ label: moveLabel(m), percent: m.percent, amount: m.amount, shopId: m.shopId, listingId: m.listingId })), locale: locale() }) : null,
    () => ({
      header: ['observed_at', 'kind', 'region_code', 'shop_id', 'shop_name', 'listing_id', 'listing_title', 'category', 'price_before', 'price_after', 'amount', 'percent'],
      rows: top.map((m) => [m.observedAt, m.kind, m.regionCode, m.shopId, m.shop?.name ?? '', m.listingId ?? '', m.listing?.title ?? '', m.listing?.category ?? '', m.before?.price ?? '', m.after?.price ?? '', m.amount ?? '', m.percent]),
    }),
    r,
  );
  movesChart?.on('click', (/** @type {any} */ p) => {
    if (p.data?.shopId) go({ ...r, shop: String(p.data.shopId), listing: p.data.listingId ? String(p.data.listingId) : null });
  });
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#moves-table tr[data-shop]'))) {
    tr.addEventListener('click', () => go({ ...r, shop: String(tr.dataset.shop), listing: tr.dataset.listing || null }));
  }
  mount(
    'market-shop',
    listing && points.length
      ? priceHistoryOption({
          days,
          avg: points.map((p) => p.avgPrice),
          min: points.map((p) => p.minPrice),
          max: points.map((p) => p.maxPrice),
          base,
          findings: onListing.map((f) => ({ id: f.id, day: utcDay(f.observedAt), name: ruleName(f.ruleId), value: Number(f.trigger?.originalPrice ?? f.trigger?.price ?? points[days.indexOf(utcDay(f.observedAt))].avgPrice) })),
          names: { avg: t('avgPrice'), min: t('minPrice'), max: t('maxPrice'), base: t('basePrice'), findings: t('findingsOf') },
          locale: locale(),
        })
      : null,
    () => ({
      header: ['shop_id', 'listing_id', 'day', 'avg_price', 'min_price', 'max_price', 'observations', 'base_price_7d'],
      rows: points.map((p, i) => [shop?.id ?? '', listing?.id ?? '', days[i], p.avgPrice, p.minPrice, p.maxPrice, p.observations, base[i] ?? '']),
    }),
    r,
  );
  mount('shop-findings', null, () => ({
    header: ['finding_id', 'observed_at', 'rule_id', 'severity', 'status', 'listing_id', 'detail', 'evidence_sha256'],
    rows: findings.map((f) => [f.id, f.observedAt, f.ruleId, f.severity, f.status, f.listing?.id ?? '', f.detail, f.evidence.join(' ')]),
  }), r);
  $('#listing-select')?.addEventListener('change', (ev) => go({ ...r, listing: /** @type {HTMLSelectElement} */ (ev.target).value }));
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button.evidence'))) {
    b.addEventListener('click', async () => {
      try {
        downloadBlob(String(b.dataset.name), await fetchFile(`/files/${b.dataset.sha}`));
      } catch (e) {
        showBanner(`${t('evidenceFailed')}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }
}

/** File name extensions of the capture types the crawlers keep. */
const CAPTURE_EXT = /** @type {Record<string, string>} */ ({ 'text/html': 'html', 'image/png': 'png', 'image/jpeg': 'jpg', 'application/json': 'json', 'text/plain': 'txt', 'application/pdf': 'pdf' });

/**
 * A button that downloads one evidence capture by its SHA-256 (served to those who may see the shop only), named
 * by what it is when the capture is known. @param {string} sha @param {{kind?: string, observedAt?: string, contentType?: string | null} | undefined} capture
 */
function evidenceButton(sha, capture) {
  const ext = CAPTURE_EXT[String(capture?.contentType ?? '').split(';')[0].trim()] ?? (capture?.kind === 'screenshot' ? 'png' : capture?.kind ? 'html' : 'bin');
  const kindKey = /** @type {any} */ (`capture_${capture?.kind}`);
  const label = capture?.kind ? `${t(kindKey) === kindKey ? capture.kind : t(kindKey)} · ${sha.slice(0, 8)}` : `${sha.slice(0, 12)}…`;
  return `<button type="button" class="evidence" data-sha="${esc(sha)}" data-name="${esc(`evidence-${sha.slice(0, 16)}.${ext}`)}" title="${esc(`SHA-256 ${sha}${capture?.observedAt ? ` · ${when(capture.observedAt)}` : ''}`)}">${esc(label)}</button>`;
}

// ---- the assessment view (考核) ----

/** a unit's result as the ranking shows it; the unit explained also gets its sentence (`explanation explanationEn`) */
const RANKING_ROW = `unit { ${UNIT} } year level total itemsTotal bonusTotal maxTotal rank peerCount siblingRank siblingCount provisional throughMonth`;
const RESULT_ROW = `${RANKING_ROW} explanation explanationEn`;
const ITEM = 'key nameZh nameEn category indicator value rawValue numerator denominator target ruleKind ruleZh ruleEn points max missing explanation explanationEn';
const BONUS = 'key nameZh nameEn count pointsEach points max explanation explanationEn';
/** the unit explained: its result with every item's rule and sentence and its bonus items */
const EXPLAINED = `{ ${RESULT_ROW} items { ${ITEM} } bonus { ${BONUS} } }`;
const ASSESSMENT_EXPLAINED = `query DashboardAssessmentExplained($sel: ID!, $year: Int!) {
  selected: assessmentResult(unitId: $sel, year: $year) ${EXPLAINED}
}`;
/** what the ranking's charts and CSV use of each unit's items (the rules and sentences come with the unit explained only) */
const RANKING_ITEM = 'key nameZh nameEn indicator value target points max';
const ASSESSMENT = `query DashboardAssessment($id: ID!, $year: Int!, $vs: Int!, $withVs: Boolean!, $level: UnitLevel, $parent: ID, $sel: ID!, $withSel: Boolean!) {
  ${UNIT_CHAIN}
  ranking: assessmentResults(year: $year, level: $level, parentUnitId: $parent) { ${RANKING_ROW} items { ${RANKING_ITEM} } }
  before: assessmentResults(year: $vs, level: $level, parentUnitId: $parent) @include(if: $withVs) { ${RANKING_ROW} }
  selected: assessmentResult(unitId: $sel, year: $year) @include(if: $withSel) ${EXPLAINED}
}`;
/** the years offered by the pickers: this year and the five before */
const assessmentYears = () => {
  const y = Number(chinaMonth().slice(0, 4));
  return Array.from({ length: 6 }, (_, i) => y - i);
};

/** The filter bar of the assessment view: year, comparison year, whose ranking. @param {Route} r */
function assessmentFilters(r) {
  const years = (/** @type {number | null} */ chosen, /** @type {boolean} */ none) =>
    `${none ? `<option value=""${chosen == null ? ' selected' : ''}>${esc(t('noCompare'))}</option>` : ''}${assessmentYears()
      .map((y) => `<option value="${y}"${y === chosen ? ' selected' : ''}>${y}</option>`)
      .join('')}`;
  const scopes = [['', t('scopeChildren')], ...ASSESSED_LEVELS.map((l) => [l, t(/** @type {any} */ (`level${l}`))])]
    .map(([v, label]) => `<option value="${v}"${(r.level ?? '') === v ? ' selected' : ''}>${esc(label)}</option>`)
    .join('');
  return `<form class="filters" id="filters">
    <label>${esc(t('year'))}<select name="year" id="year">${years(r.year, false)}</select></label>
    <label>${esc(t('compareYear'))}<select name="vs" id="vs">${years(r.vs, true)}</select></label>
    <label>${esc(t('scope'))}<select name="level" id="level">${scopes}</select></label>
  </form><nav class="crumbs" id="crumbs"></nav>`;
}

/** A change of year, comparison year or ranking scope navigates at once. @param {Route} r */
function bindAssessmentFilters(r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  form.addEventListener('change', () => {
    const d = new FormData(form);
    const vsv = String(d.get('vs') ?? '');
    go({ ...r, year: Number(d.get('year')), vs: vsv ? Number(vsv) : null, level: String(d.get('level') ?? '') || null, sel: null });
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());
}

/** The filter bar of the report view: the month (empty: every month). @param {Route} r */
function reportFilters(r) {
  const canGenerate = !!session?.me.permissions.includes('reports:generate');
  return `<form class="filters" id="filters">
      <label>${esc(t('reportMonth'))}<input type="month" name="month" id="report-month" value="${esc(r.month ?? '')}"></label>
      <button type="submit">${esc(t('apply'))}</button>
    </form>${
      canGenerate
        ? `<form class="filters" id="generate-form">
      <label>${esc(t('generateMonth'))}<input type="month" name="month" id="generate-month" value="${esc(r.month ?? addMonths(chinaMonth(), -1))}" max="${esc(chinaMonth())}" required></label>
      <label class="check"><input type="checkbox" name="subtree" id="generate-subtree">${esc(t('generateSubtree'))}</label>
      <button type="submit" id="generate-report">${esc(t('generateReport'))}</button>
    </form>`
        : ''
    }<nav class="crumbs" id="crumbs"></nav>`;
}

const GENERATE_REPORT = `mutation DashboardGenerateReport($month: String!, $unitId: ID!, $subtree: Boolean) {
  generateMonthlyReport(month: $month, unitId: $unitId, subtree: $subtree) { month units files ms queued }
}`;

/** @param {Route} r */
function bindReportFilters(r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const month = String(new FormData(form).get('month') ?? '');
    go({ ...r, month: isMonth(month) ? month : null, rep: null });
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
      noticeNext = t(res.queued ? 'generatedQueued' : 'generated')
        .replace('{month}', res.month)
        .replace('{units}', String(res.units))
        .replace('{files}', String(res.files))
        .replace('{ms}', String(res.ms));
      go({ ...r, month: res.month, rep: null });
    } catch (e) {
      button.disabled = false;
      button.textContent = t('generateReport');
      showBanner(`${t('error')}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/** A score for people: two decimals. @param {number | null | undefined} v */
const points = (v) => (v == null ? '—' : new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v));

/** An item's value or target as scored: a rate in [0, 1] as a percentage, a count as it is. @param {number | null | undefined} v @param {string} indicator */
function itemValue(v, indicator) {
  if (v == null) return '—';
  return session?.catalog.get(indicator)?.aggregation === 'RATE' ? formatValue(v * 100, '%', locale()) : formatValue(v, '', locale());
}

/**
 * The assessment: the ranking of the units below (ranked among siblings) or of every visible unit of a level
 * (ranked province-wide), each indicator's points per unit, one unit's score explained, and the ranking
 * against another year. One request. @param {Route} r @param {number} seq
 */
async function renderAssessment(r, seq) {
  if (!session || !r.unit) return;
  const vs = r.vs != null && r.vs !== r.year ? r.vs : null;
  const data = await gql(ASSESSMENT, {
    id: r.unit,
    year: r.year,
    vs: vs ?? r.year,
    withVs: vs != null,
    level: r.level,
    parent: r.level ? null : r.unit,
    sel: r.sel ?? r.unit,
    withSel: !!r.sel,
  });
  await ensureEcharts();
  if (seq !== renderSeq) return;
  const zh = currentLang() === 'zh';
  const name = (/** @type {{nameZh: string, nameEn: string}} */ x) => (zh ? x.nameZh : x.nameEn);
  /** @type {any[]} */
  const ranking = data.ranking;
  // no unit chosen: the first ranked is explained, its rules and sentences fetched on their own
  if (!data.selected && ranking.length) {
    data.selected = (await gql(ASSESSMENT_EXPLAINED, { sel: ranking[0].unit.id, year: r.year })).selected;
    if (seq !== renderSeq) return;
  }
  /** @type {any[]} */
  const before = data.before ?? [];
  const byLevel = !!r.level;
  const rankOf = (/** @type {any} */ a) => (byLevel ? a.rank : a.siblingRank);
  const countOf = (/** @type {any} */ a) => (byLevel ? a.peerCount : a.siblingCount);
  const selected = data.selected ?? null;
  const empty = ranking.length === 0;
  const units = ranking.map((a) => ({ unitId: a.unit.id, name: a.unit.name }));
  const itemKeys = [...new Map(ranking.flatMap((a) => a.items.map((/** @type {any} */ i) => [i.key, i]))).values()];
  const pointSeries = itemKeys.map((k) => ({ key: k.key, title: name(k), values: ranking.map((a) => a.items.find((/** @type {any} */ i) => i.key === k.key)?.points ?? null) }));
  const provisional = ranking.find((a) => a.provisional);
  const stem = (/** @type {string} */ id) => `hongdun-${id}-${r.year}${vs ? `_${vs}` : ''}`;

  const rows = ranking
    .map(
      (a) => `<tr class="clickable${selected && a.unit.id === selected.unit.id ? ' selected' : ''}" data-unit="${esc(a.unit.id)}" data-code="${esc(a.unit.code)}" data-rank="${esc(rankOf(a))}" data-total="${esc(a.total)}">
        <td class="num">${esc(rankOf(a))}/${esc(countOf(a))}</td><td>${esc(a.unit.code)}</td><td>${esc(a.unit.name)}</td>
        <td class="num">${esc(points(a.itemsTotal))}</td><td class="num">${esc(points(a.bonusTotal))}</td><td class="num"><strong>${esc(points(a.total))}</strong></td>
        <td>${!byLevel && a.unit.level !== 'STATION' ? `<a class="drill" href="${esc(hrefOf({ ...r, unit: a.unit.id, sel: null }))}">${esc(t('childrenTitle'))} ›</a>` : ''}</td></tr>`,
    )
    .join('');
  const rankingTable = `<div class="table-wrap"><table id="ranking-table"><thead><tr><th class="num">${esc(t('rank'))}</th><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th>
    <th class="num">${esc(t('itemsTotal'))}</th><th class="num">${esc(t('bonusTotal'))}</th><th class="num">${esc(t('score'))}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`;

  const itemRows = (selected?.items ?? [])
    .map(
      (/** @type {any} */ i) => `<tr data-key="${esc(i.key)}" data-indicator="${esc(i.indicator)}" data-value="${esc(i.value)}" data-target="${esc(i.target)}" data-points="${esc(i.points)}" data-max="${esc(i.max)}">
        <td>${esc(name(i))}</td><td class="num">${esc(itemValue(i.value, i.indicator))}</td><td class="num">${esc(itemValue(i.target, i.indicator))}</td>
        <td>${esc(zh ? i.ruleZh : i.ruleEn)}</td><td class="num"><strong>${esc(points(i.points))}</strong></td><td class="num">${esc(points(i.max))}</td>
        <td class="explain">${esc(zh ? i.explanation : i.explanationEn)}</td></tr>`,
    )
    .join('');
  const bonusRows = (selected?.bonus ?? [])
    .map(
      (/** @type {any} */ b) => `<tr data-bonus="${esc(b.key)}" data-points="${esc(b.points)}"><td>${esc(t('bonusItems'))} · ${esc(name(b))}</td><td class="num">${esc(b.count)}</td><td></td><td></td>
        <td class="num"><strong>${esc(points(b.points))}</strong></td><td class="num">${esc(points(b.max))}</td><td class="explain">${esc(zh ? b.explanation : b.explanationEn)}</td></tr>`,
    )
    .join('');
  const explanation = selected
    ? `<p class="summary" id="explanation-total" data-unit="${esc(selected.unit.id)}" data-total="${esc(selected.total)}"><strong>${esc(selected.unit.name)}</strong> · ${esc(t('rankProvince'))} ${esc(selected.rank)}/${esc(selected.peerCount)} · ${esc(t('rankSiblings'))} ${esc(selected.siblingRank)}/${esc(selected.siblingCount)} · ${esc(zh ? selected.explanation : selected.explanationEn)}</p>
      <div class="table-wrap"><table id="explanation-table"><thead><tr><th>${esc(t('indicatorCol'))}</th><th class="num">${esc(t('valueCol'))}</th><th class="num">${esc(t('targetCol'))}</th><th>${esc(t('ruleCol'))}</th>
      <th class="num">${esc(t('pointsCol'))}</th><th class="num">${esc(t('maxCol'))}</th><th></th></tr></thead><tbody>${itemRows}${bonusRows}</tbody></table></div>`
    : `<p class="state" data-state="empty">${esc(t('noResults'))}</p>`;

  /** the comparison: the same units in both years */
  const prior = new Map(before.map((b) => [b.unit.id, b]));
  const compared = ranking.map((a) => {
    const b = prior.get(a.unit.id);
    return { a, b, scoreChange: b ? Math.round((a.total - b.total) * 100) / 100 : null, rankChange: b ? rankOf(b) - rankOf(a) : null };
  });
  const signed = (/** @type {number | null} */ v, /** @type {(v: number) => string} */ f) => (v == null ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${f(Math.abs(v))}`);
  const compareRows = compared
    .map(
      ({ a, b, scoreChange, rankChange }) => `<tr data-unit="${esc(a.unit.id)}" data-code="${esc(a.unit.code)}" data-total-a="${esc(a.total)}" data-rank-a="${esc(rankOf(a))}" data-total-b="${esc(b?.total)}" data-rank-b="${esc(b ? rankOf(b) : '')}" data-score-change="${esc(scoreChange)}" data-rank-change="${esc(rankChange)}">
        <td>${esc(a.unit.name)}</td><td class="num">${esc(points(a.total))}</td><td class="num">${esc(rankOf(a))}</td><td class="num">${esc(points(b?.total))}</td><td class="num">${esc(b ? rankOf(b) : '—')}</td>
        <td class="num ${scoreChange != null && scoreChange > 0 ? 'down' : scoreChange != null && scoreChange < 0 ? 'up' : ''}">${esc(signed(scoreChange, (v) => points(v)))}</td>
        <td class="num">${esc(signed(rankChange, (v) => String(v)))}</td></tr>`,
    )
    .join('');
  const compareSection = vs
    ? card(
        'assessment-compare',
        `${t('comparison')} · ${r.year} / ${vs}`,
        `${empty ? `<p class="state" data-state="empty">${esc(t('noResults'))}</p>` : `<div class="chart small" id="chart-assessment-compare"></div>`}
        <div class="table-wrap"><table id="compare-table"><thead><tr><th>${esc(t('unit'))}</th><th class="num">${r.year} ${esc(t('score'))}</th><th class="num">${r.year} ${esc(t('rank'))}</th>
        <th class="num">${vs} ${esc(t('score'))}</th><th class="num">${vs} ${esc(t('rank'))}</th><th class="num">${esc(t('scoreChange'))}</th><th class="num">${esc(t('rankChange'))}</th></tr></thead><tbody>${compareRows}</tbody></table></div>`,
        { png: !empty, csv: true },
      )
    : '';

  const chartBody = (/** @type {string} */ id) => (empty ? `<p class="state" data-state="empty">${esc(t('noResults'))}</p>` : `<div class="chart small" id="chart-${id}"></div>`);
  main().innerHTML = `${assessmentFilters(r)}
    ${provisional ? `<p class="note" id="provisional">${esc(t('provisional').replace('{m}', provisional.throughMonth))}</p>` : ''}
    <div class="grid">${card('assessment-ranking', `${t('ranking')} · ${r.year}`, `${chartBody('assessment-ranking')}${empty ? '' : rankingTable}`, { png: !empty, csv: true })}
      ${card('assessment-items', `${t('itemPoints')} · ${r.year}`, chartBody('assessment-items'), { png: !empty, csv: true })}</div><p></p>
    ${card('assessment-explanation', `${t('explanationOf')}${selected ? ` · ${selected.unit.name} · ${r.year}` : ''}`, explanation, { csv: !!selected })}<p></p>
    ${compareSection}`;
  bindAssessmentFilters(r);
  crumbs(data.unit, r);

  const rankingChart = mount(
    'assessment-ranking',
    empty ? null : barOption({ items: ranking.map((a) => ({ unitId: a.unit.id, code: a.unit.code, name: a.unit.name, value: a.total })), title: t('score'), unit: '分', locale: locale() }),
    () => ({
      header: ['year', 'unit_code', 'unit_name', 'level', 'rank', 'of', 'total', 'items_total', 'bonus_total', 'provisional', 'through_month'],
      rows: ranking.map((a) => [a.year, a.unit.code, a.unit.name, a.level, rankOf(a), countOf(a), a.total, a.itemsTotal, a.bonusTotal, a.provisional, a.throughMonth]),
    }),
    r,
    stem('assessment-ranking'),
  );
  rankingChart?.on('click', (/** @type {any} */ p) => {
    if (p.data?.unitId) go({ ...r, sel: String(p.data.unitId) });
  });
  const itemsChart = mount(
    'assessment-items',
    empty ? null : stackedPointsOption({ units, series: pointSeries, locale: locale() }),
    () => ({
      header: ['year', 'unit_code', 'unit_name', 'item', 'indicator', 'value', 'target', 'points', 'max'],
      rows: ranking.flatMap((a) => a.items.map((/** @type {any} */ i) => [a.year, a.unit.code, a.unit.name, i.key, i.indicator, i.value ?? '', i.target ?? '', i.points, i.max])),
    }),
    r,
    stem('assessment-items'),
  );
  itemsChart?.on('click', (/** @type {any} */ p) => {
    const u = units[p.dataIndex];
    if (u) go({ ...r, sel: u.unitId });
  });
  mount(
    'assessment-explanation',
    null,
    () => ({
      header: ['year', 'unit_code', 'unit_name', 'item', 'indicator', 'value', 'target', 'rule', 'points', 'max', 'explanation'],
      rows: selected
        ? [
            ...selected.items.map((/** @type {any} */ i) => [selected.year, selected.unit.code, selected.unit.name, i.key, i.indicator, i.value ?? '', i.target ?? '', zh ? i.ruleZh : i.ruleEn, i.points, i.max, zh ? i.explanation : i.explanationEn]),
            ...selected.bonus.map((/** @type {any} */ b) => [selected.year, selected.unit.code, selected.unit.name, `bonus:${b.key}`, '', b.count, '', '', b.points, b.max, zh ? b.explanation : b.explanationEn]),
          ]
        : [],
    }),
    r,
    stem(`assessment-explanation-${selected?.unit.code ?? ''}`),
  );
  if (vs) {
    mount(
      'assessment-compare',
      empty
        ? null
        : groupedBarOption({
            units,
            series: [
              { title: String(r.year), values: compared.map((c) => c.a.total) },
              { title: String(vs), values: compared.map((c) => c.b?.total ?? null) },
            ],
            unit: '分',
            locale: locale(),
          }),
      () => ({
        header: ['unit_code', 'unit_name', 'year_a', 'total_a', 'rank_a', 'year_b', 'total_b', 'rank_b', 'total_change', 'rank_change'],
        rows: compared.map((c) => [c.a.unit.code, c.a.unit.name, r.year, c.a.total, rankOf(c.a), vs, c.b?.total ?? '', c.b ? rankOf(c.b) : '', c.scoreChange ?? '', c.rankChange ?? '']),
      }),
      r,
      stem('assessment-compare'),
    );
  }
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#ranking-table tr[data-unit]'))) {
    tr.addEventListener('click', (ev) => {
      if (/** @type {HTMLElement} */ (ev.target).closest('a')) return;
      go({ ...r, sel: String(tr.dataset.unit) });
    });
  }
}

// ---- the monthly report view (月报) ----

const REPORT_CELL = 'month { value } ytd { value } lastYear { value } change';
const REPORT_ROW = `kind unitId code nameZh nameEn cells { ${REPORT_CELL} }`;
const REPORTS = `query DashboardReports($id: ID!, $month: String, $repUnit: ID!, $repMonth: String!, $withRep: Boolean!) {
  ${UNIT_CHAIN}
  monthlyReports(unitId: $id, month: $month) { id unitId unitCode unitName month dataDigest generatedAt files { id format sha256 sizeBytes url generatedAt generatedBy trigger } }
  preview: monthlyReport(unitId: $repUnit, month: $repMonth) @include(if: $withRep) {
    id unitId unitCode unitName month
    table { month lastYearMonth ytdFrom columns { key nameZh nameEn unit aggregation sectionZh sectionEn } rows { ${REPORT_ROW} } total { ${REPORT_ROW} } }
  }
}`;
const FORMAT_ORDER = ['xlsx', 'html', 'pdf', 'json'];

/**
 * The monthly reports of the unit and the units below it: the list with each stored file's download (fetched
 * with the token: the files are served to those who may see the report only), and a preview of one report's
 * table as stored (its JSON, rendered here). One request. @param {Route} r @param {number} seq
 */
async function renderReports(r, seq) {
  if (!session || !r.unit) return;
  const [repUnit, repMonth] = r.rep ? r.rep.split(':') : [r.unit, chinaMonth()];
  const data = await gql(REPORTS, { id: r.unit, month: r.month, repUnit, repMonth, withRep: !!r.rep });
  if (seq !== renderSeq) return;
  const zh = currentLang() === 'zh';
  /** @type {any[]} */
  const reports = data.monthlyReports;
  const size = (/** @type {number} */ n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
  const rows = reports
    .map((x) => {
      const files = [...x.files].map((f) => ({ ...f, ext: String(f.format).toLowerCase() })).sort((a, b) => FORMAT_ORDER.indexOf(a.ext) - FORMAT_ORDER.indexOf(b.ext));
      return `<tr data-report="${esc(x.id)}" data-unit="${esc(x.unitId)}" data-month="${esc(x.month)}"><td>${esc(x.month)}</td><td>${esc(x.unitCode)}</td><td>${esc(x.unitName)}</td><td>${esc(when(x.generatedAt))}</td>
        <td class="files">${files
          .map(
            (f) => `<button type="button" class="file" data-url="${esc(f.url)}" data-format="${esc(f.ext)}" data-name="${esc(`月度统计报表-${x.unitCode}-${x.month}.${f.ext}`)}" title="${esc(f.sha256)}">${esc(f.ext.toUpperCase())} · ${esc(size(f.sizeBytes))}</button>`,
          )
          .join(' ')}</td>
        <td><a class="preview" href="${esc(hrefOf({ ...r, rep: `${x.unitId}:${x.month}` }))}">${esc(t('preview'))}</a></td></tr>`;
    })
    .join('');
  const list = reports.length
    ? `<div class="table-wrap"><table id="reports-table"><thead><tr><th>${esc(t('reportMonth'))}</th><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th><th>${esc(t('generatedAt'))}</th><th>${esc(t('download'))}</th><th></th></tr></thead><tbody>${rows}</tbody></table></div>`
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
  bindReportFilters(r);
  crumbs(data.unit, r);
  mount(
    'reports',
    null,
    () => ({
      header: ['month', 'unit_code', 'unit_name', 'generated_at', 'format', 'url', 'sha256', 'size_bytes'],
      rows: reports.flatMap((x) => x.files.map((/** @type {any} */ f) => [x.month, x.unitCode, x.unitName, x.generatedAt, f.format, f.url, f.sha256, f.sizeBytes])),
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
        showBanner(`${t('error')}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }
}

// ---- the reconciliation view (对账, issue 16) ----

/** the kinds of conflict between the register's sources (ConflictKind), in the order shown */
const CONFLICT_KINDS = ['UNREPORTED', 'UNKNOWN_TO_CRAWL', 'USCC_MISMATCH', 'OPEN_BUT_GONE', 'CLOSED_BUT_ONLINE', 'DEREGISTERED_STILL_OPEN'];
/** the indicators per unit below (stock at the end of the month) */
const SOURCES_KEYS = ['platform_report_coverage', 'platform_shops_reported', 'reconciliation_conflicts_open'];
/** conflicts listed (the API's newest first: by last detection) */
const CONFLICTS_SHOWN = 50;
const SOURCES = `query DashboardSources($id: ID!, $ids: [ID!], $keys: [String!]!, $month: String!) {
  ${UNIT_CHAIN}
  scope: unit(id: $id) { jurisdiction }
  stats: platformReportingStats(month: $month) { platform { code name reportDueDay } month fullReportAt dueOn onTime reports rejectedReports reportedShops crawledShops crawledAndReported completeness }
  children: metrics(keys: $keys, unitIds: $ids, children: true, from: $month, to: $month, granularity: YEAR) { ${VALUE} }
}`;
const CONFLICT = 'id kind status regionCode firstDetectedAt lastDetectedAt details shop { id name url } platform { name } platformShop { platformShopId name url status } entity { name uscc }';

/**
 * The second request of the view: per region prefix of the unit's jurisdiction, the open conflicts of each kind
 * and the newest ones (of the kind chosen). Each kind's count is the `totalCount` of the open conflicts of that
 * kind below the prefix — what `conflictCounts(regionCode:)` answers; that query fails on the server for now (its
 * SQL selects a column named `count(*)`), so the view does not ask it. @param {number} prefixes
 */
function conflictsQuery(prefixes) {
  const vars = ['$kind: [ConflictKind!]', ...Array.from({ length: prefixes }, (_, i) => `$r${i}: String!`)];
  const parts = Array.from(
    { length: prefixes },
    (_, i) => `
${CONFLICT_KINDS.map((k) => `  n${i}_${k}: reconciliationConflicts(filter: { regionCode: $r${i}, kind: [${k}] }, first: 1) { totalCount }`).join('\n')}
  l${i}: reconciliationConflicts(filter: { regionCode: $r${i}, kind: $kind }, first: ${CONFLICTS_SHOWN}) { totalCount nodes { ${CONFLICT} } }`,
  );
  return `query DashboardConflicts(${vars.join(', ')}) {${parts.join('')}\n}`;
}

/** A jurisdiction's prefixes without those inside another one (so nothing is counted twice). @param {string[]} prefixes */
function outerPrefixes(prefixes) {
  const uniq = [...new Set(prefixes)];
  return uniq.filter((p) => !uniq.some((q) => q !== p && p.startsWith(q)));
}

/** A kind's label (the API's enum value when unknown here). @param {string} kind */
function kindLabel(kind) {
  const key = /** @type {import('./i18n.js').Label} */ (`kind_${kind}`);
  const label = t(key);
  return label === key ? kind : label;
}

/** What disagrees (the conflict's `details`), as text: key: value; nested values as JSON. @param {unknown} details */
function detailsText(details) {
  if (!details || typeof details !== 'object') return [];
  return Object.entries(/** @type {Record<string, unknown>} */ (details)).map(([k, v]) => [k, v == null ? '—' : typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** A platform's reporting of the month in words: on time, late, missing (or not due yet). @param {any} s */
function reportingStatus(s) {
  if (s.fullReportAt) return s.onTime ? /** @type {const} */ ('onTime') : /** @type {const} */ ('late');
  return /** @type {const} */ ('missing');
}

/** The China day of now (YYYY-MM-DD). */
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** @param {Route} r */
function sourcesFilters(r) {
  return `<form class="filters" id="filters">
    <label>${esc(t('sourcesMonth'))}<input type="month" name="to" id="sources-month" value="${esc(r.to)}" required></label>
    <label>${esc(t('conflictKind'))}<select name="kind" id="kind-select"><option value="">${esc(t('allKinds'))}</option>${CONFLICT_KINDS.map(
      (k) => `<option value="${esc(k)}"${k === r.kind ? ' selected' : ''}>${esc(kindLabel(k))}</option>`,
    ).join('')}</select></label>
    <button type="submit">${esc(t('apply'))}</button>
  </form><nav class="crumbs" id="crumbs"></nav>`;
}

/** @param {Route} r */
function bindSourcesFilters(r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  const submit = () => {
    const d = new FormData(form);
    const to = String(d.get('to') ?? '');
    const kind = String(d.get('kind') ?? '');
    const month = isMonth(to) ? to : r.to;
    // the view shows one month (the range's end); the other views keep their start unless it would come after it
    go({ ...r, to: month, from: r.from > month ? month : r.from, kind: CONFLICT_KINDS.includes(kind) ? kind : null });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  $('#kind-select')?.addEventListener('change', submit);
}

/**
 * The reconciliation view (对账): each platform's reporting of the month (the caller's whole jurisdiction, as
 * the API scopes it), the reporting completeness per unit below, and the open conflicts between the register's
 * sources in the unit's jurisdiction by kind and as a list. Two requests. @param {Route} r @param {number} seq
 */
async function renderSources(r, seq) {
  if (!session || !r.unit) return;
  const month = r.to;
  const data = await gql(SOURCES, { id: r.unit, ids: [r.unit], keys: SOURCES_KEYS, month });
  if (seq !== renderSeq) return;
  const prefixes = outerPrefixes(data.scope.jurisdiction ?? []);
  /** @type {Record<string, unknown>} */
  const vars = { kind: r.kind ? [r.kind] : null };
  prefixes.forEach((p, i) => (vars[`r${i}`] = p));
  const conflictData = prefixes.length ? await gql(conflictsQuery(prefixes.length), vars) : {};
  await ensureEcharts();
  if (seq !== renderSeq) return;
  const { catalog } = session;
  const unit = data.unit;
  const zhLang = currentLang() === 'zh';
  const today = chinaToday();

  // 1. the platforms' reporting
  /** @type {any[]} */
  const stats = data.stats;
  const statusText = (/** @type {any} */ s) => {
    const st = reportingStatus(s);
    if (st === 'onTime') return t('statusOnTime');
    if (st === 'late') return t('statusLate');
    return s.dueOn >= today ? t('statusNotDue') : t('statusMissing');
  };
  const count = (/** @type {number | null | undefined} */ v) => formatValue(v, '户', locale());
  const statRows = stats
    .map((s) => {
      const st = reportingStatus(s);
      return `<tr data-platform="${esc(s.platform.code)}" data-status="${st}"><td>${esc(s.platform.name)}</td>
        <td><span class="status status-${st}">${st === 'onTime' ? '✓' : st === 'late' ? '!' : '✗'} ${esc(statusText(s))}</span></td>
        <td>${esc(s.fullReportAt ? when(s.fullReportAt) : '—')}</td><td>${esc(s.dueOn)}</td>
        <td class="num" data-field="reports">${esc(count(s.reports))}</td><td class="num" data-field="rejectedReports">${esc(count(s.rejectedReports))}</td>
        <td class="num" data-field="reportedShops">${esc(count(s.reportedShops))}</td><td class="num" data-field="crawledShops">${esc(count(s.crawledShops))}</td>
        <td class="num" data-field="crawledAndReported">${esc(count(s.crawledAndReported))}</td>
        <td class="num" data-field="completeness" data-value="${esc(s.completeness)}">${esc(formatValue(s.completeness, '%', locale()))}</td></tr>`;
    })
    .join('');
  const noStats = stats.length === 0;
  const chartable = stats.some((s) => s.completeness != null);
  const reportingBody = noStats
    ? `<p class="state" data-state="empty">${esc(t('noPlatforms'))}</p>`
    : `${chartable ? `<div class="chart small" id="chart-platforms"></div>` : `<p class="state" data-state="empty">${esc(t('empty'))}</p>`}
      <div class="table-wrap"><table id="platform-table"><thead><tr><th>${esc(t('platform'))}</th><th>${esc(t('reportStatus'))}</th><th>${esc(t('fullReportAt'))}</th><th>${esc(t('dueOn'))}</th>
        <th class="num">${esc(t('reportsReceived'))}</th><th class="num">${esc(t('rejectedReports'))}</th><th class="num">${esc(t('reportedShops'))}</th><th class="num">${esc(t('crawledShops'))}</th>
        <th class="num">${esc(t('crawledAndReported'))}</th><th class="num">${esc(t('completeness'))}</th></tr></thead><tbody>${statRows}</tbody></table></div>`;

  // 2. the units below
  const children = [...figuresByUnit(data.children, catalog).values()];
  const defs = SOURCES_KEYS.map((k) => catalog.get(k)).filter((d) => !!d);
  const coverageDef = catalog.get('platform_report_coverage');
  const coverageItems = children.map((c) => ({ unitId: c.unit.id, code: c.unit.code, name: c.unit.name, value: c.figures.get('platform_report_coverage')?.value ?? null }));
  const coverageEmpty = children.every((c) => SOURCES_KEYS.every((k) => c.figures.get(k)?.value == null));
  const coverageRows = children
    .map(
      (c) => `<tr class="clickable" data-unit="${esc(c.unit.id)}" data-code="${esc(c.unit.code)}"><td>${esc(c.unit.code)}</td><td>${esc(c.unit.name)}</td>${defs
        .map((d) => {
          const v = c.figures.get(d.key)?.value;
          return `<td class="num" data-key="${esc(d.key)}" data-value="${esc(v)}">${esc(formatValue(v, d.unit, locale()))}</td>`;
        })
        .join('')}</tr>`,
    )
    .join('');
  const coverageBody = children.length
    ? `${coverageEmpty || !coverageItems.some((i) => i.value != null) ? '' : `<div class="chart small" id="chart-coverage"></div>`}
      <div class="table-wrap"><table id="coverage-table"><thead><tr><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th>${defs
        .map((d) => `<th class="num">${esc(metricName(d))}${d.unit === '%' ? ' (%)' : ''}</th>`)
        .join('')}</tr></thead><tbody>${coverageRows}</tbody></table></div>
      ${coverageEmpty ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>` : ''}<p class="note">${esc(t('coverageNote'))}</p>`
    : `<p class="state" data-state="empty">${esc(t('empty'))}</p>`;

  // 3. the conflicts: counts per kind summed over the prefixes, the newest of each prefix merged
  /** @type {Map<string, number>} */
  const open = new Map(CONFLICT_KINDS.map((k) => [k, 0]));
  /** @type {any[]} */
  let conflicts = [];
  let total = 0;
  prefixes.forEach((_, i) => {
    for (const k of CONFLICT_KINDS) open.set(k, (open.get(k) ?? 0) + (conflictData[`n${i}_${k}`]?.totalCount ?? 0));
    const l = conflictData[`l${i}`];
    if (l) {
      total += l.totalCount;
      conflicts.push(...l.nodes);
    }
  });
  conflicts = conflicts.sort((a, b) => String(b.lastDetectedAt).localeCompare(String(a.lastDetectedAt)) || Number(b.id) - Number(a.id)).slice(0, CONFLICTS_SHOWN);
  const kinds = [...open.entries()].map(([kind, n]) => ({ kind, label: kindLabel(kind), open: n }));
  const openTotal = kinds.reduce((n, k) => n + k.open, 0);
  const countRows = kinds
    .map(
      (k) => `<tr class="clickable${k.kind === r.kind ? ' selected' : ''}" data-kind="${esc(k.kind)}" data-open="${esc(k.open)}"><td><a href="${esc(hrefOf({ ...r, kind: k.kind }))}">${esc(k.label)}</a></td>
        <td class="num">${esc(formatValue(k.open, '件', locale()))}</td></tr>`,
    )
    .join('');
  const countsBody = `${openTotal ? `<div class="chart small" id="chart-conflict-kinds"></div>` : `<p class="state" data-state="empty">${esc(t('noConflicts'))}</p>`}
    <div class="table-wrap"><table id="conflict-counts"><thead><tr><th>${esc(t('conflictKind'))}</th><th class="num">${esc(t('openCount'))}</th></tr></thead>
    <tbody>${countRows}</tbody><tfoot><tr><td><a href="${esc(hrefOf({ ...r, kind: null }))}">${esc(t('allKinds'))}</a></td><td class="num" id="conflicts-open-total" data-open="${openTotal}">${esc(formatValue(openTotal, '件', locale()))}</td></tr></tfoot></table></div>`;
  const shopCell = (/** @type {any} */ c) => {
    if (c.shop) return `<a href="${esc(hrefOf({ ...r, view: 'market', shop: String(c.shop.id), listing: null }))}" data-shop="${esc(c.shop.id)}">${esc(c.shop.name)}</a>`;
    if (c.platformShop) return `${esc(c.platformShop.name)} <span class="note">${esc(c.platformShop.platformShopId)}</span>`;
    if (c.entity) return esc(c.entity.name);
    return '—';
  };
  // the business of the register, unless what disagrees names it already
  const entityLine = (/** @type {any} */ c) => {
    if (!c.entity) return '';
    const said = detailsText(c.details);
    if (c.entity.uscc && said.some(([, v]) => v.includes(c.entity.uscc))) return '';
    return `${said.length ? '<br>' : ''}<span class="kv"><b>${esc(zhLang ? '主体' : 'business')}</b>: ${esc(c.entity.name)} ${esc(c.entity.uscc ?? '')}</span>`;
  };
  const conflictRows = conflicts
    .map(
      (c) => `<tr data-conflict="${esc(c.id)}" data-kind="${esc(c.kind)}" data-region="${esc(c.regionCode)}"><td>${esc(kindLabel(c.kind))}</td><td>${shopCell(c)}</td>
        <td>${esc(c.platform?.name ?? '—')}</td>
        <td class="details">${detailsText(c.details)
          .map(([k, v]) => `<span class="kv"><b>${esc(k)}</b>: ${esc(v)}</span>`)
          .join('<br>')}${entityLine(c)}</td>
        <td>${esc(c.regionCode)}</td><td>${esc(when(c.firstDetectedAt))}</td></tr>`,
    )
    .join('');
  const listBody = conflicts.length
    ? `<p class="note" id="conflicts-shown" data-total="${total}">${esc(t('conflictsShown').replace('{n}', String(conflicts.length)).replace('{total}', String(total)))}</p>
      <div class="table-wrap"><table id="conflicts-table"><thead><tr><th>${esc(t('conflictKind'))}</th><th>${esc(t('shop'))}</th><th>${esc(t('platform'))}</th>
        <th>${esc(t('disagreement'))}</th><th>${esc(t('regionCode'))}</th><th>${esc(t('firstDetected'))}</th></tr></thead><tbody>${conflictRows}</tbody></table></div>`
    : `<p class="state" data-state="empty" id="conflicts-empty">${esc(t('noConflicts'))}</p>`;

  main().innerHTML = `${sourcesFilters(r)}
    ${card('platforms', `${t('reportingTitle')} · ${month}`, `<p class="note" id="reporting-note">${esc(t('reportingNote'))}</p>${reportingBody}`, { png: chartable, csv: !noStats })}<p></p>
    ${card('coverage', `${t('coverageTitle')} · ${month}`, coverageBody, { png: !coverageEmpty && children.length > 0, csv: children.length > 0 })}<p></p>
    ${card('conflict-kinds', t('conflictCounts'), countsBody, { png: openTotal > 0, csv: true })}<p></p>
    ${card('conflicts', `${t('conflictsTitle')}${r.kind ? ` · ${kindLabel(r.kind)}` : ''}`, listBody, { csv: conflicts.length > 0 })}`;
  bindSourcesFilters(r);
  crumbs(unit, r);

  mount(
    'platforms',
    chartable ? completenessOption({ platforms: stats.map((s) => ({ code: s.platform.code, name: s.platform.name, completeness: s.completeness, status: reportingStatus(s) })), title: t('completeness'), locale: locale() }) : null,
    () => ({
      header: ['platform_code', 'platform_name', 'month', 'status', 'full_report_at', 'due_on', 'on_time', 'reports', 'rejected_reports', 'reported_shops', 'crawled_shops', 'crawled_and_reported', 'completeness'],
      rows: stats.map((s) => [s.platform.code, s.platform.name, s.month, reportingStatus(s), s.fullReportAt ?? '', s.dueOn, s.onTime, s.reports, s.rejectedReports, s.reportedShops, s.crawledShops, s.crawledAndReported, s.completeness ?? '']),
    }),
    r,
    `hongdun-platform-reporting-${month}`,
  );
  const coverageChart = mount(
    'coverage',
    document.getElementById('chart-coverage') && coverageDef ? barOption({ items: coverageItems, title: metricName(coverageDef), unit: '%', locale: locale() }) : null,
    () => ({ header: CSV_HEADER, rows: children.flatMap((c) => defs.map((d) => [c.unit.code, c.unit.name, d.key, month, month, ...figureCells(c.figures.get(d.key), d)])) }),
    r,
    `hongdun-platform-coverage-${unit.code}-${month}`,
  );
  coverageChart?.on('click', (/** @type {any} */ p) => {
    if (p.data?.unitId && String(p.data.unitId) !== r.unit) go({ ...r, unit: String(p.data.unitId) });
  });
  const kindsChart = mount(
    'conflict-kinds',
    openTotal ? conflictKindsOption({ kinds, title: t('openCount'), locale: locale() }) : null,
    () => ({ header: ['unit_code', 'unit_name', 'kind', 'kind_label', 'open'], rows: kinds.map((k) => [unit.code, unit.name, k.kind, k.label, k.open]) }),
    r,
    `hongdun-conflict-counts-${unit.code}`,
  );
  kindsChart?.on('click', (/** @type {any} */ p) => {
    if (p.data?.kind) go({ ...r, kind: String(p.data.kind) });
  });
  mount(
    'conflicts',
    null,
    () => ({
      header: ['id', 'kind', 'kind_label', 'status', 'region_code', 'shop_id', 'shop_name', 'shop_url', 'platform', 'platform_shop_id', 'platform_shop_name', 'platform_shop_url', 'platform_shop_status', 'entity_name', 'entity_uscc', 'details', 'first_detected_at', 'last_detected_at'],
      rows: conflicts.map((c) => [
        c.id, c.kind, kindLabel(c.kind), c.status, c.regionCode, c.shop?.id ?? '', c.shop?.name ?? '', c.shop?.url ?? '', c.platform?.name ?? '',
        c.platformShop?.platformShopId ?? '', c.platformShop?.name ?? '', c.platformShop?.url ?? '', c.platformShop?.status ?? '', c.entity?.name ?? '', c.entity?.uscc ?? '',
        JSON.stringify(c.details ?? {}), c.firstDetectedAt, c.lastDetectedAt,
      ]),
    }),
    r,
    `hongdun-conflicts-${unit.code}${r.kind ? `-${r.kind}` : ''}`,
  );
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#coverage-table tr[data-unit]'))) {
    tr.addEventListener('click', () => {
      if (String(tr.dataset.unit) !== r.unit) go({ ...r, unit: String(tr.dataset.unit) });
    });
  }
}

/** Renders the view of the URL; one request per view; states: loading, ready, empty (per chart), error. */
async function render() {
  const seq = ++renderSeq;
  const r = route();
  disposeCharts();
  if (bannerNext) showBanner(bannerNext);
  else showBanner(noticeNext, 'info');
  bannerNext = '';
  noticeNext = '';
  if (!token() || r.view === 'login') {
    if (r.view !== 'login') afterLogin = location.hash;
    showLogin();
    return;
  }
  const m = main();
  m.dataset.state = 'loading';
  m.innerHTML = `<p class="state">${esc(t('loading'))}</p>`;
  try {
    await ensureSession();
    if (seq !== renderSeq || !session) return;
    applyChrome();
    if (!r.unit) {
      go({ ...r, unit: String(session.me.unit.id) }, true);
      return;
    }
    if (r.view === 'work') await renderWork(r, seq);
    else if (r.view === 'market') await renderMarket(r, seq);
    else if (r.view === 'assessment') await renderAssessment(r, seq);
    else if (r.view === 'reports') await renderReports(r, seq);
    else if (r.view === 'sources') await renderSources(r, seq);
    else await renderOverview(r, seq);
    if (seq === renderSeq) m.dataset.state = 'ready';
  } catch (e) {
    if (seq !== renderSeq) return;
    const err = e instanceof ApiError ? e : new ApiError(e instanceof Error ? e.message : String(e), 'ERROR', 0);
    if (err.code === 'UNAUTHENTICATED') {
      afterLogin = location.hash;
      showLogin(t('sessionExpired'));
      return;
    }
    if (err.code === 'NOT_FOUND' && session && r.view === 'market' && r.shop) {
      // a shop that does not exist or lies outside the jurisdiction: say so and show the market without it
      bannerNext = `${t('shopNotFound')} (${err.message})`;
      go({ ...r, shop: null, listing: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && session && r.view === 'assessment' && r.sel) {
      // a unit's result outside the jurisdiction (or not there): say so and show the ranking without it
      bannerNext = `${t('resultNotFound')} (${err.message})`;
      go({ ...r, sel: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && session && r.view === 'reports' && r.rep) {
      bannerNext = `${t('reportNotFound')} (${err.message})`;
      go({ ...r, rep: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && session && r.unit !== String(session.me.unit.id)) {
      // a link to a unit outside the jurisdiction: say so plainly and land on the user's own unit
      bannerNext = `${t('notFound')} (${err.message})`;
      go({ ...r, unit: String(session.me.unit.id) }, true);
      return;
    }
    disposeCharts();
    m.dataset.state = 'error';
    const bar = !session ? '' : r.view === 'assessment' ? assessmentFilters(r) : r.view === 'reports' ? reportFilters(r) : r.view === 'sources' ? sourcesFilters(r) : filters(r);
    m.innerHTML = `${bar}<p class="state" data-state="error">${esc(t('error'))}: ${esc(err.message)}</p>`;
    if (session) (r.view === 'assessment' ? bindAssessmentFilters : r.view === 'reports' ? bindReportFilters : r.view === 'sources' ? bindSourcesFilters : bindFilters)(r);
  }
}

$('#lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  applyChrome();
  void render();
});
$('#logout').addEventListener('click', async () => {
  await logout();
  session = null;
  afterLogin = '';
  location.hash = '#/login';
});
window.addEventListener('hashchange', () => void render());
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
applyChrome();
void render();
