// @ts-check
/**
 * The periods the overview compares (issue 18): the chosen months as days — a range ending in the current month
 * runs to today (month to date) — and the period it is compared with, like with like: 环比 (mom) the same days of
 * the months just before (a month to date against the same days of the month before; whole months against as many
 * whole months), 同比 (yoy) the same days a year earlier. The time-range presets of the filter bar, and the labels
 * of a period in the UI language.
 */
import { addMonths, chinaMonth, monthCount } from './metrics.js';

/** @typedef {'mom' | 'yoy'} Cmp */
/**
 * Days, both included (YYYY-MM-DD, China time), with the months they lie in; `toDate`: it ends today (a month to date).
 * @typedef {{ from: string, to: string, fromMonth: string, toMonth: string, toDate: boolean }} DayPeriod
 */

/** the metricsOverDays window limit (days) */
export const MAX_DAYS = 366;

/** Today in China (UTC+8), YYYY-MM-DD. */
export const chinaDay = (now = new Date()) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The number of days of a month. @param {string} month YYYY-MM */
export function daysIn(month) {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The day `d` of a month, at most its last day. @param {string} month @param {number} d */
const dayOf = (month, d) => `${month}-${String(Math.min(d, daysIn(month))).padStart(2, '0')}`;

/** Days from..to, both included. @param {string} from @param {string} to */
export function dayCount(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The chosen months as days: to their last day, or to today when they reach the current month. @param {string} from @param {string} to */
export function currentPeriod(from, to, today = chinaDay()) {
  const thisMonth = today.slice(0, 7);
  const toDate = to >= thisMonth;
  return { from: `${from}-01`, to: toDate ? today : dayOf(to, 31), fromMonth: from, toMonth: to, toDate };
}

/**
 * The period `p` is compared with: mom — as many months just before, the same days of them when `p` runs to
 * today; yoy — the same days a year earlier. @param {DayPeriod} p @param {Cmp} cmp @returns {DayPeriod}
 */
export function comparisonPeriod(p, cmp) {
  const n = cmp === 'yoy' ? 12 : monthCount(p.fromMonth, p.toMonth);
  const fromMonth = addMonths(p.fromMonth, -n);
  const toMonth = addMonths(p.toMonth, -n);
  return { from: `${fromMonth}-01`, to: p.toDate ? dayOf(toMonth, Number(p.to.slice(8, 10))) : dayOf(toMonth, 31), fromMonth, toMonth, toDate: false };
}

/** The presets of the filter bar and their months. */
export const PRESETS = /** @type {const} */ (['thisMonth', 'lastMonth', 'thisQuarter', 'last12', 'thisYear']);
/** @typedef {(typeof PRESETS)[number]} Preset */

/** The months of a preset. @param {Preset} preset @returns {{from: string, to: string}} */
export function presetRange(preset, now = chinaMonth()) {
  const month = Number(now.slice(5, 7));
  switch (preset) {
    case 'lastMonth':
      return { from: addMonths(now, -1), to: addMonths(now, -1) };
    case 'thisQuarter':
      return { from: addMonths(now, -((month - 1) % 3)), to: now };
    case 'last12':
      return { from: addMonths(now, -11), to: now };
    case 'thisYear':
      return { from: `${now.slice(0, 4)}-01`, to: now };
    default:
      return { from: now, to: now };
  }
}

/** The preset the months are, if any. @param {string} from @param {string} to @returns {Preset | null} */
export function presetOf(from, to, now = chinaMonth()) {
  return PRESETS.find((p) => {
    const r = presetRange(p, now);
    return r.from === from && r.to === to;
  }) ?? null;
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A run of days in words: zh `12月1日–7日`, `2025年12月1日–7日`; en `Dec 1–7`, `Dec 1–7, 2025`.
 * @param {string} from @param {string} to @param {'zh' | 'en'} lang @param {boolean} withYear
 */
export function daysLabel(from, to, lang, withYear) {
  const [y1, m1, d1] = from.split('-').map(Number);
  const [y2, m2, d2] = to.split('-').map(Number);
  if (lang === 'zh') {
    const head = withYear || y1 !== y2 ? `${y1}年` : '';
    const tail = y1 !== y2 ? `${y2}年${m2}月${d2}日` : m1 !== m2 ? `${m2}月${d2}日` : `${d2}日`;
    return from === to ? `${head}${m1}月${d1}日` : `${head}${m1}月${d1}日–${tail}`;
  }
  const start = `${EN_MONTHS[m1 - 1]} ${d1}`;
  if (from === to) return withYear ? `${start}, ${y1}` : start;
  if (y1 !== y2) return `${start}, ${y1} – ${EN_MONTHS[m2 - 1]} ${d2}, ${y2}`;
  const end = m1 !== m2 ? ` – ${EN_MONTHS[m2 - 1]} ${d2}` : `–${d2}`;
  return `${start}${end}${withYear ? `, ${y1}` : ''}`;
}

/**
 * The comparison in words, e.g. `12月1日–7日 vs 11月1日–7日` (years shown when the two differ in year or are not
 * this year). @param {DayPeriod} cur @param {DayPeriod} prev @param {'zh' | 'en'} lang
 */
export function comparisonLabel(cur, prev, lang, today = chinaDay()) {
  const year = today.slice(0, 4);
  const withYear = cur.from.slice(0, 4) !== prev.from.slice(0, 4) || cur.from.slice(0, 4) !== year || cur.to.slice(0, 4) !== prev.to.slice(0, 4);
  return `${daysLabel(cur.from, cur.to, lang, withYear)} vs ${daysLabel(prev.from, prev.to, lang, withYear)}`;
}
