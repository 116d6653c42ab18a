// @ts-check
/**
 * The wall screen's data (大屏, screen.html): three GraphQL requests per refresh — the metrics of the user's
 * unit over 13 months and of its children in the current month (`metrics`, granularity MONTH), the annual
 * assessment ranking of its children (`assessmentResults`), and the alerts (`clues`, `complaints`,
 * `findings`) — and the pure functions that turn the answers into what the panels show.
 */
import { gql } from './api.js';
import { addMonths } from './metrics.js';

/** @typedef {import('./metrics.js').MetricDef} MetricDef */
/** @typedef {{ id: string, code: string, name: string, level: string, path: string }} Unit */
/** @typedef {{ unit: {id: string, code: string, name: string}, period: string, key: string, value: number | null }} Row */
/**
 * @typedef {{ kind: 'clueOverdue' | 'clueDue' | 'complaintOverdue' | 'complaintDue' | 'findingHigh', id: string, title: string, unit: string, at: string }} Alert
 * `at`: the deadline (clues: a time, complaints: a day) or, for a finding, when it was observed
 */

/** The headline figures: indicator and whether more is worse (the colour of a rise). */
export const KPIS = /** @type {const} */ ([
  ['findings', 'bad'],
  ['findings_high', 'bad'],
  ['clues_overdue', 'bad'],
  ['cases_filed', 'good'],
  ['complaints_received', 'neutral'],
  ['patrol_coverage', 'good'],
]);
/** The indicators the map shows, one after the other (a full round of the cities each). */
export const MAP_KEYS = ['findings', 'complaints_received', 'cases_filed', 'clues_overdue'];
/** The indicators of the TOP-5 carousel. */
export const RANK_KEYS = ['findings', 'complaints_received', 'cases_filed', 'patrol_coverage'];
/** The trend chart's indicators. */
export const TREND_KEYS = ['findings', 'complaints_received', 'cases_filed'];
/** "Due soon": a deadline within this many days. */
export const DUE_SOON_DAYS = 3;

const UNIT = 'id code name level path';
export const SESSION = `query ScreenSession {
  me { name displayName unit { ${UNIT} } }
  metricCatalog { key nameZh nameEn unit aggregation time scale levels family formula }
}`;

const METRICS = `query ScreenMetrics($u: [ID!], $keys: [String!]!, $from: String!, $to: String!) {
  own: metrics(keys: $keys, unitIds: $u, from: $from, to: $to, granularity: MONTH) { unit { id code name } period key value }
  children: metrics(keys: $keys, unitIds: $u, children: true, from: $to, to: $to, granularity: MONTH) { unit { id code name } period key value }
}`;

const ASSESSMENT = `query ScreenAssessment($u: ID!, $y: Int!) {
  assessmentResults(parentUnitId: $u, year: $y) { unit { id code name } year total siblingRank siblingCount provisional throughMonth computedAt }
}`;

const CLUE = 'id title deadline assignedUnit { name }';
const COMPLAINT = 'id number title acceptanceDueOn assignedUnit { name }';
const ALERTS = `query ScreenAlerts {
  cluesOverdue: clues(filter: { overdue: true }, first: 30) { totalCount nodes { ${CLUE} } }
  cluesOpen: clues(filter: { statuses: [ASSIGNED], overdue: false }, last: 100) { nodes { ${CLUE} } }
  complaintsOverdue: complaints(filter: { acceptanceOverdue: true }, first: 30) { totalCount nodes { ${COMPLAINT} } }
  complaintsOpen: complaints(filter: { statuses: [RECEIVED], acceptanceOverdue: false }, last: 100) { nodes { ${COMPLAINT} } }
  findings(filter: { severities: [HIGH] }, first: 20) { totalCount nodes { id ruleId observedAt regionCode shop { name } } }
  rules { id nameZh nameEn }
}`;

/** Metrics of the unit (13 months up to `month`) and of its children (`month`). @param {string} unitId @param {string} month */
export async function loadMetrics(unitId, month) {
  const keys = [...new Set([...KPIS.map(([k]) => k), ...MAP_KEYS, ...RANK_KEYS, ...TREND_KEYS])];
  /** @type {{ own: Row[], children: Row[] }} */
  const data = await gql(METRICS, { u: [unitId], keys, from: addMonths(month, -12), to: month });
  return { ...data, at: new Date() };
}

/**
 * The assessment ranking of the unit's children for the year (the year before while none was run yet).
 * @param {string} unitId @param {number} year
 * @returns {Promise<{ year: number, rows: {unit: {id: string, code: string, name: string}, year: number, total: number, siblingRank: number, siblingCount: number, provisional: boolean, throughMonth: string, computedAt: string}[] }>}
 */
export async function loadAssessment(unitId, year) {
  for (const y of [year, year - 1]) {
    const rows = (await gql(ASSESSMENT, { u: unitId, y })).assessmentResults;
    if (rows.length) return { year: y, rows: [...rows].sort((a, b) => a.siblingRank - b.siblingRank || a.unit.code.localeCompare(b.unit.code)) };
  }
  return { year, rows: [] };
}

/**
 * The alerts: clues and complaints past or near their deadline, high-severity findings newest first.
 * @param {'zh' | 'en'} lang @param {Date} now
 */
export async function loadAlerts(lang, now = new Date()) {
  const d = await gql(ALERTS);
  return { ...shapeAlerts(d, lang, now), at: new Date() };
}

/** A China day (YYYY-MM-DD) `days` after `now`. @param {Date} now @param {number} days */
export function chinaDayAfter(now, days) {
  return new Date(now.getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The alert list from the answer: overdue clues and complaints (earliest deadline first), then those due within
 * DUE_SOON_DAYS, then the high-severity findings (newest first); with the totals per kind.
 * @param {any} d the ScreenAlerts answer @param {'zh' | 'en'} lang @param {Date} now
 */
export function shapeAlerts(d, lang, now) {
  const soon = now.getTime() + DUE_SOON_DAYS * 86_400_000;
  const soonDay = chinaDayAfter(now, DUE_SOON_DAYS);
  const ruleName = new Map(d.rules.map((/** @type {any} */ r) => [r.id, lang === 'zh' ? r.nameZh : r.nameEn]));
  const byTime = (/** @type {Alert} */ a, /** @type {Alert} */ b) => a.at.localeCompare(b.at);
  /** @type {Alert[]} */
  const clueOverdue = d.cluesOverdue.nodes.map((/** @type {any} */ c) => ({ kind: 'clueOverdue', id: c.id, title: c.title, unit: c.assignedUnit?.name ?? '', at: c.deadline ?? '' })).sort(byTime);
  /** @type {Alert[]} */
  const clueDue = d.cluesOpen.nodes
    .filter((/** @type {any} */ c) => c.deadline && Date.parse(c.deadline) <= soon)
    .map((/** @type {any} */ c) => ({ kind: 'clueDue', id: c.id, title: c.title, unit: c.assignedUnit?.name ?? '', at: c.deadline }))
    .sort(byTime);
  /** @type {Alert[]} */
  const complaintOverdue = d.complaintsOverdue.nodes
    .map((/** @type {any} */ c) => ({ kind: 'complaintOverdue', id: c.id, title: `${c.number} ${c.title}`, unit: c.assignedUnit?.name ?? '', at: c.acceptanceDueOn }))
    .sort(byTime);
  /** @type {Alert[]} */
  const complaintDue = d.complaintsOpen.nodes
    .filter((/** @type {any} */ c) => c.acceptanceDueOn <= soonDay)
    .map((/** @type {any} */ c) => ({ kind: 'complaintDue', id: c.id, title: `${c.number} ${c.title}`, unit: c.assignedUnit?.name ?? '', at: c.acceptanceDueOn }))
    .sort(byTime);
  /** @type {Alert[]} */
  const findingHigh = d.findings.nodes.map((/** @type {any} */ f) => ({
    kind: 'findingHigh',
    id: f.id,
    title: `${ruleName.get(f.ruleId) ?? f.ruleId}${f.shop?.name ? ` · ${f.shop.name}` : ''}`,
    unit: f.regionCode,
    at: f.observedAt,
  }));
  return {
    items: [...clueOverdue, ...complaintOverdue, ...clueDue, ...complaintDue, ...findingHigh],
    counts: {
      clueOverdue: d.cluesOverdue.totalCount,
      complaintOverdue: d.complaintsOverdue.totalCount,
      clueDue: clueDue.length,
      complaintDue: complaintDue.length,
      findingHigh: d.findings.totalCount,
    },
  };
}

/** The value of a key in a month from per-month rows (null without a row). @param {Row[]} rows @param {string} key @param {string} period */
export function valueAt(rows, key, period) {
  return rows.find((r) => r.key === key && r.period === period)?.value ?? null;
}

/**
 * A change against an earlier figure: percent for counts, percentage points for rates; null when it cannot be said.
 * @param {number | null} now @param {number | null} before @param {boolean} rate
 */
export function change(now, before, rate) {
  if (now == null || before == null) return null;
  if (rate) return now - before;
  if (before === 0) return null;
  return ((now - before) / before) * 100;
}

/**
 * The KPIs of the unit: the month, 同比 (the same month a year before) and 环比 (the month before).
 * @param {Row[]} own @param {string} month @param {Map<string, MetricDef>} catalog
 */
export function kpis(own, month, catalog) {
  const lastYear = addMonths(month, -12);
  const previous = addMonths(month, -1);
  return KPIS.map(([key, high]) => {
    const rate = catalog.get(key)?.unit === '%';
    const value = valueAt(own, key, month);
    return { key, high, unit: catalog.get(key)?.unit ?? '', value, yoy: change(value, valueAt(own, key, lastYear), rate), mom: change(value, valueAt(own, key, previous), rate), rate };
  });
}

/** The children's figures of one key, in the API's order. @param {Row[]} children @param {string} key */
export function childItems(children, key) {
  return children.filter((r) => r.key === key).map((r) => ({ unitId: r.unit.id, code: r.unit.code, name: r.unit.name, value: r.value }));
}

/** The five children with the largest value of a key (no value: not ranked; ties by code). @param {Row[]} children @param {string} key */
export function top5(children, key) {
  return childItems(children, key)
    .filter((i) => i.value != null)
    .sort((a, b) => /** @type {number} */ (b.value) - /** @type {number} */ (a.value) || a.code.localeCompare(b.code))
    .slice(0, 5);
}
