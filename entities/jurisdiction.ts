import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The access rule of Hongdun, declared once: an actor (user, API key or a named system job) belongs to a
 * unit whose jurisdiction is a set of region-code prefixes (region codes are prefix-shaped:
 * 37 → 3701 → 370102 → 370102001). A jurisdiction-bound row is visible and writable only when its
 * region code starts with one of the actor's prefixes.
 *
 * The actor lives in AsyncLocalStorage for the duration of a request, a CLI command or a job. Reading it
 * without one throws: a forgotten context is an error, never an open door (fail closed).
 */
export interface Actor {
  kind: 'user' | 'apiKey' | 'system';
  /** user id or API key id; null for system actors */
  id: number | null;
  /** username, API key name, or `system:<reason>` */
  name: string;
  unitId: number | null;
  role: string;
  /** what the actor may do (see services/access/permissions.ts) */
  permissions: ReadonlySet<string>;
  /** region-code prefixes of the actor's jurisdiction; `['']` means the whole database (system only) */
  prefixes: readonly string[];
  /** the operation being performed, recorded in the audit log */
  operation?: string;
  /** a platform's reporting key: the platform it reports for (平台报送) */
  platformId?: number;
}

export class AccessDeniedError extends Error {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedError';
  }
}

const storage = new AsyncLocalStorage<Actor>();

/** The actor of the current request, command or job. Throws when there is none (fail closed). */
export function currentActor(): Actor {
  const actor = storage.getStore();
  if (!actor) {
    throw new AccessDeniedError('no actor in context: jurisdiction-bound data needs an authenticated actor');
  }
  return actor;
}

/** The actor if there is one; for logging only, never for access decisions. */
export function peekActor(): Actor | undefined {
  return storage.getStore();
}

/** Runs `fn` with `actor` as the current actor. */
export function runAs<T>(actor: Actor, fn: () => T): T {
  return storage.run(actor, fn);
}

/** Runs `fn` with the actor's operation name set (recorded in audit entries). */
export function withOperation<T>(operation: string, fn: () => T): T {
  const actor = currentActor();
  return storage.run({ ...actor, operation }, fn);
}

/** True when `regionCode` lies in the jurisdiction given by `prefixes` (default: the current actor's). */
export function inJurisdiction(regionCode: string | null | undefined, prefixes: readonly string[] = currentActor().prefixes): boolean {
  if (regionCode == null) return prefixes.includes('');
  return prefixes.some((p) => regionCode.startsWith(p));
}

/** True when every prefix of `inner` lies inside `outer` (a sub-jurisdiction). */
export function coversJurisdiction(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.length > 0 && inner.every((code) => inJurisdiction(code, outer));
}

/**
 * The rule as a MikroORM condition: a row is in when any of the given region-code properties starts
 * with one of the actor's prefixes.
 */
export function jurisdictionWhere(...properties: [string, ...string[]]): Record<string, unknown> {
  const { prefixes } = currentActor();
  if (prefixes.includes('')) return {};
  const conditions = properties.flatMap((property) => prefixes.map((p) => ({ [property]: { $like: `${p}%` } })));
  if (conditions.length === 0) return { [properties[0]]: { $in: [] } };
  return conditions.length === 1 ? conditions[0] : { $or: conditions };
}

/**
 * The rule as SQL for raw queries and aggregates: one byte range a prefix,
 * `((column ~>=~ '3701' and column ~<~ '3702') or …)` — exactly the codes starting with the prefix (its
 * successor bounds them in byte order), as the ORM filter's LIKE. The pattern operators are leakproof and
 * served by the `varchar_pattern_ops` region-code indexes, so PostgreSQL can use the index also under
 * row-level security (a LIKE is not leakproof: below a policy it is a filter over every row, not an index
 * range). Same source (the current actor), same semantics as the ORM filter.
 */
export function jurisdictionSql(column: string): { sql: string; params: string[] } {
  if (!/^[a-z_][a-z0-9_.]*$/i.test(column)) throw new Error(`invalid column name ${column}`);
  const { prefixes } = currentActor();
  if (prefixes.includes('')) return { sql: 'true', params: [] };
  if (prefixes.length === 0) return { sql: 'false', params: [] };
  return { sql: `(${prefixes.map(() => `(${column} ~>=~ ? and ${column} ~<~ ?)`).join(' or ')})`, params: prefixes.flatMap(prefixRange) };
}

/** The byte range `[prefix, successor)` of the codes starting with a region-code prefix (digits only). */
export function prefixRange(prefix: string): [string, string] {
  if (!/^[0-9]{1,12}$/.test(prefix)) throw new Error(`invalid jurisdiction prefix "${prefix}"`);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)];
}

/** Name of the default-on MikroORM filter every jurisdiction-bound entity declares. */
export const JURISDICTION_FILTER = 'jurisdiction';

/** The filter definition for `@Filter`: reads the current actor, so it cannot be forgotten. */
export function jurisdictionFilter(...properties: string[]) {
  const props = (properties.length > 0 ? properties : ['regionCode']) as [string, ...string[]];
  return {
    name: JURISDICTION_FILTER,
    cond: () => jurisdictionWhere(...props),
    default: true,
    args: false as const,
  };
}

/** Entities carrying a region code that the jurisdiction rule applies to. */
export interface JurisdictionBound {
  regionCode: string;
}

/**
 * The region of rows a unit owns (its reports, notices, records of its office work): its first
 * jurisdiction prefix. Under the access rule such a row is seen by the unit and every unit above it, not
 * by its siblings or the units below it.
 */
export function unitRegion(unit: { jurisdiction: readonly string[]; code?: string }): string {
  const region = unit.jurisdiction[0];
  if (!region) throw new Error(`unit ${unit.code ?? ''} has no jurisdiction`);
  return region;
}

/**
 * The rule inside PostgreSQL (migration 20261213-row-level-security): every jurisdiction-bound table has
 * row-level security, and its policy for the reading role {@link READER_ROLE} admits a row only when its
 * region code matches one of the patterns in the transaction setting {@link JURISDICTION_SETTING}. A read
 * that runs as that role (compiled GraphQL reads, exports, any raw query through `services/reads/scoped-sql.ts`)
 * is filtered by PostgreSQL itself; without the setting it sees nothing (fail closed).
 */
export const READER_ROLE = 'hongdun_reader';
export const JURISDICTION_SETTING = 'hongdun.jurisdiction';

/**
 * The value of {@link JURISDICTION_SETTING} for an actor: `*` for the whole database (system actors), else
 * its prefixes as LIKE patterns joined by commas (`370102%,370103%`); empty for an actor without any (sees
 * nothing). Region-code prefixes are digits, so no pattern needs escaping; anything else is refused.
 */
export function jurisdictionSetting(actor: Actor = currentActor()): string {
  if (actor.prefixes.includes('')) return '*';
  for (const p of actor.prefixes) if (!/^[0-9]+$/.test(p)) throw new Error(`invalid jurisdiction prefix "${p}"`);
  return actor.prefixes.map((p) => `${p}%`).join(',');
}

/**
 * The SQL that puts the rule on one table: row-level security enabled and forced, a policy for the reading
 * role over the given region-code columns (a row is in when any of them matches), and a policy that leaves
 * the application's own role (the owner, which the ORM uses) as it was: its reads and writes stay scoped
 * by the ORM filter and the flush subscriber of this module. Idempotent.
 */
export function jurisdictionPolicySql(table: string, columns: readonly string[] = ['region_code']): string[] {
  for (const name of [table, ...columns]) if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid identifier ${name}`);
  // the setting is read once per statement (an uncorrelated sub-select is an InitPlan), not once per row
  const condition = [`(select current_setting('${JURISDICTION_SETTING}', true)) = '*'`, ...columns.map((c) => `"${c}" like any ((select hongdun_jurisdiction_patterns())::text[])`)].join(' or ');
  return [
    `alter table "${table}" enable row level security`,
    `alter table "${table}" force row level security`,
    `drop policy if exists "hongdun_jurisdiction" on "${table}"`,
    `create policy "hongdun_jurisdiction" on "${table}" for select to ${READER_ROLE} using (${condition})`,
    `drop policy if exists "hongdun_application" on "${table}"`,
    `create policy "hongdun_application" on "${table}" to current_user using (true) with check (true)`,
  ];
}
