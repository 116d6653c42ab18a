import type { EntityManager } from '@mikro-orm/postgresql';
import { once } from 'node:events';
import { from as copyFromStdin } from 'pg-copy-streams';
import type { SqlExecutor } from './types';

/** The part of a pg client used here: plain statements, and a COPY stream (a pg-copy-streams submittable). */
interface PgConnection {
  query(sql: string): Promise<unknown>;
  query(submittable: ReturnType<typeof copyFromStdin>): NodeJS.WritableStream & { rowCount?: number };
}

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
        acquireConnection(): Promise<PgConnection>;
        releaseConnection(connection: unknown): Promise<void>;
      };
      const connection = await knexClient.acquireConnection();
      // Asynchronous commit: the batch does not wait for its own WAL flush (the fsync per batch that makes
      // small COPYs slow). A server crash may lose the last fraction of a second of batches, never half of
      // one; a crawl run is marked done by a synchronous commit afterwards, which flushes the WAL before it,
      // so a run recorded as done has all its rows durable, and one that is not is retried (idempotently).
      await connection.query('begin');
      let open = true;
      try {
        await connection.query('set local synchronous_commit = off');
        const names = columns.map((c) => `"${c}"`).join(', ');
        const stream = connection.query(copyFromStdin(`copy "${table}" (${names}) from stdin`));
        const done = Promise.race([once(stream, 'finish'), once(stream, 'error').then(([e]) => Promise.reject(e))]);
        done.catch(() => undefined); // awaited below; this only keeps an early error from counting as unhandled
        // lines are encoded as they are sent: the server parses one chunk while the next is built
        let chunk = '';
        let inChunk = 0;
        let sent = 0;
        for (const line of lines) {
          chunk += `${line}\n`;
          sent++;
          if (++inChunk === COPY_CHUNK) {
            const ok = stream.write(chunk);
            chunk = '';
            inChunk = 0;
            if (!ok) await Promise.race([once(stream, 'drain'), done]);
          }
        }
        if (chunk) stream.write(chunk);
        stream.end();
        await done;
        await connection.query('commit');
        open = false;
        return stream.rowCount ?? sent;
      } finally {
        if (open) await connection.query('rollback').catch(() => undefined);
        await knexClient.releaseConnection(connection);
      }
    };
  }
  return executor;
}
