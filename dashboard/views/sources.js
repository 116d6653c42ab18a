// @ts-check
/**
 * The reconciliation view (对账, issue 16): each platform's reporting of the month, the reporting completeness per
 * unit below, and the open conflicts between the register's sources by kind and as a list. Two GraphQL requests.
 */
import { gql } from '../api.js';
import { barOption, completenessOption, conflictKindsOption, formatValue } from '../charts.js';
import { currentLang, metricName, t } from '../i18n.js';
import { figuresByUnit, isMonth } from '../metrics.js';
import { CONFLICT_KINDS, UNIT_CHAIN, VALUE, ensureEcharts, go, hrefOf, state } from '../state.js';
import { $, CSV_HEADER, card, crumbs, esc, figureCells, locale, main, monthPicker, mount, when } from '../ui.js';

/** @typedef {import('../state.js').Route} Route */

/** the indicators per unit below (stock at the end of the month) */
export const SOURCES_KEYS = ['platform_report_coverage', 'platform_shops_reported', 'reconciliation_conflicts_open'];
/** conflicts listed (the API's newest first: by last detection) */
export const CONFLICTS_SHOWN = 50;
export const SOURCES = `query DashboardSources($id: ID!, $ids: [ID!], $keys: [String!]!, $month: String!) {
  ${UNIT_CHAIN}
  scope: unit(id: $id) { jurisdiction }
  stats: platformReportingStats(month: $month) { platform { code name reportDueDay } month fullReportAt dueOn onTime reports rejectedReports reportedShops crawledShops crawledAndReported completeness }
  children: metrics(keys: $keys, unitIds: $ids, children: true, from: $month, to: $month, granularity: YEAR) { ${VALUE} }
}`;
export const CONFLICT = 'id kind status regionCode firstDetectedAt lastDetectedAt details shop { id name url } platform { name } platformShop { platformShopId name url status } entity { name uscc }';

/**
 * The second request of the view: per region prefix of the unit's jurisdiction, the open conflicts of each kind
 * and the newest ones (of the kind chosen). Each kind's count is the `totalCount` of the open conflicts of that
 * kind below the prefix — what `conflictCounts(regionCode:)` answers; that query fails on the server for now (its
 * SQL selects a column named `count(*)`), so the view does not ask it. @param {number} prefixes
 */
export function conflictsQuery(prefixes) {
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
export function outerPrefixes(prefixes) {
  const uniq = [...new Set(prefixes)];
  return uniq.filter((p) => !uniq.some((q) => q !== p && p.startsWith(q)));
}

/** A kind's label (the API's enum value when unknown here). @param {string} kind */
export function kindLabel(kind) {
  const key = /** @type {import('../i18n.js').Label} */ (`kind_${kind}`);
  const label = t(key);
  return label === key ? kind : label;
}

/** What disagrees (the conflict's `details`), as text: key: value; nested values as JSON. @param {unknown} details */
export function detailsText(details) {
  if (!details || typeof details !== 'object') return [];
  return Object.entries(/** @type {Record<string, unknown>} */ (details)).map(([k, v]) => [k, v == null ? '—' : typeof v === 'string' ? v : JSON.stringify(v)]);
}

/** A platform's reporting of the month in words: on time, late, missing (or not due yet). @param {any} s */
export function reportingStatus(s) {
  if (s.fullReportAt) return s.onTime ? /** @type {const} */ ('onTime') : /** @type {const} */ ('late');
  return /** @type {const} */ ('missing');
}

/** The China day of now (YYYY-MM-DD). */
export const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** @param {Route} r */
export function sourcesFilters(r) {
  return `<form class="filters" id="filters">
    <label>${esc(t('sourcesMonth'))}${monthPicker('to', r.to, { id: 'sources-month' })}</label>
    <label>${esc(t('conflictKind'))}<select name="kind" id="kind-select"><option value="">${esc(t('allKinds'))}</option>${CONFLICT_KINDS.map(
      (k) => `<option value="${esc(k)}"${k === r.kind ? ' selected' : ''}>${esc(kindLabel(k))}</option>`,
    ).join('')}</select></label>
    <button type="submit">${esc(t('apply'))}</button>
  </form><nav class="crumbs" id="crumbs"></nav>`;
}

/** @param {Route} r */
export function bindSourcesFilters(r) {
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
export async function renderSources(r, seq) {
  if (!state.session || !r.unit) return;
  const month = r.to;
  const data = await gql(SOURCES, { id: r.unit, ids: [r.unit], keys: SOURCES_KEYS, month });
  if (seq !== state.renderSeq) return;
  const prefixes = outerPrefixes(data.scope.jurisdiction ?? []);
  /** @type {Record<string, unknown>} */
  const vars = { kind: r.kind ? [r.kind] : null };
  prefixes.forEach((p, i) => (vars[`r${i}`] = p));
  const conflictData = prefixes.length ? await gql(conflictsQuery(prefixes.length), vars) : {};
  await ensureEcharts();
  if (seq !== state.renderSeq) return;
  const { catalog } = state.session;
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
