// @ts-check
/**
 * The assessment view (考核): the ranking of the units below (among siblings) or of every visible unit of a level
 * (province-wide), each indicator's points per unit, one unit's score explained, and the ranking against another
 * year. One GraphQL request (and one more for the first ranked when no unit is chosen).
 */
import { gql } from '../api.js';
import { compareBarOption, formatValue, rankingBarOption, stackedPointsOption } from '../charts.js';
import { currentLang, t } from '../i18n.js';
import { chinaMonth } from '../metrics.js';
import { ASSESSED_LEVELS, UNIT, UNIT_CHAIN, ensureEcharts, go, hrefOf, state } from '../state.js';
import { $, card, crumbs, esc, locale, main, mount } from '../ui.js';

/** @typedef {import('../state.js').Route} Route */

/** a unit's result as the ranking shows it; the unit explained also gets its sentence (`explanation explanationEn`) */
export const RANKING_ROW = `unit { ${UNIT} } year level total itemsTotal bonusTotal maxTotal rank peerCount siblingRank siblingCount provisional throughMonth`;
export const RESULT_ROW = `${RANKING_ROW} explanation explanationEn`;
export const ITEM = 'key nameZh nameEn category indicator value rawValue numerator denominator target ruleKind ruleZh ruleEn points max missing explanation explanationEn';
export const BONUS = 'key nameZh nameEn count pointsEach points max explanation explanationEn';
/** the unit explained: its result with every item's rule and sentence and its bonus items */
export const EXPLAINED = `{ ${RESULT_ROW} items { ${ITEM} } bonus { ${BONUS} } }`;
export const ASSESSMENT_EXPLAINED = `query DashboardAssessmentExplained($sel: ID!, $year: Int!) {
  selected: assessmentResult(unitId: $sel, year: $year) ${EXPLAINED}
}`;
/** what the ranking's charts and CSV use of each unit's items (the rules and sentences come with the unit explained only) */
export const RANKING_ITEM = 'key nameZh nameEn indicator value target points max';
export const ASSESSMENT = `query DashboardAssessment($id: ID!, $year: Int!, $vs: Int!, $withVs: Boolean!, $level: UnitLevel, $parent: ID, $sel: ID!, $withSel: Boolean!) {
  ${UNIT_CHAIN}
  ranking: assessmentResults(year: $year, level: $level, parentUnitId: $parent) { ${RANKING_ROW} items { ${RANKING_ITEM} } }
  before: assessmentResults(year: $vs, level: $level, parentUnitId: $parent) @include(if: $withVs) { ${RANKING_ROW} }
  years: assessmentYears
  selected: assessmentResult(unitId: $sel, year: $year) @include(if: $withSel) ${EXPLAINED}
}`;
/** the years offered by the pickers: this year and the five before */
export const assessmentYears = () => {
  const y = Number(chinaMonth().slice(0, 4));
  return Array.from({ length: 6 }, (_, i) => y - i);
};

/**
 * The filter bar of the assessment view: year, comparison year, whose ranking; with the years that have a run
 * known, the others are marked "no run". @param {Route} r @param {number[] | null} [runYears]
 */
export function assessmentFilters(r, runYears = null) {
  const years = (/** @type {number | null} */ chosen, /** @type {boolean} */ none) =>
    `${none ? `<option value=""${chosen == null ? ' selected' : ''}>${esc(t('noCompare'))}</option>` : ''}${assessmentYears()
      .map((y) => `<option value="${y}"${y === chosen ? ' selected' : ''}${runYears && !runYears.includes(y) ? ' data-no-run="true"' : ''}>${y}${runYears && !runYears.includes(y) ? esc(t('noRunOption')) : ''}</option>`)
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
export function bindAssessmentFilters(r) {
  const form = /** @type {HTMLFormElement} */ ($('#filters'));
  form.addEventListener('change', () => {
    const d = new FormData(form);
    const vsv = String(d.get('vs') ?? '');
    go({ ...r, year: Number(d.get('year')), vs: vsv ? Number(vsv) : null, level: String(d.get('level') ?? '') || null, sel: null });
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());
}

/** A score for people: two decimals. @param {number | null | undefined} v */
export const points = (v) => (v == null ? '—' : new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v));

/** An item's value or target as scored: a rate in [0, 1] as a percentage, a count as it is. @param {number | null | undefined} v @param {string} indicator */
export function itemValue(v, indicator) {
  if (v == null) return '—';
  return state.session?.catalog.get(indicator)?.aggregation === 'RATE' ? formatValue(v * 100, '%', locale()) : formatValue(v, '', locale());
}

/**
 * The assessment: the ranking of the units below (ranked among siblings) or of every visible unit of a level
 * (ranked province-wide), each indicator's points per unit, one unit's score explained, and the ranking
 * against another year. One request. @param {Route} r @param {number} seq
 */
export async function renderAssessment(r, seq) {
  if (!state.session || !r.unit) return;
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
  if (seq !== state.renderSeq) return;
  const zh = currentLang() === 'zh';
  const name = (/** @type {{nameZh: string, nameEn: string}} */ x) => (zh ? x.nameZh : x.nameEn);
  /** @type {any[]} */
  const ranking = data.ranking;
  // no unit chosen: the first ranked is explained, its rules and sentences fetched on their own
  if (!data.selected && ranking.length) {
    data.selected = (await gql(ASSESSMENT_EXPLAINED, { sel: ranking[0].unit.id, year: r.year })).selected;
    if (seq !== state.renderSeq) return;
  }
  /** @type {any[]} */
  const before = data.before ?? [];
  /** @type {number[] | null} the years that have a run (null: not known) */
  const runYears = Array.isArray(data.years) ? data.years : null;
  // the comparison year without a run: said so, no "—" column of it, no series of it (decided from the list of
  // years with a run, or, without it, from the comparison year's rows: none where this year has some)
  const vsNoRun = vs != null && (runYears ? !runYears.includes(vs) : before.length === 0 && ranking.length > 0);
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
  const noRun = t('noRunYear').replace('{year}', String(vs));
  const compareRowsA = ranking
    .map(
      (a) => `<tr data-unit="${esc(a.unit.id)}" data-code="${esc(a.unit.code)}" data-total-a="${esc(a.total)}" data-rank-a="${esc(rankOf(a))}">
        <td>${esc(a.unit.name)}</td><td class="num">${esc(points(a.total))}</td><td class="num">${esc(rankOf(a))}</td></tr>`,
    )
    .join('');
  const compareSection = !vs
    ? ''
    : vsNoRun
      ? card(
          'assessment-compare',
          `${t('comparison')} · ${r.year} / ${vs}`,
          `<p class="state notice" data-state="no-run" id="no-run">${esc(noRun)}</p><p class="note">${esc(t('noRunNote').replace('{year}', String(vs)).replace('{a}', String(r.year)))}</p>
          ${empty ? '' : `<div class="table-wrap"><table id="compare-table"><thead><tr><th>${esc(t('unit'))}</th><th class="num">${r.year} ${esc(t('score'))}</th><th class="num">${r.year} ${esc(t('rank'))}</th></tr></thead><tbody>${compareRowsA}</tbody></table></div>`}`,
          { png: false, csv: true },
        )
      : card(
          'assessment-compare',
          `${t('comparison')} · ${r.year} / ${vs}`,
          `${empty ? `<p class="state" data-state="empty">${esc(t('noResults'))}</p>` : `<div class="chart small" id="chart-assessment-compare"></div>`}
        <div class="table-wrap"><table id="compare-table"><thead><tr><th>${esc(t('unit'))}</th><th class="num">${r.year} ${esc(t('score'))}</th><th class="num">${r.year} ${esc(t('rank'))}</th>
        <th class="num">${vs} ${esc(t('score'))}</th><th class="num">${vs} ${esc(t('rank'))}</th><th class="num">${esc(t('scoreChange'))}</th><th class="num">${esc(t('rankChange'))}</th></tr></thead><tbody>${compareRows}</tbody></table></div>`,
          { png: !empty, csv: true },
        );

  const chartBody = (/** @type {string} */ id) => (empty ? `<p class="state" data-state="empty">${esc(t('noResults'))}</p>` : `<div class="chart small" id="chart-${id}"></div>`);
  main().innerHTML = `${assessmentFilters(r, runYears)}
    ${provisional ? `<p class="note" id="provisional">${esc(t('provisional').replace('{m}', provisional.throughMonth))}</p>` : ''}
    <div class="grid">${card('assessment-ranking', `${t('ranking')} · ${r.year}`, `${chartBody('assessment-ranking')}${empty ? '' : rankingTable}`, { png: !empty, csv: true })}
      ${card('assessment-items', `${t('itemPoints')} · ${r.year}`, chartBody('assessment-items'), { png: !empty, csv: true })}</div><p></p>
    ${card('assessment-explanation', `${t('explanationOf')}${selected ? ` · ${selected.unit.name} · ${r.year}` : ''}`, explanation, { csv: !!selected })}<p></p>
    ${compareSection}`;
  bindAssessmentFilters(r);
  crumbs(data.unit, r);

  const rankingChart = mount(
    'assessment-ranking',
    empty ? null : rankingBarOption({ items: ranking.map((a) => ({ unitId: a.unit.id, code: a.unit.code, name: a.unit.name, value: a.total })), title: t('score'), axisName: t('scoreAxis'), unit: '分', locale: locale() }),
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
      empty || vsNoRun
        ? null
        : compareBarOption({
            units,
            series: [
              { title: String(r.year), values: compared.map((c) => c.a.total) },
              { title: String(vs), values: compared.map((c) => c.b?.total ?? null) },
            ],
            axisName: t('scoreAxis'),
            unit: '分',
            locale: locale(),
          }),
      () => ({
        header: vsNoRun ? ['unit_code', 'unit_name', 'year_a', 'total_a', 'rank_a'] : ['unit_code', 'unit_name', 'year_a', 'total_a', 'rank_a', 'year_b', 'total_b', 'rank_b', 'total_change', 'rank_change'],
        rows: vsNoRun ? compared.map((c) => [c.a.unit.code, c.a.unit.name, r.year, c.a.total, rankOf(c.a)]) : compared.map((c) => [c.a.unit.code, c.a.unit.name, r.year, c.a.total, rankOf(c.a), vs, c.b?.total ?? '', c.b ? rankOf(c.b) : '', c.scoreChange ?? '', c.rankChange ?? '']),
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
