import type { EntityManager } from '@mikro-orm/postgresql';
import { once } from 'node:events';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { SqlExecutor } from './types';

/** Rows per chunk written to a COPY stream. */
const COPY_CHUNK = 1000;

/**
 * An executor on a MikroORM EntityManager: runs inside the EntityManager's transaction when it has one
 * (PGlite has one connection: querying through another EntityManager inside a transaction deadlocks).
 *
 * On a PostgreSQL server and outside a transaction it can also COPY (`copyFrom`), on a pooled connection
 * of its own, streamed with pg-copy-streams; PGlite and transactional executors have no `copyFrom`, and the
 * store writes through its SQL write functions instead.
 */
export function executorFromEntityManager(em: EntityManager): SqlExecutor {
  const executor: SqlExecutor = {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const rows = await em.getConnection().execute(sql, params as unknown[], 'all', em.getTransactionContext());
      return rows as T[];
    },
  };
  const onServer = em.getDriver().constructor.name === 'PostgreSqlDriver';
  if (onServer && !em.getTransactionContext()) {
    executor.copyFrom = async (table, columns, lines) => {
      const knexClient = em.getConnection().getKnex().client as {
        acquireConnection(): Promise<{ query(submittable: unknown): NodeJS.WritableStream & { rowCount?: number } }>;
        releaseConnection(connection: unknown): Promise<void>;
      };
      const connection = await knexClient.acquireConnection();
      try {
        const names = columns.map((c) => `"${c}"`).join(', ');
        const stream = connection.query(copyFromStdin(`copy "${table}" (${names}) from stdin`)) as NodeJS.WritableStream & { rowCount?: number };
        const done = Promise.race([once(stream, 'finish'), once(stream, 'error').then(([e]) => Promise.reject(e))]);
        done.catch(() => undefined); // awaited below; this only keeps an early error from counting as unhandled
        for (let i = 0; i < lines.length; i += COPY_CHUNK) {
          const chunk = `${lines.slice(i, i + COPY_CHUNK).join('\n')}\n`;
          if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), done]);
        }
        stream.end();
        await done;
        return stream.rowCount ?? lines.length;
      } finally {
        await knexClient.releaseConnection(connection);
      }
    };
  }
  return executor;
}
