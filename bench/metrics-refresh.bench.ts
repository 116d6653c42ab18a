/**
 * Metrics on the demo province: the monthly refresh (every indicator computed from the raw tables for every
 * unit) against reading the same figures from the rollup (the province and its 16 cities, every key, a
 * month), in one run.
 *
 *   node -r @swc-node/register bench/metrics-refresh.bench.ts          # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
 *     node -r @swc-node/register bench/metrics-refresh.bench.ts        # PostgreSQL (throwaway database, dropped after)
 *
 * Environment: BENCH_ENTITIES (20000: the full demo province), BENCH_OFFICE (1: load the year of office work;
 * 0 to skip it, ~2 minutes less), BENCH_REPEAT (5 reads).
 * Prints the data sizes, refresh and read times, the ratio refresh / read, and one `BENCH_JSON {…}` line.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { METRICS, metrics, refreshMetrics } from '../analytics/metrics';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoProvince } from '../demo/load-demo-province';
import { loadDemoWork } from '../demo/load-demo-work';
import { runAsSystem } from '../services/system-actor';
import { Unit, UnitLevel } from '../entities';
import { openTestDatabase } from '../test/support/database';

process.env.LOG_LEVEL ??= 'warn';

async function main() {
  const entities = Number(process.env.BENCH_ENTITIES ?? 20000);
  const repeat = Number(process.env.BENCH_REPEAT ?? 5);
  const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  const month = chinaDay().slice(0, 7);
  const evidenceDir = `/tmp/hongdun-bench-metrics-${process.pid}`;
  const db = await openTestDatabase();
  try {
    let t = performance.now();
    await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities });
    await loadDemoWork(db.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20 });
    if (process.env.BENCH_OFFICE !== '0') await loadDemoOffice(db.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 });
    const loadMs = performance.now() - t;
    const [counts] = await runAsSystem('bench', () =>
      db.orm.em.fork().getConnection().execute(
        `select (select count(*)::int from shop) as shops, (select count(*)::int from patrol_task) as tasks, (select count(*)::int from patrol_record) as records,
           (select count(*)::int from complaint) as complaints, (select count(*)::int from login_event) as logins, (select count(*)::int from info_report) as reports, (select count(*)::int from unit) as units`,
      ),
    );
    process.stdout.write(`demo province on ${backend} loaded in ${(loadMs / 1000).toFixed(0)} s: ${JSON.stringify(counts)}\n`);

    const refreshes: number[] = [];
    let rows = 0;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      rows = (await refreshMetrics(db.orm, month)).rows;
      refreshes.push(performance.now() - t);
    }
    const province = await runAsSystem('bench', () => db.orm.em.fork().findOneOrFail(Unit, { level: UnitLevel.PROVINCE }));
    const keys = METRICS.map((m) => m.key);
    const reads: number[] = [];
    let values = 0;
    for (let i = 0; i < repeat; i++) {
      t = performance.now();
      const parents = await runAsSystem('bench', () => metrics(db.orm.em.fork(), { keys, unitIds: [province.id], from: month, to: month }));
      const cities = await runAsSystem('bench', () => metrics(db.orm.em.fork(), { keys, unitIds: [province.id], children: true, from: month, to: month }));
      reads.push(performance.now() - t);
      values = parents.length + cities.length;
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const refreshMs = median(refreshes);
    const readMs = median(reads);
    const ratio = refreshMs / readMs;
    process.stdout.write(
      [
        `refresh of ${month} (all ${counts.units} units, ${keys.length} indicators): median ${refreshMs.toFixed(0)} ms, ${rows} rows`,
        `read from the rollup (province + 16 cities, every indicator): median ${readMs.toFixed(0)} ms, ${values} values`,
        `ratio refresh / read: ${ratio.toFixed(1)}×`,
        `BENCH_JSON ${JSON.stringify({ bench: 'metrics-refresh', backend, entities, ...counts, refreshMs: Math.round(refreshMs), readMs: Math.round(readMs), ratio: Number(ratio.toFixed(1)), rows, values })}`,
      ].join('\n') + '\n',
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
