/**
 * Patrol-task generation on the demo province: the set-based generator (a few SQL statements per plan)
 * against a row-at-a-time baseline writing the same tasks, in one run.
 *
 *   node -r @swc-node/register bench/patrol-generation.bench.ts          # embedded PGlite (in memory)
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \
 *     node -r @swc-node/register bench/patrol-generation.bench.ts        # PostgreSQL (throwaway database, dropped after)
 *
 * Environment: BENCH_ENTITIES (20000: the full demo province, ≈ 40,000 shops), BENCH_MONTH (2026-12).
 *
 * What it does: loads the demo province, creates the province routine plan (default rules) and a campaign
 * over the platform merchants and trading own sites of 济南 and 青岛, then measures
 *   1. generatePatrolTasks for the month (first run: every task written),
 *   2. the same again (a rerun: nothing written — the idempotency check's cost),
 *   3. the baseline: the same tasks (read back, deleted) inserted one INSERT per task in one transaction —
 *      a lower bound of a row-at-a-time generator, which would also have to work out per shop which are due.
 * Prints the figures, the ratio baseline / set-based, and one JSON line (`BENCH_JSON {…}`).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { actorForUser } from '../services/access/actors';
import { loadDemoProvince } from '../demo/load-demo-province';
import { generatePatrolTasks } from '../services/patrols/patrol-generation';
import { createPatrolPlan } from '../services/patrols/patrol-plans';
import { runAsSystem } from '../services/system-actor';
import { PatrolPlanKind, runAs, ShopClassification, User } from '../entities';
import { openTestDatabase } from '../test/support/database';

process.env.LOG_LEVEL ??= 'warn';

async function main() {
  const entities = Number(process.env.BENCH_ENTITIES ?? 20000);
  const month = process.env.BENCH_MONTH ?? '2026-12';
  const db = await openTestDatabase();
  try {
    const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
    let t = performance.now();
    await loadDemoProvince(db.orm.em.fork(), { seed: 'hongdun', entities });
    process.stdout.write(`demo province (${entities} entities) loaded on ${backend} in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const admin = await runAsSystem('bench', () => db.orm.em.fork().findOneOrFail(User, { username: 'sd-admin' }, { populate: ['unit'] }));
    await runAs(actorForUser(admin), async () => {
      await createPatrolPlan(db.orm.em.fork(), { kind: PatrolPlanKind.ROUTINE, name: '日常巡查', startsOn: `${month}-01` });
      await createPatrolPlan(db.orm.em.fork(), {
        kind: PatrolPlanKind.CAMPAIGN,
        name: '专项检查',
        theme: '网络交易价格行为',
        startsOn: `${month}-01`,
        endsOn: `${month}-28`,
        target: { classifications: [ShopClassification.PLATFORM_MERCHANT, ShopClassification.OWN_SITE_TRADING], regionPrefixes: ['3701', '3702'] },
        checklist: [{ key: 'price-marking', textZh: '明码标价' }],
      });
    });
    const sql = <T>(text: string, params: unknown[] = []) => runAsSystem('bench', () => db.orm.em.fork().getConnection().execute<T[]>(text, params));
    const [{ shops }] = await sql<{ shops: number }>('select count(*)::int as shops from shop');

    t = performance.now();
    const first = await runAsSystem('bench', () => generatePatrolTasks(db.orm.em.fork(), { month }));
    const firstMs = performance.now() - t;
    t = performance.now();
    const again = await runAsSystem('bench', () => generatePatrolTasks(db.orm.em.fork(), { month }));
    const againMs = performance.now() - t;
    if (again.created !== 0) throw new Error(`the rerun wrote ${again.created} tasks`);

    const tasks = await sql<{ plan_id: number; shop_id: number; unit_id: number; region_code: string; period_start: string; due_on: string }>(
      'select plan_id, shop_id, unit_id, region_code, period_start::text, due_on::text from patrol_task order by id',
    );
    await sql('delete from patrol_task');
    t = performance.now();
    await runAsSystem('bench', () =>
      db.orm.em.fork().transactional(async (em) => {
        for (const task of tasks) {
          await em.execute(
            `insert into patrol_task (plan_id, shop_id, unit_id, region_code, period_start, due_on) values (?, ?, ?, ?, ?, ?) on conflict (plan_id, shop_id, period_start) do nothing`,
            [task.plan_id, task.shop_id, task.unit_id, task.region_code, task.period_start, task.due_on],
          );
        }
      }),
    );
    const baselineMs = performance.now() - t;
    const [{ n }] = await sql<{ n: number }>('select count(*)::int as n from patrol_task');
    if (n !== first.created) throw new Error(`baseline wrote ${n} tasks, the generator ${first.created}`);

    const ratio = baselineMs / firstMs;
    process.stdout.write(
      [
        `shops ${shops}, tasks generated for ${month}: ${first.created} (${first.plans} plans)`,
        `set-based generation   ${(firstMs / 1000).toFixed(2)} s  (${Math.round(first.created / (firstMs / 1000))} tasks/s)`,
        `rerun (nothing new)    ${(againMs / 1000).toFixed(2)} s`,
        `baseline, row at a time ${(baselineMs / 1000).toFixed(2)} s  (insert only)`,
        `ratio baseline / set-based: ${ratio.toFixed(2)}×`,
        `BENCH_JSON ${JSON.stringify({ bench: 'patrol-generation', backend, entities, shops, tasks: first.created, setBasedMs: Math.round(firstMs), rerunMs: Math.round(againMs), baselineMs: Math.round(baselineMs), ratio: Number(ratio.toFixed(2)) })}`,
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
