import { openReaderPool } from '../services/reads/scoped-sql';
import { PGlite } from '@electric-sql/pglite';
import { Migrator } from '@mikro-orm/migrations';
import { type Options, MikroORM, PostgreSqlDriver, defineConfig } from '@mikro-orm/postgresql';
import { DataloaderType } from '@mikro-orm/core';
import { PGliteDriver, PGliteKnexDialect } from 'mikro-orm-pglite';
import fs from 'node:fs';
import { ALL_ENTITIES } from '../entities';
import { AccessAuditSubscriber } from './access/access-audit.subscriber';
import type { Config } from '../kernel/config';
import { logger } from '../kernel/logger';
import { MIGRATIONS } from './migrations';
import { executorFromEntityManager, openTimeSeriesStore, rememberStoreImplementation } from '../store';
export { timeSeriesOf } from '../store';
import { loadRegions } from '../services/registry/region-catalog';
import { runAsSystem } from '../services/system-actor';
import { hasSeveralStatements } from './pglite-statements';
import { queryCounter } from '../services/reads/query-counter';
import { loadCalendarAdjustments } from '../services/calendar/calendar-days';

// Route only true multi-statement texts through PGlite's exec(); see server/pglite-statements.ts.
(PGliteKnexDialect.prototype as unknown as { _query: unknown })._query = async function (
  connection: PGlite,
  obj: { sql?: string; bindings?: unknown[]; method?: string; response?: unknown },
) {
  if (!obj.sql) throw new Error('The query is empty');
  obj.response =
    obj.method === 'raw' && !obj.bindings?.length && hasSeveralStatements(obj.sql)
      ? await connection.exec(obj.sql)
      : await connection.query(obj.sql, obj.bindings ?? []);
  return obj;
};

/** Counts SQL statements; tests and the N+1 guarantee read it. */
export { queryCounter };

/** The ORM options shared by both back ends. */
function baseOptions(): Options {
  return defineConfig({
    entities: ALL_ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    dataloader: DataloaderType.ALL,
    // A reference to a row outside the caller's jurisdiction keeps its foreign key (so writes and the
    // audit log see the true value); loading it through the filter yields null. Also spares every
    // list query a join per relation.
    autoJoinRefsForFilters: false,
    subscribers: [new AccessAuditSubscriber()],
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    onQuery: (sql: string) => {
      queryCounter.count++;
      return sql;
    },
    debug: process.env.SQL_DEBUG === '1',
  });
}

/** Which database a config points at, for logs and the /readyz answer. */
export function describeDatabase(config: Config): string {
  if (config.databaseUrl) return `PostgreSQL server ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}`;
  return `embedded PGlite (${config.dataDir})`;
}

/** PostgreSQL's type oid of `date`. */
const DATE_OID = 1082;

/**
 * Opens the database: the PostgreSQL server at DATABASE_URL, or else an embedded PGlite whose data
 * lives in DATA_DIR (`memory://` for a throwaway one). Applies pending migrations.
 */
export async function openDatabase(config: Config): Promise<MikroORM> {
  let orm: MikroORM;
  if (config.databaseUrl) {
    orm = await MikroORM.init({
      ...baseOptions(),
      driver: PostgreSqlDriver,
      clientUrl: config.databaseUrl,
      pool: { min: 0, max: config.dbPoolMax },
    });
    // the compiled reads' own connections, as the reading role (services/reads/scoped-sql.ts)
    const reader = openReaderPool(orm.em, config.databaseUrl, config.dbPoolMax);
    const close = orm.close.bind(orm);
    orm.close = async (force?: boolean) => {
      await reader.close();
      await close(force);
    };
  } else {
    const dir = config.dataDir;
    if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
    // dates as 'YYYY-MM-DD' text, as node-postgres gives them (PGlite would make them midnight-UTC Date objects)
    const pglite = await PGlite.create(dir, { parsers: { [DATE_OID]: (value: string) => value } });
    orm = await MikroORM.init({
      ...baseOptions(),
      driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
      dbName: 'postgres',
      pool: { min: 1, max: 1 },
      driverOptions: { connection: { pglite: () => pglite } },
    });
    const close = orm.close.bind(orm);
    orm.close = async (force?: boolean) => {
      await close(force);
      await pglite.close();
    };
  }
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
  // reference data every database needs (the region table), loaded once
  const regions = await runAsSystem('load reference regions', () => loadRegions(orm.em.fork()));
  if (regions > 0) logger.info({ regions }, 'loaded the regions of Shandong');
  // the province's hand-set working days, over the holiday package
  const calendarDays = await loadCalendarAdjustments(orm.em.fork());
  if (calendarDays > 0) logger.info({ calendarDays }, 'hand-set working days in force');
  // the time-series tables: hypertables where TimescaleDB is installed, monthly partitions otherwise
  const store = await runAsSystem('time-series schema', () => openTimeSeriesStore(executorFromEntityManager(orm.em.fork())));
  logger.debug({ implementation: store.implementation }, 'time-series store ready');
  rememberStoreImplementation(orm, store.implementation);
  return orm;
}

