// @ts-check
/**
 * The market view (市场): price index and listings, the regions below by month, the biggest price moves, findings by
 * rule, a shop's price history with the 7-day base price, its snapshots and findings with their evidence. Two
 * GraphQL requests (see renderMarket).
 */
import { ApiError, fetchFile, gql } from '../api.js';
import { basePriceLine, categoryBarsOption, formatValue, indexed, monthlySeriesOption, movesOption, priceHistoryOption, priceIndexOption, shortName } from '../charts.js';
import { downloadBlob } from '../export.js';
import { currentLang, t } from '../i18n.js';
import { addMonths, monthCount } from '../metrics.js';
import { UNIT_CHAIN, VALUE, ensureEcharts, go, state } from '../state.js';
import { $, bindFilters, card, crumbs, esc, filters, locale, main, mount, showBanner, when } from '../ui.js';

/** @typedef {import('../metrics.js').MetricRow} MetricRow */
/** @typedef {import('../metrics.js').UnitRef} UnitRef */
/** @typedef {import('../state.js').Route} Route */

export const MARKET = `query DashboardMarket($id: ID!, $ids: [ID!], $rules: [String!]!, $regional: [String!]!, $from: String!, $to: String!, $withCat: Boolean!) {
  ${UNIT_CHAIN}
  scope: unit(id: $id) { jurisdiction children @include(if: $withCat) { id code name jurisdiction } }
  rules { id nameZh nameEn }
  byRule: metrics(keys: $rules, unitIds: $ids, from: $from, to: $to, granularity: MONTH) { ${VALUE} }
  regions: metrics(keys: $regional, unitIds: $ids, children: true, from: $from, to: $to, granularity: MONTH) { ${VALUE} }
}`;
/** the regional indicators of the market view, monthly per unit below */
export const MARKET_REGIONAL = ['average_price', 'listings_observed', 'price_observations'];
/** the biggest price moves shown: the API orders them by size, so the top of each region's list merged is the top overall */
export const MOVES_SHOWN = 10;
export const MOVE = 'kind amount percent observedAt regionCode shopId listingId before after shop { id name } listing { id title category }';

/**
 * The second request of the market view: per region prefix of the unit's jurisdiction, for the category chosen
 * (or all), its daily price index, its biggest price moves and the categories one level down; with a shop, its
 * listings' daily prices, snapshots and findings with the evidence captured.
 * @param {number} prefixes @param {boolean} withShop
 */
export function marketDataQuery(prefixes, withShop) {
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
export const utcDay = (iso) => new Date(iso).toISOString().slice(0, 10);

/**
 * The daily price index over several region prefixes: observations summed, the mean weighted by them (the
 * exact mean of every price), listings summed (a listing lies in one region).
 * @param {{day: string, avgPrice: number, listings: number, observations: number}[][]} parts
 */
export function combineIndex(parts) {
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
export async function renderMarket(r, seq) {
  if (!state.session || !r.unit) return;
  if (monthCount(r.from, r.to) < 1) throw new ApiError(t('rangeInvalid'), 'BAD_USER_INPUT', 400);
  const { catalog, list } = state.session;
  const ruleKeys = list.filter((d) => d.family === 'findings_rule').map((d) => d.key);
  const meta = await gql(MARKET, { id: r.unit, ids: [r.unit], rules: ruleKeys, regional: MARKET_REGIONAL, from: r.from, to: r.to, withCat: !!r.cat });
  if (seq !== state.renderSeq) return;
  /** @type {string[]} */
  const prefixes = meta.scope.jurisdiction;
  const range = { from: `${r.from}-01T00:00:00.000Z`, to: `${addMonths(r.to, 1)}-01T00:00:00.000Z` };
  /** @type {Record<string, unknown>} */
  const vars = { range, cat: r.cat, withCat: !!r.cat };
  prefixes.forEach((p, i) => (vars[`r${i}`] = p));
  if (r.shop) Object.assign(vars, { shop: r.shop, fromAt: range.from, toAt: range.to });
  const data = await gql(marketDataQuery(prefixes.length, !!r.shop), vars);
  await ensureEcharts();
  if (seq !== state.renderSeq) return;

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
    <div class="grid">${card('market-index', `${t('marketIndex')}${catTitle}`, `${body('market-index', index.length === 0)}${index.length ? `<p class="note" id="index-note">${esc(t('indexNote'))}</p>` : ''}`, { png: index.length > 0, csv: true })}
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
    index.length
      ? priceIndexOption({ days: index.map((x) => x.day), avgPrice: index.map((x) => x.avgPrice), listings: index.map((x) => x.listings), priceName: t('priceIndexName'), listingsName: t('listingsObserved'), indexName: t('indexAxis'), priceLabel: t('avgPrice'), locale: locale() })
      : null,
    () => {
      const shown = indexed(index.map((x) => x.avgPrice));
      return { header: ['unit_code', 'category', 'day', 'avg_price', 'listings', 'observations', 'price_index'], rows: index.map((x, i) => [unit.code, r.cat ?? '', x.day, x.avgPrice, x.listings, x.observations, shown[i] ?? '']) };
    },
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
        showBanner(e, 'error', t('evidenceFailed'));
      }
    });
  }
}

/** File name extensions of the capture types the crawlers keep. */
export const CAPTURE_EXT = /** @type {Record<string, string>} */ ({ 'text/html': 'html', 'image/png': 'png', 'image/jpeg': 'jpg', 'application/json': 'json', 'text/plain': 'txt', 'application/pdf': 'pdf' });

/**
 * A button that downloads one evidence capture by its SHA-256 (served to those who may see the shop only), named
 * by what it is when the capture is known. @param {string} sha @param {{kind?: string, observedAt?: string, contentType?: string | null} | undefined} capture
 */
export function evidenceButton(sha, capture) {
  const ext = CAPTURE_EXT[String(capture?.contentType ?? '').split(';')[0].trim()] ?? (capture?.kind === 'screenshot' ? 'png' : capture?.kind ? 'html' : 'bin');
  const kindKey = /** @type {any} */ (`capture_${capture?.kind}`);
  const label = capture?.kind ? `${t(kindKey) === kindKey ? capture.kind : t(kindKey)} · ${sha.slice(0, 8)}` : `${sha.slice(0, 12)}…`;
  return `<button type="button" class="evidence" data-sha="${esc(sha)}" data-name="${esc(`evidence-${sha.slice(0, 16)}.${ext}`)}" title="${esc(`SHA-256 ${sha}${capture?.observedAt ? ` · ${when(capture.observedAt)}` : ''}`)}">${esc(label)}</button>`;
}
