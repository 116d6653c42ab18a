// @ts-check
/**
 * The overview (总览): headline tiles compared like with like (issue 18) — the chosen months as days (a range reaching
 * the current month runs to today) against the same days of the months before (环比) or of last year (同比), from
 * `metricsOverDays`, each tile labelled with both periods and the time of the answer, its change coloured by whether
 * it is good for the indicator (the catalog's betterWhen) — the map of the units below (or the stations' bars) with
 * drill-down, and their table (`metrics` with granularity YEAR; see metrics.js). One GraphQL request.
 */
import { ApiError, gql } from '../api.js';
import { adcodeOf, barOption, formatValue, mapOption } from '../charts.js';
import { currentLang, metricName, t } from '../i18n.js';
import { figuresByUnit } from '../metrics.js';
import { MAX_DAYS, comparisonLabel, comparisonPeriod, currentPeriod, dayCount } from '../periods.js';
import { UNIT_CHAIN, VALUE, ensureEcharts, go, state } from '../state.js';
import { CSV_HEADER, bindFilters, card, crumbs, esc, figureCells, filters, loadMap, locale, main, mount, when } from '../ui.js';

/** @typedef {import('../metrics.js').MetricDef} MetricDef */
/** @typedef {import('../metrics.js').Figure} Figure */
/** @typedef {import('../state.js').Route} Route */

/** The headline tiles: indicator and label (the open-clue stock has no indicator; overdue clues stand in). */
export const TILES = /** @type {const} */ ([
  ['shops_filed', 'tileShops'],
  ['findings', 'tileFindings'],
  ['clues_overdue', 'tileClues'],
  ['cases_filed', 'tileCases'],
  ['complaints_received', 'tileComplaints'],
  ['patrol_coverage', 'tilePatrol'],
]);

/** indicators where more is worse (coloured red on the map) */
export const HIGH_IS_BAD = /^(findings|clues_overdue|patrol_tasks_overdue|shops_unfiled|complaints_received)/;
export const LEVEL_ORDER = ['PROVINCE', 'CITY', 'COUNTY', 'STATION'];

/**
 * The tiles over days (`days`: both periods within metricsOverDays' 366 days, the usual case) or, for longer
 * ranges, over months (granularity YEAR; a distinct count over two years is then not shown: it cannot be added up).
 */
export const OVERVIEW = `query DashboardOverview($id: ID!, $ids: [ID!], $tiles: [String!]!, $metric: [String!]!, $from: String!, $to: String!,
  $days: Boolean!, $dfrom: String!, $dto: String!, $pdfrom: String!, $pdto: String!, $pfrom: String!, $pto: String!) {
  ${UNIT_CHAIN}
  current: metricsOverDays(keys: $tiles, unitIds: $ids, from: $dfrom, to: $dto) @include(if: $days) { ${VALUE} }
  previous: metricsOverDays(keys: $tiles, unitIds: $ids, from: $pdfrom, to: $pdto) @include(if: $days) { ${VALUE} }
  currentMonths: metrics(keys: $tiles, unitIds: $ids, from: $from, to: $to, granularity: YEAR) @skip(if: $days) { ${VALUE} }
  previousMonths: metrics(keys: $tiles, unitIds: $ids, from: $pfrom, to: $pto, granularity: YEAR) @skip(if: $days) { ${VALUE} }
  children: metrics(keys: $metric, unitIds: $ids, children: true, from: $from, to: $to, granularity: YEAR) { ${VALUE} }
}`;

/**
 * Whether a change is good, bad or neither for the indicator (its catalog's betterWhen): a fall of cases filed is
 * bad, a fall of findings good. @param {number} diff @param {MetricDef} def @returns {'good' | 'bad' | 'neutral'}
 */
export function changeClass(diff, def) {
  if (diff === 0 || !def.betterWhen || def.betterWhen === 'NEUTRAL') return 'neutral';
  return (diff > 0) === (def.betterWhen === 'HIGHER') ? 'good' : 'bad';
}

/**
 * The change of a tile: `环比 ↓ 12 (3.4%)`, coloured good / bad / neutral, or 上期无数据 (`empty`: the previous period
 * recorded no activity at all — before the data begins —, so its flows and its empty stocks say nothing). @param {Figure | null | undefined} cur @param {Figure | null | undefined} prev @param {MetricDef} def
 * @param {'mom' | 'yoy'} cmp @param {boolean} empty
 */
export function delta(cur, prev, def, cmp = 'mom', empty = false) {
  const label = cmp === 'yoy' ? t('cmpYoy') : t('cmpMom');
  // a period without activity says nothing of a flow; a stock (the register at its end) speaks when it held something
  const unknown = empty && (def.time !== 'STOCK' || !prev?.numerator);
  if (cur?.value == null || prev?.value == null || unknown) return { text: cmp === 'yoy' ? t('noSamePeriod') : t('noPrevious'), cls: 'none' };
  const diff = cur.value - prev.value;
  const arrow = diff > 0 ? '↑' : diff < 0 ? '↓' : '→';
  const cls = changeClass(diff, def);
  if (def.unit === '%') {
    const pp = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(Math.abs(diff));
    return { text: `${label} ${arrow} ${pp} ${t('pointsUnit')}`, cls };
  }
  const abs = formatValue(Math.abs(diff), def.unit, locale());
  const rel = prev.value !== 0 && diff !== 0 ? ` (${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format((Math.abs(diff) / Math.abs(prev.value)) * 100)}%)` : '';
  return { text: `${label} ${arrow} ${abs}${rel}`, cls };
}

/**
 * Whether a period recorded no activity at all: every flow indicator of the tiles counts nothing (no finding, case,
 * complaint, patrol…) — a period before the data begins. Stocks (the register) may still hold something then.
 * @param {Map<string, Figure> | undefined} figures @param {Map<string, MetricDef>} catalog
 */
export function noData(figures, catalog) {
  if (!figures) return true;
  return [...figures].filter(([k]) => catalog.get(k)?.time !== 'STOCK').every(([, f]) => !f.numerator);
}

/** The overview: tiles, the map (or the stations' bars) and the table of the units below. @param {Route} r @param {number} seq */
export async function renderOverview(r, seq) {
  if (!state.session || !r.unit) return;
  const period = currentPeriod(r.from, r.to);
  const other = comparisonPeriod(period, r.cmp);
  const days = dayCount(period.from, period.to) <= MAX_DAYS && dayCount(other.from, other.to) <= MAX_DAYS;
  const own = state.session.me.unit;
  // the user's own province or city: its map is known before the answer, so fetch it beside the query
  if (r.unit === String(own.id) && (own.level === 'PROVINCE' || own.level === 'CITY')) loadMap(own.level === 'PROVINCE' ? '370000' : adcodeOf(own.code)).catch(() => undefined);
  const data = await gql(OVERVIEW, {
    id: r.unit,
    ids: [r.unit],
    tiles: TILES.map(([k]) => k),
    metric: [r.metric],
    from: r.from,
    to: r.to,
    days,
    dfrom: period.from,
    dto: period.to,
    pdfrom: other.from,
    pdto: other.to,
    pfrom: other.fromMonth,
    pto: other.toMonth,
  });
  const answeredAt = new Date().toISOString();
  await ensureEcharts();
  if (seq !== state.renderSeq) return;
  const { catalog } = state.session;
  const unit = data.unit;
  const def = catalog.get(r.metric);
  if (!def) throw new ApiError(`unknown indicator ${r.metric}`, 'BAD_USER_INPUT', 400);
  const cur = figuresByUnit(days ? data.current : data.currentMonths, catalog).get(unit.id)?.figures;
  const before = figuresByUnit(days ? data.previous : data.previousMonths, catalog).get(unit.id)?.figures;
  // over months across two years, a distinct count would be the sum of the years: not shown
  const crossYear = (/** @type {string} */ from, /** @type {string} */ to) => !days && from.slice(0, 4) !== to.slice(0, 4);
  const empty = noData(before, catalog);
  const periodText = comparisonLabel(period, other, currentLang());
  const asOf = `${t('asOf')} ${when(answeredAt)}`;
  const children = [...figuresByUnit(data.children, catalog).values()];
  const hasChildren = children.length > 0 && !(children.length === 1 && children[0].unit.id === unit.id);

  const tiles = TILES.map(([key, label]) => {
    const d = catalog.get(key);
    const shown = cur?.get(key);
    if (!d || !shown) return '';
    const unaddable = !!d.distinct && (crossYear(r.from, r.to) || crossYear(other.fromMonth, other.toMonth));
    const f = unaddable ? { ...shown, value: null } : shown;
    const dl = unaddable ? { text: t('crossYear'), cls: 'none' } : delta(f, before?.get(key), d, r.cmp, empty);
    return `<div class="tile" data-testid="tile-${key}" data-key="${key}" data-value="${esc(f.value)}" data-better="${esc(d.betterWhen ?? '')}" data-previous="${esc(before?.get(key)?.value)}" title="${esc(metricName(d))}: ${esc(d.formula)}">
      <div class="name">${esc(t(label))}</div>
      <div class="value">${esc(formatValue(f.value, d.unit, locale()))}</div>
      <div class="delta ${dl.cls}" data-change="${dl.cls}">${esc(dl.text)}</div>
      <div class="period" data-from="${esc(period.from)}" data-to="${esc(period.to)}" data-pfrom="${esc(other.from)}" data-pto="${esc(other.to)}">${esc(periodText)}</div>
      <div class="asof">${esc(asOf)}</div></div>`;
  }).join('');

  const childLevel = LEVEL_ORDER[LEVEL_ORDER.indexOf(unit.level) + 1];
  const useMap = hasChildren && (unit.level === 'PROVINCE' || unit.level === 'CITY');
  const items = children.map((c) => ({ unitId: c.unit.id, code: c.unit.code, name: c.unit.name, value: c.figures.get(r.metric)?.value ?? null }));
  const noValues = items.every((i) => i.value == null || i.value === 0);
  const title = `${metricName(def)} · ${useMap ? t('mapTitle') : childLevel === 'STATION' ? t('stationsTitle') : t('childrenTitle')}`;
  const mapCode = unit.level === 'PROVINCE' ? '370000' : adcodeOf(unit.code);
  /** adcode → region name of the map's features */
  /** @type {Map<string, string>} */
  let regions = new Map();
  if (useMap) {
    await loadMap(mapCode);
    if (seq !== state.renderSeq) return;
    regions = new Map(state.echarts.getMap(mapCode).geoJSON.features.map((/** @type {any} */ f) => [f.properties.name, f.properties.label]));
  }
  const onMap = { has: (/** @type {string} */ code) => regions.has(code) };
  const chartBody = !hasChildren
    ? `<p class="state" data-state="no-children">${esc(t('noChildren'))}</p>`
    : noValues
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
    <div class="grid">${card(useMap ? 'map' : 'bars', title, chartBody, { png: hasChildren && !noValues, csv: hasChildren })}${card('table', `${t('table')} · ${metricName(def)}`, table, { csv: hasChildren })}</div>`;
  bindFilters(r);
  crumbs(unit, r);
  const csv = () => ({ header: CSV_HEADER, rows: children.map((c) => [c.unit.code, c.unit.name, def.key, r.from, r.to, ...figureCells(c.figures.get(def.key), def)]) });
  if (hasChildren && !noValues) {
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
