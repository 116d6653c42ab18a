// @ts-check
/**
 * The leadership dashboard (领导驾驶舱): login, overview (map of the units below, drill-down, headline
 * tiles against the previous period) and work view. Every figure comes from one GraphQL request per view
 * (`metrics` with granularity YEAR over the chosen months; see metrics.js); the state that makes a view —
 * view, unit, months, indicator — lives in the URL hash, so a link shows the same view to a colleague who
 * may see that unit. The API decides what a user may see: a unit outside the caller's jurisdiction is
 * refused (NOT_FOUND), shown as a plain error, and the user lands on their own unit.
 */
import { ApiError, gql, login, logout, token } from './api.js';
import { adcodeOf, barOption, formatValue, groupedBarOption, keyByAdcode, mapOption } from './charts.js';
import { downloadCsv, downloadPng, toCsv } from './export.js';
import { currentLang, metricName, setLang, t } from './i18n.js';
import { chinaMonth, figuresByUnit, isMonth, previousWindow } from './metrics.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {import('./metrics.js').MetricRow} MetricRow */
/** @typedef {import('./metrics.js').UnitRef} UnitRef */
/** @typedef {import('./metrics.js').Figure} Figure */
/** @typedef {{ view: 'overview' | 'work' | 'login', unit: string | null, from: string, to: string, metric: string }} Route */

/** @type {any} */
const echarts = /** @type {any} */ (window).echarts;

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

const UNIT = 'id code name level path';
const VALUE = `unit { ${UNIT} } period key value numerator denominator`;
const UNIT_CHAIN = `unit(id: $id) { ${UNIT} parent { ${UNIT} parent { ${UNIT} parent { ${UNIT} } } } }`;
const OVERVIEW = `query DashboardOverview($id: ID!, $ids: [ID!], $tiles: [String!]!, $metric: [String!]!, $from: String!, $to: String!, $pfrom: String!, $pto: String!) {
  ${UNIT_CHAIN}
  current: metrics(keys: $tiles, unitIds: $ids, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
  previous: metrics(keys: $tiles, unitIds: $ids, from: $pfrom, to: $pto, granularity: YEAR) { ${VALUE} }
  children: metrics(keys: $metric, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
}`;
const WORK = `query DashboardWork($id: ID!, $ids: [ID!], $keys: [String!]!, $from: String!, $to: String!) {
  ${UNIT_CHAIN}
  children: metrics(keys: $keys, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
}`;
const SESSION = `query DashboardSession {
  me { name displayName role unit { ${UNIT} } }
  metricCatalog { key nameZh nameEn unit aggregation time scale levels family formula }
}`;

/** @type {{ me: any, catalog: Map<string, MetricDef>, list: MetricDef[] } | null} */
let session = null;
/** @type {any[]} */
let charts = [];
let renderSeq = 0;
/** a message for the next render's banner (e.g. why the user landed on their own unit) */
let bannerNext = '';
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
  const view = path === '/work' ? 'work' : path === '/login' ? 'login' : 'overview';
  const toQ = q.get('to');
  const fromQ = q.get('from');
  const to = isMonth(toQ) ? toQ : chinaMonth();
  const from = isMonth(fromQ) ? fromQ : to;
  const unit = q.get('unit');
  return { view, unit: unit && /^[1-9][0-9]*$/.test(unit) ? unit : null, from, to, metric: q.get('metric') || 'findings' };
}

/** @param {Route} r */
function hrefOf(r) {
  const q = new URLSearchParams();
  if (r.unit) q.set('unit', r.unit);
  q.set('from', r.from);
  q.set('to', r.to);
  if (r.view === 'overview') q.set('metric', r.metric);
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
  $('#lang').textContent = t('language');
  $('#logout').textContent = t('logout');
  const signedIn = !!(token() && session);
  $('#nav').hidden = !signedIn;
  $('#logout').hidden = !signedIn;
  $('#viewer').textContent = signedIn ? `${t('viewer')}: ${session?.me.displayName ?? session?.me.name} · ${session?.me.unit?.name ?? ''}` : '';
  const r = route();
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    a.classList.toggle('active', a.dataset.view === r.view);
    a.href = hrefOf({ ...r, view: /** @type {'overview' | 'work'} */ (a.dataset.view) });
  }
}

/** @param {string} message */
function showBanner(message) {
  const b = $('#banner');
  b.textContent = message;
  b.hidden = !message;
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

/** The filter bar of a view. @param {Route} r */
function filters(r) {
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
    <button type="submit">${esc(t('apply'))}</button>
  </form><nav class="crumbs" id="crumbs"></nav>`;
}

function bindFilters(/** @type {Route} */ r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  const submit = () => {
    const d = new FormData(form);
    go({ ...r, from: String(d.get('from')), to: String(d.get('to')), metric: d.get('metric') ? String(d.get('metric')) : r.metric });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit();
  });
  $('#metric')?.addEventListener('change', submit);
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
    .join('');
}

/** Registers a GeoJSON map once (the province's cities, or one city's counties). @param {string} adcode */
function loadMap(adcode) {
  let p = maps.get(adcode);
  if (!p) {
    p = fetch(`/dashboard/geo/${adcode}.json`).then(async (res) => {
      if (!res.ok) throw new ApiError(`map ${adcode}: HTTP ${res.status}`, 'MAP', res.status);
      echarts.registerMap(adcode, keyByAdcode(await res.json()));
    });
    p.catch(() => maps.delete(adcode));
    maps.set(adcode, p);
  }
  return p;
}

/** Starts an ECharts chart in `#chart-<id>`, with its PNG and CSV exports. */
function mount(/** @type {string} */ id, /** @type {any} */ option, /** @type {() => {header: string[], rows: unknown[][]}} */ csv, /** @type {Route} */ r) {
  const el = document.getElementById(`chart-${id}`);
  const chart = el ? echarts.init(el, null, { renderer: 'canvas' }) : null;
  if (chart) {
    chart.setOption(option);
    charts.push(chart);
  }
  const stem = `hongdun-${id}-${r.from}_${r.to}`;
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
  const data = await gql(WORK, { id: r.unit, ids: [r.unit], keys, from: r.from, to: r.to });
  if (seq !== renderSeq) return;
  const { catalog } = session;
  const children = [...figuresByUnit(data.children, catalog).values()];
  const defs = keys.map((k) => catalog.get(k)).filter((d) => !!d);
  const units = children.map((c) => ({ unitId: c.unit.id, name: c.unit.name }));
  const series = (/** @type {string[]} */ ks) =>
    ks.map((k) => ({ title: metricName(/** @type {MetricDef} */ (catalog.get(k))), values: children.map((c) => c.figures.get(k)?.value ?? null) }));
  const empty = children.every((c) => keys.every((k) => c.figures.get(k)?.value == null || c.figures.get(k)?.value === 0));
  const head = defs.map((d) => `<th class="num">${esc(metricName(d))}${d.unit === '%' ? ' (%)' : ''}</th>`).join('');
  const rows = children
    .map(
      (c) => `<tr class="clickable" data-unit="${esc(c.unit.id)}"><td>${esc(c.unit.code)}</td><td>${esc(c.unit.name)}</td>${defs
        .map((d) => {
          const v = c.figures.get(d.key)?.value;
          return `<td class="num" data-key="${esc(d.key)}" data-value="${esc(v)}">${esc(formatValue(v, d.unit, locale()))}</td>`;
        })
        .join('')}</tr>`,
    )
    .join('');
  const body = (/** @type {string} */ id) => (empty ? `<p class="state" data-state="empty">${esc(t('empty'))}</p>` : `<div class="chart small" id="chart-${id}"></div>`);
  main().innerHTML = `${filters(r)}
    <div class="grid">${card('work-rates', `${t('workTitle')} · %`, body('work-rates'), { png: !empty, csv: true })}${card('work-counts', `${t('workTitle')} · ${currentLang() === 'zh' ? '件' : 'items'}`, body('work-counts'), { png: !empty, csv: true })}</div>
    <p></p>${card('work-table', t('table'), `<div class="table-wrap"><table id="work-table"><thead><tr><th>${esc(t('code'))}</th><th>${esc(t('unit'))}</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`, { csv: true })}`;
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
  mount('work-table', null, csv, r);
  for (const tr of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#work-table tr[data-unit]'))) {
    tr.addEventListener('click', () => go({ ...r, unit: String(tr.dataset.unit) }));
  }
}

/** Renders the view of the URL; one request per view; states: loading, ready, empty (per chart), error. */
async function render() {
  const seq = ++renderSeq;
  const r = route();
  disposeCharts();
  showBanner(bannerNext);
  bannerNext = '';
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
    if (err.code === 'NOT_FOUND' && session && r.unit !== String(session.me.unit.id)) {
      // a link to a unit outside the jurisdiction: say so plainly and land on the user's own unit
      bannerNext = `${t('notFound')} (${err.message})`;
      go({ ...r, unit: String(session.me.unit.id) }, true);
      return;
    }
    disposeCharts();
    m.dataset.state = 'error';
    m.innerHTML = `${session ? filters(r) : ''}<p class="state" data-state="error">${esc(t('error'))}: ${esc(err.message)}</p>`;
    if (session) bindFilters(r);
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
