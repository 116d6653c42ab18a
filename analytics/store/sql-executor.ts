import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlExecutor } from './types';

/**
 * An executor on a MikroORM EntityManager: runs inside the EntityManager's transaction when it has one
 * (PGlite has one connection: querying through another EntityManager inside a transaction deadlocks).
 * MikroORM inlines the parameters into the SQL text, so arrays are never expanded by knex; batches are
 * therefore passed as one JSON parameter (`jsonb_to_recordset`).
 */
export function executorFromEntityManager(em: EntityManager): SqlExecutor {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const rows = await em.getConnection().execute(sql, params as unknown[], 'all', em.getTransactionContext());
      return rows as T[];
    },
  };
}
