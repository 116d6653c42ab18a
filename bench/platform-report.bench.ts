/**
 * Platform report intake (平台报送): a full report of N shops as JSON Lines, through the real intake
 * (`submitPlatformReport`: streamed parse, row-by-row validation, all-or-nothing write through the ORM,
 * reconciliation after it), against a raw `COPY` of the same rows into a copy of the same table, in the
 * same run on the same PostgreSQL. A second variant re-sends the same shops under a new report id (every
 * row unchanged: the update path), a third sends them again under the same id (replay: answered from the
 * stored outcome).
 *
 *   node -r @swc-node/register bench/platform-report.bench.ts
 *
 * Environment (all optional):
 *   DATABASE_URL (postgres://root@127.0.0.1:5432/postgres)  server on which a scratch database is created and dropped
 *   BENCH_SHOPS (50000)   shops in the report
 *   BENCH_ROUNDS (2)      measured rounds (medians printed)
 *
 * Printed: rows/s of each variant, the ratio against COPY, the peak RSS of the process.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { type Actor, EcommercePlatform, PlatformReport, PlatformShop, runAs } from '../entities';
import { loadConfig } from '../kernel/config';
import { openDatabase } from '../server/database';
import { Permission } from '../services/access/permissions';
import { readJsonLines } from '../services/registry/platform-reports/report-rows';
import { submitPlatformReport } from '../services/registry/platform-reports/submit-report';
import { makeUscc } from '../services/registry/uscc';
import { runAsSystem } from '../services/system-actor';
import { createScratchDatabase } from '../test/support/database';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const SHOPS = Number(process.env.BENCH_SHOPS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const COUNTIES = ['370102', '370103', '370104', '370202', '370203', '370302', '370602', '370702', '370811', '371302'];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    platformShopId: `b${i}`,
    url: `https://mall.bench.example/shop/b${i}`,
    name: `基准店铺${i}`,
    operatorName: `山东基准商贸有限公司${i}`,
    uscc: makeUscc(COUNTIES[i % COUNTIES.length], `B${String(i).padStart(7, '0')}`),
    address: `山东省济南市历下区某路${i}号`,
    contact: `0531-${String(80000000 + i)}`,
    status: 'open',
    openedOn: '2024-05-06',
  }));
}

async function* text(file: string): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) yield decoder.write(chunk);
  yield decoder.end();
}

async function main() {
  const scratch = await createScratchDatabase(BASE_URL, 'hongdun_bench');
  const config = loadConfig({ databaseUrl: scratch.url, dataDir: 'memory://', demo: false });
  const orm = await openDatabase(config);
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const platform = await runAsSystem('bench', async () => {
      const em = orm.em.fork() as EntityManager;
      return em.transactional(async (tem) => tem.create(EcommercePlatform, { code: 'bench', name: '基准平台' }));
    });
    const actor: Actor = {
      kind: 'apiKey', id: null, name: 'apikey:bench', unitId: null, role: 'system',
      permissions: new Set([Permission.PLATFORM_REPORT]), prefixes: ['37'], platformId: platform.id,
    };
    const data = rows(SHOPS);
    const file = path.join(os.tmpdir(), `hongdun-bench-${process.pid}.jsonl`);
    await fs.writeFile(file, data.map((r) => JSON.stringify(r)).join('\n'));
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    await client.query(`create table bench_copy (like platform_shop including defaults)`);

    const phases: { last: string | null; at: number; spent: Record<string, number> } = { last: null, at: 0, spent: {} };
    const submit = (reportId: string) =>
      runAs(actor, () =>
        submitPlatformReport(orm.em.fork() as EntityManager, {
          reportId, mode: 'full', format: 'jsonl', sha256: reportId.padEnd(64, '0').slice(0, 64), maxRows: SHOPS + 1,
          load: (validator) => readJsonLines(text(file), validator),
          onProgress: (phase) => {
            const t = performance.now();
            if (phases.last) phases.spent[phases.last] = (phases.spent[phases.last] ?? 0) + (t - phases.at);
            phases.last = phase;
            phases.at = t;
          },
        }),
      );
    const copy = async () => {
      await client.query('truncate bench_copy');
      const stream = client.query(copyFrom(`copy bench_copy (platform_id, platform_shop_id, url, name, operator_name, uscc, address, contact, status, opened_on, region_code, first_reported_at, last_reported_at, last_report_id) from stdin`));
      const now = new Date().toISOString();
      const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
      for (let i = 0; i < data.length; i += 1000) {
        const chunk = data.slice(i, i + 1000).map((r) => [platform.id, r.platformShopId, r.url, r.name, r.operatorName, r.uscc, r.address, r.contact, r.status, r.openedOn, r.uscc.slice(2, 8), now, now, 'copy'].map((v) => esc(String(v))).join('\t')).join('\n');
        if (!stream.write(`${chunk}\n`)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) => { stream.on('finish', () => resolve()); stream.on('error', reject); stream.end(); });
    };
    const timed = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return (performance.now() - t) / 1000;
    };
    const results: Record<string, number[]> = { copy: [], create: [], unchanged: [], replay: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await runAsSystem('bench', async () => {
        const em = orm.em.fork() as EntityManager;
        await em.nativeDelete(PlatformShop, {});
        await em.nativeDelete(PlatformReport, {});
      });
      results.copy.push(await timed(copy));
      results.create.push(await timed(() => submit(`r${round}-a`)));
      results.unchanged.push(await timed(() => submit(`r${round}-b`)));
      results.replay.push(await timed(() => submit(`r${round}-b`)));
      const stored = await runAsSystem('bench', () => orm.em.fork().count(PlatformShop, {}));
      if (stored !== SHOPS) throw new Error(`expected ${SHOPS} platform shops, found ${stored}`);
    }
    const copyRate = SHOPS / median(results.copy);
    console.log(`platform report intake, ${SHOPS.toLocaleString('en-US')} shops, ${ROUNDS} rounds (medians)`);
    for (const [name, times] of Object.entries(results)) {
      const rate = SHOPS / median(times);
      console.log(`  ${name.padEnd(10)} ${median(times).toFixed(2).padStart(7)} s  ${Math.round(rate).toLocaleString('en-US').padStart(9)} rows/s  ${(rate / copyRate).toFixed(2)}× COPY`);
    }
    console.log(`  time by phase over all submissions (s): ${Object.entries(phases.spent).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}`);
    console.log(`  peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`);
    await client.end();
    await fs.rm(file, { force: true });
  } finally {
    clearInterval(sample);
    await orm.close(true);
    await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
