/**
 * Screenshots of a shops crawl, end to end through the API: after discovery over the demo marketplace,
 * a shops crawl of three shops started with `screenshots: true` photographs each shop's home page in
 * Debian's chromium and keeps the PNGs as `screenshot` captures in the shops' evidence chains (read
 * back through the evidence store: PNG bytes of the viewport's size, chains intact); no forwarding
 * proxy was started in the process. Without chromium the run still succeeds with its HTML evidence and
 * says why it took no screenshots; `screenshots` on a discovery or listings crawl is refused. The
 * chromium tests skip without chromium, except under CI=true.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngSize } from '../crawlers/browser';
import { crawleeProxyDisabled } from '../crawlers/browser/no-open-proxy';
import { openEvidenceStore } from '../crawlers/evidence';
import { type Marketplace, startMarketplace } from '../demo/marketplace';
import { runAsSystem } from '../services/system-actor';
import { type TestPlatform, startTestPlatform } from './support/platform';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === 'true') throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run installs Debian's chromium`);

const SEED = 'hongdun';
const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');

let market: Marketplace;
let p: TestPlatform;
let evidenceDir: string;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return runAsSystem('crawl-screenshots test', () => p.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;
}

function ok(r: { data?: any; errors?: unknown[] }): any {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}

const RUN_FIELDS = `id kind status screenshots pagesOk pagesFailed shopsSeen snapshotsWritten captures errors message observedAt`;

async function crawl(input: Record<string, unknown>): Promise<any> {
  const token = await p.login('sd-analyst');
  const started = ok(await p.gql(`mutation($i: StartCrawlInput!) { startCrawl(input: $i) { id status screenshots } }`, { i: input }, token)).startCrawl;
  expect(started.status).toBe('QUEUED');
  expect(started.screenshots).toBe(input.screenshots === true);
  const deadline = Date.now() + 150_000;
  for (;;) {
    const run = ok(await p.gql(`query($id: ID!) { crawlRun(id: $id) { ${RUN_FIELDS} } }`, { id: started.id }, token)).crawlRun;
    if (run.status === 'SUCCEEDED' || run.status === 'FAILED') return run;
    if (Date.now() > deadline) throw new Error(`crawl ${started.id} did not finish: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** TCP ports this process listens on (from /proc: its socket inodes in LISTEN state). */
function listeningPorts(): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/u.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/u);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9])) continue;
      ports.add(parseInt(f[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

beforeAll(async () => {
  market = await startMarketplace({ seed: SEED, entities: 20, day: 0, slowMs: 500 });
  evidenceDir = `${process.env.TMPDIR ?? '/tmp'}/hongdun-crawl-screenshots-${process.pid}`;
  p = await startTestPlatform({
    seed: SEED,
    entities: 20,
    config: {
      crawlAllowedOrigins: [market.url],
      crawlSeeds: [...market.platforms.map((x) => x.directoryUrl), market.siteDirectoryUrl],
      crawlTimeoutSecs: 5,
      crawlConcurrency: 8,
      crawlPerHost: 8,
      crawlSchedules: false,
      crawlScreenshotsMax: 200,
      evidenceDir,
    },
  });
}, 120_000);

afterAll(async () => {
  await p?.shutdown();
  await market?.close();
  if (evidenceDir) rmSync(evidenceDir, { recursive: true, force: true });
});

describe('screenshots of a shops crawl', () => {
  let shops: Array<{ id: number; url: string }> = [];

  it('discovery fills the register from the marketplace', async () => {
    const discovery = await crawl({ kind: 'DISCOVERY' });
    expect(discovery.status, discovery.message).toBe('SUCCEEDED');
    expect(discovery.shopsSeen).toBe(market.shopIds.length);
    // three shops of the marketplace that do not link the hostile pages (slow, huge …): a quick run
    const hostile = new Set(market.groundTruth(0).hostile.map((h) => h.linkedFrom));
    const rows = await sql<{ id: number; url: string }>(`select id, coalesce(watch_url, url) as url from shop where coalesce(watch_url, url) like ? order by id`, [`${market.url}/%`]);
    shops = rows.filter((r) => !hostile.has(r.url)).slice(0, 3).map((r) => ({ id: Number(r.id), url: r.url }));
    expect(shops).toHaveLength(3);
  }, 180_000);

  it('refuses screenshots on a discovery or listings crawl', async () => {
    const token = await p.login('sd-analyst');
    for (const kind of ['DISCOVERY', 'LISTINGS']) {
      const refused = await p.gql(`mutation { startCrawl(input: { kind: ${kind}, screenshots: true }) { id } }`, {}, token);
      expect(refused.errors?.[0]?.extensions?.code, kind).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toMatch(/screenshots: only a shops crawl takes screenshots/u);
      expect(refused.data).toBeNull();
    }
  });

  it.skipIf(!hasChromium)('photographs each shop page read and keeps the PNGs as intact evidence in the shops\' chains', async () => {
    const run = await crawl({ kind: 'SHOPS', shopIds: shops.map((s) => String(s.id)), screenshots: true });
    expect(run.status, run.message).toBe('SUCCEEDED');
    expect(run.screenshots).toBe(true);
    expect(run.snapshotsWritten).toBe(3);
    expect(run.message ?? '').not.toMatch(/screenshot|photograph/u);
    expect(run.errors.filter((e: any) => String(e.reason).startsWith('screenshot-'))).toEqual([]);

    const store = openEvidenceStore(p.orm.em.fork(), evidenceDir);
    const captures = await runAsSystem('test: read evidence', () => store.captures({ from: new Date(run.observedAt), to: new Date(new Date(run.observedAt).getTime() + 1) }));
    const ofRun = captures.filter((c) => c.runId === Number(run.id));
    const shots = ofRun.filter((c) => c.kind === 'screenshot');
    // responses and screenshots of the run, each counted once
    expect(run.captures).toBe(ofRun.length);
    expect(shots.map((c) => c.shopId).sort((a, b) => a - b)).toEqual(shops.map((s) => s.id).sort((a, b) => a - b));
    for (const shot of shots) {
      const shop = shops.find((s) => s.id === shot.shopId)!;
      expect(shot.url).toBe(shop.url);
      expect(shot.observedAt.toISOString()).toBe(run.observedAt);
      expect(shot.contentType).toBe('image/png');
      expect(shot.status).toBeNull();
      expect(shot.crawler).toMatch(new RegExp(`shops run ${run.id} \\(chromium screenshot\\)$`, 'u'));
      // the shop's page was also kept as a response in the same run, before its screenshot
      const response = ofRun.find((c) => c.kind === 'response' && c.shopId === shot.shopId && c.url === shop.url);
      expect(response, shop.url).toBeDefined();
      expect(shot.seq).toBeGreaterThan(response!.seq);
      const png = await runAsSystem('test: read screenshot', () => store.body(shot));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.length).toBe(shot.bytes);
      expect(png.length).toBeGreaterThan(2000); // not a blank image
      expect(pngSize(png)).toEqual({ width: 1280, height: 800 });
    }

    const report = await runAsSystem('test: verify evidence', () => store.verify());
    expect(report.totals.problems).toBe(0);
    for (const s of shops) {
      const chain = report.chains.find((c) => c.shopId === s.id)!;
      expect(chain.problems).toBe(0);
      expect(chain.captures).toBeGreaterThanOrEqual(3); // discovery's page, this run's page and its screenshot
    }
    expect(report.captures.filter((c) => c.kind === 'screenshot').every((c) => c.status === 'intact')).toBe(true);
  }, 180_000);

  it.skipIf(!hasChromium)('started no forwarding proxy: only the platform and the marketplace listen in this process', () => {
    expect(crawleeProxyDisabled()).toBe(true);
    const expected = [Number(new URL(p.url).port), Number(new URL(market.url).port)].sort((a, b) => a - b);
    expect(listeningPorts()).toEqual(expected);
  });

  it('without chromium the run succeeds with its HTML evidence and says why it took no screenshots', async () => {
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    let run: any;
    try {
      run = await crawl({ kind: 'SHOPS', shopIds: [String(shops[0].id)], screenshots: true });
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
    expect(run.status, run.message).toBe('SUCCEEDED');
    expect(run.message).toMatch(/screenshots skipped: chromium not found at \/nonexistent\/chromium/u);
    expect(run.snapshotsWritten).toBe(1);
    const rows = await sql<{ kind: string; n: number }>(`select kind, count(*)::int as n from evidence_capture where run_id = ? group by kind`, [Number(run.id)]);
    expect(rows.map((r) => r.kind)).toEqual(['response']);
    expect(run.captures).toBe(Number(rows[0].n));
  }, 120_000);
});
