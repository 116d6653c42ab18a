/**
 * Crawl throughput: the project's spider (`crawlers/spider` crawl()) against a bare Crawlee
 * CheerioCrawler over the same pages of the demo marketplace, in the same run.
 *
 *   node -r @swc-node/register bench/crawl.bench.ts
 *
 * Environment (all optional):
 *   BENCH_ENTITIES (200)      demo entities of the marketplace (≈ 385 shops, ≈ 2,300 listings)
 *   BENCH_ROUNDS (3)          measured rounds; each runs every variant once, in rotating order; medians printed
 *   BENCH_CONCURRENCY (20)    maxConcurrency (and desiredConcurrency) of the spider and of `bare-same`
 *
 * Variants, each a fresh crawler with its own Configuration and MemoryStorage:
 *   spider       crawl() over the URL set (enqueue off): allowed-origin check, robots.txt, body cap, sniffing, redirect guard
 *   spider-walk  crawl() discovering the same pages from the directory pages (link extraction, robots per link)
 *   bare-same    CheerioCrawler, defaults except maxConcurrency/desiredConcurrency as the spider's; handler reads <title>
 *   bare-default CheerioCrawler with default options (autoscaling from its default start); handler reads <title>
 * The URL set is every page a first (warm-up) spider crawl handed to onPage (hostile pages excluded).
 * The ratio is spider ÷ bare-same pages/s (target ≥ 0.8).
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheerioCrawler, Configuration, log, LogLevel } from '@crawlee/cheerio';
import { MemoryStorage } from '@crawlee/memory-storage';
import { startMarketplace } from '../demo/marketplace';
import { crawl } from '../crawlers/spider';

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

const ownConfig = () =>
  new Configuration({
    storageClient: new MemoryStorage({ localDataDirectory: join(tmpdir(), `hongdun-bench-${randomUUID()}`), persistStorage: false, writeMetadata: false }),
    persistStorage: false,
    purgeOnStart: false,
  });

async function bare(urls: string[], sameConcurrency: boolean): Promise<{ pages: number; ms: number }> {
  let pages = 0;
  const crawler = new CheerioCrawler(
    {
      ...(sameConcurrency ? { maxConcurrency: CONCURRENCY, autoscaledPoolOptions: { desiredConcurrency: CONCURRENCY } } : {}),
      requestHandler: async ({ $ }) => {
        if ($('title').text() !== undefined) pages++;
      },
    },
    ownConfig(),
  );
  const t = performance.now();
  await crawler.run(urls);
  return { pages, ms: performance.now() - t };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  log.setLevel(LogLevel.WARNING); // the bare crawlers' default logger: no per-run INFO statistics
  const market = await startMarketplace({ seed: 'bench-crawl', entities: ENTITIES, slowMs: 200 });
  const allowedOrigins = [market.url];
  const starts = [...market.platforms.map((p) => p.directoryUrl), market.siteDirectoryUrl];
  try {
    const warm = await crawl({ startUrls: starts, allowedOrigins, maxConcurrency: CONCURRENCY, requestTimeoutSecs: 5, maxRetries: 0 });
    const urls = warm.pages.filter((u) => !u.includes('hx-'));
    console.log(`marketplace: ${ENTITIES} entities, ${urls.length} pages in the URL set; concurrency ${CONCURRENCY}; ${ROUNDS} rounds`);

    const variants: Record<string, () => Promise<{ pages: number; ms: number }>> = {
      spider: async () => {
        const r = await crawl({ startUrls: urls, allowedOrigins, enqueue: false, maxConcurrency: CONCURRENCY });
        return { pages: r.pagesOk, ms: r.durationMs };
      },
      'spider-walk': async () => {
        const r = await crawl({ startUrls: starts, allowedOrigins, maxConcurrency: CONCURRENCY, requestTimeoutSecs: 5, maxRetries: 0 });
        return { pages: r.pages.filter((u) => !u.includes('hx-')).length, ms: r.durationMs };
      },
      'bare-same': () => bare(urls, true),
      'bare-default': () => bare(urls, false),
    };
    const names = Object.keys(variants);
    const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        const { pages, ms } = await variants[name]();
        if (pages !== urls.length) throw new Error(`${name} handled ${pages} pages, expected ${urls.length}`);
        rates[name].push((pages / ms) * 1000);
        console.log(`  round ${round + 1} ${name.padEnd(12)} ${pages} pages in ${(ms / 1000).toFixed(2)} s = ${((pages / ms) * 1000).toFixed(0)} pages/s`);
      }
    }
    console.log('\nmedian pages/s');
    for (const n of names) console.log(`  ${n.padEnd(12)} ${median(rates[n]).toFixed(0)}`);
    console.log(`\nratio spider / bare-same    = ${(median(rates.spider) / median(rates['bare-same'])).toFixed(2)} (target ≥ 0.8)`);
    console.log(`ratio spider / bare-default = ${(median(rates.spider) / median(rates['bare-default'])).toFixed(2)}`);
    console.log(`ratio spider-walk / bare-same = ${(median(rates['spider-walk']) / median(rates['bare-same'])).toFixed(2)}`);
  } finally {
    await market.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
