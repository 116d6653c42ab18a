/**
 * The refresh of the metrics rollup (`unit_metric_month`): every computation of compute.ts for one month,
 * its rows replacing the month's rows in one transaction — idempotent (a rerun over unchanged data writes
 * the same rows), and a failed refresh leaves the previous figures in place. Runs as the named system actor
 * (the rollup covers the whole province; reads apply the access rule).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { now as clockNow } from '../../kernel/clock';
import { runAsSystem } from '../../services/system-actor';
import { METRICS } from './catalog';
import { COMPUTATIONS, monthWindow, pgArray } from './compute';

export interface MetricsRefreshResult {
  month: string;
  /** rows written */
  rows: number;
  /** computations skipped because their source table is absent (e.g. the crawl store's rollup) */
  skipped: string[];
  ms: number;
  /** milliseconds per computation */
  timings: Record<string, number>;
}

/** Recomputes every indicator of `month` (YYYY-MM) for every unit; a month not begun yet is refused. */
export async function refreshMetrics(orm: MikroORM, month: string): Promise<MetricsRefreshResult> {
  const started = Date.now();
  const w = monthWindow(month, clockNow());
  const keys = pgArray(METRICS.map((m) => m.key));
  return runAsSystem(`metrics refresh ${month}`, () =>
    orm.em.fork().transactional(async (em) => {
      const skipped: string[] = [];
      await em.execute(`delete from unit_metric_month where month = ?::date`, [w.first]);
      let rows = 0;
      const timings: Record<string, number> = {};
      for (const c of COMPUTATIONS) {
        const t0 = Date.now();
        if (c.requires) {
          const [present] = await em.execute<{ t: string | null }[]>(`select to_regclass(?)::text as t`, [c.requires]);
          if (!present?.t) {
            skipped.push(c.name);
            continue;
          }
        }
        const { sql, params } = c.build(w);
        const res = await em.execute(
          `insert into unit_metric_month (unit_id, month, key, region_code, numerator, denominator)
           select x.unit_id, ?::date, x.key, u.jurisdiction[1], x.numerator, x.denominator
           from (${sql}) as x join unit u on u.id = x.unit_id
           where x.key = any(?::text[]) and cardinality(u.jurisdiction) > 0`,
          [w.first, ...params, keys],
          'run',
        );
        rows += affected(res);
        timings[c.name] = Date.now() - t0;
      }
      return { month, rows, skipped, ms: Date.now() - started, timings };
    }),
  );
}

function affected(res: unknown): number {
  const r = res as { affectedRows?: number; rowCount?: number } | undefined;
  return Number(r?.affectedRows ?? r?.rowCount ?? 0);
}

/** The month (YYYY-MM, China time) holding `at`, and the one before it. */
export function currentAndPreviousMonth(at: Date = clockNow()): [string, string] {
  const china = new Date(at.getTime() + 8 * 3600_000);
  const y = china.getUTCFullYear();
  const m = china.getUTCMonth();
  const fmt = (year: number, month: number) => `${year}-${String(month + 1).padStart(2, '0')}`;
  return [fmt(y, m), m === 0 ? fmt(y - 1, 11) : fmt(y, m - 1)];
}
