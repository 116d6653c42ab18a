/**
 * SQL that PostgreSQL itself scopes to the caller: each call takes a pooled connection, opens a read-only
 * transaction, switches to the reading role {@link READER_ROLE} and sets the caller's jurisdiction
 * ({@link jurisdictionSetting}, from the one actor in context), so the row-level security policies of
 * migration 20261213-row-level-security filter every table it reads, whatever the SQL says. The compiled
 * GraphQL reads use it; so can any raw query, export or report (`withScopedSql`). Without an actor it
 * throws (fail closed), and a query that forgets the jurisdiction still sees only the caller's rows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { currentActor, jurisdictionSetting, READER_ROLE, JURISDICTION_SETTING } from '../../entities/jurisdiction';
import { queryCounter } from './query-counter';

/** What a pooled connection is: a pg client (server) or the PGlite instance (embedded). */
interface PgClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}
interface PGliteLike {
  exec(sql: string): Promise<Array<{ rows: Record<string, unknown>[] }>>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}
type Connection = PgClient | PGliteLike;
interface KnexClient {
  acquireConnection(): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

function isPGlite(connection: Connection): connection is PGliteLike {
  return typeof (connection as PGliteLike).exec === 'function';
}

/** A string as a PostgreSQL literal (E'' form, so backslashes and quotes are safe whatever the settings). */
export function sqlLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('a text value cannot hold a NUL character');
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The statements that open the scoped transaction (one text, one round trip with what follows). */
function openScope(): string {
  const setting = jurisdictionSetting(currentActor());
  return `begin read only; select set_config('role', '${READER_ROLE}', true), set_config('${JURISDICTION_SETTING}', ${sqlLiteral(setting)}, true)`;
}

function knexClient(em: EntityManager): KnexClient {
  return em.getConnection().getKnex().client as unknown as KnexClient;
}

async function rollback(connection: Connection): Promise<void> {
  try {
    if (isPGlite(connection)) await connection.exec('rollback');
    else await connection.query('rollback');
  } catch {
    // the connection is unusable anyway; the pool replaces a broken pg client
  }
}

/**
 * Runs one statement without parameters (values inlined as literals by the caller, e.g. with
 * {@link sqlLiteral}) that returns one row with one column, inside the caller's scope, in a single round
 * trip, and returns that value. On a PostgreSQL server it goes through the reading pool (below): one
 * statement, with the jurisdiction set before it in the same message only when the connection held
 * another; on PGlite (one connection, shared with the ORM) through a transaction that sets role and
 * jurisdiction locally (begin; role and jurisdiction; the statement; commit).
 */
export async function scopedValue<T>(em: EntityManager, sql: string): Promise<T> {
  const setting = jurisdictionSetting(currentActor());
  const pool = readerPools.get(em.getDriver());
  queryCounter.count++;
  if (pool) return (await readerValue(pool, setting, sql)) as T;
  const text = `${openScope()}; ${sql}; commit`;
  const client = knexClient(em);
  const connection = await client.acquireConnection();
  try {
    const results = (isPGlite(connection) ? await connection.exec(text) : await connection.query(text)) as Array<{ rows: Record<string, unknown>[] }>;
    const rows = results[results.length - 2]?.rows ?? [];
    const row = rows[0];
    return (row ? Object.values(row)[0] : null) as T;
  } catch (error) {
    await rollback(connection);
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * The reading pool of a PostgreSQL server: connections of their own (never the ORM's), each switched for
 * good to the reading role {@link READER_ROLE} and to read-only transactions the first time it is used, in
 * the same message as its first statement (if the switch fails, the statement does not run: the message
 * is one implicit transaction). A connection remembers the jurisdiction it holds (a session setting) and
 * sets another, again in the statement's own message, only when the caller's differs; when a message
 * fails, the connection forgets what it holds and sets it again next time. One round trip, one statement
 * in the common case, where the transaction form costs four.
 */
const readerPools = new WeakMap<object, import('pg').Pool>();
const heldJurisdiction = new WeakMap<object, string>();

/** Opens the reading pool of a server database (server/database.ts); `close` ends it. */
export function openReaderPool(em: EntityManager, connectionString: string, max: number): { close(): Promise<void> } {
  const { Pool } = require('pg') as typeof import('pg');
  const pool = new Pool({ connectionString, max, idleTimeoutMillis: 30_000, allowExitOnIdle: true, application_name: 'hongdun-reader' });
  // an idle connection that breaks (server restart) is dropped by the pool; say so instead of crashing
  pool.on('error', () => undefined);
  readerPools.set(em.getDriver(), pool);
  return {
    async close() {
      readerPools.delete(em.getDriver());
      await pool.end();
    },
  };
}

async function readerValue(pool: import('pg').Pool, setting: string, sql: string): Promise<unknown> {
  const client = await pool.connect();
  let broken = false;
  try {
    const held = heldJurisdiction.get(client);
    const prefix: string[] = [];
    if (held === undefined) prefix.push(`set role ${READER_ROLE}`, 'set default_transaction_read_only = on');
    if (held !== setting) prefix.push(`select set_config('${JURISDICTION_SETTING}', ${sqlLiteral(setting)}, false)`);
    heldJurisdiction.delete(client);
    const result = (await client.query(prefix.length ? `${prefix.join('; ')}; ${sql}` : sql)) as unknown as { rows: Record<string, unknown>[] } | Array<{ rows: Record<string, unknown>[] }>;
    heldJurisdiction.set(client, setting);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    const row = last?.rows[0];
    return row ? Object.values(row)[0] : null;
  } catch (error) {
    // a failed message leaves the connection as it was before it, or broken: set everything again
    broken = !(error as { code?: unknown }).code;
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Raw queries (PostgreSQL `$1` parameters) inside the caller's scope. */
export interface ScopedSql {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * Runs `fn` with raw SQL inside one read-only transaction scoped to the current actor by PostgreSQL's
 * row-level security: `select * from shop` in it returns only the shops of the caller's jurisdiction.
 */
export async function withScopedSql<T>(em: EntityManager, fn: (db: ScopedSql) => Promise<T>): Promise<T> {
  const client = knexClient(em);
  const connection = await client.acquireConnection();
  const run = async (sql: string, params: readonly unknown[] = []) => {
    queryCounter.count++;
    const result = (await connection.query(sql, [...params])) as { rows: Record<string, unknown>[] };
    return result.rows;
  };
  try {
    if (isPGlite(connection)) await connection.exec(openScope());
    else await connection.query(openScope());
    queryCounter.count++;
    const value = await fn({ query: async <R>(sql: string, params?: readonly unknown[]) => (await run(sql, params)) as R[] });
    await run('commit');
    return value;
  } catch (error) {
    await rollback(connection);
    throw error;
  } finally {
    await client.releaseConnection(connection);
  }
}
