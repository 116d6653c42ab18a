/**
 * The two network segments on this machine (issue 17), with network namespaces:
 *
 *   "internet" ns ── veth ── "external" ns ── veth ── "dmz" ns ── veth ── host (the core)
 *   demo marketplace          crawler worker           Redis only        test process: job runner,
 *   (10.231.k.2)              (`hongdun worker crawl`,  (10.231.k+1.1,    ingest, database (PGlite or
 *                              no DATABASE_URL)         10.231.k+2.2)     DATABASE_URL on 127.0.0.1)
 *
 * There is no packet filter on this machine (no iptables/nft), so the separation is by topology: no
 * namespace forwards, the worker's namespace has links only to the marketplace and to the Redis
 * namespace (where nothing but Redis listens), the host has a link only to the Redis namespace, and
 * the host's routes to the other two subnets are `unreachable` (nothing leaks to the default gateway).
 * Only addresses of these links are ever contacted.
 *
 * Checks: a discovery and a shops crawl complete end to end in CRAWL_MODE=queue (observations and
 * snapshots in the database, evidence intact); the core process cannot connect to the marketplace; the
 * worker's namespace cannot connect to PostgreSQL (5432) on the host, nor on the Redis namespace; it can
 * reach Redis. Needs root, `ip` and `redis-server`; skipped with the reason otherwise, except under
 * CI=true, where it fails instead.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEvidenceStore } from '../crawlers/evidence';
import { CrawlKind, CrawlRunStatus } from '../entities';
import { createCrawlRun } from '../services/crawl/crawl-runs';
import { crawlPolicy } from '../services/crawl/start-crawl';
import { loadDemoProvince } from '../demo/load-demo-province';
import { runAsSystem } from '../services/system-actor';
import { type Config, loadConfig } from '../kernel/config';
import { BullMqJobRunner } from '../server/jobs/bullmq-runner';
import { JOBS, registerPlatformJobs } from '../server/jobs/platform-jobs';
import { openTestDatabase, type TestDatabase } from './support/database';

const IP = fs.existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';
const REDIS_SERVER = '/usr/bin/redis-server';
const REPO = path.resolve(__dirname, '..');
const SEED = 'hongdun';
const ENTITIES = 20;
const CI = process.env.CI === 'true';

const skipReason =
  process.getuid?.() !== 0 ? 'not root (network namespaces need root)' : !fs.existsSync(IP) ? `no ${IP}` : !fs.existsSync(REDIS_SERVER) ? `no ${REDIS_SERVER}` : null;
if (skipReason && CI) throw new Error(`CI=true but ${skipReason}: the network segments test cannot be skipped in CI`);
if (skipReason) console.warn(`network-segments.test.ts skipped: ${skipReason}`);

const id = randomBytes(3).toString('hex');
const k = 3 * (Math.floor(Math.random() * 80) + 1); // 10.231.k.0/30, 10.231.k+1.0/30, 10.231.k+2.0/30
const NS = { inet: `hd-inet-${id}`, ext: `hd-ext-${id}`, dmz: `hd-dmz-${id}` };
const ADDR = {
  inetExt: `10.231.${k}.1`, // the worker's end of the internet link
  market: `10.231.${k}.2`,
  extDmz: `10.231.${k + 1}.2`, // the worker's end of the Redis link
  redisForWorker: `10.231.${k + 1}.1`,
  redisForCore: `10.231.${k + 2}.2`,
  host: `10.231.${k + 2}.1`, // the host's (core's) end
};
const MARKET_PORT = 8080;
const REDIS_PORT = 6390;
const prefix = `hongdun-netns-${id}`;
const children: ChildProcess[] = [];
const outputs = new Map<ChildProcess, string[]>();

function ip(...args: string[]): void {
  execFileSync(IP, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    /* already gone */
  }
}

function buildNetwork(): void {
  for (const ns of Object.values(NS)) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  // internet ↔ external
  ip('link', 'add', `hda${id}`, 'type', 'veth', 'peer', 'name', `hdb${id}`);
  ip('link', 'set', `hda${id}`, 'netns', NS.ext);
  ip('link', 'set', `hdb${id}`, 'netns', NS.inet);
  ip('-n', NS.ext, 'addr', 'add', `${ADDR.inetExt}/30`, 'dev', `hda${id}`);
  ip('-n', NS.inet, 'addr', 'add', `${ADDR.market}/30`, 'dev', `hdb${id}`);
  // external ↔ dmz (Redis)
  ip('link', 'add', `hdc${id}`, 'type', 'veth', 'peer', 'name', `hdd${id}`);
  ip('link', 'set', `hdc${id}`, 'netns', NS.ext);
  ip('link', 'set', `hdd${id}`, 'netns', NS.dmz);
  ip('-n', NS.ext, 'addr', 'add', `${ADDR.extDmz}/30`, 'dev', `hdc${id}`);
  ip('-n', NS.dmz, 'addr', 'add', `${ADDR.redisForWorker}/30`, 'dev', `hdd${id}`);
  // dmz ↔ host (the core)
  ip('link', 'add', `hde${id}`, 'type', 'veth', 'peer', 'name', `hdf${id}`);
  ip('link', 'set', `hdf${id}`, 'netns', NS.dmz);
  ip('addr', 'add', `${ADDR.host}/30`, 'dev', `hde${id}`);
  ip('-n', NS.dmz, 'addr', 'add', `${ADDR.redisForCore}/30`, 'dev', `hdf${id}`);
  ip('link', 'set', `hde${id}`, 'up');
  ip('-n', NS.ext, 'link', 'set', `hda${id}`, 'up');
  ip('-n', NS.ext, 'link', 'set', `hdc${id}`, 'up');
  ip('-n', NS.inet, 'link', 'set', `hdb${id}`, 'up');
  ip('-n', NS.dmz, 'link', 'set', `hdd${id}`, 'up');
  ip('-n', NS.dmz, 'link', 'set', `hdf${id}`, 'up');
  // the host never sends these subnets anywhere else (not to its default gateway either): the two it has no
  // link to, and — behind its link, kept while the link is torn down — the Redis one
  ip('route', 'add', 'unreachable', `10.231.${k}.0/30`);
  ip('route', 'add', 'unreachable', `10.231.${k + 1}.0/30`);
  ip('route', 'add', 'unreachable', `10.231.${k + 2}.0/30`, 'metric', '4000');
}

function tearDownNetwork(): void {
  for (const ns of Object.values(NS)) quietly(() => ip('netns', 'del', ns));
  quietly(() => ip('link', 'del', `hde${id}`));
  quietly(() => ip('route', 'del', 'unreachable', `10.231.${k}.0/30`));
  quietly(() => ip('route', 'del', 'unreachable', `10.231.${k + 1}.0/30`));
  quietly(() => ip('route', 'del', 'unreachable', `10.231.${k + 2}.0/30`, 'metric', '4000'));
}

/** Starts a process (in a namespace when `ns`), resolves once its output matches `ready`. */
function start(ns: string | null, cmd: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 30_000): Promise<ChildProcess> {
  const argv = ns ? [IP, 'netns', 'exec', ns, ...cmd] : cmd;
  const child = spawn(argv[0], argv.slice(1), { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out: string[] = [];
  outputs.set(child, out);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd.join(' ')} not ready in ${timeoutMs} ms:\n${out.join('').slice(-3000)}`)), timeoutMs);
    const onData = (b: Buffer) => {
      out.push(b.toString());
      if (ready.test(out.join(''))) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${cmd.join(' ')} exited (${code ?? signal}) before it was ready:\n${out.join('').slice(-3000)}`));
    });
  });
}

/** Tries a TCP connection from this process: 'connected' or the error code. */
function tryConnect(host: string, port: number, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** The same from inside a namespace (a one-line node script run there). */
function tryConnectFrom(ns: string, host: string, port: number): string {
  const script = `const s=require('net').connect({host:${JSON.stringify(host)},port:${port},timeout:2000});s.once('connect',()=>{console.log('connected');process.exit(0)});s.once('timeout',()=>{console.log('ETIMEDOUT');process.exit(0)});s.once('error',e=>{console.log(e.code||e.message);process.exit(0)})`;
  return execFileSync(IP, ['netns', 'exec', ns, process.execPath, '-e', script], { encoding: 'utf8' }).trim();
}

describe.skipIf(skipReason !== null)('two network segments: crawler worker outside, core inside, Redis the only link', () => {
  let db: TestDatabase;
  let runner: BullMqJobRunner;
  let config: Config;
  const marketUrl = `http://${ADDR.market}:${MARKET_PORT}`;
  const coreRedis = `redis://${ADDR.redisForCore}:${REDIS_PORT}`;
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
    runAsSystem('test', () => db.orm.em.fork().getConnection().execute(text, params)) as Promise<T[]>;

  beforeAll(async () => {
    buildNetwork();
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), LOG_LEVEL: 'warn' };
    await Promise.all([
      start(NS.dmz, [REDIS_SERVER, '--bind', ADDR.redisForWorker, ADDR.redisForCore, '--port', String(REDIS_PORT), '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], baseEnv, /Ready to accept connections/),
      start(NS.inet, [process.execPath, '-r', '@swc-node/register', 'demo/marketplace/serve.ts', '--host', ADDR.market, '--port', String(MARKET_PORT), '--seed', SEED, '--entities', String(ENTITIES), '--slow-ms', '500'], baseEnv, /demo marketplace:/, 60_000),
    ]);
    // the crawler worker: REDIS_URL and its own limits only — no DATABASE_URL in its environment
    await start(
      NS.ext,
      [process.execPath, '-r', '@swc-node/register', 'server/cli.ts', 'worker', 'crawl', '--prefix', prefix, '--concurrency', '1'],
      { ...baseEnv, REDIS_URL: `redis://${ADDR.redisForWorker}:${REDIS_PORT}`, CRAWL_ALLOWED_ORIGINS: marketUrl, CRAWL_TIMEOUT_SECS: '5', JOBS_LOCK_MS: '5000' },
      /crawler worker ready/,
      60_000,
    );
    db = await openTestDatabase();
    await loadDemoProvince(db.orm.em.fork(), { seed: SEED, entities: ENTITIES });
    config = loadConfig({
      dataDir: 'memory://',
      crawlMode: 'queue',
      redisUrl: coreRedis,
      crawlAllowedOrigins: [marketUrl],
      crawlSeeds: [`${marketUrl}/p/tmall-like/shops?page=1`],
      crawlTimeoutSecs: 5,
      crawlSchedules: false,
      patrolSchedules: false,
      evidenceDir: path.join(os.tmpdir(), `hongdun-netns-${id}`),
    });
    runner = new BullMqJobRunner(coreRedis, prefix, 5000);
    await registerPlatformJobs(runner, db.orm, config);
    await runner.startWorker();
  }, 120_000);

  afterAll(async () => {
    await runner?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    for (const child of children) if (child.exitCode === null && child.pid) quietly(() => process.kill(child.pid!, 'SIGKILL'));
    await new Promise((r) => setTimeout(r, 200));
    tearDownNetwork(); // every client of this process is closed by now: nothing reconnects to these addresses
  });

  it('the core cannot connect to the marketplace; the worker reaches Redis but not PostgreSQL', async () => {
    expect(await tryConnect(ADDR.market, MARKET_PORT)).not.toBe('connected');
    expect(await tryConnect(ADDR.inetExt, 22)).not.toBe('connected');
    const redis = new IORedis(coreRedis, { maxRetriesPerRequest: 1 });
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
    expect(tryConnectFrom(NS.ext, ADDR.redisForWorker, REDIS_PORT)).toBe('connected');
    expect(tryConnectFrom(NS.ext, ADDR.market, MARKET_PORT)).toBe('connected');
    for (const host of [ADDR.host, ADDR.redisForCore, ADDR.redisForWorker, '127.0.0.1']) expect(tryConnectFrom(NS.ext, host, 5432), `worker → ${host}:5432`).not.toBe('connected');
    // nor anything else of the host (it has no route there at all)
    expect(tryConnectFrom(NS.ext, ADDR.host, REDIS_PORT)).not.toBe('connected');
  }, 30_000);

  it('a discovery and a shops crawl complete end to end through the queue', async () => {
    const runOf = async (kind: CrawlKind, observedAt: Date) => {
      const run = await runAsSystem('test', () => createCrawlRun(db.orm.em.fork(), { kind, observedAt, trigger: 'test' }, crawlPolicy(config)));
      const job = await runner.enqueue(kind === CrawlKind.DISCOVERY ? JOBS.CRAWL_DISCOVERY : JOBS.CRAWL_SHOPS, { runId: run.id });
      await runner.waitFor(job, 90_000);
      const [row] = await sql<{ status: string; message: string | null; observations_written: number; snapshots_written: number; shops_seen: number }>(`select * from crawl_run where id = ?`, [run.id]);
      return row;
    };
    const d = await runOf(CrawlKind.DISCOVERY, new Date('2026-12-01T01:00:00Z'));
    expect(d.status, d.message ?? '').toBe(CrawlRunStatus.SUCCEEDED);
    expect(Number(d.shops_seen)).toBeGreaterThan(0);
    const observedAt = new Date('2026-12-01T02:00:00Z');
    const s = await runOf(CrawlKind.SHOPS, observedAt);
    expect(s.status, s.message ?? '').toBe(CrawlRunStatus.SUCCEEDED);
    const [obs] = await sql<{ n: number; d: number }>(`select count(*)::int as n, count(distinct listing_id)::int as d from listing_observation where observed_at = ?`, [observedAt.toISOString()]);
    expect(obs.n).toBeGreaterThan(0);
    expect(obs.n).toBe(obs.d);
    const [snap] = await sql<{ n: number }>(`select count(*)::int as n from shop_snapshot where observed_at = ?`, [observedAt.toISOString()]);
    expect(snap.n).toBeGreaterThan(0);
    const report = await runAsSystem('test', () => openEvidenceStore(db.orm.em.fork(), config.evidenceDir).verify());
    expect(report.totals.captures).toBeGreaterThan(0);
    expect(report.totals.problems).toBe(0);
  }, 200_000);
});
