/**
 * Observation ingest: the time-series store's `writeObservations` (portable store, batches as a crawl
 * writes them) against a raw `COPY listing_observation (…) FROM STDIN` of the same rows into the same
 * table of the same PostgreSQL, in the same run.
 *
 *   node -r @swc-node/register bench/store-ingest.bench.ts
 *
 * Environment (all optional):
 *   DATABASE_URL (postgres://root@127.0.0.1:5432/postgres)  server on which a scratch database is created and dropped
 *   BENCH_LISTINGS (6000)   listings observed once a day (in ≈ 600 shops, in the counties of Shandong)
 *   BENCH_DAYS (90)         days of observations, from 2026-01-20 (four month partitions)
 *   BENCH_BATCH (200,1000,5000,100000)  rows per `writeObservations` call, one variant each (the crawl ingest writes up to 5000)
 *   BENCH_ROUNDS (3)        measured rounds; each runs every variant once, in rotating order; medians printed
 *
 * Each measured run starts from an empty (truncated) `listing_observation` after a CHECKPOINT, writes the
 * rows in the crawl's order (day by day, listing by listing) and checks that every row landed. Both sides
 * include their client-side encoding in the time (JSON/array text for the store, COPY text for the baseline).
 * The ratio is store ÷ COPY rows/s (target ≥ 0.8). The store side also re-submits the first batch to show
 * the idempotent path (all rows conflict, `inserted` 0).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { executorFromEntityManager, openTimeSeriesStore, type ListingObservationRow, type TimeSeriesStore } from '../store';
import { loadConfig } from '../kernel/config';
import { openDatabase } from '../server/database';
import { runAsSystem } from '../services/system-actor';
import { createScratchDatabase } from '../test/support/database';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 6000);
const DAYS = Number(process.env.BENCH_DAYS ?? 90);
const BATCHES = (process.env.BENCH_BATCH ?? '200,1000,5000,100000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const START = Date.UTC(2026, 0, 20);
const COLUMNS = 'listing_id, shop_id, region_code, observed_at, price, original_price, promotion_text, sales, stock';

/** mulberry32: a small seeded PRNG, so every run writes the same rows */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROMOTIONS = ['限时特价', '满200减30', '第二件半价', '新品上市', '包邮', "店庆 'VIP' 专享", '买一送一\\赠品'];

/** Listings × days, in the order a crawl writes them: one day after another. */
function generate(counties: string[]): ListingObservationRow[] {
  const r = rng(20260120);
  const shops = Math.max(1, Math.round(LISTINGS / 10));
  const shopRegion = Array.from({ length: shops }, () => counties[Math.floor(r() * counties.length)]);
  const listings = Array.from({ length: LISTINGS }, (_, i) => {
    const shop = Math.floor(r() * shops);
    return { id: 100_000 + i, shop: 1 + shop, region: shopRegion[shop], base: Math.round((5 + r() * r() * 2000) * 100) / 100, minute: Math.floor(r() * 600) };
  });
  const rows: ListingObservationRow[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (const l of listings) {
      const moved = r() < 0.05 ? 1 + (r() - 0.5) * 0.4 : 1; // a few listings change price on a given day
      l.base = Math.max(0.01, Math.round(l.base * moved * 100) / 100);
      const promo = r() < 0.2;
      rows.push({
        listingId: l.id,
        shopId: l.shop,
        regionCode: l.region,
        observedAt: new Date(START + d * 86_400_000 + (6 * 60 + l.minute) * 60_000 + Math.floor(r() * 60_000)),
        price: promo ? Math.round(l.base * 0.85 * 100) / 100 : l.base,
        originalPrice: promo ? l.base : null,
        promotionText: promo ? PROMOTIONS[Math.floor(r() * PROMOTIONS.length)] : null,
        sales: r() < 0.1 ? null : Math.floor(r() * 5000),
        stock: r() < 0.3 ? null : Math.floor(r() * 999),
      });
    }
  }
  return rows;
}

/** COPY text format: tab-separated, `\N` for null, backslash escapes. */
function copyText(v: string | number | null): string {
  if (v === null) return '\\N';
  if (typeof v === 'number') return String(v);
  return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function copyLine(o: ListingObservationRow): string {
  return `${o.listingId}\t${o.shopId}\t${copyText(o.regionCode)}\t${o.observedAt.toISOString()}\t${o.price.toFixed(2)}\t${
    o.originalPrice === null ? '\\N' : o.originalPrice.toFixed(2)
  }\t${copyText(o.promotionText)}\t${copyText(o.sales)}\t${copyText(o.stock)}\n`;
}

async function copyRows(url: string, rows: ListingObservationRow[]): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const t = performance.now();
    const stream = client.query(copyFrom(`copy listing_observation (${COLUMNS}) from stdin`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    // the same chunks as the store gets, each written as one buffer (back-pressure respected)
    for (let i = 0; i < rows.length; i += 5000) {
      let text = '';
      for (let j = i; j < Math.min(i + 5000, rows.length); j++) text += copyLine(rows[j]);
      if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
    }
    stream.end();
    await done;
    return performance.now() - t;
  } finally {
    await client.end();
  }
}

async function storeRows(store: TimeSeriesStore, rows: ListingObservationRow[], batch: number): Promise<number> {
  const t = performance.now();
  let inserted = 0;
  await runAsSystem('bench', async () => {
    for (let i = 0; i < rows.length; i += batch) inserted += (await store.writeObservations(rows.slice(i, i + batch))).inserted;
  });
  const ms = performance.now() - t;
  if (inserted !== rows.length) throw new Error(`store inserted ${inserted} of ${rows.length}`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main() {
  const scratch = await createScratchDatabase(BASE_URL, 'hongdun_bench');
  let orm: MikroORM | undefined;
  const admin = new Client({ connectionString: scratch.url });
  try {
    const t0 = performance.now();
    orm = await openDatabase(loadConfig({ databaseUrl: scratch.url, dbPoolMax: 5 }));
    const db = executorFromEntityManager(orm.em.fork());
    const store = await runAsSystem('bench', () => openTimeSeriesStore(db));
    if (store.implementation !== 'portable') throw new Error(`expected the portable store, got ${store.implementation}`);
    await admin.connect();
    const counties = (await admin.query<{ code: string }>(`select code from region where level = 'county' order by code`)).rows.map((r) => r.code);
    const rows = generate(counties);
    const months = new Set(rows.map((r) => r.observedAt.toISOString().slice(0, 7)));
    console.log(
      `scratch database migrated in ${fmt(performance.now() - t0)} ms; ${fmt(rows.length)} observations (${LISTINGS} listings × ${DAYS} days, ` +
        `${counties.length} counties, months ${[...months].join(' ')}); batches ${BATCHES.join(', ')}; ${ROUNDS} rounds`,
    );

    const reset = async () => {
      await admin.query('truncate listing_observation');
      await admin.query('checkpoint');
    };
    // warm-up: creates the partitions through the store (as a crawl would) and warms both paths
    const sample = rows.filter((_, i) => i % 25 === 0); // every day: every month's partition
    await reset();
    await storeRows(store, sample, BATCHES[0]);
    await reset();
    await copyRows(scratch.url, sample);

    const variants: Record<string, () => Promise<number>> = { copy: () => copyRows(scratch.url, rows) };
    for (const b of BATCHES) variants[`store/${b}`] = () => storeRows(store, rows, b);
    const names = Object.keys(variants);
    const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const name of order) {
        await reset();
        const ms = await variants[name]();
        const n = Number((await admin.query<{ n: string }>('select count(*) as n from listing_observation')).rows[0].n);
        if (n !== rows.length) throw new Error(`${name}: ${n} rows in the table, expected ${rows.length}`);
        rates[name].push((rows.length / ms) * 1000);
        console.log(`round ${round + 1} ${name.padEnd(11)} ${fmt((rows.length / ms) * 1000).padStart(9)} rows/s  (${fmt(ms)} ms)`);
      }
    }
    // the idempotent path: every row of a batch already there
    const again = rows.slice(0, BATCHES[0]);
    const tr = performance.now();
    const res = await runAsSystem('bench', () => store.writeObservations(again));
    const retryMs = performance.now() - tr;
    if (res.inserted !== 0 || res.submitted !== again.length) throw new Error(`re-submit: ${JSON.stringify(res)}`);

    const copy = median(rates.copy);
    console.log('');
    console.log(`median of ${ROUNDS}:  COPY ${fmt(copy)} rows/s`);
    const summary: Record<string, number> = { copy };
    for (const b of BATCHES) {
      const s = median(rates[`store/${b}`]);
      summary[`store/${b}`] = s;
      console.log(`               store, batches of ${b}: ${fmt(s)} rows/s  → ratio store/COPY ${(s / copy).toFixed(2)}`);
    }
    console.log(`re-submitting a batch of ${again.length} existing rows: ${fmt(retryMs)} ms (inserted 0)`);
    console.log(`BENCH_JSON ${JSON.stringify({ rows: rows.length, rounds: ROUNDS, rates, medians: summary })}`);
  } finally {
    await admin.end().catch(() => undefined);
    await orm?.close(true);
    await scratch.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
