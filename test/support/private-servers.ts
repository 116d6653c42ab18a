/**
 * Private database servers for the fault tests that restart them: a PostgreSQL 15 cluster and a Redis
 * server of the test's own, in a temporary folder, on free loopback ports. The shared servers (5432,
 * 6379) are never touched. Both are stopped by `stop()` (call it in afterAll) and, should the test
 * process exit without it, killed by an exit hook.
 *
 * As root (CI, the sessions) PostgreSQL's programs run as the `postgres` user (initdb refuses root)
 * through `runuser`; the folder is handed to that user.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

/** Where PostgreSQL 15's programs are (PG_BIN overrides). */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const REDIS_SERVER = process.env.REDIS_SERVER ?? 'redis-server';

/** A free TCP port on 127.0.0.1 (free now: taken again only by a race with another process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the private servers cannot run here (null: they can): PostgreSQL's programs, redis-server and redis-cli. */
export function privateServersMissing(which: { postgres?: boolean; redis?: boolean } = { postgres: true, redis: true }): string | null {
  const missing: string[] = [];
  if (which.postgres) for (const p of ['initdb', 'pg_ctl', 'postgres']) if (!fs.existsSync(path.join(PG_BIN, p))) missing.push(path.join(PG_BIN, p));
  if (which.redis) for (const p of [REDIS_SERVER, 'redis-cli']) if (spawnSync(p, ['--version'], { encoding: 'utf8' }).status !== 0) missing.push(p);
  return missing.length ? `missing: ${missing.join(', ')}` : null;
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Runs one of PostgreSQL's programs (as `postgres` when this process is root). */
function pg(program: string, args: string[], timeoutMs = 60_000): string {
  const bin = path.join(PG_BIN, program);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
}

const cleanups = new Set<() => void>();
let hooked = false;
function onExit(fn: () => void): () => void {
  cleanups.add(fn);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const f of cleanups) {
        try {
          f();
        } catch {
          // best effort: the process is going anyway
        }
      }
    });
  }
  return () => cleanups.delete(fn);
}

export interface PrivatePostgres {
  port: number;
  /** the superuser `postgres` on database `postgres` (trust authentication on loopback) */
  url: string;
  dir: string;
  /** `pg_ctl restart`-like: stops (`fast` or `immediate`), stays down `downMs`, starts again; resolves once it accepts connections */
  restart(options?: { mode?: 'fast' | 'immediate'; downMs?: number }): Promise<{ stopMs: number; downMs: number; startMs: number }>;
  /** stops it for good and removes its folder */
  stop(): Promise<void>;
  /** the tail of the server log, for failure messages */
  log(): string;
}

/** initdb + pg_ctl start of a cluster of its own, in a fresh temporary folder. */
export async function startPrivatePostgres(prefix = 'hongdun-pg'): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // durable as a real server (fsync stays on): what was committed before the restart must be there after it
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  const start = () => pg('pg_ctl', ['-D', data, '-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
  const pidOf = (): number | null => {
    try {
      return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]) || null;
    } catch {
      return null;
    }
  };
  const kill = () => {
    const pid = pidOf();
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT'); // PostgreSQL's immediate shutdown
      } catch {
        // gone already
      }
    }
  };
  const unhook = onExit(kill);
  start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForPostgres(url, 30_000);
  let stopped = false;
  return {
    port,
    url,
    dir,
    async restart({ mode = 'fast', downMs = 0 } = {}) {
      const t0 = Date.now();
      pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      const t1 = Date.now();
      if (downMs > 0) await sleep(downMs);
      const t2 = Date.now();
      start();
      await waitForPostgres(url, 30_000);
      return { stopMs: t1 - t0, downMs: t2 - t1, startMs: Date.now() - t2 };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
      } catch {
        kill();
      }
      unhook();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log() {
      try {
        return fs.readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        return '';
      }
    },
  };
}

async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`private PostgreSQL at ${url} does not answer: ${(err as Error).message}`);
      await sleep(100);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}

/** Creates database `name` on the private server; returns its URL. */
export async function createDatabase(server: PrivatePostgres, name: string): Promise<string> {
  const c = new Client({ connectionString: server.url });
  await c.connect();
  try {
    await c.query(`create database "${name}"`);
  } finally {
    await c.end();
  }
  return `postgres://postgres@127.0.0.1:${server.port}/${name}`;
}

export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** SHUTDOWN (the append-only file flushed), down `downMs`, started again on the same port and folder (the AOF restores the data) */
  restart(options?: { downMs?: number }): Promise<{ stopMs: number; downMs: number; startMs: number }>;
  /** number of keys now (from a fresh connection) */
  dbsize(): Promise<number>;
  stop(): Promise<void>;
  log(): string;
}

/** A redis-server of its own: append-only file fsynced on every write, no RDB snapshots. */
export async function startPrivateRedis(prefix = 'hongdun-redis'): Promise<PrivateRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const port = await freePort();
  const logFile = path.join(dir, 'redis.log');
  let child: ChildProcess | undefined;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir, '--save', '', '--logfile', logFile, '--daemonize', 'no'];
  const unhook = onExit(() => child?.kill('SIGKILL'));
  const cli = (...command: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...command], { encoding: 'utf8', timeout: 30_000 });
  const start = async () => {
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (cli('ping').stdout?.trim() !== 'PONG') {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : ''}`);
      if (Date.now() > deadline) throw new Error(`private Redis on ${port} does not answer`);
      await sleep(50);
    }
    // loaded (the AOF replayed) once it answers PING with PONG rather than LOADING
  };
  const shutdown = async (how: 'shutdown' | 'kill') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    if (how === 'shutdown') {
      const r = cli('shutdown');
      if (r.status !== 0 && c.exitCode === null) c.kill('SIGTERM');
    } else c.kill('SIGKILL');
    const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  let stopped = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async restart({ downMs = 0 } = {}) {
      const t0 = Date.now();
      await shutdown('shutdown');
      const t1 = Date.now();
      if (downMs > 0) await sleep(downMs);
      const t2 = Date.now();
      await start();
      return { stopMs: t1 - t0, downMs: t2 - t1, startMs: Date.now() - t2 };
    },
    async dbsize() {
      return Number(cli('dbsize').stdout.trim());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown('kill');
      unhook();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log() {
      try {
        return fs.readFileSync(logFile, 'utf8').slice(-4000);
      } catch {
        return '';
      }
    },
  };
}
