// @ts-check
/**
 * The dashboard's shared state and routing: the mutable state (one object), ECharts' loading, the session (user,
 * unit, indicator catalog), the GraphQL fragments every view asks, and the route in the URL hash (parse, link,
 * navigate). The state that makes a view — view, unit, months, indicator… — lives in the URL hash, so a link
 * shows the same view to a colleague who may see that unit.
 */
import { ApiError, gql } from './api.js';
import { addMonths, chinaMonth, isMonth } from './metrics.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {import('./metrics.js').MetricRow} MetricRow */
/** @typedef {import('./metrics.js').UnitRef} UnitRef */
/** @typedef {import('./metrics.js').Figure} Figure */
/** @typedef {'overview' | 'work' | 'sources' | 'market' | 'assessment' | 'reports' | 'login'} View */
/**
 * @typedef {{ view: View, unit: string | null, from: string, to: string, metric: string, shop: string | null, listing: string | null,
 *   year: number, vs: number | null, level: string | null, sel: string | null, month: string | null, rep: string | null, cat: string | null, kind: string | null,
 *   q: string | null, rlevel: string | null, cmp: 'mom' | 'yoy' }} Route
 */

/**
 * The app's mutable state, in one object (an ES module's `let` exports are read-only to importers): the user's
 * session, the charts drawn, the number of the latest render, the banner of the next render, the link asked for
 * before logging in, and ECharts (the page loads it `async`, beside the app, so the first GraphQL requests need not
 * wait for it to compile).
 * @type {{ session: { me: any, catalog: Map<string, MetricDef>, list: MetricDef[] } | null, charts: any[], renderSeq: number, bannerNext: string, noticeNext: string, afterLogin: string, echarts: any }}
 */
export const state = {
  session: null,
  charts: [],
  renderSeq: 0,
  /** a message for the next render's banner (e.g. why the user landed on their own unit) */
  bannerNext: '',
  /** a confirmation for the next render's banner (e.g. reports generated) */
  noticeNext: '',
  /** the link asked for before logging in */
  afterLogin: '',
  echarts: /** @type {any} */ (window).echarts,
};

/** @type {Promise<void> | null} */
let echartsLoading = null;

/** Resolves once ECharts is there (every view awaits it before drawing). */
export function ensureEcharts() {
  if (state.echarts) return Promise.resolve();
  echartsLoading ??= new Promise((resolve, reject) => {
    const el = document.getElementById('echarts-js');
    const done = () => {
      state.echarts = /** @type {any} */ (window).echarts;
      if (state.echarts) resolve();
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

/** the levels a ranking may show province-wide (besides the units below the one shown) */
export const ASSESSED_LEVELS = ['CITY', 'COUNTY', 'STATION'];
/** the levels the report list filters by (省/市/县/所) */
export const REPORT_LEVELS = ['PROVINCE', 'CITY', 'COUNTY', 'STATION'];

export const UNIT = 'id code name level path';
export const VALUE = `unit { ${UNIT} } period key value numerator denominator`;
export const UNIT_CHAIN = `unit(id: $id) { ${UNIT} children { ${UNIT} } parent { ${UNIT} parent { ${UNIT} parent { ${UNIT} } } } }`;

export const SESSION = `query DashboardSession {
  me { name displayName role permissions unit { ${UNIT} } }
  metricCatalog { key nameZh nameEn unit aggregation time scale levels family formula betterWhen distinct }
}`;

/** the kinds of conflict between the register's sources (ConflictKind), in the order shown (the 对账 view) */
export const CONFLICT_KINDS = ['UNREPORTED', 'UNKNOWN_TO_CRAWL', 'USCC_MISMATCH', 'OPEN_BUT_GONE', 'CLOSED_BUT_ONLINE', 'DEREGISTERED_STILL_OPEN'];

/** The user, their unit and the indicator catalog, once per login. */
export async function ensureSession() {
  if (state.session) return;
  const data = await gql(SESSION);
  /** @type {MetricDef[]} */
  const list = data.metricCatalog;
  state.session = { me: data.me, list, catalog: new Map(list.map((d) => [d.key, d])) };
}

/** the render of the URL's view (app.js sets it; go() and the login call it) @type {() => Promise<void>} */
let renderer = async () => undefined;
/** Sets the function that renders the URL's view. @param {() => Promise<void>} fn */
export function setRenderer(fn) {
  renderer = fn;
}
/** Renders the URL's view again. */
export const rerender = () => renderer();

/** The view asked for by the URL hash, with defaults (the current month, findings). @returns {Route} */
export function route() {
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
    // the report list's search (unit name or code) and level filter, applied in the page
    q: (q.get('q') ?? '').trim().slice(0, 100) || null,
    rlevel: REPORT_LEVELS.includes(q.get('rlevel') ?? '') ? q.get('rlevel') : null,
    // the comparison of the overview's tiles (and the work view): 环比 (the previous period) or 同比 (last year)
    cmp: q.get('cmp') === 'yoy' ? 'yoy' : 'mom',
  };
}

/**
 * A category path as the API reads it (segments joined by '/': `食品 > 酒类` → `食品/酒类`), or null when blank
 * or not a path (over 200 characters, control characters). @param {string | null} raw
 */
export function categoryPath(raw) {
  if (!raw || raw.length > 200 || /[\u0000-\u001f]/.test(raw)) return null;
  const segments = raw.normalize('NFKC').replace(/[\s\u3000\u200b]+/gu, '').split(/[/>»|｜\\]+/u).filter(Boolean);
  return segments.length ? segments.join('/') : null;
}

/** @param {Route} r */
export function hrefOf(r) {
  const q = new URLSearchParams();
  if (r.unit) q.set('unit', r.unit);
  q.set('from', r.from);
  q.set('to', r.to);
  if (r.view === 'overview') q.set('metric', r.metric);
  if (r.view === 'overview' || r.view === 'work') q.set('cmp', r.cmp);
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
    if (r.q) q.set('q', r.q);
    if (r.rlevel) q.set('rlevel', r.rlevel);
  }
  return `#/${r.view}?${q}`;
}

/** Navigates (a new history entry, or replacing the current one). @param {Route} r @param {boolean} [replace] */
export function go(r, replace = false) {
  const href = hrefOf(r);
  if (replace) {
    history.replaceState(null, '', href);
    void rerender();
  } else if (location.hash === href) void rerender();
  else location.hash = href;
}
