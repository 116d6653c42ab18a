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
 * Values as an index, 100 at the first value (null before it and where a value is missing): the change since the
 * start of the range, readable without the price level. @param {(number | null)[]} values
 */
export function indexed(values) {
  const base = values.find((v) => v != null && v !== 0);
  return values.map((v) => (v == null || base == null ? null : Math.round((v / base) * 100 * 1e4) / 1e4));
}

/**
 * A value axis' bounds around the data: a margin of a tenth of the data's spread (at least `minSpan` in all, so a
 * tiny wobble stays flat), rounded out to a step of 1, 2, 5 × 10ⁿ; never below `floor` nor above `ceil`.
 * @param {(number | null | undefined)[]} values @param {{ minSpan: number, floor?: number, ceil?: number, include?: number }} o
 * @returns {{ min: number, max: number } | null}
 */
export function axisBounds(values, o) {
  const v = /** @type {number[]} */ (values.filter((x) => x != null && Number.isFinite(x)));
  if (o.include != null) v.push(o.include);
  if (!v.length) return null;
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  const pad = Math.max((hi - lo) * 0.1, (o.minSpan - (hi - lo)) / 2, 0);
  lo -= pad;
  hi += pad;
  const raw = (hi - lo) / 5 || 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  let min = Math.floor(lo / step + 1e-9) * step;
  let max = Math.ceil(hi / step - 1e-9) * step;
  if (o.floor != null) min = Math.max(min, o.floor);
  if (o.ceil != null && Math.max(...v) <= o.ceil) max = Math.min(max, o.ceil);
  const round = (/** @type {number} */ x) => Math.round(x * 1e6) / 1e6;
  return { min: round(min), max: round(max) };
}

/**
 * The legend of the market's and the assessment's charts: one line (scrolling) at the top, with the plot area
 * (`GRID_TOP`) and the axis names (just above the plot, `nameGap`) below it, so they never overlap.
 */
export const TOP_LEGEND = { top: 0, left: 'center', type: 'scroll' };
export const GRID_TOP = 58;
/** a value axis' name (its unit) at its top end, aligned away from the plot's middle where the legend is @param {string} name @param {'left' | 'right'} side */
export const axisName = (name, side = 'left') => ({ name, nameLocation: 'end', nameGap: 12, nameTextStyle: { align: side, color: '#52606d' } });

/**
 * The daily price index of a region: the mean observed price as an index (= 100 at the first day of the range; the
 * price in 元 in the tooltip), on an axis scaled to the data with a margin, and the listings observed (bars).
 * @param {{ days: string[], avgPrice: (number | null)[], listings: (number | null)[], priceName: string, listingsName: string, indexName: string, priceLabel: string, locale: string }} a
 */
export function priceIndexOption(a) {
  const index = indexed(a.avgPrice);
  const bounds = axisBounds(index, { minSpan: 4, include: 100 });
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      formatter: (/** @type {any[]} */ ps) =>
        [ps[0]?.axisValue, ...ps.map((p) => (p.seriesIndex === 0 ? `${p.marker}${p.seriesName}: ${formatValue(p.data?.value, '', a.locale)} (${a.priceLabel} ${formatValue(p.data?.price, '元', a.locale)} 元)` : `${p.marker}${p.seriesName}: ${formatValue(p.value, '', a.locale)}`))].join('<br/>'),
    },
    legend: TOP_LEGEND,
    grid: { left: 8, right: 8, top: GRID_TOP, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.days },
    yAxis: [
      { type: 'value', ...axisName(a.indexName, 'left'), ...(bounds ?? { scale: true }) },
      { type: 'value', ...axisName('个', 'right'), minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { type: 'line', name: a.priceName, data: index.map((v, i) => ({ value: v, price: a.avgPrice[i] })), yAxisIndex: 0, showSymbol: false, itemStyle: { color: '#b71c1c' }, markLine: { silent: true, symbol: 'none', lineStyle: { color: '#9aa5b1', type: 'dashed' }, label: { show: false }, data: [{ yAxis: 100 }] } },
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
    legend: TOP_LEGEND,
    grid: { left: 8, right: 16, top: GRID_TOP, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.months },
    yAxis: { type: 'value', ...axisName(a.unit), scale: a.kind === 'line' && !a.counts, minInterval: a.counts ? 1 : undefined },
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
    xAxis: { type: 'value', name: '%', nameLocation: 'end', nameGap: 8 },
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
    legend: TOP_LEGEND,
    grid: { left: 8, right: 48, top: 36, bottom: 10, containLabel: true },
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
    legend: TOP_LEGEND,
    grid: { left: 8, right: 16, top: GRID_TOP, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.days },
    yAxis: { type: 'value', ...axisName('元'), scale: true },
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
 * The ranking as horizontal bars of the scores, best on top, on an axis from a little below the lowest score to
 * the highest (or 100), so scores a point apart differ visibly; the axis is named with its start (bars do not
 * start at 0). @param {{ items: Item[], title: string, axisName: string, unit: string, locale: string }} a
 */
export function rankingBarOption(a) {
  const items = [...a.items].sort((x, y) => (x.value ?? -Infinity) - (y.value ?? -Infinity));
  const bounds = axisBounds(items.map((i) => i.value), { minSpan: 2, floor: 0, ceil: 100 });
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale) },
    grid: { left: 8, right: 48, top: 10, bottom: 28, containLabel: true },
    xAxis: { type: 'value', name: bounds && bounds.min > 0 ? a.axisName : a.unit, nameLocation: 'middle', nameGap: 24, ...(bounds ?? {}), axisLabel: { showMinLabel: true, showMaxLabel: true } },
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
 * Two years' scores per unit as grouped bars (a year without a run is left out by the caller), the value axis
 * scaled to the scores like the ranking's. @param {{ units: {unitId: string, name: string}[], series: {title: string, values: (number | null)[]}[], axisName: string, unit: string, locale: string }} a
 */
export function compareBarOption(a) {
  const bounds = axisBounds(a.series.flatMap((s) => s.values), { minSpan: 2, floor: 0, ceil: 100 });
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, a.unit, a.locale) },
    legend: TOP_LEGEND,
    grid: { left: 8, right: 16, top: GRID_TOP, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.units.map((u) => shortName(u.name)), axisLabel: { interval: 0, rotate: a.units.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', ...axisName(bounds && bounds.min > 0 ? a.axisName : a.unit), ...(bounds ?? {}) },
    series: a.series.map((s) => ({ type: 'bar', name: s.title, data: s.values })),
  };
}

/**
 * Stacked bars of the points each indicator gave each unit (units in ranking order): the bar's height is
 * the unit's item points, each colour one indicator. @param {{ units: {unitId: string, name: string}[], series: {key: string, title: string, values: (number | null)[]}[], locale: string }} a
 */
export function stackedPointsOption(a) {
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (/** @type {number} */ v) => formatValue(v, '分', a.locale) },
    legend: TOP_LEGEND,
    grid: { left: 8, right: 16, top: GRID_TOP, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: a.units.map((u) => shortName(u.name)), axisLabel: { interval: 0, rotate: a.units.length > 8 ? 40 : 0 } },
    yAxis: { type: 'value', ...axisName('分') },
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

// ---- the wall screen (大屏, screen.html): dark theme ----

const SCREEN_BLUE = ['#0b3d75', '#1464a5', '#1f8dd6', '#3fb6f2', '#8de0ff'];
const SCREEN_RED = ['#3b2a12', '#7a4a12', '#c2710c', '#f59e0b', '#fde68a'];

/**
 * The wall screen's map: the children of a unit on a dark map, each region labelled with its short name and
 * value; the region `focus` (adcode) is highlighted by the caller (dispatchAction), not by the option.
 * @param {{ mapName: string, items: Item[], title: string, unit: string, locale: string, high: 'bad' | 'neutral', fontSize?: number }} a
 */
export function screenMapOption(a) {
  const values = a.items.map((i) => i.value).filter((v) => v != null);
  const max = values.length ? Math.max(...values) : 0;
  const min = values.length ? Math.min(...values) : 0;
  const fontSize = a.fontSize ?? 15;
  return {
    animation: false,
    backgroundColor: 'transparent',
    visualMap: {
      type: 'continuous',
      min,
      max: max === min ? min + 1 : max,
      left: 16,
      bottom: 16,
      itemHeight: 120,
      calculable: false,
      text: [formatValue(max, a.unit, a.locale), formatValue(min, a.unit, a.locale)],
      textStyle: { color: '#cfe8ff', fontSize: 13 },
      inRange: { color: a.high === 'bad' ? SCREEN_RED : SCREEN_BLUE },
    },
    series: [
      {
        type: 'map',
        map: a.mapName,
        roam: false,
        selectedMode: false,
        layoutCenter: ['50%', '50%'],
        layoutSize: '96%',
        itemStyle: { borderColor: '#7fd3ff', borderWidth: 1.2, areaColor: '#0b2a52' },
        label: {
          show: true,
          color: '#ffffff',
          fontSize,
          lineHeight: Math.round(fontSize * 1.25),
          textBorderColor: '#04122b',
          textBorderWidth: 3,
          formatter: (/** @type {any} */ p) => `${shortName(p.data?.unitName ?? '').replace(/市$/, '')}\n${formatValue(p.data?.value, a.unit, a.locale)}`,
        },
        emphasis: { label: { show: true, color: '#ffe58f', fontSize: fontSize + 3 }, itemStyle: { areaColor: '#ffd666', borderColor: '#fff7d6', borderWidth: 2 } },
        data: a.items.map((i) => ({ name: adcodeOf(i.code), value: i.value, unitId: i.unitId, unitName: i.name })),
      },
    ],
  };
}

/**
 * The wall screen's monthly trend of a few indicators of one unit (lines, dark theme).
 * @param {{ months: string[], series: {name: string, values: (number | null)[]}[], locale: string }} a
 */
export function screenTrendOption(a) {
  const axis = { axisLine: { lineStyle: { color: '#3a6aa0' } }, axisLabel: { color: '#9cc6ee', fontSize: 12 }, splitLine: { lineStyle: { color: '#15345f' } } };
  return {
    animation: false,
    backgroundColor: 'transparent',
    color: ['#3fb6f2', '#f59e0b', '#34d399'],
    legend: { top: 0, textStyle: { color: '#cfe8ff', fontSize: 13 }, itemHeight: 8 },
    grid: { left: 8, right: 16, top: 30, bottom: 4, containLabel: true },
    xAxis: { type: 'category', data: a.months.map((m) => m.slice(2)), ...axis, splitLine: { show: false } },
    yAxis: { type: 'value', minInterval: 1, ...axis },
    series: a.series.map((s) => ({ type: 'line', name: s.name, data: s.values, smooth: true, showSymbol: true, symbolSize: 5, areaStyle: { opacity: 0.12 } })),
  };
}
