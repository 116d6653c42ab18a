// @ts-check
/**
 * Month arithmetic and the combination of a metrics answer over the chosen range. The API answers per
 * year (granularity YEAR: flows summed over the months of the range in that year, stocks at the range's
 * last month in it, rates as summed numerator / summed denominator); a range inside one year is the API's
 * row as it is, a range over two years combines the years by the same rule, using the catalog's
 * `aggregation` and `time` of the indicator.
 */

/**
 * @typedef {{ id: string, code: string, name: string, level: string, path: string }} UnitRef
 * @typedef {{ unit: UnitRef, period: string, key: string, value: number | null, numerator: number, denominator: number | null }} MetricRow
 * @typedef {{ key: string, nameZh: string, nameEn: string, unit: string, aggregation: 'SUM' | 'RATE', time: 'FLOW' | 'STOCK', scale: number, levels: string[], family: string | null, formula: string, betterWhen?: 'HIGHER' | 'LOWER' | 'NEUTRAL', distinct?: boolean }} MetricDef
 * @typedef {{ value: number | null, numerator: number, denominator: number | null }} Figure
 */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** @param {unknown} m @returns {m is string} */
export function isMonth(m) {
  return typeof m === 'string' && MONTH_RE.test(m);
}

/** The current month in China (UTC+8), YYYY-MM. */
export function chinaMonth(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 7);
}

/** @param {string} month YYYY-MM @param {number} n */
export function addMonths(month, n) {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${year}-${String(mm + 1).padStart(2, '0')}`;
}

/** Months from..to, both included. */
export function monthCount(from, to) {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
}

/** The window of the same length just before [from, to]. @returns {{from: string, to: string}} */
export function previousWindow(from, to) {
  const n = monthCount(from, to);
  return { from: addMonths(from, -n), to: addMonths(from, -1) };
}

/**
 * One unit's figure of one indicator over the range, from its per-year rows (sorted by period).
 * @param {MetricRow[]} rows @param {MetricDef} def @returns {Figure | null} null when the indicator does not apply
 */
export function combine(rows, def) {
  if (rows.length === 0) return null;
  const sorted = [...rows].sort((a, b) => a.period.localeCompare(b.period));
  if (sorted.length === 1) return { value: sorted[0].value, numerator: sorted[0].numerator, denominator: sorted[0].denominator };
  const used = def.time === 'STOCK' ? [sorted[sorted.length - 1]] : sorted;
  const numerator = used.reduce((s, r) => s + r.numerator, 0);
  if (def.aggregation === 'SUM') return { value: numerator, numerator, denominator: null };
  const denominator = used.reduce((s, r) => s + (r.denominator ?? 0), 0);
  return { value: denominator > 0 ? (numerator / denominator) * def.scale : null, numerator, denominator };
}

/**
 * Figures per unit id and key: Map<unitId, Map<key, Figure>>, units in the order the API gave them.
 * @param {MetricRow[]} rows @param {Map<string, MetricDef>} catalog
 */
export function figuresByUnit(rows, catalog) {
  /** @type {Map<string, {unit: UnitRef, rows: Map<string, MetricRow[]>}>} */
  const grouped = new Map();
  for (const r of rows) {
    let g = grouped.get(r.unit.id);
    if (!g) grouped.set(r.unit.id, (g = { unit: r.unit, rows: new Map() }));
    const list = g.rows.get(r.key) ?? [];
    list.push(r);
    g.rows.set(r.key, list);
  }
  /** @type {Map<string, {unit: UnitRef, figures: Map<string, Figure>}>} */
  const out = new Map();
  for (const [id, g] of grouped) {
    const figures = new Map();
    for (const [key, list] of g.rows) {
      const def = catalog.get(key);
      const f = def ? combine(list, def) : null;
      if (f) figures.set(key, f);
    }
    out.set(id, { unit: g.unit, figures });
  }
  return out;
}
