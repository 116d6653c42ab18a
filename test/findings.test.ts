/**
 * Rule checks end to end: crawls of the demo marketplace over two simulated days, the check-rules job
 * after each crawl, and the findings read through GraphQL — scored against the marketplace's ground truth
 * (precision and recall 1 for every rule it knows), carrying their legal basis and evidence; rules listed
 * and switched per region; the jurisdiction rule and the roles hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { RULES } from '../kernel/rules';
import { checkRules } from '../crawlers/runs/check-rules';
import { scoreFindings } from '../demo/score-rules';
import { crawlSimulatedDays } from '../demo/simulated-days';
import { loadConfig } from '../kernel/config';
import { crawlDeps } from '../server/jobs/platform-jobs';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { runAsSystem } from '../services/system-actor';
import { type TestPlatform, startTestPlatform } from './support/platform';

let market: Marketplace;
let p: TestPlatform;
const SEED = 'hongdun';
const runs: any[] = [];

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('findings test', () => p.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
}

function ok(r: { data?: any; errors?: unknown[] }): any {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

async function crawl(input: Record<string, unknown>): Promise<any> {
  const token = await p.login('sd-analyst');
  const started = ok(await p.gql(`mutation($i: StartCrawlInput!) { startCrawl(input: $i) { id } }`, { i: input }, token)).startCrawl;
  const deadline = Date.now() + 240_000;
  for (;;) {
    const run = ok(await p.gql(`query($id: ID!) { crawlRun(id: $id) { id status observedAt message } }`, { id: started.id }, token)).crawlRun;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') {
      expect(run.status, run.message).toBe('SUCCEEDED');
      // the check-rules job the crawl job queued: wait for its findings to settle
      let last = -1;
      for (let i = 0; i < 100; i++) {
        const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from finding where observed_at = ?::timestamptz`, [run.observedAt]);
        if (Number(n) === last && i > 3) break;
        last = Number(n);
        await new Promise((r) => setTimeout(r, 300));
      }
      return run;
    }
    if (Date.now() > deadline) throw new Error(`crawl ${started.id} did not finish`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  market = await startMarketplace({ seed: SEED, entities: 40, day: 0, slowMs: 3000 });
  const overrides = {
    crawlAllowedOrigins: [market.url],
    crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
    crawlTimeoutSecs: 5,
    crawlSchedules: false,
    evidenceDir: `${process.env.TMPDIR ?? '/tmp'}/hongdun-findings-${process.pid}`,
  };
  p = await startTestPlatform({ seed: SEED, entities: 40, config: overrides });
  // three simulated days a day apart (the time rules need real yesterdays), ending a week ago
  const config = loadConfig({ dataDir: 'memory://', ...overrides });
  const days = await crawlSimulatedDays(crawlDeps(p.orm, config), market, {
    days: 3,
    policy: crawlPolicy(config),
    stamp: (d) => new Date(Date.UTC(2026, 10, 10 + d, 2)),
  });
  for (const d of days) runs.push({ id: d.runs[d.runs.length - 1].outcome.runId, observedAt: d.observedAt.toISOString() });
}, 600_000);

afterAll(async () => {
  await p?.shutdown();
  await market?.close();
});

describe('findings after crawls', () => {
  it('match the marketplace ground truth: precision and recall 1 for every rule, every day', async () => {
    for (const [day, run] of runs.entries()) {
      const scores = await scoreFindings(p.orm, market.groundTruth(day), new Date(run.observedAt));
      expect(scores.map((s) => s.rule)).toEqual(day === 0 ? expect.arrayContaining(['absolute-terms', 'licence-missing']) : expect.arrayContaining(['fake-today-only']));
      for (const s of scores) {
        expect({ rule: s.rule, day, precision: s.precision, recall: s.recall, wrong: s.wrong, missed: s.missed }).toEqual({
          rule: s.rule,
          day,
          precision: 1,
          recall: 1,
          wrong: [],
          missed: [],
        });
      }
    }
  });

  it('cite the law, say what triggered them, and point at intact evidence', async () => {
    const token = await p.login('sd-analyst');
    const r = ok(
      await p.gql(
        `{ findings(first: 100, filter: { ruleIds: ["fake-original-price", "licence-missing"] }) { totalCount nodes { ruleId severity detail trigger legalBasis evidence observedAt shop { id name } listing { id url } captures { sha256 observedAt url } } } }`,
        {},
        token,
      ),
    ).findings;
    expect(r.totalCount).toBeGreaterThan(0);
    for (const f of r.nodes) {
      expect(f.legalBasis.length).toBeGreaterThan(0);
      expect(f.legalBasis[0].law).toMatch(/法|规定|办法/);
      expect(f.detail.length).toBeGreaterThan(4);
      expect(f.shop?.id).toBeTruthy();
      expect(f.evidence.length).toBeGreaterThan(0);
      for (const sha of f.evidence) expect(sha).toMatch(/^[0-9a-f]{64}$/);
      // every piece of evidence named is a capture the analyst can open
      expect(f.captures.map((c: { sha256: string }) => c.sha256).sort()).toEqual([...new Set(f.evidence)].sort());
      if (f.ruleId === 'fake-original-price') {
        expect(f.severity).toBe('HIGH');
        expect(f.listing?.url).toBeTruthy();
        expect(typeof f.trigger.originalPrice).toBe('number');
      }
    }
    const captured = await sql<{ n: number }>(`select count(*)::int as n from evidence_capture where sha256 in (select jsonb_array_elements_text(evidence) from finding)`);
    expect(Number(captured[0].n)).toBeGreaterThan(0);
  });

  it('follow a crawl started through the API: the crawl job queues the rule checks of its moment', async () => {
    market.setDay(2);
    const run = await crawl({ kind: 'SHOPS' });
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from finding where observed_at = ?::timestamptz and run_id = ?`, [run.observedAt, Number(run.id)]);
    expect(Number(n)).toBeGreaterThan(0);
    const [{ n: shops }] = await sql<{ n: number }>(`select count(*)::int as n from finding where observed_at = ?::timestamptz and rule_id = 'licence-missing'`, [run.observedAt]);
    expect(Number(shops)).toBe(market.groundTruth(2).violations.filter((v) => v.rule === 'licence-missing').length);
  });

  it('are written once: checking the same moment again adds nothing', async () => {
    const [{ n: before }] = await sql<{ n: number }>(`select count(*)::int as n from finding`);
    const again = await checkRules(p.orm, { observedAt: new Date(runs[1].observedAt), regionCode: '37', runId: Number(runs[1].id) });
    expect(again.written).toBe(0);
    expect(Object.values(again.hits).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const [{ n: after }] = await sql<{ n: number }>(`select count(*)::int as n from finding`);
    expect(after).toBe(before);
  });

  it('are scoped to the jurisdiction: a county sees its own findings only', async () => {
    const [top] = await sql<{ code: string; n: number }>(`select substr(region_code, 1, 6) as code, count(*)::int as n from finding group by 1 order by 2 desc limit 1`);
    const token = await p.login(`x${top.code}-inspector`);
    const r = ok(await p.gql(`{ findings(first: 100) { totalCount nodes { regionCode } } }`, {}, token)).findings;
    expect(r.totalCount).toBe(Number(top.n));
    expect(r.nodes.every((n: any) => n.regionCode.startsWith(top.code))).toBe(true);
  });
});

describe('rules', () => {
  it('are listed with their legal basis, all on by default', async () => {
    const r = ok(await p.gql(`{ rules { id nameZh nameEn severity target enabled regionCode legalBasis { law article } } }`, {}, await p.login('sd-analyst'))).rules;
    expect(r.map((x: any) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(r.every((x: any) => x.enabled && x.legalBasis.length > 0 && x.regionCode === '37')).toBe(true);
  });

  it('switched off for a county: no new findings of that rule there, elsewhere as before; audited', async () => {
    const [top] = await sql<{ code: string }>(
      `select substr(region_code, 1, 6) as code from finding where rule_id = 'absolute-terms' group by 1 order by count(*) desc limit 1`,
    );
    const admin = await p.login(`x${top.code}-admin`);
    const off = ok(await p.gql(`mutation($c: String!) { setRuleEnabled(input: { ruleId: "absolute-terms", regionCode: $c, enabled: false }) { id enabled regionCode } }`, { c: top.code }, admin)).setRuleEnabled;
    expect(off).toEqual({ id: 'absolute-terms', enabled: false, regionCode: top.code });
    const listed = ok(await p.gql(`query($c: String) { rules(regionCode: $c) { id enabled } }`, { c: top.code }, admin)).rules;
    expect(listed.find((x: any) => x.id === 'absolute-terms').enabled).toBe(false);
    expect(listed.find((x: any) => x.id === 'licence-missing').enabled).toBe(true);
    const province = ok(await p.gql(`{ rules { id enabled } }`, {}, await p.login('sd-analyst'))).rules;
    expect(province.find((x: any) => x.id === 'absolute-terms').enabled).toBe(true);

    // a fresh moment: the day-1 rows again, checked as if observed later
    await sql(`delete from finding where observed_at = ?::timestamptz`, [runs[1].observedAt]);
    await checkRules(p.orm, { observedAt: new Date(runs[1].observedAt), regionCode: '37', runId: null });
    const rows = await sql<{ inside: number; outside: number }>(
      `select count(*) filter (where region_code like ?)::int as inside, count(*) filter (where region_code not like ?)::int as outside
       from finding where rule_id = 'absolute-terms' and observed_at = ?::timestamptz`,
      [`${top.code}%`, `${top.code}%`, runs[1].observedAt],
    );
    expect(Number(rows[0].inside)).toBe(0);
    expect(Number(rows[0].outside)).toBeGreaterThan(0);
    const audit = await sql<{ n: number }>(`select count(*)::int as n from audit_entry where operation = 'setRuleEnabled'`);
    expect(Number(audit[0].n)).toBeGreaterThan(0);
  });

  it('refuses wrong roles, other counties, and unknown rules', async () => {
    const analyst = await p.gql(`mutation { setRuleEnabled(input: { ruleId: "absolute-terms", regionCode: "370102", enabled: false }) { id } }`, {}, await p.login('x370102-analyst'));
    expect(analyst.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = await p.gql(`mutation { setRuleEnabled(input: { ruleId: "absolute-terms", regionCode: "370103", enabled: false }) { id } }`, {}, await p.login('x370102-admin'));
    expect(other.errors?.[0]?.message).toMatch(/outside your jurisdiction/);
    const unknown = await p.gql(`mutation { setRuleEnabled(input: { ruleId: "no-such-rule", regionCode: "370102", enabled: false }) { id } }`, {}, await p.login('x370102-admin'));
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badFilter = await p.gql(`{ findings(filter: { ruleIds: ["no-such-rule"] }) { totalCount } }`, {}, await p.login('sd-analyst'));
    expect(badFilter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the rule lexicon', () => {
  it('starts as the built-in default', async () => {
    const r = ok(await p.gql(`{ ruleLexicon { version lexicon updatedBy } }`, {}, await p.login('sd-analyst'))).ruleLexicon;
    expect(r.version).toBeNull();
    expect(r.lexicon.absoluteTerms).toContain('国家级');
  });

  it('is replaced by a province administrator only, checked field by field, audited, and used by the next check', async () => {
    const current = ok(await p.gql(`{ ruleLexicon { lexicon } }`, {}, await p.login('sd-admin'))).ruleLexicon.lexicon;
    const county = await p.gql(`mutation($l: JSONObject!) { updateRuleLexicon(lexicon: $l) { version } }`, { l: current }, await p.login('x370102-admin'));
    expect(county.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const broken = { ...current, urgencyPhrases: undefined };
    delete (broken as Record<string, unknown>).urgencyPhrases;
    const missing = await p.gql(`mutation($l: JSONObject!) { updateRuleLexicon(lexicon: $l) { version } }`, { l: broken }, await p.login('sd-admin'));
    expect(missing.errors?.[0]?.message).toMatch(/lexicon\.urgencyPhrases: missing/);
    const wrongType = await p.gql(`mutation($l: JSONObject!) { updateRuleLexicon(lexicon: $l) { version } }`, { l: { ...current, absoluteTerms: 'x' } }, await p.login('sd-admin'));
    expect(wrongType.errors?.[0]?.message).toMatch(/lexicon\.absoluteTerms: expected a list/);

    // a word of a real listing title becomes a prohibited keyword: the next check finds it
    const [row] = await sql<{ title: string }>(`select l.title from listing_observation o join listing l on l.id = o.listing_id where o.observed_at = ?::timestamptz order by l.id limit 1`, [runs[2].observedAt]);
    const word = row.title.split(/\s+/).filter((w) => [...w].length >= 3).pop()!;
    const next = { ...current, prohibited: { ...current.prohibited, goods: [...current.prohibited.goods, { keyword: word, kind: 'prohibited', groupZh: '测试禁售' }] } };
    const saved = ok(await p.gql(`mutation($l: JSONObject!) { updateRuleLexicon(lexicon: $l, note: "test") { version updatedBy note } }`, { l: next }, await p.login('sd-admin'))).updateRuleLexicon;
    expect(saved.version).toBeGreaterThan(0);
    expect(saved.note).toBe('test');
    await checkRules(p.orm, { observedAt: new Date(runs[2].observedAt), regionCode: '37', runId: null });
    const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from finding where rule_id = 'prohibited-goods' and observed_at = ?::timestamptz`, [runs[2].observedAt]);
    expect(Number(n)).toBeGreaterThan(0);
    const audit = await sql<{ n: number }>(`select count(*)::int as n from audit_entry where operation = 'updateRuleLexicon'`);
    expect(Number(audit[0].n)).toBe(1);
  });
});
