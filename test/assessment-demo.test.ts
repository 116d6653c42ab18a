/**
 * The annual assessment on the demo province's own metrics (issue 7): after the demo's supervision and
 * office work and the metrics refresh of this month and the last, a run scores every unit; each unit's
 * values are what the `metrics` query gives for the year (its subtree's, rates as numerator / denominator);
 * every indicator of the scheme but clues and cases (the demo history's) has data somewhere; a county leader reads its subtree's ranking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSESSMENT_INDICATORS, DEFAULT_SCHEME_2026 } from '../analytics/assessment';
import { currentAndPreviousMonth, refreshMetrics } from '../analytics/metrics';
import { runAssessment } from '../analytics/assessment/run-assessment';
import { chinaDay } from '../services/calendar/working-days';
import { loadDemoOffice } from '../demo/load-demo-office';
import { loadDemoWork } from '../demo/load-demo-work';
import { ok, workflowChecks } from './support/checks';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const { sql } = workflowChecks(() => p, 'assessment demo test', []);
const evidenceDir = `/tmp/hongdun-assessment-demo-${process.pid}`;
const YEAR = Number(chinaDay().slice(0, 4));
const THROUGH = chinaDay().slice(0, 7);
const KEYS = Object.keys(ASSESSMENT_INDICATORS);
type Key = keyof typeof ASSESSMENT_INDICATORS;

let run: Awaited<ReturnType<typeof runAssessment>>;

beforeAll(async () => {
  p = await startTestPlatform({ seed: 'hongdun', entities: 120, config: { patrolSchedules: false, evidenceDir } });
  p.server.keepAliveTimeout = 120_000; // PGlite blocks this process's event loop during long queries
  await loadDemoWork(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20, publicFileMaxBytes: 1 << 20 });
  await loadDemoOffice(p.orm, { seed: 'hongdun', evidenceDir, maxFileBytes: 1 << 20 });
  for (const month of currentAndPreviousMonth()) await refreshMetrics(p.orm, month);
  run = await runAssessment(p.orm.em.fork(), YEAR);
  process.stdout.write(`demo assessment ${YEAR}: ${JSON.stringify(run)}\n`);
}, 900_000);

afterAll(async () => {
  await p?.shutdown();
});

describe('the assessment on the demo province', () => {
  it('scores every unit of the province once, ranked within its level', async () => {
    const [units] = await sql<{ n: number }>(`select count(*)::int as n from unit where cardinality(jurisdiction) > 0`);
    expect(run.units).toBe(units.n);
    const rows = await sql<{ level: string; n: number; max_rank: number; peers: number }>(
      `select level, count(*)::int as n, max(rank)::int as max_rank, max(peer_count)::int as peers from assessment_result where year = ? group by level`,
      [YEAR],
    );
    const byLevel = await sql<{ level: string; n: number }>(`select level::text, count(*)::int as n from unit where cardinality(jurisdiction) > 0 group by level`);
    for (const l of byLevel) {
      const r = rows.find((x) => x.level === l.level)!;
      expect(r, l.level).toMatchObject({ n: l.n, peers: l.n });
      expect(r.max_rank).toBeLessThanOrEqual(l.n);
    }
  });

  it('every indicator of the scheme has data for some unit, and the province\'s values are the metrics query\'s for the year', async () => {
    const results = await sql<{ level: string; values: any }>(`select level, "values" from assessment_result where year = ?`, [YEAR]);
    const withData = new Set<string>();
    for (const r of results) {
      const values = typeof r.values === 'string' ? JSON.parse(r.values) : r.values;
      for (const [key, v] of Object.entries(values as Record<string, { value: number | null; numerator: number }>)) {
        if (v.value !== null && (ASSESSMENT_INDICATORS[key as Key].kind === 'rate' || v.numerator > 0)) withData.add(key);
      }
    }
    const used = new Set(Object.values(DEFAULT_SCHEME_2026.levels).flatMap((l) => l.items.map((i) => i.indicator)));
    // the month of demo work holds no clue deadlines and no filed cases: those come with the demo history
    // (demo/load-demo-history.ts), too slow to load here
    expect([...used].filter((k) => !withData.has(k)).sort()).toEqual(['cases_filed', 'clues_on_time']);

    const units = await sql<{ id: number }>(
      `(select id from unit where level = 'province') union all (select id from unit where level = 'city' order by code limit 1)
       union all (select id from unit where code = '370102') union all (select id from unit where path like (select path from unit where code = '370102') || '%' and level = 'station' order by code limit 1)`,
    );
    expect(units).toHaveLength(4);
    const admin = await p.login('sd-admin');
    const metrics = ok(
      await p.gql(
        `query($keys: [String!]!, $ids: [ID!]) { metrics(keys: $keys, unitIds: $ids, from: "${YEAR}-01", to: "${THROUGH}", granularity: YEAR) { unit { id } key value numerator denominator } }`,
        { keys: KEYS, ids: units.map((u) => String(u.id)) },
        admin,
      ),
    ).metrics as { unit: { id: string }; key: string; value: number | null; numerator: number; denominator: number | null }[];
    for (const u of units) {
      const r = ok(
        await p.gql(`query($id: ID!, $y: Int!) { assessmentResult(unitId: $id, year: $y) { total items { indicator rawValue numerator denominator points explanation } } }`, { id: String(u.id), y: YEAR }, admin),
      ).assessmentResult;
      for (const item of r.items) {
        const m = metrics.find((x) => x.unit.id === String(u.id) && x.key === item.indicator)!;
        expect(item.numerator, `${u.id} ${item.indicator}`).toBeCloseTo(m.numerator, 9);
        if (ASSESSMENT_INDICATORS[item.indicator as Key].kind === 'rate') {
          expect(item.denominator, `${u.id} ${item.indicator}`).toBeCloseTo(m.denominator ?? 0, 9);
          if (m.value === null) expect(item.rawValue).toBeNull();
          else expect(item.rawValue * 100).toBeCloseTo(m.value, 9);
        } else {
          expect(item.rawValue).toBe(m.value);
        }
      }
      expect(r.total).toBeGreaterThan(0);
    }
  });

  it('a county leader reads the ranking of its stations', async () => {
    const leader = await p.login('x370102-leader');
    const [county] = await sql<{ id: number; path: string }>(`select id, path from unit where code = '370102'`);
    const rows = ok(await p.gql(`query($y: Int!, $parent: ID) { assessmentResults(year: $y, parentUnitId: $parent) { unit { id } total siblingRank siblingCount } }`, { y: YEAR, parent: String(county.id) }, leader))
      .assessmentResults as { unit: { id: string }; total: number; siblingRank: number; siblingCount: number }[];
    const [children] = await sql<{ n: number }>(`select count(*)::int as n from unit where parent_id = ?`, [county.id]);
    expect(rows).toHaveLength(children.n);
    expect(rows.map((r) => r.siblingRank)).toEqual([...rows.map((r) => r.siblingRank)].sort((a, b) => a - b));
    expect(rows[0].siblingRank).toBe(1);
  });
});
