import type { MikroORM } from '@mikro-orm/postgresql';
import { storeOn, type SqlExecutor, type TimeSeriesStore } from './index';

/** Remembers which implementation `openDatabase` detected for this ORM (server/database.ts). */
export function rememberStoreImplementation(orm: MikroORM, implementation: 'timescaledb' | 'portable'): void {
  implementations.set(orm, implementation);
}

const implementations = new WeakMap<MikroORM, 'timescaledb' | 'portable'>();

/**
 * The time-series store of a database opened by `openDatabase`, on an executor (a request's or a job's
 * EntityManager): the implementation detected at start-up, without detecting it again.
 */
export function timeSeriesOf(orm: MikroORM): (db: SqlExecutor) => TimeSeriesStore {
  const implementation = implementations.get(orm);
  if (!implementation) throw new Error('the time-series store is opened by openDatabase(); this ORM was not');
  return (db) => storeOn(implementation, db);
}
