/**
 * Faults: the API process killed (SIGKILL) during case transitions. The transition chosen is 立案
 * (approveFiling), the step with the most writes: it takes the case-number advisory lock, reads the
 * year's highest number, updates the case (number, filing time, status, deadline), inserts a CaseEvent
 * and the audit entries. The platform runs as a child process on a database that survives it; a flood
 * of approveFiling requests over many proposed cases is cut by SIGKILL at a random moment, several
 * times. After each kill every case is in its old state (proposed: no number, no filing time, no
 * filing event, no audit entry) or its new one (filed: a unique number, a filing time, exactly one
 * proposed → filed event, its audit entry), never between; restarted, the remaining ones file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../server/database';
import { loadDemoProvince } from '../demo/load-demo-province';
import { BACKEND } from './support/database';
import { type ChildPlatform, durableConfig, type DurableDatabase, openDurableDatabase, randomBetween, startChildPlatform } from './support/child-platform';
import { DEMO_PASSWORD } from './support/platform';

const CASES = 300;
const KILLS = 5;
const CONCURRENCY = 6;

let db: DurableDatabase;
let platform: ChildPlatform | undefined;

const APPROVE = `mutation($id: ID!) { approveFiling(id: $id, note: "同意立案") { id status caseNumber } }`;

interface CaseState {
  id: number;
  status: string;
  case_number: string | null;
  filed_at: unknown;
  events: string;
  opened: string;
  audits: string;
}

async function cases(): Promise<CaseState[]> {
  return db.sql<CaseState>(
    `select c.id, c.status::text as status, c.case_number, c.filed_at,
       (select count(*)::text from case_event e where e.case_id = c.id and e.action = 'filing_approved' and e.from_status = 'proposed' and e.to_status = 'filed') as events,
       (select count(*)::text from case_event e where e.case_id = c.id and e.action <> 'filing_approved') as opened,
       (select count(*)::text from audit_entry a where a.entity_type = 'Case' and a.entity_id = c.id::text and a.operation = 'approveFiling') as audits
     from legal_case c where c.title like 'faults %' order by c.id`,
  );
}

/** 'old', 'new' or a description of the state between. */
function verdict(c: CaseState): string {
  if (c.status === 'proposed' && c.case_number === null && c.filed_at === null && c.events === '0' && c.audits === '0') return 'old';
  if (c.status === 'filed' && c.case_number !== null && c.filed_at !== null && c.events === '1' && Number(c.audits) >= 1) return 'new';
  return `BETWEEN: case ${c.id} ${c.status}, number ${c.case_number}, filed ${c.filed_at}, ${c.events} filing events, ${c.audits} audit entries`;
}

async function check(): Promise<{ old: number; new: number }> {
  const all = await cases();
  expect(all).toHaveLength(CASES);
  const between = all.map(verdict).filter((v) => v !== 'old' && v !== 'new');
  expect(between).toEqual([]);
  expect(all.every((c) => c.opened === '0')).toBe(true);
  const numbers = all.filter((c) => c.case_number).map((c) => c.case_number);
  expect(new Set(numbers).size).toBe(numbers.length);
  return { old: all.filter((c) => c.status === 'proposed').length, new: numbers.length };
}

beforeAll(async () => {
  db = await openDurableDatabase('faults-case');
  const orm = await openDatabase(durableConfig(db));
  await loadDemoProvince(orm.em.fork(), { seed: 'faults', entities: 40 });
  await orm.em.getConnection().execute(
    `insert into legal_case (region_code, shop_id, title, facts, created_by)
     select s.region_code, s.id, 'faults ' || g, '未在首页显著位置公示营业执照信息', 'faults test' from (select id, region_code from shop order by id limit 1) s, generate_series(1, ${CASES}) g`,
  );
  await orm.close(true);
}, 120_000);

afterAll(async () => {
  await platform?.kill();
  await db?.drop();
});

describe(`the API process killed during case transitions (${BACKEND})`, () => {
  it(`SIGKILLed ${KILLS} times during a flood of approveFiling: every case old or new, never between`, async () => {
    const figures: { kill: number; atMillis: number; answeredBeforeKill: number; filedAfterKill: number; proposedAfterKill: number }[] = [];
    const before = await check();
    expect(before).toEqual({ old: CASES, new: 0 });
    let filedBefore = 0;
    const firstId = String((await cases())[0].id);
    for (let round = 1; round <= KILLS; round++) {
      const proposed = (await cases()).filter((c) => c.status === 'proposed').map((c) => String(c.id));
      expect(proposed.length, 'cases left to file').toBeGreaterThan(0);
      platform = await startChildPlatform(db);
      const p = platform;
      const token = await p.login('sd-admin', DEMO_PASSWORD);
      // every proposed case, approved CONCURRENCY at a time, until the kill
      let answered = 0;
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (!killed && next < proposed.length) {
          const id = proposed[next++];
          const r = await p.gql(APPROVE, { id }, token).catch(() => null);
          if (r?.data?.approveFiling?.status === 'FILED') answered++;
        }
      };
      const flood = Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const at = randomBetween(20, BACKEND === 'pglite' ? 400 : 150);
      await new Promise((r) => setTimeout(r, at));
      killed = true;
      await p.kill();
      await flood;
      platform = undefined;
      const after = await check();
      expect(after.new - filedBefore, 'every approval answered before the kill is kept').toBeGreaterThanOrEqual(answered);
      filedBefore = after.new;
      figures.push({ kill: round, atMillis: at, answeredBeforeKill: answered, filedAfterKill: after.new, proposedAfterKill: after.old });
    }
    // restarted, the rest of the cases file; each once
    const rest = (await cases()).filter((c) => c.status === 'proposed').map((c) => String(c.id));
    platform = await startChildPlatform(db);
    const token = await platform.login('sd-admin', DEMO_PASSWORD);
    for (const id of rest) {
      const r = await platform.gql(APPROVE, { id }, token);
      expect(r.errors).toBeUndefined();
    }
    // a filed case cannot be filed again
    const again = await platform.gql(APPROVE, { id: firstId }, token);
    expect(again.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await platform.stop();
    platform = undefined;
    expect(await check()).toEqual({ old: 0, new: CASES });
    console.log(`[faults] API killed during approveFiling floods on ${BACKEND}: ${KILLS} kills at ${figures.map((f) => `${f.atMillis} ms`).join(', ')}; ` +
      `cases filed after each kill ${figures.map((f) => f.filedAfterKill).join(' → ')} of ${CASES}; 0 between; all ${CASES} filed after restart, numbers unique`);
    console.table(figures);
  }, 170_000);
});
