/**
 * The spiders end to end, through the API: discovery over the demo marketplace fills the register
 * (matched shops get the address they are watched at, unknown ones are created unfiled in the region
 * their licence shows), shop crawls on two simulated days write snapshots and observations, and the
 * changes the API reports are exactly the ones the marketplace's ground truth says happened. Hostile
 * pages cost the crawl nothing; every capture is kept as intact evidence; the jurisdiction rule holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvidenceStore } from '../crawlers/evidence';
import { watchCrawl } from '../crawlers/runs/watch-crawl';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { regionCatalog } from '../services/registry/region-catalog';
import { queryCounter } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { type TestPlatform, startTestPlatform } from './support/platform';

let market: Marketplace;
let p: TestPlatform;
let evidenceDir: string;
const SEED = 'hongdun';

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('crawl-runs test', () => p.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
}

function ok(r: { data?: any; errors?: unknown[] }): any {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

const RUN_FIELDS = `id kind status attempts pagesOk pagesFailed shopsSeen shopsCreated listingsSeen snapshotsWritten observationsWritten captures skipped errors changes message observedAt`;

async function crawl(username: string, input: Record<string, unknown>): Promise<any> {
  const token = await p.login(username);
  const started = ok(await p.gql(`mutation($i: StartCrawlInput!) { startCrawl(input: $i) { id status } }`, { i: input }, token)).startCrawl;
  expect(started.status).toBe('QUEUED');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const run = ok(await p.gql(`query($id: ID!) { crawlRun(id: $id) { ${RUN_FIELDS} } }`, { id: started.id }, token)).crawlRun;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return run;
    if (Date.now() > deadline) throw new Error(`crawl ${started.id} did not finish: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  market = await startMarketplace({ seed: SEED, entities: 60, day: 0, slowMs: 3000 });
  evidenceDir = `${process.env.TMPDIR ?? '/tmp'}/hongdun-crawl-runs-${process.pid}`;
  p = await startTestPlatform({
    seed: SEED,
    entities: 50,
    config: {
      crawlAllowedOrigins: [market.url],
      crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
      crawlTimeoutSecs: 5,
      crawlConcurrency: 8,
      crawlPerHost: 8,
      crawlSchedules: false,
      evidenceDir,
    },
  });
}, 120_000);

afterAll(async () => {
  await p?.shutdown();
  await market?.close();
});

describe('crawls over the demo marketplace', () => {
  let discovery: any;
  let day0: any;
  let day1: any;

  it('discovery finds every shop of the directories and fills the register', async () => {
    discovery = await crawl('sd-analyst', { kind: 'DISCOVERY' });
    expect(discovery.status, discovery.message).toBe('SUCCEEDED');
    expect(discovery.shopsSeen).toBe(market.shopIds.length);
    const watched = await sql<{ n: number }>(`select count(*)::int as n from shop where watch_url like ?`, [`${market.url}%`]);
    const created = await sql<{ n: number }>(`select count(*)::int as n from shop where url like ?`, [`${market.url}%`]);
    // every marketplace shop is now known: matched to its register row (watched) or created
    expect(Number(watched[0].n) + Number(created[0].n)).toBe(market.shopIds.length);
    expect(Number(created[0].n)).toBe(discovery.shopsCreated);
    expect(discovery.shopsCreated).toBeGreaterThan(0); // the register holds 50 entities' shops, the market 60's
    expect(Number(watched[0].n)).toBeGreaterThan(0);
  });

  it('a shop created by discovery is unfiled, has its discovery in its history, and sits in the region its licence shows', async () => {
    const rows = await sql<{ id: number; region_code: string; filing_status: string; responsible_unit_id: number | null; note: string; details: any }>(
      `select s.id, s.region_code, s.filing_status, s.responsible_unit_id, e.note, e.details from shop s join shop_event e on e.shop_id = s.id and e.kind = 'discovered' where s.url like ?`,
      [`${market.url}%`],
    );
    expect(rows.length).toBe(discovery.shopsCreated);
    const catalog = regionCatalog();
    for (const r of rows) {
      expect(r.filing_status).toBe('unfiled');
      expect(r.note).toMatch(/found by crawl run \d+/);
      const details = typeof r.details === 'string' ? JSON.parse(r.details) : r.details;
      if (details.regionFrom === 'address') {
        // the region's full name (without the province) starts the address shown
        const shown = String(details.licence.address).replace(/^山东省/, '');
        expect(shown.startsWith(catalog.fullName(r.region_code).replace(/^山东省/, ''))).toBe(true);
      }
      if (details.regionFrom !== 'none') expect(r.responsible_unit_id).not.toBeNull();
    }
  });

  it('a shop crawl on day 0 reads every listing of every shop', async () => {
    day0 = await crawl('sd-analyst', { kind: 'SHOPS' });
    expect(day0.status, day0.message).toBe('SUCCEEDED');
    expect(day0.snapshotsWritten).toBe(market.shopIds.length);
    const expected = market.shopIds.flatMap((id) => market.expectedShop(0, id)!.listingIds);
    // prices as the marketplace shows them
    const observed = await sql<{ url: string; price: string }>(
      `select l.url, o.price::text as price from listing_observation o join listing l on l.id = o.listing_id where o.observed_at = ?::timestamptz`,
      [day0.observedAt],
    );
    const priceByUrl = new Map(observed.map((o) => [o.url, Number(o.price)]));
    // every listing, nothing else (hostile pages hang off shops as recommendations, not listings)
    expect(observed.map((o) => o.url).sort()).toEqual(expected.map((id) => market.expectedListing(0, id)!.url).sort());
    expect(day0.observationsWritten).toBe(observed.length);
    for (const id of expected) {
      const e = market.expectedListing(0, id)!;
      expect(priceByUrl.get(e.url), id).toBe(e.price);
    }
    // the changes of day 0: every listing is new
    expect(day0.changes.listing_new).toBe(observed.length);
  });

  it('on day 1 the API reports exactly the changes the marketplace made', async () => {
    market.setDay(1);
    day1 = await crawl('sd-analyst', { kind: 'SHOPS' });
    expect(day1.status, day1.message).toBe('SUCCEEDED');
    const truth = { price_up: 0, price_down: 0, listing_new: 0, listing_removed: 0, licence_changed: 0 };
    for (const id of market.shopIds) {
      const a = market.expectedShop(0, id)!;
      const b = market.expectedShop(1, id)!;
      const before = new Set(a.listingIds);
      const after = new Set(b.listingIds);
      for (const l of b.listingIds) {
        if (!before.has(l)) truth.listing_new++;
        else {
          const d = market.expectedListing(1, l)!.priceFen - market.expectedListing(0, l)!.priceFen;
          if (d > 0) truth.price_up++;
          if (d < 0) truth.price_down++;
        }
      }
      for (const l of a.listingIds) if (!after.has(l)) truth.listing_removed++;
      if (JSON.stringify(a.licence) !== JSON.stringify(b.licence)) truth.licence_changed++;
    }
    expect(truth.licence_changed + truth.listing_new + truth.price_up).toBeGreaterThan(0);
    expect(day1.changes).toEqual(truth);

    const token = await p.login('sd-analyst');
    const range = { from: day1.observedAt, to: new Date(new Date(day1.observedAt).getTime() + 1).toISOString() };
    const counted: Record<string, number> = {};
    for (const kind of ['PRICE_UP', 'PRICE_DOWN', 'LISTING_NEW', 'LISTING_REMOVED', 'LICENCE_CHANGED']) {
      const r = ok(await p.gql(`query($f: ChangeFilter) { changes(filter: $f, first: 1) { totalCount } }`, { f: { kinds: [kind], range } }, token));
      counted[kind.toLowerCase()] = r.changes.totalCount;
    }
    expect(counted).toEqual(truth);
  });

  it('pages through changes without gaps or repeats', async () => {
    const token = await p.login('sd-analyst');
    const seen = new Set<string>();
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const r: any = ok(await p.gql(`query($a: String) { changes(first: 100, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { kind shopId listingId observedAt } } } }`, { a: after }, token));
      total = r.changes.totalCount;
      for (const e of r.changes.edges) {
        const key = `${e.node.kind}/${e.node.listingId ?? e.node.shopId}/${e.node.observedAt}`;
        expect(seen.has(key), key).toBe(false);
        seen.add(key);
      }
      if (!r.changes.pageInfo.hasNextPage) break;
      after = r.changes.pageInfo.endCursor;
    }
    expect(seen.size).toBe(total);
    const bad = await p.gql(`{ changes(after: "not-a-cursor") { totalCount } }`, {}, token);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a change names its shop and listing (batched: one query each per page)', async () => {
    const token = await p.login('sd-analyst');
    const before = queryCounter.count;
    const r = ok(await p.gql(`{ changes(first: 100) { nodes { kind shopId listingId shop { id name } listing { id title } } } }`, {}, token));
    const queries = queryCounter.count - before;
    expect(r.changes.nodes.length).toBe(100);
    for (const n of r.changes.nodes) {
      expect(n.shop?.id).toBe(n.shopId);
      if (n.kind === 'LICENCE_CHANGED') expect(n.listing).toBeNull();
      else expect(n.listing?.id).toBe(n.listingId);
    }
    expect(queries).toBeLessThan(12);
  });

  it('a shop shows its snapshots and a listing its price history', async () => {
    const token = await p.login('sd-analyst');
    const flapping = await sql<{ shop_id: number }>(
      `select shop_id from listing_change where kind = 'licence_changed' and observed_at = ?::timestamptz limit 1`,
      [day1.observedAt],
    );
    const range = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };
    const tooWide = await p.gql(`query($id: ID!, $r: TimeRangeInput!) { shop(id: $id) { snapshots(range: $r) { observedAt } } }`, { id: String(flapping[0].shop_id), r: range }, token);
    expect(tooWide.errors?.[0]?.message).toMatch(/at most 400 days/);
    const week = { from: new Date(Date.now() - 3 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() };
    const shop = ok(await p.gql(`query($id: ID!, $r: TimeRangeInput!) { shop(id: $id) { snapshots(range: $r) { observedAt licenceName licenceUscc evidenceSha256 contentHash } listings(first: 1) { nodes { id } } } }`, { id: String(flapping[0].shop_id), r: week }, token)).shop;
    // discovery read the shop page too: three snapshots
    expect(shop.snapshots.map((s: any) => s.observedAt)).toEqual([day1.observedAt, day0.observedAt, discovery.observedAt]);
    const [s1, s0] = shop.snapshots;
    expect([s0.licenceName, s0.licenceUscc]).not.toEqual([s1.licenceName, s1.licenceUscc]);
    expect(s1.evidenceSha256).toMatch(/^[0-9a-f]{64}$/);

    const moved = await sql<{ listing_id: number; url: string }>(
      `select c.listing_id, l.url from listing_change c join listing l on l.id = c.listing_id where c.kind in ('price_up', 'price_down') and c.observed_at = ?::timestamptz limit 1`,
      [day1.observedAt],
    );
    const listing = ok(await p.gql(`query($id: ID!, $r: TimeRangeInput!) { listing(id: $id) { url priceHistory(range: $r, bucket: "1 day") { minPrice maxPrice observations } } }`, { id: String(moved[0].listing_id), r: week }, token)).listing;
    const id = listing.url.split(/[/=]/).pop()!.replace(/\.html$/, '');
    const prices = [market.expectedListing(0, id)!.price, market.expectedListing(1, id)!.price];
    // both simulated days were crawled today: one daily bucket with both prices
    expect(listing.priceHistory).toEqual([{ minPrice: Math.min(...prices), maxPrice: Math.max(...prices), observations: 2 }]);
    const bad = await p.gql(`query($id: ID!, $r: TimeRangeInput!) { listing(id: $id) { priceHistory(range: $r, bucket: "1 fortnight") { avgPrice } } }`, { id: String(moved[0].listing_id), r: week }, token);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the daily price index and listing counts agree with the observations', async () => {
    const token = await p.login('sd-analyst');
    const day = new Date(day1.observedAt);
    const from = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
    const range = { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
    const r = ok(await p.gql(`query($r: TimeRangeInput!) { priceIndex(range: $r) { day avgPrice observations } listingCounts(range: $r) { regionCode listings observations } }`, { r: range }, token));
    const raw = await sql<{ avg: number; n: number }>(`select avg(price)::float8 as avg, count(*)::int as n from listing_observation where observed_at >= ?::timestamptz and observed_at < ?::timestamptz`, [range.from, range.to]);
    expect(r.priceIndex).toHaveLength(1);
    expect(r.priceIndex[0].observations).toBe(Number(raw[0].n));
    expect(r.priceIndex[0].avgPrice).toBeCloseTo(Number(raw[0].avg), 6);
    expect(r.listingCounts.reduce((a: number, c: any) => a + c.observations, 0)).toBe(Number(raw[0].n));
  });

  it('keeps every page as intact evidence, chained per shop', async () => {
    expect(day0.captures).toBeGreaterThan(day0.observationsWritten);
    const report = await runAsSystem('verify evidence', () => openEvidenceStore(p.orm.em.fork(), evidenceDir).verify());
    expect(report.totals.problems).toBe(0);
    const rows = await sql<{ n: number }>(`select count(*)::int as n from evidence_capture`);
    expect(report.totals.captures).toBe(Number(rows[0].n));
    expect(report.totals.intact).toBe(report.totals.captures);
    // one capture per page a run read (a page read twice in one run with the same bytes is kept once)
    expect(report.totals.captures).toBeLessThanOrEqual(discovery.captures + day0.captures + day1.captures);
    expect(report.totals.captures).toBeGreaterThan(day0.captures);
  });

  it('the jurisdiction rule holds: a county sees its own changes only, and cannot crawl another county', async () => {
    const county = await sql<{ region_code: string }>(`select substr(region_code, 1, 6) as region_code from listing_change group by 1 order by count(*) desc limit 1`);
    const code = county[0].region_code;
    const user = `x${code}-analyst`;
    const token = await p.login(user);
    const mine = ok(await p.gql(`{ changes(first: 100) { totalCount nodes { regionCode } } }`, {}, token)).changes;
    const expected = await sql<{ n: number }>(`select count(*)::int as n from listing_change where region_code like ?`, [`${code}%`]);
    expect(mine.totalCount).toBe(Number(expected[0].n));
    expect(mine.nodes.every((n: any) => n.regionCode.startsWith(code))).toBe(true);
    const other = code === '370102' ? '370103' : '370102';
    const refused = await p.gql(`mutation { startCrawl(input: { kind: SHOPS, regionCode: "${other}" }) { id } }`, {}, token);
    expect(refused.errors?.[0]?.message).toMatch(/outside your jurisdiction/);
    expect(refused.data).toBeNull();
    const leader = await p.gql(`mutation { startCrawl(input: { kind: SHOPS }) { id } }`, {}, await p.login('sd-leader'));
    expect(leader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const foreignSeed = await p.gql(`mutation { startCrawl(input: { kind: DISCOVERY, seeds: ["http://evil.example/shops"] }) { id } }`, {}, await p.login('sd-analyst'));
    expect(foreignSeed.errors?.[0]?.message).toMatch(/not an allowed crawl origin/);
    const runs = ok(await p.gql(`{ crawlRuns(first: 10) { totalCount nodes { id regionCode } } }`, {}, token)).crawlRuns;
    expect(runs.nodes.every((n: any) => n.regionCode.startsWith(code))).toBe(true);
  });
});

describe('hostile pages in a crawl run', () => {
  it('are refused or fail alone: the crawl finishes, the other pages are read, nothing leaves the marketplace', async () => {
    const hostile = market.groundTruth(0).hostile;
    const shops = [...new Set(hostile.map((h) => h.linkedFrom))];
    const seen: string[] = [];
    const result = await watchCrawl({
      shops,
      listings: hostile.map((h) => ({ url: h.url, shopUrl: h.linkedFrom })),
      allowedOrigins: [market.url],
      spider: { requestTimeoutSecs: 1, maxRetries: 0, maxBodyBytes: 1 << 20 },
      onShop: async (s) => void seen.push(s.url),
      onListing: async (l) => void seen.push(l.url),
    });
    expect(shops.every((s) => seen.includes(s))).toBe(true);
    const reasons = Object.fromEntries(result.errors.map((e) => [e.url.replace(market.url, ''), e.reason]));
    expect(reasons).toMatchObject({
      '/p/tmall-like/item/hx-huge': 'too-large',
      '/p/tmall-like/item/hx-slow': 'timeout',
      '/p/jd-like/item/hx-loop.html': 'redirect-loop',
      '/p/jd-like/item/hx-away.html': 'foreign-host',
      '/p/pdd-like/goods?id=hx-octet': 'wrong-content-type',
      '/p/pdd-like/img/hx-banner.jpg': 'wrong-content-type',
    });
    expect(result.requested.every((u) => u.startsWith(market.url))).toBe(true);
    // the malformed page is still a product page, read as one
    expect(seen).toContain(`${market.url}/p/pdd-like/goods?id=hx-malformed`);
  }, 60_000);
});
