// @ts-check
/**
 * The work view (工作): per unit below, patrol coverage, overdue tasks and clues, complaints and notices on time,
 * and the report review status (信息报送审核情况, `infoReportCountsByUnit`). One GraphQL request.
 */
import { gql } from '../api.js';
import { formatValue, groupedBarOption } from '../charts.js';
import { currentLang, metricName, t } from '../i18n.js';
import { figuresByUnit } from '../metrics.js';
import { UNIT, UNIT_CHAIN, VALUE, ensureEcharts, go, state } from '../state.js';
import { CSV_HEADER, bindFilters, card, crumbs, esc, figureCells, filters, locale, main, mount } from '../ui.js';

/** @typedef {import('../metrics.js').MetricDef} MetricDef */
/** @typedef {import('../state.js').Route} Route */

export const WORK_RATES = ['patrol_coverage', 'complaints_on_time', 'notices_read_on_time'];
export const WORK_COUNTS = ['patrol_tasks_overdue', 'clues_overdue'];

export const WORK = `query DashboardWork($id: ID!, $ids: [ID!], $keys: [String!]!, $from: String!, $to: String!, $dayFrom: String!, $dayTo: String!) {
  ${UNIT_CHAIN}
  children: metrics(keys: $keys, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
  reviews: infoReportCountsByUnit(parentUnitId: $id, from: $dayFrom, to: $dayTo) { unit { ${UNIT} } drafted submitted approved returned pending overdue approvedOnTime }
}`;
/** the report review counts of the work view (fields of infoReportCountsByUnit) with their labels */
export const REVIEW_FIELDS = /** @type {const} */ ([
  ['drafted', 'reviewDrafted'],
  ['submitted', 'reviewSubmitted'],
  ['approved', 'reviewApproved'],
  ['returned', 'reviewReturned'],
  ['pending', 'reviewPending'],
  ['overdue', 'reviewOverdue'],
  ['approvedOnTime', 'reviewApprovedOnTime'],
]);
/** the counts drawn as bars (all seven stay in the table and the CSV) */
export const REVIEW_CHARTED = ['submitted', 'approved', 'pending', 'overdue'];

/** The days of a month range (YYYY-MM … YYYY-MM → first and last day). @param {string} from @param {string} to */
export function dayRange(from, to) {
  const [y, m] = to.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { dayFrom: `${from}-01`, dayTo: `${to}-${String(last).padStart(2, '0')}` };
}

/** The work view: per unit below, patrol coverage, overdue tasks and clues, complaints and notices on time. @param {Route} r @param {number} seq */
export async function renderWork(r, seq) {
  if (!state.session || !r.unit) return;
  const keys = [...WORK_RATES, ...WORK_COUNTS];
  const data = await gql(WORK, { id: r.unit, ids: [r.unit], keys, from: r.from, to: r.to, ...dayRange(r.from, r.to) });
  await ensureEcharts();
  if (seq !== state.renderSeq) return;
  const { catalog } = state.session;
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
