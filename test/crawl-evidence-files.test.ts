/**
 * Crawl evidence read back (issue 8): a capture's bytes over HTTP (`GET /files/<sha256>`) and a finding's
 * captures through GraphQL (`Finding.captures`), for callers who may read the market, within their
 * jurisdiction — a county sees its own shops' captures and not another county's, as if absent. Captured
 * pages are sent as attachments with nosniff (never rendered on our origin); a page of findings costs one
 * query for all their captures.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureResult, openEvidenceStore } from '../crawlers/evidence';
import { queryCounter } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { startTestPlatform, type TestPlatform } from './support/platform';

let p: TestPlatform;
const evidenceDir = `${process.env.TMPDIR ?? '/tmp'}/hongdun-crawl-evidence-${process.pid}`;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** A one-pixel PNG (screenshot stand-in). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const DAYS = 20;
const moment = (day: number) => new Date(Date.UTC(2026, 10, 1 + day, 2, 30, 15));
/** `yyyyMMddTHHmmssZ` of a moment, as the file names carry it */
const stamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
const CRAWLER = 'HongdunSpider/0.1 shop run 7';

interface ShopRow {
  id: number;
  region_code: string;
  county: string;
}
let a: ShopRow; // county A: 20 days of shop pages, a screenshot and a licence page
let b: ShopRow; // county B: one shop page
const pageOf = (day: number) => (day === 1 ? `<html><body>店铺A 首页 day 0</body></html>` : `<html><body>店铺A 首页 day ${day}</body></html>`); // day 1 = day 0's bytes
const HTML_B = '<html><body><script>alert(document.cookie)</script>店铺B 首页</body></html>';
const LICENCE = JSON.stringify({ licence: '营业执照', uscc: '91370102MA3C000000' });
let pages: CaptureResult[] = []; // shop A's page of each day
let screenshot: CaptureResult;
let licence: CaptureResult;
let pageB: CaptureResult;
let findingB: number;
let registryKey: string;

async function sql<T = Record<string, any>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('crawl evidence files test', () => p.orm.em.fork().getConnection().execute<T[]>(text, params));
}

async function get(sha256: string, token?: string) {
  const res = await fetch(`${p.url}/files/${sha256}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
    nosniff: res.headers.get('x-content-type-options'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

function ok(r: { data?: any; errors?: unknown }) {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

async function insertFinding(shop: ShopRow, day: number, evidence: string[]): Promise<number> {
  const [row] = await sql<{ id: number }>(
    `insert into finding (rule_id, severity, shop_id, region_code, observed_at, detail, trigger, legal_basis, evidence)
     values ('licence-missing', 'high', ?, ?, ?, '未亮照', '{}', '[]', ?::jsonb) returning id`,
    [shop.id, shop.region_code, moment(day), JSON.stringify(evidence)],
  );
  return Number(row.id);
}

beforeAll(async () => {
  p = await startTestPlatform({ entities: 200, config: { evidenceDir } });
  const shops = await sql<ShopRow>(
    `select s.id, s.region_code, left(s.region_code, 6) as county from shop s
     where exists (select 1 from unit u where u.level = 'county' and u.code = left(s.region_code, 6)) order by s.id`,
  );
  a = shops[0];
  b = shops.find((s) => s.county !== a.county)!;
  expect(b).toBeDefined();
  const store = openEvidenceStore(p.orm.em.fork(), evidenceDir);
  await runAsSystem('crawl evidence files test: captures', async () => {
    pages = await store.captureMany(
      Array.from({ length: DAYS }, (_, day) => ({
        shopId: a.id, kind: 'response' as const, url: `https://shop.demo.test/a/${a.id}`, observedAt: moment(day), status: 200,
        contentType: 'text/html; charset=utf-8', body: pageOf(day), crawler: CRAWLER, runId: 7,
      })),
    );
    [screenshot, licence] = await store.captureMany([
      { shopId: a.id, kind: 'screenshot', url: `https://shop.demo.test/a/${a.id}`, observedAt: moment(0), body: PNG, crawler: CRAWLER, runId: 7 },
      { shopId: a.id, kind: 'response', url: `https://shop.demo.test/a/${a.id}/licence`, observedAt: moment(0), status: 200, contentType: 'application/json', body: LICENCE, crawler: CRAWLER, runId: 7 },
    ]);
    [pageB] = await store.captureMany([
      { shopId: b.id, kind: 'response', url: `https://shop.demo.test/b/${b.id}`, observedAt: moment(0), status: 200, contentType: 'text/html; charset=utf-8', body: HTML_B, crawler: CRAWLER, runId: 7 },
    ]);
  });
  expect(pages[1].sha256).toBe(pages[0].sha256); // same bytes on two days: two captures, one blob
  for (let day = 0; day < DAYS; day++) await insertFinding(a, day, day === 0 ? [pages[0].sha256, screenshot.sha256, licence.sha256] : [pages[day].sha256]);
  // county B's finding names its own page and, say, a page of shop A it was compared with
  findingB = await insertFinding(b, 0, [pageB.sha256, pages[5].sha256]);
  const [province] = await sql<{ id: number }>(`select id from unit where level = 'province'`);
  registryKey = ok(
    await p.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { unitId: String(province.id), scopes: ['registry:read'], name: 'evidence files test' } }, await p.login('sd-admin')),
  ).createApiKey.secret;
}, 180_000);

afterAll(async () => {
  await p?.shutdown();
  await fs.rm(evidenceDir, { recursive: true, force: true });
});

describe('GET /files/<sha256> for crawl evidence', () => {
  it('sends a province analyst the exact bytes as an attachment, never to be rendered', async () => {
    const token = await p.login('sd-analyst');
    const page = await get(pages[0].sha256, token);
    expect(page.status).toBe(200);
    expect(sha(page.body)).toBe(pages[0].sha256);
    expect(page.body.toString('utf8')).toBe(pageOf(0));
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.nosniff).toBe('nosniff');
    // the earliest capture of those bytes names the file (day 0, not day 1)
    expect(page.disposition).toBe(`attachment; filename*=UTF-8''response-${a.id}-${stamp(moment(0))}.html`);

    const image = await get(screenshot.sha256, token);
    expect(image.status).toBe(200);
    expect(image.body.equals(PNG)).toBe(true);
    expect(image.type).toBe('image/png');
    expect(image.disposition).toBe(`attachment; filename*=UTF-8''screenshot-${a.id}-${stamp(moment(0))}.png`);
    expect(image.nosniff).toBe('nosniff');

    const json = await get(licence.sha256, token);
    expect(json.status).toBe(200);
    expect(json.body.toString('utf8')).toBe(LICENCE);
    expect(json.type).toMatch(/^application\/json/);
    expect(json.disposition).toBe(`attachment; filename*=UTF-8''response-${a.id}-${stamp(moment(0))}.json`);

    // a page with a script: still an attachment with nosniff, the bytes untouched
    const script = await get(pageB.sha256, token);
    expect(script.status).toBe(200);
    expect(script.body.toString('utf8')).toBe(HTML_B);
    expect(script.disposition).toMatch(/^attachment; /);
    expect(script.nosniff).toBe('nosniff');
  });

  it('a county sees its own captures and not another county’s (404, as if absent)', async () => {
    const countyA = await p.login(`x${a.county}-analyst`);
    const countyB = await p.login(`x${b.county}-inspector`);
    expect((await get(pages[0].sha256, countyA)).status).toBe(200);
    expect((await get(screenshot.sha256, countyA)).status).toBe(200);
    expect((await get(pageB.sha256, countyA)).status).toBe(404);
    const own = await get(pageB.sha256, countyB);
    expect(own.status).toBe(200);
    expect(sha(own.body)).toBe(pageB.sha256);
    for (const c of [pages[0], pages[5], screenshot, licence]) expect((await get(c.sha256, countyB)).status).toBe(404);
    // the city above county A sees A's, not B's (another city)
    const [cityA, cityB] = [a.county.slice(0, 4), b.county.slice(0, 4)];
    if (cityA !== cityB) {
      const city = await p.login(`c${cityA}-leader`);
      expect((await get(pages[0].sha256, city)).status).toBe(200);
      expect((await get(pageB.sha256, city)).status).toBe(404);
    }
  });

  it('needs market:read, a token and a well-formed hash', async () => {
    const token = await p.login('sd-analyst');
    expect((await get(pages[0].sha256, registryKey)).status).toBe(404); // registry:read only: as if absent
    expect((await get(pages[0].sha256)).status).toBe(401);
    expect((await get(pages[0].sha256, 'not-a-token')).status).toBe(401);
    expect((await get('abc', token)).status).toBe(400);
    expect((await get(pages[0].sha256.toUpperCase(), token)).status).toBe(400);
    expect((await get(sha('never captured'), token)).status).toBe(404);
  });
});

describe('Finding.captures', () => {
  const FINDINGS = `query($shopId: ID!, $first: Int) { findings(filter: { shopId: $shopId }, first: $first) { nodes { id observedAt evidence
    captures { id kind url observedAt contentType sha256 bytes crawler } } } }`;

  it('lists the captures a finding names, oldest first, as the store wrote them', async () => {
    const token = await p.login('sd-analyst');
    const nodes = ok(await p.gql(FINDINGS, { shopId: String(a.id), first: DAYS }, token)).findings.nodes as any[];
    expect(nodes).toHaveLength(DAYS);
    // independent of the service: the captures of shop A at each finding's moment, by id
    const rows = await sql<{ id: number; observed_at: Date | string }>(`select id, observed_at from evidence_capture where shop_id = ? order by id`, [a.id]);
    for (const f of nodes) {
      const expected = rows.filter((r) => new Date(r.observed_at).toISOString() === f.observedAt).map((r) => String(r.id));
      expect(f.captures.map((c: any) => c.id), f.observedAt).toEqual(expected);
      expect(f.captures.map((c: any) => c.sha256).sort()).toEqual([...f.evidence].sort());
    }
    const day0 = nodes.find((f) => f.observedAt === moment(0).toISOString());
    expect(day0.captures).toEqual([
      { id: String(pages[0].id), kind: 'response', url: `https://shop.demo.test/a/${a.id}`, observedAt: moment(0).toISOString(), contentType: 'text/html; charset=utf-8', sha256: pages[0].sha256, bytes: Buffer.byteLength(pageOf(0)), crawler: CRAWLER },
      { id: String(screenshot.id), kind: 'screenshot', url: `https://shop.demo.test/a/${a.id}`, observedAt: moment(0).toISOString(), contentType: 'image/png', sha256: screenshot.sha256, bytes: PNG.length, crawler: CRAWLER },
      { id: String(licence.id), kind: 'response', url: `https://shop.demo.test/a/${a.id}/licence`, observedAt: moment(0).toISOString(), contentType: 'application/json', sha256: licence.sha256, bytes: Buffer.byteLength(LICENCE), crawler: CRAWLER },
    ]);
    // day 1's page has day 0's bytes: the finding of day 1 shows the capture of day 1
    const day1 = nodes.find((f) => f.observedAt === moment(1).toISOString());
    expect(day1.captures.map((c: any) => [c.id, c.observedAt])).toEqual([[String(pages[1].id), moment(1).toISOString()]]);
  });

  it('shows a county only the captures in its jurisdiction', async () => {
    const query = `query($shopId: ID!) { findings(filter: { shopId: $shopId }) { nodes { id captures { id url kind observedAt } } } }`;
    const province = ok(await p.gql(query, { shopId: String(b.id) }, await p.login('sd-analyst'))).findings.nodes as any[];
    expect(province.find((f) => f.id === String(findingB)).captures).toEqual([
      { id: String(pageB.id), url: `https://shop.demo.test/b/${b.id}`, kind: 'response', observedAt: moment(0).toISOString() },
      { id: String(pages[5].id), url: `https://shop.demo.test/a/${a.id}`, kind: 'response', observedAt: moment(5).toISOString() },
    ]);
    const county = ok(await p.gql(query, { shopId: String(b.id) }, await p.login(`x${b.county}-analyst`))).findings.nodes as any[];
    expect(county.find((f) => f.id === String(findingB)).captures).toEqual([
      { id: String(pageB.id), url: `https://shop.demo.test/b/${b.id}`, kind: 'response', observedAt: moment(0).toISOString() },
    ]);
    // shop A's findings are not county B's at all
    expect(ok(await p.gql(query, { shopId: String(a.id) }, await p.login(`x${b.county}-analyst`))).findings.nodes).toEqual([]);
  });

  it('costs one query for the captures of a page of findings, whatever its size', async () => {
    const token = await p.login('sd-analyst');
    const WITHOUT = `query($shopId: ID!, $first: Int) { findings(filter: { shopId: $shopId }, first: $first) { nodes { id evidence } } }`;
    const cost = async (query: string, first: number) => {
      const before = queryCounter.count;
      const nodes = ok(await p.gql(query, { shopId: String(a.id), first }, token)).findings.nodes as any[];
      expect(nodes).toHaveLength(first);
      return queryCounter.count - before;
    };
    await cost(FINDINGS, 2); // warm the session lookup path
    const small = await cost(FINDINGS, 2);
    const large = await cost(FINDINGS, DAYS);
    expect(large).toBe(small);
    expect(large - (await cost(WITHOUT, DAYS))).toBe(1);
  });
});
