/**
 * The platform as a child process (`hongdun serve` through @swc-node/register) on a database that
 * outlives it: a scratch database on the PostgreSQL server at DATABASE_URL, or a PGlite data folder on
 * disk. For the fault tests that SIGKILL the API process and start it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { type Config, loadConfig } from '../../kernel/config';
import { createScratchDatabase } from './database';
import type { GqlResult } from './platform';

export const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'server/cli.ts');

export interface DurableDatabase {
  /** a folder for this test's files (the PGlite data, the evidence) */
  dir: string;
  /** what the platform's config needs to open it */
  config: Partial<Config>;
  /** the environment a child process needs to open it */
  env: NodeJS.ProcessEnv;
  /** runs SQL on it (PGlite: opens the folder in this process; only while no child holds it) */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function openDurableDatabase(prefix: string): Promise<DurableDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hongdun-${prefix}-`));
  const evidenceDir = path.join(dir, 'evidence');
  const base = process.env.DATABASE_URL;
  if (base) {
    const scratch = await createScratchDatabase(base, 'hongdun_f');
    return {
      dir,
      config: { databaseUrl: scratch.url, evidenceDir, dbPoolMax: 5 },
      env: { DATABASE_URL: scratch.url, EVIDENCE_DIR: evidenceDir },
      async sql<T>(text: string, params: unknown[] = []) {
        const c = new Client({ connectionString: scratch.url });
        await c.connect();
        try {
          return (await c.query(text, params)).rows as T[];
        } finally {
          await c.end();
        }
      },
      async drop() {
        await scratch.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const dataDir = path.join(dir, 'db');
  return {
    dir,
    config: { databaseUrl: undefined, dataDir, evidenceDir },
    env: { DATA_DIR: dataDir, EVIDENCE_DIR: evidenceDir },
    async sql<T>(text: string, params: unknown[] = []) {
      const db = await PGlite.create(dataDir);
      try {
        return (await db.query(text, params)).rows as T[];
      } finally {
        await db.close();
      }
    },
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function durableConfig(db: DurableDatabase, extra: Partial<Config> = {}): Config {
  return loadConfig({ port: 0, redisUrl: undefined, demo: false, patrolSchedules: false, crawlSchedules: false, ...db.config, ...extra } as Partial<Config>);
}

export interface ChildPlatform {
  url: string;
  child: ChildProcess;
  /** milliseconds from spawn to serving */
  startMillis: number;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  login(username: string, password: string): Promise<string>;
  /** SIGKILL, and waits for the process to be gone */
  kill(): Promise<void>;
  /** SIGTERM, and waits */
  stop(): Promise<void>;
}

/** Starts `hongdun serve` on the database; resolves when it prints its URL. */
export function startChildPlatform(db: DurableDatabase, env: NodeJS.ProcessEnv = {}): Promise<ChildPlatform> {
  const started = Date.now();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', DEMO: 'false', PORT: '0', PATROL_SCHEDULES: 'false', CRAWL_SCHEDULES: 'false', ...db.env, ...env };
  if (!db.env.DATABASE_URL) delete childEnv.DATABASE_URL;
  delete childEnv.REDIS_URL;
  if (env.REDIS_URL) childEnv.REDIS_URL = env.REDIS_URL;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', CLI, 'serve'], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hongdun serve did not start in 90 s: ${out}\n${err}`));
    }, 90_000);
    child.stderr!.on('data', (d) => {
      err += d;
      if (err.length > 20_000) err = err.slice(-10_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hongdun serve exited (${code}) before serving: ${out}\n${err}`));
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /is running: (http:\/\/[^\s]+)\/graphql/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as GqlResult;
        return { status: res.status, data: body.data, errors: body.errors };
      };
      resolve({
        url,
        child,
        startMillis: Date.now() - started,
        gql,
        async login(username, password) {
          const r = await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: password });
          if (!r.data?.login) throw new Error(`login of ${username} failed: ${JSON.stringify(r.errors)}`);
          return r.data.login.token as string;
        },
        async kill() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}

/** A random integer in [lo, hi]. */
export function randomBetween(lo: number, hi: number): number {
  return Math.floor(lo + Math.random() * (hi - lo + 1));
}
