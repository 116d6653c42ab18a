// @ts-check
/**
 * The wall screen's DOM panels (大屏): KPI cards with 同比/环比, TOP-5 lists, the city in focus and the rolling
 * alert list. Pure rendering from shaped figures (screen-data.js); every figure keeps its raw value in a
 * data-value attribute beside the formatted text.
 */
import { formatValue, shortName } from './charts.js';
import { DICTIONARY } from './i18n.js';

/** @typedef {'zh' | 'en'} Lang */
/** @typedef {keyof typeof DICTIONARY.zh} Label */
/** @typedef {import('./screen-data.js').Alert} Alert */

/** HTML-escaped text. @param {unknown} s */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** A label of the screen's language. @param {Lang} lang @param {Label} key */
export function tr(lang, key) {
  return DICTIONARY[lang][key] ?? DICTIONARY.zh[key] ?? key;
}

/** @param {Lang} lang */
export function locale(lang) {
  return lang === 'zh' ? 'zh-CN' : 'en-GB';
}

/** A moment in China time: 2026-05-14 10:32:05 (seconds optional). @param {Date} d */
export function chinaTime(d, seconds = true) {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, seconds ? 19 : 16)}`;
}

/** The weekday in China. @param {Date} d @param {Lang} lang */
export function weekday(d, lang) {
  return new Intl.DateTimeFormat(locale(lang), { weekday: 'long', timeZone: 'Asia/Shanghai' }).format(d);
}

/** "截至 2026-05-14 10:32" @param {Lang} lang @param {Date} d */
export function asOf(lang, d) {
  return `${tr(lang, 'scrAsOf')} ${chinaTime(d, false)}`;
}

/**
 * A change as shown: ▲ 12.5% / ▼ 3.0% (points "pp" / 个百分点 for rates), "—" when it cannot be said.
 * @param {number | null} v @param {boolean} rate @param {Lang} lang
 */
export function changeText(v, rate, lang) {
  if (v == null) return '—';
  const n = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(v));
  const arrow = v > 0 ? '▲' : v < 0 ? '▼' : '＝';
  return `${arrow}${n}${rate ? (lang === 'zh' ? '个百分点' : ' pp') : '%'}`;
}

/** The tone of a change: a rise of a bad indicator is red, of a good one green. @param {number | null} v @param {string} high */
function tone(v, high) {
  if (v == null || v === 0 || high === 'neutral') return 'flat';
  return (v > 0) === (high === 'bad') ? 'worse' : 'better';
}

/**
 * The KPI cards. @param {HTMLElement} el
 * @param {{key: string, name: string, high: string, unit: string, value: number | null, yoy: number | null, mom: number | null, rate: boolean}[]} list @param {Lang} lang
 */
export function renderKpis(el, list, lang) {
  const loc = locale(lang);
  el.innerHTML = list
    .map((k) => {
      const shown = formatValue(k.value, k.unit, loc);
      const unit = k.unit === '%' || k.value == null ? '' : `<span class="kpi-unit label">${esc(k.unit)}</span>`;
      return `<div class="kpi" data-testid="kpi-${esc(k.key)}" data-key="${esc(k.key)}" data-value="${k.value ?? ''}" data-yoy="${k.yoy ?? ''}" data-mom="${k.mom ?? ''}">
        <div class="kpi-name label">${esc(k.name)}</div>
        <div class="kpi-value"><span class="num label">${esc(shown)}</span>${unit}</div>
        <div class="kpi-changes${k.rate ? ' stack' : ''}">
          <span class="chg label ${tone(k.yoy, k.high)}" data-change="yoy">${esc(tr(lang, 'scrYoy'))} ${esc(changeText(k.yoy, k.rate, lang))}</span>
          <span class="chg label ${tone(k.mom, k.high)}" data-change="mom">${esc(tr(lang, 'scrMom'))} ${esc(changeText(k.mom, k.rate, lang))}</span>
        </div>
      </div>`;
    })
    .join('');
}

/**
 * A TOP-5 list with bars relative to the first. @param {HTMLElement} el
 * @param {{unitId: string, code: string, name: string, value: number | null, text?: string}[]} rows @param {string} unit @param {Lang} lang @param {string} key
 */
export function renderRank(el, rows, unit, lang, key) {
  el.dataset.key = key;
  if (!rows.length) {
    el.innerHTML = `<li class="empty label">${esc(tr(lang, 'scrNoData'))}</li>`;
    return;
  }
  const top = Math.max(...rows.map((r) => Math.abs(r.value ?? 0)), 1e-9);
  el.innerHTML = rows
    .map(
      (r, i) => `<li data-code="${esc(r.code)}" data-value="${r.value ?? ''}">
        <span class="no label n${i + 1}">${i + 1}</span>
        <span class="name label">${esc(shortName(r.name))}</span>
        <span class="bar"><span data-w="${Math.round((Math.abs(r.value ?? 0) / top) * 100)}"></span></span>
        <span class="val label">${esc(r.text ?? formatValue(r.value, unit, locale(lang)))}</span>
      </li>`,
    )
    .join('');
  // widths through the CSSOM (the CSP allows no style attributes)
  for (const bar of /** @type {NodeListOf<HTMLElement>} */ (el.querySelectorAll('.bar span[data-w]'))) bar.style.width = `${bar.dataset.w}%`;
}

/**
 * The unit in focus on the map and its figures. @param {HTMLElement} el
 * @param {{code: string, name: string, figures: {key: string, name: string, unit: string, value: number | null}[]} | null} city @param {Lang} lang
 */
export function renderFocus(el, city, lang) {
  if (!city) {
    el.innerHTML = '';
    el.dataset.city = '';
    return;
  }
  el.dataset.city = city.code;
  el.innerHTML = `<div class="focus-name"><span class="tag label">${esc(tr(lang, 'scrFocus'))}</span><span class="label city">${esc(shortName(city.name))}</span></div>
    <div class="focus-figs">${city.figures
      .map((f) => `<div class="fig" data-key="${esc(f.key)}" data-value="${f.value ?? ''}"><span class="label fig-name">${esc(f.name)}</span><span class="label fig-val">${esc(formatValue(f.value, f.unit, locale(lang)))}</span></div>`)
      .join('')}</div>`;
}

/** The alert kinds' labels. */
const KIND_LABEL = /** @type {const} */ ({
  clueOverdue: 'scrClueOverdue',
  complaintOverdue: 'scrComplaintOverdue',
  clueDue: 'scrClueDue',
  complaintDue: 'scrComplaintDue',
  findingHigh: 'scrFindingHigh',
});

/** The counts per kind of alert. @param {HTMLElement} el @param {Record<keyof typeof KIND_LABEL, number>} counts @param {Lang} lang */
export function renderAlertCounts(el, counts, lang) {
  el.innerHTML = /** @type {(keyof typeof KIND_LABEL)[]} */ (Object.keys(KIND_LABEL))
    .map((k) => `<div class="count ${k}" data-kind="${k}" data-value="${counts[k]}"><span class="label count-n">${counts[k]}</span><span class="label count-name">${esc(tr(lang, KIND_LABEL[k]))}</span></div>`)
    .join('');
}

/**
 * The visible window of the rolling alert list: `size` items from `offset` on (wrapping round).
 * @param {HTMLElement} el @param {Alert[]} items @param {number} offset @param {number} size @param {Lang} lang
 * @param {(a: Alert) => string} unitName
 */
export function renderAlerts(el, items, offset, size, lang, unitName) {
  el.dataset.total = String(items.length);
  el.dataset.offset = String(items.length ? offset % items.length : 0);
  if (!items.length) {
    el.innerHTML = `<li class="empty label">${esc(tr(lang, 'scrNoAlerts'))}</li>`;
    return;
  }
  const shown = [];
  for (let i = 0; i < Math.min(size, items.length); i++) shown.push(items[(offset + i) % items.length]);
  el.innerHTML = shown
    .map((a) => {
      const when = a.kind === 'findingHigh' ? chinaTime(new Date(a.at), false).slice(5) : `${tr(lang, 'scrDue')} ${a.at.length > 10 ? chinaTime(new Date(a.at), false).slice(5) : a.at.slice(5)}`;
      return `<li class="alert ${a.kind}" data-kind="${a.kind}" data-id="${esc(a.id)}">
        <span class="kind label">${esc(tr(lang, KIND_LABEL[a.kind]))}</span>
        <span class="title label">${esc(a.title)}</span>
        <span class="where label">${esc(shortName(unitName(a)))}</span>
        <span class="when label">${esc(when)}</span>
      </li>`;
    })
    .join('');
  // as many rows as the panel has room for: the ones below its edge go (they come round on the next steps)
  const bottom = el.getBoundingClientRect().bottom;
  for (let last = el.lastElementChild; last && el.children.length > 1 && last.getBoundingClientRect().bottom > bottom + 0.5; last = el.lastElementChild) last.remove();
  el.dataset.rows = String(el.children.length);
}
