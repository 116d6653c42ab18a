// @ts-check
/**
 * The leadership dashboard (领导驾驶舱): the entry of the page — it renders the view of the URL hash (login,
 * overview, market, work, reconciliation, assessment, monthly reports; one module each under views/) with its
 * states (loading, ready, error) and binds the header's buttons. Every figure comes from the GraphQL API; the API
 * decides what a user may see: a unit outside the caller's jurisdiction is refused (NOT_FOUND), shown as a plain
 * error, and the user lands on their own unit. Shared state and routing: state.js; page helpers: ui.js.
 */
import { ApiError, logout, token } from './api.js';
import { currentLang, setLang, t } from './i18n.js';
import { showLogin } from './login.js';
import { ensureSession, go, route, setRenderer, state } from './state.js';
import { $, applyChrome, bindFilters, disposeCharts, errorText, esc, filters, main, missingPermissions, showBanner } from './ui.js';
import { bindAssessmentFilters, assessmentFilters, renderAssessment } from './views/assessment.js';
import { renderMarket } from './views/market.js';
import { renderOverview } from './views/overview.js';
import { bindReportFilters, renderReports, reportFilters } from './views/reports.js';
import { bindSourcesFilters, renderSources, sourcesFilters } from './views/sources.js';
import { renderWork } from './views/work.js';

/** Renders the view of the URL; one request per view; states: loading, ready, empty (per chart), error. */
async function render() {
  const seq = ++state.renderSeq;
  const r = route();
  disposeCharts();
  if (state.bannerNext) showBanner(state.bannerNext);
  else showBanner(state.noticeNext, 'info');
  state.bannerNext = '';
  state.noticeNext = '';
  if (!token() || r.view === 'login') {
    if (r.view !== 'login') state.afterLogin = location.hash;
    showLogin();
    return;
  }
  const m = main();
  m.dataset.state = 'loading';
  m.innerHTML = `<p class="state">${esc(t('loading'))}</p>`;
  try {
    await ensureSession();
    if (seq !== state.renderSeq || !state.session) return;
    applyChrome();
    if (!r.unit) {
      go({ ...r, unit: String(state.session.me.unit.id) }, true);
      return;
    }
    // a view the viewer's role may not open (its tab is hidden): say so in their language, ask the API nothing
    const missing = missingPermissions(r.view);
    if (missing.length > 0) {
      m.dataset.state = 'forbidden';
      m.innerHTML = `<p class="state notice" data-state="forbidden">${esc(t('viewForbidden').replace('{view}', t(/** @type {import('./i18n.js').Label} */ (r.view))).replace('{perm}', missing.join(', ')))}</p>${
        missingPermissions('overview').length === 0 ? `<p class="state"><a href="#/overview?unit=${esc(r.unit)}">${esc(t('overview'))}</a></p>` : ''
      }`;
      return;
    }
    if (r.view === 'work') await renderWork(r, seq);
    else if (r.view === 'market') await renderMarket(r, seq);
    else if (r.view === 'assessment') await renderAssessment(r, seq);
    else if (r.view === 'reports') await renderReports(r, seq);
    else if (r.view === 'sources') await renderSources(r, seq);
    else await renderOverview(r, seq);
    if (seq === state.renderSeq) m.dataset.state = 'ready';
  } catch (e) {
    if (seq !== state.renderSeq) return;
    const err = e instanceof ApiError ? e : new ApiError(e instanceof Error ? e.message : String(e), 'ERROR', 0);
    if (err.code === 'UNAUTHENTICATED') {
      state.afterLogin = location.hash;
      showLogin(t('sessionExpired'));
      return;
    }
    if (err.code === 'NOT_FOUND' && state.session && r.view === 'market' && r.shop) {
      // a shop that does not exist or lies outside the jurisdiction: say so and show the market without it
      state.bannerNext = t('shopNotFound');
      go({ ...r, shop: null, listing: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && state.session && r.view === 'assessment' && r.sel) {
      // a unit's result outside the jurisdiction (or not there): say so and show the ranking without it
      state.bannerNext = t('resultNotFound');
      go({ ...r, sel: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && state.session && r.view === 'reports' && r.rep) {
      state.bannerNext = t('reportNotFound');
      go({ ...r, rep: null }, true);
      return;
    }
    if (err.code === 'NOT_FOUND' && state.session && r.unit !== String(state.session.me.unit.id)) {
      // a link to a unit outside the jurisdiction: say so plainly and land on the user's own unit
      state.bannerNext = t('notFound');
      go({ ...r, unit: String(state.session.me.unit.id) }, true);
      return;
    }
    disposeCharts();
    m.dataset.state = 'error';
    const bar = !state.session ? '' : r.view === 'assessment' ? assessmentFilters(r) : r.view === 'reports' ? reportFilters(r) : r.view === 'sources' ? sourcesFilters(r) : filters(r);
    // the error in the user's language (by its code); the server's words only as a data attribute
    const { text, code, detail } = errorText(err);
    m.innerHTML = `${bar}<p class="state" data-state="error" data-code="${esc(code)}" data-detail="${esc(detail)}">${esc(t('error'))}: ${esc(text)}</p>`;
    if (state.session) (r.view === 'assessment' ? bindAssessmentFilters : r.view === 'reports' ? bindReportFilters : r.view === 'sources' ? bindSourcesFilters : bindFilters)(r);
  }
}

$('#lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  applyChrome();
  void render();
});
$('#logout').addEventListener('click', async () => {
  await logout();
  state.session = null;
  state.afterLogin = '';
  location.hash = '#/login';
});
setRenderer(render);
window.addEventListener('hashchange', () => void render());
window.addEventListener('resize', () => state.charts.forEach((c) => c.resize()));
applyChrome();
void render();
