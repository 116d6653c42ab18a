/**
 * The SQL of the annual assessment (年度考核): the stored scheme versions, the bonus counts, the indicator
 * values of a year read from the metrics rollup in one set-based query, and the result rows. No other
 * module of the assessment writes SQL. Reads of results apply the access rule (`jurisdictionSql` on the
 * result's region); the whole-province reads of a run are made under the system actor by the caller.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../metrics/compute';
import { type Actor, jurisdictionSql } from '../../entities';

/** A scheme version as stored: its JSON body and who saved it when. */
export interface StoredSchemeRow {
  id: string;
  version: number;
  body: unknown;
  fingerprint: string;
  createdBy: string;
  createdAt: Date;
}

/** jsonb comes back parsed from node-postgres and, depending on the version, as text from PGlite. */
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export async function selectStoredSchemes(em: EntityManager): Promise<StoredSchemeRow[]> {
  const rows = await em.execute<{ id: string; version: number; body: unknown; fingerprint: string; created_by: string; created_at: Date | string }[]>(
    `select id, version, body, fingerprint, created_by, created_at from assessment_scheme order by id, version`,
  );
  return rows.map((r) => ({
    id: r.id,
    version: Number(r.version),
    body: json(r.body),
    fingerprint: r.fingerprint.trim(),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  }));
}

export async function insertScheme(em: EntityManager, row: { id: string; version: number; name: string; fromYear: number; body: unknown; fingerprint: string; createdBy: string }): Promise<void> {
  await em.execute(
    `insert into assessment_scheme (id, version, name, from_year, body, fingerprint, created_by) values (?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [row.id, row.version, row.name, row.fromYear, JSON.stringify(row.body), row.fingerprint, row.createdBy],
  );
}

/** Serialises saves of scheme versions (a history is checked as a whole before a version is added). */
export async function lockSchemes(em: EntityManager): Promise<void> {
  await em.execute(`lock table assessment_scheme in share row exclusive mode`);
}

/** An audit entry for a write the ORM's flush subscriber does not see (these tables have no entity). */
export async function insertAudit(
  em: EntityManager,
  actor: Actor,
  entry: { operation: string; entityType: string; entityId: string; action: 'create' | 'update' | 'delete'; before?: unknown; after?: unknown; regionCode: string },
): Promise<void> {
  await em.execute(
    `insert into audit_entry (actor_kind, actor_id, actor_name, actor_unit_id, operation, entity_type, entity_id, action, before, after, region_code)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)`,
    [
      actor.kind,
      actor.id,
      actor.name.slice(0, 100),
      actor.unitId,
      entry.operation,
      entry.entityType,
      entry.entityId.slice(0, 64),
      entry.action,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.regionCode,
    ],
  );
}

export interface BonusRow {
  year: number;
  unitId: number;
  bonusKey: string;
  count: number;
  note: string;
  recordedBy: string;
  recordedAt: Date;
}

function bonusRow(r: { year: number; unit_id: number; bonus_key: string; count: number; note: string; recorded_by: string; recorded_at: Date | string }): BonusRow {
  return { year: Number(r.year), unitId: Number(r.unit_id), bonusKey: r.bonus_key, count: Number(r.count), note: r.note, recordedBy: r.recorded_by, recordedAt: new Date(r.recorded_at) };
}

/** Every bonus count of a year (a run's read, made as system). */
export async function selectBonuses(em: EntityManager, year: number): Promise<BonusRow[]> {
  const rows = await em.execute<Parameters<typeof bonusRow>[0][]>(
    `select year, unit_id, bonus_key, count, note, recorded_by, recorded_at from assessment_bonus where year = ? order by unit_id, bonus_key`,
    [year],
  );
  return rows.map(bonusRow);
}

export async function selectBonus(em: EntityManager, year: number, unitId: number, bonusKey: string): Promise<BonusRow | null> {
  const [r] = await em.execute<Parameters<typeof bonusRow>[0][]>(
    `select year, unit_id, bonus_key, count, note, recorded_by, recorded_at from assessment_bonus where year = ? and unit_id = ? and bonus_key = ?`,
    [year, unitId, bonusKey],
  );
  return r ? bonusRow(r) : null;
}

export async function upsertBonus(em: EntityManager, row: { year: number; unitId: number; bonusKey: string; count: number; note: string; regionCode: string; recordedBy: string }): Promise<BonusRow> {
  const [r] = await em.execute<Parameters<typeof bonusRow>[0][]>(
    `insert into assessment_bonus (year, unit_id, bonus_key, count, note, region_code, recorded_by) values (?, ?, ?, ?, ?, ?, ?)
     on conflict (year, unit_id, bonus_key) do update set count = excluded.count, note = excluded.note, region_code = excluded.region_code,
       recorded_by = excluded.recorded_by, recorded_at = now()
     returning year, unit_id, bonus_key, count, note, recorded_by, recorded_at`,
    [row.year, row.unitId, row.bonusKey, row.count, row.note, row.regionCode, row.recordedBy],
  );
  return bonusRow(r);
}

/** A unit assessed in a run: every unit with a jurisdiction (its region is the result's access column). */
export interface AssessedUnit {
  id: number;
  level: string;
  parentId: number | null;
  regionCode: string;
}

export async function selectAssessedUnits(em: EntityManager): Promise<AssessedUnit[]> {
  const rows = await em.execute<{ id: number; level: string; parent_id: number | null; region_code: string }[]>(
    `select id, level, parent_id, jurisdiction[1] as region_code from unit where cardinality(jurisdiction) > 0 order by id`,
  );
  return rows.map((r) => ({ id: Number(r.id), level: r.level, parentId: r.parent_id == null ? null : Number(r.parent_id), regionCode: r.region_code }));
}

/** A unit's subtree total of one indicator over the year. */
export interface SubtreeValue {
  unitId: number;
  key: string;
  numerator: number;
  /** null for sums */
  denominator: number | null;
}

/**
 * Every unit's subtree value of `keys` over [first month, last month] in one query: flow indicators summed
 * over the months, stock indicators (`stockKeys`) taken from the last month only — what
 * `metrics(em, { granularity: YEAR })` gives unit by unit. A unit's value is its subtree's (`unit.path`
 * prefix), numerators and denominators summed apart.
 */
export async function selectSubtreeValues(em: EntityManager, q: { keys: readonly string[]; stockKeys: readonly string[]; firstMonth: string; lastMonth: string }): Promise<SubtreeValue[]> {
  const rows = await em.execute<{ unit_id: number; key: string; numerator: string; denominator: string | null }[]>(
    `with own as materialized (
       select m.unit_id, m.key, sum(m.numerator) as numerator, sum(m.denominator) as denominator
       from unit_metric_month m
       where m.key = any(?::text[]) and m.month >= ?::date and m.month <= ?::date
         and (not (m.key = any(?::text[])) or m.month = ?::date)
       group by m.unit_id, m.key
     ), subtree as materialized (
       select p.id as root, u.id as member from unit p join unit u on u.path like p.path || '%'
     )
     select s.root as unit_id, o.key, sum(o.numerator)::text as numerator, sum(o.denominator)::text as denominator
     from subtree s join own o on o.unit_id = s.member
     group by s.root, o.key`,
    [pgArray(q.keys), `${q.firstMonth}-01`, `${q.lastMonth}-01`, pgArray(q.stockKeys), `${q.lastMonth}-01`],
  );
  return rows.map((r) => ({ unitId: Number(r.unit_id), key: r.key, numerator: Number(r.numerator), denominator: r.denominator == null ? null : Number(r.denominator) }));
}

/** How many rollup rows the months hold (none: the metrics of the year were never refreshed). */
export async function countMetricRows(em: EntityManager, firstMonth: string, lastMonth: string): Promise<number> {
  const [r] = await em.execute<{ n: string }[]>(`select count(*)::text as n from unit_metric_month where month >= ?::date and month <= ?::date`, [`${firstMonth}-01`, `${lastMonth}-01`]);
  return Number(r?.n ?? 0);
}

/** A result row as written and read. */
export interface ResultRow {
  year: number;
  unitId: number;
  regionCode: string;
  level: string;
  parentId: number | null;
  schemeId: string;
  schemeVersion: number;
  schemeFingerprint: string;
  total: number;
  itemsTotal: number;
  bonusTotal: number;
  rank: number;
  peerCount: number;
  siblingRank: number;
  siblingCount: number;
  result: unknown;
  values: unknown;
  throughMonth: string;
  provisional: boolean;
  computedAt: Date;
}

const RESULT_COLUMNS = [
  'year', 'unit_id', 'region_code', 'level', 'parent_id', 'scheme_id', 'scheme_version', 'scheme_fingerprint', 'total', 'items_total', 'bonus_total',
  'rank', 'peer_count', 'sibling_rank', 'sibling_count', 'result', 'values', 'through_month', 'provisional',
] as const;

/** Replaces a year's results (call inside a transaction: the year is never seen half written). */
export async function replaceResults(em: EntityManager, year: number, rows: readonly Omit<ResultRow, 'computedAt'>[]): Promise<{ deleted: number; inserted: number }> {
  const deleted = affected(await em.execute(`delete from assessment_result where year = ?`, [year], 'run'));
  let inserted = 0;
  // one JSON parameter per chunk, unpacked by the database: far cheaper than thousands of bound values
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100).map((r) => ({
      year: r.year, unit_id: r.unitId, region_code: r.regionCode, level: r.level, parent_id: r.parentId, scheme_id: r.schemeId,
      scheme_version: r.schemeVersion, scheme_fingerprint: r.schemeFingerprint, total: r.total, items_total: r.itemsTotal, bonus_total: r.bonusTotal,
      rank: r.rank, peer_count: r.peerCount, sibling_rank: r.siblingRank, sibling_count: r.siblingCount, result: r.result, values: r.values,
      through_month: r.throughMonth, provisional: r.provisional,
    }));
    const res = await bound(
      em,
      `insert into assessment_result (${RESULT_COLUMNS.map((c) => `"${c}"`).join(', ')})
       select ${RESULT_COLUMNS.map((c) => `x."${c}"`).join(', ')}
       from jsonb_to_recordset(?::jsonb) as x("year" int, "unit_id" int, "region_code" text, "level" text, "parent_id" int, "scheme_id" text,
         "scheme_version" int, "scheme_fingerprint" text, "total" numeric, "items_total" numeric, "bonus_total" numeric, "rank" int, "peer_count" int,
         "sibling_rank" int, "sibling_count" int, "result" jsonb, "values" jsonb, "through_month" text, "provisional" boolean)`,
      [JSON.stringify(chunk)],
    );
    inserted += affected(res);
  }
  return { deleted, inserted };
}

/**
 * Runs a statement with its parameters bound by the driver, in the EntityManager's transaction. Unlike
 * `em.execute`, which writes the parameters into the SQL text on the client (costly for the megabytes of
 * JSON a run writes).
 */
async function bound(em: EntityManager, sql: string, params: unknown[]): Promise<unknown> {
  const query = em.getConnection().getKnex().raw(sql, params as never[]);
  const trx = em.getTransactionContext();
  if (trx) query.transacting(trx);
  return query;
}

function affected(res: unknown): number {
  const r = res as { affectedRows?: number; rowCount?: number } | undefined;
  return Number(r?.affectedRows ?? r?.rowCount ?? 0);
}

type RawResult = {
  year: number; unit_id: number; region_code: string; level: string; parent_id: number | null; scheme_id: string; scheme_version: number;
  scheme_fingerprint: string; total: string; items_total: string; bonus_total: string; rank: number; peer_count: number; sibling_rank: number;
  sibling_count: number; result: unknown; values: unknown; through_month: string; provisional: boolean; computed_at: Date | string;
};

function resultRow(r: RawResult): ResultRow {
  return {
    year: Number(r.year), unitId: Number(r.unit_id), regionCode: r.region_code, level: r.level, parentId: r.parent_id == null ? null : Number(r.parent_id),
    schemeId: r.scheme_id, schemeVersion: Number(r.scheme_version), schemeFingerprint: r.scheme_fingerprint.trim(), total: Number(r.total),
    itemsTotal: Number(r.items_total), bonusTotal: Number(r.bonus_total), rank: Number(r.rank), peerCount: Number(r.peer_count),
    siblingRank: Number(r.sibling_rank), siblingCount: Number(r.sibling_count), result: json(r.result), values: json(r.values),
    throughMonth: r.through_month, provisional: r.provisional, computedAt: new Date(r.computed_at),
  };
}

const LEVEL_ORDER = `case r.level when 'province' then 0 when 'city' then 1 when 'county' then 2 else 3 end`;

/**
 * The results of a year visible to the current actor (the access rule on the result's region): of one
 * level, and/or of the children of one unit; ordered by rank (by the sibling rank for the children of a
 * unit), ties by unit id.
 */
export async function selectResults(em: EntityManager, q: { year: number; level?: string | null; parentId?: number | null }): Promise<ResultRow[]> {
  const scope = jurisdictionSql('r.region_code');
  const where = ['r.year = ?', scope.sql];
  const params: unknown[] = [q.year, ...scope.params];
  if (q.level) {
    where.push('r.level = ?');
    params.push(q.level);
  }
  if (q.parentId != null) {
    where.push('r.parent_id = ?');
    params.push(q.parentId);
  }
  const order = q.parentId != null ? 'r.sibling_rank, r.unit_id' : `${LEVEL_ORDER}, r.rank, r.unit_id`;
  const rows = await em.execute<RawResult[]>(`select r.* from assessment_result r where ${where.join(' and ')} order by ${order}`, params);
  return rows.map(resultRow);
}

/** The years with stored results (an assessment run) the current actor may see, newest first. */
export async function selectResultYears(em: EntityManager): Promise<number[]> {
  const scope = jurisdictionSql('r.region_code');
  const rows = await em.execute<{ year: number }[]>(`select distinct r.year from assessment_result r where ${scope.sql} order by r.year desc`, scope.params);
  return rows.map((r) => Number(r.year));
}

/** One unit's result of a year, if visible to the current actor. */
export async function selectResult(em: EntityManager, year: number, unitId: number): Promise<ResultRow | null> {
  const scope = jurisdictionSql('r.region_code');
  const [r] = await em.execute<RawResult[]>(`select r.* from assessment_result r where r.year = ? and r.unit_id = ? and ${scope.sql}`, [year, unitId, ...scope.params]);
  return r ? resultRow(r) : null;
}
