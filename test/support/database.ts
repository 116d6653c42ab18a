import type { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '../../kernel/config';
import { openDatabase } from '../../server/database';

/** Which back end the suite runs on: the PostgreSQL server at DATABASE_URL, or embedded PGlite. */
export const BACKEND = process.env.DATABASE_URL ? 'postgresql' : 'pglite';

export interface TestDatabase {
  orm: MikroORM;
  /** the URL of the throwaway server database (undefined on PGlite) */
  url: string | undefined;
  close(): Promise<void>;
}

/** Creates an empty database on the server at `baseUrl`; `drop()` removes it (connections and all). */
export async function createScratchDatabase(baseUrl: string, prefix = 'hongdun_t'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/**
 * A throwaway, migrated database: a fresh database on the server at DATABASE_URL (dropped on close),
 * or an in-memory PGlite.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const orm = await openDatabase(loadConfig({ databaseUrl: undefined, dataDir: 'memory://' }));
    return { orm, url: undefined, close: () => orm.close(true) };
  }
  const scratch = await createScratchDatabase(base);
  const orm = await openDatabase(loadConfig({ databaseUrl: scratch.url, dbPoolMax: 5 }));
  return {
    orm,
    url: scratch.url,
    async close() {
      await orm.close(true);
      await scratch.drop();
    },
  };
}
