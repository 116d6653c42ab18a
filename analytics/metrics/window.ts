/**
 * Indicators over any run of days, computed live from the source tables with the same SQL as the monthly
 * rollup (compute.ts) over a day window instead of a month: what a month to date, the same days of the
 * month before, or a year of distinct counts (a shop patrolled in March and in May is one shop of the year)
 * need, and what the monthly rollup cannot give. Each computation's own values per unit are summed up the
 * bureau tree (`unit.path` prefix) in the same statement, numerators and denominators apart.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { jurisdictionSql } from '../../entities';
import { now as clockNow } from '../../kernel/clock';
import { type MetricDefinition } from './catalog';
import { COMPUTATIONS, dayWindow, pgArray } from './compute';

/** One unit's (subtree) numerator and denominator of one indicator over the window. */
export interface WindowValue {
  unitId: number;
  key: string;
  numerator: number;
  denominator: number | null;
}

/**
 * The subtree values of `defs` over the days [first, last] for `unitIds` (every unit when null). With
 * `scoped`, the own rows counted are those of units whose region lies in the caller's jurisdiction (the
 * rule the rollup reads apply); without, the caller must be the system actor (the assessment run). Only
 * the computations yielding the keys asked for run; one whose source table is absent yields nothing.
 */
export async function subtreeValuesOverDays(
  em: EntityManager,
  defs: readonly MetricDefinition[],
  first: string,
  last: string,
  options: { unitIds: readonly number[] | null; scoped: boolean; now?: Date },
): Promise<WindowValue[]> {
  const w = dayWindow(first, last, options.now ?? clockNow());
  const keys = new Set(defs.map((d) => d.key));
  const out: WindowValue[] = [];
  if (keys.size === 0 || options.unitIds?.length === 0) return out;
  for (const c of COMPUTATIONS) {
    const wanted = c.keys.filter((k) => keys.has(k));
    if (wanted.length === 0) continue;
    if (c.requires) {
      const [present] = await em.execute<{ t: string | null }[]>(`select to_regclass(?)::text as t`, [c.requires]);
      if (!present?.t) continue;
    }
    const { sql, params } = c.build(w);
    const scope = options.scoped ? jurisdictionSql('ur.region_code') : { sql: 'true', params: [] as unknown[] };
    const rows = await em.execute<{ unit_id: number; key: string; numerator: string; denominator: string | null }[]>(
      `select p.id as unit_id, x.key, sum(x.numerator)::text as numerator, sum(x.denominator)::text as denominator
       from (${sql}) as x join unit u on u.id = x.unit_id cross join lateral (select u.jurisdiction[1] as region_code) ur
         join unit p on u.path like p.path || '%'
       where x.key = any(?::text[]) and cardinality(u.jurisdiction) > 0 and ${scope.sql}
         ${options.unitIds ? 'and p.id = any(?::int[])' : ''}
       group by p.id, x.key`,
      [...params, pgArray(wanted), ...scope.params, ...(options.unitIds ? [`{${options.unitIds.join(',')}}`] : [])],
    );
    for (const r of rows) {
      out.push({ unitId: Number(r.unit_id), key: r.key, numerator: Number(r.numerator), denominator: r.denominator == null ? null : Number(r.denominator) });
    }
  }
  return out;
}
