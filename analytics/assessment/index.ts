/**
 * The annual assessment (年度考核) of units: schemes as versioned data (scheme.ts), the default scheme
 * following the norm (default-scheme.ts), scoring with an explanation of every point and ranking among
 * peers (score.ts). Pure functions over indicator values: the values come from the metrics catalog.
 */
export * from './scheme';
export * from './score';
export { DEFAULT_SCHEME_2026, DEFAULT_SCHEMES } from './default-scheme';
