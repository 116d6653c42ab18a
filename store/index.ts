import { PortableTimeSeriesStore } from './portable.store';
import { TimescaleTimeSeriesStore, type TimescaleOptions } from './timescale.store';
import type { SqlExecutor, TimeSeriesStore } from './types';

export * from './types';
export { executorFromEntityManager } from './sql-executor';
export { PortableTimeSeriesStore } from './portable.store';
export { checkBucket, InvalidCursorError } from './base.store';
export { TimescaleTimeSeriesStore, type TimescaleOptions } from './timescale.store';

/**
 * Which implementation the database calls for. An existing `listing_observation` decides (a hypertable
 * stays TimescaleDB, a partitioned table stays portable: switching would strand the data); otherwise
 * TimescaleDB when the extension is installed, or available and creatable by this role; else portable.
 */
export async function detectImplementation(db: SqlExecutor): Promise<'timescaledb' | 'portable'> {
  const installed = await db.query<{ v: string }>(`select extversion as v from pg_extension where extname = 'timescaledb'`);
  const existing = await db.query<{ relkind: string }>(`select relkind from pg_class where oid = to_regclass('public.listing_observation')`);
  if (existing.length > 0) {
    if (installed.length === 0) return 'portable';
    const hyper = await db.query(`select 1 from timescaledb_information.hypertables where hypertable_name = 'listing_observation'`);
    return hyper.length > 0 ? 'timescaledb' : 'portable';
  }
  if (installed.length > 0) return 'timescaledb';
  const available = await db.query(`select 1 from pg_available_extensions where name = 'timescaledb'`);
  if (available.length === 0) return 'portable';
  try {
    await db.query(`create extension if not exists timescaledb`);
    return 'timescaledb';
  } catch {
    return 'portable'; // available but not creatable by this role (or not preloaded): stay portable
  }
}

/**
 * Opens the store at start-up: detects the implementation and ensures its schema (idempotent). Run as a
 * system actor (`runAsSystem('time-series schema', …)`) outside any transaction.
 */
export async function openTimeSeriesStore(db: SqlExecutor, options: TimescaleOptions = {}): Promise<TimeSeriesStore> {
  const store = (await detectImplementation(db)) === 'timescaledb' ? new TimescaleTimeSeriesStore(db, options) : new PortableTimeSeriesStore(db);
  await store.ensureSchema();
  return store;
}

/** A store of a known implementation on `db` (no detection, no DDL): for request- and job-scoped executors. */
export function storeOn(implementation: 'timescaledb' | 'portable', db: SqlExecutor, options: TimescaleOptions = {}): TimeSeriesStore {
  return implementation === 'timescaledb' ? new TimescaleTimeSeriesStore(db, options) : new PortableTimeSeriesStore(db);
}
export { rememberStoreImplementation, timeSeriesOf } from './opened';
