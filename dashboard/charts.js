// @ts-check
/**
 * ECharts option builders: pure functions from figures the API gave to an option object (no fetching,
 * no DOM), so every chart shows exactly the numbers of the GraphQL answer.
 */

/**
 * @typedef {{ unitId: string, code: string, name: string, value: number | null, region?: string }} Item
 */

const PALETTE = ['#e0f3f8', '#abd9e9', '#74add1', '#4575b4', '#313695'];
const RED = ['#fff5eb', '#fdd0a2', '#fd8d3c', '#d94801', '#7f2704'];

/** A number for people: grouped digits, a rate with one decimal and %. @param {number | null | undefined} v @param {string} unit @param {string} locale */
export function formatValue(v, unit, locale) {
  if (v == null || Number.isNaN(v)) return '—';
  if (unit === '%') return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)}%`;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: unit === '元' ? 2 : 1 }).format(v);
}

/** A unit's name for a chart axis: the bureau suffix dropped (济南市市场监督管理局 → 济南市). @param {string} name */
export function shortName(name) {
  return name.replace(/市场监督管理局$/, '') || name;
}

/** The ECharts map code of a unit: a city 3701 → 370100, a county keeps its 6 digits. @param {string} code */
export function adcodeOf(code) {
  return /^\d{4}$/.test(code) ? `${code}00` : code;
}

/**
 * The GeoJSON with each feature named by its adcode (so data items match by code, not by a name two
 * counties may share); the display name is kept as `label`. @param {any} geo
 */
export function keyByAdcode(geo) {
  return {
    ...geo,
    features: geo.features.map((/** @type {any} */ f) => ({ ...f, properties: { ...f.properties, label: f.properties.name, name: String(f.properties.adcode) } })),
  };
}

/**
 * A choropleth of the children of a unit. @param {{ mapName: string, items: Item[], title: string, unit: string, locale: string, high: 'bad' | 'neutral' }} a
 */
export function mapOption(a) {
  const values = a.items.map((i) => i.value).filter((v) => v != null);
  const max = values.length ? Math.max(...values) : 0;
  const min = values.length ? Math.min(...values) : 0;
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (/** @type {any} */ p) => `${p.data?.unitName ?? p.name}<br/>${a.title}: ${formatValue(p.data?.value, a.unit, a.locale)}`,
    },
    visualMap: {
      type: 'continuous',
      min,
      max: max === min ? min + 1 : max,
      calculable: true,
      left: 10,
      bottom: 10,
      inRange: { color: a.high === 'bad' ? RED : PALETTE },
      formatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale),
    },
    series: [
      {
        type: 'map',
        map: a.mapName,
        roam: false,
        selectedMode: false,
        label: { show: true, fontSize: 11, color: '#1f2933', formatter: (/** @type {any} */ p) => p.data?.region ?? p.data?.unitName ?? '' },
        emphasis: { label: { show: true }, itemStyle: { areaColor: '#ffd666' } },
        data: a.items.map((i) => ({ name: adcodeOf(i.code), value: i.value, unitId: i.unitId, unitName: i.name, region: i.region })),
      },
    ],
  };
}

/** Horizontal bars of the children (stations), largest first. @param {{ items: Item[], title: string, unit: string, locale: string }} a */
export function barOption(a) {
  const items = [...a.items].sort((x, y) => (x.value ?? -Infinity) - (y.value ?? -Infinity));
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale) },
    grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: 'value', name: a.unit },
    yAxis: { type: 'category', data: items.map((i) => shortName(i.name)) },
    series: [
      {
        type: 'bar',
        name: a.title,
        data: items.map((i) => ({ value: i.value, unitId: i.unitId })),
        label: { show: true, position: 'right', formatter: (/** @type {any} */ p) => formatValue(p.value, a.unit, a.locale) },
        itemStyle: { color: '#4575b4' },
      },
    ],
  };
}

/**
 * Grouped bars of several indicators of the same unit (%) per child unit (the work view).
 * @param {{ units: {unitId: string, name: string}[], series: {title: string, values: (number | null)[]}[], unit: string, locale: string }} a
 */
export function groupedBarOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.units.map((u) => shortName(u.name)), axisLabel: { interval: 0, rotate: a.units.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', name: a.unit },
    series: a.series.map((s) => ({ type: 'bar', name: s.title, data: s.values })),
  };
}

// ---- the market view (市场) ----

const RULE_COLORS = ['#b71c1c', '#d97706', '#2563eb', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#9a3412', '#475569', '#ca8a04', '#4f46e5'];

/**
 * The daily price index of a region: the mean observed price (line, 元) and the listings observed (bars).
 * @param {{ days: string[], avgPrice: (number | null)[], listings: (number | null)[], priceName: string, listingsName: string, locale: string }} a
 */
export function priceIndexOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.days },
    yAxis: [
      { type: 'value', name: '元', scale: true },
      { type: 'value', name: '个', splitLine: { show: false } },
    ],
    series: [
      { type: 'line', name: a.priceName, data: a.avgPrice, yAxisIndex: 0, showSymbol: false, itemStyle: { color: '#b71c1c' }, tooltip: { valueFormatter: (/** @type {number} */ v) => formatValue(v, '元', a.locale) } },
      { type: 'bar', name: a.listingsName, data: a.listings, yAxisIndex: 1, itemStyle: { color: '#abd9e9' } },
    ],
  };
}

/**
 * One series per unit over the months or days (lines for a price, stacked bars for counts; `counts` lines start at 0).
 * @param {{ months: string[], series: {name: string, values: (number | null)[]}[], unit: string, locale: string, kind: 'line' | 'stack', counts?: boolean }} a
 */
export function monthlySeriesOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale) },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.months },
    yAxis: { type: 'value', name: a.unit, scale: a.kind === 'line' && !a.counts, minInterval: a.counts ? 1 : undefined },
    color: RULE_COLORS,
    series: a.series.map((s) =>
      a.kind === 'line'
        ? { type: 'line', name: shortName(s.name), data: s.values, connectNulls: false }
        : { type: 'bar', stack: 'all', name: shortName(s.name), data: s.values },
    ),
  };
}

/**
 * The biggest price moves as horizontal bars (percent of the previous price; up red, down green), biggest on top.
 * @param {{ moves: {label: string, percent: number, amount: number | null, shopId: string, listingId: string | null}[], locale: string }} a
 */
export function movesOption(a) {
  const rows = [...a.moves].reverse();
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => `${formatValue(v, '', a.locale)}%` },
    grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: 'value', name: '%' },
    yAxis: { type: 'category', data: rows.map((m) => m.label), axisLabel: { width: 260, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        data: rows.map((m) => ({ value: m.percent, shopId: m.shopId, listingId: m.listingId, itemStyle: { color: m.percent >= 0 ? '#b71c1c' : '#047857' } })),
        label: { show: true, position: 'right', formatter: (/** @type {any} */ p) => `${p.value > 0 ? '+' : ''}${formatValue(p.value, '', a.locale)}%` },
      },
    ],
  };
}

/**
 * Listings and shops per category (the level below the one chosen), largest first; a click drills into one.
 * @param {{ names: string[], paths: string[], listings: number[], shops: number[], listingsName: string, shopsName: string, locale: string }} a
 */
export function categoryBarsOption(a) {
  const order = a.names.map((_, i) => i).reverse();
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, '', a.locale) },
    legend: { top: 0 },
    grid: { left: 8, right: 48, top: 28, bottom: 10, containLabel: true },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', data: order.map((i) => a.names[i]), axisLabel: { width: 160, overflow: 'truncate' } },
    series: [
      { name: a.listingsName, type: 'bar', data: order.map((i) => ({ value: a.listings[i], path: a.paths[i] })), label: { show: true, position: 'right' } },
      { name: a.shopsName, type: 'bar', data: order.map((i) => ({ value: a.shops[i], path: a.paths[i] })) },
    ],
  };
}

/**
 * The highest price of each day's 7 days before (the fictitious-original-price rule's reference: a 原价 above
 * every price actually charged in the 7 days before is a hit), from daily buckets: null while no day of the
 * window has an observation. @param {string[]} days YYYY-MM-DD, ascending @param {(number | null)[]} maxPrices per day
 */
export function basePriceLine(days, maxPrices) {
  const DAY = 86_400_000;
  const at = days.map((d) => Date.parse(`${d}T00:00:00Z`));
  return at.map((t, i) => {
    let best = null;
    for (let j = i - 1; j >= 0 && t - at[j] <= 7 * DAY; j--) {
      const v = maxPrices[j];
      if (v != null && (best == null || v > best)) best = v;
    }
    return best;
  });
}

/**
 * A listing's price history: the daily mean, lowest and highest price, the 7-day base price, and the findings
 * on the listing as points (at the original price they flagged, else at the price).
 * @param {{ days: string[], avg: (number | null)[], min: (number | null)[], max: (number | null)[], base: (number | null)[],
 *   findings: {day: string, value: number, name: string, id: string}[], names: {avg: string, min: string, max: string, base: string, findings: string}, locale: string }} a
 */
export function priceHistoryOption(a) {
  const money = (/** @type {number} */ v) => formatValue(v, '元', a.locale);
  return {
    animation: false,
    tooltip: { trigger: 'axis', valueFormatter: money },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.days },
    yAxis: { type: 'value', name: '元', scale: true },
    series: [
      { type: 'line', name: a.names.avg, data: a.avg, itemStyle: { color: '#1d4ed8' }, symbolSize: 5 },
      { type: 'line', name: a.names.min, data: a.min, lineStyle: { width: 1, opacity: 0.5 }, itemStyle: { color: '#74add1' }, showSymbol: false },
      { type: 'line', name: a.names.max, data: a.max, lineStyle: { width: 1, opacity: 0.5 }, itemStyle: { color: '#4575b4' }, showSymbol: false },
      { type: 'line', name: a.names.base, data: a.base, step: 'end', z: 5, lineStyle: { type: 'dashed', width: 2 }, itemStyle: { color: '#d97706' }, showSymbol: false },
      {
        type: 'scatter',
        name: a.names.findings,
        data: a.findings.map((f) => ({ value: [f.day, f.value], findingId: f.id, ruleName: f.name })),
        symbol: 'diamond',
        symbolSize: 14,
        itemStyle: { color: '#b71c1c' },
        tooltip: { trigger: 'item', formatter: (/** @type {any} */ p) => `${p.data.ruleName}<br/>${p.data.value[0]}: ${money(p.data.value[1])}` },
      },
    ],
  };
}

// ---- the assessment view (考核) ----

/**
 * Stacked bars of the points each indicator gave each unit (units in ranking order): the bar's height is
 * the unit's item points, each colour one indicator. @param {{ units: {unitId: string, name: string}[], series: {key: string, title: string, values: (number | null)[]}[], locale: string }} a
 */
export function stackedPointsOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, '分', a.locale) },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 8, right: 16, top: 52, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.units.map((u) => shortName(u.name)), axisLabel: { interval: 0, rotate: a.units.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', name: '分' },
    series: a.series.map((s, i) => ({ type: 'bar', stack: 'points', name: s.title, id: s.key, data: s.values, itemStyle: { color: RULE_COLORS[i % RULE_COLORS.length] } })),
  };
}

// ---- the reconciliation view (对账) ----

/**
 * Bars of each platform's reporting completeness (%, 0–100); a platform without crawled shops has no value
 * (no bar, "—"). The bar's colour repeats the status, which the table says in words too.
 * @param {{ platforms: {code: string, name: string, completeness: number | null, status: 'onTime' | 'late' | 'missing'}[], title: string, locale: string }} a
 */
export function completenessOption(a) {
  const color = { onTime: '#2e7d32', late: '#d97706', missing: '#9e9e9e' };
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, '%', a.locale) },
    grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: 'value', name: '%', min: 0, max: 100 },
    yAxis: { type: 'category', data: a.platforms.map((p) => p.name), inverse: true },
    series: [
      {
        type: 'bar',
        name: a.title,
        data: a.platforms.map((p) => ({ value: p.completeness, code: p.code, itemStyle: { color: color[p.status] } })),
        label: { show: true, position: 'right', formatter: (/** @type {any} */ p) => formatValue(p.value, '%', a.locale) },
      },
    ],
  };
}

/**
 * Horizontal bars of the open conflicts per kind (labels given by the caller, in the order given).
 * @param {{ kinds: {kind: string, label: string, open: number}[], title: string, locale: string }} a
 */
export function conflictKindsOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, '件', a.locale) },
    grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: 'value', name: '件', minInterval: 1 },
    yAxis: { type: 'category', data: a.kinds.map((k) => k.label), inverse: true },
    series: [
      {
        type: 'bar',
        name: a.title,
        data: a.kinds.map((k) => ({ value: k.open, kind: k.kind })),
        label: { show: true, position: 'right', formatter: (/** @type {any} */ p) => formatValue(p.value, '件', a.locale) },
        itemStyle: { color: '#b45309' },
      },
    ],
  };
}
