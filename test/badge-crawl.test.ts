/**
 * The electronic badge end to end: crawl → badge_sighting → rule check → finding. The demo's filings
 * (demo/load-demo-filings.ts) on a demo province of 40 entities: under review (two past their due
 * day by working days), accepted with badges that verify, one revoked. (1) A crawl of the demo
 * marketplace, its businesses showing the badges the platform issued them, finds `badge-unverified` on
 * the shop showing a copied badge and on the one still showing its revoked badge, and nothing on the shops
 * showing their own. (2) Shop pages on a local test server (127.0.0.1) crawled by a SHOPS crawl through
 * GraphQL: a copied and a revoked badge give a finding with its legal basis, a valid badge none.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { crawlSimulatedDays } from '../demo/simulated-days';
import { loadConfig } from '../kernel/config';
import { crawlDeps } from '../server/jobs/platform-jobs';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { addDays, chinaDay, isWorkingDay } from '../services/calendar/working-days';
import { type DemoFilingsSummary, demoBadgeTokens, loadDemoFilings, planDemoFilings } from '../demo/load-demo-filings';
import { planDemoProvince } from '../demo/plan-demo-province';
import { embedSnippet } from '../services/filing/badge-render';
import { verifyBadge } from '../services/filing/filing.queries';
import { runAsSystem } from '../services/system-actor';
import { type TestPlatform, startTestPlatform } from './support/platform';

const SEED = 'hongdun';
let market: Marketplace;
let local: Server;
let localUrl = '';
let p: TestPlatform;
let loaded: DemoFilingsSummary;
let tokens: Record<string, string>;
const pages = new Map<string, string>();
const plan = planDemoFilings(planDemoProvince({ seed: SEED, entities: 40 }));

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('badge crawl test', () => p.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
}

function ok(r: { data?: any; errors?: unknown[] }): any {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

async function crawl(input: Record<string, unknown>): Promise<any> {
  const token = await p.login('sd-analyst');
  const started = ok(await p.gql(`mutation($i: StartCrawlInput!) { startCrawl(input: $i) { id } }`, { i: input }, token)).startCrawl;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const run = ok(await p.gql(`query($id: ID!) { crawlRun(id: $id) { id status observedAt message } }`, { id: started.id }, token)).crawlRun;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') {
      expect(run.status, run.message).toBe('SUCCEEDED');
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

const shopPage = (name: string, badge: string) =>
  `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${name}</title></head><body><h1>${name}</h1><p>欢迎光临本店。</p><footer>${badge}</footer></body></html>`;

beforeAll(async () => {
  local = createServer((req, res) => {
    const body = pages.get(req.url ?? '');
    if (body === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
  market = await startMarketplace({ seed: SEED, entities: 40, day: 0, slowMs: 2000 });
  const overrides = {
    crawlAllowedOrigins: [market.url, localUrl],
    crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
    crawlTimeoutSecs: 5,
    crawlSchedules: false,
    evidenceDir: `${process.env.TMPDIR ?? '/tmp'}/hongdun-badge-crawl-${process.pid}`,
  };
  p = await startTestPlatform({ seed: SEED, entities: 40, config: overrides });
  loaded = await loadDemoFilings(p.orm, { seed: SEED, entities: 40 });
  tokens = await demoBadgeTokens(p.orm, p.config);
  market.setBadges({ baseUrl: p.url, tokens });
  const config = loadConfig({ dataDir: 'memory://', ...overrides });
  await crawlSimulatedDays(crawlDeps(p.orm, config), market, { days: 1, policy: crawlPolicy(config), stamp: () => new Date(Date.UTC(2026, 10, 20, 2)) });
}, 600_000);

afterAll(async () => {
  await p?.shutdown();
  await market?.close();
  await new Promise((r) => local?.close(r));
});

describe('demo filings', () => {
  it('loads a handful: accepted with badges that verify, one revoked, three under review (two overdue by working days), one awaiting verification; a rerun adds nothing', async () => {
    expect(loaded).toMatchObject({ skipped: false, filings: 8, byStatus: { accepted: 3, revoked: 1, under_review: 3, awaiting_verification: 1 } });
    const rows = await sql<{ status: string; review_due_on: string | null }>(`select status::text, review_due_on::text from self_filing order by id`);
    const today = chinaDay();
    const overdue = rows.filter((r) => r.status === 'under_review' && r.review_due_on! < today);
    // past their due day by 3 and by 1 working days (the working days after the due day, today included)
    const late = (due: string) => {
      let n = 0;
      for (let d = addDays(due, 1); d <= today; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
      return n;
    };
    expect(overdue.map((r) => late(r.review_due_on!)).sort()).toEqual([1, 3]);
    expect(rows.filter((r) => r.status === 'under_review' && r.review_due_on! >= today)).toHaveLength(1);
    const verdicts = await Promise.all(Object.values(tokens).map((t) => verifyBadge(p.orm.em.fork(), t, p.config).then((v) => v.verdict)));
    expect(verdicts.filter((v) => v === 'valid').length).toBeGreaterThanOrEqual(3);
    expect(verdicts).toContain('revoked');
    expect((await loadDemoFilings(p.orm, { seed: SEED, entities: 40 })).skipped).toBe(true);
  });

  it('the demo marketplace shows the badges from its world: own, revoked, one copied onto another shop', () => {
    const shown = market.badgeDisplays();
    expect(shown.map((d) => d.kind).sort()).toEqual(expect.arrayContaining(['copied', 'own', 'revoked']));
    const copied = shown.find((d) => d.kind === 'copied')!;
    expect(copied.token).toBe(tokens[copied.issuedFor]);
    expect(plan.displays.find((d) => d.kind === 'copied')!.issuedFor).toBe(copied.issuedFor);
  });

  it('a crawl of the demo marketplace finds badge-unverified on the copied and the revoked badge, none on the shops showing their own', async () => {
    const findings = await sql<{ url: string; detail: string; legal_basis: unknown }>(
      `select coalesce(s.watch_url, s.url) as url, f.detail, f.legal_basis from finding f join shop s on s.id = f.shop_id where f.rule_id = 'badge-unverified'`,
    );
    const shown = market.badgeDisplays();
    const flagged = new Set(findings.map((f) => f.url));
    for (const d of shown) expect(flagged.has(d.url), `${d.kind} ${d.url}`).toBe(d.kind !== 'own');
    expect(findings).toHaveLength(shown.filter((d) => d.kind !== 'own').length);
    expect(findings.map((f) => f.detail).join('\n')).toMatch(/冒用/);
    expect(findings.map((f) => f.detail).join('\n')).toMatch(/已撤销/);
    expect(JSON.stringify(findings[0].legal_basis)).toContain('中华人民共和国电子商务法');
  });
});

describe('badge on a shop page of a local test server', () => {
  it('a copied and a revoked badge give a finding with its legal basis; a valid badge none', async () => {
    const own = plan.displays.find((d) => d.kind === 'own')!;
    const revoked = plan.displays.find((d) => d.kind === 'revoked')!;
    // the register shops: the filed one (its own badge), the revoked one (still showing it), and a shop of another business showing a copy
    const [filed] = await sql<{ id: number }>(`select id from shop where url = ?`, [own.issuedFor]);
    const [gone] = await sql<{ id: number }>(`select id from shop where url = ?`, [revoked.issuedFor]);
    const [other] = await sql<{ id: number }>(
      `select s.id from shop s where s.entity_id is not null and s.region_code like '37%' and s.id not in (select shop_id from self_filing_shop where shop_id is not null) order by s.id limit 1`,
    );
    const at = (path: string) => `${localUrl}${path}`;
    pages.set('/shop/valid', shopPage('本店', embedSnippet(p.url, tokens[own.issuedFor])));
    pages.set('/shop/revoked', shopPage('撤销店', embedSnippet(p.url, tokens[revoked.issuedFor])));
    pages.set('/shop/copy', shopPage('冒用店', embedSnippet(p.url, tokens[own.issuedFor])));
    await sql(`update shop set watch_url = null where watch_url like ?`, [`${localUrl}%`]);
    await sql(`update shop set watch_url = ? where id = ?`, [at('/shop/valid'), filed.id]);
    await sql(`update shop set watch_url = ? where id = ?`, [at('/shop/revoked'), gone.id]);
    await sql(`update shop set watch_url = ? where id = ?`, [at('/shop/copy'), other.id]);
    const run = await crawl({ kind: 'SHOPS', shopIds: [String(filed.id), String(gone.id), String(other.id)] });
    const sightings = await sql<{ shop_id: number; token: string }>(`select shop_id, token from badge_sighting where observed_at = ?::timestamptz`, [run.observedAt]);
    expect(sightings.map((s) => Number(s.shop_id)).sort()).toEqual([filed.id, gone.id, other.id].map(Number).sort());
    const findings = await sql<{ shop_id: number; detail: string; legal_basis: Array<{ law: string }> }>(
      `select shop_id, detail, legal_basis from finding where rule_id = 'badge-unverified' and observed_at = ?::timestamptz`,
      [run.observedAt],
    );
    const byShop = new Map(findings.map((f) => [Number(f.shop_id), f]));
    expect(byShop.has(Number(filed.id))).toBe(false);
    expect(byShop.get(Number(other.id))?.detail).toMatch(/冒用/);
    expect(byShop.get(Number(gone.id))?.detail).toMatch(/已撤销/);
    for (const f of findings) expect(JSON.stringify(f.legal_basis)).toContain('网络交易监督管理办法');
    // read through GraphQL as staff see them
    const token = await p.login('sd-analyst');
    const viaApi = ok(await p.gql(`{ findings(first: 50) { nodes { ruleId legalBasis shop { id } } } }`, {}, token)).findings.nodes.filter((n: any) => n.ruleId === 'badge-unverified');
    expect(viaApi.map((n: any) => Number(n.shop.id))).toEqual(expect.arrayContaining([Number(other.id), Number(gone.id)]));
  });
});
