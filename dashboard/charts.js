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
