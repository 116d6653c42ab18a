/**
 * Faults: the API process killed (SIGKILL) during a register import. The platform runs as a child
 * process (`hongdun serve`) on a database that survives it (a scratch database on the PostgreSQL
 * server, or a PGlite data folder on disk); a few thousand rows go in through GraphQL importEntities
 * and the process is killed at a random moment of the request, several times. After each kill: the
 * import is all or nothing (none of its rows, or all of them with their ImportBatch; never a batch
 * without its rows, never rows without their batch), and rerunning the same file after a restart
 * completes, idempotently (the same final counts; a second rerun changes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/database';
import { loadDemoProvince } from '../demo/load-demo-province';
import { makeUscc } from '../services/registry/uscc';
import { BACKEND } from './support/database';
import { type ChildPlatform, durableConfig, type DurableDatabase, openDurableDatabase, randomBetween, startChildPlatform } from './support/child-platform';
import { DEMO_PASSWORD } from './support/platform';

const ROWS = 3000;
const KILLS = 5;

let db: DurableDatabase;
let platform: ChildPlatform | undefined;

const body8 = (round: number, i: number) => `K${round}${String(i).padStart(6, '0')}`;
function registerFile(round: number): { csv: string; usccs: string[] } {
  const usccs: string[] = [];
  const lines = ['统一社会信用代码,企业名称,法定代表人,行政区划代码'];
  for (let i = 0; i < ROWS; i++) {
    const uscc = makeUscc('370102', body8(round, i));
    usccs.push(uscc);
    lines.push(`${uscc},历下区第${round}批商行${i}号,王伟,370102001`);
  }
  return { csv: `${lines.join('\n')}\n`, usccs };
}

const IMPORT = `mutation($f: String!, $c: String!) { importEntities(input: { fileName: $f, contentBase64: $c }) { batchId status totalRows created updated unchanged rejected } }`;

async function state(round: number) {
  const prefix = `91370102K${round}%`;
  const [rows] = await db.sql<{ n: string }>(`select count(*)::text as n from online_entity where uscc like $1`, [prefix]);
  const batches = await db.sql<{ id: number; total_rows: number; created: number; unchanged: number; status: string }>(
    `select id, total_rows, created, unchanged, status from import_batch where file_name = $1 order by id`,
    [`round-${round}.csv`],
  );
  return { rows: Number(rows.n), batches };
}

beforeAll(async () => {
  db = await openDurableDatabase('faults-import');
  const orm = await openDatabase(durableConfig(db));
  await loadDemoProvince(orm.em.fork(), { seed: 'faults', entities: 40 });
  await orm.close(true);
}, 120_000);

afterAll(async () => {
  await platform?.kill();
  await db?.drop();
});

describe(`the API process killed during an import (${BACKEND})`, () => {
  it(`SIGKILLed ${KILLS} times at random moments of a ${ROWS}-row import: all or nothing, and a rerun completes idempotently`, async () => {
    platform = await startChildPlatform(db);
    const starts = [platform.startMillis];
    // the duration of a whole import on this machine, to kill within it
    const calibration = registerFile(0);
    let t0 = Date.now();
    const full = await platform.gql(IMPORT, { f: 'round-0.csv', c: Buffer.from(calibration.csv).toString('base64') }, await platform.login('sd-admin', DEMO_PASSWORD));
    const fullMillis = Date.now() - t0;
    expect(full.errors).toBeUndefined();
    expect(full.data.importEntities).toMatchObject({ status: 'committed', created: ROWS, rejected: 0 });

    const figures: { kill: number; atMillis: number; outcome: string; rowsAfterKill: number; batchesAfterKill: number; rerun: string }[] = [];
    for (let round = 1; round <= KILLS; round++) {
      const file = registerFile(round);
      const token = await platform.login('sd-admin', DEMO_PASSWORD);
      // a moment within the request: from just after sending to just before the answer (spread evenly)
      const lo = Math.round(((round - 1) / KILLS) * fullMillis * 0.7) + 5;
      const hi = Math.round((round / KILLS) * fullMillis * 0.7) + 5;
      const at = randomBetween(lo, hi);
      const request = platform.gql(IMPORT, { f: `round-${round}.csv`, c: Buffer.from(file.csv).toString('base64') }, token).then(
        (r) => ({ answered: true, r }),
        (e: Error) => ({ answered: false, e }),
      );
      await new Promise((r) => setTimeout(r, at));
      await platform.kill();
      const answer = await request;
      platform = undefined;

      // after the kill, before anything else touches the database
      const after = await state(round);
      const committed = after.batches.filter((b) => b.status === 'committed');
      const outcome = after.rows === 0 && after.batches.length === 0 ? 'nothing' : after.rows === ROWS && committed.length === 1 ? 'all' : `BETWEEN (${after.rows} rows, ${after.batches.length} batches)`;
      expect(outcome, `kill ${round} at ${at} ms`).toMatch(/^(nothing|all)$/);
      if (outcome === 'all') expect(committed[0]).toMatchObject({ total_rows: ROWS, created: ROWS });
      if (answer.answered) expect(outcome, 'an import answered before the kill is committed').toBe('all');

      // restart and rerun the same file: it completes, the rows are all there once
      platform = await startChildPlatform(db);
      starts.push(platform.startMillis);
      const rerun = await platform.gql(IMPORT, { f: `round-${round}.csv`, c: Buffer.from(file.csv).toString('base64') }, await platform.login('sd-admin', DEMO_PASSWORD));
      expect(rerun.errors).toBeUndefined();
      const report = rerun.data.importEntities;
      expect(report).toMatchObject({ status: 'committed', totalRows: ROWS, rejected: 0, updated: 0 });
      expect(outcome === 'all' ? report.unchanged : report.created).toBe(ROWS);
      figures.push({
        kill: round,
        atMillis: at,
        outcome,
        rowsAfterKill: after.rows,
        batchesAfterKill: after.batches.length,
        rerun: `created ${report.created}, unchanged ${report.unchanged}`,
      });
    }

    // a second rerun of every file changes nothing; the counts are exact
    t0 = Date.now();
    const token = await platform.login('sd-admin', DEMO_PASSWORD);
    for (let round = 0; round <= KILLS; round++) {
      const again = await platform.gql(IMPORT, { f: `again-${round}.csv`, c: Buffer.from(registerFile(round).csv).toString('base64') }, token);
      expect(again.data.importEntities).toMatchObject({ status: 'committed', created: 0, updated: 0, unchanged: ROWS });
    }
    await platform.stop();
    platform = undefined;
    const [total] = await db.sql<{ n: string; d: string }>(`select count(*)::text as n, count(distinct uscc)::text as d from online_entity where uscc like '91370102K%'`);
    expect(Number(total.n)).toBe((KILLS + 1) * ROWS);
    expect(Number(total.d)).toBe((KILLS + 1) * ROWS);
    const orphans = await db.sql(`select b.id from import_batch b where b.status = 'committed' and b.created > 0 and b.file_name like 'round-%'
      and (select count(*) from online_entity e where e.uscc like '91370102K' || substring(b.file_name from 'round-([0-9]+)') || '%') <> b.total_rows`);
    expect(orphans).toEqual([]);

    const outcomes = figures.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.outcome]: (acc[f.outcome] ?? 0) + 1 }), {});
    console.log(
      `[faults] API killed during a ${ROWS}-row import on ${BACKEND}: a whole import takes ${fullMillis} ms; ${KILLS} kills at ${figures.map((f) => `${f.atMillis} ms`).join(', ')}; ` +
        `outcomes ${JSON.stringify(outcomes)}; every rerun completed (${figures.map((f) => f.rerun).join('; ')}); ` +
        `second reruns unchanged in ${Date.now() - t0} ms; restarts ${starts.map((s) => `${(s / 1000).toFixed(1)} s`).join(', ')}`,
    );
    console.table(figures);
  }, 170_000);
});
